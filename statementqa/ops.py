"""Operating the app: Prometheus metrics, a per-client rate limit, a request-size limit and JSON
access logs, as one ASGI middleware and one metrics object per app.

* ``Metrics`` (prometheus-client, its own registry so that several apps in one process do not
  collide): per-stage latency histograms (load, retrieval, reading, assembly, total), questions by
  channel (ui, gradio_api, rest) and outcome (answered, maybe, abstained, refused, error, limited),
  feedback by kind, questions in flight, the chat queue's size, the index generation;
  ``/metrics`` serves them in the text exposition format;
* ``OpsMiddleware``: requests that ask a question (``POST /api/v1/ask``, the Gradio API and queue)
  are limited per client with a token bucket (``rate`` per minute, bursts up to ``burst``) and
  answered ``429`` with ``Retry-After`` beyond it; bodies larger than ``max_body`` bytes get
  ``413`` (by ``Content-Length``, and by counting when the body is streamed); every request
  becomes one JSON log line (method, path, status, ms, client) on the ``statementqa.access``
  logger; question text is logged only when ``log_questions`` is on.

It answers no question and renders no HTML.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from contextlib import contextmanager

access_log = logging.getLogger("statementqa.access")
QUESTION_PATHS = ("/api/v1/ask", "/gradio_api/call/", "/gradio_api/queue/join", "/gradio_api/run/")
STAGES = ("load", "retrieval", "reading", "assembly", "total")


class Metrics:
    def __init__(self):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        buckets = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
        self.stage = Histogram("statementqa_stage_seconds", "Time per pipeline stage of one question", ["stage"],
                               buckets=buckets, registry=self.registry)
        self.questions = Counter("statementqa_questions", "Questions by channel and outcome", ["channel", "outcome"],
                                 registry=self.registry)
        self.feedback_events = Counter("statementqa_feedback", "Feedback given in the app", ["kind"], registry=self.registry)
        self.in_flight = Gauge("statementqa_questions_in_flight",
                               "Questions being answered, or waiting for a reading slot (REST); the Gradio queue is "
                               "statementqa_ui_queue_size", registry=self.registry)
        self.ui_queue = Gauge("statementqa_ui_queue_size", "Events waiting in the chat's Gradio queue", registry=self.registry)
        self.generation = Gauge("statementqa_index_generation", "Index generations opened by this process (1 = the first)",
                                registry=self.registry)
        self.index_info = Gauge("statementqa_index_info", "The index in use (label: its content id)", ["generation_id"],
                                registry=self.registry)
        self.http = Counter("statementqa_http_responses", "HTTP responses by status class", ["status"], registry=self.registry)
        self._gen_id: str | None = None
        self._lock = threading.Lock()

    def observe(self, ans, channel: str) -> None:
        """Record one answered question: stage timings and its outcome."""
        for stage in STAGES:
            if stage in ans.timings_ms:
                self.stage.labels(stage).observe(ans.timings_ms[stage] / 1000.0)
        outcome = "answered" if not ans.abstained else "maybe" if ans.maybe is not None else "abstained"
        self.questions.labels(channel, outcome).inc()

    @contextmanager
    def track(self):
        """Count a question in flight while the block runs."""
        self.in_flight.inc()
        try:
            yield
        finally:
            self.in_flight.dec()

    def question(self, channel: str, outcome: str) -> None:
        self.questions.labels(channel, outcome).inc()

    def feedback(self, liked: bool) -> None:
        self.feedback_events.labels("like" if liked else "dislike").inc()

    def set_index(self, generation_id: str) -> None:
        with self._lock:
            if generation_id and generation_id != self._gen_id:
                if self._gen_id is not None:
                    self.index_info.remove(self._gen_id)
                self._gen_id = generation_id
                self.generation.inc()
                self.index_info.labels(generation_id).set(1)

    def exposition(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)


class TokenBucket:
    """Per-client token buckets: ``rate`` requests per minute on average, bursts up to ``burst``."""

    def __init__(self, rate_per_min: float, burst: int, max_clients: int = 10_000):
        self.rate = rate_per_min / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self._b: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """0.0 when allowed (a token is taken), else the seconds until the next token."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._b.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._b[client] = (tokens - 1.0, now)
                allowed = 0.0
            else:
                self._b[client] = (tokens, now)
                allowed = (1.0 - tokens) / self.rate if self.rate > 0 else 60.0
            if len(self._b) > self.max_clients:  # forget the idlest clients (full buckets)
                for k in sorted(self._b, key=lambda k: self._b[k][1])[: len(self._b) // 2]:
                    del self._b[k]
            return allowed


def _client(scope) -> str:
    c = scope.get("client")
    return str(c[0]) if c else "unknown"


class OpsMiddleware:
    """Pure ASGI middleware (streams pass through untouched): limits, metrics of responses, access log."""

    def __init__(self, app, metrics: Metrics | None = None, rate_per_min: float = 120, burst: int = 30,
                 max_body: int = 64 * 1024, log_questions: bool = False):
        self.app = app
        self.metrics = metrics
        self.bucket = TokenBucket(rate_per_min, burst) if rate_per_min > 0 else None
        self.max_body = max_body
        self.log_questions = log_questions

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        t0 = time.perf_counter()
        path = scope.get("path", "")
        method = scope.get("method", "")
        client = _client(scope)
        is_question = method == "POST" and path.startswith(QUESTION_PATHS)
        status = {"code": 0}
        question = {"text": None}

        async def send_wrapped(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        async def reply(code: int, body: dict, headers: list[tuple[bytes, bytes]] | None = None):
            data = json.dumps(body).encode()
            await send_wrapped({"type": "http.response.start", "status": code,
                                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                                            *(headers or [])]})
            await send_wrapped({"type": "http.response.body", "body": data})

        try:
            if is_question:
                length = dict(scope.get("headers") or []).get(b"content-length")
                if length is not None and length.isdigit() and int(length) > self.max_body:
                    return await reply(413, {"error": f"request body too large (limit {self.max_body} bytes)"})
                if self.bucket is not None:
                    wait = self.bucket.take(client)
                    if wait > 0:
                        if self.metrics is not None:
                            self.metrics.question("http", "limited")
                        return await reply(429, {"error": f"too many questions from this client; retry in {wait:.0f} s"},
                                           [(b"retry-after", str(max(1, round(wait))).encode())])
                seen = {"n": 0}
                buf: list[bytes] = []

                async def receive_limited():
                    message = await receive()
                    if message["type"] == "http.request":
                        body = message.get("body", b"")
                        seen["n"] += len(body)
                        if seen["n"] > self.max_body:
                            raise _TooLarge()
                        if self.log_questions and path == "/api/v1/ask":
                            buf.append(body)
                            if not message.get("more_body"):
                                try:
                                    question["text"] = json.loads(b"".join(buf)).get("question")
                                except (ValueError, AttributeError):
                                    pass
                    return message

                await self.app(scope, receive_limited, send_wrapped)
            else:
                await self.app(scope, receive, send_wrapped)
        except _TooLarge:
            if status["code"] == 0:
                await reply(413, {"error": f"request body too large (limit {self.max_body} bytes)"})
        finally:
            if self.metrics is not None and status["code"]:
                self.metrics.http.labels(f"{status['code'] // 100}xx").inc()
            rec = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "method": method, "path": path, "status": status["code"],
                   "ms": round((time.perf_counter() - t0) * 1000, 1), "client": client}
            if question["text"] is not None:
                rec["question"] = question["text"]
            access_log.info(json.dumps(rec, ensure_ascii=False))


class _TooLarge(Exception):
    pass
