package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// envName matches an environment variable name.
//
//	SAGEMAKER_PROGRAM -> match
//	HF_TASK           -> match
//	_x1               -> match
//	1ABC, A-B, A B    -> no match
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseEnvVar splits "KEY=VALUE" (VALUE may be empty or hold "=").
func ParseEnvVar(kv string) (key, value string, err error) {
	key, value, ok := strings.Cut(kv, "=")
	if !ok {
		return "", "", errors.New("want KEY=VALUE")
	}
	if !envName.MatchString(key) {
		return "", "", fmt.Errorf("invalid name %q", key)
	}
	return key, value, nil
}

// ParseEnvFile reads KEY=VALUE lines: blank lines and lines starting with #
// are skipped, a leading "export " is allowed, and a value wrapped in one
// pair of single or double quotes is unwrapped. Errors name the 1-based
// line.
//
//	SAGEMAKER_PROGRAM=serve.py       -> SAGEMAKER_PROGRAM = serve.py
//	export HF_TASK="text-generation" -> HF_TASK = text-generation
//	# a comment                      -> skipped
func ParseEnvFile(b []byte) (map[string]string, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimSpace(strings.TrimPrefix(line, "export "))
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want KEY=VALUE", n)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !envName.MatchString(k) {
			return nil, fmt.Errorf("line %d: invalid name %q", n, k)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		vars[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return vars, nil
}
