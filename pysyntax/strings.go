package pysyntax

// The rules ReadString follows are Python's (3.11, the containers' Python):
//   - A prefix of r, b, f, u in any case and order: r keeps backslashes as
//     written, b makes a bytes literal (ASCII characters only, no \N, \u,
//     \U), f an f-string.
//   - Escapes of a non-raw literal: \<newline>, \\, \', \", \a, \b, \f, \n,
//     \r, \t, \v, one to three octal digits (a bytes value keeps the low
//     eight bits), \xhh, and in a str \N{name}, \uhhhh and \Uhhhhhhhh. Any
//     other backslash is kept with the character after it.
//   - In an f-string, {{ and }} are braces and each {expression} is a
//     [Field].
//   - Newlines in the source (\r\n, \r) read as \n, as Python's tokenizer
//     reads them.
//   - Adjacent literals concatenate; mixing bytes and str is an error.
//   - A surrogate code point (\ud800) cannot be held in a Go string and reads
//     as U+FFFD.

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// ErrNotString is returned by ReadString for a node that is not a string
// literal.
var ErrNotString = errors.New("not a string literal")

// ErrUnknownName is matched (with errors.Is) by the error ReadString returns
// for a \N{name} escape whose name is not a Unicode character name: either
// not a name at all (Python rejects the literal) or a name alias, which the
// table here does not hold.
var ErrUnknownName = errors.New("unknown unicode character name")

// LiteralError reports a string literal that Python would reject, or could
// not be decoded. It wraps ErrUnknownName for an unknown \N{name}.
type LiteralError struct {
	// Line is the 1-based line of the literal.
	Line int
	// Col is the 1-based column, in bytes, of the literal.
	Col int
	// Reason says what is wrong, e.g. `truncated \x escape`.
	Reason string

	err error
}

// Error implements error.
func (e *LiteralError) Error() string {
	return fmt.Sprintf("invalid string literal at line %d, column %d: %s", e.Line, e.Col, e.Reason)
}

// Unwrap returns the sentinel the error matches, or nil.
func (e *LiteralError) Unwrap() error { return e.err }

// String is a string literal, or the implicit concatenation of several
// ("a" 'b' f"{c}").
type String struct {
	// Bytes says the literal is a bytes literal; Text parts then hold the
	// bytes, which need not be UTF-8.
	Bytes bool
	// Format says that a piece of the literal is an f-string.
	Format bool
	// Parts are the decoded texts and the replacement fields in source
	// order; adjacent texts are merged, and an empty literal has no parts.
	Parts []Part
	// Line and Col are the 1-based position of the literal (Col in bytes).
	Line, Col int
}

// Part is one piece of a String: a decoded text, or a replacement field
// when Field is not nil.
type Part struct {
	// Text is the decoded text; "" for a field.
	Text string
	// Field is the replacement field, nil for a text.
	Field *Field
}

// Field is one replacement field of an f-string.
type Field struct {
	// Expr is the field's expression; nil if the parser recovered none.
	Expr *sitter.Node
	// Plain says the field is {expr} alone: no conversion (!r), format
	// specification (:>10) or self-documenting "=". A plain field's text is
	// str(expr).
	Plain bool
}

// Value returns the value of a literal without replacement fields, and
// whether it has none.
func (s String) Value() (string, bool) {
	var b strings.Builder
	for _, p := range s.Parts {
		if p.Field != nil {
			return "", false
		}
		b.WriteString(p.Text)
	}
	return b.String(), true
}

// ReadString reads a "string" or "concatenated_string" node. It returns
// ErrNotString for another node, and a *LiteralError for a literal Python
// would reject or that cannot be decoded (see ErrUnknownName).
func ReadString(n *sitter.Node, src []byte) (String, error) {
	line, col := Pos(n)
	out := String{Line: line, Col: col}
	var pieces []*sitter.Node
	switch n.Kind() {
	case "string":
		pieces = []*sitter.Node{n}
	case "concatenated_string":
		pieces = Named(n)
	default:
		return String{}, ErrNotString
	}
	for i, p := range pieces {
		if p.Kind() != "string" {
			return String{}, ErrNotString
		}
		prefix, err := readPiece(p, src, &out)
		if err != nil {
			return String{}, err
		}
		if i == 0 {
			out.Bytes = prefix.bytes
		} else if out.Bytes != prefix.bytes {
			return String{}, literalError(n, "cannot mix bytes and nonbytes literals", nil)
		}
	}
	return out, nil
}

