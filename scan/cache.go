package scan

// The rules of the cache are:
//   - An entry is reused only when the artifact's reference, size, ETag
//     (S3) or modification time (local) and the fingerprint (mati's version,
//     the rule set and the configuration) all equal the ones it was stored
//     with. Anything else is inspected again.
//   - Only results that depend on the bytes alone are stored: a judged
//     artifact, or one that is not an archive, is corrupt, or went over a
//     limit. A failure to reach it (S3 error, I/O) is retried next time.
//   - A cache file that cannot be read or decoded is not trusted at all:
//     the scan starts from an empty cache and the caller warns.
//   - The file is replaced atomically (temporary file, then rename) and
//     holds the artifacts of the last run only, so deleted artifacts fall
//     out of it. One file per shard: concurrent writers do not merge.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/rules"
)

// cacheFormat is the version of the cache file's layout. The file is gob:
// a rerun over thousands of unchanged artifacts is mostly reading it, and
// gob decodes results several times faster than JSON.
const cacheFormat = 2

// Cache remembers inspection results between runs. Its methods are safe for
// concurrent use. A nil *Cache caches nothing.
type Cache struct {
	path        string
	fingerprint string

	loaded bool // the file was read (not missing, not corrupt)

	mu      sync.Mutex
	old     map[string]cacheEntry // loaded, by ref
	next    map[string]cacheEntry // seen in this run, by ref
	changed bool                  // Put stored a result
}

// cacheFile is the cache file's document.
type cacheFile struct {
	Format  int          `json:"format"`
	Entries []cacheEntry `json:"entries"`
}

// cacheEntry is one remembered result.
type cacheEntry struct {
	Key    cacheKey
	Result rules.Result
}

// cacheKey is what a remembered result is valid for.
type cacheKey struct {
	Ref         string `json:"ref"`
	Size        int64  `json:"size"`
	ETag        string `json:"etag,omitempty"`
	ModTime     int64  `json:"mtime_ns,omitempty"` // Unix nanoseconds
	Fingerprint string `json:"fingerprint"`
}

// Fingerprint returns what a cached result depends on besides the
// artifact: mati's version, every rule's id and severity, and the
// configuration (environment, framework, image, limits...), hashed.
func Fingerprint(version string, cfg rules.Config) string {
	h := sha256.New()
	fmt.Fprintf(h, "mati %s\n", version)
	for _, r := range rules.Catalog() {
		fmt.Fprintf(h, "rule %s %s\n", r.ID, r.Severity)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		// A configuration that cannot be encoded cannot be compared: make
		// the fingerprint unique so nothing is reused.
		fmt.Fprintf(h, "config error %p\n", &cfg)
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// LoadCache opens the cache at path for results with the given fingerprint
// (see [Fingerprint]). A missing file is an empty cache. A file that cannot
// be read or decoded gives an empty cache too, and a non-nil warning saying
// why; the cache is usable either way.
func LoadCache(path, fingerprint string) (c *Cache, warning error) {
	c = &Cache{path: path, fingerprint: fingerprint, old: map[string]cacheEntry{}, next: map[string]cacheEntry{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("failed to read the cache %q, starting without it: %v", path, err)
	}
	var f cacheFile
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&f); err != nil {
		return c, fmt.Errorf("the cache %q is corrupt, starting without it: %v", path, err)
	}
	if f.Format != cacheFormat {
		return c, fmt.Errorf("the cache %q has format %d, not %d, starting without it", path, f.Format, cacheFormat)
	}
	for _, e := range f.Entries {
		if e.Key.Ref == "" || e.Result.Source != e.Key.Ref {
			return c, fmt.Errorf("the cache %q is corrupt, starting without it: an entry is not about its artifact", path)
		}
		e.Result = e.Result.WithEmptyLists() // gob decodes empty lists as nil
		c.old[e.Key.Ref] = e
	}
	c.loaded = true
	return c, nil
}

// Len returns the number of entries loaded from the file.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.old)
}

// Get returns the result remembered for it, if it is unchanged, and keeps
// it for the next run.
func (c *Cache) Get(it Item) (rules.Result, bool) {
	if c == nil {
		return rules.Result{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.old[it.Ref]
	if !ok || e.Key != c.key(it) {
		return rules.Result{}, false
	}
	c.next[it.Ref] = e
	return e.Result, true
}

// Put remembers the result of inspecting it, when err says the result
// depends on the bytes alone (see the rules at the top of this file).
func (c *Cache) Put(it Item, res rules.Result, err error) {
	if c == nil || !Cacheable(err) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.next[it.Ref] = cacheEntry{Key: c.key(it), Result: res}
	c.changed = true
}

// KeepUnseen keeps, for the next Save, the loaded entries this run neither
// reused nor replaced: after an interrupted scan, the artifacts it did not
// reach stay cached.
func (c *Cache) KeepUnseen() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for ref, e := range c.old {
		if _, ok := c.next[ref]; !ok {
			c.next[ref] = e
		}
	}
}

// Cacheable reports whether a result that came with err may be reused
// while the artifact does not change: err is nil, or says the bytes are not
// an archive, are corrupt, or went over a limit.
func Cacheable(err error) bool {
	return err == nil ||
		errors.Is(err, artifact.ErrNotArchive) ||
		errors.Is(err, artifact.ErrCorrupt) ||
		errors.Is(err, artifact.ErrLimit)
}

// key is the key it is remembered under.
func (c *Cache) key(it Item) cacheKey {
	k := cacheKey{Ref: it.Ref, Size: it.Size, ETag: it.ETag, Fingerprint: c.fingerprint}
	if !it.ModTime.IsZero() {
		k.ModTime = it.ModTime.UnixNano()
	}
	return k
}

// Save writes the entries of this run (results reused or stored) to the
// cache file, replacing it atomically.
func (c *Cache) Save() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	if !c.changed && len(c.next) == len(c.old) && c.loaded {
		// Every entry was reused as it is: the file already says this.
		c.mu.Unlock()
		return nil
	}
	f := cacheFile{Format: cacheFormat, Entries: make([]cacheEntry, 0, len(c.next))}
	for _, e := range c.next {
		f.Entries = append(f.Entries, e)
	}
	c.mu.Unlock()
	slices.SortFunc(f.Entries, func(a, b cacheEntry) int { return strings.Compare(a.Key.Ref, b.Key.Ref) })
	dir, base := filepath.Split(c.path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("failed to write the cache %q: %v", c.path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, nothing to remove
	w := bufio.NewWriterSize(tmp, 1<<20)
	err = gob.NewEncoder(w).Encode(f)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.path)
	}
	if err != nil {
		return fmt.Errorf("failed to write the cache %q: %v", c.path, err)
	}
	return nil
}
