package rules

import (
	"errors"

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
	return []Finding{a.Finding(archiveLimitExceeded, "", 0, 0, "stopped reading after %d entries: %v", len(a.Entries), errors.Unwrap(a.ReadErr))}
}}
