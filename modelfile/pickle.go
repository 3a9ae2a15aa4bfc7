package modelfile

// This file walks pickle opcodes (protocols 0 to 5) without unpickling.
//
// It follows CPython's unpickler (Modules/_pickle.c, Lib/pickle.py) opcode
// by opcode. The rules are:
//   - there is no opcode budget: the walk streams the whole input at
//     bounded memory. Every length the stream declares is checked against
//     Limits.MaxDeclaredLength before it is read, and payloads longer than
//     keepLen are discarded, never stored;
//   - the stack is modelled as far as resolving STACK_GLOBAL, the joblib
//     array layout and the legacy torch layout need: strings, ints, tuples,
//     dicts and the class of objects built by REDUCE/NEWOBJ; containers keep
//     at most keepItems items and the walk as a whole at most maxNodes;
//   - a stack deeper than Limits.MaxStack stops the walk, and a memo over
//     Limits.MaxMemo entries (or maxMemoBytes) stops storing: both are
//     CodeUnscannable, since what follows cannot be followed exactly;
//   - STACK_GLOBAL over anything that is not a constant string (a value
//     computed by a call, a memo entry not kept) is an import named "?",
//     which is dangerous: a computed module name is a known bypass;
//     operands that can never be a str (None, ints, bytes, containers) make
//     CPython raise before importing, so the walk stops there as malformed;
//   - a stream is strong when it starts with PROTO or the caller knows it is
//     a pickle (a .pkl member, a joblib or .npy payload); otherwise it is
//     weak (any other member whose first byte is an opcode): a weak stream
//     that breaks is simply not a pickle, and its imports outside the
//     allowlist count only once a call opcode or STOP follows them (text
//     files such as "catboost\n..." read as GLOBAL); dangerous imports count
//     always;
//   - several pickles may follow each other (torch's legacy format, joblib's
//     object arrays); each starts with a fresh stack and memo. pickle.load
//     reads only the first, so damage after it is not reported, but
//     imports in later pickles are, as some loaders read on. The legacy
//     torch.save layout (magic number, protocol, sys info, the object,
//     storage keys, raw storages) is followed as torch writes it.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Pickle opcodes (Lib/pickletools.py).
const (
	opMark           = '('
	opStop           = '.'
	opPop            = '0'
	opPopMark        = '1'
	opDup            = '2'
	opFloat          = 'F'
	opInt            = 'I'
	opBinInt         = 'J'
	opBinInt1        = 'K'
	opLong           = 'L'
	opBinInt2        = 'M'
	opNone           = 'N'
	opPersID         = 'P'
	opBinPersID      = 'Q'
	opReduce         = 'R'
	opString         = 'S'
	opBinString      = 'T'
	opShortBinString = 'U'
	opUnicode        = 'V'
	opBinUnicode     = 'X'
	opAppend         = 'a'
	opBuild          = 'b'
	opGlobal         = 'c'
	opDict           = 'd'
	opEmptyDict      = '}'
	opAppends        = 'e'
	opGet            = 'g'
	opBinGet         = 'h'
	opInst           = 'i'
	opLongBinGet     = 'j'
	opList           = 'l'
	opEmptyList      = ']'
	opObj            = 'o'
	opPut            = 'p'
	opBinPut         = 'q'
	opLongBinPut     = 'r'
	opSetItem        = 's'
	opTuple          = 't'
	opEmptyTuple     = ')'
	opSetItems       = 'u'
	opBinFloat       = 'G'

	opProto    = 0x80
	opNewObj   = 0x81
	opExt1     = 0x82
	opExt2     = 0x83
	opExt4     = 0x84
	opTuple1   = 0x85
	opTuple2   = 0x86
	opTuple3   = 0x87
	opNewTrue  = 0x88
	opNewFalse = 0x89
	opLong1    = 0x8a
	opLong4    = 0x8b

	opBinBytes      = 'B'
	opShortBinBytes = 'C'

	opShortBinUnicode = 0x8c
	opBinUnicode8     = 0x8d
	opBinBytes8       = 0x8e
	opEmptySet        = 0x8f
	opAddItems        = 0x90
	opFrozenSet       = 0x91
	opNewObjEx        = 0x92
	opStackGlobal     = 0x93
	opMemoize         = 0x94
	opFrame           = 0x95

	opByteArray8     = 0x96
	opNextBuffer     = 0x97
	opReadonlyBuffer = 0x98
)

// HighestProtocol is the highest pickle protocol the walker knows.
const HighestProtocol = 5

const (
	keepLen   = 1024    // longest string payload kept for resolving imports
	keepItems = 64      // most items a modelled container keeps
	maxNodes  = 1 << 20 // most container items kept per walk
	maxLine   = 1 << 16 // longest text argument read before it is cut
)

// vkind is the kind of a modelled stack value.
type vkind uint8

const (
	vOther vkind = iota // anything the walker does not model
	vStr                // str (also protocol 0/1 strings, which load as str)
	vBytes
	vInt
	vBool
	vNone
	vTuple
	vList
	vDict
	vGlobal // the result of GLOBAL/STACK_GLOBAL/INST's class: s is "module\x00name"
	vObj    // an object made by REDUCE/NEWOBJ/OBJ/INST: s is its class as in vGlobal
	vFloat  // a float: never a str
	vMagic  // the legacy torch.save magic number
	vCut    // a str too long to keep (it cannot name a module anyone ships)
)

// maxMemoBytes bounds the string bytes the memo keeps per pickle.
const maxMemoBytes = 64 << 20

// maxTorchKeys bounds the storage keys kept for a legacy torch file.
const maxTorchKeys = 1 << 20

