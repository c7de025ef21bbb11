"""statementqa: answers questions about a set of documents with cited sentences.

The library API is :class:`statementqa.pipeline.Pipeline`; ``statementqa.cli`` and
``app.py`` are thin layers over it. Importing this package loads no model.
"""
# Offline by design (no downloads, no telemetry): the entry points call
# retrieval.offline.offline_environment() explicitly; importing this package changes nothing.

__version__ = "0.1.0"
