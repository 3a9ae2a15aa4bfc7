//go:build integration

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/internal/s3test"
)

// TestCheckS3SameAsLocal runs "mati check s3://..." against the local S3
// server and "mati check FILE" on the same bytes: the exit code and the
// findings (artifact name aside) must be the same.
func TestCheckS3SameAsLocal(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	srv.CreateBucket(t, "models")
	for _, name := range []string{"demo_broken.tar.gz", "demo_clean_good.tar.gz", "pickle_posix_system_memo.tar.gz", "archive_corrupt_truncated_gzip.tar.gz", "hostile_not_an_archive"} {
		local := filepath.Join(fixtures.TestdataDir(), name)
		srv.PutFile(t, "models", "team/"+name, local)
		t.Run(name, func(t *testing.T) {
			ref := "s3://models/team/" + name
			wantCode, wantOut, _ := runReal(t, "check", "--format", "json", local)
			code, out, stderr := runReal(t, "check", "--format", "json", "--endpoint-url", srv.Endpoint(), "--region", s3test.Region, ref)
			if code != wantCode {
				t.Errorf("exit code %d from S3, %d from the file\nstderr:\n%s", code, wantCode, stderr)
			}
			want := findingLines(t, wantOut, local)
			if name == "demo_broken.tar.gz" && len(want) != 8 {
				t.Fatalf("the file gave %d findings, want 8: %q", len(want), want)
			}
			if d := cmp.Diff(want, findingLines(t, out, ref)); d != "" {
				t.Errorf("findings differ (-file +s3):\n%s", d)
			}
		})
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" {
			t.Errorf("mati sent %s %s; it must only read", r.Method, r.Path)
		}
	}
}

// findingLines returns the findings of a one-artifact JSON report in
// canonical form, with the artifact's name replaced by ARTIFACT.
func findingLines(t *testing.T, out, name string) []string {
	t.Helper()
	var doc struct {
		Artifacts []struct {
			Findings []struct {
				RuleID   string `json:"rule_id"`
				Severity string `json:"severity"`
				Path     string `json:"path"`
				Line     int    `json:"line"`
				Message  string `json:"message"`
			} `json:"findings"`
			Error string `json:"error"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	var lines []string
	for _, a := range doc.Artifacts {
		if a.Error != "" {
			lines = append(lines, "error")
		}
		for _, f := range a.Findings {
			lines = append(lines, strings.ReplaceAll(f.Severity+" "+f.RuleID+" "+f.Path+" "+f.Message, name, "ARTIFACT"))
		}
	}
	return lines
}
