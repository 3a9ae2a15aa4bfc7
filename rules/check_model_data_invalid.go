package rules

import (
	"regexp"
	"strings"

	"github.com/mati-dev/mati/deploy"
)

var modelDataInvalid = Meta{
	ID:       "model-data-invalid",
	Severity: Error,
	Summary:  "The container's model data location is not an S3 URI, or its S3DataType and CompressionType disagree with what is stored there.",
	Hint:     "use ModelDataUrl for a model.tar.gz, or ModelDataSource with S3DataType S3Prefix, CompressionType None and a URI ending in / for uncompressed files",
}

var (
	// s3URIRE captures the bucket and key of an s3:// URI:
	//   "s3://my-bucket/churn/model.tar.gz" -> "my-bucket", "churn/model.tar.gz"
	//   "s3://my-bucket/llama/"             -> "my-bucket", "llama/"
	s3URIRE = regexp.MustCompile(`^s3://([^/]+)/(.*)$`)
	// bucketRE matches an S3 bucket name: 3 to 63 lower-case letters, digits,
	// dots and hyphens, starting and ending with a letter or digit.
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// httpsS3RE matches the https form CreateModel also accepts:
	//   "https://my-bucket.s3.us-east-1.amazonaws.com/model.tar.gz"
	//   "https://s3.amazonaws.com/my-bucket/model.tar.gz"
	httpsS3RE = regexp.MustCompile(`^https://([a-z0-9.-]+\.)?s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?/.+`)
)

// checkModelData reports a CreateModel container's model data md that
// SageMaker rejects or cannot use for the artifact a. A nil md (the artifact
// was not named by a CreateModel document) gives no findings.
func checkModelData(a *Archive, md *deploy.ModelData) []Finding {
	if md == nil {
		return nil
	}
	bad := func(format string, args ...any) []Finding {
		return []Finding{a.Finding(modelDataInvalid, "", 0, 0, format, args...)}
	}
	// The https form is accepted for ModelDataUrl; anything else must be an
	// s3:// URI.
	if md.Field != "ModelDataUrl" || !httpsS3RE.MatchString(md.URI) {
		m := s3URIRE.FindStringSubmatch(md.URI)
		switch {
		case m == nil:
			return bad("%s %q is not an s3:// URI", md.Field, md.URI)
		case !bucketRE.MatchString(m[1]):
			return bad("%s %q names an invalid bucket %q", md.Field, md.URI, m[1])
		case m[2] == "" && !md.Prefix():
			return bad("%s %q names a bucket but no object", md.Field, md.URI)
		}
	}
	if md.Field != "ModelDataUrl" {
		switch md.S3DataType {
		case deploy.S3DataTypeObject, deploy.S3DataTypePrefix:
		default:
			return bad("S3DataType is %q; want %q or %q", md.S3DataType, deploy.S3DataTypeObject, deploy.S3DataTypePrefix)
		}
		switch md.CompressionType {
		case deploy.CompressionGzip, deploy.CompressionNone:
		default:
			return bad("CompressionType is %q; want %q or %q", md.CompressionType, deploy.CompressionGzip, deploy.CompressionNone)
		}
		if md.S3DataType == deploy.S3DataTypePrefix && md.CompressionType == deploy.CompressionGzip {
			return bad("CompressionType %q with S3DataType %q: a prefix of files cannot be one gzip archive", md.CompressionType, md.S3DataType)
		}
		if md.S3DataType == deploy.S3DataTypePrefix && !strings.HasSuffix(md.URI, "/") {
			return bad("S3Uri %q is an S3Prefix but does not end in \"/\"", md.URI)
		}
	}
	switch {
	case md.Compressed() && a.Format == "s3-prefix":
		return bad("%s %q is read as a gzip-compressed tar, but it is a prefix of files", md.Field, md.URI)
	case !md.Compressed() && !md.MultiModel && (a.Format == "tar.gz" || a.Format == "tar"):
		return bad("CompressionType is %q but %q is a %s archive: SageMaker would copy it to /opt/ml/model without extracting it", md.CompressionType, md.URI, a.Format)
	}
	return nil
}

var modelDataInvalidRule = Rule{Meta: modelDataInvalid, Check: func(a *Archive) []Finding { return checkModelData(a, a.ModelData) }}
