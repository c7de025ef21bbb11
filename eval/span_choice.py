"""Fit the calibration's ``retrieval_weight``: how much retrieval's sentence ranking counts when
answer assembly picks among the reader's spans (``reader.assemble``; 0 = the reader alone).

    python -m statementqa.eval.span_choice --reader reader/model            # report only
    python -m statementqa.eval.span_choice --reader reader/model --write    # + calibration.json

Every question is read once with the runtime pipeline (``Pipeline.read``: retrieval, then the
reader over the top-k passages); answer assembly is then replayed for each weight of the grid
with the reader's own confidence and threshold, so the grid costs no model run. Two data sets,
end to end: the calibration part of dev-v2.0-a (articles 1, 4, 7, ...; retrieval over its
paragraphs; never trained on, never used for the reported test numbers) and the larger statement
set (``eval/data/statement_qa_large.jsonl``; it contains the team's 71 questions). The weight
with the best mean F1 of the two wins; ties go to the smaller weight. ``--write`` stores it, with
the grid's numbers, in the reader's ``calibration.json``.

This module trains nothing and leaves the confidence and the threshold as they are.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from statementqa.followup import Turn
from statementqa.retrieval.atomic import atomic_write_text

from .dataset import Dataset, load_dataset, select_part
from .metrics import score_answer

GRID = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)
LARGE_SET = Path(__file__).resolve().parent / "data" / "statement_qa_large.jsonl"


def read_all(pl, ds: Dataset, progress: bool = True) -> list:
    """(item, ``Reading``) per question, in order."""
    from tqdm import tqdm

    rows = []
    for item in tqdm(ds.items, desc="reading", unit="q", disable=not progress, file=sys.stderr):
        hist = [Turn(q, a) for q, a in item.history] or None
        rows.append((item, pl.read(item.question, history=hist)))
    return rows


def replay(rows: list, calibration: dict, weight: float) -> list:
    """The ``Answer`` ``Pipeline.ask`` gives for each reading when the calibration has ``weight``,
    unless one of its rules after answer assembly answers instead (a list item, a letter's signer,
    part of a name, what someone said: ``reader.listpick``, ``.signer``, ``.nameparts``,
    ``.saidabout``): the weight is fitted on assembly's own answers."""
    from statementqa.reader.assemble import assemble

    cal = {**calibration, "retrieval_weight": weight}
    return [assemble(r.question, r.passages, r.out, r.index, cal, r.related, ranked=r.ranked) for _, r in rows]


def f1_at(rows: list, calibration: dict, weight: float) -> float:
    """Mean SQuAD F1 (abstention = empty answer) when assembly uses ``weight``."""
    total = 0.0
    for (item, _), ans in zip(rows, replay(rows, calibration, weight)):
        total += score_answer(list(item.answers) if item.answerable else [], "" if ans.abstained else ans.text)[1]
    return 100.0 * total / max(1, len(rows))


def choose(table: dict[str, dict[float, float]]) -> float:
    """The grid weight with the best mean F1 over the data sets (ties: the smaller weight)."""
    weights = sorted(next(iter(table.values())))
    return max(weights, key=lambda w: (round(sum(t[w] for t in table.values()) / len(table), 6), -w))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reader", default=None, help="reader model directory (default: the shipped reader)")
    ap.add_argument("--squad", default=None, help="dev-v2.0-a file (default: ../shared/data/squad/dev-v2.0-a.json.gz)")
    ap.add_argument("--statement-set", type=Path, default=LARGE_SET)
    ap.add_argument("--work", type=Path, default=Path("eval/runs/span-choice"), help="index of the SQuAD part goes here")
    ap.add_argument("--limit", type=int, default=None, help="first N questions of each set (for a quick look)")
    ap.add_argument("--write", action="store_true", help="store the chosen weight in the reader's calibration.json")
    args = ap.parse_args(argv)

    from statementqa.pipeline import Pipeline
    from statementqa.reader.squad import DEV_V2A

    from .runner import _squad_corpus

    over = {"reader": args.reader} if args.reader else {}
    squad = select_part(load_dataset(Path(args.squad or DEV_V2A)), "calib")
    stmt = load_dataset(args.statement_set)
    if args.limit:
        squad.items, stmt.items = squad.items[: args.limit], stmt.items[: args.limit]
    t0 = time.time()
    pl_t = Pipeline(**over)
    pl_s = Pipeline(corpus=str(_squad_corpus(squad, args.work)), data_dir=str(args.work / "index"), **over)
    pl_s.reader = pl_t.reader  # one reader (one model load) for both sets; it loads on first read
    sets = {"SQuAD dev-v2.0-a calib part, e2e": (pl_s, read_all(pl_s, squad)),
            f"{args.statement_set.name}": (pl_t, read_all(pl_t, stmt))}
    cal = pl_t.reader.calibration
    table = {name: {w: f1_at(rows, cal, w) for w in GRID} for name, (_, rows) in sets.items()}
    best = choose(table)
    print("F1 by retrieval_weight (" + ", ".join(f"{n}: {len(r)} q" for n, (_, r) in sets.items()) + ")")
    print(f"{'weight':>8} " + " ".join(f"{n[:34]:>36}" for n in table) + f" {'mean':>8}")
    for w in GRID:
        row = [table[n][w] for n in table]
        print(f"{w:8.1f} " + " ".join(f"{v:36.2f}" for v in row) + f" {sum(row) / len(row):8.2f}"
              + ("  <- chosen" if w == best else ""))
    if args.write:
        src = pl_t.reader.local_dir()
        if src is None:
            print("not a local reader directory: nothing written", file=sys.stderr)
            return 1
        path = src / "calibration.json"
        data = json.loads(path.read_text()) if path.exists() else {}
        data["retrieval_weight"] = best
        data["retrieval_weight_fit"] = {
            "f1": {n: {str(w): round(v, 2) for w, v in t.items()} for n, t in table.items()},
            "questions": {n: len(r) for n, (_, r) in sets.items()},
            "rule": "best mean F1 of the sets (ties: smaller weight)",
            "seconds": round(time.time() - t0),
        }
        atomic_write_text(path, json.dumps(data, indent=2))
        print(f"retrieval_weight {best} -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
