package rules

import "github.com/mati-dev/mati/deploy"

var instanceAcceleratorUnused = Meta{
	ID:       "instance-accelerator-unused",
	Severity: Warning,
	Summary:  "A CPU image runs on a GPU instance: the endpoint works but pays for GPUs it never uses.",
	Hint:     "use the gpu variant of the image, or a CPU instance type (ml.m5, ml.c5, ...)",
}

var instanceAcceleratorUnusedRule = Rule{Meta: instanceAcceleratorUnused, Check: func(a *Archive) []Finding {
	im, it, ok := a.imageOnInstance()
	if !ok || im.Processor != deploy.ProcessorCPU || it.Accelerator.Processor() != deploy.ProcessorGPU {
		return nil
	}
	return []Finding{a.Finding(instanceAcceleratorUnused, "", 0, 0,
		"image %q is a CPU image but %s has NVIDIA GPUs it will not use", im.Repository+":"+im.Tag, it.Name)}
}}
