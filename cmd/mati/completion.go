package main

// The rules of the completion scripts and the man page are:
//   - they are generated from the command line itself (commands, flags,
//     the values of --format and --fail-on), so they cannot drift from it;
//   - the scripts are static: they never run mati while completing;
//   - "mati man" is hidden: make man writes docs/mati.1 with it.

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// versionCommand is "mati version", the same as "mati --version".
func (e *env) versionCommand() *cli.Command {
	return &cli.Command{
		Name:      "version",
		Usage:     "print the version, the Go version and the platform",
		UsageText: "mati version",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError("run 'mati version' without arguments", "unexpected argument %q", c.Args().First())
			}
			return e.printVersion(e.stdout)
		},
	}
}

// completionCommand is "mati completion bash|zsh|fish".
func (e *env) completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		UsageText: "mati completion bash|zsh|fish",
		Description: `Prints a completion script. Load it with:
   bash: source <(mati completion bash)     (or save it in /etc/bash_completion.d/mati)
   zsh:  mati completion zsh > "${fpath[1]}/_mati"
   fish: mati completion fish > ~/.config/fish/completions/mati.fish`,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError("run e.g. mati completion bash", "give one shell: bash, zsh or fish")
			}
			var err error
			switch sh := c.Args().First(); sh {
			case "bash":
				err = writeBashCompletion(e.stdout, c.App)
			case "zsh":
				err = writeZshCompletion(e.stdout, c.App)
			case "fish":
				err = writeFishCompletion(e.stdout, c.App)
			default:
				return usageError("use bash, zsh or fish", "unknown shell %q", sh)
			}
			if err != nil {
				return fmt.Errorf("failed to write the completion script: %w", err)
			}
			return nil
		},
	}
}

// manCommand is the hidden "mati man", which prints the man page.
func (e *env) manCommand() *cli.Command {
	return &cli.Command{
		Name:   "man",
		Usage:  "print the man page (roff)",
		Hidden: true,
		Action: func(c *cli.Context) error {
			// A fresh, never-run app: urfave/cli adds its help command to
			// the commands it runs, and its documentation generator
			// recurses into it.
			s, err := e.newApp().ToManWithSection(1)
			if err != nil {
				return fmt.Errorf("failed to write the man page: %w", err)
			}
			_, err = io.WriteString(e.stdout, s)
			return err
		},
	}
}

// flagValues are the values completed after a flag, by flag name.
var flagValues = map[string][]string{
	"fail-on":       {"error", "warning", "info", "never"},
	"request-payer": {"requester"},
}

// visibleCommands returns the commands a user completes, in order.
func visibleCommands(app *cli.App) []*cli.Command {
	var out []*cli.Command
	for _, c := range app.Commands {
		if !c.Hidden {
			out = append(out, c)
		}
	}
	return out
}

// flagWords returns the "--name" and "-n" forms of the visible flags.
func flagWords(flags []cli.Flag) []string {
	var out []string
	for _, f := range flags {
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		for _, n := range f.Names() {
			if len(n) == 1 {
				out = append(out, "-"+n)
			} else {
				out = append(out, "--"+n)
			}
		}
	}
	return append(out, "--help")
}

// formatsOf returns the values of a command's --format.
func formatsOf(c *cli.Command) []string {
	switch c.Name {
	case "check":
		return checkFormats
	case "scan":
		return scanFormats
	case "builder":
		return builderFormats
	case "rules":
		return []string{"table", "markdown", "json"}
	}
	return nil
}

// writeBashCompletion writes the bash completion script of app.
func writeBashCompletion(w io.Writer, app *cli.App) error {
	ew := &errWriter{w: w}
	cmds := visibleCommands(app)
	names := make([]string, 0, len(cmds))
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	fmt.Fprintf(ew, "# bash completion for mati (mati completion bash)\n")
	fmt.Fprintf(ew, "_mati() {\n")
	fmt.Fprintf(ew, "    local cur prev cmd words\n")
	fmt.Fprintf(ew, "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n")
	fmt.Fprintf(ew, "    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n")
	fmt.Fprintf(ew, "    cmd=\"${COMP_WORDS[1]}\"\n")
	fmt.Fprintf(ew, "    if [[ $COMP_CWORD -eq 1 ]]; then\n")
	fmt.Fprintf(ew, "        COMPREPLY=($(compgen -W %q -- \"$cur\"))\n", strings.Join(append(names, "--help", "--version"), " "))
	fmt.Fprintf(ew, "        return\n    fi\n")
	fmt.Fprintf(ew, "    case \"$cmd:$prev\" in\n")
	for _, c := range cmds {
		if fs := formatsOf(c); fs != nil {
			fmt.Fprintf(ew, "        %s:--format) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", c.Name, strings.Join(fs, " "))
		}
	}
	for _, fl := range sortedKeys(flagValues) {
		fmt.Fprintf(ew, "        *:--%s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", fl, strings.Join(flagValues[fl], " "))
	}
	fmt.Fprintf(ew, "        completion:*) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")); return ;;\n")
	fmt.Fprintf(ew, "    esac\n")
	fmt.Fprintf(ew, "    case \"$cmd\" in\n")
	for _, c := range cmds {
		fmt.Fprintf(ew, "        %s) words=%q ;;\n", c.Name, strings.Join(flagWords(c.Flags), " "))
	}
	fmt.Fprintf(ew, "        *) words=\"\" ;;\n    esac\n")
	fmt.Fprintf(ew, "    if [[ \"$cur\" == -* ]]; then\n")
	fmt.Fprintf(ew, "        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n")
	fmt.Fprintf(ew, "    else\n")
	fmt.Fprintf(ew, "        COMPREPLY=($(compgen -f -- \"$cur\"))\n")
	fmt.Fprintf(ew, "    fi\n")
	fmt.Fprintf(ew, "}\n")
	fmt.Fprintf(ew, "complete -o filenames -o bashdefault -F _mati mati\n")
	return ew.err
}

