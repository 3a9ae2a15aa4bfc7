package modelfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
)

// Kind is what a model file is, decided from its bytes.
type Kind int

// The kinds of model file.
const (
	// KindUnknown is a file that is none of the kinds below.
	KindUnknown Kind = iota
	// KindPickle is a pickle stream (also an uncompressed joblib file and a
	// legacy, non-zip torch.save file).
	KindPickle
	// KindJoblib is a compressed joblib container (zlib, gzip, bz2, lz4, xz,
	// lzma or the legacy "ZF" format) around a pickle.
	KindJoblib
	// KindZip is a zip that is not a PyTorch file: .npz, .keras.
	KindZip
	// KindTorchZip is a torch.save / torch.jit.save zip: it holds a
	// */data.pkl or */constants.pkl. See [Report.TorchScript].
	KindTorchZip
	// KindNpy is a NumPy .npy array.
	KindNpy
	// KindSafetensors is a safetensors file.
	KindSafetensors
	// KindXGBoostJSON is an XGBoost model saved as JSON.
	KindXGBoostJSON
	// KindXGBoostUBJ is an XGBoost model saved as UBJSON.
	KindXGBoostUBJ
	// KindXGBoostBinary is an XGBoost model in the legacy binary format.
	KindXGBoostBinary
	// KindTar is a tar (plain or compressed) inside the artifact; its
	// members are scanned.
	KindTar
	// KindSevenZip is a 7z archive.
	KindSevenZip
)

var kindNames = []string{
	"unknown", "pickle", "joblib", "zip", "torch-zip", "npy", "safetensors",
	"xgboost-json", "xgboost-ubj", "xgboost-binary", "tar", "7z",
}

// String returns the kind's name, e.g. "torch-zip".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return formatKindName(k)
	}
	return kindNames[k]
}

// MarshalText returns the String form.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Code names a kind of problem found in a model file.
type Code string

// The problem codes.
const (
	// CodePickleMalformed: the pickle stream is not valid (bad opcode,
	// truncated, stack underflow, oversized declared length).
	CodePickleMalformed Code = "pickle-malformed"
	// CodeLimit: a Limits bound stopped the scan; what follows was not read.
	CodeLimit Code = "limit"
	// CodeZipMalformed: the zip structure is broken.
	CodeZipMalformed Code = "zip-malformed"
	// CodeZipCRC: a member's CRC-32 does not match its data (PyTorch loads
	// it anyway).
	CodeZipCRC Code = "zip-crc"
	// CodeZipFlags: a member uses flags or a method PyTorch does not write
	// (encryption, compression in a torch file, data descriptors).
	CodeZipFlags Code = "zip-flags"
	// CodeZipCentralDirectory: the central directory disagrees with the
	// local headers (a lying central directory: readers see different
	// files).
	CodeZipCentralDirectory Code = "zip-central-directory"
	// CodeSafetensors: the safetensors file is invalid.
	CodeSafetensors Code = "safetensors-invalid"
	// CodeNpyObject: a .npy holds an object array, which is a pickle.
	CodeNpyObject Code = "npy-object-array"
	// CodeNpyMalformed: the .npy header or payload size is invalid.
	CodeNpyMalformed Code = "npy-malformed"
	// CodeXGBoost: the XGBoost model is not in a format XGBoost loads.
	CodeXGBoost Code = "xgboost-model-invalid"
	// CodeCompression: a compressed joblib stream is corrupt (the pickle
	// inside was scanned up to the damage).
	CodeCompression Code = "compression"
	// CodeUnscannable: a pickle (or what may hold one) that a loader would
	// read but that cannot be followed to its end: a stack or memo bound,
	// a FRAME straddle the unpicklers read differently, encryption, a
	// compression or archive format not decoded here.
	CodeUnscannable Code = "unscannable"
)

// Problem is one fact about a broken or suspicious file.
type Problem struct {
	// Code says what kind of problem it is.
	Code Code `json:"code"`
	// Member is the zip member it was found in, or "" for the file itself.
	Member string `json:"member,omitempty"`
	// Offset is the 0-based byte offset in the member (or the file, or the
	// decompressed stream of a joblib file) where it was found; -1 when it
	// concerns the whole file.
	Offset int64 `json:"offset"`
	// Detail says what is wrong, in lower case.
	Detail string `json:"detail"`
}

