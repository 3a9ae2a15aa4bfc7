"""The model data is a fixed S3 URI and the step does not wait for training."""
from sagemaker.sklearn import SKLearnModel
from sagemaker.workflow.steps import CreateModelStep

MODEL_URI = "s3://ml-artifacts/iris/model.tar.gz"


class IrisBuilder:
    def __init__(self, role):
        self.role = role

    def _create_model(self):
        return SKLearnModel(
            model_data=MODEL_URI,
            role=self.role,
            entry_point="serve.py",
            framework_version="1.2-1",
        )

    def create_step(self):
        return CreateModelStep(name="CreateIris", model=self._create_model())
