package rules

// The rules of the baseline are:
//   - an entry records a finding by its artifact (as the user named it),
//     rule, path inside the artifact, line and evidence: a hash of the rule,
//     the path and the message with the artifact's name and line numbers
//     taken out, so that a finding whose code moved keeps its evidence;
//   - a finding matches an entry of its artifact with the same rule, path
//     and evidence, at the same line first, then at any line; each entry
//     matches one finding, so a second copy of a known finding is new.

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// BaselineVersion is the version of the baseline document.
const BaselineVersion = 1

// ErrBaseline is wrapped by errors about a baseline file's content.
var ErrBaseline = errors.New("invalid baseline")

// Baseline is the set of findings known when it was written. Its methods
// are not safe for concurrent use; Policy.Apply serialises them.
type Baseline struct {
	// Version is BaselineVersion.
	Version int `json:"version"`
	// Findings are the recorded findings, sorted.
	Findings []BaselineEntry `json:"findings"`

	// name is the file it was read from, for the suppressions.
	name string
	// used marks the entries that already matched a finding.
	used []bool
	// bySource indexes Findings by artifact.
	bySource map[string][]int
}

// BaselineEntry is one recorded finding.
type BaselineEntry struct {
	// Source is the artifact as the user named it.
	Source string `json:"source"`
	// RuleID is the finding's rule.
	RuleID string `json:"rule_id"`
	// Path is the finding's path inside the artifact ("" for the artifact).
	Path string `json:"path"`
	// Line is the finding's 1-based line (0: none).
	Line int `json:"line,omitempty"`
	// Evidence is the hash that survives line moves (see Evidence).
	Evidence string `json:"evidence"`
}

// lineNumbers matches the line numbers a message may quote, so that they
// do not change its evidence.
//
//	"import \"os\" in code/inference.py line 3" -> "... line #"
//	"defined at code/util.py:12:5"              -> "... code/util.py:#"
var lineNumbers = regexp.MustCompile(`\bline \d+|(\.py):\d+(?::\d+)?`)

// Evidence returns the hash identifying finding f of the artifact source
// wherever its line is: 32 hex digits of SHA-256 over the rule, the member
// path and the message without the artifact's name and line numbers.
func Evidence(source string, f Finding) string {
	msg := f.Message
	if source != "" {
		msg = strings.ReplaceAll(msg, source, "")
	}
	msg = lineNumbers.ReplaceAllStringFunc(msg, func(m string) string {
		if strings.HasPrefix(m, "line ") {
			return "line #"
		}
		return m[:strings.IndexByte(m, ':')] + ":#"
	})
	h := sha256.Sum256([]byte(f.RuleID + "\x00" + MemberPath(source, f.Path) + "\x00" + msg))
	return hex.EncodeToString(h[:16])
}

// PartialFingerprint returns the fingerprint of finding f of the artifact
// source that does not depend on its line, "rule:member:evidence", for
// SARIF partialFingerprints.
func PartialFingerprint(source string, f Finding) string {
	return f.RuleID + ":" + MemberPath(source, f.Path) + ":" + Evidence(source, f)
}

// entryOf returns the baseline entry of finding f of the artifact source.
func entryOf(source string, f Finding) BaselineEntry {
	return BaselineEntry{Source: source, RuleID: f.RuleID, Path: MemberPath(source, f.Path), Line: f.Line, Evidence: Evidence(source, f)}
}

// NewBaseline records the reported findings of rs (not the suppressed ones,
// and nothing of an artifact that could not be inspected).
func NewBaseline(rs []Result) *Baseline {
	b := &Baseline{Version: BaselineVersion, Findings: []BaselineEntry{}}
	for _, r := range rs {
		for _, f := range r.Findings {
			b.Findings = append(b.Findings, entryOf(r.Source, f))
		}
	}
	slices.SortFunc(b.Findings, func(x, y BaselineEntry) int {
		return cmp.Or(cmp.Compare(x.Source, y.Source), cmp.Compare(x.Path, y.Path), cmp.Compare(x.Line, y.Line),
			cmp.Compare(x.RuleID, y.RuleID), cmp.Compare(x.Evidence, y.Evidence))
	})
	return b
}

// Write writes the baseline to w as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return fmt.Errorf("failed to write the baseline: %w", err)
	}
	return nil
}

// ReadBaseline reads a baseline document; name is the file's name, used in
// errors and as the suppressions' location.
func ReadBaseline(name string, data []byte) (*Baseline, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrBaseline, name, err)
	}
	if b.Version != BaselineVersion {
		return nil, fmt.Errorf("%w %q: version %d, want %d (write it again with mati baseline)", ErrBaseline, name, b.Version, BaselineVersion)
	}
	for i, e := range b.Findings {
		if e.Source == "" || e.RuleID == "" || e.Evidence == "" {
			return nil, fmt.Errorf("%w %q: finding %d needs source, rule_id and evidence", ErrBaseline, name, i+1)
		}
	}
	b.name = name
	b.used = make([]bool, len(b.Findings))
	b.bySource = map[string][]int{}
	for i, e := range b.Findings {
		b.bySource[e.Source] = append(b.bySource[e.Source], i)
	}
	return &b, nil
}

// suppress moves the findings of r the baseline records to r.Suppressed and
// marks their entries used.
func (b *Baseline) suppress(r Result) Result {
	idx := b.bySource[r.Source]
	if len(idx) == 0 || len(r.Findings) == 0 {
		return r
	}
	// First the findings that did not move, then the others, so that a
	// moved copy does not take the entry of one that stayed.
	matched := make([]bool, len(r.Findings))
	for pass := 0; pass < 2; pass++ {
		for fi, f := range r.Findings {
			if matched[fi] {
				continue
			}
			e := entryOf(r.Source, f)
			for _, i := range idx {
				be := b.Findings[i]
				if b.used[i] || be.RuleID != e.RuleID || be.Path != e.Path || be.Evidence != e.Evidence {
					continue
				}
				if pass == 0 && be.Line != e.Line {
					continue
				}
				b.used[i], matched[fi] = true, true
				break
			}
		}
	}
	n := 0
	return r.suppress(func(Finding) []Suppression {
		m := matched[n]
		n++
		if !m {
			return nil
		}
		return []Suppression{{Kind: External, Justification: "recorded in the baseline", Location: b.name}}
	})
}