// Import is one global a pickle would import on load.
type Import struct {
	// Module is the module name, e.g. "os"; "?" when STACK_GLOBAL's operand
	// is not a constant string (computed at load time): such an import is
	// Dangerous.
	Module string `json:"module"`
	// Name is the attribute, e.g. "system"; "?" when unresolved.
	Name string `json:"name"`
	// Member is the zip member holding the pickle, or "" for the file.
	Member string `json:"member,omitempty"`
	// Offset is the 0-based byte offset of the opcode in the pickle stream
	// (after decompression for a joblib file).
	Offset int64 `json:"offset"`
	// Op is the opcode: GLOBAL, STACK_GLOBAL, INST, EXT1, EXT2 or EXT4.
	Op string `json:"op"`
	// Class is the judgement of [Classify].
	Class Class `json:"class"`
}

// String returns "module.name".
func (i Import) String() string { return i.Module + "." + i.Name }

// Report holds the facts Scan found about one file. It is never nil when
// Scan returns a nil error.
type Report struct {
	// Kind is what the file is.
	Kind Kind `json:"kind"`
	// Imports are the pickle imports, in stream order (zip members in
	// archive order).
	Imports []Import `json:"imports"`
	// Calls counts REDUCE, OBJ, NEWOBJ, NEWOBJ_EX, INST and BUILD opcodes.
	Calls int `json:"calls"`
	// Pickles counts the pickle streams walked (stacked pickles count one
	// each).
	Pickles int `json:"pickles"`
	// Protocol is the highest pickle protocol declared by PROTO (0 when
	// none was).
	Protocol int `json:"protocol"`
	// Problems are the broken or suspicious facts found.
	Problems []Problem `json:"problems"`
	// TorchScript is true for a zip from torch.jit.save: it holds
	// */code/ entries and */constants.pkl. A KindTorchZip with TorchScript
	// false is a pickled state dict or module (torch.save), which
	// torch.jit.load refuses.
	TorchScript bool `json:"torchscript"`
	// Members are the zip member names, in local header order (at most
	// Limits.MaxMembers of them).
	Members []string `json:"members,omitempty"`
	// BytesRead is the number of bytes read from the reader given to Scan.
	BytesRead int64 `json:"bytes_read"`
	// Formats holds what the readers of formats.go found; nil for others.
	Formats *Formats `json:"formats,omitempty"`
}

// Has reports whether a problem with code c was found.
func (r *Report) Has(c Code) bool {
	for _, p := range r.Problems {
		if p.Code == c {
			return true
		}
	}
	return false
}

func (r *Report) add(c Code, member string, off int64, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Code: c, Member: member, Offset: off, Detail: fmt.Sprintf(format, args...)})
}

// mergeNested adds what a scan of member found, naming its members
// member!inner.
func (r *Report) mergeNested(sub *Report, member string) {
	for _, im := range sub.Imports {
		im.Member = joinMember(member, im.Member)
		r.Imports = append(r.Imports, im)
	}
	for _, p := range sub.Problems {
		p.Member = joinMember(member, p.Member)
		r.Problems = append(r.Problems, p)
	}
	r.Calls += sub.Calls
	r.Pickles += sub.Pickles
	r.Protocol = max(r.Protocol, sub.Protocol)
}

func joinMember(outer, inner string) string {
	switch {
	case inner == "":
		return outer
	case outer == "":
		return inner
	}
	return outer + "!" + inner
}

func (r *Report) merge(pr *pickleResult) {
	r.Imports = append(r.Imports, pr.imports...)
	r.Calls += pr.calls
	r.Pickles += pr.pickles
	r.Protocol = max(r.Protocol, pr.protocol)
	r.Problems = append(r.Problems, pr.problems...)
}

