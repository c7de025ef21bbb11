"""The offline environment: no downloads, no telemetry. ``offline_environment()`` sets the
variables Hugging Face, tokenizers and Gradio read (only where the user has not set them), and
every entry point calls it explicitly before it loads a model or Gradio: the CLI, the app, the
library's ``Pipeline``, the model loaders, training and calibration. Importing this module
changes nothing.
"""
from __future__ import annotations

import os

OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def offline_environment() -> None:
    for k, v in OFFLINE.items():
        os.environ.setdefault(k, v)
