package scan

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestShardPartitions(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 16} {
		counts := make([]int, n)
		for i := range 5000 {
			ref := fmt.Sprintf("s3://bucket/models/%05d/model.tar.gz", i)
			owners := 0
			for k := range n {
				if (Shard{Index: k, Count: n}).Has(ref) {
					owners++
					counts[k]++
				}
			}
			if owners != 1 {
				t.Fatalf("%d shards: %q belongs to %d shards, want 1", n, ref, owners)
			}
		}
		for k, c := range counts {
			if c < 5000/n/2 {
				t.Errorf("%d shards: shard %d has only %d of 5000 refs", n, k, c)
			}
		}
	}
}

func TestShardIsStable(t *testing.T) {
	// FNV-1a 64 of the ref, modulo the count: the same on every machine.
	// These values, computed with an independent FNV-1a implementation, pin
	// the hash so a change cannot move artifacts between shards unnoticed.
	tests := []struct {
		ref  string
		want int
	}{
		{"s3://bucket/a.tar.gz", 1},
		{"s3://bucket/b.tar.gz", 2},
		{"models/c.tar.gz", 3},
	}
	for _, tt := range tests {
		got := -1
		for k := range 4 {
			if (Shard{Index: k, Count: 4}).Has(tt.ref) {
				got = k
			}
		}
		if got != tt.want {
			t.Errorf("%q is in shard %d of 4, want %d", tt.ref, got, tt.want)
		}
	}
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		want    Shard
		wantErr bool
	}{
		{in: "0/4", want: Shard{0, 4}},
		{in: "3/4", want: Shard{3, 4}},
		{in: "0/1", want: Shard{0, 1}},
		{in: "4/4", wantErr: true},
		{in: "-1/4", wantErr: true},
		{in: "0/0", wantErr: true},
		{in: "1", wantErr: true},
		{in: "a/b", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseShard(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseShard(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if d := cmp.Diff(tt.want, got); d != "" && !tt.wantErr {
			t.Errorf("ParseShard(%q) (-want +got):\n%s", tt.in, d)
		}
	}
}

func TestResolveShard(t *testing.T) {
	tests := []struct {
		name    string
		flag    string
		count   int
		env     map[string]string
		want    Shard
		wantErr bool
	}{
		{name: "nothing: the whole scan"},
		{name: "flag", flag: "2/5", want: Shard{2, 5}},
		{name: "flag wins over the environment", flag: "1/3", env: map[string]string{EnvJobCompletionIndex: "2"}, want: Shard{1, 3}},
		{name: "flag and agreeing count", flag: "1/3", count: 3, want: Shard{1, 3}},
		{name: "flag and other count", flag: "1/3", count: 4, wantErr: true},
		{name: "kubernetes indexed job", count: 8, env: map[string]string{EnvJobCompletionIndex: "7"}, want: Shard{7, 8}},
		{name: "aws batch array job", count: 10, env: map[string]string{EnvBatchArrayIndex: "0"}, want: Shard{0, 10}},
		{name: "kubernetes wins over batch", count: 4, env: map[string]string{EnvJobCompletionIndex: "1", EnvBatchArrayIndex: "3"}, want: Shard{1, 4}},
		{name: "index without count", env: map[string]string{EnvJobCompletionIndex: "1"}, wantErr: true},
		{name: "count without index", count: 4, wantErr: true},
		{name: "index out of range", count: 4, env: map[string]string{EnvBatchArrayIndex: "4"}, wantErr: true},
		{name: "index not a number", count: 4, env: map[string]string{EnvBatchArrayIndex: "x"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveShard(tt.flag, tt.count, func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if d := cmp.Diff(tt.want, got); d != "" && !tt.wantErr {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
