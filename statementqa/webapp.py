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

import contextlib
import json
import logging
import os
import re
import threading
import time
import uuid
from pathlib import Path

import statementqa
from statementqa.feedback import FeedbackError, append_feedback
from statementqa.followup import Turn
from statementqa.render import CSS, documents_md, esc, format_answer_md, permalink, source_html
from statementqa.retrieval.errors import UserError
from statementqa.retrieval.offline import offline_environment
from statementqa.retrieval.paths import EXAMPLES_DIR, default_data_dir
from statementqa.retrieval.search import MAX_QUESTION_CHARS

log = logging.getLogger(__name__)
APP_JS = Path(__file__).resolve().parent / "assets" / "app.js"
EMBED_JS = Path(__file__).resolve().parent / "assets" / "embed.js"
EXAMPLES = [
    "In which city did Nielsen meet the ministers?",
    "Who did Nielsen meet?",
    "What are the four areas of collaboration?",
    "When will the final agreement be completed?",
    "What did Nielsen say about children?",
    "How much money will the United States provide?",
]


WELCOME = ("**Ask a question about the statement.** Every answer comes with the sentences it was taken from, "
           "highlighted on the right; if the statement does not say, I say so. Try one of these:")
MAX_BODY_BYTES = 64 * 1024
# Why an answer was disliked (value stored in the feedback log, label shown).
FEEDBACK_REASONS = [("Wrong answer", "wrong_answer"), ("Wrong or missing sentence", "wrong_sentence"),
                    ("Should have said “not stated”", "should_abstain"), ("Should have answered", "should_answer")]
_PICKED = re.compile(r"^\s*\[?(?:([0-9a-f]{8,64})\s*)?#?\s*(\d+)\]?")


def pdf_page_view(pl, ans) -> str:
    """For an answer from a PDF: the page image with the cited sentence outlined and the answer marked."""
    import base64

    from statementqa.render import page_view_html
    from statementqa.retrieval.formats import render_pdf_page

    if ans is None or ans.abstained or not ans.citations or ans.doc_id is None:
        return ""
    doc = pl.index.docs.get(ans.doc_id)
    if doc is None or doc.meta.get("format") != "pdf" or not ans.citations[0].page:
        return ""
    root = pl.settings.corpus if pl.settings.corpus.is_dir() else pl.settings.corpus.parent
    try:
        page = ans.citations[0].page
        p0, p1 = doc.meta["pages"][page - 1]
        # Page-local ranges: the cited sentences on this page, then the answer span.
        ranges = [(max(c.start, p0) - p0, min(c.end, p1) - p0) for c in ans.citations if c.page == page]
        ranges.append((max(ans.start, p0) - p0, min(ans.end, p1) - p0))
        png, size, boxes = render_pdf_page((root / doc.path).read_bytes(), page - 1, ranges)
        uri = "data:image/png;base64," + base64.b64encode(png).decode()
        return page_view_html(uri, size, page, int(doc.meta.get("page_count") or len(doc.meta["pages"])),
                              [b for bs in boxes[:-1] for b in bs], boxes[-1], doc.title)
    except Exception:  # noqa: BLE001 - the text view below still shows the citation
        log.exception("could not render the PDF page")
        return ""


def _message_id() -> str:
    return uuid.uuid4().hex[:12]


