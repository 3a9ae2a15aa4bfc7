package modelfile

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/mati-dev/mati/fixtures"
)

// FuzzWalk walks any input as a strong pickle and checks that the walk
// never panics, that the modelled stack, marks, memo and kept container
// items stay within their bounds, and that every GLOBAL, INST and
// STACK_GLOBAL the walker decodes is reported as an import at its offset
// in the first pickle (the last opcode walked may be the one that broke
// it; later pickles are weak, see pickle.go).
func FuzzWalk(f *testing.F) {
	for _, s := range [][]byte{fixtures.BenignSklearnPickle(), fixtures.PickleOSSystem(), fixtures.PicklePosixSystemMemo(),
		fixtures.PickleProtocol0Global(), fixtures.PickleBuiltinsEval(), fixtures.LegacyTorch(nil), fixtures.NpyObjectArray()[128:]} {
		f.Add(s)
	}
	for _, form := range fixtures.PickleForms() {
		if form.Pickle && !form.Large && len(form.Bad) < 1<<16 {
			f.Add(form.Bad)
			f.Add(form.Good)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := Limits{MaxStack: 1 << 10, MaxMemo: 1 << 8}.withDefaults()
		res := &pickleResult{strong: true}
		w := newWalker(bufio.NewReader(bytes.NewReader(b)), "", &lim, res)
		type op struct {
			at int64
			op byte
		}
		var ops []op
		maxStack, maxMarks, maxMemo := 0, 0, 0
		w.trace = func(at int64, o byte) {
			ops = append(ops, op{at, o})
			maxStack = max(maxStack, len(w.stack))
			maxMarks = max(maxMarks, len(w.marks))
			maxMemo = max(maxMemo, len(w.memo))
		}
		if err := w.run(true); err != nil {
			t.Fatalf("error on an in-memory reader: %v", err)
		}
		if maxStack > lim.MaxStack || maxMarks > lim.MaxStack+1 || maxMemo > lim.MaxMemo || w.nodes > maxNodes {
			t.Fatalf("bounds exceeded: stack %d marks %d memo %d nodes %d", maxStack, maxMarks, maxMemo, w.nodes)
		}
		at := map[int64]bool{}
		for _, im := range res.imports {
			at[im.Offset] = true
		}
		for i, o := range ops {
			if o.op != opGlobal && o.op != opInst && o.op != opStackGlobal {
				continue
			}
			if res.complete && o.at >= res.firstEnd {
				break // later pickles are weak: pickle.load never reads them
			}
			last := i == len(ops)-1 || ops[i+1].at < o.at // the walk ended here (a nested walk restarts offsets)
			if !at[o.at] && !last {
				t.Fatalf("%s at offset %d walked but not reported (imports %v)", opName(o.op), o.at, res.imports)
			}
		}
	})
}

// TestLegacyTorch scans a legacy torch.save file with a tensor: the five
// pickles and the raw storage are followed, nothing is reported; with an
// os.system pickle in place of the system info, it is found.
func TestLegacyTorch(t *testing.T) {
	b := fixtures.LegacyTorch(nil)
	rep, err := Scan("model.pt", bytes.NewReader(b), int64(len(b)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kind != KindPickle || rep.Pickles != 5 || len(rep.Problems) != 0 || rep.BytesRead != int64(len(b)) {
		t.Fatalf("kind %v, %d pickles, problems %v", rep.Kind, rep.Pickles, rep.Problems)
	}
	var names []string
	for _, im := range rep.Imports {
		if im.Class != Allowed {
			t.Errorf("import %v is %v", im, im.Class)
		}
		names = append(names, im.String())
	}
	if got := strings.Join(names, " "); got != "collections.OrderedDict torch._utils._rebuild_tensor_v2 torch.FloatStorage collections.OrderedDict" {
		t.Errorf("imports %s", got)
	}
	bad := fixtures.LegacyTorch(fixtures.PickleOSSystem())
	rep, err = Scan("model.pt", bytes.NewReader(bad), int64(len(bad)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Imports) == 0 || rep.Imports[0].String() != "os.system" || rep.Imports[0].Class != Dangerous {
		t.Errorf("imports %v", rep.Imports)
	}
	// Garbage in place of the raw storage is a truncation the legacy loader
	// would also fail on, not an import.
	cut := b[:len(b)-10]
	rep, _ = Scan("model.pt", bytes.NewReader(cut), int64(len(cut)), Limits{})
	if len(rep.Problems) != 1 || rep.Problems[0].Code != CodePickleMalformed {
		t.Errorf("cut storage: problems %v", rep.Problems)
	}
}
