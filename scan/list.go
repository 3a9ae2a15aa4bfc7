package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mati-dev/mati/artifact"
)

// Item is one artifact found by a [Lister].
type Item struct {
	// Ref names the artifact as reports show it and as [artifact.Parse]
	// reads it: a local path (the location joined with the path under it) or
	// "s3://bucket/key". [Run] inspects each Ref once and shards by it, so a
	// Lister of the caller's own that yields one artifact under several
	// names (see Data) gives each a Ref of its own.
	Ref string
	// Key is what the globs of a [Filter] are matched against: the path
	// under the folder with "/" separators locally, the object's full key in
	// S3.
	Key string
	// Size is the artifact's size in bytes.
	Size int64
	// ETag is the S3 object's entity tag, without quotes; "" locally.
	ETag string
	// ModTime is the file's modification time, or the object's last
	// modification time.
	ModTime time.Time
	// Named is set for a file named on the command line rather than found
	// under a folder: it is scanned whatever the globs say.
	Named bool
	// Err, when not nil, means this part of the location could not be
	// listed (e.g. a folder that cannot be read); Ref names that part. Such
	// an item is reported as not inspected and never inspected.
	Err error
	// Data is what a Lister of the caller's own attaches to the item (e.g.
	// the model container an artifact is judged for). [Run] never reads it
	// and hands it on, in the Item, to the InspectFunc and the [Outcome].
	// The listers of this package leave it nil.
	Data any
}

// Lister finds the artifacts of one location.
type Lister interface {
	// Name returns the location as the user wrote it.
	Name() string
	// List calls fn for each object under the location, in a stable
	// order, on the calling goroutine. An error from fn stops the listing
	// and is returned as is; any other error means the location could not
	// be listed (fully).
	List(ctx context.Context, fn func(Item) error) error
}

// Local returns the lister of a local location: every regular file under
// a folder, walked recursively in lexical order without following symbolic
// links, or the one file named.
func Local(path string) Lister { return local{path: path} }

type local struct{ path string }

func (l local) Name() string { return l.path }

func (l local) List(ctx context.Context, fn func(Item) error) error {
	fi, err := os.Stat(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("failed to list %q: %w", l.path, artifact.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("failed to list %q: %w", l.path, err)
	}
	if !fi.IsDir() {
		return fn(Item{Ref: l.path, Key: filepath.ToSlash(filepath.Base(l.path)), Size: fi.Size(), ModTime: fi.ModTime(), Named: true})
	}
	return filepath.WalkDir(l.path, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if p == l.path {
				return fmt.Errorf("failed to list %q: %w", l.path, err)
			}
			// Report the part that cannot be read, and go on.
			if ferr := fn(Item{Ref: p, Key: l.key(p), Err: fmt.Errorf("failed to list %q: %w", p, err)}); ferr != nil {
				return ferr
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fn(Item{Ref: p, Key: l.key(p), Err: fmt.Errorf("failed to stat %q: %w", p, err)})
		}
		return fn(Item{Ref: p, Key: l.key(p), Size: info.Size(), ModTime: info.ModTime()})
	})
}

// key is the path of p under the folder, with "/" separators.
func (l local) key(p string) string {
	rel, err := filepath.Rel(l.path, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// S3 returns the lister of an S3 location, "s3://bucket/prefix" or
// "s3://bucket": every object whose key starts with the prefix, listed page
// by page with [artifact.ListS3] in UTF-8 binary order. Folder markers (keys
// ending in "/") are skipped.
func S3(ref string, opts artifact.S3Options) Lister { return s3Lister{ref: ref, opts: opts} }

type s3Lister struct {
	ref  string
	opts artifact.S3Options
}

func (l s3Lister) Name() string { return l.ref }

func (l s3Lister) List(ctx context.Context, fn func(Item) error) error {
	return artifact.ListS3(ctx, l.ref, l.opts, func(o artifact.Object) error {
		if strings.HasSuffix(o.Key, "/") {
			return nil
		}
		return fn(Item{Ref: o.Ref(), Key: o.Key, Size: o.Size, ETag: strings.Trim(o.ETag, `"`), ModTime: o.LastModified})
	})
}
