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

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/modelfile"
)

// maxCaptured bounds the bytes of all members read into memory for one
// artifact; members past it are listed in Archive.OverCap.
const maxCaptured = 64 << 20

// wantsContent reports whether a check reads the member at p: Python code
// near the root or in code/ (not code/lib/), dependency files, and JSON files
// at the top two levels (configuration, shard indexes, XGBoost models).
//
//	code/inference.py        -> true
//	code/lib/six.py          -> false
//	inference.py             -> true
//	model/1/code/inference.py -> true
//	config.json              -> true
//	model.safetensors.index.json -> true
//	a/b/c/config.json        -> false
func wantsContent(p string) bool {
	if junkRoot(p) != "" {
		return false
	}
	base := path.Base(p)
	depth := strings.Count(p, "/")
	if rel, ok := codeRel(p); ok && strings.HasPrefix(rel, "lib/") {
		return false
	}
	switch {
	case strings.HasSuffix(base, ".py"):
		return depth <= 3
	case dependencyNames[base]:
		return depth <= 3
	case strings.HasSuffix(base, ".json"):
		return depth <= 1
	case base == "serving.properties", base == "config.pbtxt":
		// LMI and Triton configuration (stacks.go).
		return depth <= 1
	}
	return false
}

// mustRead reports whether a check cannot do without the member at p, so
// that going over the read cap is worth a finding (a large tokenizer.json is
// not).
func mustRead(p string) bool {
	base := path.Base(p)
	return strings.HasSuffix(base, ".py") || dependencyNames[base] ||
		base == "config.json" || base == "serving.properties" || base == "config.pbtxt" || base == "model_index.json" || strings.HasSuffix(base, ".index.json")
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
		if !wantsContent(e.Path) {
			if scanModels && junkRoot(e.Path) == "" {
				return a.scanModel(e, open, sniff)
			}
			return nil
		}
		if e.Size > memberCap || captured+e.Size > maxCaptured {
			if mustRead(e.Path) {
				a.OverCap[e.Path] = e.Size
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
			if mustRead(e.Path) {
				a.OverCap[e.Path] = int64(len(b))
			}
			return nil
		}
		captured += int64(len(b))
		a.Files[e.Path] = b
		if scanModels && strings.HasSuffix(e.Path, ".json") {
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

// scanModel sniffs a member's first bytes and, if they are a model format
// with something to check (pickle, zip, joblib, npy, safetensors, XGBoost),
// scans it as it streams past. Other members are left unread. The kind of
// every top-level file is kept for the XGBoost checks.
func (a *Archive) scanModel(e artifact.Entry, open artifact.OpenFunc, br *bufio.Reader) error {
	r, err := open()
	if err != nil {
		return err
	}
	br.Reset(r)
	head, _ := br.Peek(modelfile.SniffLen)
	kind := modelfile.Sniff(e.Path, head)
	if !strings.Contains(e.Path, "/") {
		a.TopKinds[e.Path] = kind
	}
	if kind == modelfile.KindUnknown {
		return nil
	}
	rep, err := modelfile.Scan(e.Path, br, e.Size, modelfile.DefaultLimits)
	if err != nil {
		// The walk meets the same fault at the next header and reports it.
		return nil
	}
	a.Models[e.Path] = rep
	return nil
}
