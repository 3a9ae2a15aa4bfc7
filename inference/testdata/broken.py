import os


def model_fn(model_dir):
    return open(os.path.join(model_dir, "model.bin")


def predict_fn(data, model):
    return model(data)
