"""The model is built without an execution role (positional arguments)."""
from sagemaker import xgboost as smxgb
from sagemaker.workflow.steps import CreateModelStep


class ChurnBuilder:
    def __init__(self, train_step):
        self.train_step = train_step

    def _create_model(self):
        data = self.train_step.properties.ModelArtifacts.S3ModelArtifacts
        return smxgb.XGBoostModel(data, entry_point="inference.py", framework_version="1.7-1")

    def create_step(self):
        return CreateModelStep(name="CreateChurn", model=self._create_model())
