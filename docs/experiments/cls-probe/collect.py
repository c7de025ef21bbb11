"""Frozen-feature answerability probe: does the shipped reader's last-layer [CLS] vector say more
about answerability than its span-minus-null score? (issue #10, item 3; a linear probe on v1's
features stayed at 0.65 AUC.)

For every question of the calibration and the held-out test part of dev-v2.0-a, read with its gold
paragraph cut into the runtime passages (as ``eval.calibrate`` does), keep the span-minus-null
score of the answer ``locate`` picks and the final hidden state at [CLS] of the feature that span
came from, and, for a reader trained with ``--answer-head``, that feature's answerability logit.
Writes ``<out>/<part>.npz`` (diff, cls, answerable, f1, head). Not used by the product.

    python docs/experiments/cls-probe/collect.py --out /tmp/clsprobe
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--reader", default=None)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    import torch
    from tqdm import tqdm

    from statementqa.eval.metrics import score_answer
    from statementqa.reader.assemble import locate
    from statementqa.reader.model import Reader, ReadOut, _read_out
    from statementqa.reader.squad import DEV_V2A, dev_part, gold_index, iter_qas, load_squad

    reader = Reader(args.reader, backend="torch")
    encoder, model = reader.load()
    head_file = Path(reader.name) / "answerability.safetensors"  # a jointly trained head (reader.train --answer-head)
    head = None
    if head_file.exists():
        from safetensors.numpy import load_file

        h = load_file(head_file)
        head = (h["weight"].astype(np.float32)[0], float(h["bias"][0]))
    data = load_squad(DEV_V2A)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for part in ("calib", "test"):
        qas = list(iter_qas(dev_part(data, part)))[: args.limit]
        diff, cls, has, f1s, heads = [], [], [], [], []
        for q in tqdm(qas, desc=part, unit="q"):
            idx, passages = gold_index(q.context)
            texts = [p.text for p in passages]
            question = encoder.cut_question(q.question, max(8, reader.max_length // 4))
            enc = encoder.encode(question, texts, reader.max_length, reader.stride)
            with torch.inference_mode():
                o = model(**{k: torch.from_numpy(v) for k, v in enc.arrays.items()}, output_hidden_states=True)
            S, E = o.start_logits.numpy(), o.end_logits.numpy()
            H = o.hidden_states[-1][:, 0, :].numpy()
            ro: ReadOut = _read_out(S, E, enc, [0] * len(texts), reader.max_answer_tokens)
            loc = locate(passages, ro, idx)
            # the feature whose best span is the one located (nearest span - null), else the best feature
            per_f = [float(S[f].max() + E[f].max() - S[f, 0] - E[f, 0]) for f in range(len(S))]
            d = loc.score_diff if loc is not None else -50.0
            f = int(np.argmin([abs(x - d) for x in per_f])) if loc is not None else int(np.argmax(per_f))
            pred = q.context[loc.start:loc.end] if loc is not None else ""
            _, f1 = score_answer(q.answers, pred) if not q.impossible else (0.0, 0.0)
            diff.append(max(d, -50.0))
            cls.append(H[f])
            heads.append(float(H[f] @ head[0] + head[1]) if head is not None else 0.0)
            has.append(not q.impossible)
            f1s.append(f1)
        np.savez(out / f"{part}.npz", diff=np.array(diff), cls=np.array(cls), answerable=np.array(has), f1=np.array(f1s),
                 head=np.array(heads))


if __name__ == "__main__":
    main()
