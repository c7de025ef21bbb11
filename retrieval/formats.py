"""Documents as people publish them: HTML pages, PDFs and Word files become the same plain text
a ``.txt`` gives (one paragraph or list item per line, "- " before list items), with metadata and,
for PDF, a map from text offsets back to pages.

* HTML: the main content only (trafilatura: navigation, footers, scripts and boilerplate dropped),
  title/date/site name/URL from the page's metadata when present;
* PDF (pypdfium2, Apache-2.0/BSD): the text of each page as PDFium extracts it, pages joined by
  two characters; each line break (two characters, "\\r\\n") becomes two spaces inside a paragraph, a
  line break where a paragraph ends (the next word would have fitted on the line, the indentation
  changes, a colon) and "\\n-" where an indented list item starts whose bullet is drawn rather
  than written, all *without changing the length*, so a character of the text is the
  character of the same index on its page (``meta["pages"]``: ``[start, end)`` per page) and PDFium
  can give its box (``render_pdf_page``); a PDF without any text (a scan) is refused with a clear message;
* DOCX (python-docx): paragraphs and tables in the document's order, list paragraphs (a "List"
  style or numbering) as "- " items, each table row as "| a | b | c |" (empty cells kept, so rows
  line up with the header row that ``reader.tables`` reads them with).

Every reader raises ``CorpusError`` with one line naming the file and the fix. This module does
not segment, index or know about the app.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError

FORMATS = (".html", ".htm", ".pdf", ".docx")
# A list item's marker: a bullet, or "1." / "(2)". Segmentation (retrieval.segment) also takes
# letters ("a)", "(b)"); line joining here does not: "A. Smith" starting a wrapped line is more
# often a name than an item.
BULLET_OR_NUMBER = r"[-*•‣◦–—]|\(?\d{1,3}[.)]"
# A Markdown table's separator row ("|---|:---:|"): ``retrieval.segment`` keeps it as boilerplate,
# ``retrieval.lexical`` tells it from a table's rows, ``reader.tables`` finds a header by it.
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BULLET_START = re.compile(rf"^\s*(?:{BULLET_OR_NUMBER})\s")  # a written bullet or number starts a new line


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


@dataclass
class _Line:
    page: int
    start: int  # offsets in the page's text
    end: int
    text: str
    left: float | None
    right: float | None
    first_word: float  # width of the first word
    em: float  # about the font size of its first word


def _pdf_lines(tp, page_no: int) -> tuple[str, list[_Line]]:
    """A page's raw text (PDFium's, hyphen marks made "-") and its lines with their geometry."""
    raw = tp.get_text_range()
    n = min(len(raw), tp.count_chars())
    boxes = [tp.get_charbox(i) if i < n and not raw[i].isspace() else None for i in range(len(raw))]
    text = raw.replace("\ufffe", "-")
    lines, pos = [], 0
    for part in raw.split("\r\n"):
        a, b = pos, pos + len(part)
        pos = b + 2
        bx = [boxes[i] for i in range(a, b) if boxes[i]]
        first = []
        for i in range(a, b):
            if text[i].isspace() and first:
                break
            if boxes[i]:
                first.append(boxes[i])
        lines.append(_Line(page_no, a, b, text[a:b], min((x[0] for x in bx), default=None), max((x[2] for x in bx), default=None),
                           (max(x[2] for x in first) - min(x[0] for x in first)) if first else 0.0,
                           1.4 * (first[0][3] - first[0][1]) if first else 0.0))
    return text, lines


def _break(line: _Line, nxt: _Line, margin: float, list_left: float | None) -> str:
    """What a line break between two lines becomes (2 characters): "  " (a wrapped line), " \\n" (a
    paragraph ends) or "\\n-" (a list item starts whose bullet was drawn, not written)."""
    if not line.text.strip() or not nxt.text.strip() or _BULLET_START.match(nxt.text):
        return " \n"
    if line.left is None or nxt.left is None or line.right is None:
        return " \n"
    indent = 0.5 * max(nxt.em, 1.0)
    fits = margin - line.right > nxt.first_word + 0.9 * max(nxt.em, 1.0)  # the next word would have fitted here
    if list_left is not None and abs(nxt.left - list_left) < indent and (fits or line.text.rstrip().endswith((":", ";"))):
        return "\n-"  # another item of an indented list (an item ending in ";" ends there, however long its line)
    if line.text.rstrip().endswith(":") and nxt.left > line.left + indent:
        return "\n-"  # an indented list after its lead-in
    if abs(line.left - nxt.left) > indent or line.text.rstrip().endswith(":") or fits:
        return " \n"
    return "  "


def _pdf_text(pages: list[tuple[str, list[_Line]]]) -> tuple[str, list[list[int]]]:
    """The document's text: every page's text at its own length (so index i of a page's part is PDFium's
    char i of that page), line breaks decided by ``_break`` across the whole document (a paragraph
    or a list may run on over a page break), pages joined by two characters."""
    all_lines = [ln for _, lines in pages for ln in lines if ln.text.strip()]
    margin = max((ln.right for ln in all_lines if ln.right is not None), default=0.0)
    seps: dict[tuple[int, int], str] = {}  # (page, line end) -> separator after that line
    list_left: float | None = None
    for ln, nxt in zip(all_lines, all_lines[1:]):
        sep = _break(ln, nxt, margin, list_left)
        if sep == "\n-":
            list_left = nxt.left
        elif list_left is not None and (nxt.left is None or abs(nxt.left - list_left) >= 0.5 * max(nxt.em, 1.0)):
            list_left = None
        seps[(ln.page, ln.end)] = sep
    out, spans, pos = [], [], 0
    for p, (text, lines) in enumerate(pages):
        if p:
            prev = next((ln for ln in reversed(pages[p - 1][1]) if ln.text.strip()), None)
            out.append(seps.get((prev.page, prev.end), " \n") if prev is not None else " \n")
            pos += 2
        body = []
        last = max((k for k, ln in enumerate(lines) if ln.text.strip()), default=-1)
        for k, ln in enumerate(lines):
            body.append(ln.text.replace("\r", " "))
            if k < len(lines) - 1:
                # inside the page: the decided separator; after its last text line, the page join decides
                body.append(seps.get((p, ln.end), " \n") if k < last else "  ")
        t = "".join(body)
        assert len(t) == len(text), "PDF page text must keep PDFium's length"
        out.append(t)
        spans.append([pos, pos + len(t)])
        pos += len(t)
    return "".join(out), spans


def read_pdf(raw: bytes, name: str) -> tuple[str, dict]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(raw)
    except Exception as e:  # noqa: BLE001 - pypdfium2 raises its own error types for broken files
        raise CorpusError(f"{name}: not a readable PDF ({str(e)[:80]}); re-export or re-download it") from None
    try:
        text, pages = _pdf_text([_pdf_lines(pdf[i].get_textpage(), i) for i in range(len(pdf))])
        meta: dict = {"format": "pdf", "pages": pages, "page_count": len(pdf)}
        info = pdf.get_metadata_dict(skip_empty=True)
        if info.get("Title"):
            meta["title"] = info["Title"]
    finally:
        pdf.close()
    if not text.strip():
        raise CorpusError(f"{name}: this PDF has no text layer (a scan?); run OCR on it first (e.g. ocrmypdf) or use a text version")
    return text, meta


def _line_boxes(page, tp, start: int, end: int) -> list[tuple[float, float, float, float]]:
    """Boxes (left, top, right, bottom; PDF points from the page's top-left) of the characters
    ``[start, end)`` of a page's text, one per line."""
    height = page.get_height()
    boxes: list[list[float]] = []
    for i in range(max(0, start), min(end, tp.count_chars())):
        if not tp.get_text_range(i, 1).strip():
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
    return [(b[0], b[1], b[2], b[3]) for b in boxes]


def render_pdf_page(raw: bytes, page_no: int, ranges: list[tuple[int, int]], scale: float = 1.5
                    ) -> tuple[bytes, tuple[int, int], list[list[tuple[float, float, float, float]]]]:
    """Page ``page_no`` (0-based) rendered locally by PDFium as PNG bytes, its size in pixels, and for
    each ``(start, end)`` range of the page's text the boxes of its lines in pixels (one PDF open)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(raw)
    try:
        page = pdf[page_no]
        img = page.render(scale=scale).to_pil()
        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=True)
        tp = page.get_textpage()
        boxes = [[(l * scale, t * scale, r * scale, b * scale) for l, t, r, b in _line_boxes(page, tp, a, e)]  # noqa: E741
                 for a, e in ranges]
        return buf.getvalue(), img.size, boxes
    finally:
        pdf.close()


def _docx_table_rows(table) -> list[str]:
    """A Word table as Markdown-style rows, "| a | b | c |", one per row, in place: empty cells kept
    so that every row lines up with the first (the header, ``reader.tables``); a cell merged across
    columns, which python-docx returns once per column it covers, is written once; "|" inside a
    cell becomes "/"."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for c in row.cells:
            if id(c._tc) in seen:
                continue
            seen.add(id(c._tc))
            cells.append(" ".join(c.text.split()).replace("|", "/"))
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
    return rows


def read_docx(raw: bytes, name: str) -> tuple[str, dict]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, Exception) as e:  # noqa: BLE001 - zip/xml errors of a broken file
        raise CorpusError(f"{name}: not a readable Word (.docx) file ({e.__class__.__name__}); save it again as .docx") from None
    from docx.table import Table

    lines = []
    for block in d.iter_inner_content():  # paragraphs and tables in the order of the document
        if isinstance(block, Table):
            lines += _docx_table_rows(block)
            continue
        t = " ".join(block.text.split())
        if not t:
            continue
        style = (block.style.name if block.style is not None else "") or ""
        numbered = block._p.pPr is not None and block._p.pPr.numPr is not None
        lines.append(f"- {t}" if style.lower().startswith("list") or numbered else t)
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
