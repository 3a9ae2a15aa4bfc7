// Package artifact reads SageMaker model artifacts: it finds where the bytes
// come from (a local file, a folder, standard input, an S3 object or an S3
// prefix) and walks them in a single streaming pass, handing every entry and
// a lazy opener for its content to a callback.
//
// It never extracts anything to disk and never buffers a member: a callback
// that does not open a member lets it stream past unread.
//
// # API stability
//
// The package is importable, but its API is not stable.
package artifact