def _handlers(pl, feedback_log: Path, metrics=None):
    """The UI's event handlers (chat turn, clear, like/dislike, restore, the /ask API), bound to ``pl``."""
    import gradio as gr

    def tracked():
        return metrics.track() if metrics is not None else contextlib.nullcontext()

    def respond(message, history, turns, within=None):
        """One chat turn. Returns (box, chat, turns, source panel, saved chat, answer info)."""
        history = list(history or [])
        turns = list(turns or [])
        message = message if isinstance(message, str) else ""
        if not message.strip():
            gr.Warning("Type a question first.")
            return message, gr.update(), turns, gr.update(), gr.update(), None
        shown = esc(message[:MAX_QUESTION_CHARS]) + ("…" if len(message) > MAX_QUESTION_CHARS else "")
        try:
            known = set(pl.index.docs)
            within = [d for d in (within or []) if d in known] or None
            with tracked():
                ans = pl.ask(message, history=[Turn(t["question"], t["answer"]) for t in turns[-1:]], docs=within)
        except UserError as e:
            # The question stays in the box so that it can be fixed; the chat shows why.
            gr.Warning(str(e))
            if metrics is not None:
                metrics.question("ui", "refused")
            return message, gr.update(), turns, gr.update(), gr.update(), None
        except Exception:  # noqa: BLE001 - never show a traceback to the user
            log.exception("question failed")
            if metrics is not None:
                metrics.question("ui", "error")
            gr.Warning("Sorry, something went wrong while answering. Please try again.")
            return message, gr.update(), turns, gr.update(), gr.update(), None
        if metrics is not None:
            metrics.observe(ans, "ui")
        history += [{"role": "user", "content": shown}, {"role": "assistant", "content": format_answer_md(ans, pl.titles())}]
        turn = {"id": _message_id(), "msg": len(history) - 1, "question": message, "answer": ans.text,
                "abstained": ans.abstained, "confidence": ans.confidence,
                "citations": [c.to_dict() for c in ans.citations],
                "may_answer": ans.maybe.to_dict() if ans.maybe is not None else None,
                "index_generation": pl.index_generation(),
                "reader": pl.reader_version()}
        turns.append(turn)
        info = {"id": turn["id"], "question": message, "answer": ans.text, "abstained": ans.abstained,
                "confidence": round(float(ans.confidence), 4), "citations": turn["citations"],
                "may_answer": turn["may_answer"]}
        return "", history, turns, source_html(pl.index, ans, page_view=pdf_page_view(pl, ans)), \
            {"history": history, "turns": turns}, info

    def ask_example(history, turns, within, evt: gr.SelectData):
        value = evt.value
        text = value.get("text", "") if isinstance(value, dict) else str(value or "")
        return respond(text, history, turns, within)

    def clear():
        """Clear everything a question leaves behind: messages, conversation state, highlight, saved chat."""
        return [], [], source_html(pl.index), "", {"history": [], "turns": []}

    def restore(saved, request: gr.Request):
        """Page load: the chat saved in this browser, the source panel, the documents list, compact mode."""
        saved = saved if isinstance(saved, dict) else {}
        history = saved.get("history") if isinstance(saved.get("history"), list) else []
        turns = saved.get("turns") if isinstance(saved.get("turns"), list) else []
        params = dict(request.query_params) if request is not None else {}
        compact = params.get("view") == "compact" or params.get("compact") in ("1", "true")
        # A sentence permalink (?doc=<doc_id>&s=<sentence index>) opens the panel at that sentence.
        doc, linked = params.get("doc"), params.get("s", "")
        if doc in pl.index.docs and linked.isdigit() and int(linked) < len(pl.index.all_sentences[doc]):
            panel = source_html(pl.index, doc_id=doc, linked=int(linked))
        else:
            panel = source_html(pl.index)
        return (history, turns, panel, documents_md(pl), gr.update(visible=not compact), gr.update(visible=compact))

    export_root = _export_root()

    def export(turns):
        """The conversation as Markdown and as JSON files (questions, answers, citations, confidence)."""
        return write_export(export_root, turns or [])

    closed = (gr.update(visible=False), None, gr.update(), gr.update(), gr.update(), gr.update())

    def on_like(turns, data: gr.LikeData):
        """Log the like/dislike; a dislike opens the form that asks why (returns the form's updates)."""
        idx = data.index if isinstance(data.index, int) else data.index[0]
        # Keyed by the message's own id (its position when it was added), never by counting pairs:
        # warnings, clears and restored chats cannot shift it onto another answer.
        t = next((t for t in (turns or []) if t.get("msg") == idx), None)
        if t is None:
            gr.Info("Only answers can be rated.")
            return closed
        try:
            append_feedback(feedback_log, {"liked": bool(data.liked), "message_id": t.get("id"), "question": t.get("question"),
                                           "answer": t.get("answer"), "abstained": t.get("abstained"),
                                           "confidence": t.get("confidence"), "citations": t.get("citations", []),
                                           "may_answer": t.get("may_answer"), "index_generation": t.get("index_generation"),
                                           "reader": t.get("reader")})
            if metrics is not None:
                metrics.feedback(bool(data.liked))
            gr.Info("Thanks for the feedback.")
        except FeedbackError as e:
            gr.Warning(str(e))
            return closed
        if data.liked:
            return closed
        shown = t.get("answer") or ("(not stated)" if t.get("abstained") else "")
        title = (f"**What was wrong with this answer?** You asked “{esc(str(t.get('question', ''))[:200])}”, "
                 f"the answer was “{esc(str(shown)[:200])}”. Pick a reason; click the right sentence in the source "
                 f"panel (or type its number); optionally copy the right answer from it.")
        return gr.update(visible=True), t.get("id"), gr.update(value=title), gr.update(value=None), gr.update(value=""), \
            gr.update(value="")

    def send_correction(target, reason, picked, right_answer, turns):
        """Store the structured feedback for a disliked answer: reason, the right sentence, the right span."""
        t = next((t for t in (turns or []) if t.get("id") == target), None)
        if t is None:
            gr.Warning("That answer is no longer in the chat.")
            return closed
        if reason not in {v for _, v in FEEDBACK_REASONS}:
            gr.Warning("Pick what went wrong first.")
            return (gr.update(),) * 6
        sentence = None
        m = _PICKED.match(picked or "")
        if m:
            doc_id = m.group(1) or (t["citations"][0]["doc_id"] if t.get("citations") else
                                    (t.get("may_answer") or {}).get("doc_id") or next(iter(pl.index.docs)))
            sents = pl.index.all_sentences.get(doc_id) or []
            i = int(m.group(2))
            if not 0 <= i < len(sents):
                gr.Warning(f"There is no sentence {i} in that document; click the sentence in the source panel.")
                return (gr.update(),) * 6
            sentence = {"doc_id": doc_id, "sentence_index": i, "text": sents[i].text}
        right = " ".join((right_answer or "").split())
        if right and sentence is not None and right not in sentence["text"]:
            gr.Warning("The right answer must be copied from the picked sentence.")
            return (gr.update(),) * 6
        if reason in ("wrong_answer", "should_answer") and sentence is None:
            gr.Warning("Click the sentence that answers the question (or type its number).")
            return (gr.update(),) * 6
        try:
            append_feedback(feedback_log, {"kind": "correction", "liked": False, "message_id": t.get("id"),
                                           "question": t.get("question"), "answer": t.get("answer"),
                                           "abstained": t.get("abstained"), "confidence": t.get("confidence"),
                                           "citations": t.get("citations", []), "reason": reason, "sentence": sentence,
                                           "correct_answer": right or None, "index_generation": t.get("index_generation"),
                                           "reader": t.get("reader")})
        except FeedbackError as e:
            gr.Warning(str(e))
            return (gr.update(),) * 6
        if metrics is not None:
            metrics.feedback_events.labels("correction").inc()
        gr.Info("Thanks — your correction is saved for review.")
        return closed

    def ask_api(question: str, k: int = 3) -> dict:
        """Answer a question about the documents; returns the same JSON as `statementqa ask --json`."""
        try:
            with tracked():
                ans = pl.ask(question, int(k))
        except UserError as e:
            if metrics is not None:
                metrics.question("gradio_api", "refused")
            raise gr.Error(str(e)) from None
        except Exception:  # noqa: BLE001
            log.exception("api question failed")
            if metrics is not None:
                metrics.question("gradio_api", "error")
            raise gr.Error("internal error while answering; see the server log") from None
        if metrics is not None:
            metrics.observe(ans, "gradio_api")
        return ans.to_dict()

    return respond, ask_example, clear, restore, on_like, send_correction, ask_api, export


