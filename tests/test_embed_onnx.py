"""The ONNX Runtime embedder against sentence-transformers on PyTorch (the reference): same vectors
to 1e-5 in the caller's order, for short, long (truncated), empty-ish and non-ASCII sentences."""
from __future__ import annotations

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
    texts += ["x", "San Salvador", "¿Dónde fue la reunión? — «Nielsen» 北三角", "word " * 600]  # the last is truncated
    a, b = torch_e.encode(texts), onnx_e.encode(texts)
    assert a.shape == b.shape == (len(texts), 384) and b.dtype == np.float32
    assert np.abs(a - b).max() < 1e-5
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert onnx_e.onnx() is not None and list(cache.glob("onnx/embedder-*.onnx"))
    # the query path and a reversed batch give the same vector per text
    np.testing.assert_allclose(onnx_e.encode_query(texts[1]), b[1], atol=1e-6)
    np.testing.assert_allclose(onnx_e.encode(texts[::-1])[::-1], b, atol=1e-6)


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
