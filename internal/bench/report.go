package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Row statuses.
const (
	statusPass  = "pass"
	statusFail  = "FAIL"  // measured, target missed
	statusError = "error" // could not be measured
	statusNA    = "n/a"   // the CLI lacks the feature
	statusInfo  = "info"  // a figure without a target
)

// row is one line of the final table.
type row struct {
	section, name, value, target, status string
}

// report collects the rows of a run.
type report struct{ rows []row }

// add appends a row and logs it.
func (r *report) add(section, name, value, target, status string) {
	r.rows = append(r.rows, row{section, name, value, target, status})
	logf("  => %s: %s = %s (%s) %s", section, name, value, target, status)
}

// na records a row the CLI cannot be measured for yet.
func (r *report) na(section, name, why, target string) {
	r.add(section, name, "n/a ("+why+")", target, statusNA)
}

// wall records a wall time and peak RSS without a target.
func (r *report) wall(section, name string, res result) {
	if !res.ok() {
		r.add(section, name, "-", "", statusError)
		return
	}
	r.add(section, name, secs(res.wall)+", "+mib(res.rss)+" peak RSS", "", statusInfo)
}

// ratio records num's wall time over den's. pass decides the status; target
// describes it ("" for an informational ratio).
func (r *report) ratio(section, name string, num, den result, target string, pass func(float64) bool) {
	if !num.ok() || !den.ok() {
		r.add(section, name, "-", target, statusError)
		return
	}
	q := num.wall.Seconds() / den.wall.Seconds()
	r.add(section, name, fmt.Sprintf("%.3f (%s / %s)", q, secs(num.wall), secs(den.wall)), target, verdict(q, pass))
}

// cpuRatio records num's CPU time over den's.
func (r *report) cpuRatio(section, name string, num, den result, target string, pass func(float64) bool) {
	if !num.ok() || !den.ok() || den.cpu <= 0 {
		r.add(section, name, "-", target, statusError)
		return
	}
	q := num.cpu.Seconds() / den.cpu.Seconds()
	r.add(section, name, fmt.Sprintf("%.3f (%s / %s CPU)", q, secs(num.cpu), secs(den.cpu)), target, verdict(q, pass))
}

// rate records items per second for n items done in res's wall time.
func (r *report) rate(section, name string, n int, res result) {
	if !res.ok() {
		r.add(section, name, "-", "", statusError)
		return
	}
	q := float64(n) / res.wall.Seconds()
	r.add(section, name, fmt.Sprintf("%.1f/s (%d in %s)", q, n, secs(res.wall)), "", statusInfo)
}

// rss records res's peak RSS against a limit in bytes.
func (r *report) rss(section, name string, res result, limit int64) {
	target := "< " + mib(limit)
	if !res.ok() {
		r.add(section, name, "-", target, statusError)
		return
	}
	r.add(section, name, mib(res.rss), target, verdict(float64(res.rss), func(v float64) bool { return v < float64(limit) }))
}

// verdict returns pass or FAIL, or info without a test.
func verdict(v float64, pass func(float64) bool) string {
	switch {
	case pass == nil:
		return statusInfo
	case pass(v):
		return statusPass
	default:
		return statusFail
	}
}

// errors counts the rows that could not be measured.
func (r *report) errors() int {
	n := 0
	for _, x := range r.rows {
		if x.status == statusError {
			n++
		}
	}
	return n
}

// failures counts the rows whose target was missed.
func (r *report) failures() int {
	n := 0
	for _, x := range r.rows {
		if x.status == statusFail {
			n++
		}
	}
	return n
}

// print writes the table.
func (r *report) print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SECTION\tMEASUREMENT\tVALUE\tTARGET\tRESULT")
	for _, x := range r.rows {
		target := x.target
		if target == "" {
			target = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.section, x.name, x.value, target, x.status)
	}
	return tw.Flush()
}

// printMachine writes what the figures were measured on.
func printMachine(ctx context.Context, w io.Writer, mati string) {
	version, _ := output(ctx, mati, "--version")
	fmt.Fprintf(w, "machine: %d cores (nproc), %s, %s/%s\n", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "go:      %s\n", runtime.Version())
	fmt.Fprintf(w, "mati:    %s\n", firstLine(version))
	if _, dec, ok := strings.Cut(version, "\ninflate: "); ok {
		fmt.Fprintf(w, "inflate: %s\n", firstLine(dec))
	}
	if out, ok := output(ctx, "tar", "--version"); ok {
		fmt.Fprintf(w, "tar:     %s\n", firstLine(out))
	}
	fmt.Fprintf(w, "date:    %s\n", time.Now().UTC().Format(time.DateOnly))
}

// cpuModel returns the "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if s == "" {
		return "unknown"
	}
	return s
}

// mib formats a byte count in MiB.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// secs formats a duration in seconds.
func secs(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

// logf writes a progress line to stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}
