package artifact

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"
)

// useDecoder makes the package use the named decoder ("go" or "isal")
// until the test ends. When ISA-L cannot be used, an "isal" test is
// skipped, or fails when MATI_INFLATE=isal asks for it.
func useDecoder(t testing.TB, name string) {
	t.Helper()
	c := chooseDecoder(name)
	if c.Name != name {
		if name == "isal" && os.Getenv("MATI_INFLATE") == "isal" {
			t.Fatalf("MATI_INFLATE=isal, but the decoder is %s", c.Decoder)
		}
		t.Skipf("no %s decoder: %s", name, c.Decoder)
	}
	old := decoder
	decoder = func() decoderChoice { return c }
	t.Cleanup(func() { decoder = old })
}

// forEachDecoder runs f as a subtest under each decoder.
func forEachDecoder(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, name := range []string{"go", "isal"} {
		t.Run(name, func(t *testing.T) {
			useDecoder(t, name)
			f(t)
		})
	}
}

// noSize hides a reader's Size method, so a walk takes the path of a large
// source: a 1 MiB buffer and inflating on another goroutine.
type noSize struct{ r io.Reader }

func (n noSize) Read(p []byte) (int, error) { return n.r.Read(p) }

// observation is everything a walk shows of its input.
type observation struct {
	Entries []Entry
	Bodies  map[string]string
	Stats   Stats
	Err     string
	Raw     rawInflate
}

// rawInflate is what reading the gzip stream alone gives.
type rawInflate struct {
	Len    int
	CRC    uint32
	Err    string
	Header string
}

// observe walks b as a small and as a large source and reads it as gzip
// with reads of step bytes.
func observe(t testing.TB, b []byte, step int) [2]observation {
	t.Helper()
	var out [2]observation
	for i, large := range []bool{false, true} {
		var r io.Reader = bytes.NewReader(b)
		if large {
			r = noSize{r}
		}
		o := observation{Bodies: map[string]string{}}
		lim := Limits{MaxEntries: 1000, MaxTotalBytes: 64 << 20, MaxRatio: 50, RatioFloor: 1 << 20}
		st, err := WalkLimited(r, lim, func(e Entry, open OpenFunc) error {
			o.Entries = append(o.Entries, e)
			if e.Type != TypeFile {
				return nil
			}
			rd, err := open()
			if err != nil {
				return err
			}
			body, err := io.ReadAll(io.LimitReader(rd, 1<<20))
			o.Bodies[e.Path] = fmt.Sprintf("%d bytes, crc %08x, err %v", len(body), crc32.ChecksumIEEE(body), err)
			return nil
		})
		o.Stats = st
		if large {
			// The inflating goroutine reads ahead of the walk by a
			// timing-dependent amount.
			o.Stats.BytesIn = 0
		}
		if err != nil {
			o.Err = err.Error()
		}
		out[i] = o
	}
	out[0].Raw = inflateRaw(b, step)
	return out
}

// inflateRaw reads b through the decoder in use with reads of step bytes.
func inflateRaw(b []byte, step int) rawInflate {
	var z gzipStream = &goStream{}
	if decoder().isal {
		s, err := newISALStream()
		if err != nil {
			return rawInflate{Err: err.Error()}
		}
		z = s
	}
	var raw rawInflate
	if err := z.Reset(bufio.NewReaderSize(bytes.NewReader(b), 4096)); err != nil {
		raw.Header = err.Error()
		return raw
	}
	h := crc32.NewIEEE()
	buf := make([]byte, step)
	for raw.Len < 64<<20 {
		n, err := z.Read(buf)
		h.Write(buf[:n])
		raw.Len += n
		if err != nil {
			if err != io.EOF {
				raw.Err = err.Error()
			}
			break
		}
	}
	raw.CRC = h.Sum32()
	return raw
}

// compareDecoders fails t when the decoders observe b differently.
func compareDecoders(t *testing.T, name string, b []byte, step int) {
	t.Helper()
	got := observeBoth(t, b, step)
	if d := cmp.Diff(got[0], got[1]); d != "" {
		t.Errorf("%s (%d bytes, reads of %d): go and isal differ (-go +isal):\n%s", name, len(b), step, d)
	}
}

