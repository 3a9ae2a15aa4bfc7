package rules

import (
	"encoding/json"
	"path"
	"regexp"
	"slices"
	"strings"
)

var weightsShardMissing = Meta{
	ID:       "weights-shard-missing",
	Severity: Error,
	Summary:  "A Hugging Face weight shard listed in *.index.json is missing, or a shard file is there that the index does not list.",
	Hint:     "package every shard the index lists (model-0000N-of-0000M.safetensors) with the index that belongs to them",
}

// shardName matches the file names of sharded weights.
//
//	model-00001-of-00002.safetensors  -> match
//	pytorch_model-00003-of-00010.bin  -> match
//	model.safetensors                 -> no match
var shardName = regexp.MustCompile(`-\d{5}-of-\d{5}\.[a-z0-9]+$`)

var weightsShardMissingRule = Rule{Meta: weightsShardMissing, Check: func(a *Archive) []Finding {
	var fs []Finding
	listed := map[string]bool{}
	var indexes []string
	for p := range a.Files {
		if strings.HasSuffix(p, ".index.json") {
			indexes = append(indexes, p)
		}
	}
	slices.Sort(indexes)
	for _, idx := range indexes {
		var doc struct {
			WeightMap map[string]string `json:"weight_map"`
		}
		if err := json.Unmarshal(a.Files[idx], &doc); err != nil || doc.WeightMap == nil {
			continue
		}
		var shards []string
		for _, f := range doc.WeightMap {
			shards = append(shards, path.Join(path.Dir(idx), f))
		}
		slices.Sort(shards)
		for _, s := range slices.Compact(shards) {
			listed[s] = true
			if !a.hasFile(s) {
				a.expect(s, RoleModel)
				fs = append(fs, a.Finding(weightsShardMissing, idx, 0, 0, "%q lists the shard %q, which is not in the artifact", idx, s))
			}
		}
	}
	if len(indexes) == 0 {
		return fs
	}
	for _, p := range a.regularFiles() {
		if shardName.MatchString(p) && junkRoot(p) == "" && !listed[p] {
			fs = append(fs, a.Finding(weightsShardMissing, p, 0, 0, "%q is a weight shard that no *.index.json lists", p))
		}
	}
	return fs
}, Reads: readsShardIndex}

// readsShardIndex declares the shard indexes (*.index.json) at the top two
// levels.
func readsShardIndex(p string) Read {
	if strings.HasSuffix(p, ".index.json") && strings.Count(p, "/") <= 1 {
		return ReadRequired
	}
	return ReadNone
}
