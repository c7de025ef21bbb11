"""Test fixtures made here: the statement as an HTML page (navigation, a cookie banner and a footer
around the article), as a PDF printed by Chromium from that page (two pages), and as a DOCX."""
from __future__ import annotations

import html
import json
from pathlib import Path

from tests.conftest import REPO, STATEMENT

META = json.loads((REPO / "corpus" / "dhs-northern-triangle-compact-2019-02-21.meta.json").read_text())


def _paragraphs() -> list[tuple[str, str]]:
    """("p" | "li" | "lead", text) for each line of the statement (the closing boilerplate line dropped)."""
    out = []
    for line in STATEMENT.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("Original source"):
            continue
        out.append(("li", line[2:]) if line.startswith("- ") else ("p", line))
    return out


def statement_html(font_px: int = 17) -> str:
    body, in_list = [], False
    for kind, text in _paragraphs():
        if kind == "li" and not in_list:
            body.append("<ul>")
            in_list = True
        if kind != "li" and in_list:
            body.append("</ul>")
            in_list = False
        body.append(f"<li>{html.escape(text)}</li>" if kind == "li" else f"<p>{html.escape(text)}</p>")
    if in_list:
        body.append("</ul>")
    nav = "".join(f'<li><a href="/{x.lower()}">{x}</a></li>' for x in ("Home", "Topics", "News", "About", "Contact"))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(META["title"])}</title>
<meta property="og:title" content="{html.escape(META["title"])}">
<meta property="og:site_name" content="U.S. Department of Homeland Security">
<meta name="date" content="2019-02-21">
<style>body{{font:{font_px}px/1.6 serif;margin:2cm}} nav ul{{display:flex;gap:1em;list-style:none}}
@media print {{ header, footer, .cookie-banner {{ display: none }} }}</style>
<script>window.analytics = "should not be read";</script></head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{html.escape(META["title"])}</h1>
{''.join(body)}
</article></main>
<footer><p>Share this page on social media.</p><p>Privacy policy · Accessibility · FOIA · Site map</p>
<p>Copyright U.S. Department of Homeland Security.</p></footer></body></html>"""


def statement_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = META["title"]
    d.core_properties.author = "U.S. Department of Homeland Security"
    d.core_properties.created = __import__("datetime").datetime(2019, 2, 21)
    for kind, text in _paragraphs():
        d.add_paragraph(text, style="List Bullet" if kind == "li" else None)
    d.save(path)
    return path


def statement_pdf(browser, html_path: Path, path: Path) -> Path:
    """Chromium prints the HTML page (A5 pages so that the statement needs two)."""
    page = browser.new_page()
    page.goto(html_path.as_uri())
    page.pdf(path=str(path), format="A5", margin={"top": "1.5cm", "bottom": "1.5cm", "left": "1.5cm", "right": "1.5cm"})
    page.close()
    return path


def make_format_corpora(root: Path, browser) -> dict[str, Path]:
    """One corpus folder per format: {"txt": dir, "html": dir, "pdf": dir, "docx": dir}."""
    out = {}
    for fmt in ("txt", "html", "pdf", "docx"):
        d = root / fmt
        d.mkdir(parents=True, exist_ok=True)
        out[fmt] = d
    (out["txt"] / "statement.txt").write_text(STATEMENT.read_text(encoding="utf-8"), encoding="utf-8")
    (out["html"] / "statement.html").write_text(statement_html(), encoding="utf-8")
    statement_docx(out["docx"] / "statement.docx")
    page_html = root / "print.html"
    page_html.write_text(statement_html(), encoding="utf-8")
    statement_pdf(browser, page_html, out["pdf"] / "statement.pdf")
    return out
