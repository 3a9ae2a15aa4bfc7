package modelfile

// This file walks pickle opcodes (protocols 0 to 5) without unpickling.
//
// The rules are:
//   - every length the stream declares is checked against
//     Limits.MaxDeclaredLength before it is read, and payloads longer than
//     keepLen are discarded, never stored;
//   - the stack is modelled only as far as resolving STACK_GLOBAL and the
//     joblib array layout needs: strings, small ints, tuples, dicts and the
//     class of objects built by REDUCE/NEWOBJ; containers keep at most
//     keepItems items and the walk as a whole at most maxNodes of them;
//   - memo entries beyond Limits.MaxMemo are not stored; a later GET of one
//     pushes an unresolved value, so STACK_GLOBAL over it reports an import
//     named "?" (unknown, never allowed);
//   - several pickles may follow each other in one stream (torch's legacy
//     format, joblib's object arrays); each starts with a fresh stack and memo.

import (
	"bufio"
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
)

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

// preader reads a pickle stream and counts the offset.
type preader struct {
	r   *bufio.Reader
	off int64
	buf [8]byte
}

func (p *preader) fail(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &errMalformed{p.off, "truncated: " + what}
	}
	return &ioError{err}
}

func (p *preader) byte1(what string) (byte, error) {
	b, err := p.r.ReadByte()
	if err != nil {
		return 0, p.fail(err, what)
	}
	p.off++
	return b, nil
}

func (p *preader) fixed(n int, what string) ([]byte, error) {
	m, err := io.ReadFull(p.r, p.buf[:n])
	p.off += int64(m)
	if err != nil {
		return nil, p.fail(err, what)
	}
	return p.buf[:n], nil
}

// payload reads n declared bytes: it returns them when n <= keepLen and
// discards them otherwise (nil, true).
func (p *preader) payload(n int64, lim *Limits, what string) ([]byte, bool, error) {
	if n < 0 {
		return nil, false, &errMalformed{p.off, fmt.Sprintf("negative %s length %d", what, n)}
	}
	if lim.MaxDeclaredLength > 0 && n > lim.MaxDeclaredLength {
		return nil, false, &errMalformed{p.off, fmt.Sprintf("%s declares %d bytes, over the limit of %d", what, n, lim.MaxDeclaredLength)}
	}
	if n <= keepLen {
		b := make([]byte, n)
		m, err := io.ReadFull(p.r, b)
		p.off += int64(m)
		if err != nil {
			return nil, false, p.fail(err, what)
		}
		return b, false, nil
	}
	m, err := p.r.Discard(int(min(n, math.MaxInt)))
	p.off += int64(m)
	if err != nil {
		return nil, true, p.fail(err, what)
	}
	return nil, true, nil
}

// line reads a text argument up to '\n'. A line longer than maxLine is
// consumed and returned cut, with long set.
func (p *preader) line(what string) (s string, long bool, err error) {
	var sb []byte
	for {
		chunk, err := p.r.ReadSlice('\n')
		p.off += int64(len(chunk))
		if len(sb)+len(chunk) <= maxLine {
			sb = append(sb, chunk...)
		} else {
			long = true
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return "", long, p.fail(err, what)
	}
	s = string(sb)
	s = strings.TrimSuffix(s, "\n")
	s = strings.TrimSuffix(s, "\r")
	return s, long, nil
}

// pickleResult is what one walk over a stream found.
type pickleResult struct {
	imports  []Import
	calls    int
	pickles  int
	protocol int // highest protocol declared by PROTO
	opcodes  int64
	problems []Problem
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
}

// walkPickles walks every pickle in r until EOF, the first malformed
// opcode or a limit. It returns a non-nil error only when r fails.
func walkPickles(r io.Reader, member string, lim *Limits, joblib bool) (*pickleResult, int64, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	res := &pickleResult{}
	w := &walker{p: &preader{r: br}, lim: lim, member: member, res: res, joblib: joblib}
	err := w.run(true)
	return res, w.p.off, err
}

// run walks pickles until EOF. When all is false it walks exactly one
// pickle (a nested object array).
func (w *walker) run(all bool) error {
	for {
		if all && w.res.pickles > 0 {
			if _, err := w.p.r.Peek(1); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return &ioError{err}
			}
		}
		err := w.one()
		if err == nil {
			w.res.pickles++
			if !all {
				return nil
			}
			continue
		}
		var m *errMalformed
		var l *errLimit
		switch {
		case errors.As(err, &m):
			w.res.problems = append(w.res.problems, Problem{Code: CodePickleMalformed, Member: w.member, Offset: m.off, Detail: m.reason})
			return nil
		case errors.As(err, &l):
			w.res.problems = append(w.res.problems, Problem{Code: CodeLimit, Member: w.member, Offset: l.off, Detail: l.reason})
			return nil
		}
		return err
	}
}

