"""Default locations (importing this loads nothing heavy and reads no environment variable:
``statementqa.settings.Settings.from_env`` applies ``STATEMENTQA_DATA_DIR`` and friends)."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "corpus"
DEFAULT_DATA_DIR = REPO_ROOT / ".statementqa"
