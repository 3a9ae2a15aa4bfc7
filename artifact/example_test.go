package artifact_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"log"

	"github.com/klauspost/compress/gzip"

	"github.com/mati-dev/mati/artifact"
)

func ExampleWalk() {
	// A small model.tar.gz, as the SageMaker Python SDK repacks it.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, m := range []struct{ name, body string }{
		{"./model.pth", "weights"},
		{"./code/inference.py", "def model_fn(model_dir):\n    ...\n"},
	} {
		tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), Typeflag: tar.TypeReg})
		io.WriteString(tw, m.body)
	}
	tw.Close()
	zw.Close()

	err := artifact.Walk(&buf, func(e artifact.Entry, open artifact.OpenFunc) error {
		if e.Path != "code/inference.py" {
			fmt.Printf("%s %s (%d bytes, not read)\n", e.Type, e.Path, e.Size)
			return nil // unread content streams past
		}
		r, err := open()
		if err != nil {
			return err
		}
		code, err := io.ReadAll(io.LimitReader(r, artifact.DefaultMaxMemberRead))
		if err != nil {
			return err
		}
		fmt.Printf("%s %s: %q\n", e.Type, e.Path, code)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// file model.pth (7 bytes, not read)
	// file code/inference.py: "def model_fn(model_dir):\n    ...\n"
}
