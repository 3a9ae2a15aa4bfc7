package rules

var osJunk = Meta{
	ID:       "os-junk",
	Severity: Warning,
	Summary:  "Files left by macOS, Python or Jupyter (._*, .DS_Store, __MACOSX/, __pycache__/, .ipynb_checkpoints/) are in the artifact.",
	Hint:     "rebuild without them: COPYFILE_DISABLE=1 tar --exclude='._*' --exclude=.DS_Store --exclude=__pycache__ -czf model.tar.gz -C model_dir .",
}

var osJunkRule = Rule{Meta: osJunk, Check: func(a *Archive) []Finding {
	var fs []Finding
	seen := map[string]bool{}
	for _, e := range a.Entries {
		root := junkRoot(e.Path)
		if root == "" || seen[root] {
			continue
		}
		seen[root] = true
		fs = append(fs, a.Finding(osJunk, root, 0, 0, "%q is operating-system or tool junk", root))
	}
	return fs
}}
