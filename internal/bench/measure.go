package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// command is one program the benchmark times.
type command struct {
	// label names the command in progress and error messages.
	label string
	path  string
	args  []string
	// env is added to the benchmark's own environment.
	env []string
	// okExit lists the exit codes that count as success; nil means 0 only.
	okExit []int
	// before, when not nil, runs before each sample and is not timed.
	before func() error
	// stdout, when set, is the file the command's output is written to
	// (otherwise /dev/null).
	stdout string
	// want lists strings the output must contain for a sample to count,
	// e.g. the last member of the archive, proving it was read to the end.
	want []string
}

// result is the outcome of timing a command several times.
type result struct {
	// wall is the shortest wall time of the samples.
	wall time.Duration
	// cpu is the least CPU time (user plus system) of the samples.
	cpu time.Duration
	// rss is the largest peak resident set size of the samples, in bytes.
	rss int64
	// err is set when a sample failed; the other fields are then unset.
	err error
}

// ok reports whether every sample succeeded.
func (r result) ok() bool { return r.err == nil && r.wall > 0 }

// measure runs each command runs times, interleaved (one sample of each
// in turn), so that the figures compared share the machine's state. A
// command that fails once is not run again.
func measure(ctx context.Context, runs int, cmds ...*command) []result {
	res := make([]result, len(cmds))
	for i := range runs {
		for j, c := range cmds {
			if res[j].err != nil {
				continue
			}
			if err := ctx.Err(); err != nil {
				res[j].err = err
				continue
			}
			wall, rss, cpu, err := c.once(ctx)
			if err != nil {
				res[j] = result{err: err}
				logf("  %s: failed: %v", c.label, err)
				continue
			}
			logf("  %s: run %d/%d: %.3fs, %.3fs CPU, %s", c.label, i+1, runs, wall.Seconds(), cpu.Seconds(), mib(rss))
			if res[j].wall == 0 || wall < res[j].wall {
				res[j].wall = wall
			}
			if res[j].cpu == 0 || cpu < res[j].cpu {
				res[j].cpu = cpu
			}
			res[j].rss = max(res[j].rss, rss)
		}
	}
	return res
}

// once runs c through the launcher (see launch) and returns its wall time,
// peak RSS in bytes and CPU time. Its stdout is discarded; its stderr is
// kept for the error.
func (c *command) once(ctx context.Context) (time.Duration, int64, time.Duration, error) {
	if c.before != nil {
		if err := c.before(); err != nil {
			return 0, 0, 0, fmt.Errorf("failed to prepare: %w", err)
		}
	}
	out := c.stdout
	if out == "" {
		out = os.DevNull
	}
	cmd := exec.CommandContext(ctx, selfPath, append([]string{"launch", out, c.path}, c.args...)...)
	cmd.Env = append(os.Environ(), c.env...)
	var stdout bytes.Buffer
	var stderr tailBuffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	var wallNS, rssKiB, floorKiB, cpuNS int64
	var code int
	if err == nil {
		_, err = fmt.Sscan(stdout.String(), &wallNS, &rssKiB, &code, &floorKiB, &cpuNS)
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("failed to run %s: %w%s", c.path, err, stderrTail(&stderr))
	}
	rssFloor.Store(max(rssFloor.Load(), floorKiB<<10))
	if !slices.Contains(c.okExit, code) && !(c.okExit == nil && code == 0) {
		return 0, 0, 0, fmt.Errorf("%s %s: exit status %d%s", c.path, strings.Join(c.args, " "), code, stderrTail(&stderr))
	}
	if len(c.want) > 0 {
		b, err := os.ReadFile(out)
		if err != nil {
			return 0, 0, 0, err
		}
		for _, w := range c.want {
			if !bytes.Contains(b, []byte(w)) {
				return 0, 0, 0, fmt.Errorf("%s %s: the output lacks %q", c.path, strings.Join(c.args, " "), w)
			}
		}
	}
	return time.Duration(wallNS), rssKiB << 10, time.Duration(cpuNS), nil
}

// stderrTail returns the end of a command's stderr, indented on its own
// lines, or "" when it is empty.
func stderrTail(t *tailBuffer) string {
	if msg := strings.TrimSpace(t.String()); msg != "" {
		return "\n" + indent(msg)
	}
	return ""
}

// selfPath is this program, run as the launcher and the inflate reference.
var selfPath string

// rssFloor is the largest launcher RSS seen when it started a command, in
// bytes: Linux carries the RSS of the process that execs into the new
// program's peak, so no peak RSS reported is below it.
var rssFloor atomic.Int64

// launch runs path with args, stdout to the file out and stderr passed
// on, and prints "WALL_NS MAXRSS_KIB EXIT_CODE FLOOR_KIB CPU_NS" on stdout
// (CPU_NS is user plus system time).
//
// The benchmark's own process grows to tens of MiB while it generates
// artifacts, and a child's ru_maxrss starts at the RSS of the process it
// was forked from (Linux records the old memory's high-water mark at
// exec). Starting the measured program from this small, fresh process
// keeps that floor at a few MiB, and the timing excludes the launcher's
// own start-up.
func launch(out, path string, args []string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(path, args...)
	cmd.Stdout = f
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	floor := vmHWM()
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		return err
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return errors.New("no resource usage for the child")
	}
	cpu := time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime))
	_, err = fmt.Printf("%d %d %d %d %d\n", wall.Nanoseconds(), ru.Maxrss, cmd.ProcessState.ExitCode(), floor, cpu.Nanoseconds())
	return err
}

// vmHWM returns this process's peak RSS in KiB from /proc/self/status, or
// 0 when it cannot be read.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var n int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &n)
			return n
		}
	}
	return 0
}

// tailBuffer keeps the last 4 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	const keep = 4 << 10
	t.b = append(t.b, p...)
	if len(t.b) > keep {
		t.b = append(t.b[:0], t.b[len(t.b)-keep:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// indent prefixes every line of s with four spaces.
func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// output runs path with args and returns its combined output and whether
// it exited 0. It is for probing the CLI (help texts), not for timing.
func output(ctx context.Context, path string, args ...string) (string, bool) {
	var b bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout = &b
	cmd.Stderr = &b
	err := cmd.Run()
	return b.String(), err == nil
}