// prefix is the parsed prefix of one literal.
type prefix struct {
	raw, bytes, format bool
}

// parsePrefix reads the prefix of a string_start token ("rb'", 'f"""').
func parsePrefix(start string) (prefix, bool) {
	var p prefix
	for _, c := range strings.TrimRight(start, `"'`) {
		switch c {
		case 'r', 'R':
			p.raw = true
		case 'b', 'B':
			p.bytes = true
		case 'f', 'F':
			p.format = true
		case 'u', 'U':
		default:
			return p, false
		}
	}
	return p, !(p.bytes && p.format)
}

// readPiece appends the parts of one string node to out.
func readPiece(n *sitter.Node, src []byte, out *String) (prefix, error) {
	kids := Named(n)
	if len(kids) < 2 || kids[0].Kind() != "string_start" || kids[len(kids)-1].Kind() != "string_end" ||
		kids[len(kids)-1].IsMissing() {
		return prefix{}, literalError(n, "unterminated string", nil)
	}
	p, ok := parsePrefix(Text(kids[0], src))
	if !ok {
		return prefix{}, literalError(n, fmt.Sprintf("invalid prefix %q", Text(kids[0], src)), nil)
	}
	if n.HasError() {
		return prefix{}, literalError(n, "invalid syntax in string", nil)
	}
	out.Format = out.Format || p.format
	// The text is read from the source between the quotes and around the
	// replacement fields: tree-sitter leaves some of it (the backslashes of
	// a raw string) out of its string_content nodes.
	// For the same reason the end is found from the closing quotes, which
	// tree-sitter sometimes reads together with backslashes before them.
	start := Text(kids[0], src)
	quote := start[len(strings.TrimRight(start, `"'`)):]
	at, end := kids[0].EndByte(), n.EndByte()-uint(len(quote))
	if end < at || !strings.HasSuffix(Text(n, src), quote) {
		return prefix{}, literalError(n, "unterminated string", nil)
	}
	for _, c := range kids[1 : len(kids)-1] {
		if c.Kind() != "interpolation" {
			continue
		}
		if err := out.addSource(n, src[at:c.StartByte()], p, quote); err != nil {
			return prefix{}, err
		}
		f := &Field{Expr: c.ChildByFieldName("expression"), Plain: true}
		if c.ChildByFieldName("type_conversion") != nil || c.ChildByFieldName("format_specifier") != nil {
			f.Plain = false
		}
		for i := uint(0); i < c.ChildCount(); i++ {
			if k := c.Child(i); !k.IsNamed() && k.Kind() == "=" {
				// {x=} is the text "x=" and then repr(x).
				f.Plain = false
				out.addText(string(src[c.StartByte()+1 : k.EndByte()]))
			}
		}
		out.Parts = append(out.Parts, Part{Field: f})
		at = c.EndByte()
	}
	if err := out.addSource(n, src[at:end], p, quote); err != nil {
		return prefix{}, err
	}
	return p, nil
}

// addSource decodes raw, source text of literal n with prefix p, and
// appends it.
func (s *String) addSource(n *sitter.Node, raw []byte, p prefix, quote string) error {
	if !closedBody(string(raw), quote) {
		return literalError(n, "unterminated string", nil)
	}
	text := newlines(string(raw))
	if p.format {
		text = strings.ReplaceAll(strings.ReplaceAll(text, "{{", "{"), "}}", "}")
	}
	if !p.raw {
		var err error
		if text, err = unescape(text, p.bytes); err != nil {
			return literalError(n, err.Error(), errors.Unwrap(err))
		}
	} else if p.bytes && !isASCII(text) {
		return literalError(n, "bytes can only contain ASCII literal characters", nil)
	}
	s.addText(text)
	return nil
}

