package rules

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// propertyError is a line of a .properties file that Java rejects.
type propertyError struct {
	// line is the 1-based line.
	line int
	// msg says what is wrong.
	msg string
}

// parseProperties reads a .properties file as java.util.Properties.load
// does through DJL Serving's UTF-8 reader: comment lines start with # or !,
// a line ending in an odd number of backslashes continues on the next, the
// key ends at the first unescaped '=', ':' or blank, and \t, \n, \r, \f
// and \uXXXX are escapes. It returns the settings with their 1-based lines
// and the lines that fail to load (invalid UTF-8, a malformed \u escape).
//
//	"engine=Python"                     -> engine: "Python"
//	"option.model_id : /opt/ml/model"   -> option.model_id: "/opt/ml/model"
//	"option.tensor_parallel_degree 4"   -> option.tensor_parallel_degree: "4"
//	"option.x=\u00zz"                   -> error "malformed \uxxxx encoding"
func parseProperties(b []byte) (map[string]property, []propertyError) {
	props := map[string]property{}
	var errs []propertyError
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimRight(lines[i], "\r")
		if !utf8.ValidString(line) {
			errs = append(errs, propertyError{start, "is not valid UTF-8 (MalformedInputException)"})
			continue
		}
		logical := strings.TrimLeft(line, " \t\f")
		if logical == "" || logical[0] == '#' || logical[0] == '!' {
			continue
		}
		for continues(logical) && i+1 < len(lines) {
			i++
			logical = logical[:len(logical)-1] + strings.TrimLeft(strings.TrimRight(lines[i], "\r"), " \t\f")
		}
		logical = strings.TrimSuffix(logical, `\`)
		keyEnd := len(logical)
		for j := 0; j < len(logical); j++ {
			if logical[j] == '\\' {
				j++
				continue
			}
			if strings.IndexByte("=: \t\f", logical[j]) >= 0 {
				keyEnd = j
				break
			}
		}
		rest := strings.TrimLeft(logical[keyEnd:], " \t\f")
		if rest != "" && (rest[0] == '=' || rest[0] == ':') {
			rest = strings.TrimLeft(rest[1:], " \t\f")
		}
		key, err1 := unescapeProperty(logical[:keyEnd])
		value, err2 := unescapeProperty(rest)
		if err1 != "" || err2 != "" {
			errs = append(errs, propertyError{start, err1 + err2})
			continue
		}
		props[key] = property{value: value, line: start}
	}
	return props, errs
}

// continues reports whether a line ends in an odd number of backslashes.
func continues(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// unescapeProperty undoes the escapes of a key or value, or says why it
// cannot.
func unescapeProperty(s string) (string, string) {
	if !strings.Contains(s, `\`) {
		return s, ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", `has a malformed \uxxxx escape`
			}
			n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", `has a malformed \uxxxx escape`
			}
			b.WriteRune(rune(n))
			i += 4
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), ""
}
