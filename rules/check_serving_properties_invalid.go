package rules

import (
	"slices"
	"strings"
)

var servingPropertiesInvalid = Meta{
	ID:       "serving-properties-invalid",
	Severity: Error,
	Summary:  "LMI (DJL Serving) rejects the model's settings: an unknown engine, a line serving.properties cannot load, an option.entryPoint file that is not in the artifact, or a parallel degree that is not an integer.",
	Hint:     "fix the setting in serving.properties (or the OPTION_* variable): engine names are case-sensitive (Python, PyTorch, ...), entry points are files of the model folder, degrees are integers or max",
}

var servingPropertiesInvalidRule = Rule{Meta: servingPropertiesInvalid, Check: func(a *Archive) []Finding {
	if a.fw != &lmiFramework {
		return nil
	}
	m := a.lmi()
	var fs []Finding
	for _, e := range m.errs {
		fs = append(fs, a.Finding(servingPropertiesInvalid, m.file, e.line, 0, "line %d %s: Properties.load fails", e.line, e.msg))
	}
	if p, ok := m.props["engine"]; ok && !slices.Contains(lmiEngines, p.value) {
		member, line, from := m.where("engine")
		msg := "engine %q (%s) is not an engine DJL Serving knows: \"Deep learning engine not found\""
		for _, e := range lmiEngines {
			if strings.EqualFold(e, p.value) {
				msg += "; engine names are case-sensitive: " + e
			}
		}
		fs = append(fs, a.Finding(servingPropertiesInvalid, member, line, 0, msg, p.value, from))
	}
	if p, ok := m.props["option.entryPoint"]; ok && isPythonEntry(p.value) && !a.hasFile(m.at(p.value)) {
		member, line, from := m.where("option.entryPoint")
		a.expect(m.at(p.value), RoleCode)
		fs = append(fs, a.Finding(servingPropertiesInvalid, member, line, 0,
			"option.entryPoint (%s) is %q but the artifact has no %q: \"entry-point file not found\"", from, p.value, m.at(p.value)))
	}
	for _, key := range []string{"option.tensor_parallel_degree", "option.pipeline_parallel_degree"} {
		if _, _, err := m.parallelDegree(key); err != nil {
			member, line, from := m.where(key)
			fs = append(fs, a.Finding(servingPropertiesInvalid, member, line, 0, "%v (%s)", err, from))
		}
	}
	return fs
}}
