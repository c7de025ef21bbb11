"""int8 pre-scan (with its proof) vs float32 exact dense search on a saved index
(docs/results/dense-int8-agreement-100k.json): 189 SQuAD dev-v2.0-a questions (every 40th), one
query at a time as the retriever asks; also how often the proof needed more candidates or the
float32 product. Usage: python docs/results/dense-int8-agreement.py DATA_DIR"""
import gzip
import json
import sys
from pathlib import Path

import numpy as np

import statementqa.retrieval.dense as dense
from statementqa.retrieval.embed import Embedder
from statementqa.retrieval.store import current_path, load

d = Path(sys.argv[1])
index = load(current_path(d) or d, mmap=True)
dev = json.load(gzip.open(Path(__file__).resolve().parents[3] / "shared/data/squad/dev-v2.0-a.json.gz"))
qs = [qa["question"] for a in dev["data"] for p in a["paragraphs"] for qa in p["qas"]][::40][:200]
Q = Embedder().encode(qs)
dn = index.dense
searched, fallbacks = [], []
real_blas = dense.DenseIndex._exact_blas
r32 = [dn.search(q[None], 50, "blas") for q in Q]
copy = dn.int8_copy()
orig = copy.shards.search
copy.shards.search = lambda qi, m: searched.append(m) or orig(qi, m)  # noqa: E731 (counts candidate rounds)
dense.DenseIndex._exact_blas = lambda self, q, k: fallbacks.append(len(q)) or real_blas(self, q, k)
r8 = [dn.search(q[None], 50, "int8") for q in Q]
s32, i32 = np.vstack([a for a, b in r32]), np.vstack([b for a, b in r32])
s8, i8 = np.vstack([a for a, b in r8]), np.vstack([b for a, b in r8])
print(json.dumps({
    "vectors": len(dn), "queries": len(qs), "candidates_first": dense.INT8_CANDIDATES,
    "top50_same_order": float((i32 == i8).all(axis=1).mean()),
    "top50_same_set": float(np.mean([set(i32[r]) == set(i8[r]) for r in range(len(qs))])),
    "max_abs_score_diff": float(np.abs(s32 - s8).max()),
    "candidate_rounds": {str(m): searched.count(m) for m in sorted(set(searched))},
    "float32_fallbacks": len(fallbacks), "shards": copy.shards.count(),
    "max_norm": copy.max_norm, "max_vector_rounding_error": copy.max_err}))
