package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// readTar returns the regular members of the tar.gz at file.
func readTar(t *testing.T, file string) map[string][]byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	got := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			got[h.Name] = b
		}
	}
}

// smallTensors are three tensors shaped as splitTensors shapes 40 MiB (two
// full, one partial), at a size the race detector gets through quickly:
// the layout checked does not depend on the size.
var smallTensors = []tensor{{name: "layers.0.weight", rows: 16, seed: 1}, {name: "layers.1.weight", rows: 16, seed: 2}, {name: "layers.2.weight", rows: 8, seed: 3}}

func TestSplitTensors(t *testing.T) {
	ts := splitTensors(40<<20, 1)
	var total int64
	for _, x := range ts {
		total += x.bytes()
	}
	if len(ts) != 3 || total != 40<<20 || ts[0].bytes() != tensorBytes || ts[2].bytes() != 8<<20 {
		t.Errorf("splitTensors(40 MiB) = %+v, want two %d-byte tensors and one of 8 MiB", ts, tensorBytes)
	}
}

func TestTorchArtifact(t *testing.T) {
	ms, err := torchArtifact(40<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 || ms[0].name != "model.pth" {
		t.Fatalf("torchArtifact members: %d, first %q; want 4, model.pth first", len(ms), ms[0].name)
	}
	zm, err := torchZip{top: "model", tensors: smallTensors}.member("model.pth")
	if err != nil {
		t.Fatal(err)
	}
	ms = []member{zm}
	file := filepath.Join(t.TempDir(), "torch.tar.gz")
	if err := writeTarGz(context.Background(), file, ms); err != nil {
		t.Fatal(err)
	}
	got := readTar(t, file)
	zr, err := zip.NewReader(bytes.NewReader(got["model.pth"]), int64(len(got["model.pth"])))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Store || f.Flags&0x8 != 0 {
			t.Errorf("%s: method %d flags %#x, want stored without data descriptor", f.Name, f.Method, f.Flags)
		}
		off, err := f.DataOffset()
		if err != nil || off%64 != 0 {
			t.Errorf("%s: data offset %d (%v), want a multiple of 64", f.Name, off, err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil { // checks the CRC
			t.Errorf("%s: %v", f.Name, err)
		}
		rc.Close()
	}
	want := []string{"model/data.pkl", "model/byteorder", "model/data/0", "model/data/1", "model/data/2", "model/version", "model/.data/serialization_id"}
	if len(names) != len(want) {
		t.Fatalf("names = %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("names = %q, want %q", names, want)
		}
	}
}

func TestSafetensorsArtifact(t *testing.T) {
	ms, err := safetensorsArtifact(20 << 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 6 || ms[1].name != "model.safetensors" {
		t.Fatalf("safetensorsArtifact members: %d; want 6, model.safetensors second", len(ms))
	}
	sm, err := safetensorsMember("model.safetensors", smallTensors)
	if err != nil {
		t.Fatal(err)
	}
	ms = []member{sm}
	file := filepath.Join(t.TempDir(), "st.tar.gz")
	if err := writeTarGz(context.Background(), file, ms); err != nil {
		t.Fatal(err)
	}
	b := readTar(t, file)["model.safetensors"]
	n := binary.LittleEndian.Uint64(b)
	var hdr map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &hdr); err != nil {
		t.Fatal(err)
	}
	var end int64
	for k, v := range hdr {
		if k == "__metadata__" {
			continue
		}
		var ti struct {
			Offsets [2]int64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(v, &ti); err != nil {
			t.Fatal(err)
		}
		end = max(end, ti.Offsets[1])
	}
	if int64(len(b)) != 8+int64(n)+end || n%8 != 0 {
		t.Errorf("file is %d bytes, header %d, data end %d", len(b), n, end)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"256MiB": 256 << 20, "1GiB": 1 << 30, "1.5G": 3 << 29, "2097152": 2 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
