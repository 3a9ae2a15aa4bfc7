package modelfile

// This file reads the zips that carry code: Keras 3 .keras files and
// TorchServe .mar archives. The rules are:
//   - the zip scanner (zip.go) reads the bytes as it does for any zip,
//     with its checks of local headers against the central directory; a
//     second reader sees the same bytes through a pipe and opens the members
//     this file needs, so the stream is still read once;
//   - in a .keras: config.json is walked for Lambda layers and Python
//     functions (keras.go) and metadata.json gives the Keras version; the
//     weights are discarded;
//   - in a .mar: MAR-INF/MANIFEST.json names the handler, the serialized
//     file and the model file (model-archiver's manifest: "model":
//     {"modelName", "handler", "serializedFile", "modelFile"}); every
//     other member goes through Scan (pickles, PyTorch zips, joblib,
//     safetensors, ...), its findings carrying "member!inner" paths, except
//     *.pkl, *.pickle and *.npy members, which the zip scanner already
//     scans; the Python files are kept (at most maxSource each, maxSources
//     together) so the handler's source can be analysed as code;
//   - a .keras or .mar inside a .mar is not opened (a CodeLimit problem):
//     nesting is how a small file becomes a lot of work;
//   - members are delimited by their local headers; a stored member with a
//     data descriptor cannot be, and stops this reader (a CodeLimit
//     problem) while the zip scanner goes on from the central directory.

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/flate"
)

// MARReport holds the facts of a TorchServe model archive.
type MARReport struct {
	// Manifest is true when MAR-INF/MANIFEST.json was read and decoded.
	Manifest bool `json:"manifest"`
	// ModelName, Handler, SerializedFile, ModelFile and Runtime are the
	// manifest's values.
	ModelName      string `json:"model_name,omitempty"`
	Handler        string `json:"handler,omitempty"`
	SerializedFile string `json:"serialized_file,omitempty"`
	ModelFile      string `json:"model_file,omitempty"`
	Runtime        string `json:"runtime,omitempty"`
	// HandlerFile is the member holding the handler's code, "" for a
	// TorchServe built-in handler (image_classifier, ...).
	HandlerFile string `json:"handler_file,omitempty"`
	// HandlerMissing is true when the manifest names a handler file the
	// archive does not hold.
	HandlerMissing bool `json:"handler_missing,omitempty"`
	// HandlerSource is the handler file's content, nil when it was not
	// kept (missing, built-in, or over maxSource).
	HandlerSource []byte `json:"-"`
}

// marManifest is the part of MANIFEST.json read.
type marManifest struct {
	Runtime string `json:"runtime"`
	Model   struct {
		ModelName      string `json:"modelName"`
		Handler        string `json:"handler"`
		SerializedFile string `json:"serializedFile"`
		ModelFile      string `json:"modelFile"`
	} `json:"model"`
}

// scanArchiveFormat scans a .keras or .mar: the zip scanner on the stream,
// and the member reader on a copy of it.
func scanArchiveFormat(rep *Report, kind Kind, name string, br *bufio.Reader, lim *Limits) error {
	pr, pw := io.Pipe()
	sub := &Report{Kind: kind, Imports: []Import{}, Problems: []Problem{}}
	done := make(chan error, 1)
	go func() {
		err := readFormatZip(sub, kind, pr, lim)
		io.Copy(io.Discard, pr)
		done <- err
	}()
	zbr := getReader(io.TeeReader(br, pw))
	err := scanZip(rep, zbr, lim, 0)
	if err == nil {
		_, err = io.Copy(io.Discard, zbr)
	}
	putReader(zbr)
	pw.CloseWithError(err)
	werr := <-done
	rep.Kind = kind
	rep.Formats = sub.Formats
	rep.Imports = append(rep.Imports, sub.Imports...)
	rep.Problems = append(rep.Problems, sub.Problems...)
	rep.Calls += sub.Calls
	rep.Pickles += sub.Pickles
	rep.Protocol = max(rep.Protocol, sub.Protocol)
	if err != nil {
		return err
	}
	return werr
}

