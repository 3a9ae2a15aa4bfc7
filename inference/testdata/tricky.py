# -*- coding: utf-8 -*-
# def model_fn(model_dir): this comment is not a handler
"""Tricky bindings.

def input_fn(data, content_type):
    a docstring is not a handler either
"""
from __future__ import annotations

import functools
import os.path
import typing
from typing import TYPE_CHECKING

from . import helpers
from .models import build

try:
    import ujson as json
except ImportError:
    import json

SNIPPET = "def predict_fn(data, model): pass"
MODEL_DIR = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
WEIGHTS = "/opt/ml/model/weights/best.bin"

if TYPE_CHECKING:
    from collections.abc import Callable


class Handlers:
    def model_fn(self, model_dir):
        return None

    def predict_fn(self, data, model):
        return model(data)


def _wrap(fn):
    def output_fn(prediction, accept):
        return prediction
    return fn


def _load(model_dir, name="model.pth", *, strict=True):
    import torch
    return torch.load(os.path.join(model_dir, name)), WEIGHTS


model_fn = _load

input_fn = lambda data, content_type, context=None: data

if os.environ.get("FAST"):
    from fastpath import predict_fn
elif os.environ.get("BATCH"):
    def predict_fn(data, model, *args):
        return model(data)
else:
    predict_fn = functools.partial(lambda d, m: m(d))

with open(os.devnull) as _f:
    output_fn, transform_fn = (lambda p, a: p), _wrap


@functools.lru_cache(maxsize=None)
async def pre_model_fn(model_dir, *, extra=None):
    return None


model_warmup_fn: typing.Any
handler: typing.Any = None
