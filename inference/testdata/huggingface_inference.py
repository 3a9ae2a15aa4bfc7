from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def model_fn(model_dir, context=None):
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    weights = Path(model_dir) / "finetuned" / "model.safetensors"
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, state_dict=load(str(weights)),
    )
    config = f"{model_dir}/config.json"
    return model, tokenizer, config


def predict_fn(data, model_and_tokenizer, context=None):
    model, tokenizer, _ = model_and_tokenizer
    inputs = tokenizer(data.pop("inputs", data), return_tensors="pt")
    with torch.no_grad():
        return {"logits": model(**inputs).logits.tolist()}
