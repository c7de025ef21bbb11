"""The ONNX Runtime embedder against sentence-transformers on PyTorch (the reference): same vectors
to 1e-5 in the caller's order, for short, long (truncated), empty-ish, padded and non-ASCII
sentences; once exported it runs without PyTorch; a layout it cannot export falls back to PyTorch."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from statementqa.retrieval.embed import Embedder
from statementqa.retrieval.errors import ModelError
from statementqa.settings import Settings


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    cache = tmp_path_factory.mktemp("onnx")
    return Embedder(backend="torch"), Embedder(backend="onnx", cache_dir=cache), cache


def test_onnx_vectors_equal_torch(pair, corpus_dir):
    torch_e, onnx_e, cache = pair
    text = next(corpus_dir.glob("*.txt")).read_text(encoding="utf-8")
    texts = [t.strip() for t in text.splitlines() if t.strip()]
    texts += ["x", "San Salvador", "¿Dónde fue la reunión? — «Nielsen» 北三角", "  padded with spaces \t", "\nNew line first",
              "word " * 600]  # the last is truncated
    a, b = torch_e.encode(texts), onnx_e.encode(texts)
    assert a.shape == b.shape == (len(texts), 384) and b.dtype == np.float32
    assert np.abs(a - b).max() < 1e-5
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert onnx_e.onnx() is not None and list(cache.glob("onnx/embedder-*.onnx"))
    assert onnx_e.token_lengths(texts) == torch_e.token_lengths(texts)  # the compute bound's token counts
    # the query path and a reversed batch give the same vector per text
    np.testing.assert_allclose(onnx_e.encode_query(texts[1]), b[1], atol=1e-6)
    np.testing.assert_allclose(onnx_e.encode(texts[::-1])[::-1], b, atol=1e-6)


def test_embedding_process_never_loads_torch(pair, tmp_path):
    """A process that embeds (first export included: it runs in a child process) loads neither
    PyTorch nor transformers, and its vectors equal PyTorch's."""
    torch_e = pair[0]
    code = ("import sys; import numpy as np; from statementqa.retrieval.embed import Embedder; "
            f"e = Embedder(backend='onnx', cache_dir={str(tmp_path)!r}); v = e.encode(['San Salvador', 'x']); "
            f"np.save({str(tmp_path / 'v.npy')!r}, v); "
            "assert v.shape == (2, 384) and e.dim == 384; "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert out.stdout.strip() == "[]"
    assert list(tmp_path.glob("onnx/embedder-*.tokenizer.json")) and list(tmp_path.glob("onnx/embedder-*.json"))
    assert np.abs(np.load(tmp_path / "v.npy") - torch_e.encode(["San Salvador", "x"])).max() < 1e-5


def test_unsupported_layout_falls_back_to_torch(tmp_path):
    """A CLS-pooling model is not exported: the manifest remembers it and PyTorch embeds."""
    from statementqa.retrieval.embed import resolve_model

    model = tmp_path / "cls-model"
    shutil.copytree(resolve_model(None), model)
    cfg = json.loads((model / "1_Pooling" / "config.json").read_text())
    cfg.update(pooling_mode_cls_token=True, pooling_mode_mean_tokens=False)
    (model / "1_Pooling" / "config.json").write_text(json.dumps(cfg))
    e = Embedder(str(model), cache_dir=tmp_path / "cache")
    assert e.onnx() is None
    (manifest,) = (tmp_path / "cache" / "onnx").glob("embedder-*.json")
    assert "unsupported" in json.loads(manifest.read_text())
    v = e.encode(["San Salvador"])
    assert v.shape == (1, 384)
    with pytest.raises(ModelError, match="embedder-backend torch"):
        Embedder(str(model), backend="onnx", cache_dir=tmp_path / "cache").onnx()


def test_torch_backend_and_int8_do_not_use_onnx(pair):
    assert pair[0].onnx() is None
    assert Embedder(int8=True).onnx() is None
    with pytest.raises(ModelError, match="embedder-backend torch"):
        Embedder(int8=True, backend="onnx").onnx()
    with pytest.raises(ModelError, match="must be one of"):
        Embedder(backend="tensorrt")


def test_backend_setting_from_env():
    assert Settings.from_env({"STATEMENTQA_EMBEDDER_BACKEND": "torch"}).embedder_backend == "torch"
    with pytest.raises(Exception, match="embedder backend must be one of"):
        Settings(embedder_backend="gpu")


def test_build_sessions_side_by_side_give_the_same_vectors(pair, corpus_dir):
    """Many texts (a build) run on one single-threaded session per core at once: the same vectors,
    in the caller's order, as one session alone and as PyTorch."""
    from statementqa.retrieval.embed_onnx import PARALLEL_MIN, OnnxEmbedder

    torch_e, onnx_e, _ = pair
    text = next(corpus_dir.glob("*.txt")).read_text(encoding="utf-8")
    base = [t.strip() for t in text.splitlines() if t.strip()]
    texts = [f"{base[i % len(base)]} ({i})" if i % 3 else base[i % len(base)][: 5 + i] for i in range(3 * PARALLEL_MIN)]
    fast = onnx_e.onnx()
    assert isinstance(fast, OnnxEmbedder) and fast.threads >= 1
    two = OnnxEmbedder(fast.session, fast.tokenizer, fast.max_length, fast.names, fast.dim, fast.lower, fast.graph, 2)
    one = OnnxEmbedder(fast.session, fast.tokenizer, fast.max_length, fast.names, fast.dim, fast.lower, fast.graph, 1)
    a, b = two.encode(texts), one.encode(texts)
    assert len(two.pool) == 2 and not one.pool  # two build sessions were made and used
    assert np.abs(a - b).max() < 1e-5
    assert np.abs(a - torch_e.encode(texts)).max() < 1e-5
    assert np.abs(two.encode(texts[:PARALLEL_MIN - 1]) - b[:PARALLEL_MIN - 1]).max() < 1e-6  # few texts: one session


def test_queries_from_many_threads_at_once(pair, corpus_dir):
    """The app embeds questions of concurrent requests with one embedder: the tokenizer is shared
    without a lock (configured once, only read), and every thread gets its own text's vector."""
    from concurrent.futures import ThreadPoolExecutor

    _, onnx_e, _ = pair
    text = next(corpus_dir.glob("*.txt")).read_text(encoding="utf-8")
    texts = [t.strip() for t in text.splitlines() if t.strip()][:12] + ["Where did the meeting take place?", "x"]
    ref = onnx_e.encode(texts)
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(onnx_e.encode_query, texts * 4))
    for i, v in enumerate(got):
        assert np.abs(v.reshape(-1) - ref[i % len(texts)]).max() < 1e-5
