package rules

import (
	"errors"

	"github.com/mati-dev/mati/artifact"
)

var archiveCorrupt = Meta{
	ID:       "archive-corrupt",
	Severity: Error,
	Summary:  "The gzip stream or the tar structure is truncated or corrupt, so SageMaker cannot extract the artifact.",
	Hint:     "rebuild the archive (tar -czf model.tar.gz -C model_dir .) and upload it again; check that the upload finished",
}

var archiveCorruptRule = Rule{Meta: archiveCorrupt, Check: func(a *Archive) []Finding {
	if a.ReadErr == nil || !errors.Is(a.ReadErr, artifact.ErrCorrupt) {
		return nil
	}
	msg := a.ReadErr.Error()
	var ce *artifact.CorruptError
	if errors.As(a.ReadErr, &ce) {
		msg = ce.Error()
	}
	return []Finding{a.Finding(archiveCorrupt, "", 0, 0, "%s; SageMaker cannot extract it", msg)}
}}
