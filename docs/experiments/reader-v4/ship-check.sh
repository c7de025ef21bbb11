#!/usr/bin/env bash
# Ship check for a newly trained reader (issue #10, item 4): calibrate it, fit its span-choice
# weight, evaluate it on every set the shipped reader's numbers come from, and compare side by side.
# Ship only if it beats the shipped reader on the held-out SQuAD part and on the statement.
#
#   bash docs/experiments/reader-v4/ship-check.sh CANDIDATE_DIR [OUT_DIR]      # ~35 min on 2 cores
#   LIMIT=20 bash docs/experiments/reader-v4/ship-check.sh CANDIDATE_DIR /tmp/sc  # smoke run
#
# CANDIDATE_DIR is what `python -m statementqa.reader.train --out DIR` exported (a copy is made,
# so the calibration written here never lands in the run's own output). The shipped reader is
# evaluated in the same run (same machine state) for the comparison.
set -euo pipefail
cd "$(dirname "$0")/../../.."
cand=${1:?usage: ship-check.sh CANDIDATE_DIR [OUT_DIR]}
out=${2:-/tmp/ship-check}
squad=../shared/data/squad/dev-v2.0-a.json.gz
lim=()
[[ -n "${LIMIT:-}" ]] && lim=(--limit "$LIMIT")
mkdir -p "$out"
rm -rf "$out/reader"
cp -r "$cand" "$out/reader"
rm -f "$out/reader/calibration.json"
python -m statementqa.eval.calibrate --reader "$out/reader" "${lim[@]}" | tee "$out/calibrate.txt"
python -m statementqa.eval.span_choice --reader "$out/reader" --work "$out/span-work" --write "${lim[@]}" | tee "$out/span_choice.txt"
for who in shipped candidate; do
  r=reader/model; [[ $who == candidate ]] && r=$out/reader
  d=$out/$who; mkdir -p "$d"
  statementqa eval --reader "$r" --out "$d/team" "${lim[@]}"
  statementqa eval --reader "$r" --dataset eval/data/statement_qa_large.jsonl --out "$d/large" "${lim[@]}"
  statementqa eval --reader "$r" --dataset "$squad" --part test --gold-context --out "$d/squad-gold" "${lim[@]}"
  statementqa eval --reader "$r" --dataset "$squad" --part test --out "$d/squad-e2e" "${lim[@]}"
done
for s in team large squad-gold squad-e2e; do
  echo "== $s: shipped vs candidate"
  statementqa eval --compare "$out/shipped/$s" "$out/candidate/$s" | tee "$out/compare-$s.txt"
done
