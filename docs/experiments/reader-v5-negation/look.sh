#!/usr/bin/env bash
# A look at a running reader training mid-way (issue #10): export its latest checkpoint, give it the
# shipped reader's calibration (so the threshold-free numbers are the ones to read: best-threshold
# F1, no-answer ROC AUC, forced HasAns F1), and evaluate it on the statement sets.
#
#   bash docs/experiments/reader-v5-negation/look.sh RUN_ID OUT_DIR     # ~1 min beside the training
set -euo pipefail
cd "$(dirname "$0")/../../.."
run=${1:?usage: look.sh RUN_ID OUT_DIR}
out=${2:?usage: look.sh RUN_ID OUT_DIR}
rm -rf "$out" && mkdir -p "$out"
python -m statementqa.reader.train --run-id "$run" --export-checkpoint "$out/reader"
cp reader/model/calibration.json "$out/reader/"
for s in team large; do
  ds=eval/data/statement_qa.jsonl; [[ $s == large ]] && ds=eval/data/statement_qa_large.jsonl
  statementqa eval --reader "$out/reader" --dataset "$ds" --out "$out/$s" >/dev/null 2>&1
  python - "$out/$s" "$s" <<'PY'
import json, sys
d, s = sys.argv[1], sys.argv[2]
m = json.load(open(d + "/metrics.json"))
rows = [json.loads(l) for l in open(d + "/predictions.jsonl")]
ans = [r for r in rows if r["answerable"]]
forced = 100 * sum(r["forced_f1"] for r in ans) / len(ans)
print(f"{s}: F1 {m['f1']:.1f} best {m['best_f1']:.1f} AUC {m['noans_roc_auc']:.3f} abst {m['abstention_accuracy']:.1f} forced HasAns F1 {forced:.1f}")
PY
done
