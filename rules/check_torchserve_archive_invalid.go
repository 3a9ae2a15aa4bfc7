package rules

import "path"

var torchServeArchiveInvalid = Meta{
	ID:       "torchserve-archive-invalid",
	Severity: Error,
	Summary:  "The TorchServe archive cannot load in the SageMaker PyTorch container: its manifest handler is neither in the archive nor built in, a built-in handler has no weights, or the .mar is packed, which the container never unzips.",
	Hint:     "unzip the .mar into the artifact's root (MAR-INF/MANIFEST.json at the top), ship the handler file it names, and the serializedFile a built-in handler loads",
}

var torchServeArchiveInvalidRule = Rule{Meta: torchServeArchiveInvalid, Check: func(a *Archive) []Finding {
	if a.fw != &pytorchFramework || a.ReadErr != nil {
		return nil
	}
	m := a.torchServe()
	if m == nil {
		if p := a.packedMar(); p != "" {
			return []Finding{a.Finding(torchServeArchiveInvalid, p, 0, 0,
				"%q is a packed TorchServe archive: the container serves the folder /opt/ml/model and never unzips it", p)}
		}
		return nil
	}
	if m.err != nil {
		return []Finding{a.Finding(torchServeArchiveInvalid, m.path, 0, 0, "the manifest is not valid JSON: %v", m.err)}
	}
	var fs []Finding
	h := m.Model.Handler
	builtin := h != "" && isBuiltinTorchHandler(h)
	if h != "" && !builtin && !a.hasFile(path.Join(m.root, handlerModule(h))) {
		a.expect(path.Join(m.root, handlerModule(h)), RoleCode)
		fs = append(fs, a.Finding(torchServeArchiveInvalid, m.path, 0, 0,
			"handler %q is neither %q in the archive nor a ts.torch_handler module: the worker dies with ModuleNotFoundError and /ping answers 500", h, path.Join(m.root, handlerModule(h))))
	}
	if builtin {
		switch sf := m.Model.SerializedFile; {
		case sf != "" && !a.hasFile(path.Join(m.root, sf)):
			a.expect(path.Join(m.root, sf), RoleModel)
			fs = append(fs, a.Finding(torchServeArchiveInvalid, m.path, 0, 0,
				"built-in handler %q loads serializedFile %q, which is not in the archive: \"No model weights could be loaded\"", h, sf))
		case sf == "" && len(a.torchCandidates()) == 0:
			a.expect(path.Join(m.root, "model.pt"), RoleModel)
			fs = append(fs, a.Finding(torchServeArchiveInvalid, m.path, 0, 0,
				"built-in handler %q and no serializedFile or .pt/.pth weights: \"No model weights could be loaded\"", h))
		}
	}
	return fs
}}
