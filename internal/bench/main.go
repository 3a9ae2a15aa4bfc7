// Command bench measures the built mati binary against the performance
// targets of its issues and prints a table of figures measured side by
// side in one run: ratios of wall times, never absolute timings checked by
// tests.
//
// It generates its artifacts deterministically in a temporary folder,
// removed at the end, runs bin/mati on them as a child process (several
// times, keeping the best wall time and the largest peak RSS) and compares
// with reference programs run the same way: its own hidden "inflate"
// subcommand (the same gzip library mati uses, read to io.Discard) and
// `tar -tzf`. The S3 figures use a local versitygw on a loopback port.
//
// Usage:
//
//	go run ./internal/bench [-only local,s3,safety,scan,inflate,formats] [-size 1GiB] [-runs 3]
//
// Every flag has an environment variable (MATI_BENCH_ONLY, MATI_BENCH_SIZE,
// MATI_BENCH_RUNS, MATI_BENCH_FILES, MATI_BENCH_ARTIFACTS, MATI,
// VERSITYGW, MATI_BENCH_TMPDIR, MATI_BENCH_KEEP); MATI_BENCH_SIZE=256MiB
// gives a quick run. A row is "n/a" when the CLI lacks the feature it
// measures, "error" when the command failed (its stderr is printed) and
// FAIL when the target was missed. The exit status is 1 when a row is
// "error" (or, with -strict, FAIL), else 0.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/klauspost/compress/gzip"

	"github.com/mati-dev/mati/artifact"
)

func main() {
	// Hidden subcommands: the measured reference and the launcher.
	var err error
	switch {
	case len(os.Args) == 3 && os.Args[1] == "inflate":
		err = inflate(os.Args[2])
	case len(os.Args) >= 4 && os.Args[1] == "launch":
		err = launch(os.Args[2], os.Args[3], os.Args[4:])
	default:
		os.Exit(run(os.Args[1:]))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: error: %v\n", err)
		os.Exit(125)
	}
}

// inflate reads the gzip file through the reader mati uses, with the same
// 1 MiB buffer under it, and discards the output: the floor for mati's
// wall time on a large artifact.
func inflate(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return fmt.Errorf("failed to read %q: %w", file, err)
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return fmt.Errorf("failed to inflate %q: %w", file, err)
	}
	return zr.Close()
}

// sections lists the sections in the order they run.
var sections = []string{"local", "s3", "safety", "scan", "inflate", "formats"}

// config is what the flags and environment select.
type config struct {
	mati, versitygw, tmp string
	size                 int64
	files, artifacts     int
	runs                 int
	only                 map[string]bool
	keep, strict         bool
}

func run(args []string) int {
	var cfg config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	only := fs.String("only", os.Getenv("MATI_BENCH_ONLY"), "comma-separated sections to run: "+strings.Join(sections, ",")+" (default all)")
	size := fs.String("size", envOr("MATI_BENCH_SIZE", "1GiB"), "size of the large artifacts' weights, e.g. 256MiB")
	fs.IntVar(&cfg.files, "files", envInt("MATI_BENCH_FILES", 20000), "files in the many-files artifact")
	fs.IntVar(&cfg.artifacts, "artifacts", envInt("MATI_BENCH_ARTIFACTS", 1000), "artifacts in the scan set")
	fs.IntVar(&cfg.runs, "runs", envInt("MATI_BENCH_RUNS", 3), "samples per measurement (the best wall time is kept)")
	fs.StringVar(&cfg.mati, "mati", envOr("MATI", "bin/mati"), "the mati binary")
	fs.StringVar(&cfg.versitygw, "versitygw", envOr("VERSITYGW", "bin/versitygw"), "the versitygw binary")
	fs.StringVar(&cfg.tmp, "tmp", os.Getenv("MATI_BENCH_TMPDIR"), "parent of the temporary folder (default the system's)")
	fs.BoolVar(&cfg.keep, "keep", os.Getenv("MATI_BENCH_KEEP") != "", "keep the temporary folder")
	fs.BoolVar(&cfg.strict, "strict", false, "exit 1 when a target is missed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	if cfg.size, err = parseSize(*size); err != nil {
		fmt.Fprintf(os.Stderr, "bench: error: invalid size %q: %v\n", *size, err)
		return 2
	}
	cfg.only = map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(sections, s) {
			fmt.Fprintf(os.Stderr, "bench: error: unknown section %q (want %s)\n", s, strings.Join(sections, ","))
			return 2
		}
		cfg.only[s] = true
	}
	if len(cfg.only) == 0 {
		for _, s := range sections {
			cfg.only[s] = true
		}
	}
	if cfg.runs < 1 {
		cfg.runs = 1
	}
	for _, p := range []*string{&cfg.mati, &cfg.versitygw} {
		if a, err := filepath.Abs(*p); err == nil {
			*p = a
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b, err := newBench(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: error: %v\n", err)
		return 1
	}
	defer b.close()

	if _, err := os.Stat(cfg.mati); err != nil {
		logf("warning: %v: every mati row will fail (run make build)", err)
	}
	for _, s := range sections {
		if !cfg.only[s] {
			continue
		}
		logf("section %s", s)
		var err error
		switch s {
		case "local":
			err = b.local()
		case "s3":
			err = b.s3()
		case "safety":
			err = b.safety()
		case "scan":
			err = b.scan()
		case "inflate":
			err = b.inflate()
		case "formats":
			err = b.formats()
		}
		if err != nil {
			logf("error: section %s: %v", s, err)
			b.rep.add(s, "setup", "-", "", statusError)
		}
		if ctx.Err() != nil {
			break
		}
	}

	fmt.Println()
	if err := b.rep.print(os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "bench: error: %v\n", err)
		return 1
	}
	fmt.Println()
	printMachine(ctx, os.Stdout, cfg.mati)
	fmt.Printf("sizes:   %s weights, %d small files, %d scan artifacts, best of %d\n",
		humanSize(cfg.size), cfg.files, cfg.artifacts, cfg.runs)
	fmt.Printf("method:  shortest wall time; largest ru_maxrss, measured from a launcher of %s RSS (a floor)\n",
		mib(rssFloor.Load()))
	switch {
	case ctx.Err() != nil:
		return 1
	case b.rep.errors() > 0:
		fmt.Fprintf(os.Stderr, "bench: %d measurements failed\n", b.rep.errors())
		return 1
	case cfg.strict && b.rep.failures() > 0:
		fmt.Fprintf(os.Stderr, "bench: %d targets missed\n", b.rep.failures())
		return 1
	}
	return 0
}

// parseSize parses the -size flag: a byte count with an optional unit, as
// artifact.ParseSize reads it, of at least 1MiB.
func parseSize(s string) (int64, error) {
	n, err := artifact.ParseSize(s)
	if err != nil {
		return 0, err
	}
	if n < 1<<20 {
		return 0, errors.New("less than 1MiB")
	}
	return n, nil
}

// humanSize formats n in the largest binary unit that divides it nicely.
func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', -1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64) + " MiB"
	default:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', -1, 64) + " KiB"
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}
