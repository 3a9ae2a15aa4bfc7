package rules

import (
	"github.com/mati-dev/mati/deploy"
)

var instanceAcceleratorMismatch = Meta{
	ID:       "instance-accelerator-mismatch",
	Severity: Error,
	Summary:  "The image is built for an accelerator (GPU, Inferentia, Trainium) the instance does not have, so the container fails to start.",
	Hint:     "pick the image variant for the instance (cpu, gpu with CUDA, neuron for inf1, neuronx for inf2/trn1) or an instance with that accelerator",
}

// processorNames are the accelerators as messages name them.
var processorNames = map[deploy.Processor]string{
	deploy.ProcessorCPU:     "CPU",
	deploy.ProcessorGPU:     "NVIDIA GPU",
	deploy.ProcessorNeuron:  "Inferentia (inf1)",
	deploy.ProcessorNeuronX: "Inferentia2/Trainium",
}

var instanceAcceleratorMismatchRule = Rule{Meta: instanceAcceleratorMismatch, Check: func(a *Archive) []Finding {
	im, it, ok := a.imageOnInstance()
	if !ok || im.Processor == it.Accelerator.Processor() || im.Processor == deploy.ProcessorCPU {
		return nil
	}
	return []Finding{a.Finding(instanceAcceleratorMismatch, "", 0, 0,
		"image %q needs %s but %s has %s", im.Repository+":"+im.Tag, processorNames[im.Processor], it.Name, instanceAccelName(it))}
}}

// instanceAccelName names what the instance has, for messages.
func instanceAccelName(it deploy.InstanceType) string {
	switch it.Accelerator {
	case deploy.AcceleratorNone:
		return "no accelerator"
	case deploy.AcceleratorAMD:
		return "AMD GPUs"
	}
	return processorNames[it.Accelerator.Processor()]
}
