package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mati-dev/mati/artifact"
)

// prefixArchive is an S3Prefix artifact whose objects have the given names
// below the prefix (a name ending in "/" is a folder marker).
func prefixArchive(names ...string) *Archive {
	a := &Archive{Name: "s3://models/llama/", Format: "s3-prefix"}
	for _, n := range names {
		p, unsafe := artifact.CleanName(n)
		typ := artifact.TypeFile
		if n == "" || n[len(n)-1] == '/' {
			typ = artifact.TypeDir
		}
		a.Entries = append(a.Entries, artifact.Entry{Path: p, Name: n, Type: typ, Unsafe: unsafe})
	}
	return a
}

func TestS3PrefixRules(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		want  []string
	}{
		{"good", []string{"", "config.json", "model.safetensors", "tokenizer/vocab.json"}, nil},
		{"dot dot", []string{"config.json", "../x"}, []string{`s3://models/llama/!../x: the object "../x" below the prefix has a part ".." [s3-prefix-name-invalid]`}},
		{"dot", []string{"./x"}, []string{`s3://models/llama/!./x: the object "./x" below the prefix has a part "." [s3-prefix-name-invalid]`}},
		{"empty part", []string{"a//b"}, []string{`s3://models/llama/!a//b: the object "a//b" below the prefix has an empty part [s3-prefix-name-invalid]`}},
		{"nul", []string{"a\x00b"}, []string{`s3://models/llama/!a` + "\x00" + `b: the object "a\x00b" below the prefix holds a NUL byte [s3-prefix-name-invalid]`}},
		{"too long", []string{"a/" + string(make256())}, []string{`/too long/`}},
		{"clash", []string{"weights", "weights/part-1", "weights/part-2"}, []string{`s3://models/llama/!weights: the object "weights" is also the folder of "weights/part-1" [s3-prefix-name-clash]`}},
		{"no clash for a folder marker", []string{"weights/", "weights/part-1"}, nil},
		{"not a prefix", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := prefixArchive(tt.names...)
			var got []string
			for _, r := range []Rule{s3PrefixNameInvalidRule, s3PrefixNameClashRule} {
				for _, f := range r.Check(a) {
					got = append(got, f.String())
				}
			}
			if len(tt.want) == 1 && tt.want[0] == "/too long/" {
				if len(got) != 1 || got[0][len(got[0])-len("[s3-prefix-name-invalid]"):] != "[s3-prefix-name-invalid]" {
					t.Fatalf("got %q, want one s3-prefix-name-invalid", got)
				}
				return
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
	if fs := s3PrefixNameInvalidRule.Check(&Archive{Format: "tar.gz", Entries: []artifact.Entry{{Name: "../x"}}}); len(fs) != 0 {
		t.Errorf("s3-prefix-name-invalid fired on a tar: %v", fs)
	}
}

// make256 returns a 256-byte name part.
func make256() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = 'x'
	}
	return b
}
