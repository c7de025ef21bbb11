"""The versioned REST API beside the chat UI, for the internal page and scripts:

* ``POST /api/v1/ask`` with ``{"question": "...", "k": 3}`` returns the same JSON as
  ``statementqa ask --json`` (and the Gradio ``/ask`` endpoint); a question the pipeline refuses
  (empty, too long) is ``400 {"error": "<one line>"}``, a body that does not match the schema is
  FastAPI's ``422``; at most ``max_concurrency`` questions are read at once (others wait);
* ``GET /readyz``: ``200`` once the models and the index are loaded, ``503`` before (``/healthz``
  stays "the process is up");
* outcomes and stage timings go to the app's Prometheus metrics (``statementqa.ops``); size and
  rate limits are the middleware's (413, 429);
* the OpenAPI schema of these routes at ``/api/v1/openapi.json`` (no Swagger UI: it would load
  from a CDN).

It renders no HTML and holds no model; the pipeline does the work.
"""
from __future__ import annotations

import contextlib
import logging
import threading

from pydantic import BaseModel, Field

from statementqa.followup import Turn as FollowupTurn
from statementqa.retrieval.errors import UserError
from statementqa.retrieval.search import MAX_QUESTION_CHARS
from statementqa.settings import MAX_K

log = logging.getLogger(__name__)
OPENAPI_URL = "/api/v1/openapi.json"


class Turn(BaseModel):
    question: str = Field(..., max_length=MAX_QUESTION_CHARS * 4)
    answer: str = Field("", max_length=MAX_QUESTION_CHARS * 4)


class AskRequest(BaseModel):
    question: str = Field(..., description="the question, in English", max_length=MAX_QUESTION_CHARS * 4)
    k: int = Field(3, ge=1, le=MAX_K, description="passages given to the reader")
    docs: list[str] = Field(default_factory=list, max_length=1000,
                            description="document ids to search within (empty: all documents)")
    history: list[Turn] = Field(default_factory=list, max_length=20,
                                description="earlier turns, oldest first, for a follow-up question (the last one is used)")


def is_ready(pl, state: dict) -> bool:
    """Models warmed (or, without warm-up, the index opened) and no load error."""
    if state.get("error"):
        return False
    return state.get("warm_s") is not None or (not state.get("warming") and pl._index is not None)


def rest_router(pl, state: dict, max_concurrency: int = 2, metrics=None):
    from fastapi import APIRouter
    from fastapi.responses import JSONResponse

    router = APIRouter()
    slots = threading.BoundedSemaphore(max(1, max_concurrency))

    @router.get("/readyz", summary="200 once models and index are loaded, else 503")
    def readyz():
        ready = is_ready(pl, state)
        body = {"ready": ready, "warm_s": state.get("warm_s"), "error": state.get("error")}
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get("/api/v1/documents", summary="The documents the assistant knows (ids for the `docs` filter of /api/v1/ask)")
    def documents():
        return {"documents": pl.documents()}

    @router.post("/api/v1/ask", summary="Answer a question with cited sentences (same JSON as `statementqa ask --json`)")
    def ask(req: AskRequest):
        with metrics.track() if metrics is not None else contextlib.nullcontext(), slots:
            try:
                hist = [FollowupTurn(t.question, t.answer) for t in req.history] or None
                ans = pl.ask(req.question, req.k, history=hist, docs=req.docs or None)
            except UserError as e:
                if metrics is not None:
                    metrics.question("rest", "refused")
                return JSONResponse({"error": str(e)}, status_code=400)
            except Exception:  # noqa: BLE001 - never a traceback to the client
                log.exception("api/v1 question failed")
                if metrics is not None:
                    metrics.question("rest", "error")
                return JSONResponse({"error": "internal error while answering; see the server log"}, status_code=500)
            if metrics is not None:
                metrics.observe(ans, "rest")
            return ans.to_dict()

    return router
