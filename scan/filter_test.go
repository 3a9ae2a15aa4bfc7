package scan

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, key string
		want         bool
	}{
		{"*.tar.gz", "model.tar.gz", true},
		{"*.tar.gz", "a/b/model.tar.gz", true},
		{"*.tar.gz", "a/b/model.tgz", false},
		{"*.tar.gz", "a.tar.gz/notes.txt", false},
		{"*.tar", "a/m.tar", true},
		{"*.tar", "a/m.tar.gz", false},
		{"models/*.tar.gz", "models/m.tar.gz", true},
		{"models/*.tar.gz", "models/x/m.tar.gz", false},
		{"/models/*.tar.gz", "models/m.tar.gz", true},
		{"models/**/*.tar.gz", "models/x/y/m.tar.gz", true},
		{"models/**/*.tar.gz", "models/m.tar.gz", true},
		{"models/**/*.tar.gz", "other/m.tar.gz", false},
		{"**/archive/**", "a/archive/m.tar", true},
		{"**/archive/**", "archive/m.tar", true},
		{"**/archive/**", "a/archived/m.tar", false},
		{"models/**", "models/a/b/c", true},
		{"m?del.tar", "dir/model.tar", true},
		{"[ab].tar", "b.tar", true},
		{"[ab].tar", "c.tar", false},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.key); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.key, got, tt.want)
		}
	}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		name   string
		filter Filter
		key    string
		want   bool
	}{
		{name: "default tar.gz", key: "a/model.tar.gz", want: true},
		{name: "default tgz", key: "a/model.tgz", want: true},
		{name: "default tar", key: "a/model.tar", want: true},
		{name: "default skips other files", key: "a/model.pth", want: false},
		{name: "default skips checksums", key: "a/model.tar.gz.md5", want: false},
		{name: "include replaces the default", filter: Filter{Include: []string{"*.bin"}}, key: "a/model.tar.gz", want: false},
		{name: "include matches", filter: Filter{Include: []string{"*.bin"}}, key: "a/model.bin", want: true},
		{name: "exclude wins", filter: Filter{Exclude: []string{"archive/**"}}, key: "archive/old.tar.gz", want: false},
		{name: "exclude elsewhere", filter: Filter{Exclude: []string{"archive/**"}}, key: "live/new.tar.gz", want: true},
		{name: "exclude by name", filter: Filter{Exclude: []string{"*-old.tar.gz"}}, key: "x/m-old.tar.gz", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.filter.Match(tt.key); got != tt.want {
				t.Errorf("Match(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestFilterValidate(t *testing.T) {
	tests := []struct {
		name    string
		filter  Filter
		wantErr bool
	}{
		{name: "defaults", filter: Filter{}},
		{name: "globs", filter: Filter{Include: []string{"**/*.tar.gz", "[a-z]*.tgz"}, Exclude: []string{"tmp/**"}}},
		{name: "bad class", filter: Filter{Include: []string{"[a-"}}, wantErr: true},
		{name: "bad exclude", filter: Filter{Exclude: []string{"x/[/y"}}, wantErr: true},
		{name: "empty glob", filter: Filter{Exclude: []string{""}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.filter.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