// torchMagic is the little-endian LONG1 payload of torch's legacy
// MAGIC_NUMBER 0x1950a86a20f9469cfc6c.
const torchMagic = "\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"

// value is a modelled stack value. Containers share item slices; the walker
// never mutates an item in place, only appends to a container it created.
type value struct {
	kind  vkind
	s     string
	i     int64
	items []value // tuple/list items; dict keys and values alternating
	state []value // for vObj: the state given by BUILD, as items of a dict or tuple
}

// errMalformed marks a stream that is not a valid pickle; the walk stops.
type errMalformed struct {
	off    int64
	reason string
}

func (e *errMalformed) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.reason) }

// errUnscannable marks a walk that cannot go on exactly (a stack bound).
type errUnscannable struct {
	off    int64
	reason string
}

func (e *errUnscannable) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.reason) }

// errLimit marks a walk stopped by a limit.
type errLimit struct {
	off    int64
	reason string
}

func (e *errLimit) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.reason) }

// ioError wraps a read error of the underlying reader (not EOF).
type ioError struct{ err error }

func (e *ioError) Error() string { return e.err.Error() }
func (e *ioError) Unwrap() error { return e.err }

// pickleResult is what one walk over a stream found.
type pickleResult struct {
	imports  []Import
	calls    int
	pickles  int
	protocol int // highest protocol declared by PROTO
	opcodes  int64
	problems []Problem
	// complete is set when the first pickle reached its STOP.
	complete bool
	// strong says the stream was known or shown (PROTO) to be a pickle.
	strong bool
	// torch is set for the legacy torch.save layout.
	torch bool
	// alive is set when the input ended inside a pickle.
	alive bool
	// firstEnd is the offset after the first pickle's STOP.
	firstEnd int64
}

// walker walks one stream, possibly holding several pickles.
type walker struct {
	p       *preader
	lim     *Limits
	member  string
	res     *pickleResult
	stack   []value
	marks   []int
	memo    map[int64]value
	memoLen int64 // len(memo) as Python counts it, stored or not
	dropped bool  // some memo entries were not stored
	nodes   int
	joblib  bool // handle joblib's NumpyArrayWrapper layout
	depth   int  // nesting of object-array pickles
	// memoBytes is the string bytes the memo holds.
	memoBytes int
	// weak is set while walking a weak stream (see the file comment);
	// pending holds its imports outside the allowlist until a call or
	// STOP makes them count.
	weak    bool
	pending []Import
	// straddled is set once a frame straddle was reported.
	straddled bool
	// torchStage counts the pickles of a legacy torch file (1 the magic
	// number ... 5 the storage keys); 0 when it is not one.
	torchStage int
	// storages maps a legacy torch storage key to its element size.
	storages map[string]int64
	// keys are the storage keys in the order the raw storages follow.
	keys []string
	// collect is set while the strings pushed are the storage keys.
	collect bool
	// trace, when set (by tests), is called with every opcode walked.
	trace func(at int64, op byte)
}

// walkPickles walks every pickle in r until EOF or the first malformed
// opcode. strong says the caller knows r is a pickle (see the file
// comment). It returns a non-nil error only when r fails.
func walkPickles(r io.Reader, member string, lim *Limits, strong bool) (*pickleResult, int64, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	res := &pickleResult{strong: strong}
	if !strong {
		if b, _ := br.Peek(1); len(b) == 1 && b[0] == opProto {
			res.strong = true
		}
	}
	w := newWalker(br, member, lim, res)
	err := w.run(true)
	return res, w.p.off, err
}

func newWalker(br *bufio.Reader, member string, lim *Limits, res *pickleResult) *walker {
	w := &walker{p: &preader{r: br, frameEnd: -1}, lim: lim, member: member, res: res, joblib: true}
	w.p.straddle = w.onStraddle
	return w
}

func (w *walker) onStraddle(at int64, what string) {
	if w.straddled {
		return
	}
	w.straddled = true
	w.res.problems = append(w.res.problems, Problem{Code: CodeUnscannable, Member: w.member, Offset: at,
		Detail: fmt.Sprintf("%s crosses the end of a FRAME: the C unpickler reads it from after the frame, Python's refuses it", what)})
}

func (w *walker) unscannable(at int64, format string, args ...any) {
	w.res.problems = append(w.res.problems, Problem{Code: CodeUnscannable, Member: w.member, Offset: at, Detail: fmt.Sprintf(format, args...)})
}

// run walks pickles until EOF. When all is false it walks exactly one
// pickle (a nested object array).
func (w *walker) run(all bool) error {
	for {
		if all && w.res.pickles > 0 {
			if w.torchStage == 5 {
				if err := w.torchStorages(); err != nil {
					return w.ended(err)
				}
			}
			if _, err := w.p.r.Peek(1); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return &ioError{err}
			}
		}
		first := w.res.pickles == 0
		w.weak = !w.res.strong || (!first && w.torchStage == 0 && w.depth == 0 && all)
		if w.torchStage > 0 && w.torchStage < 5 {
			w.weak = false
		}
		w.pending = w.pending[:0]
		if w.torchStage == 4 {
			w.collect = true
		}
		err := w.one(false)
		w.collect = false
		if err == nil {
			w.res.pickles++
			if first {
				w.res.complete = true
				w.res.firstEnd = w.p.off
			}
			if !all {
				return nil
			}
			continue
		}
		return w.ended(err)
	}
}

