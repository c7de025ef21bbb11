import json, math, os, sys
from pathlib import Path
D = Path(os.environ.get("VERIF_DIR", Path.home() / ".cache/statementqa/verif"))
cal = json.load(open("reader/model/calibration.json"))
def conf(d): z = cal["a"] * d + cal["b"]; return 1 / (1 + math.exp(-max(-50, min(50, z))))
for name in sys.argv[1:]:
    rows = [json.loads(l) for l in open(D / f"{name}.jsonl")]
    for w in ("w0", "w2"):
        f1 = sum((r[w]["f1"] if conf(r[w]["diff"]) >= cal["threshold"] else r[w]["f1_abstain"]) for r in rows) / len(rows)
        ab = sum(((conf(r[w]["diff"]) < cal["threshold"]) == (not r[w]["answerable"])) for r in rows) / len(rows)
        print(name, w, len(rows), f"F1 {100*f1:.1f} abstention-acc {100*ab:.1f}")
