"""Cost of ReadOut.alternatives: _read_out with 0 vs 3 alternatives on the real reader outputs of the
71 team questions (captured), interleaved, and the whole ask() time for scale."""
import json, time, statistics
import statementqa.reader.model as rm
cap = []
orig = rm._read_out
rm._read_out = lambda S, E, enc, skips, mx, *a: cap.append((S, E, enc, skips, mx)) or orig(S, E, enc, skips, mx, *a)
from statementqa.pipeline import Pipeline
p = Pipeline(); p.warm()
qs = [json.loads(l)["question"] for l in open("eval/data/statement_qa.jsonl")]
ask = []
for q in qs:
    t = time.perf_counter(); p.ask(q); ask.append(time.perf_counter() - t)
ask = []
for q in qs:
    t = time.perf_counter(); p.ask(q); ask.append(time.perf_counter() - t)
res = {0: [], 3: []}
for rep in range(5):
    for alt in (0, 3):
        t = time.perf_counter()
        for c in cap[:len(qs)]:
            orig(*c, alt)
        res[alt].append((time.perf_counter() - t) / len(qs))
m0, m3 = min(res[0]), min(res[3])
print(f"ask() median {statistics.median(ask)*1e3:.1f} ms; span decoding per question: 0 alternatives {m0*1e3:.2f} ms, 3 alternatives {m3*1e3:.2f} ms (+{(m3-m0)*1e3:.2f} ms = {100*(m3-m0)/statistics.median(ask):.1f} % of ask)")
