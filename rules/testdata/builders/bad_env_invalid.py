"""The env points the container at /opt/ml/code although the code is packed
into the model, and names a program without .py."""
import sagemaker
from sagemaker.workflow.model_step import ModelStep


class TorchBuilder:
    def __init__(self, session, role, train_step):
        self.session = session
        self.role = role
        self.train_step = train_step

    def _create_model(self):
        env = {
            "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/code",
            "SAGEMAKER_PROGRAM": "inference",
        }
        return sagemaker.pytorch.PyTorchModel(
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
            entry_point="inference.py",
            source_dir="src",
            framework_version="2.1",
            py_version="py310",
            env=env,
            sagemaker_session=self.session,
        )

    def create_step(self):
        return ModelStep(name="CreateTorch", step_args=self._create_model().create(instance_type="ml.m5.large"))