// ended turns the error that ended a walk into a problem: damage counts
// only in a strong pickle that pickle.load (or the legacy torch loader)
// reads.
func (w *walker) ended(err error) error {
	var m *errMalformed
	var l *errLimit
	var u *errUnscannable
	switch {
	case errors.As(err, &m):
		if strings.HasPrefix(m.reason, "truncated") {
			w.res.alive = true
		}
		if !w.weak {
			w.res.problems = append(w.res.problems, Problem{Code: CodePickleMalformed, Member: w.member, Offset: m.off, Detail: m.reason})
		}
		return nil
	case errors.As(err, &u):
		w.unscannable(u.off, "%s", u.reason)
		return nil
	case errors.As(err, &l):
		w.res.problems = append(w.res.problems, Problem{Code: CodeLimit, Member: w.member, Offset: l.off, Detail: l.reason})
		return nil
	}
	return err
}

func (w *walker) push(v value) error {
	if w.lim.MaxStack > 0 && len(w.stack) >= w.lim.MaxStack {
		return &errUnscannable{w.p.off, fmt.Sprintf("pickle stack deeper than %d", w.lim.MaxStack)}
	}
	w.stack = append(w.stack, v)
	return nil
}

func (w *walker) pop(at int64, op string) (value, error) {
	n := len(w.stack)
	floor := 0
	if len(w.marks) > 0 {
		floor = w.marks[len(w.marks)-1]
	}
	if n <= floor {
		return value{}, &errMalformed{at, "stack underflow at " + op}
	}
	v := w.stack[n-1]
	w.stack = w.stack[:n-1]
	return v, nil
}

func (w *walker) top(at int64, op string) (*value, error) {
	n := len(w.stack)
	floor := 0
	if len(w.marks) > 0 {
		floor = w.marks[len(w.marks)-1]
	}
	if n <= floor {
		return nil, &errMalformed{at, "stack underflow at " + op}
	}
	return &w.stack[n-1], nil
}

func (w *walker) popMark(at int64, op string) ([]value, error) {
	if len(w.marks) == 0 {
		return nil, &errMalformed{at, "no MARK before " + op}
	}
	m := w.marks[len(w.marks)-1]
	w.marks = w.marks[:len(w.marks)-1]
	items := w.stack[m:]
	w.stack = w.stack[:m]
	return items, nil
}

// keep copies up to keepItems items into a new slice, within the node
// budget.
func (w *walker) keep(items []value) []value {
	n := min(len(items), keepItems)
	if w.nodes+n > maxNodes {
		return nil
	}
	w.nodes += n
	out := make([]value, n)
	copy(out, items)
	return out
}

func (w *walker) addItems(c *value, items []value) {
	room := keepItems - len(c.items)
	if room <= 0 || w.nodes+len(items) > maxNodes {
		return
	}
	n := min(room, len(items))
	w.nodes += n
	// Copy on append so that values sharing the old slice are unchanged.
	c.items = append(c.items[:len(c.items):len(c.items)], items[:n]...)
}

func (w *walker) setMemo(k int64, v value) error {
	old, ok := w.memo[k]
	if !ok {
		w.memoLen++
	}
	cost := len(v.s) + 16*len(v.items)
	if !ok && ((w.lim.MaxMemo > 0 && len(w.memo) >= w.lim.MaxMemo) || w.memoBytes+cost > maxMemoBytes) {
		if !w.dropped {
			w.unscannable(w.p.off, "pickle memo over %d entries or %d bytes: later memo values are not followed", w.lim.MaxMemo, maxMemoBytes)
		}
		w.dropped = true
		return nil
	}
	if ok {
		w.memoBytes -= len(old.s) + 16*len(old.items)
	}
	w.memoBytes += cost
	w.memo[k] = v
	return nil
}

func (w *walker) getMemo(at int64, k int64) error {
	v, ok := w.memo[k]
	if !ok {
		if !w.dropped {
			return &errMalformed{at, fmt.Sprintf("memo key %d not defined", k)}
		}
		v = value{}
	}
	return w.push(v)
}

func globalKey(module, name string) string { return module + "\x00" + name }

func (w *walker) addImport(module, name string, at int64, op string) {
	im := Import{Module: module, Name: name, Member: w.member, Offset: at, Op: op, Class: Classify(module, name)}
	if w.weak && im.Class != Dangerous {
		w.pending = append(w.pending, im)
		if len(w.pending) > 1024 {
			w.pending = w.pending[1:]
		}
		return
	}
	w.res.imports = append(w.res.imports, im)
}

// called makes the pending imports of a weak stream count: a call opcode
// or a STOP followed them.
func (w *walker) called() {
	w.res.imports = append(w.res.imports, w.pending...)
	w.pending = w.pending[:0]
}

