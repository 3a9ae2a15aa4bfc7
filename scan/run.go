package scan

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/mati-dev/mati/rules"
)

// Outcome is what became of one artifact.
type Outcome struct {
	// Item is the artifact; for a location that could not be listed, Ref
	// names the location.
	Item Item
	// Result is the artifact's result. When Err is not nil, Result.Error
	// says why and Result.Source is still set.
	Result rules.Result
	// Err is nil when the artifact was judged; otherwise it could not be
	// inspected (or listed), and it is counted as failed.
	Err error
	// Cached is set when Result comes from the cache rather than from
	// inspecting the artifact in this run.
	Cached bool
}

// InspectFunc inspects one artifact. It is called from several goroutines
// at once. On error the result should still name the artifact.
type InspectFunc func(ctx context.Context, it Item) (rules.Result, error)

// Options configure [Run].
type Options struct {
	// Jobs is how many artifacts are inspected at once; 0 or less means
	// runtime.NumCPU().
	Jobs int
	// Filter selects artifacts by key; items named on the command line
	// bypass it.
	Filter Filter
	// Shard selects the artifacts of one shard; the zero value is all of
	// them.
	Shard Shard
	// Cache, when not nil, gives the results of unchanged artifacts and
	// remembers new ones. Run does not save it.
	Cache *Cache
	// Inspect judges one artifact. It must not be nil.
	Inspect InspectFunc
	// Listed, when not nil, is called for each selected artifact as it is
	// listed, before it is inspected, from the listing goroutine (to count
	// the work ahead).
	Listed func(Item)
	// Done is called for each outcome as it arrives, in completion order,
	// one call at a time (never concurrently), so it can write a stream.
	Done func(Outcome)
}

// Run lists every location in order, keeps the items the filter and the
// shard select (each reference once, the first time it is listed), and
// inspects them with opts.Jobs workers while the listing goes on. A cached
// result is used for an unchanged artifact. Nothing stops the scan but ctx:
// an artifact that cannot be inspected, or a location that cannot be
// listed, gives an outcome with Err set, and the others go on. A listing
// error is sharded like the artifacts when it names a part of a location,
// and reported by every shard when the whole location failed.
//
// Run returns when every listed artifact is done, with ctx.Err() if ctx
// ended first (artifacts not yet started are then left out).
func Run(ctx context.Context, listers []Lister, opts Options) error {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	var mu sync.Mutex
	done := func(o Outcome) {
		mu.Lock()
		defer mu.Unlock()
		if opts.Done != nil {
			opts.Done(o)
		}
	}
	items := make(chan Item, jobs*4)
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for it := range items {
				if ctx.Err() != nil {
					continue // drain: the scan was interrupted
				}
				done(process(ctx, it, opts))
			}
		})
	}
	listed := func(it Item) {
		if opts.Listed != nil {
			opts.Listed(it)
		}
	}
	seen := map[string]bool{}
	for _, l := range listers {
		err := l.List(ctx, func(it Item) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if seen[it.Ref] || !opts.Shard.Has(it.Ref) {
				return nil
			}
			if it.Err == nil && !it.Named && !opts.Filter.Match(it.Key) {
				return nil
			}
			seen[it.Ref] = true
			listed(it)
			select {
			case items <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			it := Item{Ref: l.Name(), Err: err}
			listed(it)
			done(failed(it, err))
		}
	}
	close(items)
	wg.Wait()
	return ctx.Err()
}

// process gives the outcome of one item: from the listing error, from the
// cache, or by inspecting it.
func process(ctx context.Context, it Item, opts Options) Outcome {
	if it.Err != nil {
		return failed(it, it.Err)
	}
	if res, ok := opts.Cache.Get(it); ok {
		o := Outcome{Item: it, Result: res, Cached: true}
		if res.Error != "" {
			o.Err = errors.New(res.Error)
		}
		return o
	}
	res, err := opts.Inspect(ctx, it)
	if res.Source == "" {
		res.Source = it.Ref
	}
	if err != nil && res.Error == "" {
		res.Error = err.Error()
	}
	if ctx.Err() == nil {
		opts.Cache.Put(it, res, err)
	}
	return Outcome{Item: it, Result: res, Err: err}
}

// failed is the outcome of an item that could not be listed or inspected.
func failed(it Item, err error) Outcome {
	return Outcome{
		Item: it,
		Result: rules.Result{
			Source:    it.Ref,
			Framework: "unknown",
			Entries:   []rules.EntryView{},
			Expected:  []rules.ExpectedFile{},
			Handlers:  []rules.HandlerView{},
			Findings:  []rules.Finding{},
			Error:     err.Error(),
		},
		Err: err,
	}
}
