package inference

import (
	"errors"
	"fmt"

	sitter "github.com/tree-sitter/go-tree-sitter"
	python "github.com/tree-sitter/tree-sitter-python/bindings/go"
)

// ParseTree parses Python source with tree-sitter and returns the syntax
// tree, error-tolerant: a syntax error becomes ERROR or MISSING nodes. The
// caller must call Close on the tree. An error means the grammar could not
// be loaded or the parser gave up.
func ParseTree(src []byte) (*sitter.Tree, error) {
	parser := sitter.NewParser()
	defer parser.Close()
	if err := parser.SetLanguage(sitter.NewLanguage(python.Language())); err != nil {
		return nil, fmt.Errorf("failed to load the python grammar: %w", err)
	}
	tree := parser.Parse(src, nil)
	if tree == nil {
		return nil, errors.New("failed to parse the source")
	}
	return tree, nil
}
