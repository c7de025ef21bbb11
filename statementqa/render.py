"""HTML and Markdown rendering for the chat app: the answer with [n] markers and confidence in
words, the source panel (whole document, cited sentences highlighted, the answer marked, related
sentences styled apart) and the documents list. Every piece of user, model and document text is
escaped here (tested: lossless, no ``<``/``>`` left). Pure functions of their inputs: no Gradio,
no model, no I/O.
"""
from __future__ import annotations

import html
import re

# Styles of the source panel (cited, answer, related, boilerplate) and the legend.
CSS = """
.sq-source { white-space: pre-wrap; line-height: 1.55; font-size: 0.95rem; max-height: 70vh; overflow-y: auto;
             padding: 0.75rem; border: 1px solid var(--border-color-primary); border-radius: 8px; }
.sq-source .cited { background: #fff3b0; border-radius: 3px; }
.sq-source .cited sup { color: #8a6d00; font-weight: 600; }
.sq-source mark.answer { background: #ffd54a; font-weight: 600; padding: 0 1px; }
.sq-source .related { background: #e3ecff; border-bottom: 1px dashed #5b7bd5; }
.sq-source .boilerplate { color: #888; }
.sq-legend { font-size: 0.85rem; color: var(--body-text-color-subdued); }
"""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def esc(text: str) -> str:
    """Escape for the chat's Markdown renderer: HTML entities first, then Markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def confidence_words(c: float) -> str:
    return "high" if c >= 0.75 else "medium" if c >= 0.5 else "low"


def format_answer_md(ans) -> str:
    if ans.abstained:
        lines = ["**The documents do not say.** I found no answer to this in the statement."]
        if ans.related:
            lines.append("")
            lines.append("Related, but not an answer:")
            lines += [f"- {esc(c.text)}" for c in ans.related]
        return "\n".join(lines)
    marks = "".join(f"\\[{i}\\]" for i in range(1, len(ans.citations) + 1))
    lines = [f"**{esc(ans.text)}** {marks}", "",
             f"Confidence: **{confidence_words(ans.confidence)}** ({ans.confidence:.2f})"
             + (f" · read as “{esc(ans.interpreted_as)}”" if ans.interpreted_as else ""), ""]
    lines += [f"\\[{i}\\] {esc(c.text)} _(sentence {c.sentence_index + 1})_" for i, c in enumerate(ans.citations, 1)]
    return "\n".join(lines)


def source_html(index, ans=None, doc_id: str | None = None) -> str:
    """The document as HTML with cited sentences highlighted and the answer span marked (all text escaped)."""
    if doc_id is None:
        doc_id = (ans.doc_id if ans is not None and ans.doc_id else None) or \
                 (ans.related[0].doc_id if ans is not None and ans.related else None) or next(iter(index.docs))
    doc = index.docs[doc_id]
    text = doc.text
    cited = {c.sentence_index: n for n, c in enumerate(ans.citations, 1) if c.doc_id == doc_id} if ans else {}
    related = {c.sentence_index for c in ans.related if c.doc_id == doc_id} if ans else set()
    a0, a1 = (ans.start, ans.end) if ans is not None and not ans.abstained and ans.doc_id == doc_id else (-1, -1)
    out, pos = [], 0
    for s in index.all_sentences[doc_id]:
        out.append(html.escape(text[pos : s.start]))
        cls = "cited" if s.idx in cited else "related" if s.idx in related else "boilerplate" if s.boilerplate else ""
        inner = s.text
        if cls == "cited" and a0 < s.end and s.start < a1:
            x, y = max(a0, s.start) - s.start, min(a1, s.end) - s.start
            body = html.escape(inner[:x]) + '<mark class="answer">' + html.escape(inner[x:y]) + "</mark>" + html.escape(inner[y:])
        else:
            body = html.escape(inner)
        sup = f"<sup>[{cited[s.idx]}]</sup>" if s.idx in cited else ""
        out.append(f'<span class="sent {cls}" data-idx="{s.idx}">{body}{sup}</span>' if cls else f'<span class="sent" data-idx="{s.idx}">{body}</span>')
        pos = s.end
    out.append(html.escape(text[pos:]))
    title = html.escape(doc.title)
    meta = " · ".join(html.escape(str(doc.meta[k])) for k in ("publisher", "date") if doc.meta.get(k))
    legend = ('<span class="cited">cited sentence</span> <mark class="answer">answer</mark>' if cited else
              '<span class="related">related sentence (not an answer)</span>' if related else "")
    return (f'<div class="sq-doc"><h3>{title}</h3><div class="sq-legend">{meta}{" · " if meta and legend else ""}{legend}</div>'
            f'<div class="sq-source" id="sq-source">{"".join(out)}</div></div>')


def documents_md(pl) -> str:
    rows = ["| document | publisher | date | characters |", "|---|---|---|---|"]
    for d in pl.documents():
        rows.append(f"| {esc(d['title'])} | {esc(str(d.get('publisher', '')))} | {esc(str(d.get('date', '')))} | {d['chars']:,} |")
    return "\n".join(rows)
