package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Targets, from the Performance sections of the issues.
const (
	localRSSLimit  = 64 << 20  // issue 2
	s3RSSLimit     = 128 << 20 // issue 4
	safetyRSSLimit = 96 << 20  // issue 6
)

// bench holds the state shared by the sections.
type bench struct {
	ctx  context.Context
	cfg  config
	dir  string // temporary folder, removed by close
	self string // this program, run as "self inflate FILE"
	rep  report

	weightsFile string    // the large TensorFlow artifact, once generated
	srv         *s3Server // the local S3 server, once started
	srvErr      error
	outputs     int // output files handed out by mati
}

func newBench(ctx context.Context, cfg config) (*bench, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("failed to find the bench program: %w", err)
	}
	selfPath = self
	dir, err := os.MkdirTemp(cfg.tmp, "mati-bench-")
	if err != nil {
		return nil, err
	}
	logf("working in %s", dir)
	return &bench{ctx: ctx, cfg: cfg, dir: dir, self: self}, nil
}

// close stops the S3 server and removes the temporary folder.
func (b *bench) close() {
	if b.srv != nil {
		b.srv.stop()
	}
	if b.cfg.keep {
		logf("kept %s", b.dir)
		return
	}
	if err := os.RemoveAll(b.dir); err != nil {
		logf("warning: failed to remove %s: %v", b.dir, err)
	}
}

// path returns a path in the temporary folder.
func (b *bench) path(name string) string { return filepath.Join(b.dir, name) }

// generate writes members as the tar.gz name in the temporary folder,
// unless an earlier call did, and returns its path.
func (b *bench) generate(name string, members []member) (string, error) {
	p := b.path(name)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	logf("generating %s", name)
	tmp := p + ".part"
	if err := writeTarGz(b.ctx, tmp, members); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("failed to generate %s: %w", name, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return "", err
	}
	if fi, err := os.Stat(p); err == nil {
		logf("generated %s: %s", name, mib(fi.Size()))
	}
	return p, nil
}

// weights returns the large TensorFlow artifact, generating it once.
func (b *bench) weights() (string, error) {
	if b.weightsFile == "" {
		p, err := b.generate("model.tar.gz", weightsArtifact(b.cfg.size))
		if err != nil {
			return "", err
		}
		b.weightsFile = p
	}
	return b.weightsFile, nil
}

// server returns the local S3 server, starting it once.
func (b *bench) server() (*s3Server, error) {
	if b.srv == nil && b.srvErr == nil {
		if _, err := os.Stat(b.cfg.versitygw); err != nil {
			b.srvErr = fmt.Errorf("versitygw missing (run make tools): %w", err)
		} else {
			logf("starting versitygw")
			b.srv, b.srvErr = startS3(b.ctx, b.cfg.versitygw, b.dir)
			if b.srv != nil {
				logf("versitygw listening on %s", b.srv.endpoint)
			}
		}
	}
	return b.srv, b.srvErr
}

// mati returns a command running mati with args; exit codes 0 and 1 (no
// findings, findings) are both a success. Its output goes to a file in the
// temporary folder, where want is looked for.
func (b *bench) mati(label string, args ...string) *command {
	b.outputs++
	return &command{label: label, path: b.cfg.mati, args: args, okExit: []int{0, 1},
		stdout: b.path(fmt.Sprintf("out-%03d.json", b.outputs))}
}

// help returns the help text of a mati command ("" if it has none).
func (b *bench) help(cmd ...string) string {
	out, ok := output(b.ctx, b.cfg.mati, append(cmd, "--help")...)
	if !ok {
		return ""
	}
	return out
}

// hasFlag reports whether a help text documents flag (e.g. "--jobs").
func hasFlag(help, flag string) bool {
	return regexp.MustCompile(`(^|[\s,])` + regexp.QuoteMeta(flag) + `([\s,=]|$)`).MatchString(help)
}

