package artifact

import "testing"

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"4194304", 4194304, false},
		{"4MiB", 4 << 20, false},
		{"4 mib", 4 << 20, false},
		{"1.5GiB", 3 << 29, false},
		{"2TB", 2_000_000_000_000, false},
		{"-1", -1, false},
		{"1TiB", 1 << 40, false},
		{"", 0, true},
		{"MiB", 0, true},
		{"4XB", 0, true},
		{"9999999TiB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	for _, n := range []int64{DefaultMaxTotalBytes, DefaultMaxMemberRead, 1000} {
		if got, err := ParseSize(FormatSize(n)); err != nil || got != n {
			t.Errorf("ParseSize(FormatSize(%d)) = %d, %v", n, got, err)
		}
	}
}
