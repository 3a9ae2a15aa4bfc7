package rules

// The rules of suppression are:
//   - a suppressed finding leaves Result.Findings for Result.Suppressed, so
//     it counts for neither --fail-on nor the severity totals, and it keeps
//     why it was suppressed;
//   - "# mati: ignore[rule-id] reason" (several ids separated by commas) in
//     a Python file suppresses those rules' findings on its own line and on
//     the line below; a finding about the whole file (no line) is
//     suppressed by such a comment on a line of its own anywhere in the file;
//   - a Policy applies, in order: severity overrides, disabled rules,
//     ignore entries (until they expire), then the baseline.

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// The kinds of suppression, as SARIF names them.
const (
	// InSource is a suppression written in the file the finding is in.
	InSource = "inSource"
	// External is a suppression kept outside the file: the configuration's
	// ignore entries and the baseline.
	External = "external"
)

// Suppression says why a finding is not reported.
type Suppression struct {
	// Kind is InSource or External.
	Kind string `json:"kind"`
	// Justification is the reason given for it.
	Justification string `json:"justification"`
	// Location is where the suppression is written:
	// "model.tar.gz!code/inference.py:12", ".mati.yaml:14" or the baseline
	// file's name.
	Location string `json:"location"`
}

// SuppressedFinding is a finding that was suppressed, with the
// suppressions that apply to it (at least one).
type SuppressedFinding struct {
	Finding
	// Suppressions say why the finding is not reported.
	Suppressions []Suppression `json:"suppressions"`
}

// directive is one "# mati: ignore[...]" comment.
type directive struct {
	line   int // 1-based
	alone  bool
	rules  []string
	reason string
}

// directiveRE matches an ignore comment and captures the rule ids and the
// reason.
//
//	x = load()  # mati: ignore[pickle-unsafe-import] reviewed in SEC-12
//	    -> "pickle-unsafe-import", "reviewed in SEC-12"
//	# mati:ignore[handler-missing, handler-arity]
//	    -> "handler-missing, handler-arity", ""
//	# mati: ignore handler-missing  -> no match (brackets are required)
var directiveRE = regexp.MustCompile(`#\s*mati:\s*ignore\[([^\]]*)\]\s*(.*)$`)

// parseDirectives returns the ignore comments of a Python file.
func parseDirectives(src []byte) []directive {
	if !bytes.Contains(src, []byte("mati:")) {
		return nil
	}
	var out []directive
	for i, l := range bytes.Split(src, []byte("\n")) {
		if !bytes.Contains(l, []byte("mati:")) {
			continue
		}
		m := directiveRE.FindSubmatchIndex(l)
		if m == nil {
			continue
		}
		d := directive{
			line:   i + 1,
			alone:  len(bytes.TrimSpace(l[:m[0]])) == 0,
			reason: strings.TrimSpace(strings.ToValidUTF8(string(l[m[4]:m[5]]), "\uFFFD")),
		}
		for _, id := range strings.Split(string(l[m[2]:m[3]]), ",") {
			if id = strings.TrimSpace(id); id != "" {
				d.rules = append(d.rules, id)
			}
		}
		out = append(out, d)
	}
	return out
}

// suppresses reports whether d suppresses f.
func (d directive) suppresses(f Finding) bool {
	if !slices.Contains(d.rules, f.RuleID) {
		return false
	}
	if f.Line == 0 {
		return d.alone
	}
	return f.Line == d.line || f.Line == d.line+1
}

// SuppressInline moves the findings of r that an ignore comment in their
// own file suppresses to r.Suppressed. files holds the content of Python
// files by the path their findings carry ("model.tar.gz!code/inference.py",
// or a builder file's path); files not ending in ".py" are not read.
func SuppressInline(r Result, files map[string][]byte) Result {
	dirs := map[string][]directive{}
	for p, b := range files {
		if strings.HasSuffix(p, ".py") {
			if ds := parseDirectives(b); len(ds) > 0 {
				dirs[p] = ds
			}
		}
	}
	if len(dirs) == 0 {
		return r
	}
	return r.suppress(func(f Finding) []Suppression {
		for _, d := range dirs[f.Path] {
			if d.suppresses(f) {
				return []Suppression{{Kind: InSource, Justification: d.reason, Location: fmt.Sprintf("%s:%d", f.Path, d.line)}}
			}
		}
		return nil
	})
}

// suppress moves the findings for which why returns suppressions to
// r.Suppressed, keeping both lists sorted.
func (r Result) suppress(why func(Finding) []Suppression) Result {
	kept := make([]Finding, 0, len(r.Findings))
	moved := false
	for _, f := range r.Findings {
		if s := why(f); len(s) > 0 {
			r.Suppressed = append(r.Suppressed, SuppressedFinding{Finding: f, Suppressions: s})
			moved = true
			continue
		}
		kept = append(kept, f)
	}
	r.Findings = kept
	if moved {
		slices.SortStableFunc(r.Suppressed, func(a, b SuppressedFinding) int { return compareFindings(a.Finding, b.Finding) })
	}
	return r
}

