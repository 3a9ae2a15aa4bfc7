package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/mati-dev/mati/artifact"
)

// catCommand is "mati cat [flags] ARTIFACT MEMBER".
func (e *env) catCommand() *cli.Command {
	flags := append(s3Flags(), limitFlags()...)
	return &cli.Command{
		Name:      "cat",
		Usage:     "write one member to standard output",
		UsageText: "mati cat [flags] ARTIFACT MEMBER",
		Description: `Streams the bytes of one regular member to standard output, without
extracting the archive. MEMBER is normalised like the members are: ./code/x.py,
/code/x.py and code/x.py are the same. When the archive holds the member more
than once, the first copy is written (mati check reports the duplicate).

Example:
   mati cat model.tar.gz code/inference.py`,
		Flags:  flags,
		Action: e.cat,
	}
}

// errFound stops the walk once the member was written.
var errFound = errors.New("member found")

// cat is the action of "mati cat".
func (e *env) cat(c *cli.Context) error {
	if c.NArg() != 2 {
		return usageError("e.g. mati cat model.tar.gz code/inference.py", "want an artifact and a member, got %d arguments", c.NArg())
	}
	ref, member := c.Args().Get(0), c.Args().Get(1)
	want, _ := artifact.CleanName(member)
	if want == "" {
		return usageError("name a file inside the artifact; run 'mati ls' to list them", "member %q is the archive root", member)
	}
	lim, err := limitsFromFlags(c)
	if err != nil {
		return err
	}
	src, err := e.source(ref, s3FromFlags(c).artifactOptions())
	if err != nil {
		return fmt.Errorf("failed to inspect %q: %w", ref, err)
	}
	_, err = artifact.WalkSource(c.Context, src, lim, func(en artifact.Entry, open artifact.OpenFunc) error {
		if en.Path != want {
			return nil
		}
		if en.Type != artifact.TypeFile {
			what := "a " + string(en.Type)
			switch en.Type {
			case artifact.TypeDir:
				what = "a directory"
			case artifact.TypeSymlink, artifact.TypeHardlink:
				what = fmt.Sprintf("a %s to %q", en.Type, en.Link)
			case artifact.TypeOther:
				what = "a special entry"
			}
			return &cliError{kind: errNotRegular, err: fmt.Errorf("member %q of %q is %s, %w", member, ref, what, errNotRegular),
				hint: "mati cat writes regular files only; run 'mati ls " + ref + "' to see the types"}
		}
		r, err := open()
		if err != nil {
			return fmt.Errorf("failed to read member %q of %q: %w", member, ref, err)
		}
		if _, err := io.Copy(e.stdout, r); err != nil {
			return fmt.Errorf("failed to write member %q of %q: %w", member, ref, err)
		}
		return errFound
	})
	switch {
	case errors.Is(err, errFound):
		return nil
	case err != nil:
		var ce *cliError
		if errors.As(err, &ce) {
			return err
		}
		return fmt.Errorf("failed to inspect %q: %w", ref, err)
	}
	return &cliError{kind: errMemberNotFound, err: fmt.Errorf("failed to find member %q in %q: %w", member, ref, errMemberNotFound),
		hint: "run 'mati ls " + ref + "' to list the members"}
}
