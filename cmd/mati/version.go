package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/mati-dev/mati/artifact"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3". When
// it is empty, the module version recorded in the binary is used.
var version = ""

// buildVersion returns the version of this binary: the one injected by
// ldflags, else the module version (go install ...@v1.2.3), else the VCS
// revision, else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		return "dev-" + rev + dirty
	}
	return "dev"
}

// printVersion writes e.g. "mati v1.2.3 (go1.26.8 linux/amd64)" and the
// gzip decoder, "inflate: isal 2.30 (libisal.so.2)", to w.
func (e *env) printVersion(w io.Writer) error {
	v := e.version
	if v == "" {
		v = buildVersion()
	}
	_, err := fmt.Fprintf(w, "mati %s (%s %s/%s)\ninflate: %s\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH, artifact.GzipDecoder())
	return err
}

// noteDecoder writes the gzip decoder to stderr, for -v: "mati: inflate:
// go (libisal.so.2 not found)".
func (e *env) noteDecoder() {
	fmt.Fprintf(e.stderr, "mati: inflate: %s\n", artifact.GzipDecoder())
}