// one walks one pickle up to and including its STOP; with unknownMemo
// every memo entry it did not store itself is an unknown value.
func (w *walker) one(unknownMemo bool) error {
	w.stack = w.stack[:0]
	w.marks = w.marks[:0]
	w.memo = make(map[int64]value)
	w.memoLen = 0
	w.memoBytes = 0
	w.dropped = unknownMemo
	p := w.p
	for {
		at := p.off
		w.res.opcodes++
		op, err := p.byte1("opcode")
		if err != nil {
			return err
		}
		if w.trace != nil {
			w.trace(at, op)
		}
		switch op {
		case opMark:
			w.marks = append(w.marks, len(w.stack))
			if w.lim.MaxStack > 0 && len(w.marks) > w.lim.MaxStack {
				return &errUnscannable{at, fmt.Sprintf("more than %d nested MARKs", w.lim.MaxStack)}
			}
		case opStop:
			v, err := w.pop(at, "STOP")
			if err != nil {
				return err
			}
			w.called()
			w.stopped(v)
			return nil
		case opPop:
			if len(w.stack) > 0 && (len(w.marks) == 0 || len(w.stack) > w.marks[len(w.marks)-1]) {
				w.stack = w.stack[:len(w.stack)-1]
			} else if _, err := w.popMark(at, "POP"); err != nil {
				return err
			}
		case opPopMark:
			if _, err := w.popMark(at, "POP_MARK"); err != nil {
				return err
			}
		case opDup:
			t, err := w.top(at, "DUP")
			if err != nil {
				return err
			}
			if err := w.push(*t); err != nil {
				return err
			}
		case opFloat:
			s, _, err := p.line("FLOAT")
			if err != nil {
				return err
			}
			if !pyFloat(s) {
				return &errMalformed{at, fmt.Sprintf("bad FLOAT %q", cut(s))}
			}
			if err := w.push(value{kind: vFloat}); err != nil {
				return err
			}
		case opInt, opLong:
			s, long, err := p.line("INT")
			if err != nil {
				return err
			}
			v, ok := parsePyInt(s, op == opLong, long)
			if !ok {
				return &errMalformed{at, fmt.Sprintf("bad %s %q", opName(op), cut(s))}
			}
			if err := w.push(v); err != nil {
				return err
			}
		case opBinInt:
			b, err := p.fixed(4, "BININT")
			if err != nil {
				return err
			}
			if err := w.push(value{kind: vInt, i: int64(int32(binary.LittleEndian.Uint32(b)))}); err != nil {
				return err
			}
		case opBinInt1:
			b, err := p.byte1("BININT1")
			if err != nil {
				return err
			}
			if err := w.push(value{kind: vInt, i: int64(b)}); err != nil {
				return err
			}
		case opBinInt2:
			b, err := p.fixed(2, "BININT2")
			if err != nil {
				return err
			}
			if err := w.push(value{kind: vInt, i: int64(binary.LittleEndian.Uint16(b))}); err != nil {
				return err
			}
		case opNone:
			if err := w.push(value{kind: vNone}); err != nil {
				return err
			}
		case opNewTrue, opNewFalse:
			if err := w.push(value{kind: vBool, i: b2i(op == opNewTrue)}); err != nil {
				return err
			}
		case opPersID:
			if w.weak && w.torchStage != 3 {
				// pickle.load has no persistent_load: it raises here.
				return &errMalformed{at, "PERSID without a persistent_load"}
			}
			if _, _, err := p.line("PERSID"); err != nil {
				return err
			}
			if err := w.push(value{}); err != nil {
				return err
			}
		case opBinPersID:
			if w.weak && w.torchStage != 3 {
				return &errMalformed{at, "BINPERSID without a persistent_load"}
			}
			pid, err := w.pop(at, "BINPERSID")
			if err != nil {
				return err
			}
			if w.torchStage == 3 {
				w.torchStorage(pid)
			}
			if err := w.push(value{}); err != nil {
				return err
			}
		case opReduce:
			args, err := w.pop(at, "REDUCE")
			if err != nil {
				return err
			}
			fn, err := w.pop(at, "REDUCE")
			if err != nil {
				return err
			}
			w.res.calls++
			w.called()
			if err := w.push(w.call(fn, args)); err != nil {
				return err
			}
		case opString:
			s, long, err := p.line("STRING")
			if err != nil {
				return err
			}
			v, ok := pyString(s)
			if !ok {
				return &errMalformed{at, "STRING argument is not a quoted string"}
			}
			if err := w.pushStr(v, long, vStr); err != nil {
				return err
			}
		case opUnicode:
			s, long, err := p.line("UNICODE")
			if err != nil {
				return err
			}
			s, ok := rawUnicodeEscape(s)
			if !ok {
				return &errMalformed{at, "UNICODE argument has a bad escape"}
			}
			if err := w.pushStr(s, long, vStr); err != nil {
				return err
			}
		case opBinString, opBinUnicode, opBinBytes:
			b, err := p.fixed(4, opName(op))
			if err != nil {
				return err
			}
			n := int64(binary.LittleEndian.Uint32(b))
			if op == opBinString {
				n = int64(int32(binary.LittleEndian.Uint32(b)))
			}
			if err := w.pushPayload(op, n); err != nil {
				return err
			}
		case opShortBinString, opShortBinUnicode, opShortBinBytes:
			b, err := p.byte1(opName(op))
			if err != nil {
				return err
			}
			if err := w.pushPayload(op, int64(b)); err != nil {
				return err
			}
		case opBinUnicode8, opBinBytes8, opByteArray8:
			b, err := p.fixed(8, opName(op))
			if err != nil {
				return err
			}
			n := binary.LittleEndian.Uint64(b)
			if n > math.MaxInt64 {
				return &errMalformed{at, fmt.Sprintf("%s length %d exceeds the maximum size", opName(op), n)}
			}
			if err := w.pushPayload(op, int64(n)); err != nil {
				return err
			}
		case opLong1, opLong4:
			var n int64
			if op == opLong1 {
				b, err := p.byte1("LONG1")
				if err != nil {
					return err
				}
				n = int64(b)
			} else {
				b, err := p.fixed(4, "LONG4")
				if err != nil {
					return err
				}
				n = int64(int32(binary.LittleEndian.Uint32(b)))
			}
			data, _, err := p.payload(n, w.lim, opName(op), false)
			if err != nil {
				return err
			}
			v := value{kind: vInt}
			if string(data) == torchMagic {
				v = value{kind: vMagic}
			} else if len(data) <= 8 && data != nil {
				v = value{kind: vInt, i: leSigned(data)}
			} else if n == 0 {
				v = value{kind: vInt}
			}
			if err := w.push(v); err != nil {
				return err
			}
		case opBinFloat:
			if _, err := p.fixed(8, "BINFLOAT"); err != nil {
				return err
			}
			if err := w.push(value{kind: vFloat}); err != nil {
				return err
			}
		case opAppend:
			v, err := w.pop(at, "APPEND")
			if err != nil {
				return err
			}
			t, err := w.top(at, "APPEND")
			if err != nil {
				return err
			}
			if t.kind == vList {
				w.addItems(t, []value{v})
			}
		case opAppends, opAddItems:
			items, err := w.popMark(at, opName(op))
			if err != nil {
				return err
			}
			t, err := w.top(at, opName(op))
			if err != nil {
				return err
			}
			if t.kind == vList {
				w.addItems(t, items)
			}
		case opSetItem:
			v, err := w.pop(at, "SETITEM")
			if err != nil {
				return err
			}
			k, err := w.pop(at, "SETITEM")
			if err != nil {
				return err
			}
			t, err := w.top(at, "SETITEM")
			if err != nil {
				return err
			}
			if t.kind == vDict {
				w.addItems(t, []value{k, v})
			}
		case opSetItems:
			items, err := w.popMark(at, "SETITEMS")
			if err != nil {
				return err
			}
			if len(items)%2 != 0 {
				return &errMalformed{at, "odd number of items for SETITEMS"}
			}
			t, err := w.top(at, "SETITEMS")
			if err != nil {
				return err
			}
			if t.kind == vDict {
				w.addItems(t, items)
			}
		case opBuild:
			state, err := w.pop(at, "BUILD")
			if err != nil {
				return err
			}
			t, err := w.top(at, "BUILD")
			if err != nil {
				return err
			}
			w.res.calls++
			w.called()
			if t.kind == vObj {
				if state.kind == vDict || state.kind == vTuple {
					t.state = state.items
				}
				if w.joblib && t.s == globalKey("joblib.numpy_pickle", "NumpyArrayWrapper") {
					obj := *t
					w.stack = w.stack[:len(w.stack)-1]
					if err := w.joblibArray(at, obj); err != nil {
						return err
					}
					if err := w.push(value{}); err != nil {
						return err
					}
				}
			}
		case opGlobal:
			module, name, long1, long2, cutOff, err := w.importLines("GLOBAL")
			if err != nil {
				return err
			}
			if cutOff {
				w.addImport(module, name, at, "GLOBAL")
				return &errMalformed{p.off, "truncated: GLOBAL argument"}
			}
			if long1 || long2 {
				// No module or attribute has a name this long: the
				// import fails.
				return &errMalformed{at, "GLOBAL name longer than any module's"}
			}
			w.addImport(module, name, at, "GLOBAL")
			if err := w.push(value{kind: vGlobal, s: globalKey(module, name)}); err != nil {
				return err
			}
		case opStackGlobal:
			name, err := w.pop(at, "STACK_GLOBAL")
			if err != nil {
				return err
			}
			module, err := w.pop(at, "STACK_GLOBAL")
			if err != nil {
				return err
			}
			if !maybeStr(module) || !maybeStr(name) {
				return &errMalformed{at, "STACK_GLOBAL requires str"}
			}
			ms, ns := "?", "?"
			if module.kind == vStr {
				ms = module.s
			}
			if name.kind == vStr {
				ns = name.s
			}
			w.addImport(ms, ns, at, "STACK_GLOBAL")
			if err := w.push(value{kind: vGlobal, s: globalKey(ms, ns)}); err != nil {
				return err
			}
		case opInst:
			module, name, long1, long2, cutOff, err := w.importLines("INST")
			if err != nil {
				return err
			}
			if cutOff {
				w.addImport(module, name, at, "INST")
				return &errMalformed{p.off, "truncated: INST argument"}
			}
			if long1 || long2 {
				return &errMalformed{at, "INST name longer than any module's"}
			}
			w.addImport(module, name, at, "INST")
			if _, err := w.popMark(at, "INST"); err != nil {
				return err
			}
			w.res.calls++
			w.called()
			if err := w.push(value{kind: vObj, s: globalKey(module, name)}); err != nil {
				return err
			}
		case opObj:
			items, err := w.popMark(at, "OBJ")
			if err != nil {
				return err
			}
			if len(items) == 0 {
				return &errMalformed{at, "OBJ without a class"}
			}
			w.res.calls++
			w.called()
			if err := w.push(w.newObj(items[0])); err != nil {
				return err
			}
		case opNewObj:
			if _, err := w.pop(at, "NEWOBJ"); err != nil {
				return err
			}
			cls, err := w.pop(at, "NEWOBJ")
			if err != nil {
				return err
			}
			w.res.calls++
			w.called()
			if err := w.push(w.newObj(cls)); err != nil {
				return err
			}
		case opNewObjEx:
			if _, err := w.pop(at, "NEWOBJ_EX"); err != nil {
				return err
			}
			if _, err := w.pop(at, "NEWOBJ_EX"); err != nil {
				return err
			}
			cls, err := w.pop(at, "NEWOBJ_EX")
			if err != nil {
				return err
			}
			w.res.calls++
			w.called()
			if err := w.push(w.newObj(cls)); err != nil {
				return err
			}
		case opDict, opList, opTuple, opFrozenSet:
			items, err := w.popMark(at, opName(op))
			if err != nil {
				return err
			}
			k := containerKind(op)
			if op == opDict && len(items)%2 != 0 {
				return &errMalformed{at, "odd number of items for DICT"}
			}
			v := value{kind: k}
			if k != vOther {
				v.items = w.keep(items)
			}
			if err := w.push(v); err != nil {
				return err
			}
		case opEmptyDict, opEmptyList, opEmptyTuple, opEmptySet:
			k := containerKind(op)
			if err := w.push(value{kind: k}); err != nil {
				return err
			}
		case opTuple1, opTuple2, opTuple3:
			n := int(op-opTuple1) + 1
			items := make([]value, n)
			for i := n - 1; i >= 0; i-- {
				v, err := w.pop(at, opName(op))
				if err != nil {
					return err
				}
				items[i] = v
			}
			if err := w.push(value{kind: vTuple, items: w.keep(items)}); err != nil {
				return err
			}
		case opGet:
			s, _, err := p.line("GET")
			if err != nil {
				return err
			}
			k, ok := pyInt10(s)
			if !ok || k < 0 {
				return &errMalformed{at, fmt.Sprintf("bad GET argument %q", cut(s))}
			}
			if err := w.getMemo(at, k); err != nil {
				return err
			}
		case opBinGet:
			b, err := p.byte1("BINGET")
			if err != nil {
				return err
			}
			if err := w.getMemo(at, int64(b)); err != nil {
				return err
			}
		case opLongBinGet:
			b, err := p.fixed(4, "LONG_BINGET")
			if err != nil {
				return err
			}
			if err := w.getMemo(at, int64(binary.LittleEndian.Uint32(b))); err != nil {
				return err
			}
		case opPut, opBinPut, opLongBinPut, opMemoize:
			var k int64
			switch op {
			case opPut:
				s, _, err := p.line("PUT")
				if err != nil {
					return err
				}
				var ok bool
				k, ok = pyInt10(s)
				if !ok || k < 0 {
					return &errMalformed{at, fmt.Sprintf("bad PUT argument %q", cut(s))}
				}
			case opBinPut:
				b, err := p.byte1("BINPUT")
				if err != nil {
					return err
				}
				k = int64(b)
			case opLongBinPut:
				b, err := p.fixed(4, "LONG_BINPUT")
				if err != nil {
					return err
				}
				k = int64(binary.LittleEndian.Uint32(b))
			case opMemoize:
				k = w.memoLen
			}
			t, err := w.top(at, opName(op))
			if err != nil {
				return err
			}
			if err := w.setMemo(k, *t); err != nil {
				return err
			}
		case opProto:
			b, err := p.byte1("PROTO")
			if err != nil {
				return err
			}
			if b > HighestProtocol {
				return &errMalformed{at, fmt.Sprintf("unsupported pickle protocol %d", b)}
			}
			w.res.protocol = max(w.res.protocol, int(b))
		case opFrame:
			b, err := p.fixed(8, "FRAME")
			if err != nil {
				return err
			}
			if err := p.frame(at, binary.LittleEndian.Uint64(b)); err != nil {
				return err
			}
		case opExt1, opExt2, opExt4:
			var code uint32
			switch op {
			case opExt1:
				b, err := p.byte1("EXT1")
				if err != nil {
					return err
				}
				code = uint32(b)
			case opExt2:
				b, err := p.fixed(2, "EXT2")
				if err != nil {
					return err
				}
				code = uint32(binary.LittleEndian.Uint16(b))
			default:
				b, err := p.fixed(4, "EXT4")
				if err != nil {
					return err
				}
				code = binary.LittleEndian.Uint32(b)
			}
			// The extension registry maps a code to any (module, name):
			// the import is unknown by construction.
			name := fmt.Sprintf("extension %d", code)
			w.addImport("copyreg", name, at, opName(op))
			if err := w.push(value{kind: vGlobal, s: globalKey("copyreg", name)}); err != nil {
				return err
			}
		case opNextBuffer:
			if err := w.push(value{}); err != nil {
				return err
			}
		case opReadonlyBuffer:
			if _, err := w.top(at, "READONLY_BUFFER"); err != nil {
				return err
			}
		default:
			return &errMalformed{at, fmt.Sprintf("invalid opcode 0x%02x", op)}
		}
	}
}

