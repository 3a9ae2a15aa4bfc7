package deploy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseEnvFile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string
	}{
		{"comments, blanks, export and quotes", "# c\n\nexport A=1\nB=\"two words\"\r\nC='x'\nD=\nE=a=b\n  F = 3 \n",
			map[string]string{"A": "1", "B": "two words", "C": "x", "D": "", "E": "a=b", "F": "3"}, ""},
		{"line without =", "A=1\nB\n", nil, "line 2: want KEY=VALUE"},
		{"bad name", "A-B=1\n", nil, "line 1: invalid name \"A-B\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEnvFile([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseEnvVar(t *testing.T) {
	tests := []struct {
		in, key, value, wantErr string
	}{
		{in: "A=1", key: "A", value: "1"},
		{in: "A=", key: "A"},
		{in: "A=b=c", key: "A", value: "b=c"},
		{in: "A", wantErr: "want KEY=VALUE"},
		{in: "1A=x", wantErr: `invalid name "1A"`},
	}
	for _, tt := range tests {
		k, v, err := ParseEnvVar(tt.in)
		if (err != nil || tt.wantErr != "") && (err == nil || err.Error() != tt.wantErr) {
			t.Errorf("ParseEnvVar(%q) error %v, want %q", tt.in, err, tt.wantErr)
		}
		if k != tt.key || v != tt.value {
			t.Errorf("ParseEnvVar(%q) = %q, %q; want %q, %q", tt.in, k, v, tt.key, tt.value)
		}
	}
}