// local measures issue 2: the large artifact and the many-files artifact
// against raw inflate and tar -tzf.
func (b *bench) local() error {
	const sec = "local"
	big, err := b.weights()
	if err != nil {
		return err
	}
	many, err := b.generate("many-files.tar.gz", manyFilesArtifact(b.cfg.files))
	if err != nil {
		return err
	}
	for _, a := range []struct {
		label, file string
		big         bool
	}{
		{humanSize(b.cfg.size) + " weights", big, true},
		{fmt.Sprintf("%d files", b.cfg.files), many, false},
	} {
		logf("measuring %s", a.label)
		check := b.mati("mati check", "check", "--format", "json", a.file)
		check.want = []string{lastMember}
		res := measure(b.ctx, b.cfg.runs,
			check,
			&command{label: "inflate", path: b.self, args: []string{"inflate", a.file}},
			&command{label: "tar -tzf", path: "tar", args: []string{"-tzf", a.file}},
		)
		mati, infl, tar := res[0], res[1], res[2]
		b.rep.wall(sec, a.label+": mati check wall", mati)
		b.rep.wall(sec, a.label+": raw inflate wall", infl)
		b.rep.wall(sec, a.label+": tar -tzf wall", tar)
		if a.big {
			b.rep.ratio(sec, a.label+": mati / raw inflate", mati, infl, "<= 1.05", func(q float64) bool { return q <= 1.05 })
		} else {
			b.rep.ratio(sec, a.label+": mati / raw inflate", mati, infl, "", nil)
		}
		b.rep.ratio(sec, a.label+": mati / tar -tzf", mati, tar, "< 1", func(q float64) bool { return q < 1 })
		if a.big {
			b.rep.rss(sec, a.label+": mati peak RSS", mati, localRSSLimit)
		}
	}
	return os.Remove(many)
}

// s3 measures issue 4: the large artifact read from the local S3 server
// with the ranged read-ahead and with one plain GET, against the local file.
func (b *bench) s3() error {
	const sec = "s3"
	label := humanSize(b.cfg.size) + " weights"
	big, err := b.weights()
	if err != nil {
		return err
	}
	srv, err := b.server()
	if err != nil {
		return err
	}
	logf("uploading s3://%s/model.tar.gz", s3Bucket)
	if err := srv.put(b.ctx, "model.tar.gz", big); err != nil {
		return err
	}
	ref := "s3://" + s3Bucket + "/model.tar.gz"
	s3Args := []string{"check", "--format", "json", "--endpoint-url", srv.endpoint, "--region", s3Region}
	readahead := b.mati("mati s3 read-ahead", append(s3Args, ref)...)
	readahead.env = srv.env(b.dir)
	readahead.want = []string{lastMember}
	localCmd := b.mati("mati local", "check", "--format", "json", big)
	localCmd.want = []string{lastMember}
	cmds := []*command{localCmd, readahead}

	plainEnv, plainFlag, found := b.plainGet()
	if found {
		plain := b.mati("mati s3 plain GET", append(append(s3Args, plainFlag...), ref)...)
		plain.env = append(srv.env(b.dir), plainEnv...)
		plain.want = []string{lastMember}
		cmds = append(cmds, plain)
	}
	logf("measuring %s from S3", label)
	res := measure(b.ctx, b.cfg.runs, cmds...)
	local, ra := res[0], res[1]
	b.rep.wall(sec, label+": read-ahead wall", ra)
	if found {
		plain := res[2]
		b.rep.wall(sec, label+": plain GET wall", plain)
		b.rep.ratio(sec, label+": plain GET / read-ahead", plain, ra, "", nil)
	} else {
		b.rep.na(sec, label+": plain GET wall", "switch missing", "")
		b.rep.na(sec, label+": plain GET / read-ahead", "switch missing", "")
	}
	b.rep.ratio(sec, label+": S3 / local file", ra, local, "<= 1.2", func(q float64) bool { return q <= 1.2 })
	b.rep.rss(sec, label+": read-ahead peak RSS", ra, s3RSSLimit)
	return nil
}