func (w *walker) pushStr(s string, long bool, k vkind) error {
	if long || len(s) > keepLen {
		return w.push(value{kind: vCut})
	}
	if w.collect && k == vStr && len(w.keys) < maxTorchKeys {
		w.keys = append(w.keys, s)
	}
	return w.push(value{kind: k, s: s})
}

func (w *walker) pushPayload(op byte, n int64) error {
	k := vBytes
	switch op {
	case opBinString, opShortBinString, opBinUnicode, opShortBinUnicode, opBinUnicode8:
		k = vStr
	}
	b, dropped, err := w.p.payload(n, w.lim, opName(op), k == vBytes)
	if err != nil {
		return err
	}
	if dropped {
		if k == vStr {
			return w.push(value{kind: vCut})
		}
		return w.push(value{kind: vBytes})
	}
	return w.pushStr(string(b), false, k)
}

// maybeStr reports whether v may be a str when CPython runs the pickle:
// STACK_GLOBAL raises on anything else before importing.
func maybeStr(v value) bool {
	switch v.kind {
	case vStr, vCut, vOther, vObj:
		return true
	}
	return false
}

// stopped notes the value a pickle returned: the legacy torch layout is
// recognised by its first pickle, the magic number.
func (w *walker) stopped(v value) {
	switch {
	case w.res.pickles == 0 && v.kind == vMagic && w.depth == 0:
		w.torchStage = 1
		w.res.torch = true
		w.storages = map[string]int64{}
	case w.torchStage > 0 && w.torchStage < 5 && w.depth == 0:
		w.torchStage++
	}
}

