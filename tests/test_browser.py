"""Real-browser tests: Debian's Chromium driven by Playwright, with every non-loopback request
blocked. Screenshots go to test-artefacts/."""
from __future__ import annotations

import functools
import http.server
import json
import threading
from urllib.parse import urlparse

import pytest

from tests.conftest import ARTEFACTS, REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser]
def _page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost", "::1"):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return ctx, page, outside, dialogs


def _ask(scope, question: str):
    box = scope.locator("#sq-question textarea").first
    box.wait_for(timeout=60_000)
    box.fill(question)
    scope.locator("#sq-ask").first.click()


def test_chat_answer_and_highlight(browser, app_server):
    ctx, page, outside, dialogs = _page(browser)
    page.goto(app_server["url"])
    _ask(page, "When will the final agreement be completed?")
    page.wait_for_function("(t => t.includes('next month') && t.includes('Confidence'))(document.querySelector('#sq-chat').innerText)", timeout=60_000)
    cited = page.locator(".sq-source .cited").first
    assert cited.inner_text().startswith("Ministers agreed to complete the final agreement next month")
    assert page.locator(".sq-source mark.answer").first.inner_text() == "next month"
    assert "Confidence" in page.locator("#sq-chat").inner_text()
    page.screenshot(path=str(ARTEFACTS / "chat-answer.png"), full_page=True)
    # like the answer: one line lands in the feedback log
    fb = app_server["feedback"]
    before = len(fb.read_text().splitlines()) if fb.exists() else 0
    page.locator("#sq-chat button[aria-label='Like']").last.click()
    page.wait_for_function("document.body.innerText.includes('Thanks for the feedback')", timeout=30_000)
    rec = json.loads(fb.read_text().splitlines()[before])
    assert rec["liked"] is True and rec["question"] == "When will the final agreement be completed?" and rec["answer"] == "next month"
    assert rec["citations"][0]["sentence_index"] == 18
    assert outside == [], f"the page tried to reach outside: {outside}"
    ctx.close()


def test_abstention_shows_related(browser, app_server):
    ctx, page, outside, _ = _page(browser)
    page.goto(app_server["url"])
    _ask(page, "What is the boiling point of water?")
    page.wait_for_function("document.querySelector('#sq-chat').innerText.includes('do not say')", timeout=60_000)
    assert "Related, but not an answer" in page.locator("#sq-chat").inner_text()
    assert page.locator(".sq-source .related").count() >= 1 and page.locator(".sq-source .cited").count() == 0
    page.screenshot(path=str(ARTEFACTS / "chat-abstain.png"), full_page=True)
    # A name the statement never mentions: the abstention says which (reader.names).
    _ask(page, "What is the capital of France?")
    page.wait_for_function("document.querySelector('#sq-chat').innerText.includes('do not mention “France”')",
                           timeout=60_000)
    page.screenshot(path=str(ARTEFACTS / "chat-not-mentioned.png"), full_page=True)
    ctx.close()


def test_chat_says_how_an_answer_was_found_and_a_question_read(browser, app_server):
    ctx, page, _, _ = _page(browser)
    page.goto(app_server["url"])
    _ask(page, "Which area deals with borders?")
    page.wait_for_function("document.querySelector('#sq-chat').innerText.includes('Strengthening Border Security')",
                           timeout=60_000)
    chat = page.locator("#sq-chat").inner_text()
    assert "the one list item with the question's words" in chat
    assert "The final compact would cover four distinct areas of collaboration:" in chat  # the lead-in is cited
    assert page.locator(".sq-source .cited").count() >= 2
    page.screenshot(path=str(ARTEFACTS / "chat-list-item.png"), full_page=True)
    # typing mistakes: answered as the plain question, and the chat says how it read it (reader.spelling)
    _ask(page, "wher did the meating take place?")
    page.wait_for_function("document.querySelector('#sq-chat').innerText.includes('read as “where did the meeting take place?”')",
                           timeout=60_000)
    assert page.locator(".sq-source mark.answer").first.inner_text() == "San Salvador, El Salvador"
    page.screenshot(path=str(ARTEFACTS / "chat-typo.png"), full_page=True)
    ctx.close()


def test_script_payload_stays_text(browser, app_server):
    ctx, page, _, dialogs = _page(browser)
    page.goto(app_server["url"])
    payload = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script> where?'
    _ask(page, payload)
    page.wait_for_function("document.querySelector('#sq-chat').innerText.includes('onerror')", timeout=60_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert page.locator("#sq-chat img[src='x']").count() == 0
    assert "<img src=x" in page.locator("#sq-chat").inner_text()
    page.screenshot(path=str(ARTEFACTS / "chat-xss.png"), full_page=True)
    ctx.close()


def test_embed_page_widget(browser, app_server):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(REPO / "examples"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", app_server["embed_port"]), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        ctx, page, outside, _ = _page(browser)
        page.goto(f"http://127.0.0.1:{app_server['embed_port']}/embed.html?app={app_server['url']}")
        comp = page.locator("gradio-app")
        _ask(comp, "Which country does Nielsen hope will also take part?")
        page.wait_for_function(
            "(t => t.includes('Mexico') && t.includes('Confidence'))(document.querySelector('gradio-app').innerText)", timeout=60_000)
        assert comp.locator(".sq-source mark.answer").first.inner_text() == "Mexico"
        frame = page.frame_locator("#sq-frame")
        frame.locator("#sq-question textarea").wait_for(timeout=60_000)
        frame.locator(".sq-source .sent").first.wait_for(timeout=60_000)
        page.locator("#sq-frame").scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTEFACTS / "embed-page.png"), full_page=True)
        assert outside == [], f"the page tried to reach outside: {outside}"
        ctx.close()
    finally:
        httpd.shutdown()