// plainGet finds how mati is told to read S3 with one plain GET: an
// environment variable or a flag named in `mati check --help` or in the
// S3 source code. found is false when there is none.
func (b *bench) plainGet() (env, flags []string, found bool) {
	if v := os.Getenv("MATI_BENCH_PLAIN_GET_ENV"); v != "" {
		return strings.Fields(v), nil, true
	}
	if v := os.Getenv("MATI_BENCH_PLAIN_GET_FLAG"); v != "" {
		return nil, strings.Fields(v), true
	}
	help := b.help("check")
	for _, f := range []string{"--no-readahead", "--no-read-ahead", "--plain-get"} {
		if hasFlag(help, f) {
			return nil, []string{f}, true
		}
	}
	for _, f := range []string{"--readahead", "--read-ahead", "--s3-readahead"} {
		if hasFlag(help, f) {
			return nil, []string{f + "=0"}, true
		}
	}
	const readaheadEnv = "MATI_S3_READAHEAD"
	if strings.Contains(help, readaheadEnv) || sourceMentions(readaheadEnv, "cmd/mati/*.go", "artifact/s3*.go") {
		return []string{readaheadEnv + "=0"}, nil, true
	}
	return nil, nil, false
}

// sourceMentions reports whether a Go file matching one of the globs
// (relative to the working directory, the repository root under make)
// contains s in double quotes.
func sourceMentions(s string, globs ...string) bool {
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			if data, err := os.ReadFile(f); err == nil && strings.Contains(string(data), `"`+s+`"`) {
				return true
			}
		}
	}
	return false
}

// safety measures issue 6: the large artifact as a PyTorch zip and as
// safetensors, with and without the model-file checks.
func (b *bench) safety() error {
	const sec = "safety"
	var noScan string
	help := b.help("check")
	for _, f := range []string{"--no-model-scan", "--no-model-checks", "--skip-model-scan"} {
		if hasFlag(help, f) {
			noScan = f
			break
		}
	}
	torch, err := torchArtifact(b.cfg.size, 10)
	if err != nil {
		return err
	}
	st, err := safetensorsArtifact(b.cfg.size)
	if err != nil {
		return err
	}
	for _, a := range []struct {
		label, name string
		members     []member
	}{
		{humanSize(b.cfg.size) + " PyTorch zip", "torch.tar.gz", torch},
		{humanSize(b.cfg.size) + " safetensors", "safetensors.tar.gz", st},
	} {
		file, err := b.generate(a.name, a.members)
		if err != nil {
			return err
		}
		check := b.mati("mati check", "check", "--format", "json", file)
		check.want = []string{lastMember}
		cmds := []*command{check}
		if noScan != "" {
			unchecked := b.mati("mati check "+noScan, "check", "--format", "json", noScan, file)
			unchecked.want = []string{lastMember}
			cmds = append(cmds, unchecked)
		}
		logf("measuring %s", a.label)
		res := measure(b.ctx, b.cfg.runs, cmds...)
		b.rep.wall(sec, a.label+": mati check wall", res[0])
		if noScan != "" {
			b.rep.ratio(sec, a.label+": with / without checks", res[0], res[1], "<= 1.10", func(q float64) bool { return q <= 1.10 })
		} else {
			b.rep.na(sec, a.label+": with / without checks", "flag missing", "<= 1.10")
		}
		b.rep.rss(sec, a.label+": mati peak RSS", res[0], safetyRSSLimit)
		if err := os.Remove(file); err != nil {
			return err
		}
	}
	return nil
}

