"""The builder builds a model but never turns it into a pipeline step."""
from sagemaker.xgboost.model import XGBoostModel


class ForecastBuilder(object):
    def __init__(self, role, train_step):
        self.role = role
        self.train_step = train_step

    def _create_model(self):
        return XGBoostModel(
            model_data=self.train_step.properties.ModelArtifacts.S3ModelArtifacts,
            role=self.role,
            entry_point="inference.py",
            framework_version="1.7-1",
        )
