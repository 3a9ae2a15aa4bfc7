package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFailOn(t *testing.T) {
	tests := []struct {
		in      string
		want    FailOn
		wantErr bool
	}{
		{in: "error", want: FailOn{Severity: Error}},
		{in: "Warning", want: FailOn{Severity: Warning}},
		{in: "info", want: FailOn{Severity: Info}},
		{in: "NEVER", want: FailOn{Never: true}},
		{in: "fatal", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseFailOn(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseFailOn(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestJudgeAndSummarize(t *testing.T) {
	warn := Result{Findings: []Finding{{Severity: Warning}, {Severity: Info}}}
	errs := Result{Findings: []Finding{{Severity: Error}}}
	failed := Result{Error: "failed to read"}
	tests := []struct {
		name    string
		results []Result
		failOn  FailOn
		want    Outcome
	}{
		{name: "nothing", failOn: FailOn{Severity: Error}, want: OutcomePass},
		{name: "warning under error", results: []Result{warn}, failOn: FailOn{Severity: Error}, want: OutcomePass},
		{name: "warning at warning", results: []Result{warn}, failOn: FailOn{Severity: Warning}, want: OutcomeFindings},
		{name: "info at info", results: []Result{warn}, failOn: FailOn{Severity: Info}, want: OutcomeFindings},
		{name: "error with never", results: []Result{errs}, failOn: FailOn{Never: true}, want: OutcomePass},
		{name: "not inspected beats findings", results: []Result{errs, failed}, failOn: FailOn{Severity: Error}, want: OutcomeNotInspected},
		{name: "not inspected with never", results: []Result{failed}, failOn: FailOn{Never: true}, want: OutcomeNotInspected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Judge(tt.results, tt.failOn); got != tt.want {
				t.Errorf("Judge = %d, want %d", got, tt.want)
			}
		})
	}
	s := Summarize([]Result{warn, errs, failed})
	want := Summary{Artifacts: 3, Failed: 1, Errors: 1, Warnings: 1, Infos: 1}
	if d := cmp.Diff(want, s); d != "" {
		t.Errorf("Summarize (-want +got):\n%s", d)
	}
	if d := cmp.Diff(Summary{Artifacts: 6, Failed: 2, Errors: 2, Warnings: 2, Infos: 2}, s.Add(s)); d != "" {
		t.Errorf("Add (-want +got):\n%s", d)
	}
}
