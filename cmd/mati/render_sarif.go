package main

// The rules of the sarif format are:
//   - one SARIF 2.1.0 log with one run; the driver lists every rule of the
//     catalog, in catalog order, with its summary, its hint as help, a
//     helpUri to its section of docs/rules.md and its severity as the
//     default level (error, warning, note);
//   - run.artifacts holds each artifact, then each member a finding is in,
//     with the archive as its parent; a result's location is the member as
//     "model.tar.gz!code/inference.py" pointing at that artifact, or the
//     file itself for a model folder's member and a builder file;
//   - line and column are given when known; partialFingerprints carries
//     the line-independent fingerprint the baseline uses;
//   - suppressed findings are results with suppressions (inSource for an
//     ignore comment, external for the configuration and the baseline);
//   - artifacts that could not be inspected are tool execution
//     notifications, and make executionSuccessful false.

import (
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/mati-dev/mati/rules"
)

// repoURL is the project's home, for the SARIF tool and the rules' help.
const repoURL = "https://github.com/mati-dev/mati"

// fingerprintKey names mati's partial fingerprint in SARIF results.
const fingerprintKey = "matiFingerprint/v1"

// sarifLevels are the SARIF levels of the severities.
var sarifLevels = map[rules.Severity]string{rules.Error: "error", rules.Warning: "warning", rules.Info: "note"}

// releaseTag matches a release version, whose documentation is its tag's.
//
//	v1.2.3, v1.2.3-rc.1 -> match
//	dev, dev-0123abcd, v1.2.3-dirty -> no match
var releaseTag = regexp.MustCompile(`^v\d+\.\d+\.\d+(-rc\.\d+)?$`)

// rulesDocURL returns the address of docs/rules.md for version.
func rulesDocURL(version string) string {
	ref := "main"
	if releaseTag.MatchString(version) {
		ref = version
	}
	return repoURL + "/blob/" + ref + "/docs/rules.md"
}

// renderSARIF writes r to w as a SARIF 2.1.0 log of mati version.
func renderSARIF(w io.Writer, r rules.Report, version string) error {
	run := sarif.NewRunWithInformationURI("mati", repoURL)
	run.Tool.Driver.WithVersion(version).WithSemanticVersion(strings.TrimPrefix(version, "v"))
	doc := rulesDocURL(version)
	for _, m := range sarifCatalog() {
		run.Tool.Driver.AddRule(sarif.NewReportingDescriptor().
			WithID(m.ID).
			WithName(ruleName(m.ID)).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(m.Summary)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(m.Summary + " Hint: " + m.Hint)).
			WithHelp(sarif.NewMultiformatMessageString().WithText(m.Hint).WithMarkdown(m.Hint + "\n\n[" + m.ID + "](" + doc + "#" + m.ID + ")")).
			WithHelpURI(doc + "#" + m.ID).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevels[m.Severity])))
	}
	inv := sarif.NewInvocation().WithExecutionSuccessful(r.Summary.Failed == 0)
	arts := &sarifArtifacts{run: run, index: map[string]int{}}
	for _, a := range r.Artifacts {
		top := arts.add(sourceURI(a.Source), -1)
		if a.Error != "" {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, &sarif.Notification{
				Level:     "error",
				Message:   sarif.NewTextMessage("failed to inspect " + a.Source + ": " + a.Error),
				Locations: []*sarif.Location{sarif.NewLocation().WithPhysicalLocation(sarif.NewPhysicalLocation().WithArtifactLocation(arts.location(top)))},
			})
			continue
		}
		for _, f := range a.Findings {
			run.AddResult(arts.result(a, top, f, nil))
		}
		for _, s := range a.Suppressed {
			run.AddResult(arts.result(a, top, s.Finding, s.Suppressions))
		}
	}
	run.Invocations = append(run.Invocations, inv)
	rep := sarif.NewReport()
	rep.AddRun(run)
	if err := rep.PrettyWrite(w); err != nil {
		return fmt.Errorf("failed to write the SARIF report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("failed to write the SARIF report: %w", err)
	}
	return nil
}

