//go:build integration

package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mati-dev/mati/internal/s3test"
)

// tarGz packs files, in sorted order, as a gzip-compressed tar.
func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCheckCreateModelS3 fetches the artifacts a CreateModel request points
// at from the local S3 server (internal/s3test): a model.tar.gz through
// ModelDataUrl, and an uncompressed S3Prefix through ModelDataSource.
func TestCheckCreateModelS3(t *testing.T) {
	srv := s3test.Start(t)
	srv.SetEnv(t)
	t.Setenv("AWS_ENDPOINT_URL_S3", srv.Endpoint())
	srv.CreateBucket(t, "models")
	srv.PutObject(t, "models", "churn/model.tar.gz", tarGz(t, sklearnFiles))
	for name, body := range sklearnFiles {
		srv.PutObject(t, "models", "fraud/"+name, []byte(body))
	}
	const image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
	env := `"Environment": {"SAGEMAKER_PROGRAM": "inference.py", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"}`
	docs := map[string]string{
		"tar.json": `{"ModelName": "churn", "PrimaryContainer": {"Image": "` + image + `", "ModelDataUrl": "s3://models/churn/model.tar.gz", ` + env + `}}`,
		"prefix.json": `{"ModelName": "fraud", "PrimaryContainer": {"Image": "` + image + `", ` + env + `,
			"ModelDataSource": {"S3DataSource": {"S3Uri": "s3://models/fraud/", "S3DataType": "S3Prefix", "CompressionType": "None"}}}}`,
		"uncompressed_tar.json": `{"ModelName": "churn", "PrimaryContainer": {"Image": "` + image + `", ` + env + `,
			"ModelDataSource": {"S3DataSource": {"S3Uri": "s3://models/churn/model.tar.gz", "S3DataType": "S3Object", "CompressionType": "None"}}}}`,
	}
	dir := t.TempDir()
	for name, body := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		doc      string
		wantCode int
		want     []string
	}{
		{doc: "tar.json", wantCode: exitOK, want: []string{"s3://models/churn/model.tar.gz: sklearn", "tar.gz", "No findings."}},
		{doc: "prefix.json", wantCode: exitOK, want: []string{"s3://models/fraud/: sklearn", "s3-prefix", "No findings."}},
		{doc: "uncompressed_tar.json", wantCode: exitFindings, want: []string{"model-data-invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.doc, func(t *testing.T) {
			code, stdout, stderr := runReal(t, "check", "--fail-on", "info", "--create-model", filepath.Join(dir, tt.doc))
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, s := range tt.want {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
		})
	}
}