// observeBoth observes b read with the Go decoder, then with ISA-L; it
// skips the test when ISA-L cannot be had, and fails it when MATI_INFLATE
// asks for ISA-L and it cannot be had.
func observeBoth(t *testing.T, b []byte, step int) [2][2]observation {
	t.Helper()
	var got [2][2]observation
	for i, dec := range []string{"go", "isal"} {
		c := chooseDecoder(dec)
		if c.Name != dec {
			if os.Getenv("MATI_INFLATE") == "isal" {
				t.Fatalf("MATI_INFLATE=isal, but the decoder is %s", c.Decoder)
			}
			t.Skipf("no %s decoder: %s", dec, c.Decoder)
		}
		old := decoder
		decoder = func() decoderChoice { return c }
		got[i] = observe(t, b, step)
		decoder = old
	}
	return got
}

// compareDamaged is compareDecoders for randomly damaged input: where the
// Go decoder reads the whole input without error the two must agree
// exactly; where it fails, ISA-L must fail too. (ISA-L accepts some damaged
// Huffman tables that klauspost refuses at once, and then fails on the
// trailer's CRC: both reject the artifact, at different points.)
func compareDamaged(t *testing.T, name string, b []byte, step int) {
	t.Helper()
	got := observeBoth(t, b, step)
	for k := range got[0] {
		if got[0][k].Err != "" {
			if got[1][k].Err == "" {
				t.Errorf("%s: the Go decoder fails (%s) but ISA-L reads it without error", name, got[0][k].Err)
			}
			continue
		}
		if d := cmp.Diff(got[0][k], got[1][k]); d != "" {
			t.Errorf("%s (%d bytes, reads of %d): go and isal differ (-go +isal):\n%s", name, len(b), step, d)
		}
	}
}

// corpus returns the inputs the decoders are compared on: the fuzz seeds,
// the fixtures and damaged copies of gzip ones.
func corpus(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	model := buildTar(t,
		member{name: "code/inference.py", body: strings.Repeat("def model_fn(model_dir):\n    return None\n", 300)},
		member{name: "model.pth", body: string(weightBytes(300 << 10))},
		member{name: "config.json", body: `{"a": 1}`})
	one := gz(t, model)
	out["model"] = one
	out["empty gzip"] = gz(t, nil)
	out["two members"] = append(append([]byte{}, gz(t, model[:len(model)/2])...), gz(t, model[len(model)/2:])...)
	out["trailing garbage"] = append(append([]byte{}, one...), "garbage after the member"...)
	out["trailing partial header"] = append(append([]byte{}, one...), 0x1f, 0x8b, 8)
	out["trailing zeros"] = append(append([]byte{}, one...), make([]byte, 100)...)
	badCRC := append([]byte{}, one...)
	badCRC[len(badCRC)-8] ^= 0xff
	out["bad crc"] = badCRC
	badSize := append([]byte{}, one...)
	binary.LittleEndian.PutUint32(badSize[len(badSize)-4:], uint32(len(model)+1))
	out["bad size"] = badSize
	shortTar := gz(t, model[:len(model)-1024])
	shortCRC := append([]byte{}, shortTar...)
	shortCRC[len(shortCRC)-5] ^= 1
	out["tar without end, bad crc"] = shortCRC
	for _, n := range []int{1, 2, 5, 9, 10, 11, 100, 4096, len(one) / 3, len(one) / 2, len(one) - 9, len(one) - 8, len(one) - 4, len(one) - 1} {
		out[fmt.Sprintf("truncated to %d", n)] = one[:n]
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		b := append([]byte{}, one...)
		i := 10 + r.IntN(len(b)-10)
		b[i] ^= byte(1 << r.IntN(8))
		out[fmt.Sprintf("bit flipped at %d", i)] = b
	}
	// Headers: a name, a comment, extra, header CRC, reserved flags.
	var hdr bytes.Buffer
	zw := gzip.NewWriter(&hdr)
	zw.Name, zw.Comment, zw.Extra = "model.tar", "made by a test", []byte("xx")
	zw.Write(model)
	zw.Close()
	out["header fields"] = hdr.Bytes()
	reserved := append([]byte{}, one...)
	reserved[3] |= 0x20
	out["reserved flag"] = reserved
	longName := append([]byte{0x1f, 0x8b, 8, gzipFlagName, 0, 0, 0, 0, 0, 0xff}, bytes.Repeat([]byte("n"), 600)...)
	out["name over 511 bytes"] = append(append(longName, 0), one[10:]...)
	name511 := append([]byte{0x1f, 0x8b, 8, gzipFlagName, 0, 0, 0, 0, 0, 0xff}, bytes.Repeat([]byte("n"), 511)...)
	out["name of 511 bytes"] = append(append(name511, 0), one[10:]...)
	hcrc := append([]byte{0x1f, 0x8b, 8, gzipFlagHCRC, 0, 0, 0, 0, 0, 0xff}, 0, 0)
	binary.LittleEndian.PutUint16(hcrc[10:], uint16(crc32.ChecksumIEEE(hcrc[:10])))
	out["header crc"] = append(hcrc, one[10:]...)
	badHCRC := append([]byte{}, hcrc...)
	badHCRC[10] ^= 1
	out["bad header crc"] = append(badHCRC, one[10:]...)
	method := append([]byte{}, one...)
	method[2] = 7
	out["not deflate"] = method

	for name, b := range fuzzSeeds(t) {
		out["seed "+name] = b
	}
	files, _ := filepath.Glob(filepath.Join("..", "fixtures", "testdata", "*"))
	for _, name := range files {
		fi, err := os.Stat(name)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > 8<<20 {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out["fixture "+filepath.Base(name)] = b
	}
	return out
}

// weightBytes returns n bytes that compress a little, as weights do.
func weightBytes(n int) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.NormFloat64() * 20)
	}
	return b
}