// sarifCatalog is every rule's metadata in catalog order.
func sarifCatalog() []rules.Meta {
	var out []rules.Meta
	for _, r := range rules.Catalog() {
		out = append(out, r.Meta)
	}
	return out
}

// ruleName is the rule's id in UpperCamelCase, as SARIF names rules:
// "handler-missing" -> "HandlerMissing".
func ruleName(id string) string {
	var b strings.Builder
	for _, p := range strings.Split(id, "-") {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}

// sarifArtifacts builds run.artifacts, each URI once.
type sarifArtifacts struct {
	run   *sarif.Run
	index map[string]int // by parent index and URI
}

// add returns the index of the artifact uri with parent (-1 for none),
// adding it when new.
func (s *sarifArtifacts) add(uri string, parent int) int {
	key := fmt.Sprintf("%d\x00%s", parent, uri)
	if i, ok := s.index[key]; ok {
		return i
	}
	a := sarif.NewArtifact().WithLocation(sarif.NewSimpleArtifactLocation(uri))
	if parent >= 0 {
		a.WithParentIndex(parent)
	}
	s.run.Artifacts = append(s.run.Artifacts, a)
	i := len(s.run.Artifacts) - 1
	s.index[key] = i
	return i
}

// location returns the artifact location of artifact i.
func (s *sarifArtifacts) location(i int) *sarif.ArtifactLocation {
	return sarif.NewArtifactLocation().WithURI(*s.run.Artifacts[i].Location.URI).WithIndex(i)
}

// result returns the SARIF result of finding f of artifact a (whose
// artifact index is top), suppressed by ss when not empty.
func (s *sarifArtifacts) result(a rules.Result, top int, f rules.Finding, ss []rules.Suppression) *sarif.Result {
	var loc *sarif.ArtifactLocation
	file, member := findingFile(a, f)
	switch {
	case member != "":
		i := s.add(pathURI(member), top)
		loc = sarif.NewArtifactLocation().WithURI(sourceURI(a.Source) + "!" + pathURI(member)).WithIndex(i)
	case file == a.Source:
		loc = s.location(top)
	default:
		loc = s.location(s.add(sourceURI(file), -1))
	}
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(loc)
	if f.Line > 0 {
		reg := sarif.NewRegion().WithStartLine(f.Line)
		if f.Column > 0 {
			reg.WithStartColumn(f.Column)
		}
		phys.WithRegion(reg)
	}
	msg := f.Message
	if f.Hint != "" {
		msg += "\nHint: " + f.Hint
	}
	res := sarif.NewRuleResult(f.RuleID).
		WithRuleIndex(s.run.GetRuleIndex(f.RuleID)).
		WithLevel(sarifLevels[f.Severity]).
		WithMessage(sarif.NewTextMessage(msg)).
		AddLocation(sarif.NewLocationWithPhysicalLocation(phys)).
		WithPartialFingerprints(map[string]string{fingerprintKey: rules.PartialFingerprint(a.Source, f)})
	for _, sp := range ss {
		sup := sarif.NewSuppression().WithKind(sp.Kind).WithStatus("accepted")
		if sp.Justification != "" {
			sup.WithJustification(sp.Justification)
		}
		res.AddSuppression(sup)
	}
	return res
}

// hasScheme matches a URI scheme such as s3://.
var hasScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://`)

// sourceURI returns the URI reference of an artifact as the user named it:
// s3://bucket/key stays a URI, a local path becomes a relative or absolute
// path reference.
func sourceURI(p string) string {
	if m := hasScheme.FindString(p); m != "" {
		return m + pathURI(strings.TrimPrefix(p, m))
	}
	return pathURI(p)
}

// pathURI escapes a path for a URI reference, keeping "/" and "!"; a colon
// is escaped so that no part reads as a scheme.
func pathURI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(parts, "/")
}
