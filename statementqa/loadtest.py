"""``statementqa loadtest``: drive a running app through its ``/ask`` API with many concurrent
clients (gradio_client), bounded in time and request count, loopback addresses only.
Reports throughput, p50/p95/p99 latency and errors (table + optional JSON)."""
from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from statementqa.retrieval.errors import UserError

QUESTIONS = [
    "Where did the meeting take place?", "Who did Nielsen meet?", "What are the four areas of collaboration?",
    "When will the final agreement be completed?", "What did Nielsen say about children?",
    "How much money will the United States provide?", "Which country may also participate?",
    "What is the capital of France?", "Why will the ministers meet regularly?", "What was signed?",
]


def _loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    try:
        addrs = {ai[4][0] for ai in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise UserError(f"cannot resolve {host!r}") from None
    if not addrs or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs):
        raise UserError(f"the load test only targets this machine (127.0.0.1/::1/localhost), not {host}")


def run_load(url: str, clients: int = 20, seconds: float = 60.0, max_requests: int = 5000) -> dict:
    from gradio_client import Client

    _loopback_only(url)
    if clients < 1 or seconds <= 0 or max_requests < 1:
        raise UserError("clients, seconds and max-requests must be positive")
    lock = threading.Lock()
    lat: list[float] = []
    errors: list[str] = []
    issued = [0]
    deadline = time.monotonic() + seconds
    t0 = time.monotonic()

    def worker(i: int):
        try:
            c = Client(url, verbose=False)
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append(f"connect: {e.__class__.__name__}: {str(e)[:100]}")
            return
        j = 0
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    return
                issued[0] += 1
            q = QUESTIONS[(i + j) % len(QUESTIONS)]
            j += 1
            a = time.monotonic()
            try:
                r = c.predict(question=q, k=3, api_name="/ask")
                ok = isinstance(r, dict) and "answer" in r
                with lock:
                    (lat.append((time.monotonic() - a) * 1e3) if ok else errors.append("bad response"))
            except Exception as e:  # noqa: BLE001
                with lock:
                    errors.append(f"{e.__class__.__name__}: {str(e)[:100]}")

    ts = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=seconds + 120)
    wall = time.monotonic() - t0
    from statementqa.eval.metrics import percentile

    def pct(q):
        return percentile(lat, q)

    return {"url": url, "clients": clients, "seconds": round(wall, 1), "requests": len(lat) + len(errors), "ok": len(lat),
            "errors": len(errors), "error_examples": sorted(set(errors))[:5], "throughput_rps": len(lat) / wall,
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": max(lat) if lat else float("nan")}


def format_table(r: dict) -> str:
    return ("| clients | duration s | requests | errors | throughput req/s | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|---|---|\n"
            f"| {r['clients']} | {r['seconds']} | {r['requests']} | {r['errors']} | {r['throughput_rps']:.1f} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} |")


def main_loadtest(args) -> int:
    r = run_load(args.url, args.clients, args.seconds, args.max_requests)
    print(format_table(r))
    if r["error_examples"]:
        print("errors:", "; ".join(r["error_examples"]))
    if args.out:
        Path(args.out).write_text(json.dumps(r, indent=2))
    return 0 if r["errors"] == 0 else 1
