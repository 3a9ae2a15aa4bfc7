"""create_step passes a model that no method of the builder builds."""
from sagemaker.workflow.steps import CreateModelStep


class EvalModelStepBuilder:
    def __init__(self, model, train_step):
        self.model = model
        self.train_step = train_step

    def create_step(self):
        return CreateModelStep(name="CreateEvalModel", model=self.model, depends_on=[self.train_step])