// readFormatZip reads the members of a .keras or .mar from r.
func readFormatZip(rep *Report, kind Kind, r io.Reader, lim *Limits) error {
	if kind == KindKeras {
		kr := rep.keras("config.json")
		return walkZipMembers(rep, r, func(name string, body io.Reader) error {
			switch name {
			case "config.json":
				b, ok, err := readBounded(body, maxConfigJSON)
				if err != nil {
					return err
				}
				if !ok {
					rep.add(CodeLimit, name, -1, "config.json is over %d bytes: its layers were not checked", maxConfigJSON)
					return nil
				}
				scanKerasConfig(rep, kr, b, "config.json")
			case "metadata.json":
				b, ok, err := readBounded(body, maxManifest)
				if err != nil || !ok {
					return err
				}
				var m struct {
					KerasVersion string `json:"keras_version"`
				}
				if json.Unmarshal(b, &m) == nil && m.KerasVersion != "" {
					kr.KerasVersion = m.KerasVersion
				}
			}
			return nil
		})
	}
	mr := &MARReport{}
	rep.Formats = &Formats{MAR: mr}
	sources := map[string][]byte{}
	kept := 0
	members := map[string]bool{}
	err := walkZipMembers(rep, r, func(name string, body io.Reader) error {
		members[name] = true
		switch {
		case name == "MAR-INF/MANIFEST.json":
			b, ok, err := readBounded(body, maxManifest)
			if err != nil {
				return err
			}
			var m marManifest
			if !ok || json.Unmarshal(b, &m) != nil {
				rep.add(CodeLimit, name, -1, "MAR-INF/MANIFEST.json is not a JSON manifest of at most %d bytes: the handler was not checked", maxManifest)
				return nil
			}
			mr.Manifest = true
			mr.ModelName, mr.Handler, mr.SerializedFile, mr.ModelFile, mr.Runtime =
				m.Model.ModelName, m.Model.Handler, m.Model.SerializedFile, m.Model.ModelFile, m.Runtime
		case strings.HasSuffix(name, ".py"):
			b, ok, err := readBounded(body, maxSource)
			if err != nil {
				return err
			}
			if ok && kept+len(b) <= maxSources {
				sources[name] = b
				kept += len(b)
			}
		}
		// Every member's bytes are the zip scanner's (scanZip scans each one
		// by content, nested model files included): nothing more here.
		return nil
	})
	if mr.Manifest && mr.Handler != "" {
		file, _, _ := strings.Cut(mr.Handler, ":")
		if !strings.HasSuffix(file, ".py") && members[file+".py"] {
			file += ".py"
		}
		switch {
		case members[file] && strings.HasSuffix(file, ".py"):
			mr.HandlerFile = file
			mr.HandlerSource = sources[file]
		case strings.HasSuffix(file, ".py") || strings.Contains(mr.Handler, ":"):
			mr.HandlerFile = file
			mr.HandlerMissing = true
		}
	}
	return err
}

// Zip record signatures and flags, as the zip format (APPNOTE.TXT) defines
// them.
const (
	zipLocalSig      = 0x04034b50
	zipDescriptorSig = 0x08074b50
	zipCentralSig    = 0x02014b50
	zipFlagEncrypted = 0x1
	zipFlagDesc      = 0x8
)