func (w *walker) push(v value) error {
	if w.lim.MaxStack > 0 && len(w.stack) >= w.lim.MaxStack {
		return &errLimit{w.p.off, fmt.Sprintf("pickle stack deeper than %d", w.lim.MaxStack)}
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
	if _, ok := w.memo[k]; !ok {
		w.memoLen++
	}
	if w.lim.MaxMemo > 0 && len(w.memo) >= w.lim.MaxMemo {
		if _, ok := w.memo[k]; !ok {
			w.dropped = true
			return nil
		}
	}
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
	w.res.imports = append(w.res.imports, Import{
		Module: module, Name: name, Member: w.member, Offset: at, Op: op,
		Class: Classify(module, name),
	})
}

// one walks one pickle up to and including its STOP.
func (w *walker) one() error {
	w.stack = w.stack[:0]
	w.marks = w.marks[:0]
	w.memo = make(map[int64]value)
	w.memoLen = 0
	w.dropped = false
	p := w.p
	for {
		at := p.off
		w.res.opcodes++
		if w.lim.MaxOpcodes > 0 && w.res.opcodes > w.lim.MaxOpcodes {
			return &errLimit{at, fmt.Sprintf("more than %d pickle opcodes", w.lim.MaxOpcodes)}
		}
		op, err := p.byte1("opcode")
		if err != nil {
			return err
		}
		switch op {
		case opMark:
			w.marks = append(w.marks, len(w.stack))
			if w.lim.MaxStack > 0 && len(w.marks) > w.lim.MaxStack {
				return &errLimit{at, fmt.Sprintf("more than %d nested MARKs", w.lim.MaxStack)}
			}
		case opStop:
			if _, err := w.pop(at, "STOP"); err != nil {
				return err
			}
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
			if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil && !isPyFloat(s) {
				return &errMalformed{at, fmt.Sprintf("bad FLOAT %q", cut(s))}
			}
			if err := w.push(value{}); err != nil {
				return err
			}
		case opInt, opLong:
			s, _, err := p.line("INT")
			if err != nil {
				return err
			}
			v, ok := parsePyInt(s, op == opLong)
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
			if _, _, err := p.line("PERSID"); err != nil {
				return err
			}
			if err := w.push(value{}); err != nil {
				return err
			}
		case opBinPersID:
			if _, err := w.pop(at, "BINPERSID"); err != nil {
				return err
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
			if err := w.push(w.call(fn, args)); err != nil {
				return err
			}
		case opString:
			s, long, err := p.line("STRING")
			if err != nil {
				return err
			}
			v, ok := unquotePy(s)
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
			data, _, err := p.payload(n, w.lim, opName(op))
			if err != nil {
				return err
			}
			v := value{kind: vOther}
			if len(data) <= 8 && data != nil {
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
			if err := w.push(value{}); err != nil {
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
			module, _, err := p.line("GLOBAL module")
			if err != nil {
				return err
			}
			name, _, err := p.line("GLOBAL name")
			if err != nil {
				return err
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
			module, _, err := p.line("INST module")
			if err != nil {
				return err
			}
			name, _, err := p.line("INST name")
			if err != nil {
				return err
			}
			w.addImport(module, name, at, "INST")
			if _, err := w.popMark(at, "INST"); err != nil {
				return err
			}
			w.res.calls++
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
			k, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
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
				k, err = strconv.ParseInt(s, 10, 64)
				if err != nil || k < 0 {
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
			n := binary.LittleEndian.Uint64(b)
			if n > math.MaxInt64 || (w.lim.MaxDeclaredLength > 0 && int64(n) > w.lim.MaxDeclaredLength) {
				return &errMalformed{at, fmt.Sprintf("FRAME declares %d bytes, over the limit of %d", n, w.lim.MaxDeclaredLength)}
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
		return w.push(value{kind: vOther})
	}
	return w.push(value{kind: k, s: s})
}

func (w *walker) pushPayload(op byte, n int64) error {
	b, dropped, err := w.p.payload(n, w.lim, opName(op))
	if err != nil {
		return err
	}
	k := vBytes
	switch op {
	case opBinString, opShortBinString, opBinUnicode, opShortBinUnicode, opBinUnicode8:
		k = vStr
	}
	if dropped {
		return w.push(value{kind: vOther})
	}
	return w.push(value{kind: k, s: string(b)})
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
			return &errLimit{at, "joblib object arrays nested too deeply"}
		}
		// pickle.load on the same file: a fresh unpickler.
		saveStack, saveMarks, saveMemo, saveLen, saveDropped := w.stack, w.marks, w.memo, w.memoLen, w.dropped
		w.stack, w.marks = nil, nil
		w.depth++
		err := w.one()
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
		if _, _, err := w.p.payload(int64(pad), w.lim, "joblib alignment padding"); err != nil {
			return err
		}
	}
	n := count * itemsize
	if w.lim.MaxDeclaredLength > 0 && n > w.lim.MaxDeclaredLength {
		return &errMalformed{at, fmt.Sprintf("joblib array declares %d bytes, over the limit of %d", n, w.lim.MaxDeclaredLength)}
	}
	m, err := w.p.r.Discard(int(min(n, math.MaxInt)))
	w.p.off += int64(m)
	if err != nil {
		return w.p.fail(err, "joblib array data")
	}
	return nil
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
// "00" (False), "123L".
func parsePyInt(s string, long bool) (value, bool) {
	if !long {
		switch s {
		case "00":
			return value{kind: vBool}, true
		case "01":
			return value{kind: vBool, i: 1}, true
		}
	}
	t := strings.TrimSuffix(strings.TrimSpace(s), "L")
	if t == "" {
		return value{}, false
	}
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		return value{kind: vInt, i: n}, true
	}
	for i, c := range t {
		if (c < '0' || c > '9') && !(i == 0 && (c == '-' || c == '+')) {
			return value{}, false
		}
	}
	return value{}, true
}

func isPyFloat(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "nan", "inf", "-inf", "+inf":
		return true
	}
	return false
}

// unquotePy unquotes a protocol 0 STRING argument ('abc' or "abc", with
// Python escapes). Escapes are decoded loosely: only the quotes are checked.
func unquotePy(s string) (string, bool) {
	if len(s) < 2 || s[0] != s[len(s)-1] || (s[0] != '\'' && s[0] != '"') {
		return "", false
	}
	body := s[1 : len(s)-1]
	if !strings.Contains(body, `\`) {
		return body, true
	}
	if u, err := strconv.Unquote(`"` + strings.ReplaceAll(body, `"`, `\"`) + `"`); err == nil {
		return u, true
	}
	return body, true
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
