package config

// The rules of the file are:
//   - every key is known: an unknown key, a wrong type or a duplicate key is
//     an error naming the line;
//   - an ignore entry has a rule, a path glob and a reason; expires, when
//     given, is a date YYYY-MM-DD (the entry applies through that day);
//   - the values of limits and s3 are kept as text, as a flag would be
//     given, so that "2TiB" and 1000 both work.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Names are the file names Find looks for, in order.
var Names = []string{".mati.yaml", ".mati.yml"}

// maxFileBytes is the largest configuration file Load reads.
const maxFileBytes = 1 << 20

// ErrInvalid is wrapped by every error about the content of a file.
var ErrInvalid = errors.New("invalid configuration")

// File is the content of a configuration file.
type File struct {
	// Path is the file it was read from.
	Path string `yaml:"-"`
	// FailOn is the default of --fail-on ("" for none).
	FailOn string `yaml:"fail-on"`
	// Format is the default of --format ("" for none).
	Format string `yaml:"format"`
	// Baseline is the default of --baseline, relative to the file's folder
	// ("" for none).
	Baseline string `yaml:"baseline"`
	// Rules are the per-rule settings, by rule id.
	Rules map[string]RuleSettings `yaml:"rules"`
	// Ignore are the accepted findings.
	Ignore []Ignore `yaml:"ignore"`
	// Limits are defaults of the limit flags, by flag name without the
	// dashes ("max-entries").
	Limits Limits `yaml:"limits"`
	// S3 are defaults of the S3 flags.
	S3 S3 `yaml:"s3"`
}

// RuleSettings change how one rule's findings are reported.
type RuleSettings struct {
	// Severity replaces the rule's severity ("" keeps it).
	Severity string `yaml:"severity"`
	// Disabled drops the rule's findings.
	Disabled bool `yaml:"disabled"`
	// Line is the 1-based line of the rule's key in the file.
	Line int `yaml:"-"`
}

// Ignore is an accepted finding: findings of Rule whose path matches Path
// are suppressed, with Reason as the justification, until Expires.
type Ignore struct {
	// Rule is the rule id.
	Rule string `yaml:"rule"`
	// Path is a glob over the finding's path, its artifact or its member
	// ("*" within a path element, "**" across elements).
	Path string `yaml:"path"`
	// Reason says why the finding is accepted; it is required.
	Reason string `yaml:"reason"`
	// Expires is the last day the entry applies (zero for never), in UTC.
	Expires time.Time `yaml:"-"`
	// Line is the 1-based line of the entry in the file.
	Line int `yaml:"-"`
}

// Limits are the limit flags' defaults; "" leaves a flag alone.
type Limits struct {
	MaxEntries    Value `yaml:"max-entries"`
	MaxTotalBytes Value `yaml:"max-total-bytes"`
	MaxMemberRead Value `yaml:"max-member-read"`
	MaxDepth      Value `yaml:"max-depth"`
	MaxPathLen    Value `yaml:"max-path-len"`
	MaxRatio      Value `yaml:"max-ratio"`
}

// S3 are the S3 flags' defaults; "" leaves a flag alone.
type S3 struct {
	Profile       Value `yaml:"profile"`
	Region        Value `yaml:"region"`
	EndpointURL   Value `yaml:"endpoint-url"`
	NoSignRequest Value `yaml:"no-sign-request"`
	RequestPayer  Value `yaml:"request-payer"`
	NoReadahead   Value `yaml:"no-readahead"`
}

// Value is a scalar kept as the text a flag would be given: 1000, 2TiB,
// true.
type Value string

// UnmarshalYAML keeps any scalar as its text and rejects lists and maps.
func (v *Value) UnmarshalYAML(n ast.Node) error {
	s, ok := n.(ast.ScalarNode)
	if !ok {
		return fmt.Errorf("line %d: want a single value, not a %s", line(n), strings.ToLower(n.Type().String()))
	}
	*v = Value(fmt.Sprint(s.GetValue()))
	return nil
}

// Flags returns the limit settings by flag name, leaving out those not set.
func (l Limits) Flags() map[string]string {
	return nonEmpty(map[string]Value{
		"max-entries": l.MaxEntries, "max-total-bytes": l.MaxTotalBytes, "max-member-read": l.MaxMemberRead,
		"max-depth": l.MaxDepth, "max-path-len": l.MaxPathLen, "max-ratio": l.MaxRatio,
	})
}

