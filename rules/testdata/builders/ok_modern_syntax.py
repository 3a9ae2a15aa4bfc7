"""Step builder written with Python 3.10+ syntax that parses: match, the
walrus operator, nested f-string fields, keyword-only and positional-only
parameters, and a decorator: correct."""
import functools
import uuid

from sagemaker.model import Model
from sagemaker.workflow.steps import CreateModelStep


class ModernBuilder:
    def __init__(self, role, model_uri, image_uri, train_step, /, *, width=8):
        self.role = role
        self.model_uri = model_uri
        self.image_uri = image_uri
        self.train_step = train_step
        self.width = width

    @functools.cache
    def create_model(self):
        match self.width:
            case 0:
                suffix = "x"
            case _:
                suffix = uuid.uuid4().hex[: self.width]
        if (n := len(suffix)) > 4:
            suffix = f"{suffix!s:>{n}}"
        return Model(
            image_uri=self.image_uri,
            model_data=self.model_uri,
            role=self.role,
            name=f"modern-{suffix}",
        )

    def create_step(self):
        return CreateModelStep(
            name="CreateModern",
            model=self.create_model(),
            depends_on=[self.train_step],
        )
