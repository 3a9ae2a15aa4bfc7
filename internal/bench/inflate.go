package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Targets of issue 18.
const (
	igzipTarget  = 1.15 // mati wall / igzip -dc wall on the large artifact
	cpuTarget    = 1.8  // mati CPU with the Go decoder / with ISA-L
	smallTarget  = 1.05 // many small files: ISA-L wall / Go wall ("no slower", with the noise)
	igzipInstall = "apt-get install isal"
)

// inflate measures issue 18: mati with ISA-L and with the Go decoder
// (MATI_INFLATE=go), side by side with `igzip -dc > /dev/null`, on the
// large artifact and on the many-files one.
func (b *bench) inflate() error {
	const sec = "inflate"
	dec, _ := output(b.ctx, b.cfg.mati, "--version")
	if !strings.Contains(dec, "inflate: isal") {
		why := "mati does not use ISA-L"
		if _, d, ok := strings.Cut(dec, "inflate: "); ok {
			why = "decoder " + firstLine(d)
		}
		b.rep.na(sec, "mati / igzip -dc", why, fmt.Sprintf("<= %.2f", igzipTarget))
		b.rep.na(sec, "CPU go / isal", why, fmt.Sprintf(">= %.1f", cpuTarget))
		return nil
	}
	igzip, err := exec.LookPath("igzip")
	if err != nil {
		logf("warning: igzip not found (%s): no igzip baseline", igzipInstall)
	}
	big, err := b.weights()
	if err != nil {
		return err
	}
	many, err := b.generate("many-files.tar.gz", manyFilesArtifact(b.cfg.files))
	if err != nil {
		return err
	}
	defer os.Remove(many)
	label := humanSize(b.cfg.size) + " weights"

	isal := b.mati("mati check (isal)", "check", "--format", "json", big)
	isal.want = []string{lastMember}
	gocheck := b.mati("mati check (go)", "check", "--format", "json", big)
	gocheck.env = []string{"MATI_INFLATE=go"}
	gocheck.want = []string{lastMember}
	cmds := []*command{isal, gocheck}
	if igzip != "" {
		cmds = append(cmds, &command{label: "igzip -dc", path: igzip, args: []string{"-dc", big}})
	}
	logf("measuring %s with both decoders", label)
	res := measure(b.ctx, b.cfg.runs, cmds...)
	b.rep.wall(sec, label+": mati check wall, isal", res[0])
	b.rep.wall(sec, label+": mati check wall, go", res[1])
	if igzip != "" {
		b.rep.wall(sec, label+": igzip -dc wall", res[2])
		b.rep.ratio(sec, label+": mati (isal) / igzip -dc", res[0], res[2], fmt.Sprintf("<= %.2f", igzipTarget), func(q float64) bool { return q <= igzipTarget })
		b.rep.ratio(sec, label+": mati (go) / igzip -dc", res[1], res[2], "", nil)
		b.rep.cpuRatio(sec, label+": CPU mati (isal) / igzip -dc", res[0], res[2], "", nil)
	} else {
		b.rep.na(sec, label+": mati (isal) / igzip -dc", "igzip missing", fmt.Sprintf("<= %.2f", igzipTarget))
	}
	b.rep.cpuRatio(sec, label+": CPU go / isal", res[1], res[0], fmt.Sprintf(">= %.1f", cpuTarget), func(q float64) bool { return q >= cpuTarget })
	b.rep.ratio(sec, label+": wall go / isal", res[1], res[0], "", nil)
	b.rep.rss(sec, label+": mati peak RSS, isal", res[0], localRSSLimit)
	b.rep.rss(sec, label+": mati peak RSS, go", res[1], localRSSLimit)

	manyLabel := fmt.Sprintf("%d files", b.cfg.files)
	mIsal := b.mati("mati check many (isal)", "check", "--format", "json", many)
	mIsal.want = []string{lastMember}
	mGo := b.mati("mati check many (go)", "check", "--format", "json", many)
	mGo.env = []string{"MATI_INFLATE=go"}
	mGo.want = []string{lastMember}
	logf("measuring %s with both decoders", manyLabel)
	res = measure(b.ctx, b.cfg.runs, mIsal, mGo)
	b.rep.ratio(sec, manyLabel+": wall isal / go", res[0], res[1], fmt.Sprintf("<= %.2f", smallTarget), func(q float64) bool { return q <= smallTarget })
	b.rep.cpuRatio(sec, manyLabel+": CPU isal / go", res[0], res[1], "", nil)
	b.rep.rss(sec, manyLabel+": mati peak RSS, isal", res[0], localRSSLimit)
	return nil
}
