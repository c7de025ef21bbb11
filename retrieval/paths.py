"""Default locations (importing this loads nothing heavy, so ``--help`` stays instant)."""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "corpus"
DEFAULT_DATA_DIR = Path(os.environ.get("STATEMENTQA_DATA_DIR", REPO_ROOT / ".statementqa"))
