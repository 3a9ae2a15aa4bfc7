"""image_uri is an S3 URI, not a container image."""
from sagemaker.model import Model
from sagemaker.workflow.steps import CreateModelStep

IMAGE = "s3://ml-artifacts/images/xgboost.tar"


class XGBoostBuilder:
    def __init__(self, role, train_step):
        self.role = role
        self.train_step = train_step

    def _create_model(self):
        return Model(
            image_uri=IMAGE,
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
        )

    def create_step(self):
        return CreateModelStep(name="CreateXGBoost", model=self._create_model())