// torchStorage records the element size of the storage a legacy torch
// persistent id names: ('storage', torch.FloatStorage, key, location,
// numel[, view]).
func (w *walker) torchStorage(pid value) {
	if pid.kind != vTuple || len(pid.items) < 3 || pid.items[0].kind != vStr || pid.items[0].s != "storage" ||
		pid.items[1].kind != vGlobal || pid.items[2].kind != vStr || len(w.storages) >= maxTorchKeys {
		return
	}
	mod, name, _ := strings.Cut(pid.items[1].s, "\x00")
	if size, ok := torchElementSizes[name]; ok && mod == "torch" {
		w.storages[pid.items[2].s] = size
	}
}

// torchElementSizes are the element sizes of the legacy storage types.
var torchElementSizes = map[string]int64{
	"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2, "LongStorage": 8,
	"IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1, "BoolStorage": 1,
	"ComplexFloatStorage": 8, "ComplexDoubleStorage": 16, "QInt8Storage": 1, "QUInt8Storage": 1,
	"QInt32Storage": 4, "QUInt4x2Storage": 1, "QUInt2x4Storage": 1, "Float8_e4m3fnStorage": 1,
	"Float8_e5m2Storage": 1, "UntypedStorage": 1,
}

// torchStorages skips the raw storages that follow the storage keys of a
// legacy torch file: per key, in order, an int64 element count then the
// bytes (torch/serialization.py _legacy_save, storage._write_file).
func (w *walker) torchStorages() error {
	w.torchStage = 0
	for _, k := range w.keys {
		size, ok := w.storages[k]
		if !ok {
			return &errUnscannable{w.p.off, fmt.Sprintf("legacy torch storage %q has no known element type: the bytes after it were not followed", cut(k))}
		}
		b, err := w.p.fixed(8, "legacy torch storage size")
		if err != nil {
			return err
		}
		n := int64(binary.LittleEndian.Uint64(b))
		if n < 0 || n > math.MaxInt64/size || (w.lim.MaxDeclaredLength > 0 && n*size > w.lim.MaxDeclaredLength) {
			return &errMalformed{w.p.off, fmt.Sprintf("legacy torch storage %q declares %d elements", cut(k), n)}
		}
		if err := w.p.discard(n*size, "legacy torch storage"); err != nil {
			return err
		}
	}
	w.keys = nil
	return nil
}

