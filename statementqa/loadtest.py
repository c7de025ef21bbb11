"""``statementqa loadtest``: drive a running app with many concurrent clients, through the Gradio
``/ask`` API (gradio_client) and/or the REST ``POST /api/v1/ask`` (httpx), bounded in time and
request count, loopback addresses only.
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


def _gradio_asker(url: str):
    from gradio_client import Client

    c = Client(url, verbose=False)

    def ask(q: str) -> str | None:
        r = c.predict(question=q, k=3, api_name="/ask")
        return None if isinstance(r, dict) and "answer" in r else "bad response"

    return ask


def _rest_asker(url: str):
    import httpx

    c = httpx.Client(base_url=url.rstrip("/"), timeout=120)

    def ask(q: str) -> str | None:
        r = c.post("/api/v1/ask", json={"question": q, "k": 3})
        if r.status_code == 429:
            return "429 rate limited"
        if r.status_code != 200:
            return f"HTTP {r.status_code}"
        return None if "answer" in r.json() else "bad response"

    return ask


def run_load(url: str, clients: int = 20, seconds: float = 60.0, max_requests: int = 5000, via: str = "gradio") -> dict:
    """``via``: "gradio" (the Gradio ``/ask`` API through gradio_client) or "rest" (``POST /api/v1/ask``)."""
    _loopback_only(url)
    if via not in ("gradio", "rest"):
        raise UserError("--via must be gradio, rest or both")
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
            ask = (_rest_asker if via == "rest" else _gradio_asker)(url)
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
                err = ask(q)
                with lock:
                    (lat.append((time.monotonic() - a) * 1e3) if err is None else errors.append(err))
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

    return {"url": url, "via": via, "clients": clients, "seconds": round(wall, 1), "requests": len(lat) + len(errors), "ok": len(lat),
            "errors": len(errors), "error_examples": sorted(set(errors))[:5], "throughput_rps": len(lat) / wall,
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": max(lat) if lat else float("nan")}


def format_table(r: dict) -> str:
    rows = r if isinstance(r, list) else [r]
    out = "| via | clients | duration s | requests | errors | throughput req/s | p50 ms | p95 ms | p99 ms |\n" \
          "|---|---|---|---|---|---|---|---|---|\n"
    for x in rows:
        endpoint = "POST /api/v1/ask" if x.get("via") == "rest" else "Gradio /ask"
        out += (f"| {endpoint} | {x['clients']} | {x['seconds']} | {x['requests']} | {x['errors']} | {x['throughput_rps']:.1f} | "
                f"{x['p50_ms']:.0f} | {x['p95_ms']:.0f} | {x['p99_ms']:.0f} |\n")
    return out.rstrip("\n")


def main_loadtest(args) -> int:
    via = getattr(args, "via", "both")
    runs = [run_load(args.url, args.clients, args.seconds, args.max_requests, v)
            for v in (("gradio", "rest") if via == "both" else (via,))]
    print(format_table(runs))
    for r in runs:
        if r["error_examples"]:
            print(f"errors ({r['via']}):", "; ".join(r["error_examples"]))
    if any("429" in e for r in runs for e in r["error_examples"]):
        print("note: the app's per-client rate limit answered 429; start it with --rate-limit 0 for a load test")
    if args.out:
        Path(args.out).write_text(json.dumps(runs if len(runs) > 1 else runs[0], indent=2))
    return 0 if all(r["errors"] == 0 for r in runs) else 1