// Default limits.
const (
	// DefaultMaxDeclaredLength is the longest length a pickle, npy or zip
	// may declare for one item.
	DefaultMaxDeclaredLength int64 = 64 << 30
	// DefaultMaxMemo is the most memo entries stored per pickle.
	DefaultMaxMemo = 1 << 21
	// DefaultMaxStack is the deepest pickle stack (and mark stack).
	DefaultMaxStack = 1 << 20
	// DefaultSpoolThreshold is how much of a zip is held in memory before it
	// is spooled to a temporary file.
	DefaultSpoolThreshold int64 = 16 << 20
	// DefaultMaxSpool is the most bytes spooled to disk for one zip.
	DefaultMaxSpool int64 = 8 << 30
	// DefaultMaxDecompressed is the most bytes decompressed from one
	// joblib file.
	DefaultMaxDecompressed int64 = 64 << 30
	// DefaultMaxSafetensorsHeader is the largest safetensors JSON header,
	// as safetensors itself allows.
	DefaultMaxSafetensorsHeader int64 = 100 << 20
	// DefaultMaxMembers is the most zip members read.
	DefaultMaxMembers = 100_000
	// DefaultMaxDepth is how deep archives and zips nested in a model
	// file are opened.
	DefaultMaxDepth = 4
)

// DefaultLimits holds the default value of every limit.
var DefaultLimits = Limits{
	MaxDeclaredLength:    DefaultMaxDeclaredLength,
	MaxMemo:              DefaultMaxMemo,
	MaxStack:             DefaultMaxStack,
	SpoolThreshold:       DefaultSpoolThreshold,
	MaxSpool:             DefaultMaxSpool,
	MaxDecompressed:      DefaultMaxDecompressed,
	MaxSafetensorsHeader: DefaultMaxSafetensorsHeader,
	MaxMembers:           DefaultMaxMembers,
	MaxDepth:             DefaultMaxDepth,
}

// Limits bound a scan. A zero field means the default from
// [DefaultLimits]; a negative field disables that bound (except
// SpoolThreshold, where negative means always spool). Going over a bound
// adds a [CodeUnscannable] (for what may hold a pickle), [CodeLimit] or
// malformed problem; nothing is skipped silently.
type Limits struct {
	// MaxDeclaredLength is the longest length a file may declare for one
	// item (pickle string or frame, joblib array, zip member), in bytes.
	MaxDeclaredLength int64
	// MaxMemo is the most memo entries stored per pickle; later entries
	// are not stored and resolve to "?".
	MaxMemo int
	// MaxStack is the deepest pickle value stack and mark stack.
	MaxStack int
	// SpoolThreshold is how many bytes of a zip are held in memory, when
	// the zip must be read whole, before it goes to a temporary file.
	SpoolThreshold int64
	// MaxSpool is the most bytes written to one temporary file.
	MaxSpool int64
	// MaxDecompressed is the most bytes decompressed from one joblib file.
	MaxDecompressed int64
	// MaxSafetensorsHeader is the largest safetensors JSON header in bytes.
	MaxSafetensorsHeader int64
	// MaxMembers is the most zip members read.
	MaxMembers int
	// MaxDepth is how deep nested archives are opened.
	MaxDepth int
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	fix64 := func(v *int64, def int64) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = 0
		}
	}
	fix := func(v *int, def int) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = 0
		}
	}
	fix64(&l.MaxDeclaredLength, d.MaxDeclaredLength)
	fix(&l.MaxMemo, d.MaxMemo)
	fix(&l.MaxStack, d.MaxStack)
	if l.SpoolThreshold == 0 {
		l.SpoolThreshold = d.SpoolThreshold
	}
	fix64(&l.MaxSpool, d.MaxSpool)
	fix64(&l.MaxDecompressed, d.MaxDecompressed)
	fix64(&l.MaxSafetensorsHeader, d.MaxSafetensorsHeader)
	fix(&l.MaxMembers, d.MaxMembers)
	fix(&l.MaxDepth, d.MaxDepth)
	return l
}

// SniffLen is how many leading bytes [Sniff] wants to see.
const SniffLen = 512

