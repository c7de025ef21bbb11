"""``statementqa eval --endpoint URL``: evaluate a running app through its REST API
(``POST /api/v1/ask``) instead of a local pipeline, e.g. the deployed app with its own corpus,
reader and settings. Answers come back as the same ``Answer`` values, so every metric is computed
the same way, except retrieval recall (the app does not return sentence texts of its passages) and
the best-threshold F1, which uses the returned answers only (the app does not return the reader's
candidate when it abstains). Follow-up questions send their previous turn as ``history``.
It loads no model.
"""
from __future__ import annotations

from types import SimpleNamespace

from statementqa.retrieval.errors import UserError
from statementqa.retrieval.types import Answer, Citation


class EndpointPipeline:
    remote = True

    def __init__(self, url: str, k: int = 3, timeout: float = 120.0):
        import httpx

        if not url.startswith(("http://", "https://")):
            raise UserError(f"--endpoint must be the app's address, e.g. http://127.0.0.1:7860 (got {url!r})")
        self.url = url.rstrip("/")
        self.settings = SimpleNamespace(k=k, reader=f"{self.url} (remote)", embedder=f"{self.url} (remote)", threshold=None)
        self.reader = SimpleNamespace(calibration={})
        self._client = httpx.Client(base_url=self.url, timeout=timeout)
        self._threshold: float | None = None

    def check(self) -> None:
        import httpx

        try:
            r = self._client.get("/readyz")
        except httpx.HTTPError as e:
            raise UserError(f"cannot reach the app at {self.url} ({e.__class__.__name__}); start it with `python app.py`") from None
        if r.status_code != 200:
            raise UserError(f"the app at {self.url} is not ready (GET /readyz: {r.status_code}); wait for its models to load")

    def threshold(self) -> float | None:
        return self._threshold

    def reader_version(self) -> str:
        return self.settings.reader

    def ask(self, question: str, k: int | None = None, history=None) -> Answer:
        body = {"question": question, "k": k or self.settings.k,
                "history": [{"question": t.question, "answer": t.answer} for t in (history or [])]}
        r = self._client.post("/api/v1/ask", json=body)
        if r.status_code == 400:
            raise UserError(r.json().get("error", "refused"))
        if r.status_code == 429:
            raise UserError(f"the app at {self.url} answered 429 (rate limit); start it with --rate-limit 0 for an evaluation")
        r.raise_for_status()
        d = r.json()
        span = d.get("span") or {}
        cite = [Citation(**c) for c in d.get("citations", [])]
        maybe = Citation(**d["may_answer"]) if d.get("may_answer") else None
        return Answer(d["question"], d["answer"], float(d["confidence"]), bool(d["abstained"]), cite,
                      [Citation(**c) for c in d.get("related", [])], span.get("doc_id"), span.get("start"), span.get("end"),
                      list(d.get("retrieved", [])), dict(d.get("timings_ms", {})), candidate=d["answer"], maybe=maybe,
                      language=d.get("language"))

