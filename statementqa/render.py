"""HTML and Markdown rendering for the chat app: the answer with [n] citation links and confidence
in words, the middle ground ("not sure - this sentence may answer it"), the language hint, the
source panel (whole document, cited sentences highlighted, the answer marked, related and "may
answer" sentences styled apart, an anchor per sentence, a link to the original) and the documents
list. Every piece of user, model and document text is
escaped here (tested: lossless, no ``<``/``>`` left). Pure functions of their inputs: no Gradio,
no model, no I/O.
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from statementqa.reader.listpick import INTRODUCES_LIST
from statementqa.reader.questionform import question_form
from statementqa.retrieval.segment import LIST_MARKER  # the markers segmentation takes items by

# Styles of the source panel (cited, answer, related, "may answer", boilerplate), the legend and the
# chat's citation links. Highlights carry their own dark text, so they keep their contrast in dark
# mode too (measured in the browser tests); the primary button and links use AA contrast colours.
# One selector per ``.dark`` rule: Gradio scopes custom CSS and keeps ``.dark`` in front only for
# the first selector of a list.
CSS = """
.sq-source { white-space: pre-wrap; line-height: 1.55; font-size: 0.95rem; max-height: 70vh; overflow-y: auto;
             padding: 0.75rem; border: 1px solid var(--border-color-primary); border-radius: 8px; }
