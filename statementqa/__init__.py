"""statementqa: answers questions about a set of documents with cited sentences.

The library API is :class:`statementqa.pipeline.Pipeline`; ``statementqa.cli`` and
``app.py`` are thin layers over it. Importing this package loads no model.
"""
import os

# No downloads, no telemetry: this tool runs offline by design.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
