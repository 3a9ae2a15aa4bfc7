package modelfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mati-dev/mati/fixtures"
)

// TestDifferentialCPython compares the imports the walker reports with the
// ones CPython's two unpicklers perform (testdata/stub_unpickle.py: a
// find_class that records and returns a stub, so nothing runs) and with
// pickletools.genops, on pickles of every protocol written by CPython, the
// bypass forms of fixtures.PickleForms, and mutations of both.
//
// The walker must never miss an import CPython performs: the imports of
// the unpickler that gets further are a prefix of the walker's (an import
// of a computed name, "?", stands for any). On the pickles CPython wrote,
// the lists must be equal, and genops' GLOBAL and INST arguments must all
// be reported.
func TestDifferentialCPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed for the differential test")
	}
	dir := t.TempDir()
	if out, err := exec.Command(py, "testdata/stub_unpickle.py", "gen", dir).CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	written, _ := filepath.Glob(filepath.Join(dir, "*.pkl"))
	if len(written) < 60 {
		t.Fatalf("python wrote %d pickles", len(written))
	}
	corpus := map[string][]byte{}
	for _, p := range written {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		corpus[filepath.Base(p)] = b
	}
	for _, f := range fixtures.PickleForms() {
		if f.Pickle && !f.Large {
			corpus["form_bad_"+f.Name] = f.Bad
			corpus["form_good_"+f.Name] = f.Good
		}
	}
	corpus["legacy_torch"] = fixtures.LegacyTorch(nil)
	corpus["sklearn"] = fixtures.BenignSklearnPickle()
	names := make([]string, 0, len(corpus))
	for n := range corpus {
		names = append(names, n)
	}
	slices.Sort(names)
	rng := rand.New(rand.NewSource(12))
	for i := 0; i < 400; i++ {
		b := bytes.Clone(corpus[names[rng.Intn(len(names))]])
		if len(b) > 4096 {
			b = b[:4096]
		}
		corpus[fmt.Sprintf("fuzz_%03d", i)] = mutate(rng, b)
	}
	for n, b := range corpus {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(py, "testdata/stub_unpickle.py", "load", dir).Output()
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var want map[string]struct{ C, Py, Genops []string }
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for n, b := range corpus {
		w, ok := want[n]
		if !ok {
			t.Fatalf("%s: no result from python", n)
		}
		got, unscannable := firstImports(t, b)
		if unscannable {
			continue // reported at error: the walker does not claim to follow it
		}
		ref := w.C
		if len(w.Py) > len(ref) {
			ref = w.Py
		}
		if !prefixOf(ref, got) {
			t.Errorf("%s: CPython imports %q, the walker reports %q", n, ref, got)
			continue
		}
		if strings.HasSuffix(n, ".pkl") {
			if len(ref) != len(got) {
				t.Errorf("%s: CPython imports %q, the walker reports %q", n, ref, got)
			}
			for _, g := range w.Genops {
				if !slices.Contains(got, g) {
					t.Errorf("%s: genops lists %q, the walker does not", n, g)
				}
			}
		}
		if strings.HasPrefix(n, "form_bad_") && !slices.ContainsFunc(got, func(s string) bool {
			m, n, _ := strings.Cut(s, ".")
			return Classify(m, n) == Dangerous
		}) && !strings.Contains(n, "stack_depth") {
			t.Errorf("%s: no dangerous import in %q", n, got)
		}
	}
}

// firstImports returns the imports of the first pickle of b as the walker
// reports them (EXT opcodes aside: the default registry is empty), and
// whether the walk was unscannable.
func firstImports(t *testing.T, b []byte) ([]string, bool) {
	t.Helper()
	lim := DefaultLimits.withDefaults()
	res, _, err := walkPickles(bytes.NewReader(b), "", &lim, true)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, im := range res.imports {
		if res.complete && im.Offset >= res.firstEnd {
			break
		}
		if strings.HasPrefix(im.Op, "EXT") {
			continue
		}
		out = append(out, im.String())
	}
	unscannable := slices.ContainsFunc(res.problems, func(p Problem) bool { return p.Code == CodeUnscannable })
	return out, unscannable
}

// prefixOf reports whether ref is a prefix of got, an entry of got with a
// "?" part matching anything.
func prefixOf(ref, got []string) bool {
	if len(ref) > len(got) {
		return false
	}
	for i := range ref {
		if ref[i] != got[i] && !strings.Contains(got[i], "?") {
			return false
		}
	}
	return true
}

// mutate changes b a little: bytes replaced, cut, an opcode inserted, a
// slice repeated.
func mutate(rng *rand.Rand, b []byte) []byte {
	if len(b) == 0 {
		return []byte{'N', '.'}
	}
	switch rng.Intn(4) {
	case 0:
		for k := 0; k < 1+rng.Intn(3); k++ {
			b[rng.Intn(len(b))] = byte(rng.Intn(256))
		}
	case 1:
		b = b[:rng.Intn(len(b))]
	case 2:
		i := rng.Intn(len(b))
		ops := "(.012FIJKLMNPQRSTUVXabcd}eghijl]opqrst)uGBC\x80\x81\x85\x86\x87\x88\x89\x8a\x8c\x93\x94\x95"
		b = append(b[:i], append([]byte{ops[rng.Intn(len(ops))]}, b[i:]...)...)
	default:
		i := rng.Intn(len(b))
		j := i + rng.Intn(len(b)-i)
		b = append(b[:j], append(bytes.Clone(b[i:j]), b[j:]...)...)
	}
	return b
}
