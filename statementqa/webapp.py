"""The Gradio chat app, mountable in any FastAPI app.

* chat (Gradio 6 messages format): short answer with [n] markers tied to cited sentences,
  confidence in words (high / medium / low) with the number in a details line; an honest
  "the documents do not say" with related sentences when the reader abstains;
* source panel: the whole document with the cited sentences highlighted and the answer
  span marked inside them (related sentences get a different, labelled style);
* follow-ups through statementqa.followup; like/dislike feedback to a JSONL log;
* a named API endpoint ``/ask`` returning the same JSON as ``statementqa ask --json``;
* safety: every piece of user, model and document text is HTML-escaped before display,
  questions are length-checked, errors become messages (never tracebacks), the queue has a
  concurrency limit, nothing is fetched from outside (system fonts, no analytics, the web
  component's ``gradio.js`` served by the app itself).

``create_app`` returns a FastAPI app (CORS allow-list, /healthz, /gradio.js, the examples
folder) with the UI mounted at ``/``; ``serve`` runs it with uvicorn. ``build_ui`` alone is
the Blocks, for ``demo.launch()`` users.
"""

import logging
import os
import threading
import time
from pathlib import Path

import statementqa
from statementqa.feedback import FeedbackError, append_feedback
from statementqa.followup import Turn
from statementqa.render import CSS, documents_md, esc, format_answer_md, source_html
from statementqa.retrieval.errors import UserError
from statementqa.retrieval.offline import offline_environment
from statementqa.retrieval.paths import EXAMPLES_DIR, default_data_dir
from statementqa.retrieval.search import MAX_QUESTION_CHARS

log = logging.getLogger(__name__)
EXAMPLES = [
    "In which city did Nielsen meet the ministers?",
    "Who did Nielsen meet?",
    "What are the four areas of collaboration?",
    "When will the final agreement be completed?",
    "What did Nielsen say about children?",
    "How much money will the United States provide?",
]

def _handlers(pl, feedback_log: Path):
    """The UI's event handlers (chat turn, clear, like/dislike, the /ask API), bound to ``pl``."""
    import gradio as gr

    def respond(message, history, turns):
        history = list(history or [])
        turns = list(turns or [])
        message = message if isinstance(message, str) else ""
        shown = esc(message[:MAX_QUESTION_CHARS]) + ("…" if len(message) > MAX_QUESTION_CHARS else "")
        try:
            ans = pl.ask(message, history=[Turn(t["question"], t["answer"]) for t in turns[-1:]])
        except UserError as e:
            history += [{"role": "user", "content": shown or "(empty)"}, {"role": "assistant", "content": f"⚠️ {esc(str(e))}"}]
            return "", history, turns, gr.update()
        except Exception:  # noqa: BLE001 - never show a traceback to the user
            log.exception("question failed")
            history += [{"role": "user", "content": shown}, {"role": "assistant", "content": "⚠️ Sorry, something went wrong while answering. Please try again."}]
            return "", history, turns, gr.update()
        history += [{"role": "user", "content": shown}, {"role": "assistant", "content": format_answer_md(ans)}]
        turns.append({"question": message, "answer": ans.text, "abstained": ans.abstained, "confidence": ans.confidence,
                      "citations": [c.to_dict() for c in ans.citations]})
        return "", history, turns, source_html(pl.index, ans)

    def clear():
        return [], [], source_html(pl.index), ""

    def on_like(turns, data: gr.LikeData):
        idx = data.index if isinstance(data.index, int) else data.index[0]
        turn_no = idx // 2  # user/assistant message pairs
        turns = turns or []
        t = turns[turn_no] if 0 <= turn_no < len(turns) else {}
        try:
            append_feedback(feedback_log, {"liked": bool(data.liked), "question": t.get("question"), "answer": t.get("answer"),
                                           "abstained": t.get("abstained"), "citations": t.get("citations", [])})
            gr.Info("Thanks for the feedback.")
        except FeedbackError as e:
            gr.Warning(str(e))

    def ask_api(question: str, k: int = 3) -> dict:
        """Answer a question about the documents; returns the same JSON as `statementqa ask --json`."""
        try:
            return pl.ask(question, int(k)).to_dict()
        except UserError as e:
            raise gr.Error(str(e)) from None
        except Exception:  # noqa: BLE001
            log.exception("api question failed")
            raise gr.Error("internal error while answering; see the server log") from None

    return respond, clear, on_like, ask_api


def build_ui(pl, feedback_log: Path | None = None):
    offline_environment()
    import gradio as gr

    respond, clear, on_like, ask_api = _handlers(pl, Path(feedback_log or default_data_dir() / "feedback.jsonl"))
    with gr.Blocks(title="statementqa") as demo:
        gr.Markdown("## Ask the statement\nAnswers come with the sentences they were taken from. "
                    "If the documents do not say, the assistant says so.")
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=5):
                chat = gr.Chatbot(label="Chat", height=460, buttons=["copy", "copy_all"], elem_id="sq-chat",
                                  feedback_options=("Like", "Dislike"), sanitize_html=True, render_markdown=True)
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask a question about the statement…", show_label=False, scale=5,
                                     max_length=MAX_QUESTION_CHARS * 20, elem_id="sq-question", submit_btn=False)
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="sq-ask")
                with gr.Row():
                    clear_btn = gr.Button("Clear", elem_id="sq-clear", size="sm")
                gr.Examples(EXAMPLES, inputs=[box], label="Examples")
            with gr.Column(scale=4):
                src = gr.HTML(source_html(pl.index) if pl._index is not None else "<div class='sq-source'>Loading…</div>",
                              elem_id="sq-source-panel")
                with gr.Accordion("Documents this assistant knows", open=False):
                    docs_md = gr.Markdown(documents_md(pl) if pl._index is not None else "", elem_id="sq-documents")
        # Bring the first cited (or related) sentence into view in the source panel.
        scroll = "() => { const el = document.querySelector('#sq-source .cited, #sq-source .related'); if (el) el.scrollIntoView({block: 'center', behavior: 'auto'}); }"
        for ev in (send.click, box.submit):
            ev(respond, [box, chat, turns], [box, chat, turns, src], api_visibility="private").then(None, None, None, js=scroll)
        clear_btn.click(clear, None, [chat, turns, src, box], api_visibility="private")
        chat.like(on_like, [turns], None, api_visibility="private")
        gr.api(ask_api, api_name="ask")
        demo.load(lambda: (source_html(pl.index), documents_md(pl)), None, [src, docs_md], api_visibility="private")
    return demo


