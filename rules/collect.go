package rules

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/modelfile"
)

// maxCaptured bounds the bytes of all members read into memory for one
// artifact; members past it are listed in Archive.OverCap.
const maxCaptured = 64 << 20

// Read is how much a rule or an extractor needs the content of a member.
type Read int

// The levels of need, in increasing order.
const (
	// ReadNone: the member's content is not needed.
	ReadNone Read = iota
	// ReadWanted: read it when it fits the read cap; silently go without
	// it otherwise (a large tokenizer.json).
	ReadWanted
	// ReadRequired: going over the read cap is worth a member-too-large
	// finding (code, requirements, shard indexes).
	ReadRequired
)

// extractor is a reader of member contents that is not a rule: it turns
// them into facts (Archive.Script) that rules judge.
type extractor struct {
	// name says what it extracts, for the reader's own documentation.
	name string
	// reads declares the members it needs.
	reads func(p string) Read
}

// extractors are the engine's own readers of member contents.
var extractors = []extractor{
	{name: "inference script (Archive.Script)", reads: readsScript},
	{name: "XGBoost JSON models (the model-file scan)", reads: readsTopJSON},
	{name: "serving stack configuration (stacks.go)", reads: readsStackConfig},
}

// readsStackConfig declares the configuration files the serving stacks'
// checks parse: LMI's serving.properties, Triton's config.pbtxt, the
// Hugging Face config.json that TGI and TEI read, TorchServe's manifest.
//
//	serving.properties       -> required
//	m/config.pbtxt           -> required
//	config.json              -> required
//	MAR-INF/MANIFEST.json    -> required
//	1_Pooling/config.json    -> wanted
//	a/b/c/config.pbtxt       -> none
func readsStackConfig(p string) Read {
	base, depth := path.Base(p), strings.Count(p, "/")
	switch {
	case (base == "serving.properties" || base == "config.pbtxt") && depth <= 2:
		return ReadRequired
	case p == "config.json" || p == "model_index.json" || p == "MAR-INF/MANIFEST.json":
		return ReadRequired
	case strings.HasSuffix(base, ".json") && depth <= 1:
		return ReadWanted
	}
	return ReadNone
}

// readsScript declares the Python files the inference-script analysis may
// pick: near the root or in code/, not in code/lib/.
//
//	code/inference.py         -> required
//	model/1/code/inference.py -> required
//	inference.py              -> required
//	code/lib/six.py           -> none
//	a/b/c/d/x.py              -> none
func readsScript(p string) Read {
	if strings.HasSuffix(p, ".py") && strings.Count(p, "/") <= 3 && !inCodeLib(p) {
		return ReadRequired
	}
	return ReadNone
}

// readsTopJSON declares the JSON files at the top two levels, which the
// model-file scan sniffs for XGBoost JSON models.
//
//	xgboost-model.json -> wanted
//	a/config.json      -> wanted
//	a/b/config.json    -> none
func readsTopJSON(p string) Read {
	if strings.HasSuffix(p, ".json") && strings.Count(p, "/") <= 1 {
		return ReadWanted
	}
	return ReadNone
}

// inCodeLib reports whether p is under code/lib/, the vendored packages.
func inCodeLib(p string) bool {
	rel, ok := codeRel(p)
	return ok && strings.HasPrefix(rel, "lib/")
}

// readers returns what the catalog's rules and the extractors declare they
// read, once.
var readers = sync.OnceValue(func() []func(string) Read {
	var out []func(string) Read
	for _, x := range extractors {
		out = append(out, x.reads)
	}
	for _, r := range Catalog() {
		if r.Reads != nil {
			out = append(out, r.Reads)
		}
	}
	return out
})

// reads returns the greatest need any rule or extractor declares for the
// member at p. Junk (._*, __MACOSX/, ...) is never read.
func reads(p string) Read {
	if junkRoot(p) != "" {
		return ReadNone
	}
	need := ReadNone
	for _, f := range readers() {
		need = max(need, f(p))
	}
	return need
}

