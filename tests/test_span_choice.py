"""eval.span_choice: replaying answer assembly on one reading equals what the app answers with
that calibration (the real pipeline and shipped reader), and the weight rule on a table."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from statementqa.eval.dataset import load_dataset
from statementqa.eval.metrics import score_answer
from statementqa.eval.runner import DEFAULT_DATASET
from statementqa.eval.span_choice import GRID, choose, f1_at, read_all, replay
from statementqa.followup import Turn
from statementqa.reader.saidabout import asks_said_about
from tests.conftest import SQUAD_DIR

READER = Path(__file__).resolve().parents[1] / "reader" / "model"


@pytest.mark.parametrize(
    "table, want",
    [
        ({"a": {0.0: 50.0, 1.0: 51.0, 2.0: 50.5}, "b": {0.0: 60.0, 1.0: 60.0, 2.0: 61.0}}, 2.0),  # means 55, 55.5, 55.75
        ({"a": {0.0: 50.0, 1.0: 50.0}}, 0.0),                      # a tie: the smaller weight
        ({"a": {0.0: 50.0, 2.0: 49.0}, "b": {0.0: 60.0, 2.0: 62.0}}, 2.0),  # mean 55 vs 55.5
        ({"a": {0.0: 50.0, 2.0: 52.0}, "b": {0.0: 60.0, 2.0: 57.0}}, 0.0),  # mean 55 vs 54.5
    ],
)
def test_choose(table, want):
    assert choose(table) == want


@pytest.fixture(scope="module")
def rows(pipeline):
    ds = load_dataset(DEFAULT_DATASET)
    ds.items = [i for i in ds.items if i.id in {"q15", "q10", "q19", "u04", "q01", "q31"}] + \
        [i for i in ds.items if i.history][:2]
    return read_all(pipeline, ds, progress=False)


@pytest.mark.parametrize("weight", [0.0, 2.0])
def test_replay_equals_the_pipeline(rows, pipeline, corpus_dir, tmp_path, weight):
    reader = tmp_path / "reader"
    shutil.copytree(READER, reader)  # same weights (same ONNX export); only the calibration differs
    cal = json.loads((READER / "calibration.json").read_text())
    (reader / "calibration.json").write_text(json.dumps({**cal, "retrieval_weight": weight}))
    from statementqa.pipeline import Pipeline

    pl = Pipeline(corpus=corpus_dir, data_dir=pipeline.settings.data_dir, reader=str(reader))
    got = replay(rows, cal, weight)
    for (item, _), ans in zip(rows, got):
        want = pl.ask(item.question, history=[Turn(q, a) for q, a in item.history] or None)
        if asks_said_about(item.question):
            # "What did Nielsen say about children?": the pipeline's later rule (reader.saidabout)
            # answers with the quoted sentence on children whichever span assembly chose
            assert want.text.startswith("We cannot allow children") and "said" in want.how, item.id
            continue
        assert (ans.text, ans.abstained, ans.confidence) == (want.text, want.abstained, want.confidence), item.id
        assert [c.sentence_index for c in ans.citations] == [c.sentence_index for c in want.citations]
    f1 = 100 * sum(score_answer(list(i.answers) if i.answerable else [], "" if a.abstained else a.text)[1]
                   for (i, _), a in zip(rows, got)) / len(rows)
    assert f1_at(rows, cal, weight) == pytest.approx(f1)


def test_retrieval_agreement_answers_the_children_question(rows, pipeline):
    """"What did Nielsen say about children?" (the app's own example): retrieval ranks the
    children sentence first, and with the weight its span wins and is answered."""
    row = next(r for r in rows if r[0].id == "q15")
    ans = replay([row], pipeline.reader.calibration, 2.0)[0]
    assert not ans.abstained and ans.text.startswith("We cannot allow children to be used as pawns")
    assert 0.0 in GRID


@pytest.mark.skipif(not (SQUAD_DIR / "dev-v2.0-a.json.gz").exists(), reason="needs ../shared/data/squad (the app does not)")
def test_recalibrating_drops_a_stale_weight_and_says_so(tmp_path, capsys):
    """calibrate rewrites confidence and threshold; a weight fitted against the old ones is not kept."""
    from statementqa.eval.calibrate import main as calibrate

    reader = tmp_path / "reader"
    shutil.copytree(READER, reader)
    cal = json.loads((READER / "calibration.json").read_text())
    (reader / "calibration.json").write_text(json.dumps({**cal, "retrieval_weight": 2.0}))
    calibrate(["--reader", str(reader), "--limit", "40"])
    new = json.loads((reader / "calibration.json").read_text())
    assert "retrieval_weight" not in new and new["n"] == 40
    assert "retrieval_weight 2.0 dropped" in capsys.readouterr().out


@pytest.mark.skipif(not (SQUAD_DIR / "dev-v2.0-a.json.gz").exists(), reason="needs ../shared/data/squad (the app does not)")
@pytest.mark.parametrize("args, msg", [
    (["--limit", "3"], "calibration needs answerable and unanswerable questions; these 3 are all answerable: raise --limit"),
    (["--reader", "/nonexistent/reader"], "does not exist; pass an existing model directory"),
])
def test_calibrate_refuses_in_one_line(tmp_path, args, msg):
    """A --limit whose questions are all of one kind (nothing to fit) or a bad --reader: one line that
    says what to change, no traceback, and the reader's calibration.json untouched."""
    from statementqa.eval.calibrate import main as calibrate

    reader = tmp_path / "reader"
    shutil.copytree(READER, reader)
    before = (reader / "calibration.json").read_bytes()
    with pytest.raises(SystemExit) as e:
        calibrate(["--reader", str(reader), *args])
    assert str(e.value).startswith("error: ") and msg in str(e.value) and "\n" not in str(e.value)
    assert (reader / "calibration.json").read_bytes() == before
