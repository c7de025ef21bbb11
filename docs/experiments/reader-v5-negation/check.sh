#!/usr/bin/env bash
# Check a trained reader candidate against the shipped one (issue #10, item 4), on the sets the
# shipped reader's numbers come from: calibrate it on the calibration part of dev-v2.0-a, fit its
# span-choice weight, evaluate it on the statement sets and the held-out SQuAD part (gold paragraph
# and end to end), and compare with the shipped reader's saved runs (docs/results/; its answers do
# not depend on the machine's load, only its latencies do).
#
#   bash docs/experiments/reader-v5-negation/check.sh CANDIDATE_DIR OUT_DIR    # ~25 min on 2 cores
set -euo pipefail
cd "$(dirname "$0")/../../.."
cand=${1:?usage: check.sh CANDIDATE_DIR OUT_DIR}
out=${2:?usage: check.sh CANDIDATE_DIR OUT_DIR}
squad=../shared/data/squad/dev-v2.0-a.json.gz
mkdir -p "$out"
rm -rf "$out/reader"
cp -r "$cand" "$out/reader"
rm -f "$out/reader/calibration.json"
python -m statementqa.eval.calibrate --reader "$out/reader" | tee "$out/calibrate.txt"
python -m statementqa.eval.span_choice --reader "$out/reader" --work "$out/span-work" --write | tee "$out/span_choice.txt"
statementqa eval --reader "$out/reader" --out "$out/team"
statementqa eval --reader "$out/reader" --dataset eval/data/statement_qa_large.jsonl --out "$out/large"
statementqa eval --reader "$out/reader" --dataset "$squad" --part test --gold-context --out "$out/squad-gold"
statementqa eval --reader "$out/reader" --dataset "$squad" --part test --out "$out/squad-e2e"
for s in team:statement squad-gold:squad-test-gold squad-e2e:squad-test-e2e; do
  echo "== ${s%%:*}: shipped vs candidate"
  statementqa eval --compare "docs/results/${s##*:}" "$out/${s%%:*}" | tee "$out/compare-${s%%:*}.txt"
done