// Flags returns the S3 settings by flag name, leaving out those not set.
func (s S3) Flags() map[string]string {
	return nonEmpty(map[string]Value{
		"profile": s.Profile, "region": s.Region, "endpoint-url": s.EndpointURL,
		"no-sign-request": s.NoSignRequest, "request-payer": s.RequestPayer, "no-readahead": s.NoReadahead,
	})
}

// nonEmpty converts m, dropping empty values.
func nonEmpty(m map[string]Value) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if v != "" {
			out[k] = string(v)
		}
	}
	return out
}

// UnmarshalYAML reads a rule's settings and remembers their line.
func (r *RuleSettings) UnmarshalYAML(n ast.Node) error {
	type plain RuleSettings
	var p plain
	if err := yaml.NodeToValue(n, &p, yaml.DisallowUnknownField()); err != nil {
		return err
	}
	*r = RuleSettings(p)
	r.Line = line(n)
	return nil
}

// UnmarshalYAML reads an ignore entry, checks it and remembers its line.
func (i *Ignore) UnmarshalYAML(n ast.Node) error {
	var p struct {
		Rule    string `yaml:"rule"`
		Path    string `yaml:"path"`
		Reason  string `yaml:"reason"`
		Expires string `yaml:"expires"`
	}
	if err := yaml.NodeToValue(n, &p, yaml.DisallowUnknownField()); err != nil {
		return err
	}
	*i = Ignore{Rule: p.Rule, Path: p.Path, Reason: strings.TrimSpace(p.Reason), Line: line(n)}
	switch {
	case i.Rule == "":
		return fmt.Errorf("line %d: an ignore entry needs a rule", i.Line)
	case i.Path == "":
		return fmt.Errorf("line %d: an ignore entry needs a path glob (\"**\" for every path)", i.Line)
	case i.Reason == "":
		return fmt.Errorf("line %d: an ignore entry needs a reason", i.Line)
	}
	if p.Expires != "" {
		t, err := time.Parse(time.DateOnly, p.Expires)
		if err != nil {
			return fmt.Errorf("line %d: expires %q is not a date YYYY-MM-DD", i.Line, p.Expires)
		}
		i.Expires = t
	}
	return nil
}

// Expired reports whether the entry no longer applies at now: now is after
// the last day of the entry, in UTC.
func (i Ignore) Expired(now time.Time) bool {
	return !i.Expires.IsZero() && !now.UTC().Before(i.Expires.AddDate(0, 0, 1))
}

// line returns the 1-based line of n.
func line(n ast.Node) int {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// Parse reads a configuration file's content; name is used in errors. An
// empty file is an empty configuration.
func Parse(name string, b []byte) (*File, error) {
	f := &File{Path: name}
	if strings.TrimSpace(string(b)) == "" {
		return f, nil
	}
	if err := yaml.UnmarshalWithOptions(b, f, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("%w %q: %s", ErrInvalid, name, describe(err))
	}
	f.Path = name
	return f, nil
}

// describe turns a YAML error into "line N: message".
func describe(err error) string {
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := ye.GetMessage()
		if strings.HasPrefix(msg, "line ") {
			return msg
		}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			var uf *yaml.UnknownFieldError
			if errors.As(err, &uf) {
				msg = strings.Replace(msg, "unknown field", "unknown key", 1)
			}
			return fmt.Sprintf("line %d: %s", tk.Position.Line, msg)
		}
		return msg
	}
	// Errors of the UnmarshalYAML methods above say their line; the library
	// may prefix them.
	msg := err.Error()
	if i := strings.Index(msg, "line "); i > 0 {
		msg = msg[i:]
	}
	return strings.Join(strings.Fields(msg), " ")
}

// Load reads the configuration file at name.
func Load(name string) (*File, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("failed to read config file: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read config file %q: %w", name, err)
	}
	if len(b) > maxFileBytes {
		return nil, fmt.Errorf("%w %q: larger than 1 MiB", ErrInvalid, name)
	}
	return Parse(name, b)
}

// Find returns the configuration file of dir: the first of Names in dir or
// in a parent, stopping after the folder that holds .git (the repository
// root). It returns "" when there is none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("failed to find the config file: %w", err)
	}
	for {
		for _, n := range Names {
			p := filepath.Join(dir, n)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				return p, nil
			}
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return "", nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}