// TestDecodersAgree walks every input of the corpus with both decoders and
// compares all they show: entries, contents, stats, errors and the raw
// inflated stream.
func TestDecodersAgree(t *testing.T) {
	if !chooseDecoder("isal").isal && os.Getenv("MATI_INFLATE") != "isal" {
		t.Skip("ISA-L is not available: " + chooseDecoder("isal").String())
	}
	for name, b := range corpus(t) {
		compareDecoders(t, name, b, 1000)
		if name == "model" || strings.HasPrefix(name, "truncated") || strings.HasPrefix(name, "two") {
			compareDecoders(t, name, b, 1)
			compareDecoders(t, name, b, 200<<10)
		}
	}
}

// TestDecoderErrors checks the error each decoder gives for each kind of
// damage, not only that they agree.
func TestDecoderErrors(t *testing.T) {
	c := corpus(t)
	tests := []struct {
		name    string
		walkErr string // "" for none
		rawErr  string
	}{
		{"model", "", ""},
		{"two members", "", ""},
		{"trailing garbage", "", "gzip: invalid header"},
		{"trailing partial header", "", "unexpected EOF"},
		{"bad crc", "", "gzip: invalid checksum"},
		{"bad size", "", "gzip: invalid checksum"},
		{"tar without end, bad crc", "gzip: invalid checksum", "gzip: invalid checksum"},
		{"truncated to 4096", "unexpected EOF", "unexpected EOF"},
		{"truncated to 5", "unexpected EOF", ""},
		{"reserved flag", "gzip: invalid header", ""},
		{"name over 511 bytes", "gzip: invalid header", ""},
		{"name of 511 bytes", "", ""},
		{"header crc", "", ""},
		{"bad header crc", "gzip: invalid header", ""},
		{"not deflate", "gzip: invalid header", ""},
	}
	forEachDecoder(t, func(t *testing.T) {
		for _, tt := range tests {
			o := observe(t, c[tt.name], 1000)
			if !strings.HasSuffix(o[0].Err, tt.walkErr) || (tt.walkErr == "") != (o[0].Err == "") {
				t.Errorf("%s: walk error %q, want one ending in %q", tt.name, o[0].Err, tt.walkErr)
			}
			if tt.walkErr != "" && !strings.HasPrefix(o[0].Err, "corrupt archive") {
				t.Errorf("%s: walk error %q is not a corrupt archive", tt.name, o[0].Err)
			}
			if o[0].Raw.Header == "" && o[0].Raw.Err != tt.rawErr {
				t.Errorf("%s: inflate error %q, want %q", tt.name, o[0].Raw.Err, tt.rawErr)
			}
		}
		// A flipped bit in the deflate data: the same error from both.
		for name, b := range c {
			if !strings.HasPrefix(name, "bit flipped") {
				continue
			}
			raw := inflateRaw(b, 1000)
			switch raw.Err {
			case "", errInvalidDeflate.Error(), gzip.ErrChecksum.Error(), io.ErrUnexpectedEOF.Error(), gzip.ErrHeader.Error():
			default:
				t.Errorf("%s: inflate error %q", name, raw.Err)
			}
		}
	})
}

