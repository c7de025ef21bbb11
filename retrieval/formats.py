"""Documents as people publish them: HTML pages, PDFs and Word files become the same plain text
a ``.txt`` gives (one paragraph or list item per line, "- " before list items), with metadata and,
for PDF, a map from text offsets back to pages.

* HTML: the main content only (trafilatura: navigation, footers, scripts and boilerplate dropped),
  title/date/site name/URL from the page's metadata when present;
* PDF (pypdfium2, Apache-2.0/BSD): the text of each page as PDFium extracts it, pages joined by
  two characters (a line break when the page ended a paragraph, else two spaces); line breaks inside a paragraph become spaces and those before a list item or after a
  blank line stay, all *without changing the length*, so a character of the text is the
  character of the same index on its page (``meta["pages"]``: ``[start, end)`` per page) and PDFium
  can give its box (``pdf_boxes``); a PDF without any text (a scan) is refused with a clear message;
* DOCX (python-docx): paragraphs in order, list paragraphs (a "List" style or numbering) as
  "- " items, table cells as lines.

Every reader raises ``CorpusError`` with one line naming the file and the fix. This module does
not segment, index or know about the app.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from .errors import CorpusError

FORMATS = (".html", ".htm", ".pdf", ".docx")
_BULLET_START = re.compile(r"^\s*(?:[-*•‣◦–—]|\(?\d{1,3}[.)])\s")


def read_html(raw: bytes, name: str) -> tuple[str, dict]:
    import trafilatura

    html = raw.decode("utf-8-sig", errors="replace")
    text = trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=True,
                               include_formatting=False, include_links=False, favor_precision=True, deduplicate=False)
    if not text or len(text.split()) < 5:  # a stray link label ("Home") is not an article
        raise CorpusError(f"{name}: no main text found in this HTML page (empty, or only navigation and scripts); "
                          f"save the article's text instead")
    meta: dict = {"format": "html"}
    md = trafilatura.extract_metadata(html)
    if md is not None:
        for key, attr in (("title", "title"), ("date", "date"), ("publisher", "sitename"), ("url", "url"), ("author", "author")):
            v = getattr(md, attr, None)
            if v:
                meta[key] = str(v)
    return text.strip() + "\n", meta


def _pdf_lines(tp):
    """(raw text, char boxes or None, [(start, end)] per line, right edge per line) of a page."""
    raw = tp.get_text_range()
    n = min(len(raw), tp.count_chars())
    boxes = [tp.get_charbox(i) if i < n and not raw[i].isspace() else None for i in range(len(raw))]
    lines, pos = [], 0
    for line in raw.split("\r\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 2
    rights = [max((boxes[i][2] for i in range(a, b) if boxes[i]), default=None) for a, b in lines]
    return raw, boxes, lines, rights


def _pdf_page_text(page, margin: float) -> tuple[str, bool]:
    """A page's text from PDFium with the same length as PDFium's (so index i is char i of the page).
    A line break ("\\r\\n") ends a paragraph when the next line's first word would have fitted on
    this line with room to spare (the writer broke the line on purpose: the last line of a paragraph, a heading, a list
    item whose bullet is drawn rather than text; ``margin`` is the document's right text edge), when the
    indentation changes, before a list marker or an empty line, or after a colon: it becomes " \\n"; otherwise the line was wrapped and it becomes two spaces. PDFium's mark
    for a hyphen at a line end (U+FFFE) becomes "-"; a lone "\\r" a space."""
    raw, boxes, lines, rights = page
    lefts = [min((boxes[i][0] for i in range(a, b) if boxes[i]), default=None) for a, b in lines]
    left = min((bx[0] for bx in boxes if bx), default=0.0)
    text = raw.replace("\ufffe", "-")
    last = max((k for k, (a, b) in enumerate(lines) if text[a:b].strip()), default=-1)
    out = []
    for k, (a, b) in enumerate(lines):
        out.append(text[a:b].replace("\r", " "))
        if k == len(lines) - 1:
            break
        if k >= last:  # the page's trailing breaks: the join with the next page decides
            out.append("  ")
            continue
        line, nxt = text[a:b], text[lines[k + 1][0]:lines[k + 1][1]]
        keep = (not line.strip()) or (not nxt.strip()) or bool(_BULLET_START.match(nxt)) or line.rstrip().endswith(":")
        if not keep and rights[k] is not None:
            na = lines[k + 1][0]
            word = [boxes[i] for i in range(na, lines[k + 1][1]) if boxes[i]]
            first = []
            for i in range(na, lines[k + 1][1]):
                if text[i].isspace():
                    break
                if boxes[i]:
                    first.append(boxes[i])
            if first and word and lefts[k] is not None and lefts[k + 1] is not None \
                    and abs(lefts[k] - lefts[k + 1]) > 0.7 * (first[0][3] - first[0][1]):
                keep = True  # the indentation changes: a list ends or a paragraph starts
            elif first and word:
                width = max(x[2] for x in first) - min(x[0] for x in first)
                em = 1.4 * (first[0][3] - first[0][1])  # about the font size (a glyph box is ~0.7 em high)
                # Generous slack: merging two paragraphs costs nothing (sentences still end at their
                # full stops), splitting a sentence at a wrapped line would cut it in two.
                keep = margin - rights[k] > width + 1.25 * em
        out.append(" \n" if keep else "  ")
    # Does the page end a paragraph? Its last line stops well short of the margin (or there is no text).
    ends = last < 0 or rights[last] is None or (margin - rights[last]) > 0.15 * max(1.0, margin - left)
    return "".join(out), ends


def read_pdf(raw: bytes, name: str) -> tuple[str, dict]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(raw)
    except Exception as e:  # noqa: BLE001 - pypdfium2 raises its own error types for broken files
        raise CorpusError(f"{name}: not a readable PDF ({str(e)[:80]}); re-export or re-download it") from None
    try:
        parts, pages, pos, prev_ends = [], [], 0, True
        layouts = [_pdf_lines(pdf[i].get_textpage()) for i in range(len(pdf))]
        margin = max((r for lay in layouts for r in lay[3] if r is not None), default=0.0)
        for i in range(len(pdf)):
            t, ends = _pdf_page_text(layouts[i], margin)
            if parts:
                # A paragraph may run on across the page break: join with spaces unless the page ended one.
                parts.append(" \n" if prev_ends else "  ")
                pos += 2
            prev_ends = ends
            parts.append(t)
            pages.append([pos, pos + len(t)])
            pos += len(t)
        text = "".join(parts)
        meta: dict = {"format": "pdf", "pages": pages, "page_count": len(pdf)}
        info = pdf.get_metadata_dict(skip_empty=True)
        if info.get("Title"):
            meta["title"] = info["Title"]
    finally:
        pdf.close()
    if not text.strip():
        raise CorpusError(f"{name}: this PDF has no text layer (a scan?); run OCR on it first (e.g. ocrmypdf) or use a text version")
    return text, meta


def pdf_boxes(raw: bytes, page_no: int, start: int, end: int) -> list[tuple[float, float, float, float]]:
    """Boxes (left, top, right, bottom; PDF points from the page's top-left) of the characters
    ``[start, end)`` of page ``page_no`` (0-based, offsets within the page's text), one per line."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(raw)
    try:
        page = pdf[page_no]
        height = page.get_height()
        tp = page.get_textpage()
        boxes: list[list[float]] = []
        for i in range(start, min(end, tp.count_chars())):
            ch = tp.get_text_range(i, 1)
            if not ch.strip():
                continue
            left, bottom, right, top = tp.get_charbox(i)
            if right <= left or top <= bottom:
                continue
            box = [left, height - top, right, height - bottom]
            overlap = min(boxes[-1][3], box[3]) - max(boxes[-1][1], box[1]) if boxes else 0.0
            if boxes and overlap > 0.3 * min(box[3] - box[1], boxes[-1][3] - boxes[-1][1]) and box[0] >= boxes[-1][0] - 1:
                b = boxes[-1]
                boxes[-1] = [min(b[0], box[0]), min(b[1], box[1]), max(b[2], box[2]), max(b[3], box[3])]
            else:
                boxes.append(box)
        return [tuple(b) for b in boxes]  # type: ignore[misc]
    finally:
        pdf.close()


def render_pdf_page(raw: bytes, page_no: int, scale: float = 1.5) -> tuple[bytes, float]:
    """The page as PNG bytes (rendered locally by PDFium) and the scale from points to pixels."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(raw)
    try:
        img = pdf[page_no].render(scale=scale).to_pil()
        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=True)
        return buf.getvalue(), scale
    finally:
        pdf.close()


def read_docx(raw: bytes, name: str) -> tuple[str, dict]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, Exception) as e:  # noqa: BLE001 - zip/xml errors of a broken file
        raise CorpusError(f"{name}: not a readable Word (.docx) file ({e.__class__.__name__}); save it again as .docx") from None
    lines = []
    for p in d.paragraphs:
        t = " ".join(p.text.split())
        if not t:
            continue
        style = (p.style.name if p.style is not None else "") or ""
        numbered = p._p.pPr is not None and p._p.pPr.numPr is not None
        lines.append(f"- {t}" if style.lower().startswith("list") or numbered else t)
    for table in d.tables:
        for row in table.rows:
            cells = [" ".join(c.text.split()) for c in row.cells]
            if any(cells):
                lines.append(" | ".join(c for c in cells if c))
    if not lines:
        raise CorpusError(f"{name}: this Word file has no text")
    meta: dict = {"format": "docx"}
    cp = d.core_properties
    if cp.title:
        meta["title"] = cp.title
    if cp.author:
        meta["author"] = cp.author
    if cp.created:
        meta["date"] = cp.created.date().isoformat()
    return "\n".join(lines) + "\n", meta


READERS = {".html": read_html, ".htm": read_html, ".pdf": read_pdf, ".docx": read_docx}


def blank_leading_title(text: str, title: str) -> str:
    """The title is metadata (shown above the document), not a sentence: when the text starts with
    it (whitespace aside), replace it with spaces, keeping every other offset where it was."""
    words = title.split()
    if not words:
        return text
    i, pos = 0, 0
    while i < len(words):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not text.startswith(words[i], pos):
            return text
        pos += len(words[i])
        i += 1
    if pos < len(text) and not text[pos].isspace():
        return text  # the title is only the start of a longer first word
    return "".join(" " if not ch.isspace() or ch == "\r" else ch for ch in text[:pos]) + text[pos:]


def read_formatted(path: Path, raw: bytes) -> tuple[str, dict]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise CorpusError(f"{path.name}: unsupported format; use .txt, .md, .html, .pdf or .docx")
    if not raw:
        raise CorpusError(f"{path.name}: the file is empty")
    text, meta = reader(raw, path.name)
    if meta.get("title"):
        text = blank_leading_title(text, str(meta["title"]))
        if not text.strip():
            raise CorpusError(f"{path.name}: the file holds only its title, no text")
    return text, meta


def page_of(meta: dict, offset: int) -> int | None:
    """1-based page number of a character offset (None for documents without pages)."""
    for i, (a, b) in enumerate(meta.get("pages") or [], 1):
        if a <= offset < b or (offset == b and i == len(meta["pages"])):
            return i
    return None
