package rules

import "github.com/mati-dev/mati/deploy"

var instanceTypeInvalid = Meta{
	ID:       "instance-type-invalid",
	Severity: Error,
	Summary:  "The instance type is not an ml. instance type of a known family, so CreateEndpointConfig rejects it.",
	Hint:     "use a SageMaker hosting instance type such as \"ml.m5.large\" or \"ml.g5.xlarge\"",
}

var instanceTypeInvalidRule = Rule{Meta: instanceTypeInvalid, Check: func(a *Archive) []Finding {
	if a.InstanceType == "" {
		return nil
	}
	if _, err := deploy.ParseInstanceType(a.InstanceType); err != nil {
		return []Finding{a.Finding(instanceTypeInvalid, "", 0, 0, "%v", err)}
	}
	return nil
}}
