package modelfile

// This file parses the text arguments of protocol 0 opcodes as CPython
// does. The rules are:
//   - INT, LONG, GET and PUT take what C strtol (base 0) or Python's int()
//     accept: surrounding whitespace, a sign, 0x/0o/0b prefixes, octal
//     "010" (strtol only), underscores between digits (int() only), a
//     trailing L for LONG; the walker accepts the union of the two
//     unpicklers, so it never stops earlier than either;
//   - FLOAT takes what float() accepts (whitespace, underscores, inf, nan);
//   - UNICODE is raw-unicode-escape: \uXXXX and \UXXXXXXXX are decoded,
//     every other byte is Latin-1;
//   - STRING is a quoted Python bytes literal body (codecs.escape_decode).

import (
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pyInt parses an integer argument; ok is false when neither unpickler
// would accept it. When the value does not fit in an int64, fits is false.
//
//	"42" -> 42; " -7 " -> -7; "0x10" -> 16; "1_000" -> 1000; "010" -> 8;
//	"10L" (LONG) -> 10; "0b101" -> 5; "x" -> not ok
func pyInt(s string, long bool) (n int64, fits, ok bool) {
	t := strings.TrimSpace(s)
	if long {
		t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "L"))
	}
	neg := false
	switch {
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	if t == "" {
		return 0, false, false
	}
	base := 10
	body := t
	lower := strings.ToLower(t)
	switch {
	case strings.HasPrefix(lower, "0x"):
		base, body = 16, t[2:]
	case strings.HasPrefix(lower, "0o"):
		base, body = 8, t[2:]
	case strings.HasPrefix(lower, "0b"):
		base, body = 2, t[2:]
	case len(t) > 1 && t[0] == '0' && strings.Trim(t, "01234567") == "":
		base, body = 8, t[1:] // strtol's octal
	}
	body = strings.TrimPrefix(body, "_")
	if body == "" || strings.HasSuffix(body, "_") || strings.Contains(body, "__") {
		return 0, false, false
	}
	digits := strings.ReplaceAll(body, "_", "")
	v, good := new(big.Int).SetString(digits, base)
	if !good {
		return 0, false, false
	}
	if neg {
		v.Neg(v)
	}
	if !v.IsInt64() {
		return 0, false, true
	}
	return v.Int64(), true, true
}

// pyFloat reports whether float() or PyOS_string_to_double accept s.
//
//	"1.5", " 2e3 ", "1_0.5", "inf", "-NaN", "infinity" -> true; "0x1p3", "abc" -> false
func pyFloat(s string) bool {
	t := strings.ToLower(strings.TrimSpace(s))
	u := strings.TrimLeft(t, "+-")
	switch u {
	case "inf", "infinity", "nan":
		return true
	}
	if strings.HasPrefix(u, "0x") || strings.Contains(t, "__") || strings.HasPrefix(u, "_") || strings.HasSuffix(t, "_") {
		return false
	}
	_, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64)
	return err == nil || strings.Contains(err.Error(), "range")
}

// rawUnicodeEscape decodes a UNICODE argument.
//
//	`os` -> "os"; `\u006fs` -> "os"; `\U0000006f` -> "o"; `\x41` -> `\x41`
func rawUnicodeEscape(s string) (string, bool) {
	if !strings.Contains(s, `\`) {
		return latin1(s), true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteRune(rune(c))
			continue
		}
		// Count the run of backslashes: only an odd one before u/U escapes.
		j := i
		for j < len(s) && s[j] == '\\' {
			j++
		}
		run := j - i
		if run%2 == 0 || j >= len(s) || (s[j] != 'u' && s[j] != 'U') {
			for k := 0; k < run; k++ {
				b.WriteByte('\\')
			}
			i = j - 1
			continue
		}
		for k := 0; k < run-1; k++ {
			b.WriteByte('\\')
		}
		width := 4
		if s[j] == 'U' {
			width = 8
		}
		if j+1+width > len(s) {
			return "", false
		}
		v, err := strconv.ParseUint(s[j+1:j+1+width], 16, 32)
		if err != nil || v > utf8.MaxRune {
			return "", false
		}
		b.WriteRune(rune(v))
		i = j + width
	}
	return b.String(), true
}

func latin1(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			var b strings.Builder
			for j := 0; j < len(s); j++ {
				b.WriteRune(rune(s[j]))
			}
			return b.String()
		}
	}
	return s
}

// pyString unquotes a STRING argument and undoes Python bytes escapes; ok
// is false when the argument is not quoted or has a bad \x escape (both
// unpicklers raise then).
//
//	`'os'` -> "os"; `"o\x73"` -> "os"; `'\157s'` -> "os"; `'a\qb'` -> `a\qb`; `os` -> not ok
func pyString(s string) (string, bool) {
	if len(s) < 2 || s[0] != s[len(s)-1] || (s[0] != '\'' && s[0] != '"') {
		return "", false
	}
	body := s[1 : len(s)-1]
	if !strings.Contains(body, `\`) {
		return body, true
	}
	var b []byte
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		if i >= len(body) {
			return "", false // a trailing backslash: "\ at end of string"
		}
		switch e := body[i]; e {
		case '\n':
		case '\\', '\'', '"':
			b = append(b, e)
		case 'a':
			b = append(b, 7)
		case 'b':
			b = append(b, 8)
		case 'f':
			b = append(b, 12)
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'v':
			b = append(b, 11)
		case 'x':
			if i+3 > len(body) {
				return "", false
			}
			v, err := strconv.ParseUint(body[i+1:i+3], 16, 8)
			if err != nil {
				return "", false
			}
			b = append(b, byte(v))
			i += 2
		default:
			if e >= '0' && e <= '7' {
				v := int(e - '0')
				for k := 0; k < 2 && i+1 < len(body) && body[i+1] >= '0' && body[i+1] <= '7'; k++ {
					i++
					v = v*8 + int(body[i]-'0')
				}
				b = append(b, byte(v))
				continue
			}
			b = append(b, '\\', e)
		}
	}
	return string(b), true
}

// pyInt10 parses a GET or PUT argument as int(s) and PyLong_FromString
// with base 10 do: whitespace, a sign and underscores between digits.
//
//	"12" -> 12; " 1_2 " -> 12; "0x1" -> not ok
func pyInt10(s string) (int64, bool) {
	t := strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	if t == "" || strings.HasPrefix(t, "_") || strings.HasSuffix(t, "_") || strings.Contains(t, "__") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(t, "_", ""), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
