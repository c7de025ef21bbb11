#!/bin/bash
# Run on the lent GPU (device tool) from the repository root, with .devdata/v2.npz carried
# (`python -m statementqa.reader.train --prepare-only --prepared .devdata/v2.npz`, 25 s here):
#     bash docs/experiments/reader-v3-gpu/gpu.sh 1     # variants E1 F1 G1 (first call)
#     bash docs/experiments/reader-v3-gpu/gpu.sh 2     # variants E2 F2 G2 (second call)
#     bash docs/experiments/reader-v3-gpu/gpu.sh neg   # variants E F G on .devdata/neg.npz (negation
#         pairs, ../reader-negation-pairs: `... --prepare-only --prepared .devdata/neg.npz --negation-pairs 0.5`)
#     bash docs/experiments/reader-v3-gpu/gpu.sh keep  # the same data, kept close to v2 (--keep-close)
#     bash docs/experiments/reader-v3-gpu/gpu.sh other # E F: other-paragraph no-answer windows
#         (--other-negatives 0.5 / 1), G: the same run without them, on .devdata/other.npz (prepared
#         data of format 2, ../reader-other-negatives; carried xz-compressed as for neg)
# Three continuations of reader v2 (D) train at once on the one GPU, each exported as fp16; what
# comes back is each one's weights except the word embeddings (frozen in training, so D's; the
# device returns at most 16 MiB a file, 64 MiB in all), split in 15 MiB parts; merge.py rebuilds
# full readers here. A variant not done by DEADLINE seconds is exported from its last checkpoint.
# Env (local tests): STEPS_ARGS (e.g. "--limit-questions 48 --device cpu"), DEADLINE, PY, OUT.
set -u
SET=${1:-1}
rm -rf /tmp/runs /tmp/outs
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 STATEMENTQA_RUNS=/tmp/runs
OUT=${OUT:-/tmp/gpuout}; mkdir -p "$OUT" /tmp/outs
PY=${PY:-python3}
DEADLINE=${DEADLINE:-470}
X=${STEPS_ARGS:-}
nvidia-smi --query-gpu=name,memory.used --format=csv 2>/dev/null | tee "$OUT/gpu.txt"
T0=$(date +%s)
DATA=.devdata/v2.npz; [ "$SET" = neg ] || [ "$SET" = keep ] && DATA=.devdata/neg.npz; [ "$SET" = other ] && DATA=.devdata/other.npz
common="--init reader/model --prepared $DATA --ckpt-every 400 --threads 4 $X"
if [ "$SET" = neg ]; then
  E="--epochs 1 --lr 2e-5 --seed 31 --p-whole 0.5 --neg-ratio 0.5"
  F="--epochs 2 --lr 3e-5 --seed 32 --p-whole 0.5 --neg-ratio 0.5"
  G="--epochs 1 --lr 3e-5 --seed 33 --p-whole 0.5 --neg-ratio 0.5 --negated-repeat 2 --others-share 0.5"
elif [ "$SET" = keep ]; then
  E="--epochs 1 --lr 3e-5 --seed 41 --p-whole 0.5 --neg-ratio 0.5 --negated-repeat 2 --others-share 0.5 --keep-close 1"
  F="--epochs 1 --lr 3e-5 --seed 42 --p-whole 0.5 --neg-ratio 0.5 --negated-repeat 2 --others-share 0.5 --keep-close 3"
  G="--epochs 1 --lr 3e-5 --seed 43 --p-whole 0.5 --neg-ratio 0.5 --negated-repeat 3 --others-share 0.5 --keep-close 1"
elif [ "$SET" = other ]; then
  E="--epochs 2 --lr 3e-5 --seed 51 --p-whole 0.5 --neg-ratio 0.5 --other-negatives 0.5"
  F="--epochs 2 --lr 3e-5 --seed 51 --p-whole 0.5 --neg-ratio 0.5 --other-negatives 1"
  G="--epochs 2 --lr 3e-5 --seed 51 --p-whole 0.5 --neg-ratio 0.5"
elif [ "$SET" = 1 ]; then
  E="--epochs 2 --lr 3e-5 --seed 21 --p-whole 0.5 --neg-ratio 0.5"
  F="--epochs 2 --lr 3e-5 --seed 22 --p-whole 0.6 --neg-ratio 0.8"
  G="--epochs 3 --lr 5e-5 --batch-size 64 --seed 23 --p-whole 0.5 --neg-ratio 0.5"
else
  E="--epochs 2 --lr 3e-5 --seed 24 --p-whole 0.35 --neg-ratio 0.3"
  F="--epochs 3 --lr 3e-5 --seed 25 --p-whole 0.5 --neg-ratio 0.5"
  G="--epochs 4 --lr 8e-5 --batch-size 128 --seed 26 --p-whole 0.5 --neg-ratio 0.5"
fi
$PY -m statementqa.reader.train $common --run-id E --out /tmp/outs/E $E > /tmp/outs/E.log 2>&1 &
PE=$!
$PY -m statementqa.reader.train $common --run-id F --out /tmp/outs/F $F > /tmp/outs/F.log 2>&1 &
PF=$!
$PY -m statementqa.reader.train $common --run-id G --out /tmp/outs/G $G > /tmp/outs/G.log 2>&1 &
PG=$!
while :; do
  n=0; for p in $PE $PF $PG; do kill -0 $p 2>/dev/null && n=$((n+1)); done
  el=$(( $(date +%s) - T0 ))
  [ $n -eq 0 ] && break
  if [ $el -ge $DEADLINE ]; then echo "deadline at ${el}s: $n still running"; break; fi
  sleep 5
done
for v in E F G; do tail -2 /tmp/outs/$v.log; done
for v in E F G; do
  if [ ! -f /tmp/outs/$v/model.safetensors ]; then
    pkill -f "run-id $v " ; sleep 2
    echo "$v: unfinished, exporting its last checkpoint"
    $PY -m statementqa.reader.train --init reader/model --run-id $v --export-checkpoint /tmp/outs/$v >> /tmp/outs/$v.log 2>&1
  fi
done
$PY - <<'PYEOF'
import os, json
from safetensors.torch import load_file, save_file
out = os.environ.get("OUT", "/tmp/gpuout")
for v in "EFG":
    p = f"/tmp/outs/{v}/model.safetensors"
    if not os.path.exists(p):
        print(v, "no model"); continue
    sd = load_file(p)
    word = [k for k in sd if k.endswith("word_embeddings.weight")]
    rest = {k: t for k, t in sd.items() if k not in word}
    save_file(rest, f"/tmp/outs/{v}.rest.safetensors")
    print(v, "dropped", word, "kept", len(rest), "tensors")
PYEOF
for v in E F G; do
  [ -f /tmp/outs/$v.rest.safetensors ] && split -b 15M -d /tmp/outs/$v.rest.safetensors "$OUT/$v.rest.part"
  cp /tmp/outs/$v/training_args.json /tmp/outs/$v.training_args.json 2>/dev/null
  cp /tmp/runs/$v/train.log /tmp/outs/$v.train.log 2>/dev/null
done
(cd /tmp/outs && tar czf "$OUT/logs.tgz" *.log *.training_args.json 2>/dev/null)
echo "total $(( $(date +%s) - T0 ))s"; ls -la "$OUT"