// preWalkLen is how much of a file that is not a pickle is walked as one
// too, since a loader such as the XGBoost container's pickle.load reads any
// file; a walk still going past it is CodeUnscannable.
const preWalkLen = 64 << 10

// Magic prefixes.
var (
	magicZip      = []byte("PK\x03\x04")
	magicZipEmpty = []byte("PK\x05\x06")
	magicNpy      = []byte("\x93NUMPY")
	magicGzip     = []byte{0x1f, 0x8b}
	magicBzip2    = []byte("BZh")
	magicXZ       = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	magicLZMA     = []byte{0x5d, 0x00, 0x00}
	magicLZ4      = []byte{0x04, 0x22, 0x4d, 0x18}
	magicZF       = []byte("ZF")
	magic7z       = []byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}
)

// Sniff decides what a file is from its first bytes (up to [SniffLen] of
// them), never from its name. A file whose first byte is a pickle opcode
// is KindPickle: pickle.load would start on it ([Scan] walks it and
// reports it KindUnknown when it turns out not to be one).
func Sniff(name string, head []byte) Kind {
	switch {
	case len(head) == 0:
		return KindUnknown
	case sniffFormat(name, head) != KindUnknown:
		return sniffFormat(name, head)
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicZipEmpty):
		return KindZip
	case bytes.HasPrefix(head, magicNpy):
		return KindNpy
	case bytes.HasPrefix(head, magic7z):
		return KindSevenZip
	case len(head) >= 2 && head[0] == opProto && head[1] <= HighestProtocol:
		return KindPickle
	case isTarHead(head):
		return KindTar
	}
	if k := sniffCompressed(head); k != KindUnknown {
		return k
	}
	if isSafetensorsHead(head) {
		return KindSafetensors
	}
	if k := sniffXGBoost(head, strings.ToLower(path.Ext(name))); k != KindUnknown {
		return k
	}
	if isOpcode(head[0]) {
		return KindPickle
	}
	return KindUnknown
}

// isTarHead: a ustar or GNU tar header.
func isTarHead(head []byte) bool {
	return len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar"))
}

// isSafetensorsHead: an 8-byte little-endian length then '{'.
func isSafetensorsHead(head []byte) bool {
	if len(head) < 10 || head[8] != '{' {
		return false
	}
	n := uint64(head[0]) | uint64(head[1])<<8 | uint64(head[2])<<16 | uint64(head[3])<<24 |
		uint64(head[4])<<32 | uint64(head[5])<<40 | uint64(head[6])<<48 | uint64(head[7])<<56
	return n >= 2 && n < 1<<40
}

// countingReader counts bytes and keeps the first error that is not EOF.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && c.err == nil {
		c.err = err
	}
	return n, err
}

// Scan reads one model file from r, as a stream, and reports what it
// found. name is the member path (used only in messages and to pick the
// XGBoost format of an ambiguous '{'); size is the size the container
// declared, or -1 when unknown (it is used only to bound a safetensors
// header; the bytes actually read are what count). Scan never executes
// anything, never holds a weight payload in memory, and removes any
// temporary file it made before returning. It reads r to its end. The
// error is non-nil only when r fails; a broken file is a Problem in the
// report.
func Scan(name string, r io.Reader, size int64, lim Limits) (*Report, error) {
	return ScanAs(KindUnknown, name, r, size, lim)
}

