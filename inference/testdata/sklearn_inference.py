import os

import joblib
import pandas as pd
from sagemaker_containers.beta.framework import encoders, worker


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def input_fn(input_data, content_type):
    if content_type == "text/csv":
        return pd.read_csv(pd.io.common.StringIO(input_data), header=None)
    raise ValueError("unsupported content type: {}".format(content_type))


def predict_fn(input_data, model):
    return model.predict(input_data)


def output_fn(prediction, accept):
    return worker.Response(encoders.encode(prediction, accept), mimetype=accept)