// writeZshCompletion writes the zsh completion script of app.
func writeZshCompletion(w io.Writer, app *cli.App) error {
	ew := &errWriter{w: w}
	cmds := visibleCommands(app)
	fmt.Fprintf(ew, "#compdef mati\n# zsh completion for mati (mati completion zsh)\n\n")
	fmt.Fprintf(ew, "_mati() {\n")
	fmt.Fprintf(ew, "    local -a commands\n")
	fmt.Fprintf(ew, "    commands=(\n")
	for _, c := range cmds {
		fmt.Fprintf(ew, "        %s\n", zshQuote(c.Name+":"+c.Usage))
	}
	fmt.Fprintf(ew, "    )\n")
	fmt.Fprintf(ew, "    if (( CURRENT == 2 )); then\n        _describe 'command' commands\n        return\n    fi\n")
	fmt.Fprintf(ew, "    case \"${words[2]}\" in\n")
	for _, c := range cmds {
		fmt.Fprintf(ew, "        %s)\n            _arguments -s \\\n", c.Name)
		for _, f := range c.Flags {
			if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
				continue
			}
			usage := ""
			if df, ok := f.(cli.DocGenerationFlag); ok {
				usage = df.GetUsage()
			}
			usage = strings.NewReplacer("[", "(", "]", ")", "`", "", ":", " ").Replace(usage)
			action := ""
			if tv, ok := f.(cli.DocGenerationFlag); ok && tv.TakesValue() {
				vals := flagValues[f.Names()[0]]
				if f.Names()[0] == "format" {
					vals = formatsOf(c)
				}
				if vals != nil {
					action = ":value:(" + strings.Join(vals, " ") + ")"
				} else {
					action = ":value:_files"
				}
			}
			for _, n := range f.Names() {
				dash := "--"
				if len(n) == 1 {
					dash = "-"
				}
				fmt.Fprintf(ew, "                %s \\\n", zshQuote(dash+n+"["+usage+"]"+action))
			}
		}
		if c.Name == "completion" {
			fmt.Fprintf(ew, "                '1:shell:(bash zsh fish)'\n            ;;\n")
			continue
		}
		fmt.Fprintf(ew, "                '*:file:_files'\n            ;;\n")
	}
	fmt.Fprintf(ew, "    esac\n}\n\n_mati \"$@\"\n")
	return ew.err
}

// writeFishCompletion writes the fish completion script of app.
func writeFishCompletion(w io.Writer, app *cli.App) error {
	ew := &errWriter{w: w}
	cmds := visibleCommands(app)
	fmt.Fprintf(ew, "# fish completion for mati (mati completion fish)\n")
	fmt.Fprintf(ew, "complete -c mati -n __fish_use_subcommand -l help -d 'show help'\n")
	fmt.Fprintf(ew, "complete -c mati -n __fish_use_subcommand -l version -d 'print the version'\n")
	for _, c := range cmds {
		fmt.Fprintf(ew, "complete -c mati -f -n __fish_use_subcommand -a %s -d %s\n", c.Name, zshQuote(c.Usage))
	}
	for _, c := range cmds {
		cond := "'__fish_seen_subcommand_from " + c.Name + "'"
		for _, f := range c.Flags {
			if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
				continue
			}
			var opts []string
			for _, n := range f.Names() {
				if len(n) == 1 {
					opts = append(opts, "-s "+n)
				} else {
					opts = append(opts, "-l "+n)
				}
			}
			if df, ok := f.(cli.DocGenerationFlag); ok {
				opts = append(opts, "-d "+zshQuote(strings.ReplaceAll(df.GetUsage(), "`", "")))
				if df.TakesValue() {
					vals := flagValues[f.Names()[0]]
					if f.Names()[0] == "format" {
						vals = formatsOf(c)
					}
					opts = append(opts, "-r")
					if vals != nil {
						opts = append(opts, "-f -a "+zshQuote(strings.Join(vals, " ")))
					}
				}
			}
			fmt.Fprintf(ew, "complete -c mati -n %s %s\n", cond, strings.Join(opts, " "))
		}
		if c.Name == "completion" {
			fmt.Fprintf(ew, "complete -c mati -n %s -f -a 'bash zsh fish'\n", cond)
		}
	}
	return ew.err
}

// zshQuote single-quotes s for zsh and fish.
func zshQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