// newObj models cls() for OBJ/NEWOBJ/NEWOBJ_EX.
func (w *walker) newObj(cls value) value {
	if cls.kind == vGlobal {
		return value{kind: vObj, s: cls.s}
	}
	return value{}
}

// call models fn(*args) for REDUCE. copyreg._reconstructor(cls, base, state)
// (protocols 0 and 1) makes an object of cls; numpy.dtype(str, ...) keeps
// its type string.
func (w *walker) call(fn, args value) value {
	if fn.kind != vGlobal {
		return value{}
	}
	switch fn.s {
	case globalKey("copyreg", "_reconstructor"), globalKey("copy_reg", "_reconstructor"):
		if args.kind == vTuple && len(args.items) > 0 && args.items[0].kind == vGlobal {
			return value{kind: vObj, s: args.items[0].s}
		}
	}
	v := value{kind: vObj, s: fn.s}
	if args.kind == vTuple && len(args.items) > 0 && args.items[0].kind == vStr {
		v.items = []value{args.items[0]}
	}
	return v
}

// joblibArray skips the array bytes joblib writes right after a
// NumpyArrayWrapper (joblib/numpy_pickle.py NumpyArrayWrapper.read): an
// object array is a nested pickle, any other is an optional alignment
// padding then count*itemsize raw bytes.
func (w *walker) joblibArray(at int64, obj value) error {
	st := dictOf(obj.state)
	dt, ok := st["dtype"]
	if !ok || dt.kind != vObj || len(dt.items) == 0 {
		return &errMalformed{at, "joblib array wrapper without a dtype"}
	}
	code := dt.items[0].s
	if strings.TrimLeft(code, "<>|=") == "O" || strings.HasPrefix(strings.TrimLeft(code, "<>|="), "O") {
		if w.depth >= 4 {
			return &errUnscannable{at, "joblib object arrays nested too deeply"}
		}
		// pickle.load on the same file: a fresh unpickler.
		saveStack, saveMarks, saveMemo, saveLen, saveDropped := w.stack, w.marks, w.memo, w.memoLen, w.dropped
		w.stack, w.marks = nil, nil
		w.depth++
		err := w.one(false)
		w.depth--
		w.stack, w.marks, w.memo, w.memoLen, w.dropped = saveStack, saveMarks, saveMemo, saveLen, saveDropped
		return err
	}
	itemsize, ok := dtypeSize(code, dt.state)
	if !ok {
		return &errMalformed{at, fmt.Sprintf("joblib array of unsupported dtype %q", cut(code))}
	}
	shape, ok := st["shape"]
	if !ok || shape.kind != vTuple {
		return &errMalformed{at, "joblib array wrapper without a shape"}
	}
	count := int64(1)
	for _, d := range shape.items {
		if d.kind != vInt || d.i < 0 {
			return &errMalformed{at, "joblib array shape is not a tuple of sizes"}
		}
		if d.i != 0 && count > math.MaxInt64/d.i {
			return &errMalformed{at, "joblib array size overflows"}
		}
		count *= d.i
	}
	if itemsize != 0 && count > math.MaxInt64/itemsize {
		return &errMalformed{at, "joblib array size overflows"}
	}
	if a, ok := st["numpy_array_alignment_bytes"]; ok && a.kind == vInt {
		pad, err := w.p.byte1("joblib alignment padding")
		if err != nil {
			return err
		}
		if _, _, err := w.p.payload(int64(pad), w.lim, "joblib alignment padding", true); err != nil {
			return err
		}
	}
	n := count * itemsize
	if w.lim.MaxDeclaredLength > 0 && n > w.lim.MaxDeclaredLength {
		return &errMalformed{at, fmt.Sprintf("joblib array declares %d bytes, over the limit of %d", n, w.lim.MaxDeclaredLength)}
	}
	w.arrayAsOpcodes()
	if err := w.p.enter(n, "joblib array data", true); err != nil {
		return err
	}
	return w.p.discard(n, "joblib array data")
}