// collect walks the source once and returns the archive's index with the
// members the checks read. A corrupt or over-limit archive is not an error:
// what was read up to there is returned with ReadErr set. The error is
// non-nil only when the artifact could not be inspected at all.
func collect(ctx context.Context, src artifact.Source, lim artifact.Limits, scanModels bool) (*Archive, artifact.Stats, error) {
	a := &Archive{
		Name:     src.Name(),
		Files:    map[string][]byte{},
		OverCap:  map[string]int64{},
		Models:   map[string]*modelfile.Report{},
		TopKinds: map[string]modelfile.Kind{},
	}
	sniff := bufio.NewReaderSize(nil, modelfile.SniffLen)
	memberCap := lim.MaxMemberRead
	if memberCap <= 0 {
		memberCap = artifact.DefaultLimits.MaxMemberRead
	}
	var captured int64
	stats, err := artifact.WalkSource(ctx, src, lim, func(e artifact.Entry, open artifact.OpenFunc) error {
		a.Entries = append(a.Entries, e)
		if e.Type != artifact.TypeFile || e.Unsafe != "" {
			return nil
		}
		need := reads(e.Path)
		if need == ReadNone {
			// Every regular member is sniffed by its content, junk and
			// text names included: a loader may unpickle any of them.
			if scanModels {
				return a.scanModel(e, open, sniff)
			}
			return nil
		}
		if e.Size > memberCap || captured+e.Size > maxCaptured {
			if need == ReadRequired {
				a.OverCap[e.Path] = e.Size
			}
			if scanModels {
				return a.scanModel(e, open, sniff)
			}
			return nil
		}
		r, err := open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(io.LimitReader(r, memberCap+1))
		if err != nil {
			// The walk meets the same fault at the next header and
			// reports it there.
			return nil
		}
		if int64(len(b)) > memberCap {
			if need == ReadRequired {
				a.OverCap[e.Path] = int64(len(b))
			}
			if scanModels {
				// The rest of the member is still to be read.
				return a.scanModel(e, func() (io.Reader, error) { return io.MultiReader(bytes.NewReader(b), r), nil }, sniff)
			}
			return nil
		}
		captured += int64(len(b))
		a.Files[e.Path] = b
		if scanModels {
			return a.scanModel(e, func() (io.Reader, error) { return bytes.NewReader(b), nil }, sniff)
		}
		return nil
	})
	a.Format = stats.Format
	a.HiddenAfterEnd = stats.HiddenAfterEnd
	switch {
	case err == nil:
	case errors.Is(err, artifact.ErrCorrupt), errors.Is(err, artifact.ErrLimit):
		a.ReadErr = err
	default:
		return a, stats, fmt.Errorf("failed to read %q: %w", src.Name(), err)
	}
	return a, stats, nil
}

// scanModel scans a member by its content as it streams past: pickles
// wherever they are (whatever the name), zips, joblib and other compressed
// files, nested archives, npy, safetensors, XGBoost. A member with nothing
// to report is not kept. The kind of every top-level file is kept for the
// XGBoost checks.
func (a *Archive) scanModel(e artifact.Entry, open artifact.OpenFunc, br *bufio.Reader) error {
	r, err := open()
	if err != nil {
		return err
	}
	br.Reset(r)
	rep, err := modelfile.Scan(e.Path, br, e.Size, modelfile.DefaultLimits)
	if !strings.Contains(e.Path, "/") {
		a.TopKinds[e.Path] = rep.Kind
	}
	if err != nil {
		// The walk meets the same fault at the next header and reports it.
		return nil
	}
	if rep.Kind != modelfile.KindUnknown || len(rep.Imports) > 0 || len(rep.Problems) > 0 {
		a.Models[e.Path] = rep
	} else {
		delete(a.Models, e.Path)
	}
	return nil
}
