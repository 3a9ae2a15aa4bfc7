package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// flagEnvVar returns the environment variable that sets a flag:
// "fail-on" -> "MATI_FAIL_ON".
func flagEnvVar(name string) string {
	return "MATI_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// addEnvVars lets every visible flag of c be set as MATI_<FLAG>, in front of
// the variables the flag already reads (AWS_PROFILE and the like). A flag
// given on the command line wins over its variables, and a variable over
// the configuration file.
func addEnvVars(c *cli.Command) {
	for _, f := range c.Flags {
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		env := flagEnvVar(f.Names()[0])
		add := func(vars *[]string) {
			if !slices.Contains(*vars, env) {
				*vars = append([]string{env}, *vars...)
			}
		}
		switch f := f.(type) {
		case *cli.StringFlag:
			add(&f.EnvVars)
		case *cli.BoolFlag:
			add(&f.EnvVars)
		case *cli.IntFlag:
			add(&f.EnvVars)
		case *cli.Int64Flag:
			add(&f.EnvVars)
		case *cli.Float64Flag:
			add(&f.EnvVars)
		case *cli.StringSliceFlag:
			add(&f.EnvVars)
		case *cli.DurationFlag:
			add(&f.EnvVars)
		}
	}
}
