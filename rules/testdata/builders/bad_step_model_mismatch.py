"""create_step builds its own model instead of the one _create_model builds,
or passes no model at all."""
from sagemaker.model import Model
from sagemaker.workflow.steps import CreateModelStep
from sagemaker.workflow.model_step import ModelStep

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


class InlineModelBuilder:
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
        baseline = Model(image_uri=IMAGE, model_data="s3://ml-artifacts/baseline.tar.gz", role=self.role)
        return CreateModelStep(name="CreateInline", model=baseline)


class NoModelBuilder(InlineModelBuilder):
    def create_step(self):
        return ModelStep(name="CreateNothing", display_name="nothing")
