package main

// The rules of the configuration file and the suppressions on the command
// line are:
//   - .mati.yaml is found from the working directory up to the repository
//     root; --config FILE (or MATI_CONFIG) names another and --no-config
//     reads none;
//   - a value of the file is a flag's default: a flag given on the command
//     line or as MATI_<FLAG> wins, and a format the command does not have is
//     left to the command's default;
//   - per-rule severities and disabled rules apply after judging; ignore
//     entries and the baseline move findings to the suppressed list, which
//     counts for neither --fail-on nor the totals;
//   - an ignore entry past its expiry date applies no more, and each run
//     warns about it on stderr.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/artifact"
	"github.com/mati-dev/mati/config"
	"github.com/mati-dev/mati/rules"
)

// catPolicy groups the flags of configuration and suppressions.
const catPolicy = "Configuration and suppressions:"

// The formats of the commands that judge.
var (
	checkFormats   = []string{"table", "json", "sarif", "github", "text"}
	scanFormats    = []string{"table", "json", "jsonl", "sarif", "github", "text"}
	builderFormats = []string{"table", "json", "sarif", "github", "text"}
)

// formatUsage is the usage text of --format for formats.
func formatUsage(formats []string) string {
	return "output `FORMAT`: " + strings.Join(formats[:len(formats)-1], ", ") + " or " + formats[len(formats)-1]
}

// formatError is the usage error for an unknown format.
func formatError(formats []string, f string) error {
	return usageError("use --format "+strings.Join(formats, ", "), "unknown format %q", f)
}

// policyFlags are the flags of the configuration file and the
// suppressions, shared by check, scan and builder.
func policyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "read the configuration from `FILE` instead of the .mati.yaml found from the working directory up to the repository root", Category: catPolicy},
		&cli.BoolFlag{Name: "no-config", Usage: "read no configuration file", Category: catPolicy},
		&cli.StringFlag{Name: "baseline", Usage: "report only the findings that are not in the baseline `FILE` (written by mati baseline)", Category: catPolicy},
		&cli.BoolFlag{Name: "show-suppressed", Usage: "also show suppressed and baselined findings in the table, text and github formats", Category: catPolicy},
	}
}

// policyState is what loadPolicy decided for one run.
type policyState struct {
	// policy is applied to every result (nil: none).
	policy *rules.Policy
	// show is --show-suppressed.
	show bool
	// configPath is the configuration file read ("" for none).
	configPath string
}

// apply returns r with the policy applied.
func (p *policyState) apply(r rules.Result) rules.Result {
	if p == nil || p.policy == nil {
		return r
	}
	return p.policy.Apply(r)
}

// showSuppressed reports whether --show-suppressed is on.
func (p *policyState) showSuppressed() bool { return p != nil && p.show }

// loadPolicy reads the configuration file and the baseline of the command
// c, sets the flags the file gives defaults for, and keeps the policy in e.
// For check and baseline it makes e.inspect apply the policy; scan and
// builder apply it themselves.
func (e *env) loadPolicy(c *cli.Context, formats []string) error {
	e.pol = &policyState{show: c.Bool("show-suppressed")}
	pol := &rules.Policy{Now: time.Now()}
	if !c.Bool("no-config") {
		f, err := e.readConfig(c)
		if err != nil {
			return err
		}
		if f != nil {
			e.pol.configPath = f.Path
			if err := applyConfigFlags(c, f, formats); err != nil {
				return err
			}
			if err := e.configPolicy(f, pol); err != nil {
				return err
			}
		}
	}
	if name := c.String("baseline"); name != "" && c.Command.Name != "baseline" {
		b, err := os.ReadFile(name)
		if err != nil {
			return usageError("write one with mati baseline TARGET... > .mati-baseline.json", "failed to read the baseline %q: %v", name, unwrapPathError(err))
		}
		bl, err := rules.ReadBaseline(name, b)
		if err != nil {
			return usageError("write it again with mati baseline TARGET... > .mati-baseline.json", "%v", err)
		}
		pol.Baseline = bl
	}
	e.pol.policy = pol
	if name := c.Command.Name; name == "check" || name == "baseline" {
		inspect := e.inspect
		e.inspect = func(ctx context.Context, src artifact.Source, cfg rules.Config) (rules.Result, error) {
			res, err := inspect(ctx, src, cfg)
			return e.pol.apply(res), err
		}
	}
	return nil
}

// readConfig returns the configuration file of the run: --config (or
// MATI_CONFIG), else the one found from the working directory; nil when
// there is none.
func (e *env) readConfig(c *cli.Context) (*config.File, error) {
	name := c.String("config")
	if name == "" {
		found, err := config.Find(".")
		if err != nil || found == "" {
			return nil, err
		}
		name = relativeToWD(found)
	}
	f, err := config.Load(name)
	if err != nil {
		if errors.Is(err, config.ErrInvalid) {
			return nil, usageError("see the configuration file in the README; --no-config reads none", "%v", err)
		}
		return nil, usageError("give an existing file to --config, or --no-config", "failed to read config file %q: %v", name, unwrapPathError(err))
	}
	return f, nil
}

