package main

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/rules"
)

// rulesCommand is "mati rules [--format table|markdown|json]".
func (e *env) rulesCommand() *cli.Command {
	return &cli.Command{
		Name:      "rules",
		Usage:     "list the rules",
		UsageText: "mati rules [--format table|markdown|json]",
		Description: `Lists every rule of the catalog, artifact and builder rules, with its id,
severity and summary.
--format markdown writes docs/rules.md: mati rules --format markdown > docs/rules.md`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: table, markdown or json"},
		},
		Action: e.listRules,
	}
}

// ruleJSON is one rule in "mati rules --format json".
type ruleJSON struct {
	ID       string         `json:"id"`
	Target   string         `json:"target"`
	Severity rules.Severity `json:"severity"`
	Summary  string         `json:"summary"`
	Hint     string         `json:"hint"`
}

// listRules is the action of "mati rules".
func (e *env) listRules(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageError("run 'mati rules' without arguments", "unexpected argument %q", c.Args().First())
	}
	rs := rules.Catalog()
	var err error
	switch f := c.String("format"); f {
	case "table":
		rows := make([][]string, 0, len(rs))
		for _, r := range rs {
			rows = append(rows, []string{r.ID, r.Severity.String(), r.Summary})
		}
		err = writeTable(e.stdout, []string{"Rule", "Severity", "Summary"}, rows, true)
	case "markdown":
		err = renderRulesMarkdown(e.stdout, rs)
	case "json":
		out := make([]ruleJSON, 0, len(rs))
		for _, r := range rs {
			out = append(out, ruleJSON{ID: r.ID, Target: r.Target(), Severity: r.Severity, Summary: r.Summary, Hint: r.Hint})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(out)
	default:
		return usageError("use --format table, markdown or json", "unknown format %q", f)
	}
	if err != nil {
		return fmt.Errorf("failed to write the rules: %w", err)
	}
	return nil
}