// TestDecoderChoice checks MATI_INFLATE's values and the descriptions.
func TestDecoderChoice(t *testing.T) {
	if got := chooseDecoder("go"); got.isal || got.String() != "go (MATI_INFLATE=go)" {
		t.Errorf("MATI_INFLATE=go: %s", got)
	}
	auto, forced := chooseDecoder(""), chooseDecoder("isal")
	if auto.isal {
		if !strings.HasPrefix(auto.String(), "isal 2.") || !strings.HasSuffix(auto.String(), "("+isalLibName()+")") {
			t.Errorf("auto: %s", auto)
		}
		if !forced.isal {
			t.Errorf("auto uses ISA-L but MATI_INFLATE=isal does not: %s", forced)
		}
	} else {
		if os.Getenv("MATI_INFLATE") == "isal" {
			t.Fatalf("MATI_INFLATE=isal, but the decoder is %s", auto)
		}
		if !strings.HasPrefix(auto.String(), "go (") || auto.Reason == "" {
			t.Errorf("auto without ISA-L: %s", auto)
		}
	}
	if d := (Decoder{Name: "isal", Version: "2.30", Library: "libisal.so.2"}).String(); d != "isal 2.30 (libisal.so.2)" {
		t.Errorf("String = %q", d)
	}
	if d := (Decoder{Name: "go", Library: "libisal.so.2", Reason: "libisal.so.2 not found"}).String(); d != "go (libisal.so.2 not found)" {
		t.Errorf("String = %q", d)
	}
}

func TestVersionFromFile(t *testing.T) {
	tests := []struct {
		file         string
		major, minor int
	}{
		{"/usr/lib/x86_64-linux-gnu/libisal.so.2.0.30", 2, 30},
		{"libisal.so.2.0.31", 2, 31},
		{"libisal.so.2", 0, 0},
		{"libisal.2.dylib", 0, 0},
		{"libisal.so.2.1.30", 0, 0},
	}
	for _, tt := range tests {
		if ma, mi := versionFromFile(tt.file); ma != tt.major || mi != tt.minor {
			t.Errorf("versionFromFile(%q) = %d, %d, want %d, %d", tt.file, ma, mi, tt.major, tt.minor)
		}
	}
}

// TestISALStreamReuse reads streams one after another through one pooled
// stream, with a failed one between them.
func TestISALStreamReuse(t *testing.T) {
	useDecoder(t, "isal")
	c := corpus(t)
	z, err := newISALStream()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"model", "bad crc", "two members", "truncated to 4096", "model"} {
		var want bytes.Buffer
		var zr gzip.Reader
		wantErr := zr.Reset(bytes.NewReader(c[name]))
		if wantErr == nil {
			_, wantErr = io.Copy(&want, &zr)
		}
		if err := z.Reset(bufio.NewReader(bytes.NewReader(c[name]))); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		_, err := io.Copy(&got, z)
		if !errors.Is(err, wantErr) || !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: %d bytes, %v; want %d bytes, %v", name, got.Len(), err, want.Len(), wantErr)
		}
	}
}

// FuzzDecodersAgree: for any input, both decoders show the same walk and
// the same inflated stream.
func FuzzDecodersAgree(f *testing.F) {
	for _, b := range corpus(f) {
		if len(b) < 1<<20 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		compareDecoders(t, "input", b, 4096)
	})
}

// TestDecodersAgreeOnMutations compares the decoders on random damage to
// the corpus: bytes overwritten, inserted and cut off, a few at a time.
func TestDecodersAgreeOnMutations(t *testing.T) {
	if !chooseDecoder("isal").isal && os.Getenv("MATI_INFLATE") != "isal" {
		t.Skip("ISA-L is not available: " + chooseDecoder("isal").String())
	}
	c := corpus(t)
	var names []string
	for name, b := range c {
		if len(b) > 10 && len(b) < 1<<20 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	n := 2000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(5, 6))
	for i := range n {
		name := names[r.IntN(len(names))]
		b := append([]byte{}, c[name]...)
		for range 1 + r.IntN(4) {
			switch j := r.IntN(len(b)); r.IntN(3) {
			case 0:
				b[j] = byte(r.Uint32())
			case 1:
				b = b[:1+j]
			default:
				b = slices.Insert(b, j, byte(r.Uint32()))
			}
		}
		compareDamaged(t, fmt.Sprintf("mutation %d of %s", i, name), b, 4096)
		if t.Failed() {
			return
		}
	}
}