def theme():
    offline_environment()
    import gradio as gr

    # System fonts only: the default theme would ask a font CDN for its web fonts.
    return gr.themes.Default(font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                             font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"])


def _warm(pl, state: dict) -> None:
    """Load the models in the background so that the page is up at once; errors go to /healthz."""
    try:
        state["warm_s"] = round(pl.warm(), 2)
        log.info("models warm in %.1fs", state["warm_s"])
    except UserError as e:
        state["error"] = str(e)
        log.error("%s", e)
    except Exception as e:  # noqa: BLE001
        state["error"] = f"{e.__class__.__name__}: {e}"
        log.exception("warm-up failed")


def _watch(pl, refresh_every: float) -> None:
    """Pick up corpus edits: a changed file is re-read whole and the index swapped atomically."""
    while True:
        time.sleep(refresh_every)
        try:
            info = pl.maybe_refresh()
            if info and info.get("rebuilt"):
                log.warning("corpus changed: index rebuilt (%s)", info.get("reason"))
        except UserError as e:
            log.warning("corpus refresh skipped: %s (the previous index stays in use)", e)
        except Exception:  # noqa: BLE001
            log.exception("corpus refresh failed (the previous index stays in use)")


def create_app(pl, cors: list[str] | None = None, root_path: str = "", auth=None, feedback_log: Path | None = None,
               warm: bool = True, max_concurrency: int = 2, max_queue: int = 256, refresh_every: float = 10.0):
    offline_environment()
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import FileResponse, JSONResponse
    from fastapi.staticfiles import StaticFiles

    if max_concurrency > 1:
        import torch

        # Concurrent requests each get a share of the cores: oversubscribed OpenMP threads
        # wait on each other and make every request slower.
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // max_concurrency))
    from statementqa.rest import OPENAPI_URL

    app = FastAPI(title="statementqa", version=statementqa.__version__, docs_url=None, redoc_url=None, openapi_url=OPENAPI_URL)
    # Our allow-list replaces Gradio's own CORS handling (see gradio.mount_gradio_app).
    app.add_middleware(CORSMiddleware, allow_origins=list(cors or []), allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["*"], allow_credentials=False)
    state = {"warm_s": None, "error": None, "warming": warm}

    @app.get("/healthz")
    def healthz():
        return JSONResponse({"ok": state["error"] is None, "warm_s": state["warm_s"], "error": state["error"]})

    gradio_js = Path(gr.__file__).parent / "templates" / "frontend" / "gradio.js"

    @app.get("/gradio.js")
    def web_component():
        # The web component loader from the installed wheel (no CDN); it imports ./assets/* from this app.
        return FileResponse(gradio_js, media_type="text/javascript")

    from statementqa.rest import rest_router

    app.include_router(rest_router(pl, state, max_concurrency))
    if EXAMPLES_DIR.is_dir():
        app.mount("/examples", StaticFiles(directory=EXAMPLES_DIR, html=True), name="examples")

    if warm:
        threading.Thread(target=_warm, args=(pl, state), name="warm-up", daemon=True).start()
    if refresh_every:
        threading.Thread(target=_watch, args=(pl, refresh_every), name="corpus-watch", daemon=True).start()
    demo = build_ui(pl, feedback_log)
    demo.queue(default_concurrency_limit=max_concurrency, max_size=max_queue)
    gr.mount_gradio_app(app, demo, path="/", root_path=root_path or None, auth=auth, show_error=False,
                        theme=theme(), css=CSS, footer_links=["api"], ssr_mode=False, mcp_server=False)
    app.state.pipeline = pl
    app.state.health = state
    return app


def start_in_thread(app, host: str = "127.0.0.1", port: int = 0):
    """Run ``app`` with uvicorn in a daemon thread; returns (server, base_url). Stop with server.should_exit = True."""
    import socket

    import uvicorn

    if port == 0:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_keep_alive=30))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    deadline = time.time() + 60
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError("server did not start")
    return server, f"http://{host}:{port}/"


def serve(args) -> int:
    import uvicorn

    from statementqa.pipeline import pipeline_from_args as pipeline_from

    pl = pipeline_from(args)
    pl.index  # noqa: B018 - fail fast on a bad corpus, before the server starts
    pl.reader.load()  # fail fast on a bad --reader (clear error naming the path)
    auth = args.auth or os.environ.get("STATEMENTQA_AUTH")
    auth_t = None
    if auth:
        if ":" not in auth:
            raise UserError("--auth must be USER:PASSWORD")
        auth_t = tuple(auth.split(":", 1))
    cors = [o.strip() for o in (args.cors or "").split(",") if o.strip()]
    app = create_app(pl, cors=cors, root_path=args.root_path, auth=auth_t, feedback_log=args.feedback_log)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("listening on %s: reachable from other machines%s", args.host, "" if auth_t else " without a login (use --auth)")
    print(f"statementqa: http://{args.host}:{args.port}{args.root_path or ''}/  (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
