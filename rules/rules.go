package rules

// Catalog returns every rule mati has, artifact and builder rules alike, in
// one ordered list: reading the archive, layout, inference code, model
// files, frameworks, deployment configuration, then builder files,
// alphabetically by id within each group. It is the only registry: the
// engine, "mati rules", docs/rules.md and the tests all read it. The slice
// is a copy; its Rules must not be modified.
func Catalog() []Rule {
	return []Rule{
		// Reading the archive.
		archiveCorruptRule,
		archiveEmptyRule,
		archiveHiddenEntriesRule,
		archiveLimitExceededRule,
		duplicateEntryRule,
		linkEntryRule,
		memberTooLargeRule,
		nestedArchiveRule,
		osJunkRule,
		pathUnsafeRule,
		s3PrefixNameClashRule,
		s3PrefixNameInvalidRule,
		setuidEntryRule,
		specialEntryRule,
		// Layout.
		codeOutsideCodeDirRule,
		inferenceScriptMissingRule,
		modelFileMissingRule,
		nestedRootRule,
		unexpectedFileRule,
		// Inference code.
		handlerArityRule,
		handlerConflictRule,
		handlerDefaultUsedRule,
		handlerMissingRule,
		handlerNotModuleLevelRule,
		handlerWrongFrameworkRule,
		inferenceSyntaxErrorRule,
		modelPathMismatchRule,
		requirementsMissingRule,
		// Model files.
		kerasLambdaLayerRule,
		modelScanIncompleteRule,
		modelZipIrregularRule,
		npyObjectArrayRule,
		onnxCustomOpDomainRule,
		onnxExternalDataUnsafeRule,
		pickleMalformedRule,
		pickleUnknownImportRule,
		pickleUnsafeImportRule,
		pickleUnscannableRule,
		safetensorsInvalidRule,
		weightsShardMissingRule,
		// Frameworks.
		multiModelLayoutInvalidRule,
		servingPropertiesInvalidRule,
		teiModelInvalidRule,
		tensorflowSavedModelInvalidRule,
		tensorflowUnsafeOpRule,
		tensorflowVersionDirMissingRule,
		tgiTokenLimitsInvalidRule,
		torchServeArchiveInvalidRule,
		torchserveHandlerInvalidRule,
		tritonRepositoryInvalidRule,
		xgboostModelInvalidRule,
		xgboostStrayTopLevelFileRule,
		// Deployment configuration.
		envSubmitDirectoryIgnoredRule,
		envSubmitDirectoryUnusedRule,
		envUnknownVariableRule,
		envValueInvalidRule,
		gpuCountExceedsInstanceRule,
		imageAccountUnknownRule,
		imageDependencyConflictRule,
		imageFrameworkMismatchRule,
		imageRegionMismatchRule,
		imageURIInvalidRule,
		instanceAcceleratorMismatchRule,
		instanceAcceleratorUnusedRule,
		instanceTypeInvalidRule,
		modelDataInvalidRule,
		// Builder files.
		builderCreateModelMissingRule,
		builderCreateStepMissingRule,
		builderDependencyMissingRule,
		builderEnvInvalidRule,
		builderImageMissingRule,
		builderImageURIInvalidRule,
		builderModelDataMissingRule,
		builderRoleMissingRule,
		builderStaticModelNameRule,
		builderStepModelMismatchRule,
		builderSyntaxErrorRule,
	}
}

// Lookup returns the catalog's rule with the given id, and whether there is
// one.
func Lookup(id string) (Rule, bool) {
	for _, r := range Catalog() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}
