"""Step builder for the XGBoost churn model: correct."""
import time

from sagemaker import image_uris
from sagemaker.model import Model
from sagemaker.workflow.steps import CreateModelStep, CreateModelInput

MODEL_PREFIX = "churn-xgb"


class XGBoostModelStepBuilder:
    def __init__(self, session, role, region):
        self.session = session
        self.role = role
        self.region = region
        self.model_data = None
        self.training_step = None

    def integrate_with_training_step(self, training_step):
        self.training_step = training_step
        self.model_data = training_step.properties.ModelArtifacts.S3ModelArtifacts

    def _model_name(self):
        return f"{MODEL_PREFIX}-{int(time.time())}"

    def _create_model(self):
        image = image_uris.retrieve("xgboost", self.region, version="1.7-1")
        return Model(
            image_uri=image,
            model_data=self.model_data,
            role=self.role,
            name=self._model_name(),
            sagemaker_session=self.session,
        )

    def create_step(self):
        model = self._create_model()
        return CreateModelStep(
            name="CreateChurnModel",
            model=model,
            inputs=CreateModelInput(instance_type="ml.m5.large"),
        )
