package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/rules"
)

// lsCommand is "mati ls [flags] ARTIFACT".
func (e *env) lsCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "format", Value: "table", Usage: "output `FORMAT`: table or json", Category: catOutput},
	}
	flags = append(flags, deploymentFlags()...)
	flags = append(flags, s3Flags()...)
	flags = append(flags, limitFlags()...)
	return &cli.Command{
		Name:      "ls",
		Usage:     "list the members with their roles",
		UsageText: "mati ls [flags] ARTIFACT",
		Description: `Lists every member like tar -tv, with its role for the framework:
mode, type, size in bytes, role, path (and a link's target).
A damaged archive is listed up to the damage, with a warning.`,
		Flags:  flags,
		Action: e.ls,
	}
}

// lsJSON is the document of "mati ls --format json".
type lsJSON struct {
	Source    string            `json:"source"`
	Framework string            `json:"framework"`
	Format    string            `json:"format"`
	Entries   []rules.EntryView `json:"entries"`
}

// ls is the action of "mati ls".
func (e *env) ls(c *cli.Context) error {
	format := c.String("format")
	if format != "table" && format != "json" {
		return usageError("use --format table or --format json", "unknown format %q", format)
	}
	if c.NArg() != 1 {
		return usageError("give exactly one artifact, e.g. mati ls model.tar.gz", "want one artifact, got %d arguments", c.NArg())
	}
	cfg, err := deploymentConfig(c)
	if err != nil {
		return err
	}
	s3 := s3FromFlags(c)
	cfg.Region = s3.Region
	if cfg.Limits, err = limitsFromFlags(c); err != nil {
		return err
	}
	ref := c.Args().First()
	res, err := e.judge(c.Context, ref, cfg, s3.artifactOptions())
	if err != nil {
		return fmt.Errorf("failed to inspect %q: %w", ref, err)
	}
	for _, f := range res.Findings {
		if f.RuleID == "archive-corrupt" || f.RuleID == "archive-limit-exceeded" {
			printWarning(e.stderr, "%s: the listing stops there", f.Message)
		}
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(lsJSON{Source: res.Source, Framework: res.Framework, Format: res.Format, Entries: res.WithEmptyLists().Entries})
	} else {
		err = renderListing(e.stdout, res.Entries)
	}
	if err != nil {
		return fmt.Errorf("failed to write the listing: %w", err)
	}
	return nil
}

// renderListing writes one line per entry: mode, type, size in bytes, role
// and path, with " -> target" for links.
func renderListing(w io.Writer, entries []rules.EntryView) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range entries {
		role := string(e.Role)
		if role == "" {
			role = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", modeString(e), e.Type, e.Size, role, printable(entryPath(e)))
	}
	return tw.Flush()
}

// modeString is the mode as tar -tv shows it: a type letter (d directory,
// l symlink, h hard link, ? other, - file), then the permissions with the
// setuid, setgid and sticky bits.
//
//	file 0o644  -> -rw-r--r--
//	dir 0o755   -> drwxr-xr-x
//	file 0o4755 -> -rwsr-xr-x
func modeString(e rules.EntryView) string {
	var t byte
	switch e.Type {
	case "dir":
		t = 'd'
	case "symlink":
		t = 'l'
	case "hardlink":
		t = 'h'
	case "file":
		t = '-'
	default:
		t = '?'
	}
	b := []byte(fs.FileMode(e.Mode & 0o777).String())
	b[0] = t
	set := func(i int, bit int64, on, off byte) {
		if e.Mode&bit != 0 {
			if b[i] == 'x' {
				b[i] = on
			} else {
				b[i] = off
			}
		}
	}
	set(3, 0o4000, 's', 'S')
	set(6, 0o2000, 's', 'S')
	set(9, 0o1000, 't', 'T')
	return string(b)
}
