package rules

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/mati-dev/mati/deploy"
)

var imageDependencyConflict = Meta{
	ID:       "image-dependency-conflict",
	Severity: Warning,
	Summary:  "code/requirements.txt pins the framework itself to another version than the image's, so the container reinstalls it at start-up or fails to.",
	Hint:     "remove the framework from code/requirements.txt, or pick the image whose version matches the pin",
}

// conflictPackages are the framework packages whose pins are compared with
// the image.
var conflictPackages = []string{"torch", "tensorflow", "xgboost", "scikit-learn"}

var imageDependencyConflictRule = Rule{Meta: imageDependencyConflict, Check: func(a *Archive) []Finding {
	const reqPath = "code/requirements.txt"
	im, ok := a.deployImage()
	if !ok || !im.Known {
		return nil
	}
	body, ok := a.Files[reqPath]
	if !ok {
		return nil
	}
	var fs []Finding
	for _, r := range parseRequirements(body) {
		if !containsString(conflictPackages, r.name) {
			continue
		}
		have, ok := im.PackageVersion(r.name)
		if !ok {
			continue
		}
		if !satisfies(have, r.specs) {
			fs = append(fs, a.Finding(imageDependencyConflict, reqPath, r.line, 0,
				"%q pins %s but image %q has %s %s", r.text, r.name, im.Repository, r.name, have))
		}
	}
	return fs
}, Reads: readsRequirements}

// requirement is one line of a requirements file that names a package.
type requirement struct {
	name  string // normalised: "scikit-learn"
	specs []versionSpec
	line  int    // 1-based
	text  string // the requirement as written, without comment or marker
}

// versionSpec is one comparison of a requirement: ">=", "2.0".
type versionSpec struct {
	op, version string
}

var (
	// reqNameRE captures the package name and the rest of a requirement:
	//   "torch==2.0.1"              -> "torch", "==2.0.1"
	//   "scikit_learn >= 1.2, <1.4" -> "scikit_learn", " >= 1.2, <1.4"
	//   "torch[cuda]==2.0.1"        -> "torch", "[cuda]==2.0.1"
	reqNameRE = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)(.*)$`)
	// specRE captures the operator and version of one specifier:
	//   "==2.0.1" -> "==", "2.0.1"; "~= 1.2" -> "~=", "1.2"; "==2.0.*" -> "==", "2.0.*"
	specRE = regexp.MustCompile(`^\s*(===|==|~=|!=|<=|>=|<|>)\s*([0-9A-Za-z.*+!_-]+)\s*$`)
)

// parseRequirements returns the requirements of a pip requirements file
// that name a package with version specifiers or none. Options (-r, -e,
// --index-url), URLs and direct references ("pkg @ url") are skipped.
func parseRequirements(body []byte) []requirement {
	var out []requirement
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		if i := strings.Index(line, ";"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "-") || strings.Contains(line, "://") || strings.Contains(line, "@") {
			continue
		}
		m := reqNameRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[2])
		if strings.HasPrefix(rest, "[") {
			i := strings.Index(rest, "]")
			if i < 0 {
				continue
			}
			rest = strings.TrimSpace(rest[i+1:])
		}
		r := requirement{name: deploy.NormalizePackage(m[1]), line: n, text: line}
		valid := true
		if rest != "" {
			for _, part := range strings.Split(rest, ",") {
				sm := specRE.FindStringSubmatch(part)
				if sm == nil {
					valid = false
					break
				}
				r.specs = append(r.specs, versionSpec{op: sm[1], version: sm[2]})
			}
		}
		if valid {
			out = append(out, r)
		}
	}
	return out
}

// satisfies reports whether version have, as precise as the image tag says
// ("2.0.1", or "1.7" for an XGBoost image), meets every spec. A comparison
// the image's precision cannot decide, or a version that is not plain
// numbers, counts as met.
func satisfies(have string, specs []versionSpec) bool {
	h, ok := versionParts(have)
	if !ok {
		return true
	}
	for _, s := range specs {
		wild := strings.HasSuffix(s.version, ".*")
		v, ok := versionParts(strings.TrimSuffix(s.version, ".*"))
		if !ok {
			continue
		}
		c, decided := compareVersions(h, v, wild)
		if !decided {
			continue
		}
		met := true
		switch s.op {
		case "==", "===":
			met = c == 0
		case "!=":
			met = c != 0
		case "<":
			met = c < 0
		case "<=":
			met = c <= 0
		case ">":
			met = c > 0
		case ">=":
			met = c >= 0
		case "~=":
			// ~=X.Y.Z means >=X.Y.Z and ==X.Y.*.
			if len(v) < 2 {
				continue
			}
			pc, pd := compareVersions(h, v[:len(v)-1], true)
			met = c >= 0 && (!pd || pc == 0)
		}
		if !met {
			return false
		}
	}
	return true
}

// versionParts splits "2.0.1" (or "2.0.1+cu118") into numbers, false when a
// part is not a number ("2.1.0rc1").
func versionParts(v string) ([]int, bool) {
	if i := strings.Index(v, "+"); i >= 0 {
		v = v[:i]
	}
	if v == "" {
		return nil, false
	}
	var out []int
	for _, p := range strings.Split(v, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// compareVersions compares the image's version h with a requirement's
// version v. With prefix, only v's parts are compared ("2.0.*"). Otherwise v
// is padded with zeros as pip does ("2.0" == "2.0.0"). decided is false when
// h is less precise than the comparison needs and agrees on the parts it
// has.
func compareVersions(h, v []int, prefix bool) (c int, decided bool) {
	n := len(v)
	if !prefix {
		n = max(len(h), len(v))
	}
	for i := 0; i < n; i++ {
		if i >= len(h) {
			return 0, false
		}
		var vi int
		if i < len(v) {
			vi = v[i]
		}
		if h[i] != vi {
			if h[i] < vi {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

// containsString reports whether ss holds s.
func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// readsRequirements declares code/requirements.txt, which pins the
// framework's own packages.
func readsRequirements(p string) Read {
	if p == "code/requirements.txt" {
		return ReadRequired
	}
	return ReadNone
}
