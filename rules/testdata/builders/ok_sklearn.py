"""Step builder for a scikit-learn model with an aliased module import and
an explicit dependency: correct."""
import uuid

import sagemaker.sklearn as sk
from sagemaker.workflow.steps import CreateModelStep


class SKLearnBuilder:
    def __init__(self, role, model_uri, tuning_step):
        self.role = role
        self.model_uri = model_uri
        self.tuning_step = tuning_step

    def create_model(self):
        suffix = uuid.uuid4().hex[:8]
        return sk.SKLearnModel(
            self.model_uri,
            self.role,
            "serve.py",
            framework_version="1.2-1",
            name=f"iris-{suffix}",
        )

    def create_step(self):
        return CreateModelStep(
            name="CreateIris",
            model=self.create_model(),
            depends_on=[self.tuning_step],
        )
