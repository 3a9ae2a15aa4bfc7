package scan

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one of Count parts of a scan. The zero value, and any Count of 1,
// is the whole scan.
type Shard struct {
	// Index is the shard, 0-based: 0 <= Index < Count.
	Index int
	// Count is the number of shards; 0 means no sharding.
	Count int
}

// String returns "K/N", or "" for the whole scan.
func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Has reports whether the artifact named ref belongs to the shard: the
// FNV-1a 64-bit hash of ref, modulo Count, equals Index. The assignment
// depends only on ref and Count, so it is the same on every machine and in
// every run, and every ref belongs to exactly one of the Count shards.
func (s Shard) Has(ref string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(ref))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// ParseShard reads "K/N" with 0 <= K < N.
//
//	0/4 -> {0 4}
//	3/4 -> {3 4}
//	4/4 -> error
//	1   -> error
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("invalid shard %q: want K/N, e.g. 0/4", s)
	}
	ki, err1 := strconv.Atoi(strings.TrimSpace(k))
	ni, err2 := strconv.Atoi(strings.TrimSpace(n))
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("invalid shard %q: want K/N, e.g. 0/4", s)
	}
	return newShard(ki, ni, fmt.Sprintf("shard %q", s))
}

// newShard checks 0 <= k < n; what names the value in errors.
func newShard(k, n int, what string) (Shard, error) {
	if n < 1 {
		return Shard{}, fmt.Errorf("invalid %s: the shard count must be at least 1", what)
	}
	if k < 0 || k >= n {
		return Shard{}, fmt.Errorf("invalid %s: the index must be from 0 to %d", what, n-1)
	}
	return Shard{Index: k, Count: n}, nil
}

// The environment variables batch engines set to a task's index.
const (
	// EnvJobCompletionIndex is set by Kubernetes in each pod of an Indexed
	// Job.
	EnvJobCompletionIndex = "JOB_COMPLETION_INDEX"
	// EnvBatchArrayIndex is set by AWS Batch in each child of an array job.
	EnvBatchArrayIndex = "AWS_BATCH_JOB_ARRAY_INDEX"
)

// ResolveShard decides which shard to scan:
//   - flag ("K/N" from --shard) wins when not "";
//   - else the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed
//     Jobs), else from AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array jobs), and
//     the count is count (--shard-count or MATI_SHARD_COUNT), since neither
//     engine tells a task how many tasks there are;
//   - else the whole scan.
//
// A count with no index, or an index with no count, is an error: either
// would scan the wrong set silently. getenv reads the environment.
func ResolveShard(flag string, count int, getenv func(string) string) (Shard, error) {
	if flag != "" {
		s, err := ParseShard(flag)
		if err != nil {
			return Shard{}, err
		}
		if count != 0 && count != s.Count {
			return Shard{}, fmt.Errorf("the shard count %d disagrees with --shard %q", count, flag)
		}
		return s, nil
	}
	for _, name := range []string{EnvJobCompletionIndex, EnvBatchArrayIndex} {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		k, err := strconv.Atoi(v)
		if err != nil {
			return Shard{}, fmt.Errorf("invalid %s %q: not a number", name, v)
		}
		if count == 0 {
			return Shard{}, fmt.Errorf("%s is set but the shard count is not", name)
		}
		return newShard(k, count, fmt.Sprintf("shard %d/%d from %s", k, count, name))
	}
	if count != 0 {
		return Shard{}, fmt.Errorf("a shard count is given but no shard index")
	}
	return Shard{}, nil
}
