package modelfile_test

import (
	"archive/zip"
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/mati-dev/mati/fixtures"
	"github.com/mati-dev/mati/modelfile"
)

// want is what a case must report.
type want struct {
	kind        modelfile.Kind
	dangerous   []string // "module.name", in order
	unknown     []string
	problems    []modelfile.Code
	torchScript bool
	pickles     int // 0: not checked
}

func scan(t *testing.T, name string, b []byte) *modelfile.Report {
	t.Helper()
	rep, err := modelfile.Scan(name, bytes.NewReader(b), int64(len(b)), modelfile.Limits{})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if rep.BytesRead != int64(len(b)) {
		t.Errorf("BytesRead = %d, want %d", rep.BytesRead, len(b))
	}
	return rep
}

func imports(rep *modelfile.Report, c modelfile.Class) []string {
	var out []string
	for _, i := range rep.Imports {
		if i.Class == c {
			out = append(out, i.String())
		}
	}
	return out
}

func codes(rep *modelfile.Report) []modelfile.Code {
	seen := map[modelfile.Code]bool{}
	var out []modelfile.Code
	for _, p := range rep.Problems {
		if !seen[p.Code] {
			seen[p.Code] = true
			out = append(out, p.Code)
		}
	}
	return out
}

func eq[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestScanFixtures(t *testing.T) {
	tests := []struct {
		name string
		file string
		body []byte
		want want
	}{
		{"benign torch state dict", "model.pth", fixtures.BenignTorchZip("model"), want{kind: modelfile.KindTorchZip, pickles: 1}},
		{"torchscript", "model.pt", fixtures.TorchScriptZip("model"), want{kind: modelfile.KindTorchZip, torchScript: true, pickles: 2}},
		{"benign sklearn joblib with arrays", "model.joblib", fixtures.BenignSklearnPickle(), want{kind: modelfile.KindPickle, pickles: 1}},
		{"valid safetensors", "model.safetensors", fixtures.ValidSafetensors(), want{kind: modelfile.KindSafetensors}},
		{"xgboost json", "xgboost-model", fixtures.XGBoostJSON(), want{kind: modelfile.KindXGBoostJSON}},
		{"xgboost ubj", "model.ubj", fixtures.XGBoostUBJ(), want{kind: modelfile.KindXGBoostUBJ}},
		{"xgboost binary", "xgboost-model", fixtures.XGBoostBinary(), want{kind: modelfile.KindXGBoostBinary}},
		{"os.system", "model.pkl", fixtures.PickleOSSystem(), want{kind: modelfile.KindPickle, dangerous: []string{"os.system"}}},
		{"subprocess.Popen", "model.pkl", fixtures.PickleSubprocessPopen(), want{kind: modelfile.KindPickle, dangerous: []string{"subprocess.Popen"}}},
		{"builtins.eval via stack global", "model.bin", fixtures.PickleBuiltinsEval(), want{kind: modelfile.KindPickle, dangerous: []string{"builtins.eval"}}},
		{"posix.system via memoised strings", "weights", fixtures.PicklePosixSystemMemo(), want{kind: modelfile.KindPickle, dangerous: []string{"posix.system"}}},
		{"protocol 0 global", "model.dat", fixtures.PickleProtocol0Global(), want{kind: modelfile.KindPickle, dangerous: []string{"os.system"}}},
		{"truncated after import", "model.pkl", fixtures.PickleTruncatedAfterImport(), want{kind: modelfile.KindPickle, dangerous: []string{"os.system"}, problems: []modelfile.Code{modelfile.CodePickleMalformed}}},
		{"declared length 2^62", "model.pkl", fixtures.PickleHugeLength(), want{kind: modelfile.KindPickle, problems: []modelfile.Code{modelfile.CodePickleMalformed}}},
		{"torch zip with dangerous data.pkl", "model.pth", fixtures.TorchZipDangerous("archive"), want{kind: modelfile.KindTorchZip, dangerous: []string{"os.system"}}},
		{"lying central directory", "model.pth", fixtures.ZipLyingCentralDirectory("archive"), want{kind: modelfile.KindTorchZip, dangerous: []string{"os.system"}, problems: []modelfile.Code{modelfile.CodeZipCentralDirectory}}},
		{"object npy", "x.npy", fixtures.NpyObjectArray(), want{kind: modelfile.KindNpy, problems: []modelfile.Code{modelfile.CodeNpyObject}}},
		{"joblib zlib", "model.joblib", fixtures.JoblibZlibPickle(), want{kind: modelfile.KindJoblib, dangerous: []string{"subprocess.Popen"}}},
		{"joblib zlib benign", "model.joblib", fixtures.JoblibZlib(fixtures.BenignSklearnPickle()), want{kind: modelfile.KindJoblib}},
		{"xgboost json without learner", "model.json", fixtures.XGBoostJSONNoLearner(), want{kind: modelfile.KindUnknown}},
		{"stacked pickles", "model.pkl", append(fixtures.PickleOSSystem(), fixtures.PickleBuiltinsEval()...), want{kind: modelfile.KindPickle, dangerous: []string{"os.system", "builtins.eval"}, pickles: 2}},
	}
	for _, b := range fixtures.BrokenSafetensors() {
		tests = append(tests, struct {
			name string
			file string
			body []byte
			want want
		}{"safetensors " + b.Name, "model.safetensors", b.Body, want{kind: modelfile.KindSafetensors, problems: []modelfile.Code{modelfile.CodeSafetensors}}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.want.kind
			var rep *modelfile.Report
			if strings.HasPrefix(tt.name, "safetensors ") {
				r, err := modelfile.ScanAs(modelfile.KindSafetensors, tt.file, bytes.NewReader(tt.body), int64(len(tt.body)), modelfile.Limits{})
				if err != nil {
					t.Fatal(err)
				}
				rep = r
			} else {
				rep = scan(t, tt.file, tt.body)
			}
			if rep.Kind != k {
				t.Errorf("Kind = %v, want %v", rep.Kind, k)
			}
			if got := imports(rep, modelfile.Dangerous); !eq(got, tt.want.dangerous) {
				t.Errorf("dangerous = %v, want %v", got, tt.want.dangerous)
			}
			if got := imports(rep, modelfile.Unknown); !eq(got, tt.want.unknown) {
				t.Errorf("unknown = %v, want %v", got, tt.want.unknown)
			}
			if got := codes(rep); !eq(got, tt.want.problems) {
				t.Errorf("problems = %v, want %v (%+v)", got, tt.want.problems, rep.Problems)
			}
			if rep.TorchScript != tt.want.torchScript {
				t.Errorf("TorchScript = %v", rep.TorchScript)
			}
			if tt.want.pickles != 0 && rep.Pickles != tt.want.pickles {
				t.Errorf("Pickles = %d, want %d", rep.Pickles, tt.want.pickles)
			}
		})
	}
}

func TestScanXGBoostAs(t *testing.T) {
	for _, tt := range []struct {
		name string
		kind modelfile.Kind
		body []byte
		bad  bool
	}{
		{"json with learner", modelfile.KindXGBoostJSON, fixtures.XGBoostJSON(), false},
		{"json without learner", modelfile.KindXGBoostJSON, fixtures.XGBoostJSONNoLearner(), true},
		{"json broken", modelfile.KindXGBoostJSON, []byte(`{"learner": `), true},
		{"ubj not an object", modelfile.KindXGBoostUBJ, []byte("[1]"), true},
		{"binary garbage", modelfile.KindXGBoostBinary, []byte("hello world"), true},
		{"binary", modelfile.KindXGBoostBinary, fixtures.XGBoostBinary(), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := modelfile.ScanAs(tt.kind, "xgboost-model", bytes.NewReader(tt.body), -1, modelfile.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got := rep.Has(modelfile.CodeXGBoost); got != tt.bad {
				t.Errorf("xgboost-model-invalid = %v, want %v (%+v)", got, tt.bad, rep.Problems)
			}
		})
	}
}

// TestZipDataDescriptors covers archive/zip's own writer, which uses data
// descriptors: deflated members are inflated to their end, stored ones make
// the zip spool.
func TestZipDataDescriptors(t *testing.T) {
	for _, method := range []uint16{zip.Deflate, zip.Store} {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		for _, m := range []struct {
			name string
			body []byte
		}{{"arch/data.pkl", fixtures.PickleOSSystem()}, {"arch/data/0", bytes.Repeat([]byte{1}, 1<<16)}, {"arch/extra.pkl", fixtures.PickleBuiltinsEval()}} {
			fw, err := w.CreateHeader(&zip.FileHeader{Name: m.name, Method: method})
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(m.body)
		}
		w.Close()
		for _, threshold := range []int64{0, -1} {
			rep, err := modelfile.Scan("m.pth", bytes.NewReader(buf.Bytes()), -1, modelfile.Limits{SpoolThreshold: threshold})
			if err != nil {
				t.Fatal(err)
			}
			if got := imports(rep, modelfile.Dangerous); !eq(got, []string{"os.system", "builtins.eval"}) {
				t.Errorf("method %d: dangerous = %v, problems %+v", method, got, rep.Problems)
			}
			if len(rep.Problems) != 0 || rep.Kind != modelfile.KindTorchZip || len(rep.Members) != 3 {
				t.Errorf("method %d: kind %v members %v problems %+v", method, rep.Kind, rep.Members, rep.Problems)
			}
		}
	}
}

func TestZipBadCRC(t *testing.T) {
	b := fixtures.BenignTorchZip("m")
	i := bytes.Index(b, []byte("m/data/0"))
	b[i+len("m/data/0")] ^= 0xff // the first weight byte
	rep := scan(t, "m.pth", b)
	if got := codes(rep); !eq(got, []modelfile.Code{modelfile.CodeZipCRC}) {
		t.Errorf("problems = %+v", rep.Problems)
	}
}

func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		module, name string
		want         modelfile.Class
	}{
		{"os", "system", modelfile.Dangerous},
		{"os.path", "join", modelfile.Dangerous},
		{"posixpath", "join", modelfile.Unknown},
		{"builtins", "getattr", modelfile.Dangerous},
		{"__builtin__", "eval", modelfile.Dangerous},
		{"builtins", "set", modelfile.Allowed},
		{"types", "CodeType", modelfile.Dangerous},
		{"operator", "attrgetter", modelfile.Dangerous},
		{"functools", "partial", modelfile.Dangerous},
		{"torch", "load", modelfile.Dangerous},
		{"numpy", "load", modelfile.Dangerous},
		{"torch._utils", "_rebuild_tensor_v2", modelfile.Allowed},
		{"torch", "FloatStorage", modelfile.Allowed},
		{"collections", "OrderedDict", modelfile.Allowed},
		{"numpy.core.multiarray", "_reconstruct", modelfile.Allowed},
		{"numpy._core.multiarray", "_reconstruct", modelfile.Allowed},
		{"sklearn.ensemble._forest", "RandomForestClassifier", modelfile.Allowed},
		{"sklearn.utils", "some_function", modelfile.Unknown},
		{"xgboost.core", "Booster", modelfile.Allowed},
		{"joblib.numpy_pickle", "NumpyArrayWrapper", modelfile.Allowed},
		{"__main__", "Net", modelfile.Unknown},
		{"?", "?", modelfile.Dangerous},
		{"scipy.sparse._csr", "csr_matrix", modelfile.Allowed},
	} {
		if got := modelfile.Classify(tt.module, tt.name); got != tt.want {
			t.Errorf("Classify(%q, %q) = %v, want %v", tt.module, tt.name, got, tt.want)
		}
	}
}

