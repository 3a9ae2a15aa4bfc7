"""No model_data at all; and model_data from an attribute that stays None."""
from sagemaker.model import Model
from sagemaker.workflow.steps import CreateModelStep

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


class NoDataBuilder:
    def __init__(self, role):
        self.role = role

    def _create_model(self):
        return Model(image_uri=IMAGE, role=self.role)

    def create_step(self):
        return CreateModelStep(name="CreateNoData", model=self._create_model())


class NeverSetBuilder:
    def __init__(self, role):
        self.role = role
        self.model_data = None

    def integrate_with_training_step(self, training_step):
        self.training_step = training_step

    def _create_model(self):
        return Model(image_uri=IMAGE, model_data=self.model_data, role=self.role)

    def create_step(self):
        return CreateModelStep(name="CreateNeverSet", model=self._create_model(), depends_on=[self.training_step])
