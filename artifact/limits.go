package artifact

// Default limits. They bound the work a hostile archive can cause; real
// artifacts stay far below them (a 20,000-file artifact is fine, a gzip bomb
// or a million-entry tar is not).
const (
	// DefaultMaxEntries is the most entries a walk visits.
	DefaultMaxEntries = 200_000
	// DefaultMaxPathLen is the longest member name, in bytes.
	DefaultMaxPathLen = 4096
	// DefaultMaxDepth is the most path elements in a normalised member path.
	DefaultMaxDepth = 256
	// DefaultMaxTotalBytes is the most uncompressed tar bytes a walk produces.
	DefaultMaxTotalBytes int64 = 1 << 40
	// DefaultMaxRatio is the highest compression ratio (bytes produced over
	// bytes read) allowed once DefaultRatioFloor bytes have been produced.
	DefaultMaxRatio = 200.0
	// DefaultRatioFloor is the number of bytes produced below which the ratio
	// is not checked.
	DefaultRatioFloor int64 = 1 << 30
	// DefaultMaxMemberRead is the most bytes a check reads from one member.
	DefaultMaxMemberRead int64 = 4 << 20
)

// DefaultLimits holds the default value of every limit.
var DefaultLimits = Limits{
	MaxEntries:    DefaultMaxEntries,
	MaxPathLen:    DefaultMaxPathLen,
	MaxDepth:      DefaultMaxDepth,
	MaxTotalBytes: DefaultMaxTotalBytes,
	MaxRatio:      DefaultMaxRatio,
	RatioFloor:    DefaultRatioFloor,
	MaxMemberRead: DefaultMaxMemberRead,
}

// Limits bound a walk. A zero field means the default from [DefaultLimits];
// a negative field disables that limit. Going over a limit stops the walk
// with a [*LimitError]; nothing is skipped silently.
type Limits struct {
	// MaxEntries is the most entries visited.
	MaxEntries int
	// MaxPathLen is the longest member name in bytes, as stored.
	MaxPathLen int
	// MaxDepth is the most elements in a normalised path ("a/b/c" is 3).
	MaxDepth int
	// MaxTotalBytes is the most uncompressed tar bytes produced, headers
	// included.
	MaxTotalBytes int64
	// MaxRatio is the highest ratio of bytes produced to bytes read from the
	// source, checked once RatioFloor bytes have been produced.
	MaxRatio float64
	// RatioFloor is the number of bytes produced before MaxRatio applies.
	RatioFloor int64
	// MaxMemberRead is the most bytes a check reads from one member. Walk
	// does not enforce it: the rules package reads members under it.
	MaxMemberRead int64
}

// withDefaults returns l with every zero field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxEntries == 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxPathLen == 0 {
		l.MaxPathLen = d.MaxPathLen
	}
	if l.MaxDepth == 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxTotalBytes == 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	if l.MaxRatio == 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.RatioFloor == 0 {
		l.RatioFloor = d.RatioFloor
	}
	if l.MaxMemberRead == 0 {
		l.MaxMemberRead = d.MaxMemberRead
	}
	return l
}

// checkEntry returns a *LimitError if e, the n-th entry (1-based), goes over
// the entry, path-length or depth limit; l has its defaults applied.
func (l Limits) checkEntry(e Entry, n int) error {
	if l.MaxEntries > 0 && n > l.MaxEntries {
		return &LimitError{Limit: "entries", Max: int64(l.MaxEntries), Value: int64(n), Path: shorten(e.Path, 256)}
	}
	if l.MaxPathLen > 0 && len(e.Name) > l.MaxPathLen {
		return &LimitError{Limit: "path-length", Max: int64(l.MaxPathLen), Value: int64(len(e.Name)), Path: shorten(e.Path, 256)}
	}
	if d := depth(e.Path); l.MaxDepth > 0 && d > l.MaxDepth {
		return &LimitError{Limit: "depth", Max: int64(l.MaxDepth), Value: int64(d), Path: shorten(e.Path, 256)}
	}
	return nil
}

// depth is the number of elements in a normalised path; the root has 0.
func depth(p string) int {
	if p == "" {
		return 0
	}
	n := 1
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			n++
		}
	}
	return n
}
