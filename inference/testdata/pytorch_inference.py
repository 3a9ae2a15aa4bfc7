"""PyTorch inference script for an image classifier.

The toolkit calls model_fn, input_fn, predict_fn and output_fn.
"""
import io
import json
import logging
import os

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

logger = logging.getLogger(__name__)

LABELS_FILE = "labels.json"


def model_fn(model_dir, context=None):
    """Load the TorchScript model saved in model.pt."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = torch.jit.load(os.path.join(model_dir, "model.pt"), map_location=device)
    with open(os.path.join(model_dir, LABELS_FILE)) as f:
        model.labels = json.load(f)
    return model.eval()


def input_fn(request_body, content_type="application/x-image"):
    if content_type == "application/x-image":
        image = Image.open(io.BytesIO(request_body)).convert("RGB")
        return transforms.ToTensor()(image).unsqueeze(0)
    if content_type == "application/json":
        return torch.tensor(np.array(json.loads(request_body)))
    raise ValueError(f"unsupported content type {content_type!r}")


def predict_fn(input_data, model):
    with torch.no_grad():
        return model(input_data)


def output_fn(prediction, accept="application/json"):
    return json.dumps(prediction.tolist()), accept