// scan measures issue 5: many small artifacts in a folder and under an S3
// prefix, with --jobs 1 and the default, and a rerun with --cache.
func (b *bench) scan() error {
	const sec = "scan"
	n := b.cfg.artifacts
	label := fmt.Sprintf("%d artifacts", n)
	help := b.help("scan")
	if help == "" || !hasFlag(help, "--jobs") {
		b.rep.na(sec, label+": default / --jobs 1", "scan missing", ">= 1.7")
		b.rep.na(sec, label+": cache rerun speed-up", "scan missing", ">= 20")
		b.rep.na(sec, label+" on S3: default / --jobs 1", "scan missing", ">= 1.7")
		return nil
	}
	base := []string{"scan", "--format", "json"}
	if hasFlag(help, "--no-progress") {
		base = append(base, "--no-progress")
	}
	args := func(more ...string) []string { return append(slices.Clone(base), more...) }
	dir := b.path("scan")
	if err := b.generateScanSet(dir); err != nil {
		return err
	}

	logf("measuring scan of %s", dir)
	res := measure(b.ctx, b.cfg.runs,
		b.mati("mati scan --jobs 1", args("--jobs", "1", dir)...),
		b.mati("mati scan", args(dir)...),
	)
	b.rep.rate(sec, label+": --jobs 1", n, res[0])
	b.rep.rate(sec, label+": default jobs", n, res[1])
	b.rep.ratio(sec, label+": default / --jobs 1 (speed-up)", res[0], res[1], ">= 1.7", func(q float64) bool { return q >= 1.7 })

	if hasFlag(help, "--cache") {
		cache := b.path("scan-cache")
		first := b.mati("mati scan --cache (first)", args("--cache", cache, dir)...)
		first.before = func() error {
			if err := os.Remove(cache); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			return nil
		}
		rerun := b.mati("mati scan --cache (rerun)", args("--cache", cache, dir)...)
		logf("measuring scan with --cache")
		res := measure(b.ctx, b.cfg.runs, first, rerun)
		b.rep.rate(sec, label+": --cache rerun", n, res[1])
		b.rep.ratio(sec, label+": cache rerun speed-up (first / rerun)", res[0], res[1], ">= 20", func(q float64) bool { return q >= 20 })
	} else {
		b.rep.na(sec, label+": cache rerun speed-up", "flag missing", ">= 20")
	}

	srv, err := b.server()
	if err != nil {
		logf("warning: no S3 scan: %v", err)
		b.rep.na(sec, label+" on S3: default / --jobs 1", "no S3 server", ">= 1.7")
		return nil
	}
	logf("uploading the scan set to s3://%s/scan/", s3Bucket)
	if err := srv.putTree(b.ctx, dir, "scan/"); err != nil {
		return err
	}
	ref := "s3://" + s3Bucket + "/scan/"
	s3Args := []string{"--endpoint-url", srv.endpoint, "--region", s3Region}
	one := b.mati("mati scan s3 --jobs 1", args(append(s3Args, "--jobs", "1", ref)...)...)
	one.env = srv.env(b.dir)
	def := b.mati("mati scan s3", args(append(s3Args, ref)...)...)
	def.env = srv.env(b.dir)
	logf("measuring scan of %s", ref)
	res = measure(b.ctx, b.cfg.runs, one, def)
	b.rep.rate(sec, label+" on S3: --jobs 1", n, res[0])
	b.rep.rate(sec, label+" on S3: default jobs", n, res[1])
	b.rep.ratio(sec, label+" on S3: default / --jobs 1 (speed-up)", res[0], res[1], ">= 1.7", func(q float64) bool { return q >= 1.7 })
	return nil
}

// generateScanSet writes the scan artifacts under dir, in folders of 100
// as a bucket would group them by team.
func (b *bench) generateScanSet(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	logf("generating %d small artifacts", b.cfg.artifacts)
	tmp := dir + ".part"
	for i := range b.cfg.artifacts {
		if err := b.ctx.Err(); err != nil {
			return err
		}
		ms, err := smallArtifact(i)
		if err != nil {
			return err
		}
		p := filepath.Join(tmp, fmt.Sprintf("team-%02d", i/100), fmt.Sprintf("model-%04d", i), "model.tar.gz")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := writeTarGz(b.ctx, p, ms); err != nil {
			return err
		}
	}
	return os.Rename(tmp, dir)
}