// arrayAsOpcodes walks the bytes after a joblib array wrapper the way
// pickle.load (which knows nothing of joblib) reads them: as opcodes. It
// walks what is buffered (up to preWalkLen bytes) with a fresh stack and a
// memo whose every entry is unknown, keeping the dangerous imports (and
// the others once a call follows).
func (w *walker) arrayAsOpcodes() {
	b, _ := w.p.r.Peek(preWalkLen)
	if len(b) == 0 || !isOpcode(b[0]) {
		return
	}
	res := &pickleResult{}
	sub := newWalker(bufio.NewReader(bytes.NewReader(b)), w.member, w.lim, res)
	sub.depth = w.depth + 1
	sub.weak = true
	if err := sub.one(true); err == nil {
		sub.called()
	}
	for _, im := range res.imports {
		im.Offset += w.p.off
		w.res.imports = append(w.res.imports, im)
	}
}

func dictOf(items []value) map[string]value {
	m := make(map[string]value, len(items)/2)
	for i := 0; i+1 < len(items); i += 2 {
		if items[i].kind == vStr {
			m[items[i].s] = items[i+1]
		}
	}
	return m
}

// dtypeSize returns the item size of a numpy dtype string such as "f8",
// "<i4", "b1", "U10" or "V16". For "V" without a size the BUILD state's
// elsize (index 5) is used.
func dtypeSize(code string, state []value) (int64, bool) {
	c := strings.TrimLeft(code, "<>|=")
	if c == "" {
		return 0, false
	}
	kind, num := c[0], c[1:]
	if num == "" {
		switch kind {
		case '?', 'b', 'B':
			return 1, true
		case 'V':
			if len(state) > 5 && state[5].kind == vInt && state[5].i > 0 {
				return state[5].i, true
			}
		}
		return 0, false
	}
	if i := strings.IndexByte(num, '['); i >= 0 { // "M8[ns]"
		num = num[:i]
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	switch kind {
	case 'b', 'i', 'u', 'f', 'c', 'M', 'm', 'S', 'V', 'a':
		return n, true
	case 'U':
		return 4 * n, true
	}
	return 0, false
}

func containerKind(op byte) vkind {
	switch op {
	case opDict, opEmptyDict:
		return vDict
	case opList, opEmptyList:
		return vList
	case opTuple, opEmptyTuple:
		return vTuple
	}
	return vOther
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func leSigned(b []byte) int64 {
	var u uint64
	for i := len(b) - 1; i >= 0; i-- {
		u = u<<8 | uint64(b[i])
	}
	if n := len(b); n > 0 && n < 8 && b[n-1]&0x80 != 0 {
		u |= ^uint64(0) << (8 * n)
	}
	return int64(u)
}

// parsePyInt parses an INT or LONG text argument: "42", "-7", "01" (True),
// "00" (False), "123L", "0x10", "1_000". A value that does not fit an int64
// (or a line too long to keep) is an int of unknown value.
func parsePyInt(s string, long, cutLine bool) (value, bool) {
	if !long {
		switch s {
		case "00":
			return value{kind: vBool}, true
		case "01":
			return value{kind: vBool, i: 1}, true
		}
	}
	if cutLine {
		return value{kind: vInt, i: -1}, true
	}
	n, fits, ok := pyInt(s, long)
	if !ok {
		return value{}, false
	}
	if !fits {
		return value{kind: vInt, i: -1}, true
	}
	return value{kind: vInt, i: n}, true
}

func cut(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

var opNames = map[byte]string{
	opBinString: "BINSTRING", opShortBinString: "SHORT_BINSTRING", opBinUnicode: "BINUNICODE",
	opShortBinUnicode: "SHORT_BINUNICODE", opBinUnicode8: "BINUNICODE8", opBinBytes: "BINBYTES",
	opShortBinBytes: "SHORT_BINBYTES", opBinBytes8: "BINBYTES8", opByteArray8: "BYTEARRAY8",
	opLong1: "LONG1", opLong4: "LONG4", opInt: "INT", opLong: "LONG", opAppends: "APPENDS",
	opAddItems: "ADDITEMS", opDict: "DICT", opList: "LIST", opTuple: "TUPLE", opFrozenSet: "FROZENSET",
	opTuple1: "TUPLE1", opTuple2: "TUPLE2", opTuple3: "TUPLE3", opPut: "PUT", opBinPut: "BINPUT",
	opLongBinPut: "LONG_BINPUT", opMemoize: "MEMOIZE", opExt1: "EXT1", opExt2: "EXT2", opExt4: "EXT4",
}

func opName(op byte) string {
	if n, ok := opNames[op]; ok {
		return n
	}
	return fmt.Sprintf("opcode 0x%02x", op)
}

// importLines reads the module and name lines of GLOBAL or INST. When the
// input ends inside them, cut is set and they are what Python's unpickler
// passes to find_class then (each line without its last byte, "" for a
// missing one).
func (w *walker) importLines(op string) (module, name string, long1, long2, cut bool, err error) {
	w.p.partial = &cut
	defer func() { w.p.partial = nil }()
	module, long1, err = w.p.line(op + " module")
	if err != nil || cut {
		return module, "", long1, false, cut, err
	}
	name, long2, err = w.p.line(op + " name")
	return module, name, long1, long2, cut, err
}

// isOpcode reports whether b is a pickle opcode (Lib/pickletools.py).
func isOpcode(b byte) bool {
	return b >= opProto && b <= opReadonlyBuffer || strings.IndexByte("(.012FIJKLMNPQRSTUVXabcd}eghijl]opqrst)uGBC", b) >= 0
}