EXPORT_KEEP_S = 600  # an export's files outlive the answer that made them by this long (Gradio copies them at once)


def _export_root() -> Path:
    """One folder per app for the conversation exports, removed when the process ends."""
    import atexit
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="statementqa-export-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def write_export(root: Path, turns: list[dict], keep_s: float = EXPORT_KEEP_S) -> tuple[str, str]:
    """Write the conversation as Markdown and JSON under ``root`` and return the two paths.

    Each conversation state gets its own subfolder named by a hash of both files' text, so the file names
    stay "statementqa-conversation.md/.json" for the user; subfolders older than ``keep_s`` are
    removed on each call (Gradio has copied them into its own cache by then), so a server that
    answers for weeks keeps a handful of files here, not one folder per answer."""
    import hashlib
    import shutil

    md = ["# statementqa conversation", ""]
    for t in turns:
        md += [f"**Q:** {t.get('question', '')}", ""]
        if t.get("abstained"):
            maybe = t.get("may_answer")
            md += ["**A:** not stated in the documents" + (f" (may answer: “{maybe['text']}”)" if maybe else ""), ""]
        else:
            md += [f"**A:** {' '.join(str(t.get('answer', '')).split())} (confidence {float(t.get('confidence') or 0):.2f})", ""]
            md += [f"> [{i}] {c['text']} (sentence {c['sentence_index'] + 1}" + (f", page {c['page']}" if c.get("page") else "")
                   + f"; {permalink(c['doc_id'], c['sentence_index'])})" for i, c in enumerate(t.get("citations", []), 1)]
            md.append("")
    keep = ("question", "answer", "abstained", "confidence", "citations", "may_answer", "id")
    body = json.dumps([{k: t.get(k) for k in keep} for t in turns], ensure_ascii=False, indent=2)
    text = "\n".join(md)
    now = time.time()
    for old in root.iterdir() if root.is_dir() else ():
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > keep_s:
                shutil.rmtree(old, ignore_errors=True)
    d = root / hashlib.sha256((text + "\0" + body).encode("utf-8")).hexdigest()[:16]
    d.mkdir(parents=True, exist_ok=True)
    os.utime(d)  # a conversation exported again is fresh again
    (d / "statementqa-conversation.md").write_text(text, encoding="utf-8")
    (d / "statementqa-conversation.json").write_text(body, encoding="utf-8")
    return str(d / "statementqa-conversation.md"), str(d / "statementqa-conversation.json")