// Ignore is an accepted finding of a configuration file.
type Ignore struct {
	// Rule is the rule id.
	Rule string
	// Path matches the finding's path, its artifact or its member.
	Path *Glob
	// Reason is the justification.
	Reason string
	// Expires is the last day the entry applies, in UTC (zero: never).
	Expires time.Time
	// Location is where the entry is written, ".mati.yaml:14".
	Location string
}

// Expired reports whether the entry no longer applies at now.
func (i Ignore) Expired(now time.Time) bool {
	return !i.Expires.IsZero() && !now.UTC().Before(i.Expires.AddDate(0, 0, 1))
}

// matches reports whether i applies to f, a finding of the artifact source.
func (i Ignore) matches(source string, f Finding) bool {
	if i.Rule != f.RuleID {
		return false
	}
	if i.Path.Match(f.Path) || i.Path.Match(source) {
		return true
	}
	member := MemberPath(source, f.Path)
	return member != "" && i.Path.Match(member)
}

// MemberPath returns the part of a finding's path inside its artifact:
// "code/inference.py" for "model.tar.gz!code/inference.py", "" for the
// artifact itself, and p itself for a path outside source (a builder
// file's findings carry the file's path).
func MemberPath(source, p string) string {
	if rest, ok := strings.CutPrefix(p, source+"!"); ok {
		return rest
	}
	if p == source {
		return ""
	}
	return p
}

// Policy is what the user decided about findings after they were judged:
// the configuration file's rule settings and ignore entries and the
// baseline. The zero Policy changes nothing. Apply may be called from
// several goroutines.
type Policy struct {
	// Severity replaces the severity of the rules it names. The catalog
	// keeps one severity per rule; this is the user's explicit choice,
	// applied after judging.
	Severity map[string]Severity
	// Disabled rules' findings are dropped (neither reported nor counted).
	Disabled map[string]bool
	// Ignores are the configuration's ignore entries.
	Ignores []Ignore
	// Baseline holds the findings already known (nil for none).
	Baseline *Baseline
	// Now is the time the ignore entries' expiry is compared with.
	Now time.Time

	mu sync.Mutex
}

// Active returns the ignore entries that have not expired at p.Now.
func (p *Policy) Active() []Ignore {
	var out []Ignore
	for _, i := range p.Ignores {
		if !i.Expired(p.Now) {
			out = append(out, i)
		}
	}
	return out
}

// Apply returns r with the policy applied. A nil policy returns r.
func (p *Policy) Apply(r Result) Result {
	if p == nil {
		return r
	}
	if len(p.Severity) > 0 {
		fs := slices.Clone(r.Findings)
		for i := range fs {
			if s, ok := p.Severity[fs[i].RuleID]; ok {
				fs[i].Severity = s
			}
		}
		r.Findings = fs
		ss := slices.Clone(r.Suppressed)
		for i := range ss {
			if s, ok := p.Severity[ss[i].RuleID]; ok {
				ss[i].Severity = s
			}
		}
		r.Suppressed = ss
	}
	if len(p.Disabled) > 0 {
		r.Findings = slices.DeleteFunc(slices.Clone(r.Findings), func(f Finding) bool { return p.Disabled[f.RuleID] })
		r.Suppressed = slices.DeleteFunc(slices.Clone(r.Suppressed), func(f SuppressedFinding) bool { return p.Disabled[f.RuleID] })
	}
	if active := p.Active(); len(active) > 0 {
		r = r.suppress(func(f Finding) []Suppression {
			for _, i := range active {
				if i.matches(r.Source, f) {
					return []Suppression{{Kind: External, Justification: i.Reason, Location: i.Location}}
				}
			}
			return nil
		})
	}
	if p.Baseline != nil {
		p.mu.Lock()
		r = p.Baseline.suppress(r)
		p.mu.Unlock()
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return r
}

// Glob is a compiled path pattern: "*" matches within a path element, "**"
// across elements, "?" one character other than "/"; "!" and ":" are
// ordinary characters.
type Glob struct {
	src string
	re  *regexp.Regexp
}

// CompileGlob compiles pattern.
//
//	models/*.tar.gz   matches models/a.tar.gz, not models/x/a.tar.gz
//	**/legacy/**      matches s3://b/legacy/m.tar.gz!code/inference.py
//	code/inference.py matches the member code/inference.py
func CompileGlob(pattern string) (*Glob, error) {
	if pattern == "" {
		return nil, fmt.Errorf("empty path glob")
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				i++
				// "**/" also matches no folder at all.
				if i+1 < len(pattern) && pattern[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
					continue
				}
				b.WriteString(".*")
				continue
			}
			b.WriteString("[^/]*")
		case '?':
			b.WriteString("[^/]")
		default:
			j := i
			for j < len(pattern) && pattern[j] != '*' && pattern[j] != '?' {
				j++
			}
			b.WriteString(regexp.QuoteMeta(pattern[i:j]))
			i = j - 1
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("invalid path glob %q: %v", pattern, err)
	}
	return &Glob{src: pattern, re: re}, nil
}

// Match reports whether p matches the glob.
func (g *Glob) Match(p string) bool { return g.re.MatchString(p) }

// String returns the pattern.
func (g *Glob) String() string { return g.src }
