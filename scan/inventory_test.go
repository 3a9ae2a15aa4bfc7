package scan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"

	"github.com/mati-dev/mati/artifact"
)

// inventoryCSV is a data file with the schema below: URL-encoded keys, a
// folder marker, a delete marker and an old version.
const (
	inventorySchema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass"
	inventoryCSV    = `"models","team%2Fa.tar.gz","v1","true","false","100","2024-05-01T10:00:00.000Z","0123abcd","STANDARD"
"models","team/with+space%C3%BC%2B.tgz","v1","true","false","200","2024-05-02T10:00:00.000Z","4567ef01","STANDARD"
"models","team/old.tar.gz","v2","true","true","","","",""
"models","team/old.tar.gz","v1","false","false","50","2024-01-01T00:00:00.000Z","99","STANDARD"
"models","team/","v1","true","false","0","2024-01-01T00:00:00.000Z","d41d8cd9","STANDARD"
`
)

// wantInventory are the items inventoryCSV lists (the folder marker is
// skipped by the lister, not by ReadInventoryCSV).
func wantInventory() []Item {
	return []Item{
		{Ref: "s3://models/team/a.tar.gz", Key: "team/a.tar.gz", Size: 100, ETag: "0123abcd", ModTime: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{Ref: "s3://models/team/with spaceü+.tgz", Key: "team/with spaceü+.tgz", Size: 200, ETag: "4567ef01", ModTime: time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)},
	}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadInventoryCSV(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{name: "csv", data: []byte(inventoryCSV)},
		{name: "csv.gz", data: gzipBytes(t, []byte(inventoryCSV))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Item
			err := ReadInventoryCSV(bytes.NewReader(tt.data), inventorySchema, func(it Item) error {
				got = append(got, it)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := append(wantInventory(), Item{Ref: "s3://models/team/", Key: "team/", ETag: "d41d8cd9", ModTime: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestReadInventoryCSVMinimalSchema(t *testing.T) {
	var got []Item
	err := ReadInventoryCSV(strings.NewReader("\"b\",\"k%20x.tar\"\n"), "Bucket, Key", func(it Item) error {
		got = append(got, it)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]Item{{Ref: "s3://b/k x.tar", Key: "k x.tar"}}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestReadInventoryCSVErrors(t *testing.T) {
	tests := []struct {
		name, schema, data string
	}{
		{name: "bad size", schema: "Bucket, Key, Size", data: "b,k.tar,ten\n"},
		{name: "bad date", schema: "Bucket, Key, LastModifiedDate", data: "b,k.tar,yesterday\n"},
		{name: "bad escape", schema: "Bucket, Key", data: "b,k%zz.tar\n"},
		{name: "no key", schema: "Bucket, Key", data: "b,\n"},
		{name: "bad quoting", schema: "Bucket, Key", data: "b,\"k.tar\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ReadInventoryCSV(strings.NewReader(tt.data), tt.schema, func(Item) error { return nil })
			if err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestParseManifest(t *testing.T) {
	tests := []struct {
		name, manifest, wantErr string
	}{
		{name: "csv", manifest: `{"sourceBucket":"models","destinationBucket":"arn:aws:s3:::inv","fileFormat":"CSV","fileSchema":"Bucket, Key, Size","files":[{"key":"a.csv.gz","size":1}]}`},
		{name: "orc", manifest: `{"fileFormat":"ORC","fileSchema":"struct<bucket:string>","files":[]}`, wantErr: "only CSV"},
		{name: "no key column", manifest: `{"fileFormat":"CSV","fileSchema":"Bucket, Size","files":[]}`, wantErr: "no Key column"},
		{name: "file without key", manifest: `{"fileFormat":"CSV","fileSchema":"Bucket, Key","files":[{"size":1}]}`, wantErr: "no key"},
		{name: "not JSON", manifest: `<xml/>`, wantErr: "failed to read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseManifest([]byte(tt.manifest))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// writeInventory writes a local copy of an inventory report the way
// "aws s3 sync" copies it: the manifest in a dated folder, the data files
// (one CSV, one CSV.GZ) in data/ beside it. It returns the manifest's path.
func writeInventory(t *testing.T, dir string) string {
	t.Helper()
	base := filepath.Join(dir, "inv", "models", "daily")
	lines := strings.SplitAfter(inventoryCSV, "\n")
	files := map[string][]byte{
		"data/part-1.csv":    []byte(lines[0]),
		"data/part-2.csv.gz": gzipBytes(t, []byte(strings.Join(lines[1:], ""))),
		"2024-05-03T01-00Z/manifest.json": []byte(`{
  "sourceBucket": "models",
  "destinationBucket": "arn:aws:s3:::inventory-bucket",
  "version": "2016-11-30",
  "fileFormat": "CSV",
  "fileSchema": "` + inventorySchema + `",
  "files": [
    {"key": "inv/models/daily/data/part-1.csv", "size": 1, "MD5checksum": "x"},
    {"key": "inv/models/daily/data/part-2.csv.gz", "size": 1, "MD5checksum": "y"}
  ]
}`),
	}
	for name, b := range files {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(base, "2024-05-03T01-00Z", "manifest.json")
}

func TestInventoryLocal(t *testing.T) {
	manifest := writeInventory(t, t.TempDir())
	tests := []struct {
		name     string
		prefixes []string
		want     []Item
	}{
		{name: "all", want: wantInventory()},
		{name: "under a prefix", prefixes: []string{"s3://models/team/with"}, want: wantInventory()[1:]},
		{name: "under no prefix", prefixes: []string{"s3://other/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Item
			err := Inventory(manifest, artifact.S3Options{}, tt.prefixes).List(context.Background(), func(it Item) error {
				got = append(got, it)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestLocalDataFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "part.csv.gz"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// The bare file name next to the manifest is found too.
	got, ok := localDataFile(dir, "some/prefix/data/part.csv.gz")
	if !ok || got != filepath.Join(dir, "part.csv.gz") {
		t.Errorf("localDataFile = %q, %v", got, ok)
	}
	if _, ok := localDataFile(dir, "some/prefix/data/other.csv.gz"); ok {
		t.Error("found a data file that is not there")
	}
}
