package rules

import "github.com/mati-dev/mati/deploy"

// instanceAcceleratorMismatch is declared at its highest severity: an image
// for an accelerator the instance lacks fails to start. A CPU image on a GPU
// instance runs but wastes the GPUs; that case is reported with
// instanceAcceleratorUnused, the same rule at warning severity.
var instanceAcceleratorMismatch = Meta{
	ID:       "instance-accelerator-mismatch",
	Severity: Error,
	Summary:  "The image is built for an accelerator (GPU, Inferentia, Trainium) the instance does not have, or a CPU image runs on a GPU instance.",
	Hint:     "pick the image variant for the instance (cpu, gpu with CUDA, neuron for inf1, neuronx for inf2/trn1) or an instance with that accelerator",
}

// instanceAcceleratorUnused is instanceAcceleratorMismatch at warning
// severity, for a CPU image on a GPU instance.
var instanceAcceleratorUnused = func() Meta {
	m := instanceAcceleratorMismatch
	m.Severity = Warning
	return m
}()

// processorNames are the accelerators as messages name them.
var processorNames = map[deploy.Processor]string{
	deploy.ProcessorCPU:     "CPU",
	deploy.ProcessorGPU:     "NVIDIA GPU",
	deploy.ProcessorNeuron:  "Inferentia (inf1)",
	deploy.ProcessorNeuronX: "Inferentia2/Trainium",
}

var instanceAcceleratorMismatchRule = Rule{Meta: instanceAcceleratorMismatch, Check: func(a *Archive) []Finding {
	im, ok := a.deployImage()
	if !ok || !im.Known || im.Processor == deploy.ProcessorAny || a.InstanceType == "" {
		return nil
	}
	it, err := deploy.ParseInstanceType(a.InstanceType)
	if err != nil {
		return nil
	}
	have := it.Accelerator.Processor()
	switch {
	case im.Processor == have:
		return nil
	case im.Processor == deploy.ProcessorCPU && have == deploy.ProcessorGPU:
		return []Finding{a.Finding(instanceAcceleratorUnused, "", 0, 0,
			"image %q is a CPU image but %s has NVIDIA GPUs it will not use", im.Repository+":"+im.Tag, it.Name)}
	case im.Processor == deploy.ProcessorCPU:
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
