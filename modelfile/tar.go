package modelfile

import (
	"archive/tar"
	"bufio"
	"errors"
	"io"
	"path"
	"strings"
)

// scanTar reads a tar nested in the artifact (a model.tar.gz inside the
// model.tar.gz, compressed ones arrive here decompressed) and scans every
// regular member by its content, whatever its name.
func scanTar(rep *Report, br *bufio.Reader, lim *Limits, depth int) error {
	if depth >= lim.MaxDepth {
		rep.add(CodeUnscannable, "", 0, "tar nested %d deep: not opened", depth)
		return nil
	}
	tr := tar.NewReader(br)
	members := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var ie *ioError
			if errors.As(err, &ie) {
				return err
			}
			rep.add(CodeUnscannable, "", -1, "nested tar is corrupt after %d members: the rest was not checked: %v", members, err)
			return nil
		}
		members++
		if lim.MaxMembers > 0 && members > lim.MaxMembers {
			rep.add(CodeUnscannable, "", -1, "nested tar has more than %d members: the rest was not checked", lim.MaxMembers)
			return nil
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		rep.Members = append(rep.Members, name)
		if err := scanMember(rep, name, tr, h.Size, lim, depth); err != nil {
			return err
		}
	}
}

// scanMember scans one member of a zip or tar by its content, and adds
// what it found under the member's name.
func scanMember(rep *Report, name string, r io.Reader, size int64, lim *Limits, depth int) error {
	br := getReader(r)
	defer putReader(br)
	sub := &Report{}
	strong := strings.HasSuffix(name, ".pkl") || strings.HasSuffix(name, ".pickle")
	var err error
	if head, _ := br.Peek(1); len(head) == 0 {
		if strong {
			rep.add(CodePickleMalformed, name, 0, "empty pickle member")
		}
		return nil
	}
	if depth+1 > lim.MaxDepth {
		rep.add(CodeUnscannable, name, 0, "member nested %d deep: not opened", depth+1)
		return nil
	}
	err = scanInto(sub, KindUnknown, name, br, size, lim, depth+1, strong)
	if err == nil {
		_, err = io.Copy(io.Discard, br)
	}
	rep.mergeNested(sub, name)
	if sub.TorchScript {
		rep.TorchScript = true
	}
	return err
}
