package modelfile_test

import (
	"bytes"
	"testing"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/modelfile"
)

func seeds() [][]byte {
	s := [][]byte{
		fixtures.BenignTorchZip("m"), fixtures.TorchScriptZip("m"), fixtures.BenignSklearnPickle(),
		fixtures.ValidSafetensors(), fixtures.XGBoostJSON(), fixtures.XGBoostBinary(), fixtures.XGBoostUBJ(),
		fixtures.PickleOSSystem(), fixtures.PickleSubprocessPopen(), fixtures.PickleBuiltinsEval(),
		fixtures.PicklePosixSystemMemo(), fixtures.PickleProtocol0Global(), fixtures.PickleTruncatedAfterImport(),
		fixtures.PickleHugeLength(), fixtures.TorchZipDangerous("m"), fixtures.ZipLyingCentralDirectory("m"),
		fixtures.NpyObjectArray(), fixtures.JoblibZlibPickle(),
	}
	for _, b := range fixtures.BrokenSafetensors() {
		s = append(s, b.Body)
	}
	return s
}

// small limits keep each fuzz input cheap.
var fuzzLimits = modelfile.Limits{MaxDeclaredLength: 1 << 20, SpoolThreshold: 1 << 10, MaxSpool: 1 << 22, MaxDecompressed: 1 << 22}

// check asserts the properties every report must have.
func check(t *testing.T, b []byte, rep *modelfile.Report, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("error on an in-memory reader: %v", err)
	}
	if rep.BytesRead != int64(len(b)) {
		t.Fatalf("BytesRead = %d, want %d", rep.BytesRead, len(b))
	}
	for _, i := range rep.Imports {
		if i.Offset < 0 {
			t.Fatalf("negative import offset %+v", i)
		}
		if i.Class != modelfile.Classify(i.Module, i.Name) {
			t.Fatalf("class of %v is %v", i, i.Class)
		}
	}
}

func FuzzPickle(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := modelfile.ScanAs(modelfile.KindPickle, "x.pkl", bytes.NewReader(b), int64(len(b)), fuzzLimits)
		check(t, b, rep, err)
		for _, i := range rep.Imports {
			if i.Offset >= int64(len(b)) {
				t.Fatalf("import offset %d past the end %d", i.Offset, len(b))
			}
		}
	})
}

func FuzzSafetensors(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := modelfile.ScanAs(modelfile.KindSafetensors, "x.safetensors", bytes.NewReader(b), int64(len(b)), fuzzLimits)
		check(t, b, rep, err)
	})
}

func FuzzScan(f *testing.F) {
	for _, s := range seeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := modelfile.Scan("x", bytes.NewReader(b), int64(len(b)), fuzzLimits)
		check(t, b, rep, err)
	})
}
