"""Default locations. ``ROOT`` is the source checkout when running from one (it has a
``pyproject.toml``), else the installed ``statementqa`` package, which carries the statement
(``corpus/``), the reader weights and the examples as package data; so the defaults work both
from a clone and after ``pip install .``. The data directory (index, ONNX export, feedback) is
``.statementqa/`` in a checkout and ``~/.cache/statementqa/data`` (``$XDG_CACHE_HOME``) for an
installed package. Importing this module reads no ``STATEMENTQA_*`` variable
(``statementqa.settings.Settings.from_env`` does) and loads nothing heavy.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_CHECKOUT = (ROOT / "pyproject.toml").exists()
DEFAULT_CORPUS = ROOT / "corpus"
EXAMPLES_DIR = ROOT / "examples"


def default_data_dir() -> Path:
    if SOURCE_CHECKOUT:
        return ROOT / ".statementqa"
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / "statementqa" / "data"