def _upload_handlers(pl):
    import gradio as gr

    from statementqa.uploads import add_files, remove_document

    def choices():
        return [(f"{d['title']} ({d['path']})", d["doc_id"]) for d in pl.documents()]

    def on_upload(files, progress=gr.Progress()):
        items = []
        for f in files or []:
            path = Path(getattr(f, "name", f))
            items.append((path, path.name))
        try:
            msgs = add_files(pl, items, lambda frac, msg: progress(frac, desc=msg))
        except UserError as e:
            msgs = [f"✗ {e}"]
        return ("\n".join(f"- {esc(m)}" for m in msgs), documents_md(pl), gr.update(choices=choices(), value=None),
                source_html(pl.index), None)

    def on_remove(doc_id):
        if not doc_id:
            return "- pick a document to remove first", gr.update(), gr.update(), gr.update()
        try:
            msg = remove_document(pl, doc_id)
        except UserError as e:
            msg = f"✗ {e}"
        return f"- {esc(msg)}", documents_md(pl), gr.update(choices=choices(), value=None), source_html(pl.index)

    return choices, on_upload, on_remove


def build_ui(pl, feedback_log: Path | None = None, metrics=None, uploads: bool = False):
    offline_environment()
    import gradio as gr

    respond, ask_example, clear, restore, on_like, send_correction, ask_api, export = _handlers(
        pl, Path(feedback_log or default_data_dir() / "feedback.jsonl"), metrics)
    # Gradio's own copies of exports and uploads (uploads are copied into the corpus at once):
    # removed hourly once a day old, and all of them when the server stops.
    with gr.Blocks(title="statementqa", delete_cache=(3600, 86400)) as demo:
        gr.Markdown("# Ask the statement\nAnswers come with the sentences they were taken from. "
                    "If the documents do not say, the assistant says so.", elem_id="sq-header")
        open_full = gr.HTML('<a class="sq-link" href="./" target="_blank" rel="noopener">Open the full app with the source ↗</a>',
                            visible=False, elem_id="sq-open-full")
        turns = gr.State([])
        saved = gr.BrowserState({"history": [], "turns": []}, storage_key="statementqa-chat")
        info = gr.JSON(visible=False, elem_id="sq-last-answer")
        with gr.Row():
            with gr.Column(scale=5):
                chat = gr.Chatbot(label="Chat", height=460, buttons=["copy", "copy_all"], elem_id="sq-chat",
                                  feedback_options=("Like", "Dislike"), sanitize_html=True, render_markdown=True,
                                  placeholder=WELCOME, examples=[{"text": q} for q in EXAMPLES])
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask a question about the statement…", show_label=False, scale=5,
                                     max_length=MAX_QUESTION_CHARS, elem_id="sq-question", submit_btn=False,
                                     label="Your question")
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="sq-ask")
                within = gr.Dropdown(choices=[], multiselect=True, label="Ask within (empty: all documents)", elem_id="sq-within",
                                     visible=False)
                with gr.Row():
                    gr.HTML(f'<div id="sq-counter">0 / {MAX_QUESTION_CHARS} characters</div>')
                    clear_btn = gr.Button("Clear", elem_id="sq-clear", size="sm")
                with gr.Row():
                    export_md = gr.DownloadButton("Export Markdown", elem_id="sq-export-md", size="sm", value=None)
                    export_json = gr.DownloadButton("Export JSON", elem_id="sq-export-json", size="sm", value=None)
                fb_target = gr.State(None)
                with gr.Group(visible=False, elem_id="sq-fb") as fb_group:
                    fb_title = gr.Markdown(elem_id="sq-fb-title")
                    fb_reason = gr.Radio(FEEDBACK_REASONS, label="What went wrong?", elem_id="sq-fb-reason")
                    fb_sentence = gr.Textbox(label="The right sentence: click it in the source panel (or type its number)",
                                             elem_id="sq-fb-sentence", max_length=2000)
                    fb_answer = gr.Textbox(label="The right answer, copied from that sentence (optional)", elem_id="sq-fb-answer",
                                           max_length=500)
                    with gr.Row():
                        fb_send = gr.Button("Send correction", variant="primary", elem_id="sq-fb-send", size="sm")
                        fb_cancel = gr.Button("Cancel", elem_id="sq-fb-cancel", size="sm")
            with gr.Column(scale=4) as source_col:
                src = gr.HTML(source_html(pl.index) if pl._index is not None else "<div class='sq-source'>Loading…</div>",
                              elem_id="sq-source-panel")
                with gr.Accordion("Documents this assistant knows", open=uploads):
                    docs_md = gr.Markdown(documents_md(pl) if pl._index is not None else "", elem_id="sq-documents")
                    if uploads:
                        choices, on_upload, on_remove = _upload_handlers(pl)
                        up = gr.File(label="Add documents: drop .txt .md .html .pdf .docx files here (up to 50 MB each)",
                                     file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".docx"],
                                     elem_id="sq-upload")
                        up_status = gr.Markdown(elem_id="sq-upload-status")
                        with gr.Row():
                            rm_pick = gr.Dropdown(choices=choices() if pl._index is not None else [], label="Remove a document",
                                                  elem_id="sq-remove-pick", scale=4)
                            rm_btn = gr.Button("Remove", elem_id="sq-remove", size="sm", variant="stop", scale=1)
        outs = [box, chat, turns, src, saved, info]
        answered = "(x) => { if (window.sqAnswered) window.sqAnswered(x); }"
        for ev in (send.click, box.submit):
            ev(respond, [box, chat, turns, within], outs, api_visibility="private").then(None, [info], None, js=answered)
        chat.example_select(ask_example, [chat, turns, within], outs, api_visibility="private").then(None, [info], None, js=answered)
        turns.change(export, [turns], [export_md, export_json], api_visibility="private")
        for ev in (clear_btn.click, chat.clear):
            ev(clear, None, [chat, turns, src, box, saved], api_visibility="private").then(
                lambda: (gr.update(visible=False), None), None, [fb_group, fb_target], api_visibility="private")
        fb_outs = [fb_group, fb_target, fb_title, fb_reason, fb_sentence, fb_answer]
        chat.like(on_like, [turns], fb_outs, api_visibility="private")
        fb_send.click(send_correction, [fb_target, fb_reason, fb_sentence, fb_answer, turns], fb_outs, api_visibility="private")
        fb_cancel.click(lambda: (gr.update(visible=False), None, gr.update(), gr.update(), gr.update(), gr.update()),
                        None, fb_outs, api_visibility="private")
        gr.api(ask_api, api_name="ask")
        demo.load(restore, [saved], [chat, turns, src, docs_md, source_col, open_full], api_visibility="private")

        def within_choices():
            docs = pl.documents()
            return gr.update(choices=[(d["title"], d["doc_id"]) for d in docs], visible=len(docs) > 1)

        demo.load(within_choices, None, [within], api_visibility="private")
        if uploads:
            up.upload(on_upload, [up], [up_status, docs_md, rm_pick, src, up], api_visibility="private").then(
                within_choices, None, [within], api_visibility="private")
            rm_btn.click(on_remove, [rm_pick], [up_status, docs_md, rm_pick, src], api_visibility="private").then(
                within_choices, None, [within], api_visibility="private")
            demo.load(lambda: gr.update(choices=choices()), None, [rm_pick], api_visibility="private")
    return demo


