package rules

import (
	"errors"
	"fmt"
	"path"

	"github.com/mati-dev/mati/inference"
)

var torchserveHandlerInvalid = Meta{
	ID:       "torchserve-handler-invalid",
	Severity: Error,
	Summary:  "The handler a TorchServe archive's MAR-INF/MANIFEST.json names does not parse as Python (in a packed .mar or an exploded one at the root), or is missing from a packed .mar, so TorchServe cannot load the model; a handler missing from an exploded archive is torchserve-archive-invalid.",
	Hint:     "rebuild the archive with torch-model-archiver --handler pointing at a handler file that python -m py_compile accepts",
}

var torchserveHandlerInvalidRule = Rule{Meta: torchserveHandlerInvalid, Check: func(a *Archive) []Finding {
	var fs []Finding
	for _, p := range a.modelPaths() {
		f := a.Models[p].Formats
		if f == nil || f.MAR == nil || !f.MAR.Manifest || f.MAR.HandlerFile == "" {
			continue
		}
		m := f.MAR
		if m.HandlerMissing {
			fs = append(fs, a.Finding(torchserveHandlerInvalid, p, 0, 0, "the manifest names the handler %q, which is not in the archive", m.Handler))
			continue
		}
		if m.HandlerSource != nil {
			fs = append(fs, a.handlerSyntax(p, fmt.Sprintf("the handler %q in the archive", m.HandlerFile), m.HandlerSource, "")...)
		}
	}
	// An exploded archive: the manifest and handler are members of the
	// artifact itself. A handler that is missing there is
	// torchserve-archive-invalid's; this rule reads the one that is present.
	m := a.torchServe()
	if m == nil || m.err != nil || m.Model.Handler == "" || isBuiltinTorchHandler(m.Model.Handler) {
		return fs
	}
	if file := path.Join(m.root, handlerModule(m.Model.Handler)); a.Files[file] != nil {
		fs = append(fs, a.handlerSyntax(file, "the handler", a.Files[file], file)...)
	}
	return fs
}}

// handlerSyntax runs the inference analysis on a handler's source and
// reports a syntax or encoding error. member is the artifact member the
// positions refer to ("" when the handler is inside a file: the position is
// then in the message).
func (a *Archive) handlerSyntax(p, what string, src []byte, member string) []Finding {
	s, err := inference.Scan(src)
	var enc *inference.EncodingError
	line, col, msg := 0, 0, ""
	switch {
	case errors.As(err, &enc):
		line, col, msg = enc.Line, enc.Col, "is not valid UTF-8"
	case err != nil:
		msg = "cannot be read as Python source: " + err.Error()
	case s != nil && s.SyntaxError != nil:
		line, col, msg = s.SyntaxError.Line, s.SyntaxError.Col, "has a syntax error: "+s.SyntaxError.Message
	default:
		return nil
	}
	if member != "" {
		return []Finding{a.Finding(torchserveHandlerInvalid, member, line, col, "%s %s; TorchServe cannot import it", what, msg)}
	}
	if line > 0 {
		return []Finding{a.Finding(torchserveHandlerInvalid, p, 0, 0, "%s %s at line %d, column %d; TorchServe cannot import it", what, msg, line, col)}
	}
	return []Finding{a.Finding(torchserveHandlerInvalid, p, 0, 0, "%s %s; TorchServe cannot import it", what, msg)}
}
