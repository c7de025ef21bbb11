"""fp16 vs float32 exact dense search on a saved index (docs/results/dense-fp16-agreement-100k.json):
189 SQuAD dev-v2.0-a questions (every 40th), one query at a time as the retriever asks.
Usage: python docs/results/dense-fp16-agreement.py DATA_DIR"""
import sys, json, gzip, numpy as np
from pathlib import Path
from statementqa.retrieval.store import load, current_path
from statementqa.retrieval.embed import Embedder
d=Path(sys.argv[1]); index=load(current_path(d) or d, mmap=True)
dev=json.load(gzip.open('/work/main/../shared/data/squad/dev-v2.0-a.json.gz'))
qs=[qa['question'] for a in dev['data'] for p in a['paragraphs'] for qa in p['qas']][::40][:200]
emb=Embedder(); Q=emb.encode(qs)
dn=index.dense
import numpy as np
r32=[dn.search(q[None],50,"blas") for q in Q]; r16=[dn.search(q[None],50,"fp16") for q in Q]
s32=np.vstack([a for a,b in r32]); i32=np.vstack([b for a,b in r32]); s16=np.vstack([a for a,b in r16]); i16=np.vstack([b for a,b in r16])
top1=(i32[:,0]==i16[:,0]).mean(); top10=np.mean([set(i32[r,:10])==set(i16[r,:10]) for r in range(len(qs))])
order50=(i32==i16).all(axis=1).mean(); set50=np.mean([len(set(i32[r])&set(i16[r]))/50 for r in range(len(qs))])
print(json.dumps({"vectors":len(dn),"queries":len(qs),"top1_equal":float(top1),"top10_same_set":float(top10),"top50_same_order":float(order50),"top50_overlap":float(set50),"max_abs_score_diff":float(np.abs(s32-s16).max()),"shards":dn._fp16.count()}))
