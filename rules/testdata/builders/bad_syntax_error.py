"""Step builder with a missing closing parenthesis: Python cannot import the
file, so the pipeline never gets its step."""
from sagemaker.model import Model
from sagemaker.workflow.steps import CreateModelStep


class BrokenBuilder:
    def __init__(self, role, model_uri, image_uri, train_step):
        self.role = role
        self.model_uri = model_uri
        self.image_uri = image_uri
        self.train_step = train_step

    def create_model(self):
        return Model(
            image_uri=self.image_uri,
            model_data=self.model_uri,
            role=self.role,

    def create_step(self):
        return CreateModelStep(
            name="CreateBroken",
            model=self.create_model(),
            depends_on=[self.train_step],
        )
