"""Documents as people publish them: the statement as an HTML page (with navigation, cookie banner
and footer), as a PDF printed by Chromium (four A5 pages) and as a DOCX, all made here. The team's
questions get the same answers and cited sentences as over the .txt; PDF citations carry the page
where the sentence is; broken files get one clear line and leave the index as it was."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.format_fixtures import make_format_corpora

pytestmark = [pytest.mark.slow, pytest.mark.browser]
QUESTIONS = [json.loads(x) for x in (REPO / "eval" / "data" / "statement_qa.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def corpora(browser, tmp_path_factory):
    return make_format_corpora(tmp_path_factory.mktemp("formats"), browser)


@pytest.fixture(scope="module")
def answers(corpora, tmp_path_factory):
    from statementqa.pipeline import Pipeline

    out = {}
    for fmt, d in corpora.items():
        pl = Pipeline(corpus=d, data_dir=tmp_path_factory.mktemp(f"idx-{fmt}"))
        out[fmt] = (pl, [pl.ask(q["question"]) for q in QUESTIONS])
    return out


def _key(a):
    """The answer under the official SQuAD normalisation (so "- Countering" and "-Countering" are the same
    answer), the cited sentences with their whitespace collapsed (PDF lines keep double spaces where they wrapped)."""
    from statementqa.eval.metrics import normalize_answer

    norm = lambda t: " ".join(t.split())  # noqa: E731
    return a.abstained, normalize_answer(a.text), tuple(norm(c.text) for c in a.citations)


def test_html_reader_keeps_the_article_and_its_metadata(corpora):
    from statementqa.retrieval.corpus import load_corpus

    doc = load_corpus(corpora["html"])[0]
    for junk in ("cookies", "Privacy policy", "Home Topics", "analytics", "Share this page"):
        assert junk not in doc.text, junk
    assert doc.meta["title"].startswith("Secretary Nielsen Meets") and doc.meta["date"] == "2019-02-21"
    assert doc.meta["publisher"] == "U.S. Department of Homeland Security" and doc.meta["format"] == "html"
    assert "- Strengthening Border Security" in doc.text  # list items stay list items


def test_pdf_reader_rebuilds_paragraphs_and_the_drawn_list(corpora):
    """Wrapped lines are re-joined (also across pages), the printed list's items become items, the
    title is metadata, and the text keeps PDFium's length page by page."""
    import pypdfium2 as pdfium

    from statementqa.retrieval.corpus import load_corpus
    from statementqa.retrieval.segment import segment

    doc = load_corpus(corpora["pdf"])[0]
    txt = load_corpus(corpora["txt"])[0]
    norm = lambda t: " ".join(t.split())  # noqa: E731
    ours = [(norm(s.text), s.list_item) for s in segment(doc.text, doc.doc_id)]
    ref = [(norm(s.text), s.list_item) for s in segment(txt.text, txt.doc_id) if not s.boilerplate]
    assert ours == ref
    pdf = pdfium.PdfDocument((corpora["pdf"] / "statement.pdf").read_bytes())
    assert [b - a for a, b in doc.meta["pages"]] == [len(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_same_answers_and_citations_as_the_text(answers, fmt):
    txt, other = answers["txt"][1], answers[fmt][1]
    diff = [(q["id"], _key(a)[:2], _key(b)[:2]) for q, a, b in zip(QUESTIONS, txt, other) if _key(a) != _key(b)]
    assert diff == []


def test_pdf_answers_and_pages(answers):
    """Over the PDF, the answers and cited sentences are the .txt's for every question, and every
    citation's page is the page whose text holds that sentence."""
    import pypdfium2 as pdfium

    txt, (pl, pdf_answers) = answers["txt"][1], answers["pdf"]
    same = sum(_key(a) == _key(b) for a, b in zip(txt, pdf_answers))
    assert same == len(QUESTIONS), f"{same} of {len(QUESTIONS)}"
    doc = next(iter(pl.index.docs.values()))
    root = pl.settings.corpus
    pdf = pdfium.PdfDocument((root / doc.path).read_bytes())
    pages = [" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    cited = [c for a in pdf_answers for c in a.citations]
    assert cited and {c.page for c in cited} >= {1, 2}
    for c in cited:
        first_words = " ".join(c.text.split()[:3])
        assert first_words in pages[c.page - 1], (c.page, c.text[:60])
        assert c.to_dict()["page"] == c.page
    where = pl.ask("In which city did Nielsen meet the ministers?")
    assert "San Salvador" in " ".join(where.text.split()) and where.citations[0].page == 1


def test_txt_citations_have_no_page(answers):
    assert all("page" not in c.to_dict() for a in answers["txt"][1] for c in a.citations)


def _scanned_pdf(path):
    from PIL import Image

    Image.new("RGB", (600, 800), "white").save(path, "PDF")
    return path


@pytest.mark.parametrize("name, make, message", [
    ("empty.pdf", lambda p: p.write_bytes(b""), "the file is empty"),
    ("notes.xlsx", lambda p: p.write_bytes(b"PK\x03\x04 not really"), None),  # not a document type: ignored
    ("truncated.pdf", None, "not a readable PDF"),
    ("scan.pdf", _scanned_pdf, "no text layer"),
    ("nav-only.html", lambda p: p.write_text("<html><body><nav><a href='/'>Home</a></nav><script>x=1</script></body></html>"),
     "no main text"),
    ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04garbage"), "not a readable Word"),
    ("huge.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024 + 10)), "MiB limit"),
])
def test_bad_files_get_one_line_and_the_index_stays(tmp_path, corpora, name, make, message):
    import shutil

    from statementqa.cli import main
    from statementqa.pipeline import Pipeline
    from statementqa.retrieval.errors import UserError

    d = tmp_path / "c"
    shutil.copytree(corpora["txt"], d)
    pl = Pipeline(corpus=d, data_dir=tmp_path / "idx")
    before = pl.ask("When will the final agreement be completed?")
    bad = d / name
    if make is None:
        bad.write_bytes((corpora["pdf"] / "statement.pdf").read_bytes()[:3000])
    else:
        make(bad)
    if message is None:
        assert pl.refresh()["rebuilt"] is False  # an .xlsx is not a document: the corpus is unchanged
        return
    with pytest.raises(UserError) as e:
        pl.refresh()
    assert message in str(e.value) and "\n" not in str(e.value) and name in str(e.value)
    after = pl.ask("When will the final agreement be completed?")  # the old index still answers
    assert after.text == before.text == "next month"
    assert main(["index", "--corpus", str(d), "--data-dir", str(tmp_path / "idx2")]) == 2


def test_pdf_page_view_in_the_browser(browser, corpora, tmp_path):
    """The source panel shows the PDF page (rendered locally) with the cited sentence outlined and
    the answer marked, the boxes lying over the words on the page image."""
    from statementqa.pipeline import Pipeline
    from statementqa.webapp import create_app, start_in_thread
    from tests.conftest import ARTEFACTS
    from tests.test_browser import _ask, _page

    pl = Pipeline(corpus=corpora["pdf"], data_dir=tmp_path / "idx")
    server, url = start_in_thread(create_app(pl, warm=False, refresh_every=0, feedback_log=tmp_path / "fb.jsonl"))
    try:
        ctx, page, outside, _ = _page(browser)
        page.goto(url)
        _ask(page, "In which city did Nielsen meet the ministers?")
        page.wait_for_selector(".sq-page img", timeout=90_000)
        assert "page 1 of 4" in page.locator(".sq-page figcaption").inner_text()
        img = page.locator(".sq-page img").bounding_box()
        boxes = page.locator(".sq-box-sentence").evaluate_all("bs => bs.map(b => b.getBoundingClientRect().toJSON())")
        answer = page.locator(".sq-box-answer").evaluate_all("bs => bs.map(b => b.getBoundingClientRect().toJSON())")
        assert len(boxes) >= 3 and answer, "sentence outlined over several lines, the answer marked"
        for b in boxes + answer:
            assert img["x"] <= b["x"] and b["x"] + b["width"] <= img["x"] + img["width"] + 1
            assert img["y"] <= b["y"] and b["y"] + b["height"] <= img["y"] + img["height"] + 1
        assert "San Salvador" in page.locator("#sq-chat").inner_text()
        page.screenshot(path=str(ARTEFACTS / "pdf-page-view.png"), full_page=True)
        assert outside == []
        ctx.close()
    finally:
        server.should_exit = True


def test_upload_ask_remove_in_the_browser(browser, corpora, tmp_path):
    """--uploads: add the PDF (and two broken files) by the file input, ask, see the page view, remove it."""
    from statementqa.pipeline import Pipeline
    from statementqa.webapp import create_app, start_in_thread
    from tests.conftest import ARTEFACTS
    from tests.test_browser import _ask, _page

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "weather.txt").write_text("The weather in Lisbon was sunny in May. The port handled more ships than in April.\n")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "truncated.pdf").write_bytes((corpora["pdf"] / "statement.pdf").read_bytes()[:2000])
    pl = Pipeline(corpus=corpus, data_dir=tmp_path / "idx")
    server, url = start_in_thread(create_app(pl, warm=False, refresh_every=0, uploads=True, feedback_log=tmp_path / "fb.jsonl"))
    try:
        ctx, page, outside, _ = _page(browser)
        page.goto(url)
        page.locator("#sq-upload input[type=file]").first.wait_for(state="attached", timeout=60_000)
        page.locator("#sq-upload input[type=file]").first.set_input_files(
            [str(corpora["pdf"] / "statement.pdf"), str(bad / "empty.pdf"), str(bad / "truncated.pdf")])
        page.wait_for_function("document.querySelector('#sq-upload-status').innerText.includes('index rebuilt')", timeout=120_000)
        status = page.locator("#sq-upload-status").inner_text()
        assert "statement.pdf added" in status and "empty.pdf: the file is empty" in status
        assert "truncated.pdf: not a readable PDF" in status
        assert "pdf" in page.locator("#sq-documents").inner_text() and len(pl.index.docs) == 2
        _ask(page, "In which city did Nielsen meet the ministers?")
        page.wait_for_selector(".sq-page img", timeout=90_000)
        assert "San Salvador" in page.locator("#sq-chat").inner_text()
        assert "page 1" in page.locator("#sq-chat").inner_text()  # the citation names its PDF page
        page.screenshot(path=str(ARTEFACTS / "upload-pdf.png"), full_page=True)
        # a sentence permalink opens the app at that sentence in a new page
        href = page.locator("#sq-chat a.sq-permalink").first.get_attribute("href")
        other = ctx.new_page()
        other.goto(url + href)
        other.wait_for_selector("#sq-source .sent.linked", timeout=60_000)
        assert "San" in other.locator("#sq-source .sent.linked").inner_text()
        other.close()
        # the conversation exports with the PDF page and the permalink
        with page.expect_download() as dl:
            page.locator("#sq-export-json").click()
        exported = json.loads(Path(dl.value.path()).read_text())
        assert exported[-1]["citations"][0]["page"] == 1 and "San" in exported[-1]["answer"]
        with page.expect_download() as dl:
            page.locator("#sq-export-md").click()
        assert "page 1" in Path(dl.value.path()).read_text() and href in Path(dl.value.path()).read_text()
        page.locator("#sq-remove-pick input").first.click()
        page.locator("[data-testid='dropdown-option'][aria-label*='statement.pdf']").first.click(timeout=30_000)
        page.locator("#sq-remove").click()
        page.wait_for_function("document.querySelector('#sq-upload-status').innerText.includes('removed')", timeout=120_000)
        assert len(pl.index.docs) == 1 and not (corpus / "statement.pdf").exists()
        _ask(page, "In which city did Nielsen meet the ministers?")
        page.wait_for_function("document.querySelectorAll('#sq-chat [data-testid=\"bot\"]').length >= 2", timeout=60_000)
        last = page.locator("#sq-chat [data-testid='bot']").last.inner_text()
        assert "San Salvador" not in last
        assert outside == []
        ctx.close()
    finally:
        server.should_exit = True


def test_ask_within_selected_documents(tmp_path, corpora):
    """The retrieval filter: a question asked within one document is answered from it only, through
    the library and through POST /api/v1/ask; an unknown id is a one-line error."""
    import shutil

    import httpx

    from statementqa.pipeline import Pipeline
    from statementqa.retrieval.errors import UserError
    from statementqa.webapp import create_app, start_in_thread

    corpus = tmp_path / "c"
    shutil.copytree(corpora["docx"], corpus)
    (corpus / "weather.txt").write_text("The weather in Lisbon was sunny in May. Ministers met in the port of Lisbon.\n")
    pl = Pipeline(corpus=corpus, data_dir=tmp_path / "idx")
    ids = {d["path"]: d["doc_id"] for d in pl.documents()}
    q = "In which city did Nielsen meet the ministers?"
    assert "San Salvador" in pl.ask(q, docs=[ids["statement.docx"]]).text
    other = pl.ask(q, docs=[ids["weather.txt"]])
    assert "San Salvador" not in other.text and {c.doc_id for c in other.citations + other.related} <= {ids["weather.txt"]}
    with pytest.raises(UserError, match="unknown document id"):
        pl.ask(q, docs=["0000"])
    server, url = start_in_thread(create_app(pl, warm=False, refresh_every=0))
    try:
        docs = httpx.get(url + "api/v1/documents", timeout=30).json()["documents"]
        assert {d["doc_id"] for d in docs} == set(ids.values()) and {d["format"] for d in docs} == {"docx", "txt"}
        r = httpx.post(url + "api/v1/ask", json={"question": q, "docs": [ids["weather.txt"]]}, timeout=120).json()
        assert "San Salvador" not in r["answer"]
        bad = httpx.post(url + "api/v1/ask", json={"question": q, "docs": ["0000"]}, timeout=60)
        assert bad.status_code == 400 and "unknown document id" in bad.json()["error"]
    finally:
        server.should_exit = True


@pytest.mark.parametrize("name", ["measles-update-2025-09-11.pdf"])
def test_pdf_list_items_that_end_in_a_semicolon_stay_apart(name):
    """press-dev's measles update (an HTML page Chromium printed to A5): its first drawn-bullet item
    fills its last line and ends in ";", so the line's length could not tell that the next line starts
    another item; the two were one item ("... until 10 October;  send nurses ...")."""
    from statementqa.retrieval.formats import read_pdf
    from statementqa.retrieval.segment import segment

    text, _ = read_pdf((REPO / "eval" / "data" / "press-dev" / "corpus" / name).read_bytes(), name)
    items = [" ".join(s.text.split()) for s in segment(text) if s.list_item]
    assert items == [
        "open free walk-in vaccination clinics at the Castlegate sports hall on weekdays from 3 p.m. to 7 p.m. until "
        "10 October;",
        "send nurses to vaccinate pupils at all 14 primary schools in the district;",
        "exclude unvaccinated pupils who have been in contact with a case from school for 21 days.",
    ]
