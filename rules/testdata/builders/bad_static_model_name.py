"""Model names that are the same on every run: a literal, a method that
returns one, and an f-string over constants only."""
from sagemaker.model import Model as SageMakerModel
from sagemaker.workflow.steps import CreateModelStep

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
PREFIX = "churn"


class LiteralNameBuilder:
    def __init__(self, role, train_step):
        self.role = role
        self.train_step = train_step

    def _create_model(self):
        return SageMakerModel(
            image_uri=IMAGE,
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
            name="churn-model",
        )

    def create_step(self):
        return CreateModelStep(name="CreateLiteral", model=self._create_model())


class MethodNameBuilder(LiteralNameBuilder):
    def _model_name(self):
        return "churn-model-v2"

    def _create_model(self):
        return SageMakerModel(
            image_uri=IMAGE,
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
            name=self._model_name(),
        )


class FStringNameBuilder(LiteralNameBuilder):
    def _create_model(self):
        version = 3
        return SageMakerModel(
            image_uri=IMAGE,
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
            name=f"{PREFIX}-model-v{version}",
        )
