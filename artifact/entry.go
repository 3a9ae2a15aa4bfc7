package artifact

import (
	"context"
	"io"
)

// Type is the kind of an archive member.
type Type string

// The member types an [Entry] can have.
const (
	TypeFile     Type = "file" // regular file, GNU sparse files included
	TypeDir      Type = "dir"
	TypeSymlink  Type = "symlink"
	TypeHardlink Type = "hardlink"
	TypeOther    Type = "other" // device, FIFO, contiguous file or unknown type flag
)

// Entry is one member of an artifact, as read from its header (or from a
// folder or an S3 listing).
type Entry struct {
	// Path is the normalised member path: path.Clean applied, a leading "/"
	// or "./" removed, no trailing slash. The archive root (a member named
	// "/", "./" or ".") has Path "".
	Path string
	// Name is the member name exactly as stored in the archive.
	Name string
	// Type is the member's kind.
	Type Type
	// Size is the declared size in bytes (0 for non-regular members).
	Size int64
	// Mode holds the permission and setuid/setgid/sticky bits as stored in
	// the header (tar mode bits, e.g. 0o4755).
	Mode int64
	// Link is the target of a symlink or hard link, as stored.
	Link string
	// Typeflag is the raw tar type flag (0 for sources that are not tars).
	Typeflag byte
	// Unsafe says why extracting the member would leave the destination:
	// "absolute" for an absolute name, "escapes" for a name whose ".."
	// elements climb above the root; "" when the name is safe.
	Unsafe string
}

// OpenFunc opens the content of the entry being visited. Only regular files
// can be opened; it must be called before the WalkFunc returns, and the
// reader is valid only until then. The reader yields the bytes actually
// stored, whatever the header declared.
type OpenFunc func() (io.Reader, error)

// WalkFunc is called for every entry, in archive order. Returning a non-nil
// error stops the walk and Walk returns that error.
type WalkFunc func(e Entry, open OpenFunc) error

// Source is where archive bytes come from.
type Source interface {
	Name() string                                    // as the user wrote it: path or s3://bucket/key
	Open(ctx context.Context) (io.ReadCloser, error) // caller closes
}

// Walker is implemented by sources that are not one byte stream (a folder,
// an S3 prefix): they visit their entries themselves.
type Walker interface {
	Walk(ctx context.Context, fn WalkFunc) error
}
