package scan

import (
	"fmt"
	"path"
	"strings"
)

// DefaultInclude are the globs an artifact matches when no include glob is
// given: gzip-compressed and plain tar archives.
var DefaultInclude = []string{"*.tar.gz", "*.tgz", "*.tar"}

// Filter selects items by their key. The zero value keeps what
// [DefaultInclude] matches.
type Filter struct {
	// Include are globs of which a key must match one; empty means
	// DefaultInclude.
	Include []string
	// Exclude are globs of which a key must match none.
	Exclude []string
}

// Validate returns an error naming the first malformed glob.
func (f Filter) Validate() error {
	for _, p := range append(append([]string{}, f.Include...), f.Exclude...) {
		if err := ValidPattern(p); err != nil {
			return err
		}
	}
	return nil
}

// Match reports whether key is included and not excluded. A malformed glob
// matches nothing.
func (f Filter) Match(key string) bool {
	inc := f.Include
	if len(inc) == 0 {
		inc = DefaultInclude
	}
	ok := false
	for _, p := range inc {
		if Match(p, key) {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	for _, p := range f.Exclude {
		if Match(p, key) {
			return false
		}
	}
	return true
}

// ValidPattern returns an error if pattern is not a glob [Match] accepts.
func ValidPattern(pattern string) error {
	if pattern == "" {
		return fmt.Errorf("empty glob")
	}
	for _, el := range strings.Split(strings.TrimPrefix(pattern, "/"), "/") {
		if el == "**" {
			continue
		}
		if _, err := path.Match(el, ""); err != nil {
			return fmt.Errorf("invalid glob %q: %v", pattern, err)
		}
	}
	return nil
}

// Match reports whether key (elements separated by "/") matches the glob
// pattern:
//   - a pattern without "/" is matched against the key's last element;
//   - a pattern with "/" is matched against the whole key, element by
//     element, a leading "/" ignored; an element "**" matches any number of
//     elements, none included;
//   - each element is matched with [path.Match]: "*", "?", "[a-z]", "\\".
//
// Examples:
//
//	*.tar.gz             a/b/model.tar.gz  -> true
//	*.tar.gz             a/b/model.tgz     -> false
//	models/*.tar.gz      models/m.tar.gz   -> true
//	models/*.tar.gz      models/x/m.tar.gz -> false
//	models/**/*.tar.gz   models/x/m.tar.gz -> true
//	models/**/*.tar.gz   models/m.tar.gz   -> true
//	**/archive/**        a/archive/m.tar   -> true
func Match(pattern, key string) bool {
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, key[strings.LastIndex(key, "/")+1:])
		return ok
	}
	return matchElems(strings.Split(strings.TrimPrefix(pattern, "/"), "/"), strings.Split(key, "/"))
}

// matchElems matches pattern elements against key elements.
func matchElems(pat, key []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return true
			}
			for i := range key {
				if matchElems(pat, key[i:]) {
					return true
				}
			}
			return false
		}
		if len(key) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], key[0]); !ok {
			return false
		}
		pat, key = pat[1:], key[1:]
	}
	return len(key) == 0
}
