package rules

// All returns every rule, ordered by framework (generic rules first) and
// alphabetically by id within each.
func All() []Rule {
	return nil
}
