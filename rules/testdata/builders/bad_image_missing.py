"""A generic Model without image_uri; a framework model without a version."""
from sagemaker.model import Model
from sagemaker.pytorch import PyTorchModel
from sagemaker.workflow.steps import CreateModelStep


class GenericBuilder:
    def __init__(self, role, train_step):
        self.role = role
        self.train_step = train_step

    def _create_model(self):
        return Model(
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
        )

    def create_step(self):
        return CreateModelStep(name="CreateGeneric", model=self._create_model())


class TorchBuilder:
    def __init__(self, role, train_step):
        self.role = role
        self.train_step = train_step

    def _create_model(self):
        return PyTorchModel(
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
            entry_point="inference.py",
        )

    def create_step(self):
        return CreateModelStep(name="CreateTorch", model=self._create_model())
