"""Like/dislike feedback, appended to a JSON Lines log.

Each event is one line written with a single ``write`` on a file opened in append mode
(O_APPEND), under a process-wide lock, so concurrent requests never interleave or lose lines.
A write failure (read-only folder, full disk) raises FeedbackError with a readable message;
the app shows it and carries on. This module knows nothing about the UI.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from statementqa.retrieval.errors import UserError

_lock = threading.Lock()


class FeedbackError(UserError):
    pass


def append_feedback(path: Path, event: dict) -> None:
    rec = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **event}
    line = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        with _lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                n = os.write(fd, line)
                if n != len(line):
                    raise OSError(28, "short write (disk full?)")
            finally:
                os.close(fd)
    except OSError as e:
        raise FeedbackError(f"could not save feedback to {path}: {e.strerror or e}") from None
