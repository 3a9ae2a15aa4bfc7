package modelfile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// XGBoost loads (sagemaker-xgboost-container, xgboost Learner::LoadModel):
//   - JSON: an object with a top-level "learner" key;
//   - UBJSON: starts with '{' and a key length marker (i, U, I, l, L) or an
//     optimised container marker ($, #);
//   - the legacy binary format: optionally "binf", then the 136-byte
//     LearnerModelParam, then the objective name and the booster name as
//     length-prefixed (uint64) strings, the booster being gbtree, gblinear
//     or dart.

const xgbParamLen = 136

var xgbBoosters = map[string]bool{"gbtree": true, "gblinear": true, "dart": true}

// sniffXGBoost recognises the three XGBoost formats from their first bytes.
func sniffXGBoost(head []byte, ext string) Kind {
	t := bytes.TrimLeft(head, " \t\r\n")
	if len(t) >= 2 && t[0] == '{' {
		if len(t) == len(head) && strings.ContainsRune("iUIlL$#", rune(t[1])) &&
			(ext == ".ubj" || bytes.Contains(head[:min(len(head), 64)], []byte("learner"))) {
			return KindXGBoostUBJ
		}
		if bytes.Contains(head, []byte(`"learner"`)) {
			return KindXGBoostJSON
		}
		return KindUnknown
	}
	if bytes.HasPrefix(head, []byte("binf")) || xgbBinaryProblem(head) == "" {
		return KindXGBoostBinary
	}
	return KindUnknown
}

// xgbBinaryProblem checks the legacy binary layout in head and returns what
// is wrong, or "".
func xgbBinaryProblem(head []byte) string {
	b := bytes.TrimPrefix(head, []byte("binf"))
	if len(b) < xgbParamLen+8 {
		return "too short for the legacy binary header"
	}
	b = b[xgbParamLen:]
	obj, rest, ok := xgbString(b, 128)
	if !ok || !strings.Contains(obj, ":") && obj != "" {
		return "objective name is not a length-prefixed string"
	}
	gbm, _, ok := xgbString(rest, 16)
	if !ok || !xgbBoosters[gbm] {
		return "booster name is not gbtree, gblinear or dart"
	}
	return ""
}

func xgbString(b []byte, maxLen uint64) (string, []byte, bool) {
	if len(b) < 8 {
		return "", nil, false
	}
	n := binary.LittleEndian.Uint64(b)
	if n > maxLen || uint64(len(b)-8) < n {
		return "", nil, false
	}
	s := b[8 : 8+n]
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			return "", nil, false
		}
	}
	return string(s), b[8+n:], true
}

func scanXGBoost(rep *Report, kind Kind, head []byte, br *bufio.Reader, lim *Limits) error {
	bad := func(format string, args ...any) { rep.add(CodeXGBoost, "", -1, format, args...) }
	switch kind {
	case KindXGBoostJSON:
		return scanXGBoostJSON(br, bad)
	case KindXGBoostUBJ:
		if len(head) < 2 || head[0] != '{' || !strings.ContainsRune("iUIlL$#}", rune(head[1])) {
			bad("UBJSON model does not start with an object")
		}
	case KindXGBoostBinary:
		// The container tries pickle.load before Booster.load_model: walk
		// the file as a pickle first.
		pr, _, err := walkPickles(br, "", lim, false)
		if err != nil {
			return err
		}
		rep.merge(pr)
		if pr.complete {
			rep.Kind = KindPickle
			return nil
		}
		if p := xgbBinaryProblem(head); p != "" {
			bad("legacy binary model: %s", p)
		}
	}
	return nil
}

// scanXGBoostJSON validates the JSON token by token (bounded memory) and
// looks for a top-level "learner" key.
func scanXGBoostJSON(r io.Reader, bad func(string, ...any)) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return jsonErr(err, bad)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		bad("JSON model is not an object")
		return nil
	}
	depth, learner := 1, false
	expectKey := true
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err, bad)
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			if depth == 1 {
				expectKey = true
			}
			continue
		case string:
			if depth == 1 && expectKey {
				if v == "learner" {
					learner = true
				}
				expectKey = false
				continue
			}
		}
		if depth == 1 {
			expectKey = true
		}
	}
	if !learner {
		bad(`JSON model has no top-level "learner" key`)
	}
	return nil
}

func jsonErr(err error, bad func(string, ...any)) error {
	var se *json.SyntaxError
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) {
		bad("JSON model is not valid JSON: %v", err)
		return nil
	}
	var ue *json.UnmarshalTypeError
	if errors.As(err, &ue) {
		bad("JSON model is not valid JSON: %v", err)
		return nil
	}
	return &ioError{err}
}