// addText appends text, merged with a text just before it.
func (s *String) addText(text string) {
	if text == "" {
		return
	}
	if k := len(s.Parts) - 1; k >= 0 && s.Parts[k].Field == nil {
		s.Parts[k].Text += text
		return
	}
	s.Parts = append(s.Parts, Part{Text: text})
}

// closedBody reports whether body, the source between a literal's quotes,
// holds no closing quote and no line end that Python would read as the end
// of the literal: tree-sitter reads some escaped quotes as the end, and
// some unescaped line ends as content.
//
//	`a\"b` in "..."    -> true
//	`a\` in "..."      -> false (the closing quote is escaped)
//	"a\n" in '...'     -> false (a line end in a one-line literal)
//	"a\n" in '''...''' -> true
func closedBody(body, quote string) bool {
	for i := 0; i < len(body); i++ {
		switch {
		case body[i] == '\\':
			if i+1 == len(body) {
				return false
			}
			i++
		case len(quote) == 1 && (body[i] == '\n' || body[i] == '\r' || body[i] == quote[0]):
			return false
		case len(quote) == 3 && strings.HasPrefix(body[i:], quote):
			return false
		}
	}
	return true
}

// literalError returns a *LiteralError at n.
func literalError(n *sitter.Node, reason string, sentinel error) error {
	line, col := Pos(n)
	return &LiteralError{Line: line, Col: col, Reason: reason, err: sentinel}
}

// newlines makes \r\n and \r read as \n.
func newlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// isASCII reports whether s has only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// simpleEscapes maps the character after a backslash to what it means.
var simpleEscapes = map[byte]string{
	'\n': "", '\\': `\`, '\'': "'", '"': `"`,
	'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v",
}

// unescape decodes the escapes of the body of a non-raw literal:
//
//	`a\x41b`           -> "aAb"
//	`\101\0`           -> "A\x00"
//	`\N{EM DASH}`      -> "—"
//	`\u00e9`, b`\u00e9` -> "é", `\u00e9`
//	`\d`               -> `\d`
//	`\x4`              -> error (truncated)
func unescape(s string, bytes bool) (string, error) {
	if !strings.Contains(s, `\`) {
		if bytes && !isASCII(s) {
			return "", errors.New("bytes can only contain ASCII literal characters")
		}
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			if bytes && c >= utf8.RuneSelf {
				return "", errors.New("bytes can only contain ASCII literal characters")
			}
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 == len(s) {
			return "", errors.New("trailing backslash")
		}
		e := s[i+1]
		if v, ok := simpleEscapes[e]; ok {
			b.WriteString(v)
			i += 2
			continue
		}
		switch {
		case e >= '0' && e <= '7':
			j, v := i+1, 0
			for ; j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7'; j++ {
				v = v*8 + int(s[j]-'0')
			}
			if bytes {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i = j
		case e == 'x' || (!bytes && (e == 'u' || e == 'U')):
			digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+2+digits > len(s) {
				return "", fmt.Errorf(`truncated \%c escape`, e)
			}
			v, ok := hexValue(s[i+2 : i+2+digits])
			if !ok {
				return "", fmt.Errorf(`truncated \%c escape`, e)
			}
			switch {
			case e == 'x' && bytes:
				b.WriteByte(byte(v))
			case v > utf8.MaxRune:
				return "", errors.New("illegal unicode character")
			default:
				b.WriteRune(rune(v))
			}
			i += 2 + digits
		case e == 'N' && !bytes:
			end := strings.IndexByte(s[i:], '}')
			if i+2 >= len(s) || s[i+2] != '{' || end < 0 {
				return "", errors.New(`malformed \N character escape`)
			}
			name := s[i+3 : i+end]
			r, ok := lookupName(name)
			if !ok {
				return "", fmt.Errorf("%w %q", ErrUnknownName, name)
			}
			b.WriteRune(r)
			i += end + 1
		default:
			// An unknown escape keeps its backslash.
			b.WriteByte('\\')
			i++
		}
	}
	return b.String(), nil
}

// hexValue parses hexadecimal digits.
func hexValue(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			v = v*16 + int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v*16 + int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v*16 + int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
