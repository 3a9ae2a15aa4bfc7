package pysyntax

import (
	"hash/fnv"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/unicode/runenames"
)

// nameIndex maps the FNV-1a hash of each Unicode character name to its
// rune. It is built on the first \N{name} escape (about 290,000 names, a
// few milliseconds) and holds hashes, not names, to stay small; a lookup
// checks the name it finds.
var nameIndex = sync.OnceValue(func() map[uint64]rune {
	m := make(map[uint64]rune, 300000)
	for r := rune(0); r <= 0x10FFFF; r++ {
		n := runenames.Name(r)
		if n == "" || n[0] == '<' {
			continue // no name, or a range named by an algorithm (see lookupName)
		}
		if _, dup := m[hashName(n)]; !dup {
			m[hashName(n)] = r
		}
	}
	return m
})

// hashName is the FNV-1a hash of a name.
func hashName(n string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(n))
	return h.Sum64()
}

// lookupName returns the character a \N{name} escape names. Like Python's
// lookup it ignores case, and it knows the names made by algorithm: "CJK
// UNIFIED IDEOGRAPH-4E00" and the Hangul syllables ("HANGUL SYLLABLE GA").
// Name aliases ("NULL") are not known.
//
//	"EM DASH", "em dash"          -> '—'
//	"CJK UNIFIED IDEOGRAPH-4E00"  -> '一'
//	"HANGUL SYLLABLE GAG"         -> '각'
//	"NULL", " EM DASH"            -> not known
func lookupName(name string) (rune, bool) {
	name = strings.ToUpper(name)
	if name == "" || len(name) > 100 {
		return 0, false
	}
	if hex, ok := strings.CutPrefix(name, "CJK UNIFIED IDEOGRAPH-"); ok {
		v, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || (len(hex) != 4 && len(hex) != 5) || !strings.HasPrefix(runenames.Name(rune(v)), "<CJK Ideograph") {
			return 0, false
		}
		return rune(v), true
	}
	if syl, ok := strings.CutPrefix(name, "HANGUL SYLLABLE "); ok {
		return hangul(syl)
	}
	r, ok := nameIndex()[hashName(name)]
	if !ok || runenames.Name(r) != name {
		return 0, false
	}
	return r, true
}

// The jamo short names of the Hangul syllable algorithm (Unicode 3.12).
var (
	hangulL = []string{"G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S", "SS", "", "J", "JJ", "C", "K", "T", "P", "H"}
	hangulV = []string{"A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE", "OE", "YO", "U", "WEO", "WE", "WI",
		"YU", "EU", "YI", "I"}
	hangulT = []string{"", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG", "LM", "LB", "LS", "LT", "LP", "LH", "M", "B",
		"BS", "S", "SS", "NG", "J", "C", "K", "T", "P", "H"}
)

// hangul returns the syllable whose short name is syl ("GAG"). A name can
// split several ways into jamo; only one of them is a valid syllable name,
// so every split is tried.
func hangul(syl string) (rune, bool) {
	for l, ls := range hangulL {
		rest, ok := strings.CutPrefix(syl, ls)
		if !ok {
			continue
		}
		for v, vs := range hangulV {
			tail, ok := strings.CutPrefix(rest, vs)
			if !ok {
				continue
			}
			for t, ts := range hangulT {
				if tail == ts {
					return rune(0xAC00 + (l*21+v)*28 + t), true
				}
			}
		}
	}
	return 0, false
}
