import json

import requests


def handler(data, context):
    """Handle the request in one function."""
    processed = _process_input(data, context)
    response = requests.post(context.rest_uri, data=processed)
    return _process_output(response, context)


def _process_input(data, context):
    return json.dumps({"instances": json.load(data)})


def _process_output(data, context):
    return data.content, context.accept_header
