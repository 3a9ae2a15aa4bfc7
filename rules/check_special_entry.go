package rules

import "github.com/mati-dev/mati/artifact"

var specialEntry = Meta{
	ID:       "special-entry",
	Severity: Error,
	Summary:  "The artifact holds a device file, a FIFO or another entry that is neither a file, a folder nor a link.",
	Hint:     "remove the entry and rebuild the archive from regular files only",
}

var specialEntryRule = Rule{Meta: specialEntry, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, e := range a.Entries {
		if e.Type == artifact.TypeOther {
			fs = append(fs, a.Finding(specialEntry, e.Path, 0, 0, "%q is a %s entry (tar type %q)", e.Path, typeflagName(e.Typeflag), string(rune(e.Typeflag))))
		}
	}
	return fs
}}

// typeflagName names a tar type flag.
func typeflagName(f byte) string {
	switch f {
	case '3':
		return "character device"
	case '4':
		return "block device"
	case '6':
		return "FIFO"
	case '7':
		return "contiguous file"
	}
	return "special"
}