// walkZipMembers reads the local headers of a zip stream and calls fn with
// each regular member's decompressed content; what fn leaves is discarded.
// It stops at the central directory, or with a CodeLimit problem where the
// local headers cannot delimit a member.
func walkZipMembers(rep *Report, r io.Reader, fn func(name string, body io.Reader) error) error {
	br := getReader(r)
	defer putReader(br)
	for {
		h, err := br.Peek(30)
		if len(h) < 4 || binary.LittleEndian.Uint32(h) != zipLocalSig {
			return nil // the central directory, the end, or what the zip scanner reports
		}
		if len(h) < 30 {
			return ioOrNil(err)
		}
		flags := binary.LittleEndian.Uint16(h[6:])
		method := binary.LittleEndian.Uint16(h[8:])
		csize := uint64(binary.LittleEndian.Uint32(h[18:]))
		nameLen := int(binary.LittleEndian.Uint16(h[26:]))
		extraLen := int(binary.LittleEndian.Uint16(h[28:]))
		br.Discard(30)
		ne := make([]byte, nameLen+extraLen)
		if _, err := io.ReadFull(br, ne); err != nil {
			return ioOrNil(err)
		}
		name := path.Clean(strings.TrimPrefix(string(ne[:nameLen]), "/"))
		if strings.HasSuffix(string(ne[:nameLen]), "/") {
			name += "/"
		}
		if csize == 0xffffffff {
			csize = zip64CompressedSize(ne[nameLen:])
		}
		desc := flags&zipFlagDesc != 0
		readable := flags&zipFlagEncrypted == 0 && (method == 0 || method == 8)
		if desc && (method != 8 || !readable) {
			rep.add(CodeLimit, name, -1, "a member with a data descriptor that is not deflated: this and the following members were not read for code")
			return nil
		}
		var body io.Reader
		var fr io.ReadCloser
		var lr io.Reader
		if !desc {
			lr = io.LimitReader(br, int64(min(csize, 1<<62)))
		}
		switch {
		case !readable:
		case method == 0:
			body = lr
		case desc:
			fr = flate.NewReader(br) // br is an io.ByteReader: flate reads no further than its stream
			body = fr
		default:
			fr = flate.NewReader(bufio.NewReaderSize(lr, 32<<10))
			body = fr
		}
		var ferr error
		if body != nil {
			ferr = fn(name, body)
			if ferr == nil {
				_, ferr = io.Copy(io.Discard, body)
			}
		}
		if fr != nil {
			fr.Close()
		}
		if ferr != nil {
			var ie *ioError
			if errors.As(ferr, &ie) || !isEOF(ferr) && !isFlateError(ferr) {
				return ferr
			}
			rep.add(CodeLimit, name, -1, "member %q is truncated or corrupt (%v): the members after it were not read for code", name, ferr)
			return nil
		}
		if desc {
			if err := skipDescriptor(br); err != nil {
				return ioOrNil(err)
			}
			continue
		}
		// What the inflater (or nobody, for an unreadable member) left of
		// the member's compressed size.
		if _, err := io.Copy(io.Discard, lr); err != nil {
			return ioOrNil(err)
		}
	}
}

func isFlateError(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce)
}

// ioOrNil turns the end of the stream into nil (the zip scanner reports
// truncation) and any other error into an *ioError.
func ioOrNil(err error) error {
	if err == nil || isEOF(err) {
		return nil
	}
	return &ioError{err}
}

// zip64CompressedSize returns the compressed size of a zip64 extra field.
func zip64CompressedSize(extra []byte) uint64 {
	for len(extra) >= 4 {
		id := binary.LittleEndian.Uint16(extra)
		n := int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+n > len(extra) {
			break
		}
		if id == 0x0001 && n >= 16 {
			return binary.LittleEndian.Uint64(extra[12:])
		}
		extra = extra[4+n:]
	}
	return 0
}

// skipDescriptor skips a data descriptor: an optional signature, the CRC,
// and 4- or 8-byte sizes (8 when the 4-byte reading is not followed by a
// zip record).
func skipDescriptor(br *bufio.Reader) error {
	b, err := br.Peek(28)
	if len(b) < 12 {
		return err
	}
	n := 0
	if binary.LittleEndian.Uint32(b) == zipDescriptorSig {
		n = 4
	}
	short := n + 12
	if len(b) >= short+4 {
		s := binary.LittleEndian.Uint32(b[short:])
		if s != zipLocalSig && s != zipCentralSig && len(b) >= short+8+4 {
			short += 8
		}
	}
	_, err = br.Discard(min(short, len(b)))
	return err
}
