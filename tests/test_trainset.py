"""Reader training data and the training loop: labels point at the answer text, windows are
what the reader sees at run time, save/load are inverses, and --resume is exact."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statementqa.reader import batching, trainset
from statementqa.reader.squad import QA

REPO = Path(__file__).resolve().parent.parent

PARA = ("The Secretary met the ministers in San Salvador. They signed a compact on border security. "
        "The compact covers trafficking and gangs. Nicaragua was not part of it. "
        "Mexico may join later, officials said.")
QAS = [
    QA("q1", "Where did the Secretary meet the ministers?", PARA, ["San Salvador"], [PARA.index("San Salvador")], False),
    QA("q2", "What does the compact cover?", PARA, ["trafficking and gangs"], [PARA.index("trafficking and gangs")], False),
    QA("q3", "Which country may join later?", PARA, ["Mexico"], [PARA.index("Mexico")], False),
    QA("q4", "When was the compact with Nicaragua signed?", PARA, [], [], True),
    QA("q5", "Who said Mexico may join?", "Officials said Mexico may join.", ["Officials"], [0], False),
]


@pytest.fixture(scope="module")
def tok():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(REPO / "reader" / "model"))


@pytest.fixture(scope="module")
def ts(tok):
    return trainset.prepare(tok, [("toy", QAS * 4)], progress=False)


def test_answer_labels_decode_to_the_answer(ts, tok):
    for qi, q in enumerate(QAS * 4):
        s, e = ts.q_ans[qi]
        if q.impossible:
            assert (s, e) == (-1, -1)
            continue
        c = ts.q_ctx[qi]
        got = tok.decode(ts.ctx_tok[ts.ctx_ptr[c] + s : ts.ctx_ptr[c] + e + 1].tolist())
        assert got.replace(" ", "") == q.answers[0].lower().replace(" ", "")


def test_paragraphs_are_tokenized_once_and_focus_is_the_most_similar_sentence(ts):
    assert ts.manifest["paragraphs"] == 2 and ts.manifest["questions"] == 20
    assert ts.manifest["sources"]["toy"]["unanswerable"] == 4
    # "When was the compact with Nicaragua signed?" shares two words ("signed", "compact") with
    # sentence 1 and one ("Nicaragua") with sentence 3.
    assert ts.q_focus[3] == 1


def test_save_load_roundtrip(ts, tmp_path):
    h = trainset.save(ts, tmp_path / "p.npz")
    back = trainset.load(tmp_path / "p.npz")
    assert back.manifest["content_sha256"] == h
    for name in trainset._ARRAYS:
        assert np.array_equal(getattr(back, name), getattr(ts, name)) and getattr(back, name).dtype == getattr(ts, name).dtype
    assert not list(tmp_path.glob("*.tmp*"))


@pytest.mark.parametrize("max_len,p_whole", [(256, 0.0), (256, 1.0), (24, 0.5), (40, 0.0)])
def test_sampled_windows(ts, tok, max_len, p_whole):
    a = batching.sample_epoch(ts, 13, 0, max_len=max_len, p_whole=p_whole, neg_ratio=0.5)
    b = batching.sample_epoch(ts, 13, 0, max_len=max_len, p_whole=p_whole, neg_ratio=0.5)
    assert np.array_equal(a, b)  # deterministic per (seed, epoch)
    assert not np.array_equal(a, batching.sample_epoch(ts, 13, 1, max_len=max_len, p_whole=p_whole, neg_ratio=0.5))
    for qi, c, lo, hi, s, e in a.tolist():
        qlen = ts.q_ptr[qi + 1] - ts.q_ptr[qi]
        assert 0 <= lo < hi <= ts.ctx_ptr[c + 1] - ts.ctx_ptr[c]
        assert qlen + (hi - lo) + 3 <= max_len
        if s >= 0:
            assert lo <= s <= e < hi and (s, e) == tuple(ts.q_ans[qi])
        elif ts.q_ans[qi][0] >= 0 and hi - lo >= ts.q_ans[qi][1] - ts.q_ans[qi][0] + 1 and max_len == 256:
            # a no-answer window of an answerable question does not contain the answer
            assert hi <= ts.q_ans[qi][0] or lo > ts.q_ans[qi][1]
    if p_whole == 0.0 and max_len == 256:
        sents = {(int(x), int(y)) for x, y in ts.sent_span}
        starts, ends = {x for x, _ in sents}, {y for _, y in sents}
        assert all(lo in starts and hi in ends for _, _, lo, hi, _, _ in a.tolist())  # whole sentences
    if p_whole == 1.0:
        whole = [r for r in a.tolist() if r[4] >= 0 or ts.q_ans[r[0]][0] < 0]
        assert all(lo == 0 and hi == ts.ctx_ptr[c + 1] - ts.ctx_ptr[c] for _, c, lo, hi, _, _ in whole)


def test_collate_builds_reader_inputs(ts, tok):
    samples = batching.sample_epoch(ts, 13, 0, p_whole=1.0, neg_ratio=0.0)
    b = batching.collate(ts, samples[:5], tok.cls_token_id, tok.sep_token_id, tok.pad_token_id)
    for r, (qi, c, lo, hi, s, e) in enumerate(samples[:5].tolist()):
        q = QAS[qi % len(QAS)]
        enc = tok(q.question, q.context, truncation="only_second", max_length=256)
        n = len(enc["input_ids"])
        assert b["input_ids"][r, :n].tolist() == enc["input_ids"]  # same as tokenizing the pair at run time
        assert b["token_type_ids"][r, :n].tolist() == enc["token_type_ids"]
        assert b["attention_mask"][r].sum() == n
        sp, ep = b["start_positions"][r], b["end_positions"][r]
        if q.impossible:
            assert sp == ep == 0
        else:
            assert tok.decode(b["input_ids"][r, sp : ep + 1]).replace(" ", "") == q.answers[0].lower().replace(" ", "")


@pytest.mark.slow
def test_resume_is_exact(ts, tmp_path):
    from safetensors.numpy import load_file

    from statementqa.reader import train

    data = tmp_path / "p.npz"
    trainset.save(ts, data)
    common = ["--prepared", str(data), "--batch-size", "4", "--epochs", "1", "--threads", "1", "--ckpt-every", "2"]
    train.main([*common, "--work", str(tmp_path / "a"), "--out", str(tmp_path / "ma"), "--max-steps", "3"])
    assert (tmp_path / "a" / "ckpt.pt").exists() and not (tmp_path / "ma").exists()
    with pytest.raises(SystemExit, match="--resume"):
        train.main([*common, "--work", str(tmp_path / "a"), "--out", str(tmp_path / "ma")])
    with pytest.raises(SystemExit, match="other settings"):
        train.main([*common, "--lr", "1e-3", "--work", str(tmp_path / "a"), "--out", str(tmp_path / "ma"), "--resume"])
    # A look mid-way: the step-3 checkpoint as a reader directory, without touching the run.
    train.main(["--work", str(tmp_path / "a"), "--export-checkpoint", str(tmp_path / "mid")])
    mid = json.loads((tmp_path / "mid" / "training_args.json").read_text())
    assert mid["step"] == 3 and (tmp_path / "mid" / "tokenizer.json").exists()
    ck = __import__("torch").load(tmp_path / "a" / "ckpt.pt", map_location="cpu", weights_only=False)["model"]
    mw = load_file(tmp_path / "mid" / "model.safetensors")
    assert all(np.array_equal(mw[k], ck[k].half().numpy()) for k in mw if k in ck)
    with pytest.raises(SystemExit, match="no checkpoint"):
        train.main(["--work", str(tmp_path / "none"), "--export-checkpoint", str(tmp_path / "x")])
    train.main([*common, "--work", str(tmp_path / "a"), "--out", str(tmp_path / "ma"), "--resume"])
    train.main([*common, "--work", str(tmp_path / "b"), "--out", str(tmp_path / "mb")])
    a, b = load_file(tmp_path / "ma" / "model.safetensors"), load_file(tmp_path / "mb" / "model.safetensors")
    assert a.keys() == b.keys()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    init = load_file(REPO / "reader" / "model" / "model.safetensors")
    assert any(not np.array_equal(a[k], init[k]) for k in a)  # it did train
    log = (tmp_path / "a" / "train.log").read_text()
    assert "resumed from step 3/" in log and "ex/s" in log and "min left" in log


def test_grouped_batches_keep_a_question_together(ts):
    """With shared normalisation a question's window and its no-answer window share a batch;
    every input is used once and no batch is larger than asked."""
    samples = batching.sample_epoch(ts, 13, 0, p_whole=0.0, neg_ratio=1.0)
    assert len(samples) > ts.n_questions  # there are pairs
    bl = batching.batches(ts, samples, 3, 13, 0, grouped=True)
    assert sorted(np.concatenate(bl).tolist()) == list(range(len(samples)))
    assert max(len(b) for b in bl) <= 3
    where = {}
    for k, b in enumerate(bl):
        for i in b:
            where.setdefault(int(samples[i, 0]), set()).add(k)
    assert all(len(v) == 1 for v in where.values())
    assert batching.batches(ts, samples, 3, 13, 0, grouped=True)[0].tolist() == bl[0].tolist()  # deterministic


@pytest.mark.parametrize("groups, sp, ep, rows", [
    ([7, 7, 9, 11], [5, 0, 6, 0], [6, 0, 8, 0], [[0, 1]]),          # only question 7 has two inputs
    ([1, 1, 2, 2], [0, 4, 5, 0], [0, 5, 7, 0], [[0, 1], [2, 3]]),    # two questions, answer in either input
    ([1, 1, 2, 2], [0, 0, 5, 6], [0, 0, 7, 8], []),                  # unanswerable / answer twice: skipped
])
def test_shared_norm_loss_against_numpy(groups, sp, ep, rows):
    import torch

    from statementqa.reader.train import shared_norm_loss

    g = torch.Generator().manual_seed(0)
    S, E = torch.randn(4, 10, generator=g), torch.randn(4, 10, generator=g)
    mask = torch.zeros(4, 10, dtype=torch.bool)
    mask[:, 4:9] = True
    got = shared_norm_loss(S, E, mask, torch.tensor(groups), torch.tensor(sp), torch.tensor(ep)).item()

    def ce(X, rs, r, p):
        x = np.concatenate([X[i, 4:9].numpy().astype(np.float64) for i in rs])
        return np.log(np.exp(x).sum()) - float(X[r, p])

    ref = [(ce(S, rs, r, sp[r]) + ce(E, rs, r, ep[r])) / 2 for rs in rows for r in rs if sp[r] > 0]
    assert got == pytest.approx(np.mean(ref) if ref else 0.0, abs=1e-5)


def test_training_with_shared_norm_runs_and_records_it(ts, tmp_path):
    import torch

    from statementqa.reader import train

    data = tmp_path / "p.npz"
    trainset.save(ts, data)
    train.main(["--prepared", str(data), "--batch-size", "4", "--epochs", "1", "--threads", "1", "--neg-ratio", "1",
                "--shared-norm", "1", "--max-steps", "2", "--work", str(tmp_path / "w"), "--out", str(tmp_path / "m")])
    state = torch.load(tmp_path / "w" / "ckpt.pt", weights_only=False)
    assert state["run"]["shared_norm"] == 1.0 and state["step"] == 2
    assert "loss" in (tmp_path / "w" / "train.log").read_text()
    with pytest.raises(SystemExit, match="other settings"):  # a run without it is another run
        train.main(["--prepared", str(data), "--batch-size", "4", "--epochs", "1", "--threads", "1", "--neg-ratio", "1",
                    "--work", str(tmp_path / "w"), "--out", str(tmp_path / "m"), "--resume"])


@pytest.mark.parametrize("choice, device, flags, expected", [
    ("auto", "cpu", "fpu avx512f avx512_bf16 amx_bf16 amx_tile amx_int8", True),   # Sapphire Rapids
    ("auto", "cpu", "fpu avx2 fma", False),                                      # AVX2 only (e.g. EPYC Milan)
    ("auto", "cpu", "fpu avx512f avx512_bf16", False),                           # bf16 dot products but no AMX
    ("auto", "cuda", "fpu avx2", True),
    ("off", "cuda", "fpu amx_bf16", False),
    ("on", "cpu", "fpu avx2", True),
    ("auto", "cpu", "", False),                                                  # no cpuinfo: fp32
])
def test_bf16_autocast_choice(choice, device, flags, expected):
    """--bf16 auto: bf16 autocast on CUDA and on CPUs with AMX bf16 tiles only (emulated bf16 is slower)."""
    from statementqa.reader.train import use_bf16

    cpuinfo = f"processor\t: 0\nflags\t\t: {flags}\n" if flags else ""
    assert use_bf16(choice, device, cpuinfo) is expected


NEGATED = [
    QA("n1", "Which country was not part of the compact?", PARA, ["Nicaragua"], [PARA.index("Nicaragua")], False),
    QA("n2", "Who didn't sign the compact?", PARA, ["Nicaragua"], [PARA.index("Nicaragua")], False),
    QA("n3", "Which country will never join?", PARA, [], [], True),
    QA("n4", "Where did the Secretary meet the ministers?", PARA, ["San Salvador"], [PARA.index("San Salvador")], False),
    QA("n5", "Is there no notice of the meeting?", PARA, [], [], True),  # "no" but "notice" is not a negation
]


def test_negated_questions_and_their_draws(tok):
    """--negated-repeat: answerable questions with a negation are drawn N times per epoch,
    unanswerable negated ones once, the others at --others-share (SQuAD 2.0's negation cue)."""
    from statementqa.reader import train

    ts = trainset.prepare(tok, [("neg", NEGATED)], progress=False)
    neg = train.negated_questions(ts, tok)
    assert neg.tolist() == [True, True, True, False, True]
    rep = train.question_repeats(ts, neg, 3, 1.0, 13)
    assert rep.tolist() == [3, 3, 1, 1, 1]
    assert train.question_repeats(ts, neg, 3, 0.0, 13).tolist() == [3, 3, 1, 0, 1]
    samples = batching.sample_epoch(ts, 13, 0, p_whole=0.0, neg_ratio=0.0, repeats=rep)
    assert np.bincount(samples[:, 0], minlength=5).tolist() == [3, 3, 1, 1, 1]
    for qi, c, lo, hi, s, e in samples.tolist():  # every draw is a valid window with its label
        if s >= 0:
            assert lo <= s <= e < hi and (s, e) == tuple(ts.q_ans[qi])
    # the default (no repeats) is one draw per question, as before the option existed
    assert np.array_equal(batching.sample_epoch(ts, 13, 0, p_whole=0.0, neg_ratio=0.0),
                          batching.sample_epoch(ts, 13, 0, p_whole=0.0, neg_ratio=0.0, repeats=np.ones(5, np.int64)))


def test_answer_head_trains_exports_beside_the_model_and_resumes(ts, tmp_path):
    """--answer-head: a [CLS] answerability head trained with the span head, saved as
    answerability.safetensors next to Hugging Face weights that load as before; a run without it is
    another run."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForQuestionAnswering

    from statementqa.reader import train

    data = tmp_path / "p.npz"
    trainset.save(ts, data)
    common = ["--prepared", str(data), "--batch-size", "4", "--epochs", "1", "--threads", "1", "--neg-ratio", "1",
              "--answer-head", "1", "--work", str(tmp_path / "w"), "--out", str(tmp_path / "m")]
    train.main([*common, "--max-steps", "2"])
    state = torch.load(tmp_path / "w" / "ckpt.pt", weights_only=False)
    assert state["run"]["answer_head"] == 1.0 and "answerability.weight" in state["model"]
    assert "answerability" in (tmp_path / "w" / "train.log").read_text()
    with pytest.raises(SystemExit, match="other settings"):
        i = common.index("--answer-head")
        train.main(common[:i] + common[i + 2 :] + ["--resume"])
    train.main([*common, "--resume"])
    head = load_file(tmp_path / "m" / train.ANSWER_HEAD_FILE)
    assert head["weight"].shape == (1, 384) and head["bias"].shape == (1,)
    assert not torch.equal(head["weight"], state["model"]["answerability.weight"])  # it went on training
    weights = load_file(tmp_path / "m" / "model.safetensors")
    assert not any(k.startswith("answerability") for k in weights)
    AutoModelForQuestionAnswering.from_pretrained(tmp_path / "m")  # a plain QA model to any loader
    # a later run from this model starts from its head
    model = AutoModelForQuestionAnswering.from_pretrained(tmp_path / "m")
    train.attach_answer_head(model, str(tmp_path / "m"))
    assert torch.equal(model.answerability.weight.detach(), head["weight"])


def _kl_numpy(s, t, m):
    """KL(softmax(t) || softmax(s)) over the masked positions of one row, in NumPy."""
    s, t = s[m], t[m]
    ls = s - np.log(np.exp(s - s.max()).sum()) - s.max()
    lt = t - np.log(np.exp(t - t.max()).sum()) - t.max()
    return float((np.exp(lt) * (lt - ls)).sum())


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(2, 9), st.integers(0, 2**31 - 1))
def test_keep_close_loss_against_numpy(n, length, seed):
    """--keep-close: the mean over counted rows of (KL start + KL end) / 2, padding left out."""
    import torch

    from statementqa.reader.train import keep_close_loss

    rng = np.random.default_rng(seed)
    s, e, ts_, te = (rng.normal(size=(n, length)) * 3 for _ in range(4))
    mask = np.ones((n, length), dtype=bool)
    for i in range(n):
        mask[i, rng.integers(1, length + 1):] = False  # padding at the end, one token at least
    rows = rng.random(n) < 0.7
    got = float(keep_close_loss(*(torch.tensor(x) for x in (s, e, ts_, te)), torch.tensor(mask), torch.tensor(rows)))
    if not rows.any():
        assert got == 0.0
        return
    want = np.mean([(_kl_numpy(s[i], ts_[i], mask[i]) + _kl_numpy(e[i], te[i], mask[i])) / 2 for i in np.flatnonzero(rows)])
    assert got == pytest.approx(want, rel=1e-6, abs=1e-9)
    # the student equal to the teacher: no loss
    same = keep_close_loss(*(torch.tensor(x) for x in (ts_, te, ts_, te)), torch.tensor(mask), torch.tensor(rows))
    assert float(same) == pytest.approx(0.0, abs=1e-9)


def test_keep_close_trains_logs_and_is_part_of_the_run(ts, tmp_path):
    """--keep-close: a run with it logs the term, records it in the run hash, and a run without it
    cannot resume it."""
    import torch

    from statementqa.reader import train

    data = tmp_path / "p.npz"
    trainset.save(ts, data)
    args = ["--prepared", str(data), "--batch-size", "4", "--epochs", "1", "--threads", "1", "--max-steps", "2",
            "--work", str(tmp_path / "w"), "--out", str(tmp_path / "m")]
    train.main(args + ["--keep-close", "1"])
    state = torch.load(tmp_path / "w" / "ckpt.pt", weights_only=False)
    assert state["run"]["keep_close"] == 1.0 and state["step"] == 2
    log = (tmp_path / "w" / "train.log").read_text()
    assert "keep close to" in log and "keep-close 0." in log
    with pytest.raises(SystemExit, match="other settings"):
        train.main(args + ["--resume"])


# Distractors (--other-negatives): the sentence of another paragraph of the same article that shares
# most of the question's words, never one whose paragraph holds the answer.
ART = [  # one article, three paragraphs, and one paragraph of another article
    ("The Secretary met the ministers in San Salvador. They signed a compact on border security.", "Compact"),
    ("The ministers will meet again next month. The compact names four areas of border work.", "Compact"),
    ("Ministers of border security met in San Salvador last year as well. Rain fell.", "Compact"),
    ("The compact on border security ministers was a film. It was shot in Lisbon.", "Film"),
]


def _article_qas(q: str, answer: str | None) -> list[QA]:
    para, title = ART[0]
    if answer is None:
        return [QA("x", q, para, [], [], True, title)]
    return [QA("x", q, para, [answer], [para.index(answer)], False, title)]


def _with_others(qas: list[QA]) -> list[QA]:
    """``qas`` after one question on each other paragraph, so that every paragraph is prepared."""
    return qas + [QA(f"o{i}", "What fell?", p, [], [], True, t) for i, (p, t) in enumerate(ART[1:])]


@pytest.mark.parametrize("question, answer, expected", [
    # "border", "security", "ministers" and "compact": paragraph 1's second sentence shares "compact" and
    # "border", paragraph 2's first "ministers", "border", "security"; paragraph 3 is another article.
    ("Which compact on border security did the ministers sign?", "a compact on border security", (2, 0)),
    # the answer "San Salvador" is in paragraph 2: the next best, paragraph 1, is taken
    ("In which city did the ministers of border security meet?", "San Salvador", (1, 0)),
    # no word shared with any other paragraph of the article
    ("Who signed it?", "They", (-1, -1)),
    # unanswerable questions get none: another paragraph may well answer them
    ("Which compact on border security did the ministers sign in Lisbon?", None, (-1, -1)),
])
def test_distractor_is_the_best_sentence_of_another_paragraph_without_the_answer(tok, question, answer, expected):
    ts = trainset.prepare(tok, [("toy", _with_others(_article_qas(question, answer)))], progress=False)
    assert ts.q_ctx[0] == 0 and tuple(ts.q_other[0]) == expected
    assert ts.manifest["with_distractor"] == int(expected[0] >= 0)


def test_no_distractor_without_a_title_or_across_sources(tok):
    untitled = [QA("x", "Which compact on border security did the ministers sign?", ART[0][0], ["a compact"],
                   [ART[0][0].index("a compact")], False)]
    ts = trainset.prepare(tok, [("toy", untitled + [QA("o", "What fell?", ART[2][0], [], [], True)])], progress=False)
    assert tuple(ts.q_other[0]) == (-1, -1)
    q = _article_qas("Which compact on border security did the ministers sign?", "a compact on border security")
    ts = trainset.prepare(tok, [("a", q), ("b", [QA("o", "What fell?", ART[2][0], [], [], True, "Compact")])], progress=False)
    assert tuple(ts.q_other[0]) == (-1, -1)  # same title, other source: another article


@pytest.fixture(scope="module")
def ts_art(tok):
    qs = [("Which compact on border security did the ministers sign?", "a compact on border security"),
          ("In which city did the ministers of border security meet?", "San Salvador"),
          ("Who signed it?", "They")]
    return trainset.prepare(tok, [("toy", _with_others([q for qq in qs for q in _article_qas(*qq)]) * 3)], progress=False)


@pytest.mark.parametrize("max_len", [256, 20])
def test_other_negatives_are_no_answer_windows_around_the_distractor(ts_art, max_len):
    base = batching.sample_epoch(ts_art, 5, 0, max_len=max_len, neg_ratio=0.5)
    assert np.array_equal(base, batching.sample_epoch(ts_art, 5, 0, max_len=max_len, neg_ratio=0.5, p_other=0.0))
    got = batching.sample_epoch(ts_art, 5, 0, max_len=max_len, neg_ratio=0.5, p_other=1.0)
    assert np.array_equal(got, batching.sample_epoch(ts_art, 5, 0, max_len=max_len, neg_ratio=0.5, p_other=1.0))
    has = ts_art.q_other[:, 0] >= 0
    others = [r for r in got.tolist() if r[1] != ts_art.q_ctx[r[0]]]
    assert len(others) == int(has.sum()) > 0  # p_other = 1: one per question with a distractor
    for qi, c, lo, hi, s, e in others:
        oc, si = ts_art.q_other[qi]
        assert c == oc and (s, e) == (-1, -1)
        assert (ts_art.q_ptr[qi + 1] - ts_art.q_ptr[qi]) + (hi - lo) + 3 <= max_len
        sa, sb = ts_art.sent_span[ts_art.sent_ptr[c] + si]
        assert lo < sb and sa < hi  # the window overlaps the distractor sentence ...
        if max_len == 256:  # ... holds it whole, and is made of whole sentences
            spans = ts_art.sent_span[ts_art.sent_ptr[c] : ts_art.sent_ptr[c + 1]].tolist()
            assert lo <= sa and sb <= hi and lo in [a for a, _ in spans] and hi in [b for _, b in spans]


def test_format_1_data_loads_without_distractors(ts, tmp_path):
    path = tmp_path / "old.npz"
    manifest = {**ts.manifest, "format": 1}
    np.savez_compressed(path, manifest=np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8),
                        **{n: getattr(ts, n) for n in trainset._ARRAYS if n != "q_other"})
    back = trainset.load(path)
    assert back.q_other.shape == (ts.n_questions, 2) and (back.q_other == -1).all()
    assert np.array_equal(back.q_ans, ts.q_ans)


def test_other_negatives_is_part_of_the_run_and_needs_distractors(ts, ts_art, tmp_path):
    import torch

    from statementqa.reader import train

    old = tmp_path / "old.npz"
    trainset.save(ts, old)  # the toy set has no titles: no distractors
    args = ["--batch-size", "4", "--epochs", "1", "--threads", "1", "--max-steps", "2", "--out", str(tmp_path / "m")]
    with pytest.raises(SystemExit, match="needs prepared data with distractors"):
        train.main(args + ["--prepared", str(old), "--work", str(tmp_path / "w0"), "--other-negatives", "0.5"])
    data = tmp_path / "p.npz"
    trainset.save(ts_art, data)
    train.main(args + ["--prepared", str(data), "--work", str(tmp_path / "w"), "--other-negatives", "0.5"])
    state = torch.load(tmp_path / "w" / "ckpt.pt", weights_only=False)
    assert state["run"]["other_negatives"] == 0.5 and state["step"] == 2
    assert "other-paragraph no-answer windows for 0.5 of the" in (tmp_path / "w" / "train.log").read_text()
    with pytest.raises(SystemExit, match="other settings"):
        train.main(args + ["--prepared", str(data), "--work", str(tmp_path / "w"), "--resume"])
