package rules

var codeOutsideCodeDir = Meta{
	ID:       "code-outside-code-dir",
	Severity: Warning,
	Summary:  "The inference script is not in code/ at the root, where the containers look for it.",
	Hint:     "move the script to code/inference.py (and its requirements.txt to code/requirements.txt)",
}

var codeOutsideCodeDirRule = Rule{Meta: codeOutsideCodeDir, Check: func(a *Archive) []Finding {
	p := misplacedScript(a)
	if p == "" || a.hasFile("code/inference.py") {
		return nil
	}
	return []Finding{a.Finding(codeOutsideCodeDir, p, 0, 0, "%q is not in code/; the container looks for /opt/ml/model/code/inference.py", p)}
}}