.sq-source:focus-visible, .sq-cite:focus-visible, .sq-link:focus-visible { outline: 3px solid #1a56db; outline-offset: 2px; }
.sq-source .cited { background: #fff3b0; color: #1f1f1f; border-radius: 3px; }
.sq-source .cited sup { color: #5c4700; font-weight: 600; }
.sq-source mark.answer, .sq-legend mark.answer { background: #ffd54a; color: #1f1f1f; font-weight: 600; padding: 0 1px; }
.sq-source .related, .sq-legend .related { background: #e3ecff; color: #1f1f1f; border-bottom: 1px dashed #3b5bb5; }
.sq-source .maybe, .sq-legend .maybe { background: #dff5e1; color: #1f1f1f; border-bottom: 2px dotted #2e7d32; }
.sq-legend .cited { background: #fff3b0; color: #1f1f1f; }
.sq-source .boilerplate { color: var(--body-text-color); opacity: 0.85; font-style: italic; }
.sq-source .sq-flash { outline: 3px solid #1a56db; transition: outline-color 1.2s; }
.sq-source .linked { background: #e3ecff; color: #1f1f1f; outline: 2px solid #1a47b8; }
.sq-source .sq-picked { outline: 3px dashed #b3261e; }
body:has(#sq-fb:not([style*="display: none"])) .sq-source .sent { cursor: pointer; }
.sq-legend { font-size: 0.85rem; color: var(--body-text-color); }
.sq-doc h2 { font-size: 1.05rem; margin: 0 0 0.25rem 0; }
a.sq-cite, #sq-chat a.sq-cite { font-weight: 600; text-decoration: underline; color: #1a47b8; padding: 0 2px; }
a.sq-link { color: #1a47b8; }
.dark #sq-chat a.sq-cite { color: #9ec1ff; }
.dark a.sq-cite { color: #9ec1ff; }
.dark a.sq-link { color: #9ec1ff; }
.sq-page { margin: 0 0 0.5rem 0; } .sq-page-img { position: relative; max-width: 100%; border: 1px solid var(--border-color-primary); }
.sq-page-img img { display: block; width: 100%; height: auto; }
.sq-box-sentence { position: absolute; outline: 2px solid #b3261e; background: rgba(255, 243, 176, 0.35); }
.sq-box-answer { position: absolute; background: rgba(255, 213, 74, 0.55); }
.sq-page figcaption { font-size: 0.8rem; color: var(--body-text-color); }
#sq-counter { font-size: 0.8rem; color: var(--body-text-color); text-align: right; }
#sq-counter.over { color: #b3261e; font-weight: 600; }
#sq-chat button, #sq-chat .icon-button { min-width: 24px; min-height: 24px; }
footer a, footer button, .show-api { color: var(--body-text-color) !important; opacity: 1 !important; }
"""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")
_YES_NO = re.compile(r"^\s*(is|are|was|were|do|does|did|will|would|can|could|has|have|had|should|must|may|shall|whether)\b", re.I)


def esc(text: str) -> str:
    """Escape for the chat's Markdown renderer: HTML entities first, then Markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def is_yes_no(question: str) -> bool:
    """A question answered by yes or no ("Did Nielsen meet ...?"): an extractive reader can only show
    the sentence that decides it."""
    return bool(_YES_NO.match(question_form(question)))  # "Can you tell me where ...?" is no yes/no question


def confidence_words(c: float) -> str:
    return "high" if c >= 0.75 else "medium" if c >= 0.5 else "low"


def sentence_anchor(doc_id: str, idx: int) -> str:
    """The id of a sentence's element in the source panel (the target of citation links)."""
    return f"sq-s-{doc_id}-{idx}"


def cite_link(n: int | str, c) -> str:
    """A focusable citation link: the app's script scrolls the source panel (not the page) to the
    sentence and flashes it; without the script it is a plain in-page anchor."""
    return (f'<a class="sq-cite" href="#{sentence_anchor(c.doc_id, c.sentence_index)}" data-doc="{html.escape(c.doc_id)}" '
            f'data-idx="{c.sentence_index}" title="sentence {c.sentence_index + 1}">[{n}]</a>')


def permalink(doc_id: str, idx: int) -> str:
    """A stable, shareable link to a sentence (relative to the app's page): opens the source panel there."""
    return f"?doc={doc_id}&s={idx}"


def _links(c) -> str:
    href = html.escape(permalink(c.doc_id, c.sentence_index))
    return (f' · <a class="sq-permalink" href="{href}" target="_blank" rel="noopener" title="permalink to this sentence">link</a>'
            f' · <a class="sq-copycite" href="{href}" title="copy the quote with title, publisher, date and link">copy citation</a>')


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def phrases(question: str, words: Sequence[str]) -> list[str]:
    """``words`` of ``question`` (names it lacks), those standing next to each other in the question
    joined into one phrase: "Hollow", "Bay" -> "Hollow Bay"."""
    out: list[str] = []
    end = -1
    for w in words:
        i = question.find(w, max(end, 0))
        if out and i >= 0 and end >= 0 and question[end:i].strip() == "":
            out[-1] += question[end:i] + w
        else:
            out.append(w)
        end = i + len(w) if i >= 0 else -1
    return out


def undecided(ans) -> tuple[str, ...]:
    """For an answered yes/no question: its names and numbers that the cited sentences do not mention
    ("Did the mayors sign the Letter of Intent in Hollow Bay?" citing a sentence without "Hollow
    Bay"): then the sentence cannot decide it, only come close (``reader.names``)."""
    from statementqa.reader.names import unknown_names

    if ans.abstained or not ans.citations or not is_yes_no(ans.question):
        return ()
    return unknown_names(ans.interpreted_as or ans.question, " ".join(c.text for c in ans.citations))


DECIDES = "This sentence decides it"


def yes_no_verdict(ans) -> str:
    """What the cited sentence does for an answered yes/no question: "This sentence decides it", or
    "This sentence comes closest, but it does not mention “Mexico”" (``undecided``); shared by the
    chat and the command line."""
    missing = undecided(ans)
    if not missing:
        return DECIDES
    named = _and(f"“{n}”" for n in phrases(ans.interpreted_as or ans.question, missing))
    return f"This sentence comes closest, but it does not mention {named}"


def headline(ans) -> str:
    """The first line of an answer in plain words (shared by the chat and the command line)."""
    if ans.abstained and ans.language:
        return (f"I can only read questions in English (this looks like {ans.language}). "
                "Please ask again in English.")
    if ans.abstained and ans.not_mentioned:
        names = _and(f"“{n}”" for n in phrases(ans.interpreted_as or ans.question, ans.not_mentioned))
        if ans.not_mentioned_in:
            return f"Not answered: “{ans.not_mentioned_in}”, where the answer was found, does not mention {names}."
        return f"The documents do not mention {names}."
    if ans.abstained and ans.how:  # why, in words ("Secretary Nielsen is quoted, but not about ...": reader.saidabout)
        return ans.how + "."
    if ans.abstained and ans.maybe is not None:
        return "Not sure — this sentence may " + ("decide it:" if is_yes_no(ans.question) else "answer it:")
    if ans.abstained:
        return "The documents do not say."
    if is_yes_no(ans.question):
        return yes_no_verdict(ans) + ":"
    if ans.how in ("whole list", INTRODUCES_LIST):  # the items, without their markers, one after another
        lines = [" ".join(LIST_MARKER.sub("", ln).split()) for ln in ans.text.splitlines() if ln.strip()]
        if ans.how == INTRODUCES_LIST and len(lines) > 1:  # "in three places: Family doctors' practices; ..."
            return lines[0] + " " + "; ".join(lines[1:])
        return "; ".join(lines)
    return " ".join(ans.text.split())  # a span from a wrapped PDF line may hold double spaces



# How an answer not taken from the reader's span was found (``Answer.how`` = ``listpick.Pick.label``).
_HOW = {"list item (by words)": "the one list item with the question's words",
        "list item (by meaning)": "the list item closest in meaning to the question",
        "list item (by ordinal)": "the list item at the position asked for",
        "whole list": "the whole list the question asks for",
        INTRODUCES_LIST: "the answer leads into a list: its items follow it"}


def how_words(ans) -> str:
    """How the answer was found, in words, when not by the reader's span ("" otherwise)."""
    return _HOW.get(ans.how, ans.how)


def document_of(c, titles: Mapping[str, str] | None) -> str:
    """The title of citation ``c``'s document when ``titles`` has it (the corpus holds several), else ""."""
    return titles.get(c.doc_id, "") if titles else ""


def format_answer_md(ans, titles: Mapping[str, str] | None = None) -> str:
    """The chat message: answer (or the middle ground, or abstention) with linked citations;
    ``titles`` (document id → title, given when the corpus holds several documents): each cited
    sentence also names its document."""
    if ans.abstained:
        if ans.language:
            return f"**{esc(headline(ans))}**"
        # a question read otherwise than typed (typing mistakes corrected, a follow-up rewritten) says so
        read = ["", f"(Read as “{esc(ans.interpreted_as)}”.)"] if ans.interpreted_as else []
        if ans.maybe is not None:
            return "\n".join([f"**{esc(headline(ans))}**", "",
                              f"> {esc(ans.maybe.text)} {cite_link('sentence ' + str(ans.maybe.sentence_index + 1), ans.maybe)}"
                              + (f" _({esc(document_of(ans.maybe, titles))})_" if document_of(ans.maybe, titles) else ""), "",
                              f"The reader found a possible answer in this sentence but is not confident "
                              f"(confidence {ans.confidence:.2f}); read it to decide."] + read)
        tail = "So no sentence here can answer this question." if ans.not_mentioned else \
            ("I found no answer to this in the documents." if titles else "I found no answer to this in the statement.")
        lines = [f"**{esc(headline(ans))}** {tail}"]
        if ans.related:
            lines += ["", "Related, but not an answer:"]
            lines += [f"- {esc(c.text)}" + (f" _({esc(document_of(c, titles))})_" if document_of(c, titles) else "")
                      for c in ans.related]
        return "\n".join(lines + read)
    marks = " ".join(cite_link(i, c) for i, c in enumerate(ans.citations, 1))
    first = f"**{esc(headline(ans))}** {marks}"
    if is_yes_no(ans.question):
        first += f" (the answer it points to: “{esc(' '.join(ans.text.split()))}”)"
    lines = [first, "",
             f"Confidence: **{confidence_words(ans.confidence)}** ({ans.confidence:.2f})"
             + (f" · read as “{esc(ans.interpreted_as)}”" if ans.interpreted_as else "")
             + (f" · {esc(how_words(ans))}" if how_words(ans) else ""), ""]
    lines += [f"{cite_link(i, c)} {esc(c.text)} _({esc(document_of(c, titles)) + ', ' if document_of(c, titles) else ''}"
              f"sentence {c.sentence_index + 1}" + (f", page {c.page}" if c.page else "") + f")_{_links(c)}"
              for i, c in enumerate(ans.citations, 1)]
    return "\n".join(lines)


def source_html(index, ans=None, doc_id: str | None = None, page_view: str = "", linked: int | None = None) -> str:
    """The document as HTML with cited sentences highlighted, the answer span marked, related and
    "may answer" sentences styled apart; every sentence has an anchor (``sentence_anchor``). All
    text is escaped."""
    if doc_id is None:
        doc_id = (ans.doc_id if ans is not None and ans.doc_id else None) or \
                 (ans.maybe.doc_id if ans is not None and ans.maybe is not None else None) or \
                 (ans.related[0].doc_id if ans is not None and ans.related else None) or next(iter(index.docs))
    doc = index.docs[doc_id]
    text = doc.text
    cited = {c.sentence_index: n for n, c in enumerate(ans.citations, 1) if c.doc_id == doc_id} if ans else {}
    maybe = ans.maybe.sentence_index if ans is not None and ans.maybe is not None and ans.maybe.doc_id == doc_id else None
    related = {c.sentence_index for c in ans.related if c.doc_id == doc_id} if ans and maybe is None else set()
    a0, a1 = (ans.start, ans.end) if ans is not None and not ans.abstained and ans.doc_id == doc_id else (-1, -1)
    out, pos = [], 0
    for s in index.all_sentences[doc_id]:
        out.append(html.escape(text[pos : s.start]))
        cls = ("cited" if s.idx in cited else "maybe" if s.idx == maybe else "related" if s.idx in related
               else "linked" if s.idx == linked else "boilerplate" if s.boilerplate else "")
        inner = s.text
        if cls == "cited" and a0 < s.end and s.start < a1:
            x, y = max(a0, s.start) - s.start, min(a1, s.end) - s.start
            body = html.escape(inner[:x]) + '<mark class="answer">' + html.escape(inner[x:y]) + "</mark>" + html.escape(inner[y:])
        else:
            body = html.escape(inner)
        sup = f"<sup>[{cited[s.idx]}]</sup>" if s.idx in cited else ""
        out.append(f'<span class="sent{" " + cls if cls else ""}" id="{sentence_anchor(doc_id, s.idx)}" data-idx="{s.idx}">{body}{sup}</span>')
        pos = s.end
    out.append(html.escape(text[pos:]))
    title = html.escape(doc.title)
    meta = " · ".join(html.escape(str(doc.meta[k])) for k in ("publisher", "date") if doc.meta.get(k))
    url = str(doc.meta.get("url") or "")
    if url.startswith(("https://", "http://")):
        meta += (" · " if meta else "") + (f'<a class="sq-link" href="{html.escape(url, quote=True)}" target="_blank" '
                                           f'rel="noopener noreferrer">original source ↗</a>')
    legend = ('<span class="cited">cited sentence</span> <mark class="answer">answer</mark>' if cited else
              '<span class="maybe">may answer (not sure)</span>' if maybe is not None else
              '<span class="related">related sentence (not an answer)</span>' if related else "")
    pages = doc.meta.get("page_count")
    if pages:
        meta += f" · PDF, {int(pages)} pages"
    return (f'<div class="sq-doc"><h2>{title}</h2><div class="sq-legend">{meta}{" · " if meta and legend else ""}{legend}</div>'
            f'{page_view}<div class="sq-source" id="sq-source" tabindex="0" role="region" aria-label="Source document: {title}">'
            f'{"".join(out)}</div></div>')


def page_view_html(png_uri: str, size: tuple[int, int], page: int, pages: int, sentence_boxes: list, answer_boxes: list,
                   label: str) -> str:
    """A PDF page image (rendered locally) with the cited sentence outlined and the answer marked;
    boxes are (left, top, right, bottom) in image pixels."""
    w, h = size

    def boxes(bs, cls):
        return "".join(f'<div class="{cls}" style="left:{100 * b[0] / w:.2f}%;top:{100 * b[1] / h:.2f}%;'
                       f'width:{100 * (b[2] - b[0]) / w:.2f}%;height:{100 * (b[3] - b[1]) / h:.2f}%"></div>' for b in bs)

    return (f'<figure class="sq-page" aria-label="{html.escape(label)}"><div class="sq-page-img">'
            f'<img src="{png_uri}" alt="page {page} of {pages} of the PDF, {html.escape(label)}" width="{w}" height="{h}">'
            f'{boxes(sentence_boxes, "sq-box-sentence")}{boxes(answer_boxes, "sq-box-answer")}</div>'
            f'<figcaption>page {page} of {pages}: the cited sentence outlined, the answer marked</figcaption></figure>')


def documents_md(pl) -> str:
    rows = ["| document | format | pages | sentences | publisher | date |", "|---|---|---|---|---|---|"]
    for d in pl.documents():
        rows.append(f"| {esc(d['title'])} | {esc(str(d.get('format', '')))} | {d.get('pages', '–')} | {d.get('sentences', '')} | "
                    f"{esc(str(d.get('publisher', '')))} | {esc(str(d.get('date', '')))} |")
    return "\n".join(rows)