def page_script(embed_origins: list[str] | None = None) -> str:
    """The page's script (statementqa/assets/app.js) as Gradio's on-load ``js`` function; events are
    posted only to host pages on ``embed_origins`` (the --cors list)."""
    return "() => { window.SQ_MAX_QUESTION_CHARS = %d; window.SQ_EMBED_ORIGINS = %s;\n%s\n}" % (
        MAX_QUESTION_CHARS, json.dumps(list(embed_origins or [])), APP_JS.read_text(encoding="utf-8"))


def theme():
    offline_environment()
    import gradio as gr

    # System fonts only: the default theme would ask a font CDN for its web fonts.
    # Primary colours with AA contrast for white text (the default orange gives 2.8:1), in light and dark.
    return gr.themes.Default(primary_hue="blue", font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                             font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"]).set(
        button_primary_background_fill="#1d4ed8", button_primary_background_fill_hover="#1e40af",
        button_primary_text_color="#ffffff", button_primary_background_fill_dark="#1d4ed8",
        button_primary_background_fill_hover_dark="#1e40af", button_primary_text_color_dark="#ffffff",
        input_border_color_focus="#1a56db", input_border_color_focus_dark="#9ec1ff")


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
               warm: bool = True, max_concurrency: int = 2, max_queue: int = 256, refresh_every: float = 10.0,
               rate_limit: float = 120, rate_burst: int = 30, max_body: int = MAX_BODY_BYTES, log_questions: bool = False,
               uploads: bool = False):
    """The app: chat UI at ``/``, ``/healthz``, ``/readyz``, ``/metrics``, ``POST /api/v1/ask``, ``/gradio.js`` and
    ``/embed.js`` for embedding, ``/examples``. ``rate_limit``: questions per minute per client (0 = off)."""
    offline_environment()
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import FileResponse, JSONResponse, Response
    from fastapi.staticfiles import StaticFiles

    from statementqa.ops import Metrics, OpsMiddleware

    if max_concurrency > 1 and pl.reader.threads is None:
        # Concurrent requests each get a share of the cores: oversubscribed threads wait on
        # each other and make every request slower.
        pl.reader.threads = max(1, (os.cpu_count() or 1) // max_concurrency)
    from statementqa.rest import OPENAPI_URL

    metrics = Metrics()
    app = FastAPI(title="statementqa", version=statementqa.__version__, docs_url=None, redoc_url=None, openapi_url=OPENAPI_URL)
    # Our allow-list replaces Gradio's own CORS handling (see gradio.mount_gradio_app).
    app.add_middleware(CORSMiddleware, allow_origins=list(cors or []), allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["*"], allow_credentials=False)
    # Outermost: limits and access log see every request, including refused ones.
    app.add_middleware(OpsMiddleware, metrics=metrics, rate_per_min=rate_limit, burst=rate_burst, max_body=max_body,
                       log_questions=log_questions)
    state = {"warm_s": None, "error": None, "warming": warm}

    @app.get("/healthz")
    def healthz():
        return JSONResponse({"ok": state["error"] is None, "warm_s": state["warm_s"], "error": state["error"]})

    @app.get("/metrics")
    def prometheus_metrics():
        if pl._index is not None:
            metrics.set_index(pl.index_generation())
        return Response(metrics.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8")

    gradio_js = Path(gr.__file__).parent / "templates" / "frontend" / "gradio.js"

    @app.get("/gradio.js")
    def web_component():
        # The web component loader from the installed wheel (no CDN); it imports ./assets/* from this app.
        return FileResponse(gradio_js, media_type="text/javascript")

    @app.get("/embed.js")
    def embed_loader():
        # A classic script (loads without CORS): puts the widget into the host page and, when this app
        # does not allow the host's origin, shows why inside the widget's box instead of a blank one.
        return FileResponse(EMBED_JS, media_type="text/javascript")

    from statementqa.rest import rest_router

    app.include_router(rest_router(pl, state, max_concurrency, metrics))
    if EXAMPLES_DIR.is_dir():
        app.mount("/examples", StaticFiles(directory=EXAMPLES_DIR, html=True), name="examples")

    if warm:
        threading.Thread(target=_warm, args=(pl, state), name="warm-up", daemon=True).start()
    if refresh_every:
        threading.Thread(target=_watch, args=(pl, refresh_every), name="corpus-watch", daemon=True).start()
    demo = build_ui(pl, feedback_log, metrics, uploads=uploads)
    demo.queue(default_concurrency_limit=max_concurrency, max_size=max_queue)
    metrics.ui_queue.set_function(lambda: float(len(demo._queue)))
    gr.mount_gradio_app(app, demo, path="/", root_path=root_path or None, auth=auth, show_error=False,
                        theme=theme(), css=CSS, js=page_script(cors), footer_links=["api"], ssr_mode=False, mcp_server=False,
                        max_file_size="50mb")
    app.state.pipeline = pl
    app.state.health = state
    app.state.metrics = metrics
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
    pl.reader.warm_up()  # fail fast on a bad --reader (clear error naming the path)
    auth = args.auth or os.environ.get("STATEMENTQA_AUTH")
    auth_t = None
    if auth:
        if ":" not in auth:
            raise UserError("--auth must be USER:PASSWORD")
        auth_t = tuple(auth.split(":", 1))
    cors = [o.strip() for o in (args.cors or "").split(",") if o.strip()]
    rate = getattr(args, "rate_limit", 120)
    burst = getattr(args, "rate_burst", 30)
    if rate < 0 or burst < 1:
        raise UserError("--rate-limit must be 0 (off) or more and --rate-burst at least 1")
    access = logging.getLogger("statementqa.access")
    access.propagate = False
    if getattr(args, "access_log", "on") == "on":
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
    app = create_app(pl, cors=cors, root_path=args.root_path, auth=auth_t, feedback_log=args.feedback_log,
                     rate_limit=rate, rate_burst=burst, log_questions=getattr(args, "log_questions", False),
                     uploads=getattr(args, "uploads", False))
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("listening on %s: reachable from other machines%s", args.host, "" if auth_t else " without a login (use --auth)")
    print(f"statementqa: http://{args.host}:{args.port}{args.root_path or ''}/  (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
