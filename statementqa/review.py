"""``statementqa review``: turn the corrections users give in the app into test cases.

The app appends feedback to a JSONL log (``statementqa.feedback``); a dislike with a reason, the
right sentence and optionally the right answer span is a ``"kind": "correction"`` record. Review:

* lists the corrections not reviewed yet, each with its question, the answer given, the reason,
  the picked sentence and the suggested answer;
* on acceptance writes a test case in the schema of ``eval/data/`` (``id``, ``question``,
  ``answers``, ``answerable``, ``supporting``, ``category: "feedback"``, ``source: "feedback"``,
  ``date``, ``reason``) to the feedback test set, which ``statementqa eval`` then counts;
* decisions (accepted / rejected) go to an append-only sidecar log beside the feedback log, so
  nothing is ever deleted and a decided item is not shown again;
* ``--recalibrate`` re-chooses the abstention threshold on the accepted cases together with the
  statement test set (best F1 over the reader's confidences), writes it to the data folder
  (``threshold.json``, used by the pipeline unless ``--threshold``/Settings says otherwise) and
  prints F1 and abstention accuracy before and after.

A correction can become a test only when it says what is right: "should have said not stated"
becomes an unanswerable case; the others need the right sentence and an answer inside it (the
suggested span, or for "wrong sentence" the answer given when it lies in the picked sentence).
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from statementqa.feedback import append_feedback
from statementqa.retrieval.errors import UserError

REASONS = {"wrong_answer": "wrong answer", "wrong_sentence": "wrong or missing sentence",
           "should_abstain": "should have said \"not stated\"", "should_answer": "should have answered"}


@dataclass
class Correction:
    record: dict

    @property
    def id(self) -> str:
        return str(self.record.get("message_id") or "")

    def test_case(self, answer: str | None = None) -> dict | None:
        """The test case this correction makes (None when it does not say what is right)."""
        r = self.record
        reason = r.get("reason")
        base = {"id": f"fb-{self.id}", "question": r.get("question") or "", "category": "feedback", "source": "feedback",
                "date": time.strftime("%Y-%m-%d"), "reason": reason}
        if reason == "should_abstain":
            return {**base, "answers": [], "answerable": False, "supporting": []}
        sent = r.get("sentence") or {}
        text = sent.get("text") or ""
        if not text:
            return None
        candidates = [answer, r.get("correct_answer")]
        if reason == "wrong_sentence":
            candidates.append(r.get("answer"))
        right = next((a for a in candidates if a and a in text), None)
        if right is None:
            return None
        return {**base, "answers": [right], "answerable": True, "supporting": [text]}

    def describe(self) -> str:
        r = self.record
        sent = r.get("sentence") or {}
        given = r.get("answer") or ("(not stated)" if r.get("abstained") else "")
        lines = [f"[{self.id}] {r.get('timestamp', '')}  reader {r.get('reader', '?')}  index {r.get('index_generation', '?')}",
                 f"  question:   {r.get('question')}",
                 f"  answer:     {given}  (confidence {float(r.get('confidence') or 0):.2f})",
                 f"  reason:     {REASONS.get(r.get('reason'), r.get('reason'))}"]
        if sent:
            lines.append(f"  sentence:   #{sent.get('sentence_index')} {sent.get('text')}")
        if r.get("correct_answer"):
            lines.append(f"  right answer: {r['correct_answer']}")
        return "\n".join(lines)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            print(f"warning: {path}:{n} is not JSON; skipped", file=sys.stderr)
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


def decisions_path(feedback_log: Path) -> Path:
    return feedback_log.with_name(feedback_log.stem + ".reviews.jsonl")


def pending(feedback_log: Path) -> list[Correction]:
    """Corrections in the log without a decision yet (the latest record per message id)."""
    decided = {d.get("message_id") for d in _read_jsonl(decisions_path(feedback_log))}
    latest: dict[str, dict] = {}
    for r in _read_jsonl(feedback_log):
        if r.get("kind") == "correction" and r.get("message_id"):
            latest[str(r["message_id"])] = r
    return [Correction(r) for mid, r in latest.items() if mid not in decided]


def _append_case(out: Path, case: dict) -> None:
    existing = {c.get("id") for c in _read_jsonl(out)}
    if case["id"] in existing:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps(case, ensure_ascii=False) + "\n")


def decide(feedback_log: Path, out: Path, c: Correction, accept: bool, answer: str | None = None) -> dict | None:
    """Record the decision; on acceptance write the test case (returned). Raises UserError when the
    correction cannot become a test (it does not say what is right)."""
    case = None
    if accept:
        case = c.test_case(answer)
        if case is None:
            raise UserError(f"{c.id}: cannot make a test of it: it needs the right sentence and an answer copied from it "
                            f"(give one with --answer {c.id} \"...\" or reject it)")
        _append_case(out, case)
    append_feedback(decisions_path(feedback_log), {"message_id": c.id, "decision": "accepted" if accept else "rejected",
                                                    **({"test_id": case["id"], "test_set": str(out)} if case else {})})
    return case


def run_review(feedback_log: Path, out: Path, accept_all: bool = False, accept: list[str] | None = None,
               reject: list[str] | None = None, answers: dict[str, str] | None = None, list_only: bool = False,
               ask: Callable[[str], str] | None = None, say: Callable[[str], None] = print) -> dict:
    """Review pending corrections. Non-interactive with ``accept_all``/``accept``/``reject``/``list_only``;
    otherwise ``ask`` (``input``) prompts for each: [a]ccept, [r]eject, [s]kip, [q]uit."""
    items = pending(feedback_log)
    stats = {"pending": len(items), "accepted": 0, "rejected": 0, "skipped": 0, "cannot": 0}
    if not items:
        say(f"no new corrections in {feedback_log}")
        return stats
    accept_set, reject_set = set(accept or []), set(reject or [])
    answers = answers or {}
    for c in items:
        say(c.describe())
        if list_only:
            continue
        if c.id in reject_set:
            choice = "r"
        elif accept_all or c.id in accept_set:
            choice = "a"
        elif ask is not None and not (accept or reject):
            choice = (ask("  accept as a test case? [a]ccept / [r]eject / [s]kip / [q]uit: ").strip().lower() or "s")[0]
        else:
            choice = "s"
        if choice == "q":
            break
        if choice == "s":
            stats["skipped"] += 1
            continue
        try:
            case = decide(feedback_log, out, c, choice == "a", answers.get(c.id))
        except UserError as e:
            if ask is not None and not accept_all:
                a = ask("  the right answer, copied from the sentence (empty = skip): ").strip()
                if a:
                    try:
                        case = decide(feedback_log, out, c, True, a)
                    except UserError as e2:
                        say(f"  {e2}")
                        stats["cannot"] += 1
                        continue
                else:
                    stats["skipped"] += 1
                    continue
            else:
                say(f"  skipped: {e}")
                stats["cannot"] += 1
                continue
        if case is None:
            stats["rejected"] += 1
            say("  rejected (kept in the log, marked)")
        else:
            stats["accepted"] += 1
            say(f"  accepted -> {out} as {case['id']}")
    return stats


THRESHOLD_FILE = "threshold.json"


def recalibrate(pl, datasets: list[Path], say: Callable[[str], None] = print) -> dict:
    """Choose the abstention threshold that gives the best F1 on ``datasets`` (the statement set and the
    accepted feedback cases), save it as ``<data dir>/threshold.json`` and report before/after."""
    from statementqa.eval.dataset import load_dataset
    from statementqa.eval.metrics import at_threshold, best_threshold, score_answer
    from statementqa.followup import Turn

    items = []
    for d in datasets:
        if d.exists():
            ds = load_dataset(d)
            items += list(ds.items) if hasattr(ds, "items") else list(ds)
    if not items:
        raise UserError("nothing to calibrate on: no statement set and no accepted feedback cases")
    old = pl.threshold()
    forced, conf, has, n_fb = [], [], [], 0
    for it in items:
        ans = pl.ask(it.question, history=[Turn(q, a) for q, a in it.history] or None)
        forced.append(score_answer(it.answers, ans.candidate)[1] if it.answerable else 0.0)
        conf.append(ans.confidence)
        has.append(it.answerable)
        n_fb += it.category == "feedback"

    _, t_na = best_threshold(forced, [1 - c for c in conf], has)
    new = min(max(1 - t_na, 0.0), 1.0)
    (f_old, a_old), (f_new, a_new) = at_threshold(forced, conf, has, old), at_threshold(forced, conf, has, new)
    rec = {"threshold": round(new, 4), "previous": round(old, 4), "n": len(items), "n_feedback": n_fb,
           "f1_before": round(f_old, 2), "f1_after": round(f_new, 2), "abstention_accuracy_before": round(a_old, 2),
           "abstention_accuracy_after": round(a_new, 2), "datasets": [str(d) for d in datasets if d.exists()],
           "date": time.strftime("%Y-%m-%d"), "reader": pl.reader_version()}
    from statementqa.retrieval.atomic import atomic_write_text

    path = Path(pl.settings.data_dir) / THRESHOLD_FILE
    atomic_write_text(path, json.dumps(rec, indent=2) + "\n")
    say(f"| | threshold | F1 | abstention accuracy |\n|---|---|---|---|\n"
        f"| before | {old:.3f} | {f_old:.1f} | {a_old:.1f} |\n| after | {new:.3f} | {f_new:.1f} | {a_new:.1f} |")
    say(f"on {len(items)} questions ({n_fb} from feedback); saved to {path} (used by the app and eval over this data folder; "
        f"delete it to go back to the reader's calibrated threshold)")
    return rec
