"""Command line: ``statementqa index|search|ask|eval|bench|serve|loadtest``.

A thin layer over :class:`statementqa.pipeline.Pipeline` (argparse, no logic of its own).
User errors print one line ``error: ...`` and exit with status 2; no tracebacks.
Heavy imports happen inside the subcommands, so ``--help`` is instant.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import statementqa
from statementqa.retrieval.errors import UserError
from statementqa.retrieval.offline import offline_environment


def _common(p: argparse.ArgumentParser) -> None:
    from statementqa.retrieval.paths import DEFAULT_CORPUS, default_data_dir
    from statementqa.settings import BM25_METHODS, DENSE_SEARCHES, EMBEDDER_BACKENDS, INDEX_TYPES, INT8_MODES, READER_BACKENDS

    g = p.add_argument_group("corpus and models")
    g.add_argument("--corpus", type=Path, default=None, help=f"folder (or file) of .txt/.md documents (default: {DEFAULT_CORPUS})")
    g.add_argument("--data-dir", type=Path, default=None, help=f"where the index is kept (default: {default_data_dir()}; env STATEMENTQA_DATA_DIR)")
    g.add_argument("--embedder", default=None, help="sentence-transformers model path or id (default: bundled all-MiniLM-L6-v2)")
    g.add_argument("--reader", default=None, help="extractive QA model directory or hub id (default: the shipped reader/model)")
    g.add_argument("--index-type", choices=INDEX_TYPES, default=None, help="FAISS index (auto: exact below 150k sentences)")
    g.add_argument("--chunk-size", type=int, default=None, help="sentences per passage (default 3)")
    g.add_argument("--chunk-overlap", type=int, default=None, help="sentences shared by neighbouring passages (default 1)")
    g.add_argument("--int8", choices=INT8_MODES, default=None,
                   help="dynamic int8 quantization on CPU (default: none; env STATEMENTQA_INT8)")
    g.add_argument("--reader-backend", choices=READER_BACKENDS, default=None,
                   help="auto: ONNX Runtime for a local reader on CPU (same outputs, ~2x faster), else PyTorch; "
                        "torch-bf16: PyTorch with bfloat16 weights, faster on CPUs with AMX (Intel Sapphire Rapids and later)")
    g.add_argument("--embedder-backend", choices=EMBEDDER_BACKENDS, default=None,
                   help="auto: ONNX Runtime for a local embedder on CPU (same vectors, ~3x faster queries), else "
                        "PyTorch sentence-transformers (env STATEMENTQA_EMBEDDER_BACKEND)")
    g.add_argument("--bm25-method", choices=BM25_METHODS, default=None,
                   help="postings (default): BM25 from the inverted index; scan: one full-corpus pass per query term, "
                        "the slower method kept as a benchmark baseline (env STATEMENTQA_BM25_METHOD)")
    g.add_argument("--dense-search", choices=DENSE_SEARCHES, default=None,
                   help="int8 (default): from 20,000 sentences on, an int8 pre-scan split across the cores whose best "
                        "candidates are rescored in float32, with a bound proving nothing left out ranks higher (float32's "
                        "ranking); fp16: over fp16 copies (same ranking up to near-ties); fp32: over the stored float32 "
                        "vectors only (env STATEMENTQA_DENSE_SEARCH)")
    g.add_argument("--may-answer", choices=["on", "off"], default=None,
                   help="when abstaining, offer the top sentence as 'not sure - this sentence may answer it' "
                        "(default on; env STATEMENTQA_MAY_ANSWER)")
    g.add_argument("--list-items", choices=["on", "off"], default=None,
                   help="answer 'Which area deals with borders?' with the one list item asked for, picked by words, "
                        "meaning or position (default on; env STATEMENTQA_LIST_ITEMS)")
    g.add_argument("--name-check", choices=["on", "off"], default=None,
                   help="abstain when the question names something (a capitalised word) the answer's document never "
                        "mentions, and say so (default on; env STATEMENTQA_NAME_CHECK)")
    g.add_argument("--spelling", choices=["on", "off"], default=None,
                   help="correct typing mistakes in a question toward the documents' words before searching and reading "
                        "('wher did the meating ...' is read as 'where did the meeting ...'; default on; env STATEMENTQA_SPELLING)")
    g.add_argument("--work-vote", choices=["on", "off"], default=None,
                   help="in a corpus of many documents, let the documents whose whole text matches the question best "
                        "vote for their sentences in the hybrid search (default off; env STATEMENTQA_WORK_VOTE)")
    g.add_argument("--store", default=None, metavar="postgresql://...",
                   help="keep the index in PostgreSQL + pgvector, shared by app replicas and indexers (default: files "
                        "under --data-dir; env STATEMENTQA_STORE)")
    g.add_argument("--read-dsn", action="append", default=None, metavar="postgresql://...",
                   help="a read replica for searches (repeatable; writes go to --store; env STATEMENTQA_READ_DSN, comma-separated)")
    g.add_argument("-v", "--verbose", action="store_true", help="log progress and warnings")


def pipeline_from(args):
    from statementqa.pipeline import pipeline_from_args

    return pipeline_from_args(args)


def _shard(value: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"shard must be i/n, e.g. 0/2 (got {value!r})") from None
    if not (n >= 1 and 0 <= i < n):
        raise argparse.ArgumentTypeError(f"shard must be i/n with 0 <= i < n (got {value!r})")
    return i, n


def cmd_index_store(pl, args) -> int:
    """``index --store``: write this process's share (``--shard i/n``) of the corpus into the database;
    the shard that finishes last publishes the new generation."""
    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.pgwrite import index_shard

    docs = load_corpus(pl.settings.corpus)
    st = index_shard(docs, pl.settings.index_params(), pl.store, pl.embedder, shard=args.shard or (0, 1), force=args.force)
    if st["up_to_date"]:
        print(f"index up to date in the database (generation {st['generation']})")
        return 0
    print(f"shard {st['shard']} of generation {st['generation']}: {st.get('documents', 0)} documents, "
          f"{st.get('sentences', 0)} sentences ({st['embedded']} embedded, {st['reused']} reused) in {st['total_s']:.2f}s")
    print("published: the new generation is live" if st["published"] else
          "written; the generation goes live when its other shards are written")
    return 0


def cmd_index(args) -> int:
    pl = pipeline_from(args)
    if pl.settings.store:
        return cmd_index_store(pl, args)
    if getattr(args, "shard", None) not in (None, (0, 1)):
        raise UserError("--shard needs --store postgresql://... (several indexers write one shared index there)")
    t0 = time.perf_counter()
    if args.force:
        import shutil

        cur = pl.settings.data_dir / "CURRENT"
        if cur.exists():
            cur.unlink()
        for d in pl.settings.data_dir.glob("index-*"):
            shutil.rmtree(d, ignore_errors=True)
    idx = pl.index
    info = pl.index_info
    m = idx.manifest
    dt = time.perf_counter() - t0
    what = f"rebuilt ({info.get('reason')})" if info.get("rebuilt") else "up to date"
    print(f"index {what}: {m['counts']['documents']} documents, {m['counts']['sentences']} sentences, "
          f"{m['counts']['passages']} passages, {m['dense']['kind']} FAISS, {m['embedder']} ({m['dim']}d)")
    if info.get("rebuilt"):
        print(f"build {info['build_s']:.2f}s (embedding {info['embed_s']:.2f}s; {info['embedded']} embedded, {info['reused']} reused)")
    print(f"path {idx.path or '(memory only: ' + info.get('save_error', '') + ')'}; took {dt:.2f}s")
    return 0


def cmd_search(args) -> int:
    pl = pipeline_from(args)
    t0 = time.perf_counter()
    res = pl.search(args.question, args.k, args.mode)
    dt = (time.perf_counter() - t0) * 1e3
    idx = pl.index
    if args.json:
        print(json.dumps({"question": args.question, "mode": args.mode, "hits": [
            {**h.to_dict(), "sentences": [idx.sentence(h.passage.doc_id, i).to_dict() for i, _ in h.matched]} for h in res.hits],
            "latency_ms": round(dt, 2)}, ensure_ascii=False, indent=2))
        return 0
    if not res.hits:
        print("no matching passages")
    for r, h in enumerate(res.hits, 1):
        best = idx.sentence(h.passage.doc_id, h.matched[0][0])
        doc = idx.docs[h.passage.doc_id]
        print(f"{r}. [{h.score:.4f}] {best.text}")
        print(f"   {doc.title} · sentence {best.idx} · chars {best.start}-{best.end} · dense rank {h.dense_rank or '-'}, "
              f"bm25 rank {h.bm25_rank or '-'} · passage sentences {list(h.passage.sentence_idxs)}")
    print(f"({len(res.hits)} hits, {args.mode}, {dt:.1f} ms)", file=sys.stderr)
    return 0


def format_answer(ans, titles: dict[str, str] | None = None) -> str:
    """The answer for a terminal; ``titles`` (document id → title, given when the corpus holds
    several documents): each cited sentence also names its document."""
    from statementqa.render import document_of, headline

    def where(c) -> str:  # "Title, " before a sentence's place, with several documents
        return f"{document_of(c, titles)}, " if document_of(c, titles) else ""

    lines = [f"Read as: {ans.interpreted_as}"] if ans.interpreted_as else []
    if ans.abstained and (ans.language or ans.maybe is not None):
        lines.append(headline(ans))
        if ans.maybe is not None:
            lines.append(f"  {ans.maybe.text}  ({where(ans.maybe)}sentence {ans.maybe.sentence_index}, "
                         f"chars {ans.maybe.start}-{ans.maybe.end})")
            lines.append(f"  (the reader is not confident: {ans.confidence:.2f})")
    elif ans.abstained:
        from statementqa.render import headline

        lines.append(headline(ans) if ans.not_mentioned or ans.how else "The documents do not say (no answer found).")
        if ans.related:
            lines.append("Related, but not an answer:")
            lines += [f"  - {c.text}" + (f"  ({document_of(c, titles)})" if document_of(c, titles) else "")
                      for c in ans.related]
    else:
        from statementqa.render import DECIDES, is_yes_no, yes_no_verdict

        if is_yes_no(ans.question):
            verdict = yes_no_verdict(ans)
            lines.append(f"A yes/no question. {verdict}." if verdict != DECIDES else
                         "A yes/no question: the cited sentence decides it.")
        lines.append(f"Answer: {ans.text}")
        lines.append(f"Confidence: {ans.confidence:.2f}")
        from statementqa.render import how_words

        if how_words(ans):
            lines.append(f"Found as: {how_words(ans)}")
        lines.append("Cited sentences:")
        lines += [f"  [{i}] {c.text}  ({where(c)}sentence {c.sentence_index}, chars {c.start}-{c.end})"
                  for i, c in enumerate(ans.citations, 1)]
    return "\n".join(lines)


def cmd_ask(args) -> int:
    pl = pipeline_from(args)
    ans = pl.ask(args.question, args.k)
    print(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2) if args.json else format_answer(ans, pl.titles()))
    return 0


def cmd_eval(args) -> int:
    from statementqa.eval.runner import main_eval

    return main_eval(args)


def _key_value(text: str) -> str:
    if "=" not in text or not text.split("=", 1)[0].startswith("STATEMENTQA_"):
        raise argparse.ArgumentTypeError(f"expected STATEMENTQA_NAME=value (got {text!r}), e.g. STATEMENTQA_EMBEDDER_BACKEND=torch")
    return text


def _sizes(text: str) -> list[int]:
    try:
        out = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated sentence counts such as 1000,10000 (got {text!r})") from None
    if any(n < 10 for n in out):
        raise argparse.ArgumentTypeError("sizes must be at least 10 sentences")
    return out


def cmd_bench(args) -> int:
    if args.store:
        from statementqa.bench_store import main as bench_store
        from statementqa.retrieval.pgconn import check_dsn

        if args.store != "embedded":
            check_dsn(args.store)
        out = args.out.parent if args.out.name.endswith(".json") else args.out
        return bench_store(args.store, (args.read_dsn or [None])[0], args.store_build_size, [str(n) for n in args.store_sizes], out)
    if args.curves:
        from statementqa.curves import main_curves

        main_curves(Path(args.curves_dir), args.curves_sizes, args.curves_real, args.curves_hnsw_max, args.curves_keep)
        print(f"written to {Path(args.curves_dir) / 'cost-curves.png'} and cost-curves.json")
        return 0
    from statementqa.bench import main_bench

    return main_bench(args)


def cmd_review(args) -> int:
    from statementqa.eval.runner import FEEDBACK_SET, LARGE_DATASET
    from statementqa.review import recalibrate, run_review
    from statementqa.settings import Settings

    data_dir = Settings.from_env(data_dir=args.data_dir).data_dir  # --data-dir, else STATEMENTQA_DATA_DIR, else the default
    log = Path(args.feedback_log or data_dir / "feedback.jsonl")
    out = Path(args.out or FEEDBACK_SET)
    interactive = sys.stdin.isatty() and not (args.list or args.accept_all or args.accept or args.reject)
    stats = run_review(log, out, accept_all=args.accept_all, accept=args.accept, reject=args.reject,
                       answers=dict(args.answer or []), list_only=args.list, ask=input if interactive else None)
    print(f"{stats['pending']} pending: {stats['accepted']} accepted, {stats['rejected']} rejected, "
          f"{stats['skipped']} skipped, {stats['cannot']} could not become tests")
    if args.recalibrate:
        recalibrate(pipeline_from(args), [LARGE_DATASET, out])
    return 0


def cmd_serve(args) -> int:
    from statementqa.webapp import serve

    return serve(args)


def cmd_loadtest(args) -> int:
    from statementqa.loadtest import main_loadtest

    return main_loadtest(args)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="statementqa", description="Answer questions about a statement with cited sentences (offline).")
    ap.add_argument("--version", action="version", version=f"statementqa {statementqa.__version__}")
    sub = ap.add_subparsers(dest="cmd", required=True)
    _question_commands(sub)
    _tool_commands(sub)
    return ap


def _question_commands(sub) -> None:
    """index, search, ask."""
    from statementqa.settings import SEARCH_MODES

    p = sub.add_parser("index", help="build (or check) the persisted index")
    _common(p)
    p.add_argument("--force", action="store_true", help="rebuild even if up to date")
    p.add_argument("--shard", type=_shard, default=None, metavar="i/n",
                   help="with --store: embed and write share i of n of the documents (run n indexers, 0/n .. n-1/n)")
    p.set_defaults(fn=cmd_index)

    p = sub.add_parser("search", help="hybrid search: print the best passages and sentences")
    _common(p)
    p.add_argument("question")
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--mode", choices=SEARCH_MODES, default="hybrid")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(fn=cmd_search)

    p = sub.add_parser("ask", help="answer a question with cited sentences")
    _common(p)
    p.add_argument("question")
    p.add_argument("-k", type=int, default=None, help="passages given to the reader (default 3)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(fn=cmd_ask)


def _tool_commands(sub) -> None:
    """eval, bench, serve, loadtest."""
    p = sub.add_parser("eval", help="score the pipeline on a QA test set and write a report")
    _common(p)
    p.add_argument("--dataset", type=Path, default=None, help="JSONL test set or SQuAD JSON (.json/.json.gz); default: eval/data/statement_qa.jsonl")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: eval/runs/<dataset>)")
    p.add_argument("-k", type=int, default=None, help="passages given to the reader")
    p.add_argument("--gold-context", action="store_true", help="SQuAD: give each question its own paragraph instead of retrieving")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    p.add_argument("--part", choices=("all", "train", "calib", "test"), default="all",
                   help="SQuAD dev-v2.0-a: the article part (test = held out from training and calibration)")
    p.add_argument("--on-error", choices=("skip", "fail"), default="skip", help="malformed dataset lines: skip with a warning or reject the file")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"),
                   help="two run folders (or their metrics.json): metrics side by side, and compare.html with the questions "
                        "that got better or worse and a paired bootstrap interval on the F1 difference")
    p.add_argument("--junit", type=Path, default=None, help="also write JUnit XML (one test case per question) here")
    p.add_argument("--endpoint", default=None, metavar="URL",
                   help="evaluate a running app through POST URL/api/v1/ask instead of a local pipeline")
    p.add_argument("--gate", type=Path, default=None, help="fail (exit 1) if metrics fall below the floors in this JSON file")
    p.set_defaults(fn=cmd_eval)

    p = sub.add_parser("bench", help="measure start-up, latency, index build and memory")
    _common(p)
    p.add_argument("--sizes", default="statement,10000,100000", help="corpus sizes to index, comma separated")
    p.add_argument("--out", type=Path, default=Path("bench-results.json"))
    p.add_argument("--baseline-reader", type=Path, default=None,
                   help="also measure per-question latency with this reader (e.g. the previous one), in the same run")
    p.add_argument("--baseline-env", action="append", metavar="KEY=VALUE", type=_key_value,
                   help="also measure latency and index build with this environment (today's configuration, e.g. "
                        "STATEMENTQA_EMBEDDER_BACKEND=torch), in the same run; repeatable")
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    p.add_argument("--query-index", type=Path, default=None, metavar="DIR",
                   help="only query latency, on an index saved before (a data dir or index-* dir), against "
                        "--baseline-env in the same run; e.g. --baseline-env STATEMENTQA_BM25_METHOD=scan")
    p.add_argument("--curves", action="store_true",
                   help="instead: cost curves of the indexes (build, query, memory) up to 1M sentences, one log-log PNG")
    p.add_argument("--curves-sizes", type=_sizes, default=[1000, 10_000, 100_000, 1_000_000],
                   help="sizes for the dense and lexical index alone, with stand-in vectors (default 1k,10k,100k,1M)")
    p.add_argument("--curves-real", type=_sizes, default=[1000, 10_000, 100_000],
                   help="sizes built with the real embedder (default 1k,10k,100k)")
    p.add_argument("--curves-dir", default="docs/perf", help="where cost-curves.png/.json go (default docs/perf)")
    p.add_argument("--curves-hnsw-max", type=int, default=100_000,
                   help="build HNSW over stand-in vectors only up to this size (random vectors build slowly; default 100k)")
    p.add_argument("--curves-keep", action="store_true", help="keep the points already measured in cost-curves.json")
    p.add_argument("--store-build-size", default="10000",
                   help="with --store (a PostgreSQL URL, or 'embedded' to start one from the test extra): the real-text "
                        "corpus built by 1 and 2 indexers (default 10000 sentences)")
    p.add_argument("--store-sizes", type=_sizes, default=[10_000, 100_000],
                   help="with --store: sizes whose hybrid query p50/p95 is measured on the files, the primary and the "
                        "replica (above --store-build-size with stand-in vectors; default 10k,100k)")
    p.set_defaults(fn=cmd_bench)

    p = sub.add_parser("serve", help="run the chat app (Gradio)")
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--root-path", default="", help="URL prefix when behind a reverse proxy")
    p.add_argument("--auth", default=None, help="USER:PASSWORD for basic login (or env STATEMENTQA_AUTH)")
    p.add_argument("--cors", default="", help="comma-separated origins allowed to embed/call the app")
    p.add_argument("--feedback-log", type=Path, default=None, help="where like/dislike feedback is appended (JSONL)")
    p.add_argument("--rate-limit", type=float, default=120,
                   help="questions per minute per client (bursts up to --rate-burst); beyond it: 429. 0 = off")
    p.add_argument("--rate-burst", type=int, default=30, help="questions a client may ask at once before the rate applies")
    p.add_argument("--access-log", choices=["on", "off"], default="on", help="one JSON line per request on stderr")
    p.add_argument("--uploads", action="store_true",
                   help="let users add and remove documents in the browser (off by default; needs --corpus FOLDER)")
    p.add_argument("--log-questions", action="store_true",
                   help="include the question text in the access log (off by default: questions may be sensitive)")
    p.set_defaults(fn=cmd_serve)

    p = sub.add_parser("review", help="turn corrections given in the app into test cases")
    _common(p)
    p.add_argument("--feedback-log", type=Path, default=None, help="the app's feedback log (default: <data dir>/feedback.jsonl)")
    p.add_argument("--out", type=Path, default=None, help="the feedback test set (default: eval/data/feedback_qa.jsonl)")
    p.add_argument("--list", action="store_true", help="only list the corrections not reviewed yet")
    p.add_argument("--accept-all", action="store_true", help="accept every correction that says what is right")
    p.add_argument("--accept", nargs="+", default=None, metavar="ID", help="accept these message ids")
    p.add_argument("--reject", nargs="+", default=None, metavar="ID", help="reject these (kept in the log, marked)")
    p.add_argument("--answer", nargs=2, action="append", default=None, metavar=("ID", "TEXT"),
                   help="the right answer for a correction that lacks one (copied from its sentence)")
    p.add_argument("--recalibrate", action="store_true",
                   help="re-choose the abstention threshold on the statement set plus the accepted cases; show before/after")
    p.set_defaults(fn=cmd_review)

    p = sub.add_parser("loadtest", help="drive a running app with concurrent clients (loopback only)")
    p.add_argument("--url", default="http://127.0.0.1:7860/")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--max-requests", type=int, default=5000)
    p.add_argument("--via", choices=["gradio", "rest", "both"], default="both",
                   help="the Gradio /ask API, the REST POST /api/v1/ask, or both one after the other")
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(fn=cmd_loadtest)


def main(argv: list[str] | None = None) -> int:
    from statementqa.retrieval.errors import UserError

    offline_environment()
    ap = build_parser()
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The pool's reconnect chatter; an unreachable database is reported once, as one line.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    try:
        return args.fn(args) or 0
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
