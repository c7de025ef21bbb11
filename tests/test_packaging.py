"""Packaging: the wheel holds one import package (``statementqa``) with the statement, the reader and
the test set as package data, and an installed copy answers from a folder outside the repository."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0 and "No module named" in r.stderr:  # no setuptools in this venv: isolated build
        r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                           capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return next(out.glob("statementqa-*.whl"))


def test_wheel_has_one_package_and_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"statementqa"}  # no generic retrieval/, reader/, eval/ in site-packages
    for must in ("statementqa/retrieval/search.py", "statementqa/reader/model/model.safetensors",
                 "statementqa/reader/model/calibration.json", "statementqa/eval/data/statement_qa.jsonl",
                 "statementqa/eval/floors.json", "statementqa/eval/floors-squad.json", "statementqa/corpus/dhs-northern-triangle-compact-2019-02-21.txt",
                 "statementqa/examples/embed.html", "statementqa/reader/data/propernames.json"):
        assert must in names, must


@pytest.mark.slow
def test_installed_copy_answers_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("STATEMENTQA_DATA_DIR", None)
    code = ("import statementqa, statementqa.retrieval.paths as p; "
            "print(statementqa.__file__); print(p.SOURCE_CHECKOUT)")
    r = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert r.stdout.splitlines() == [str(site / "statementqa" / "__init__.py"), "False"], r.stdout + r.stderr
    r = subprocess.run([sys.executable, "-c", "from statementqa.reader.names import names; print(names('which agency of guatemala signed?'))"],
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "['guatemala']", r.stdout + r.stderr  # the list of names is package data
    r = subprocess.run([sys.executable, "-m", "statementqa", "ask", "Where did the meeting take place?", "--json"],
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    import json

    ans = json.loads(r.stdout)
    assert "San Salvador" in ans["answer"] and ans["citations"]
    assert (tmp_path / "cache" / "statementqa" / "data" / "CURRENT").exists()  # index outside the package
    assert not list(cwd.iterdir())  # nothing written to the working folder
