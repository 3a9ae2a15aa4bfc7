package artifact

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// fileSource is a local file: a .tar.gz, .tgz, .tar or anything else,
// recognised by content when it is walked.
type fileSource struct {
	name string
}

// Name returns the path as the user wrote it.
func (s *fileSource) Name() string { return s.name }

// Open opens the file; the caller closes it.
func (s *fileSource) Open(ctx context.Context) (io.ReadCloser, error) {
	f, err := os.Open(s.name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(s.name)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to open %q: %w", s.name, err)
	}
	return f, nil
}

// folderSource is a local directory: a model folder before packaging. It
// implements Walker.
type folderSource struct {
	name string
}

// Name returns the path as the user wrote it.
func (s *folderSource) Name() string { return s.name }

// Open fails: a folder is not one stream. Use Walk, or WalkSource.
func (s *folderSource) Open(ctx context.Context) (io.ReadCloser, error) {
	return nil, fmt.Errorf("failed to open %q: it is a folder, not an archive", s.name)
}

// Walk visits everything under the folder in lexical order, with paths
// relative to it using "/" (the folder itself is not visited). Entries are
// read with lstat: a symbolic link is recorded with its target and never
// followed. Names are already normal, so Name equals Path and Unsafe is
// empty; Typeflag is 0. The opened file is closed when fn returns.
func (s *folderSource) Walk(ctx context.Context, fn WalkFunc) error {
	root, err := os.OpenRoot(s.name)
	if errors.Is(err, fs.ErrNotExist) {
		return notFound(s.name)
	}
	if err != nil {
		return fmt.Errorf("failed to open %q: %w", s.name, err)
	}
	defer root.Close()
	return fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("failed to read %q: %w", p, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("failed to stat %q: %w", p, err)
		}
		e := Entry{Path: p, Name: p, Mode: tarMode(info.Mode())}
		switch m := info.Mode(); {
		case m.IsRegular():
			e.Type = TypeFile
			e.Size = info.Size()
		case m.IsDir():
			e.Type = TypeDir
		case m&fs.ModeSymlink != 0:
			e.Type = TypeSymlink
			if e.Link, err = root.Readlink(p); err != nil {
				return fmt.Errorf("failed to read link %q: %w", p, err)
			}
		default:
			e.Type = TypeOther
		}
		var f *os.File
		defer func() {
			if f != nil {
				f.Close()
			}
		}()
		return fn(e, func() (io.Reader, error) {
			if e.Type != TypeFile {
				return nil, fmt.Errorf("failed to open %q: it is a %s, not a regular file", p, e.Type)
			}
			if f != nil {
				return nil, fmt.Errorf("failed to open %q: already opened", p)
			}
			f, err = root.Open(p)
			if err != nil {
				return nil, fmt.Errorf("failed to open %q: %w", p, err)
			}
			return f, nil
		})
	})
}

// tarMode maps a file mode to tar mode bits: permissions plus setuid
// (0o4000), setgid (0o2000) and sticky (0o1000).
func tarMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}
