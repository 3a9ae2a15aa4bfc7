package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
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
}

// result is the outcome of timing a command several times.
type result struct {
	// wall is the shortest wall time of the samples.
	wall time.Duration
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
			wall, rss, err := c.once(ctx)
			if err != nil {
				res[j] = result{err: err}
				logf("  %s: failed: %v", c.label, err)
				continue
			}
			logf("  %s: run %d/%d: %.3fs, %s", c.label, i+1, runs, wall.Seconds(), mib(rss))
			if res[j].wall == 0 || wall < res[j].wall {
				res[j].wall = wall
			}
			res[j].rss = max(res[j].rss, rss)
		}
	}
	return res
}

// once runs c and returns its wall time and peak RSS in bytes. Its stdout
// is discarded; its stderr is kept for the error.
func (c *command) once(ctx context.Context) (time.Duration, int64, error) {
	if c.before != nil {
		if err := c.before(); err != nil {
			return 0, 0, fmt.Errorf("failed to prepare: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, c.path, c.args...)
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Stdout = io.Discard
	var stderr tailBuffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil {
		return 0, 0, fmt.Errorf("failed to start %s: %w", c.path, err)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // KiB on Linux
	}
	code := cmd.ProcessState.ExitCode()
	ok := slices.Contains(c.okExit, code) || (c.okExit == nil && code == 0)
	if !ok {
		var ee *exec.ExitError
		if err == nil || errors.As(err, &ee) {
			err = fmt.Errorf("exit status %d", code)
		}
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			err = fmt.Errorf("%s %s: %w\n%s", c.path, strings.Join(c.args, " "), err, indent(msg))
		} else {
			err = fmt.Errorf("%s %s: %w", c.path, strings.Join(c.args, " "), err)
		}
		return 0, 0, err
	}
	return wall, rss, nil
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
