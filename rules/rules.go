package rules

// All returns every rule, ordered: archive-level rules first, then layout,
// code, and framework rules, alphabetically by id within each group.
func All() []Rule {
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
		safetensorsInvalidRule,
		weightsShardMissingRule,
		// Frameworks.
		tensorflowSavedModelInvalidRule,
		tensorflowUnsafeOpRule,
		tensorflowVersionDirMissingRule,
		torchserveHandlerInvalidRule,
		xgboostModelInvalidRule,
		xgboostStrayTopLevelFileRule,
		// Deployment configuration.
		envSubmitDirectoryIgnoredRule,
		envUnknownVariableRule,
		envValueInvalidRule,
		imageAccountUnknownRule,
		imageDependencyConflictRule,
		imageFrameworkMismatchRule,
		imageRegionMismatchRule,
		imageURIInvalidRule,
		instanceAcceleratorMismatchRule,
		instanceTypeInvalidRule,
		modelDataInvalidRule,
	}
}