// relativeToWD shortens p to a path relative to the working directory when
// it is below it.
func relativeToWD(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// applyConfigFlags sets the flags of c that f gives a value for and the
// command line did not.
func applyConfigFlags(c *cli.Context, f *config.File, formats []string) error {
	vals := map[string]string{}
	// mati baseline has a fixed format and never fails on findings.
	if f.FailOn != "" && c.Command.Name != "baseline" {
		vals["fail-on"] = f.FailOn
	}
	if f.Format != "" && slices.Contains(formats, f.Format) && c.Command.Name != "baseline" {
		vals["format"] = f.Format
	}
	if f.Baseline != "" {
		b := f.Baseline
		if !filepath.IsAbs(b) {
			b = filepath.Join(filepath.Dir(f.Path), b)
		}
		vals["baseline"] = b
	}
	for k, v := range f.Limits.Flags() {
		vals[k] = v
	}
	for k, v := range f.S3.Flags() {
		vals[k] = v
	}
	names := map[string]bool{}
	for _, fl := range c.Command.Flags {
		for _, n := range fl.Names() {
			names[n] = true
		}
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !names[k] || c.IsSet(k) {
			continue
		}
		if err := c.Set(k, vals[k]); err != nil {
			return usageError("fix the value in the configuration file", "invalid %s %q in %q: %v", k, vals[k], f.Path, err)
		}
	}
	return nil
}

// catalog returns every rule's metadata by id.
func catalog() map[string]rules.Meta {
	out := map[string]rules.Meta{}
	for _, r := range rules.Catalog() {
		out[r.ID] = r.Meta
	}
	return out
}

// configPolicy fills pol from the rule settings and ignore entries of f,
// checking rule ids and globs, and warns about expired entries.
func (e *env) configPolicy(f *config.File, pol *rules.Policy) error {
	known := catalog()
	hint := "run 'mati rules' for the rule ids"
	ids := make([]string, 0, len(f.Rules))
	for id := range f.Rules {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		rs := f.Rules[id]
		if _, ok := known[id]; !ok {
			return usageError(hint, "invalid configuration %q: line %d: unknown rule %q", f.Path, rs.Line, id)
		}
		if rs.Disabled {
			if pol.Disabled == nil {
				pol.Disabled = map[string]bool{}
			}
			pol.Disabled[id] = true
		}
		if rs.Severity != "" {
			s, err := rules.ParseSeverity(rs.Severity)
			if err != nil {
				return usageError("use severity error, warning or info", "invalid configuration %q: line %d: unknown severity %q", f.Path, rs.Line, rs.Severity)
			}
			if pol.Severity == nil {
				pol.Severity = map[string]rules.Severity{}
			}
			pol.Severity[id] = s
		}
	}
	for _, ig := range f.Ignore {
		if _, ok := known[ig.Rule]; !ok {
			return usageError(hint, "invalid configuration %q: line %d: unknown rule %q", f.Path, ig.Line, ig.Rule)
		}
		g, err := rules.CompileGlob(ig.Path)
		if err != nil {
			return usageError("", "invalid configuration %q: line %d: %v", f.Path, ig.Line, err)
		}
		entry := rules.Ignore{Rule: ig.Rule, Path: g, Reason: ig.Reason, Expires: ig.Expires, Location: fmt.Sprintf("%s:%d", f.Path, ig.Line)}
		if entry.Expired(pol.Now) {
			printWarning(e.stderr, "the ignore entry for %s at %s expired on %s: its findings are reported again", ig.Rule, entry.Location, ig.Expires.Format(time.DateOnly))
		}
		pol.Ignores = append(pol.Ignores, entry)
	}
	return nil
}

// display returns r as the table, text and github formats show it: with
// --show-suppressed, each suppressed finding joins the findings with its
// reason; without, r unchanged. The summary is kept.
func display(r rules.Report, show bool) rules.Report {
	if !show {
		return r
	}
	arts := make([]rules.Result, len(r.Artifacts))
	for i, a := range r.Artifacts {
		if len(a.Suppressed) > 0 {
			a.Findings = append(slices.Clone(a.Findings), suppressedFindings(a.Suppressed)...)
			a.Findings = rules.SortFindings(a.Findings)
		}
		arts[i] = a
	}
	r.Artifacts = arts
	return r
}

// suppressedFindings returns the suppressed findings with their messages
// saying so: "... (suppressed: reason)".
func suppressedFindings(ss []rules.SuppressedFinding) []rules.Finding {
	out := make([]rules.Finding, 0, len(ss))
	for _, s := range ss {
		f := s.Finding
		f.Message += " " + suppressionNote(s.Suppressions)
		out = append(out, f)
	}
	return out
}

// suppressionNote is "(suppressed: reason)" or "(baselined)".
func suppressionNote(ss []rules.Suppression) string {
	if len(ss) == 0 {
		return "(suppressed)"
	}
	s := ss[0]
	if s.Justification == "" {
		return fmt.Sprintf("(suppressed at %s)", s.Location)
	}
	return fmt.Sprintf("(suppressed: %s)", s.Justification)
}