// TestScanText checks that text files, which pickle.load would start on
// when they begin with an opcode letter, are walked and found to be no
// pickle: no kind, no import, no problem.
func TestScanText(t *testing.T) {
	for _, s := range []string{"class Foo:\n  pass\n", "import os\n", "config\nfoo\nbar\n", "{\"a\": 1}", "# README\n",
		"catboost==1.2\nnumpy\n", "cos\nsystem\n"} {
		rep, err := modelfile.Scan("file", strings.NewReader(s), int64(len(s)), modelfile.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		wantKind := modelfile.KindUnknown
		var wantDanger []string
		if strings.HasPrefix(s, "cos") {
			// A bare os.system import is reported whatever follows.
			wantKind, wantDanger = modelfile.KindPickle, []string{"os.system"}
		}
		if rep.Kind != wantKind || len(rep.Problems) != 0 || !eq(imports(rep, modelfile.Dangerous), wantDanger) || len(imports(rep, modelfile.Unknown)) != 0 {
			t.Errorf("Scan(%q) = %v, imports %v, problems %v", s, rep.Kind, rep.Imports, rep.Problems)
		}
	}
}

// TestPicklesWellFormed cross-checks the hand-built pickles with Python's
// pickletools.dis (which never loads them).
func TestPicklesWellFormed(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	members := map[string][]byte{}
	for _, z := range [][]byte{fixtures.BenignTorchZip("a"), fixtures.TorchScriptZip("b")} {
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, ".pkl") {
				rc, _ := f.Open()
				var buf bytes.Buffer
				buf.ReadFrom(rc)
				rc.Close()
				members[f.Name] = buf.Bytes()
			}
		}
	}
	if len(members) != 3 {
		t.Fatalf("pickle members: %d", len(members))
	}
	members["os.system"] = fixtures.PickleOSSystem()
	for name, b := range map[string][]byte{
		"os.system": fixtures.PickleOSSystem(), "popen": fixtures.PickleSubprocessPopen(),
		"eval": fixtures.PickleBuiltinsEval(), "posix": fixtures.PicklePosixSystemMemo(),
		"proto0": fixtures.PickleProtocol0Global(), "npy payload": fixtures.NpyObjectArray()[128:],
	} {
		members[name] = b
	}
	for name, b := range members {
		cmd := exec.Command(py, "-c", "import sys, pickletools; pickletools.dis(sys.stdin.buffer.read())")
		cmd.Stdin = bytes.NewReader(b)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: pickletools: %v\n%s", name, err, out)
		}
	}
}
