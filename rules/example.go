package rules

// Example returns the canonical one-line form of a finding of r on its
// first failing fixture (the first in fixture table order whose Want names
// r), as recorded in rules/testdata; "" when no fixture shows r.
func (r Rule) Example() string {
	return examples[r.ID]
}
