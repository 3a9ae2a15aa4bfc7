package artifact

// The rules for errors in this package are:
//   - Sentinels name the cases callers branch on: [ErrNotFound], [ErrNotArchive],
//     [ErrCorrupt] and [ErrLimit]. Test for them with errors.Is.
//   - An error that comes with advice for the user implements Hint() string;
//     [HintOf] finds it anywhere in the chain. The CLI prints it on its own
//     line as "mati: hint: ...".
//   - Hints are lower case with no final period, like error messages.

import (
	"errors"
	"fmt"
)

// ErrNotFound is wrapped by errors for an artifact that does not exist.
var ErrNotFound = errors.New("not found")

// ErrNotArchive is wrapped by errors for input whose first bytes are neither
// gzip nor a tar header (a text file, a zip, gzip of something else).
var ErrNotArchive = errors.New("not a tar or tar.gz archive")

// ErrCorrupt is wrapped by [*CorruptError]: the input started as an archive
// but its gzip or tar stream is truncated or damaged further on.
var ErrCorrupt = errors.New("corrupt archive")

// ErrLimit is wrapped by [*LimitError]: reading stopped because a [Limits]
// value was exceeded.
var ErrLimit = errors.New("archive limit exceeded")

// hinted is an error that carries advice for the user.
type hinted struct {
	err  error
	hint string
}

// withHint returns err with hint attached; [HintOf] finds it.
func withHint(err error, hint string) error {
	return &hinted{err: err, hint: hint}
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }
func (h *hinted) Hint() string  { return h.hint }

// HintOf returns the advice carried by err or by any error it wraps: the
// result of the first Hint() string method found by errors.As. It returns ""
// when there is none, or when err is nil.
func HintOf(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

// CorruptError reports a gzip or tar stream that is truncated or damaged
// after a valid start. Every entry before the damage was already passed to
// the [WalkFunc].
type CorruptError struct {
	// Err is the underlying error from the gzip or tar reader, e.g.
	// io.ErrUnexpectedEOF, gzip.ErrChecksum or "gzip: invalid deflate
	// data", the same whichever decoder inflated the stream.
	Err error
	// Entries is the number of entries delivered before the damage.
	Entries int
	// Offset is the position in the uncompressed tar stream, in bytes, that
	// was reached when the error occurred.
	Offset int64
	// Path is the normalised path of the last entry delivered, the one being
	// read or skipped when the error occurred ("" if none).
	Path string
}

// Error describes the damage, e.g. "corrupt archive after 3 entries (in
// "model.pth", offset 4608): unexpected EOF".
func (e *CorruptError) Error() string {
	where := fmt.Sprintf("offset %d", e.Offset)
	if e.Path != "" {
		where = fmt.Sprintf("in %q, offset %d", e.Path, e.Offset)
	}
	return fmt.Sprintf("corrupt archive after %d entries (%s): %v", e.Entries, where, e.Err)
}

// Unwrap returns [ErrCorrupt] and the underlying error, so errors.Is works
// for both.
func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }

// Hint says how to get an intact archive.
func (e *CorruptError) Hint() string {
	return "the archive is truncated or damaged: check the upload or download finished, and re-create it with tar -czf"
}

// LimitError reports that reading stopped because a [Limits] value was
// exceeded. Every entry before it was already passed to the [WalkFunc].
type LimitError struct {
	// Limit names the limit: "entries", "path-length", "depth",
	// "total-bytes" or "ratio".
	Limit string
	// Max is the limit's value (for "ratio", rounded down to an integer).
	Max int64
	// Value is the value that went over it: the entry count, the name length
	// in bytes, the depth in path elements, the bytes produced, or the
	// compression ratio rounded down.
	Value int64
	// Path is the normalised path of the entry at which the limit was hit,
	// shortened to at most 256 bytes; "" if the limit is not about one entry.
	Path string
}

// Error describes the limit, e.g. `archive limit exceeded: entries 200001
// over the maximum of 200000 at "a/b"`.
func (e *LimitError) Error() string {
	s := fmt.Sprintf("%v: %s %d over the maximum of %d", ErrLimit, e.Limit, e.Value, e.Max)
	if e.Path != "" {
		s += fmt.Sprintf(" at %q", e.Path)
	}
	return s
}

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }

// Hint says what the limit protects against and how to go past it.
func (e *LimitError) Hint() string {
	return fmt.Sprintf("limits guard against archive bombs: if the artifact is trusted, raise the %s limit", e.Limit)
}

// shorten cuts s to at most n bytes, marking the cut with "...".
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
