package rules

import (
	"strconv"
	"strings"

	"github.com/mati-dev/mati/deploy"
)

var gpuCountExceedsInstance = Meta{
	ID:       "gpu-count-exceeds-instance",
	Severity: Error,
	Summary:  "The model asks for more GPUs (SM_NUM_GPUS or NUM_SHARD for TGI, tensor x pipeline parallel degree for LMI) than the instance type has.",
	Hint:     "lower the degree or shard count to the instance's GPU count, or choose an instance type with more GPUs",
}

var gpuCountExceedsInstanceRule = Rule{Meta: gpuCountExceedsInstance, Check: func(a *Archive) []Finding {
	if a.InstanceType == "" || a.fw == nil {
		return nil
	}
	it, err := deploy.ParseInstanceType(a.InstanceType)
	if err != nil || !it.GPUsKnown || (it.Accelerator != deploy.AcceleratorNone && it.Accelerator != deploy.AcceleratorNVIDIA) {
		return nil
	}
	switch a.fw.Name {
	case "lmi":
		m := a.lmi()
		tp, tpSet, err1 := m.parallelDegree("option.tensor_parallel_degree")
		pp, ppSet, err2 := m.parallelDegree("option.pipeline_parallel_degree")
		if err1 != nil || err2 != nil || tp < 0 || pp < 0 || !tpSet && !ppSet {
			return nil
		}
		tp, pp = max(tp, 1), max(pp, 1)
		if tp*pp <= it.GPUs {
			return nil
		}
		key := "option.tensor_parallel_degree"
		if !tpSet {
			key = "option.pipeline_parallel_degree"
		}
		member, line, from := m.where(key)
		return []Finding{a.Finding(gpuCountExceedsInstance, member, line, 0,
			"tensor_parallel_degree %d x pipeline_parallel_degree %d (%s) needs %d GPUs but %s has %d: \"GPU devices are not enough to run %d partitions\"",
			tp, pp, from, tp*pp, it.Name, it.GPUs, tp*pp)}
	case "tgi":
		// sagemaker-entrypoint.sh exports NUM_SHARD=$SM_NUM_GPUS when set.
		k := "NUM_SHARD"
		if _, ok := a.Env["SM_NUM_GPUS"]; ok {
			k = "SM_NUM_GPUS"
		}
		n, err := strconv.Atoi(strings.TrimSpace(a.Env[k]))
		if err != nil || n <= it.GPUs {
			return nil
		}
		return []Finding{a.Finding(gpuCountExceedsInstance, "", 0, 0,
			"%s=%d asks TGI for %d shards but %s has %d GPUs", k, n, n, it.Name, it.GPUs)}
	}
	return nil
}}
