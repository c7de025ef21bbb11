"""The reader's tokenization (``reader.encode``) against a Hugging Face fast tokenizer's own call
(the reference): the same ids, masks, type ids, offsets, sequence ids and feature-to-passage
mapping for any question and passages, long passages split with stride; and the ONNX reader run in
a process that never loads PyTorch or transformers, with the PyTorch reader's spans."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statementqa.reader.encode import PairEncoder
from statementqa.reader.model import DEFAULT_READER, Reader


@pytest.fixture(scope="module")
def hf_tok():
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(DEFAULT_READER))


def _reference(tok, question, texts, max_length, stride):
    return tok([question] * len(texts), texts, truncation="only_second", max_length=max_length, stride=stride,
               return_overflowing_tokens=True, return_offsets_mapping=True, padding=True, return_tensors="np")


def _assert_same(tok, enc, question, texts, max_length, stride):
    ref = _reference(tok, question, texts, max_length, stride)
    for n in ("input_ids", "attention_mask", "token_type_ids"):
        np.testing.assert_array_equal(enc.arrays[n], ref[n])
    np.testing.assert_array_equal(enc.offsets, ref["offset_mapping"])
    assert enc.mapping == ref["overflow_to_sample_mapping"].tolist()
    assert enc.sequence_ids == [ref.sequence_ids(i) for i in range(len(enc.mapping))]


WORDS = st.sampled_from(["San", "Salvador", "Nielsen", "“regional", "compact”", "—", "El", "de", "Ñandú", "北三角",
                         "migration.", "\n-", "  ", "U.S.", "2019", "?", "éé", "\t", "don't", "a" * 40])
TEXT = st.lists(WORDS, min_size=1, max_size=120).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.lists(WORDS, min_size=1, max_size=40).map(" ".join), texts=st.lists(TEXT, min_size=1, max_size=4),
       window=st.sampled_from([(48, 8), (64, 16), (256, 64), (384, 128)]))
def test_pair_encoding_equals_hf_call(hf_tok, question, texts, window):
    enc = PairEncoder.from_hf(hf_tok)
    max_length, stride = window
    q = enc.cut_question(question, max(8, max_length // 4))
    ids = hf_tok(question, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    assert q == (question[: ids[max(8, max_length // 4) - 1][1]] if len(ids) > max(8, max_length // 4) else question)
    _assert_same(hf_tok, enc.encode(q, texts, max_length, stride), q, texts, max_length, stride)


def test_long_passage_features_overlap_by_stride(hf_tok):
    enc = PairEncoder.from_hf(hf_tok)
    long = " ".join(f"Sentence number {i} is here." for i in range(120))
    e = enc.encode("Which number?", ["short", long], 64, 16)
    assert e.mapping[0] == 0 and e.mapping.count(1) > 5  # the long passage became many features
    assert len({a.shape for a in e.arrays.values()}) == 1 and e.arrays["input_ids"].shape[1] == 64
    _assert_same(hf_tok, e, "Which number?", ["short", long], 64, 16)


def test_one_encoder_shared_by_threads_and_windows(hf_tok):
    """The app shares one encoder between requests: questions tokenized at the same time, with
    different windows, each get exactly the reference call's features."""
    from concurrent.futures import ThreadPoolExecutor

    enc = PairEncoder.from_hf(hf_tok)
    long = " ".join(f"Sentence number {i} is here." for i in range(60))
    jobs = [(f"Question {i} about San Salvador?", ["short passage", long, f"passage {i}"], *w)
            for i in range(24) for w in [(64, 16), (256, 64), (48, 8)][i % 3:i % 3 + 1]]
    with ThreadPoolExecutor(8) as pool:
        outs = list(pool.map(lambda j: enc.encode(*j), jobs))
    for (q, texts, ml, st_), e in zip(jobs, outs):
        _assert_same(hf_tok, e, q, texts, ml, st_)
    assert sorted(enc._pairs) == [(48, 8), (64, 16), (256, 64)]  # one configured copy per window


def test_reading_process_never_loads_torch(pipeline, tmp_path):
    """Reading with the shipped model from an empty cache (the export runs in a child process)
    imports neither PyTorch nor transformers and gives the PyTorch reader's spans and scores."""
    passages = [p.text for p in pipeline.index.passages[:4]]
    q = "Where did the meeting take place?"
    code = ("import json, sys; from statementqa.reader.model import Reader; "
            f"r = Reader(cache_dir={str(tmp_path)!r}); r.warm_up(); "
            f"out = r.read({q!r}, json.loads(sys.stdin.read())); "
            "print(json.dumps({'spans': [[s.passage, s.start, s.end, s.score, s.null_score] for s in out.spans], "
            "'calibrated': 'threshold' in r.calibration, "
            "'loaded': sorted(m for m in ('torch', 'transformers') if m in sys.modules)}))")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(passages), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-800:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["loaded"] == [] and got["calibrated"]
    assert sorted(p.name.split(".", 1)[1] for p in tmp_path.glob("onnx/reader-*")) == ["json", "onnx", "tokenizer.json"]
    ref = Reader(backend="torch").read(q, passages).spans
    assert [tuple(s[:3]) for s in got["spans"]] == [(s.passage, s.start, s.end) for s in ref]
    for s, r in zip(got["spans"], ref):
        assert s[3] == pytest.approx(r.score, abs=1e-3) and s[4] == pytest.approx(r.null_score, abs=1e-3)
