package rules

import (
	"errors"
	"fmt"

	"github.com/mati-dev/mati/artifact"
)

var archiveLimitExceeded = Meta{
	ID:       "archive-limit-exceeded",
	Severity: Error,
	Summary:  "Reading the artifact went over a safety limit (entries, bytes, compression ratio, path length or depth); the rest was not read.",
	Hint:     "if the artifact is legitimate, raise the limit with the matching --max-* flag; otherwise treat it as hostile",
}

var archiveLimitExceededRule = Rule{Meta: archiveLimitExceeded, Check: func(a *Archive) []Finding {
	if a.ReadErr == nil || !errors.Is(a.ReadErr, artifact.ErrLimit) {
		return nil
	}
	var le *artifact.LimitError
	if errors.As(a.ReadErr, &le) {
		where := ""
		if le.Path != "" {
			where = fmt.Sprintf(" at %q", le.Path)
		}
		return []Finding{a.Finding(archiveLimitExceeded, "", 0, 0, "stopped reading after %d entries: %s %d is over the limit of %d%s; the rest was not checked", len(a.Entries), le.Limit, le.Value, le.Max, where)}
	}
	return []Finding{a.Finding(archiveLimitExceeded, "", 0, 0, "stopped reading after %d entries: %v", len(a.Entries), a.ReadErr)}
}}
