"""Evaluation: metric functions against hand-computed cases, data set validation, the runner end
to end, compare, and the regression gate on the statement test set with the shipped reader."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.eval.dataset import load_dataset, load_jsonl
from statementqa.eval.metrics import (
    at_threshold,
    best_threshold,
    citation_pr,
    compute_exact,
    compute_f1,
    expected_calibration_error,
    normalize_answer,
    recall_at_k,
    reciprocal_rank,
    roc_auc,
    score_answer,
)
from statementqa.eval.runner import LARGE_DATASET
from statementqa.retrieval.errors import UserError
from tests.conftest import REPO, SQUAD_DIR


@pytest.mark.parametrize(
    "raw, norm",
    [("The Cat!", "cat"), ("  a   big\tdog ", "big dog"), ("San Salvador, El Salvador.", "san salvador el salvador"),
     ("An apple; the end", "apple end"), ("“regional compact”", "“regional compact”"), ("", "")],
)
def test_normalize(raw, norm):
    assert normalize_answer(raw) == norm


@pytest.mark.parametrize(
    "gold, pred, em, f1",
    [("San Salvador", "san salvador.", 1, 1.0), ("the four areas", "four", 0, 2 / 3), ("next month", "month", 0, 2 / 3),
     ("Mexico", "Canada", 0, 0.0), ("w b c d", "w b x y", 0, 0.5), ("a b c d", "a b x y", 0, 1 / 3), ("", "", 1, 1.0), ("", "x", 0, 0.0)],
)
def test_em_f1(gold, pred, em, f1):
    assert compute_exact(gold, pred) == em
    assert compute_f1(gold, pred) == pytest.approx(f1)


def test_max_over_golds_and_unanswerable():
    assert score_answer(["San Salvador", "San Salvador, El Salvador"], "San Salvador, El Salvador") == (1, 1.0)
    assert score_answer(["x y", "x y z w"], "x y z") == (0, pytest.approx(0.857142857))
    assert score_answer([], "") == (1, 1.0)  # unanswerable + abstain
    assert score_answer([], "Mexico") == (0, 0.0)  # unanswerable + answer


def test_best_threshold_official():
    # q1 answerable f1 1 (na .1), q2 unanswerable (na .9), q3 answerable f1 .5 (na .6)
    best, t = best_threshold([1.0, 0.0, 0.5], [0.1, 0.9, 0.6], [True, False, True])
    assert best == pytest.approx(100 * 2.5 / 3) and t == pytest.approx(0.6)
    best, t = best_threshold([0.0, 0.0], [0.2, 0.3], [False, False])
    assert best == 100.0 and t == 0.0
    # weights: an unanswerable question that counts 3x makes answering q2-like cases costlier
    best, t = best_threshold([1.0, 0.0, 0.5], [0.1, 0.9, 0.6], [True, False, True], [1.0, 3.0, 1.0])
    assert best == pytest.approx(100 * 4.5 / 5) and t == pytest.approx(0.6)


@pytest.mark.parametrize("threshold, expected", [
    # q1 answerable f1 1 (conf .75), q2 unanswerable (conf .25), q3 answerable f1 .5 (conf .5)
    (0.0, (100 * 1.5 / 3, 100 * 2 / 3)),   # everything answered: q2 is wrong
    (0.5, (100 * 2.5 / 3, 100.0)),         # q2 abstains: all right
    (0.75, (100 * 2 / 3, 100 * 2 / 3)),    # q3 abstains too: its 0.5 is lost
    (1.0, (100 * 1 / 3, 100 * 1 / 3)),     # everything abstains: only q2 scores
])
def test_at_threshold_table(threshold, expected):
    got = at_threshold([1.0, 0.0, 0.5], [0.75, 0.25, 0.5], [True, False, True], threshold)
    assert got == pytest.approx(expected)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0]), st.integers(0, 64), st.booleans()),
                min_size=1, max_size=20, unique_by=lambda r: r[1]))
def test_at_threshold_agrees_with_the_official_best(rows):
    """At the official script's best t, at_threshold(1 - t) scores what best_threshold reports
    (distinct confidences, exact in binary: the official script credits ties it cannot separate)."""
    scores, conf, has = (list(x) for x in zip(*rows))
    conf = [c / 64 for c in conf]
    scores = [s if h else 0.0 for s, h in zip(scores, has)]
    best, t = best_threshold(scores, [1 - c for c in conf], has)
    if t == 0.0 and best == 100.0 * sum(not h for h in has) / len(has):
        return  # "abstain on everything" has no confidence threshold when some confidence is 1.0
    assert at_threshold(scores, conf, has, 1 - t)[0] == pytest.approx(best)


def test_citation_and_retrieval_metrics():
    assert citation_pr(["a", "b"], ["b", "c"]) == (0.5, 0.5)
    assert citation_pr([], ["a"]) == (None, 0.0)
    assert recall_at_k(["x", "a", "b"], ["b"], 2) == 0.0 and recall_at_k(["x", "a", "b"], ["b"], 3) == 1.0
    assert reciprocal_rank(["x", "a", "b"], ["a", "b"]) == 0.5 and reciprocal_rank(["x"], ["a"]) == 0.0


def test_ece():
    ece, bins = expected_calibration_error([0.9, 0.9, 0.1, 0.1], [True, True, False, False])
    assert ece == pytest.approx(0.1) and [b["n"] for b in bins] == [2, 2]
    ece, _ = expected_calibration_error([0.8] * 10, [True] * 8 + [False] * 2)
    assert ece == pytest.approx(0.0, abs=1e-9)


@given(st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=1, max_size=60))
@settings(max_examples=80, deadline=None)
def test_roc_auc_matches_scikit_learn(pairs):
    from sklearn.metrics import roc_auc_score

    scores = [s / 3 for s, _ in pairs]  # coarse values: many ties
    labels = [y for _, y in pairs]
    got = roc_auc(scores, labels)
    if len(set(labels)) < 2:
        assert got is None
    else:
        assert got == pytest.approx(roc_auc_score(labels, scores))


BAD_LINES = [
    '{"id": "a", "question": "Where?", "answers": ["San Salvador"], "answerable": true, "supporting": [], "category": "x"}',
    '{"id": "b", "question": "Who?", "answerable": true}',
    "{not json",
    '{"id": "c", "question": "   ", "answers": [], "answerable": false}',
    '{"id": "a", "question": "dup", "answers": [], "answerable": false}',
    '{"id": "d", "question": "When?", "answers": [], "answerable": true}',
    '{"id": "e", "question": "Capital of France?", "answers": [], "answerable": false}',
]


def test_malformed_lines_skip_or_fail(tmp_path, caplog):
    p = tmp_path / "d.jsonl"
    p.write_text("\n".join(BAD_LINES) + "\n")
    ds = load_jsonl(p, "skip")
    assert [i.id for i in ds.items] == ["a", "e"]
    assert [x.split(":")[1] for x in ds.problems] == ["2", "3", "4", "5", "6"]
    assert "missing field 'answers'" in ds.problems[0] and "empty question" in ds.problems[2] and "duplicate id" in ds.problems[3]
    with pytest.raises(UserError, match="5 malformed line.*d.jsonl:2"):
        load_jsonl(p, "fail")


@pytest.mark.parametrize("name, msg", [("x.csv", "unknown dataset format"), ("missing.jsonl", "does not exist")])
def test_dataset_errors(tmp_path, name, msg):
    if name.endswith(".csv"):
        (tmp_path / name).write_text("a,b")
    with pytest.raises(UserError, match=msg):
        load_dataset(tmp_path / name)


def test_statement_set_is_complete(statement_text):
    from statementqa.retrieval.segment import segment

    rows = [json.loads(x) for x in (REPO / "eval" / "data" / "statement_qa.jsonl").read_text().splitlines()]
    assert len(rows) >= 60 and sum(not r["answerable"] for r in rows) >= 15
    for r in rows:
        for a in r["answers"]:
            assert a in statement_text
    covered = {s for r in rows for s in r["supporting"]}
    assert {s.text for s in segment(statement_text) if not s.boilerplate} <= covered


def _args(**kw):
    base = dict(corpus=None, data_dir=None, embedder=None, reader=None, index_type=None, chunk_size=None, chunk_overlap=None,
                dataset=None, out=None, k=None, gold_context=False, limit=None, on_error="skip", compare=None, gate=None, part="all",
                junit=None, endpoint=None)
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.slow
def test_runner_end_to_end_tiny(tmp_path, corpus_dir, capsys):
    from statementqa.eval.runner import main_eval

    p = tmp_path / "tiny.jsonl"
    p.write_text("\n".join(BAD_LINES) + "\n")
    out = tmp_path / "out"
    assert main_eval(_args(dataset=p, out=out, corpus=corpus_dir, data_dir=tmp_path / "d")) == 0
    for f in ("predictions.jsonl", "metrics.json", "report.md", "reliability.png", "latency.png", "f1_by_category.png"):
        assert (out / f).stat().st_size > 0, f
    preds = [json.loads(x) for x in (out / "predictions.jsonl").read_text().splitlines()]
    assert [x["id"] for x in preds] == ["a", "e"]
    assert set(preds[0]) >= {"id", "question", "answer", "abstained", "confidence", "citations", "retrieved", "latency_ms"}
    m = json.loads((out / "metrics.json").read_text())
    assert m["dataset"]["skipped_lines"] == 5 and m["n"] == 2
    assert "| EM |" in (out / "report.md").read_text()
    # compare two runs
    assert main_eval(_args(compare=[out / "metrics.json", out / "metrics.json"])) == 0
    assert "+0.0" in capsys.readouterr().out


@pytest.mark.slow
def test_squad_file_end_to_end(tmp_path):
    """A small official-format SQuAD file: retrieval over its paragraphs, and --gold-context."""
    from statementqa.eval.runner import main_eval

    data = {"version": "v2.0", "data": [{"title": "T", "paragraphs": [
        {"context": "The Rhine flows through Basel. It is 1,230 km long.", "qas": [
            {"id": "1", "question": "How long is the Rhine?", "answers": [{"text": "1,230 km", "answer_start": 37}], "is_impossible": False},
            {"id": "2", "question": "Who painted the Rhine?", "answers": [], "is_impossible": True}]},
        {"context": "Oxygen is a chemical element. Its symbol is O.", "qas": [
            {"id": "3", "question": "What is the symbol of oxygen?", "answers": [{"text": "O", "answer_start": 44}], "is_impossible": False}]}]}]}
    p = tmp_path / "mini.json"
    p.write_text(json.dumps(data))
    for gold in (False, True):
        out = tmp_path / f"o{gold}"
        assert main_eval(_args(dataset=p, out=out, gold_context=gold)) == 0
        m = json.loads((out / "metrics.json").read_text())
        assert m["n"] == 3 and m["n_no_ans"] == 1
        if not gold:
            assert m["retrieval_recall_at_k"] == 100.0


@pytest.mark.slow
def test_interrupted_run_keeps_predictions(tmp_path, corpus_dir, monkeypatch):
    from statementqa.eval.runner import run
    from statementqa.pipeline import Pipeline

    pl = Pipeline(corpus=corpus_dir, data_dir=tmp_path / "d")
    ds = load_dataset(REPO / "eval" / "data" / "statement_qa.jsonl")
    ds.items = ds.items[:6]
    calls = {"n": 0}
    real = pl.ask

    def flaky(q, k=None, history=None):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(q, k)

    monkeypatch.setattr(pl, "ask", flaky)
    with pytest.raises(KeyboardInterrupt):
        run(pl, ds, tmp_path / "out", progress=False)
    lines = (tmp_path / "out" / "predictions.jsonl.partial").read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == [i.id for i in ds.items[:3]]


@pytest.mark.slow
def test_regression_gate_statement(tmp_path, corpus_dir, capsys):
    """CI gate: the shipped reader on the statement test set must stay above eval/floors.json."""
    from statementqa.eval.runner import DEFAULT_FLOORS, main_eval

    out = tmp_path / "gate"
    rc = main_eval(_args(out=out, corpus=corpus_dir, data_dir=tmp_path / "d", gate=DEFAULT_FLOORS))
    m = json.loads((out / "metrics.json").read_text())
    with capsys.disabled():
        print(f"\nstatement: EM {m['exact']:.1f} F1 {m['f1']:.1f} HasAns F1 {m['has_ans_f1']:.1f} citation R {m['citation_recall']:.1f} "
              f"abstention acc {m['abstention_accuracy']:.1f} answer-in-citation {m['answer_in_citation']:.1f}")
    assert m["answer_in_citation"] == 100.0
    assert rc == 0, capsys.readouterr().err


def test_regression_gate_statement_large(tmp_path, corpus_dir, capsys):
    """CI gate on the larger statement set (181 questions: paraphrases, bullets, two-sentence answers,
    follow-ups with their previous turn, near-miss unanswerable questions): eval/floors-large.json."""
    from statementqa.eval.runner import main_eval

    out = tmp_path / "large"
    rc = main_eval(_args(out=out, corpus=corpus_dir, data_dir=tmp_path / "d", dataset=LARGE_DATASET,
                         gate=REPO / "eval" / "floors-large.json"))
    m = json.loads((out / "metrics.json").read_text())
    with capsys.disabled():
        print(f"\nstatement, large set: F1 {m['f1']:.1f} abstention acc {m['abstention_accuracy']:.1f} by category "
              + ", ".join(f"{c} {v:.1f}" for c, v in m["f1_by_category"].items()))
    assert m["n"] == 181 and m["n_no_ans"] == 43 and m["answer_in_citation"] == 100.0
    assert rc == 0, capsys.readouterr().err


def test_regression_gate_other_announcements(tmp_path, capsys):
    """CI gate on eval/data/press-dev (eight announcements, a court's press summary, a city budget, an interview, a recall notice, a library notice and a fares notice with a table
    in Markdown, council minutes, a compact signed with island ministers, an embassy's security alert in HTML, a notice to mariners in Word, a measles update in PDF, a minister's remarks, a briefing's transcript, a police appeal, a by-election's result with a table of votes, a study's release, a storm warning, a company's quarterly results, a school consultation, a museum's exhibition, a written answer in parliament, a statement on a death, a job advert and a boil water notice with lists of fields, a festival's programme, a council's letter to residents, a hospital's release with a timeline, a rail timetable change and an FAQ page,
    none of them the statement: meetings past and to come, quotations, lists, a range of days, an
    address): eval/floors-press.json."""
    from statementqa.eval.runner import main_eval

    press = REPO / "eval" / "data" / "press-dev"
    out = tmp_path / "press"
    rc = main_eval(_args(out=out, corpus=press / "corpus", data_dir=tmp_path / "d", dataset=press / "questions.jsonl",
                         gate=REPO / "eval" / "floors-press.json"))
    m = json.loads((out / "metrics.json").read_text())
    with capsys.disabled():
        print(f"\nother announcements: F1 {m['f1']:.1f} abstention acc {m['abstention_accuracy']:.1f}")
    assert m["n"] == 1028 and m["n_no_ans"] == 199 and m["answer_in_citation"] == 100.0
    assert rc == 0, capsys.readouterr().err
    # "What did X say about Y?" over the same documents (the index above is reused)
    _quotes_gate(tmp_path, press / "corpus", "questions.jsonl", (38, 10), "press-dev documents", capsys)


def _quotes_gate(tmp_path, corpus, name, counts, label, capsys):
    """One file of eval/data/quotes-dev through the eval against eval/floors-quotes.json."""
    from statementqa.eval.runner import main_eval

    out = tmp_path / name
    rc = main_eval(_args(out=out, corpus=corpus, data_dir=tmp_path / "d", dataset=REPO / "eval" / "data" / "quotes-dev" / name,
                         gate=REPO / "eval" / "floors-quotes.json"))
    m = json.loads((out / "metrics.json").read_text())
    with capsys.disabled():
        print(f"\nquotations ({label}): F1 {m['f1']:.1f} abstention acc {m['abstention_accuracy']:.1f}")
    assert (m["n"], m["n_no_ans"]) == counts and m["answer_in_citation"] == 100.0
    assert rc == 0, capsys.readouterr().err


def test_regression_gate_quotations_written_later(tmp_path, capsys):
    """CI gate on eval/data/quotes-dev/later.jsonl: 'What did X say about Y?' over two documents
    written after reader/saidabout.py (a harbour's dredging, a library's reopening; speakers
    introduced before and after their quotations, a pronoun, a role in apposition):
    eval/floors-quotes.json."""
    _quotes_gate(tmp_path, REPO / "eval" / "data" / "quotes-dev" / "corpus", "later.jsonl", (17, 6),
                 "two later documents", capsys)


@pytest.mark.slow
@pytest.mark.skipif(not (SQUAD_DIR / "dev-v2.0-a.json.gz").exists(), reason="needs ../shared/data/squad (the app does not)")
def test_regression_gate_held_out_squad(tmp_path, capsys):
    """CI gate for the reader itself: 300 held-out SQuAD questions with their gold paragraphs must
    stay above eval/floors-squad.json (answer quality and no-answer ROC AUC)."""
    from statementqa.eval.runner import main_eval

    out = tmp_path / "squad"
    rc = main_eval(_args(out=out, dataset=SQUAD_DIR / "dev-v2.0-a.json.gz", part="test", gold_context=True, limit=300,
                         data_dir=tmp_path / "d", gate=REPO / "eval" / "floors-squad.json"))
    m = json.loads((out / "metrics.json").read_text())
    with capsys.disabled():
        print(f"\nheld-out SQuAD (300, gold paragraph): F1 {m['f1']:.1f} best-threshold F1 {m['best_f1']:.1f} "
              f"NoAns ROC AUC {m['noans_roc_auc']:.3f} HasAns F1 {m['has_ans_f1']:.1f}")
    assert m["n"] == 300 and m["answer_in_citation"] == 100.0
    assert rc == 0, capsys.readouterr().err


def test_large_statement_set_matches_its_source_and_the_text():
    """The JSONL is what the hand-written table builds (answers inside their supporting sentences,
    checked by the builder); counts as the README says; follow-ups carry their previous turn."""
    from statementqa.eval.build_statement_set import OUT_LARGE, rows_large
    from statementqa.eval.dataset import load_dataset

    built = list(rows_large())
    on_disk = [json.loads(x) for x in OUT_LARGE.read_text(encoding="utf-8").splitlines()]
    assert built == on_disk
    ds = load_dataset(OUT_LARGE, on_error="fail")
    items = list(ds.items) if hasattr(ds, "items") else list(ds)
    assert len(items) == 181 and sum(not i.answerable for i in items) == 43
    cats = {i.category for i in items}
    assert {"paraphrase", "list", "multi", "followup", "quote", "unanswerable"} <= cats
    follow = [i for i in items if i.category == "followup"]
    assert follow and all(i.history for i in follow)


@pytest.mark.parametrize("history", ['"x"', '[{"question": "q"}]', '[["q", "a"]]'])
def test_bad_history_is_rejected(tmp_path, history):
    from statementqa.eval.dataset import load_dataset

    p = tmp_path / "h.jsonl"
    p.write_text('{"id": "a", "question": "Where?", "answers": ["x"], "answerable": true, "history": %s}\n' % history)
    with pytest.raises(Exception, match="history"):
        load_dataset(p, on_error="fail")


# -- report v2: HTML, bootstrap intervals, risk-coverage, run-vs-run diff, JUnit, --endpoint -----------

def test_bootstrap_interval_against_the_normal_approximation():
    import numpy as np

    from statementqa.eval.html_report import bootstrap_ci

    rng = np.random.default_rng(1)
    x = rng.uniform(0, 100, 400)
    lo, hi = bootstrap_ci(list(x))
    half = 1.96 * x.std(ddof=1) / np.sqrt(len(x))
    assert lo < x.mean() < hi
    assert abs((hi - lo) / 2 - half) / half < 0.1  # within 10 % of the textbook interval
    assert bootstrap_ci([42.0] * 50) == (42.0, 42.0)
    assert bootstrap_ci(list(x)) == (lo, hi)  # seeded: reproducible


def test_risk_coverage_table():
    from statementqa.eval.html_report import risk_coverage

    recs = [{"confidence": c, "answerable": a, "forced_f1": f} for c, a, f in
            [(0.9, True, 1.0), (0.8, False, 0.0), (0.7, True, 0.6), (0.1, True, 0.0)]]
    assert risk_coverage(recs) == [(0.25, 1.0), (0.5, 0.5), (0.75, 2 / 3), (1.0, 0.5)]


@pytest.mark.slow
def test_html_report_junit_and_run_diff(tmp_path, corpus_dir, capsys):
    import xml.etree.ElementTree as ET

    from statementqa.eval.html_report import read_records, verdict
    from statementqa.eval.runner import main_eval

    a, b = tmp_path / "a", tmp_path / "b"
    assert main_eval(_args(out=a, corpus=corpus_dir, data_dir=tmp_path / "d", limit=15, k=1, junit=tmp_path / "a.xml")) == 0
    assert main_eval(_args(out=b, corpus=corpus_dir, data_dir=tmp_path / "d", limit=15, k=3)) == 0
    page = (a / "report.html").read_text()
    recs = read_records(a)
    assert len(recs) == 15 and all({"gold", "f1", "em", "category", "supporting"} <= set(r) for r in recs)
    assert page.count('<tr data-v="') == 15 and 'data-f="wrong"' in page and "95 % CI" in page
    assert "data:image/png;base64," in page and 'src="http' not in page and "<link" not in page  # one file, no CDN
    suite = ET.parse(tmp_path / "a.xml").getroot()
    assert int(suite.get("tests")) == 15 and len(suite.findall("testcase")) == 15
    assert len(suite.findall("testcase/failure")) == int(suite.get("failures")) == sum(verdict(r) != "correct" for r in recs)
    capsys.readouterr()
    assert main_eval(_args(compare=[a, b], out=tmp_path)) == 0
    out = capsys.readouterr().out
    assert "15 questions in both runs" in out and "paired bootstrap 95 % CI" in out
    diff = (tmp_path / "compare.html").read_text()
    assert "Better in B" in diff and "Worse in B" in diff


@pytest.mark.slow
def test_eval_against_a_running_app_matches_the_local_eval(tmp_path, app_server, corpus_dir):
    from statementqa.eval.runner import main_eval

    local, remote = tmp_path / "local", tmp_path / "remote"
    ds = LARGE_DATASET
    assert main_eval(_args(out=local, corpus=corpus_dir, data_dir=tmp_path / "d", dataset=ds, limit=12)) == 0
    assert main_eval(_args(out=remote, dataset=ds, limit=12, endpoint=app_server["url"])) == 0
    ml, mr = (json.loads((d / "metrics.json").read_text()) for d in (local, remote))
    for key in ("f1", "exact", "abstention_accuracy", "citation_precision", "citation_recall", "answer_in_citation"):
        assert mr[key] == pytest.approx(ml[key]), key
    assert mr["settings"]["endpoint"] == app_server["url"].rstrip("/")
    with pytest.raises(Exception, match="cannot reach the app"):
        main_eval(_args(out=tmp_path / "x", limit=1, endpoint="http://127.0.0.1:9"))
