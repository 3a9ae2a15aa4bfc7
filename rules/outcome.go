package rules

// The rules for how a run ends are:
//   - an artifact that could not be inspected (Result.Error set) decides
//     the outcome over any finding: OutcomeNotInspected;
//   - else a finding at or above the --fail-on threshold: OutcomeFindings;
//   - else OutcomePass. The threshold "never" fails on no finding.

import (
	"fmt"
	"strings"
)

// FailOn is the threshold of --fail-on: a severity, or never.
type FailOn struct {
	// Severity is the lowest severity that fails; unused when Never is set.
	Severity Severity
	// Never says that no finding fails.
	Never bool
}

// ParseFailOn reads a --fail-on value: "error", "warning", "info" or
// "never", case-insensitively.
func ParseFailOn(s string) (FailOn, error) {
	if strings.EqualFold(s, "never") {
		return FailOn{Never: true}, nil
	}
	sev, err := ParseSeverity(s)
	if err != nil {
		return FailOn{}, fmt.Errorf("unknown --fail-on value %q (want error, warning, info or never)", s)
	}
	return FailOn{Severity: sev}, nil
}

// Fails reports whether a finding of severity s fails the run.
func (f FailOn) Fails(s Severity) bool {
	return !f.Never && s >= f.Severity
}

// Outcome is how a run ends; cmd/mati maps it to an exit code.
type Outcome int

// The outcomes, in increasing order of precedence.
const (
	// OutcomePass means no finding at or above the threshold.
	OutcomePass Outcome = iota
	// OutcomeFindings means a finding at or above the threshold.
	OutcomeFindings
	// OutcomeNotInspected means an artifact could not be inspected.
	OutcomeNotInspected
)

// Judge returns the outcome of results under threshold f.
func Judge(results []Result, f FailOn) Outcome {
	out := OutcomePass
	for _, r := range results {
		out = max(out, r.Outcome(f))
	}
	return out
}

// Outcome returns the outcome of one result under threshold f.
func (r Result) Outcome(f FailOn) Outcome {
	if r.Error != "" {
		return OutcomeNotInspected
	}
	for _, x := range r.Findings {
		if f.Fails(x.Severity) {
			return OutcomeFindings
		}
	}
	return OutcomePass
}

// Summarize counts the results, those not inspected, and their findings by
// severity.
func Summarize(results []Result) Summary {
	s := Summary{Artifacts: len(results)}
	for _, r := range results {
		if r.Error != "" {
			s.Failed++
		}
		s.Suppressed += len(r.Suppressed)
		for _, f := range r.Findings {
			switch f.Severity {
			case Error:
				s.Errors++
			case Warning:
				s.Warnings++
			case Info:
				s.Infos++
			}
		}
	}
	return s
}

// Add returns the counts of s and o added.
func (s Summary) Add(o Summary) Summary {
	s.Artifacts += o.Artifacts
	s.Failed += o.Failed
	s.Errors += o.Errors
	s.Warnings += o.Warnings
	s.Infos += o.Infos
	s.Suppressed += o.Suppressed
	return s
}
