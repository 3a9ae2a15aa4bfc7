package modelfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"math/bits"
	"sort"
	"strings"
)

// safetensors (huggingface/safetensors, the format section of its README):
// an 8-byte little-endian header length N, N bytes of JSON mapping tensor
// names to {dtype, shape, data_offsets} plus an optional "__metadata__" map
// of strings, then the data. Offsets are relative to the data, and the
// tensors must tile it exactly: sorted by offset they start at 0, each
// begins where the previous ends, each spans shape product times dtype size,
// and the last ends at the end of the file.

// dtypeBits are the safetensors dtypes and their sizes in bits.
var dtypeBits = map[string]uint64{
	"BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "E8M0": 8,
	"I16": 16, "U16": 16, "F16": 16, "BF16": 16,
	"I32": 32, "U32": 32, "F32": 32, "C64": 64,
	"I64": 64, "U64": 64, "F64": 64,
	"F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}

// maxSafetensorsProblems bounds the problems reported for one file.
const maxSafetensorsProblems = 20

type stTensor struct {
	name       string
	dtype      string
	shape      []uint64
	start, end uint64
}

func scanSafetensors(rep *Report, br *bufio.Reader, size int64, lim *Limits) error {
	bad := func(off int64, format string, args ...any) {
		if len(rep.Problems) < maxSafetensorsProblems {
			rep.add(CodeSafetensors, "", off, format, args...)
		}
	}
	var hb [8]byte
	n, err := io.ReadFull(br, hb[:])
	if err != nil {
		if isEOF(err) {
			bad(0, "file is %d bytes, shorter than the 8-byte header length", n)
			return nil
		}
		return &ioError{err}
	}
	hlen := binary.LittleEndian.Uint64(hb[:])
	switch {
	case lim.MaxSafetensorsHeader > 0 && hlen > uint64(lim.MaxSafetensorsHeader):
		bad(0, "header length %d is over the limit of %d", hlen, lim.MaxSafetensorsHeader)
		return nil
	case size >= 0 && hlen > uint64(max(size-8, 0)):
		bad(0, "header length %d is more than the %d bytes that follow", hlen, max(size-8, 0))
		return nil
	case hlen < 2:
		bad(0, "header length %d is too short for a JSON object", hlen)
		return nil
	}
	var hdr bytes.Buffer
	got, err := io.Copy(&hdr, io.LimitReader(br, int64(hlen)))
	if err != nil {
		return &ioError{err}
	}
	if uint64(got) < hlen {
		bad(8, "header declares %d bytes, the file has %d", hlen, got)
		return nil
	}
	tensors, ok := parseSafetensorsHeader(hdr.Bytes(), bad)
	// The data: count what is really there.
	dataLen, err := io.Copy(io.Discard, br)
	if err != nil {
		return &ioError{err}
	}
	if !ok {
		return nil
	}
	dataStart := int64(8 + hlen)
	sort.Slice(tensors, func(i, j int) bool {
		if tensors[i].start != tensors[j].start {
			return tensors[i].start < tensors[j].start
		}
		return tensors[i].name < tensors[j].name
	})
	var pos uint64
	for _, t := range tensors {
		if t.end < t.start {
			bad(dataStart, "tensor %q has data_offsets [%d, %d] that end before they start", t.name, t.start, t.end)
			continue
		}
		switch {
		case t.start > pos:
			bad(dataStart+int64(min(pos, math.MaxInt64/2)), "tensor %q starts at %d, leaving a gap after %d", t.name, t.start, pos)
		case t.start < pos:
			bad(dataStart+int64(min(t.start, math.MaxInt64/2)), "tensor %q starts at %d, overlapping data that ends at %d", t.name, t.start, pos)
		}
		if want, ok := tensorBytes(t); !ok {
			bad(dataStart, "tensor %q has shape %v whose size overflows or is not a whole number of bytes", t.name, t.shape)
		} else if want != t.end-t.start {
			bad(dataStart, "tensor %q of dtype %s and shape %v needs %d bytes, data_offsets give %d", t.name, t.dtype, t.shape, want, t.end-t.start)
		}
		pos = max(pos, t.end)
	}
	if pos != uint64(dataLen) {
		bad(dataStart, "tensors cover %d bytes of data, the file has %d", pos, dataLen)
	}
	return nil
}

// parseSafetensorsHeader decodes the JSON header; ok is false when it is
// not usable at all.
func parseSafetensorsHeader(h []byte, bad func(int64, string, ...any)) ([]stTensor, bool) {
	if len(h) == 0 || h[0] != '{' {
		bad(8, "header does not start with '{'")
		return nil, false
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(h, &raw); err != nil {
		bad(8, "header is not a JSON object: %v", err)
		return nil, false
	}
	var out []stTensor
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		v := raw[name]
		if name == "__metadata__" {
			var md map[string]string
			if err := json.Unmarshal(v, &md); err != nil {
				bad(8, "__metadata__ is not a map of strings")
			}
			continue
		}
		var t struct {
			Dtype   *string   `json:"dtype"`
			Shape   *[]uint64 `json:"shape"`
			Offsets *[]uint64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(v, &t); err != nil {
			bad(8, "tensor %q: %v", name, err)
			return nil, false
		}
		if t.Dtype == nil || t.Shape == nil || t.Offsets == nil {
			bad(8, "tensor %q lacks dtype, shape or data_offsets", name)
			return nil, false
		}
		if _, ok := dtypeBits[*t.Dtype]; !ok {
			bad(8, "tensor %q has unknown dtype %q", name, *t.Dtype)
			return nil, false
		}
		if len(*t.Offsets) != 2 {
			bad(8, "tensor %q has %d data_offsets, not 2", name, len(*t.Offsets))
			return nil, false
		}
		out = append(out, stTensor{name: name, dtype: *t.Dtype, shape: *t.Shape, start: (*t.Offsets)[0], end: (*t.Offsets)[1]})
	}
	if strings.TrimSpace(string(h)) == "" {
		return nil, false
	}
	return out, true
}

// tensorBytes is the product of the shape times the dtype size, in bytes.
func tensorBytes(t stTensor) (uint64, bool) {
	n := dtypeBits[t.dtype]
	for _, d := range t.shape {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 {
			return 0, false
		}
		n = lo
	}
	if n%8 != 0 {
		return 0, false
	}
	return n / 8, true
}
