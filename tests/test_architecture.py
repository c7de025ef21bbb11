"""Architecture: the import layers hold (import-linter), an upward import is caught, and the one
``Settings`` object validates at the edge (unknown names, bad values, no mutation of the caller's)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from statementqa.retrieval.errors import UserError
from statementqa.settings import Settings
from tests.conftest import REPO

LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("statementqa", "eval", "reader", "retrieval")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--config", str(root / ".importlinter"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def _copy_sources(dst: Path) -> None:
    """The sources as in the repository: statementqa/ with its links to the top-level folders."""
    for pkg in PACKAGES:
        for f in (REPO / pkg).rglob("*.py"):
            rel = f.relative_to(REPO)
            if pkg == "statementqa" and (REPO / rel.parts[0] / rel.parts[1]).is_symlink():
                continue
            t = dst / rel
            t.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, t)
    for link in (REPO / "statementqa").iterdir():
        if link.is_symlink():
            (dst / "statementqa" / link.name).symlink_to(os.readlink(link))
    shutil.copy2(REPO / ".importlinter", dst / ".importlinter")


def test_layers_contract_is_kept():
    r = _lint(REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 kept, 0 broken" in r.stdout


@pytest.mark.parametrize("module, upward", [
    ("retrieval/types.py", "from statementqa import cli"),  # bottom -> top
    ("reader/model.py", "from statementqa.eval import metrics"),  # reader -> eval
    ("retrieval/chunk.py", "from statementqa.retrieval import search"),  # inside retrieval
])
def test_an_upward_import_breaks_the_contract(tmp_path, module, upward):
    _copy_sources(tmp_path)
    assert _lint(tmp_path).returncode == 0
    f = tmp_path / module
    f.write_text(f.read_text() + f"\n\ndef _upward():\n    {upward}  # noqa\n")
    r = _lint(tmp_path)
    assert r.returncode != 0
    assert "BROKEN" in r.stdout and "broken" in r.stdout


def test_settings_refuse_unknown_names_and_do_not_change_the_callers_object():
    base = Settings()
    with pytest.raises(UserError, match="unknown setting 'chunksize'"):
        base.replace(chunksize=5)
    new = base.replace(chunk_size=5, k=None)
    assert (new.chunk_size, new.k) == (5, 3) and base.chunk_size == 3
    with pytest.raises(Exception):
        base.k = 4  # frozen


def test_pipeline_overrides_are_checked(tmp_path):
    from statementqa.pipeline import Pipeline

    with pytest.raises(UserError, match="unknown setting 'chunksize'"):
        Pipeline(chunksize=5)
    s = Settings(data_dir=tmp_path)
    pl = Pipeline(s, chunk_size=4)
    assert pl.settings.chunk_size == 4 and s.chunk_size == 3


@pytest.mark.parametrize("values, message", [
    ({"chunk_size": 0}, "chunk size must be at least 1"),
    ({"chunk_size": 2, "chunk_overlap": 2}, "chunk overlap must be between 0 and chunk size - 1 = 1"),
    ({"chunk_overlap": -1}, "chunk overlap"),
    ({"k": 0}, "k \\(passages given to the reader\\) must be between 1 and 50"),
    ({"k": 51}, "between 1 and 50"),
    ({"k": "3"}, "k must be a whole number"),
    ({"index_type": "ivf"}, "index type must be one of auto, exact, hnsw"),
    ({"int8": "yes"}, "int8 must be one of none, reader, embedder, all"),
    ({"reader_backend": "tf"}, "reader backend must be one of auto, torch, onnx, torch-bf16"),
    ({"reader_backend": "torch-bf16", "int8": "all"}, "the reader is either int8 or bfloat16"),
    ({"threshold": 1.5}, "threshold must be between 0 and 1"),
    ({"max_answer_tokens": 0}, "max answer tokens"),
    ({"may_answer": "perhaps"}, "may_answer must be on or off"),
    ({"list_items": "sometimes"}, "list_items must be on or off"),
    ({"name_check": "2"}, "name_check must be on or off"),
])
def test_bad_values_are_one_line_user_errors(values, message):
    with pytest.raises(UserError, match=message) as e:
        Settings(**values)
    assert "\n" not in str(e.value)


def test_environment_is_read_when_asked_not_at_import(tmp_path):
    env = {"STATEMENTQA_DATA_DIR": str(tmp_path / "d"), "STATEMENTQA_READER": str(tmp_path / "r"),
           "STATEMENTQA_INT8": "reader", "STATEMENTQA_READER_BACKEND": "torch", "STATEMENTQA_CORPUS": ""}
    s = Settings.from_env(env)
    assert s.data_dir == tmp_path / "d" and s.reader == str(tmp_path / "r") and s.int8 == "reader"
    assert s.reader_backend == "torch" and s.corpus == Settings().corpus  # empty variable ignored
    assert Settings.from_env(env, int8="none").int8 == "none"  # explicit options win
    with pytest.raises(UserError, match="int8 must be one of"):
        Settings.from_env({"STATEMENTQA_INT8": "maybe"})
    s = Settings.from_env({"STATEMENTQA_LIST_ITEMS": "off", "STATEMENTQA_NAME_CHECK": "no", "STATEMENTQA_MAY_ANSWER": "1"})
    assert (s.list_items, s.name_check, s.may_answer) == (False, False, True)
    assert (Settings().list_items, Settings().name_check) == (True, True)


@pytest.mark.parametrize("args, message", [
    (["index", "--chunk-size", "0"], "error: chunk size must be at least 1 sentence (got 0); try --chunk-size 3"),
    (["index", "--chunk-size", "2", "--chunk-overlap", "5"], "error: chunk overlap must be between 0 and chunk size - 1"),
    (["ask", "Who?", "-k", "0"], "error: "),
])
def test_cli_bad_settings_are_one_line(tmp_path, args, message):
    r = subprocess.run([sys.executable, "-m", "statementqa", *args, "--data-dir", str(tmp_path)], cwd=REPO,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith(message) and "Traceback" not in r.stderr
