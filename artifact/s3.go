package artifact

import "errors"

// S3Options are the AWS settings used for s3:// sources.
type S3Options struct{}

// newS3Source returns the source for an s3:// reference.
func newS3Source(ref string, opts S3Options) (Source, error) {
	return nil, errors.New("s3 sources are not supported yet")
}
