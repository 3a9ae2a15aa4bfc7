"""Step builder for a PyTorch model, PipelineSession style: correct."""
from sagemaker.pytorch import PyTorchModel as TorchModel
from sagemaker.workflow.execution_variables import ExecutionVariables
from sagemaker.workflow.functions import Join
from sagemaker.workflow.model_step import ModelStep


class PyTorchStepBuilder:
    def __init__(self, pipeline_session, role, train_step):
        self.pipeline_session = pipeline_session
        self.role = role
        self.train_step = train_step

    def _create_model(self):
        return TorchModel(
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
            entry_point="inference.py",
            source_dir="code",
            framework_version="2.1",
            py_version="py310",
            name=Join(on="-", values=["resnet", ExecutionVariables.PIPELINE_EXECUTION_ID]),
            env={
                "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code",
                "SAGEMAKER_PROGRAM": "inference.py",
            },
            sagemaker_session=self.pipeline_session,
        )

    def create_step(self):
        model = self._create_model()
        step_args = model.create(instance_type="ml.g5.xlarge")
        return ModelStep(name="CreateResNet", step_args=step_args)