// ScanAs is [Scan] for a caller that knows what the file must be (for
// instance an XGBoost model file in algorithm mode): kind KindUnknown
// sniffs as Scan does; any other kind is checked as that kind, and a file
// that is not one is reported with a problem (CodeXGBoost for the XGBoost
// kinds, CodePickleMalformed for KindPickle...).
func ScanAs(kind Kind, name string, r io.Reader, size int64, lim Limits) (*Report, error) {
	lim = lim.withDefaults()
	cr := &countingReader{r: r}
	br := getReader(cr)
	defer putReader(br)
	rep := &Report{Imports: []Import{}, Problems: []Problem{}}
	err := scanInto(rep, kind, name, br, size, &lim, 0, kind == KindPickle)
	if err != nil && cr.err == nil {
		// r did not fail: the error is the format's (a nested archive cut
		// short). Fail closed and read on.
		rep.add(CodeUnscannable, "", -1, "the file could not be followed to its end: %v", err)
		err = nil
	}
	if err == nil {
		// Read what is left so BytesRead is the file's size and the
		// caller's stream is positioned after it.
		_, err = io.Copy(io.Discard, br)
	}
	rep.BytesRead = cr.n
	if cr.err != nil {
		return rep, fmt.Errorf("failed to read %q: %w", name, cr.err)
	}
	var ie *ioError
	if errors.As(err, &ie) {
		return rep, fmt.Errorf("failed to read %q: %w", name, ie.err)
	}
	if err != nil {
		return rep, fmt.Errorf("failed to scan %q: %w", name, err)
	}
	return rep, nil
}

// scanInto sniffs (unless kind is given) and scans one stream into rep;
// depth is the nesting of archives around it, strong says it is known to
// be a pickle (a .pkl member).
func scanInto(rep *Report, kind Kind, name string, br *bufio.Reader, size int64, lim *Limits, depth int, strong bool) error {
	head, _ := br.Peek(SniffLen)
	if kind == KindUnknown {
		kind = Sniff(name, head)
	}
	rep.Kind = kind
	switch kind {
	case KindPickle, KindXGBoostBinary, KindXGBoostUBJ, KindUnknown, KindJoblib:
	default:
		// Any file may be handed to pickle.load: walk its start as one.
		if err := preWalk(rep, br); err != nil {
			return err
		}
	}
	switch kind {
	case KindPickle:
		pr, _, err := walkPickles(br, "", lim, strong)
		if pr != nil {
			rep.merge(pr)
			if !pr.strong && !pr.complete && len(pr.imports) == 0 {
				rep.Kind = KindUnknown
			}
		}
		return err
	case KindJoblib:
		return scanJoblib(rep, br, lim, depth)
	case KindZip, KindTorchZip:
		return scanZip(rep, br, lim, depth)
	case KindTar:
		return scanTar(rep, br, lim, depth)
	case KindSevenZip:
		rep.add(CodeUnscannable, "", 0, "7z archive: its members were not opened, so any pickle inside was not checked")
		return nil
	case KindNpy:
		return scanNpy(rep, "", br, lim)
	case KindSafetensors:
		return scanSafetensors(rep, br, size, lim)
	case KindXGBoostJSON, KindXGBoostUBJ, KindXGBoostBinary:
		return scanXGBoost(rep, kind, head, br, lim)
	case KindUnknown:
		return nil
	default:
		// Keras, TensorFlow graphs, ONNX and TorchServe archives (formats.go).
		return scanFormat(rep, kind, name, br, size, lim)
	}
}

// preWalk walks the first preWalkLen bytes of a file of another format as
// a weak pickle and keeps what it finds; a walk that is still going at the
// end of those bytes is CodeUnscannable.
func preWalk(rep *Report, br *bufio.Reader) error {
	head, err := br.Peek(preWalkLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return &ioError{err}
	}
	if len(head) == 0 || !isOpcode(head[0]) {
		return nil
	}
	lim := DefaultLimits
	pr, off, err := walkPickles(bytes.NewReader(head), "", &lim, false)
	if err != nil {
		return err
	}
	rep.Imports = append(rep.Imports, pr.imports...)
	for _, p := range pr.problems {
		if p.Code == CodeUnscannable {
			rep.Problems = append(rep.Problems, p)
		}
	}
	if len(head) == preWalkLen && off >= int64(len(head)) && pr.alive {
		rep.add(CodeUnscannable, "", 0, "the file also reads as a pickle past its first %d bytes, which were all that was walked", preWalkLen)
	}
	return nil
}

// readers are the 64 KiB buffered readers Scan reads through, reused across
// calls: the rules scan every model file of every artifact of a batch scan.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, preWalkLen) }}

// getReader returns a pooled buffered reader over r.
func getReader(r io.Reader) *bufio.Reader {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

// putReader gives br back to the pool; the caller must not use it again.
func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}
