"""The app as a new user meets it, in Debian's Chromium (Playwright), every non-loopback request
blocked: dark-mode contrast from computed styles, axe-core on the main states, clearing, feedback
keyed by message, no page scroll, input limits, language hint, welcome examples, saved chat, the
"may answer" middle ground, keyboard-only use, compact mode and the embed kit with its events and
its message for a disallowed origin. Screenshots of each state go to test-artefacts/."""
from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.conftest import ARTEFACTS, REPO, free_port
from tests.test_browser import _ask, _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# WCAG relative luminance contrast of an element's text against the first opaque background behind it.
CONTRAST_JS = """(el) => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const fg = parse(getComputedStyle(el).color);
  let n = el, bg = null;
  while (n && n.nodeType === 1) { const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a > 0.5) { bg = c; break; } n = n.parentElement; }
  bg = bg || {r: 255, g: 255, b: 255, a: 1};
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def _open(browser, url, viewport=DESKTOP):
    ctx, page, outside, dialogs = _page(browser)
    page.set_viewport_size(viewport)
    page.goto(url)
    page.locator("#sq-question textarea").first.wait_for(timeout=60_000)
    page.wait_for_function("document.querySelector('#sq-source .sent') !== null", timeout=60_000)
    return ctx, page, outside


def _answered(page, n: int = 1, timeout: int = 60_000):
    """Wait until the chat shows ``n`` assistant messages."""
    page.wait_for_function(f"document.querySelectorAll('#sq-chat [data-testid=\"bot\"]').length >= {n}", timeout=timeout)
    page.wait_for_timeout(400)


def _bot_text(page, i: int = -1) -> str:
    return page.locator("#sq-chat [data-testid='bot']").nth(i).inner_text()


def _settled(page) -> None:
    """Wait until no Gradio event is pending and no finite CSS animation or transition runs: axe
    computes contrast from the colours on screen, and a fading element has the wrong ones."""
    page.wait_for_function(
        "!document.querySelector('.pending, .generating') && document.getAnimations().every("
        "a => a.playState !== 'running' || a.effect?.getTiming?.().iterations === Infinity)", timeout=15_000)
    page.wait_for_timeout(200)


def _axe(page) -> list[dict]:
    import axe_playwright_python

    _settled(page)
    page.evaluate((Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8"))
    return page.evaluate("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
                         ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
                         AXE_TAGS)


def _serve_examples(port: int):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(REPO / "examples"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def _feedback_lines(app_server) -> list[dict]:
    fb: Path = app_server["feedback"]
    return [json.loads(x) for x in fb.read_text().splitlines()] if fb.exists() else []


# -- accessibility ---------------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["empty", "answered", "abstained", "dark", "mobile"])
def test_axe_reports_no_serious_violation(browser, app_server, state):
    theme = "?__theme=dark" if state == "dark" else ""
    ctx, page, outside = _open(browser, app_server["url"] + theme, MOBILE if state == "mobile" else DESKTOP)
    if state != "empty":
        _ask(page, "What is the capital of France?" if state == "abstained" else "When will the final agreement be completed?")
        _answered(page)
    bad = [v for v in _axe(page) if v["impact"] in ("serious", "critical")]
    page.screenshot(path=str(ARTEFACTS / f"ui-{state}.png"), full_page=state != "mobile")
    assert bad == [], f"axe ({state}): {bad}"
    assert outside == []
    ctx.close()


def test_dark_mode_highlights_keep_their_contrast(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"] + "?__theme=dark")
    assert page.evaluate("document.body.classList.contains('dark')")
    _ask(page, "When will the final agreement be completed?")
    _answered(page)
    for sel in ("#sq-source .cited", "#sq-source mark.answer", "#sq-source .cited sup", "#sq-chat a.sq-cite", ".sq-legend .cited"):
        ratio = page.locator(sel).first.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, f"{sel}: contrast {ratio:.2f}:1 in dark mode"
    _ask(page, "What is the capital of France?")
    _answered(page, 2)
    ratio = page.locator("#sq-source .related").first.evaluate(CONTRAST_JS)
    assert ratio >= 4.5, f"related sentence: contrast {ratio:.2f}:1"
    ratio = page.locator("#sq-ask").evaluate(CONTRAST_JS)
    assert ratio >= 4.5, f"Ask button: {ratio:.2f}:1"
    ctx.close()


def test_keyboard_only_question_citation_and_feedback(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    before = len(_feedback_lines(app_server))

    def tab_to(js_pred: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(el => {js_pred})(document.activeElement)"):
                return
        raise AssertionError(f"Tab never reached: {js_pred}")

    tab_to("el && el.closest && el.closest('#sq-question') !== null")
    page.keyboard.type("When will the final agreement be completed?")
    page.keyboard.press("Enter")
    _answered(page)
    tab_to("el && el.classList && el.classList.contains('sq-cite')")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    focused = page.evaluate("document.activeElement.id")
    assert focused.startswith("sq-s-") and page.locator("#sq-source .sq-flash").count() == 1
    assert "next month" in page.evaluate("document.activeElement.innerText")
    tab_to("el && el.getAttribute && el.getAttribute('aria-label') === 'Like'", 200)
    page.keyboard.press("Enter")
    page.wait_for_function("document.body.innerText.includes('Thanks for the feedback')", timeout=30_000)
    rec = _feedback_lines(app_server)[before]
    assert rec["liked"] is True and rec["question"] == "When will the final agreement be completed?"
    ctx.close()


# -- what a new user trips over ----------------------------------------------------------------------

def test_clear_resets_conversation_highlight_and_saved_chat(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    _ask(page, "Who did Nielsen meet?")
    _answered(page)
    assert page.locator("#sq-source .cited").count() >= 1
    page.locator("#sq-chat button[aria-label='Clear']").first.click()
    page.wait_for_function("document.querySelectorAll('#sq-chat [data-testid=\"bot\"]').length === 0", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('#sq-source .cited').length === 0", timeout=30_000)
    # the follow-up no longer resolves against the cleared chat
    _ask(page, "Where did she meet them?")
    _answered(page)
    assert "read as" not in _bot_text(page)
    page.locator("#sq-clear").click()
    page.wait_for_function("document.querySelectorAll('#sq-chat [data-testid=\"bot\"]').length === 0", timeout=30_000)
    page.reload()
    page.locator("#sq-question textarea").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert page.locator("#sq-chat [data-testid='bot']").count() == 0
    ctx.close()


def test_reload_keeps_the_chat(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    _ask(page, "When will the final agreement be completed?")
    _answered(page)
    page.reload()
    page.locator("#sq-question textarea").wait_for(timeout=60_000)
    page.wait_for_function("document.querySelector('#sq-chat').innerText.includes('next month')", timeout=30_000)
    ctx.close()


def test_feedback_is_keyed_by_message_not_position(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    _ask(page, "When will the final agreement be completed?")
    _answered(page)
    # a refused question (too long: set past the box's limit by script) adds no message that could shift positions
    page.evaluate("t => { const b = document.querySelector('#sq-question textarea'); b.value = t; "
                  "b.dispatchEvent(new Event('input', {bubbles: true})); }", "word " * 300)
    page.locator("#sq-ask").click()
    page.wait_for_timeout(1500)
    _ask(page, "Which country does Nielsen hope will also take part?")
    _answered(page, 2)
    before = len(_feedback_lines(app_server))
    page.locator("#sq-chat button[aria-label='Dislike']").last.click()
    page.wait_for_timeout(1500)
    page.locator("#sq-chat button[aria-label='Like']").first.click()
    page.wait_for_timeout(1500)
    recs = _feedback_lines(app_server)[before:]
    assert [(r["liked"], r["question"]) for r in recs] == [
        (False, "Which country does Nielsen hope will also take part?"), (True, "When will the final agreement be completed?")]
    assert recs[0]["message_id"] != recs[1]["message_id"] and recs[0]["reader"].startswith("model@")
    assert recs[0]["index_generation"]
    ctx.close()


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["mobile", "desktop"])
def test_answer_does_not_scroll_the_page(browser, app_server, viewport):
    ctx, page, _ = _open(browser, app_server["url"], viewport)
    box = page.locator("#sq-question textarea")
    box.scroll_into_view_if_needed()
    y0 = page.evaluate("window.scrollY")
    _ask(page, "When will the final agreement be completed?")
    _answered(page)
    page.wait_for_timeout(500)
    assert abs(page.evaluate("window.scrollY") - y0) <= 2
    # the source panel scrolled itself to the cited sentence
    assert page.locator("#sq-source").evaluate("p => p.scrollTop") > 0
    inside = page.locator("#sq-source .cited").first.evaluate(
        "el => { const p = el.closest('.sq-source').getBoundingClientRect(), r = el.getBoundingClientRect();"
        " return r.top >= p.top - 1 && r.top <= p.bottom; }")
    assert inside
    ctx.close()


def test_input_limit_counter_and_ask_state(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    box = page.locator("#sq-question textarea")
    assert box.get_attribute("maxlength") == "1000"
    assert page.locator("#sq-ask").is_disabled()
    box.fill("   ")
    page.wait_for_timeout(200)
    assert page.locator("#sq-ask").is_disabled()
    box.press("Enter")
    page.wait_for_timeout(800)
    assert page.locator("#sq-chat [data-testid='user']").count() == 0
    box.fill("x" * 1200)
    assert len(box.input_value()) == 1000
    assert page.locator("#sq-counter").inner_text() == "1000 / 1000 characters"
    # over the limit by script: refused, the text stays in the box, no bubble
    long_q = "When " + "very " * 250 + "late?"
    page.evaluate("t => { const b = document.querySelector('#sq-question textarea'); b.value = t; "
                  "b.dispatchEvent(new Event('input', {bubbles: true})); }", long_q)
    page.locator("#sq-ask").click()
    page.wait_for_function("document.body.innerText.includes('the limit is 1,000')", timeout=30_000)
    assert box.input_value() == long_q and page.locator("#sq-chat [data-testid='user']").count() == 0
    # a triple click asks once; Ask is disabled while the question is pending
    box.fill("When will the final agreement be completed?")
    page.locator("#sq-ask").click(click_count=3)
    _answered(page)
    assert page.locator("#sq-chat [data-testid='user']").count() == 1
    assert "(empty)" not in page.locator("#sq-chat").inner_text()
    assert page.locator("#sq-ask").is_disabled()  # the box is empty again
    ctx.close()


def test_non_english_question_gets_a_language_hint(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    _ask(page, "¿Dónde fue la reunión de los ministros?")
    _answered(page)
    assert "only read questions in English" in _bot_text(page) and "Spanish" in _bot_text(page)
    ctx.close()


def test_welcome_examples_are_visible_and_send_on_click(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    assert "Ask a question about the statement" in page.locator("#sq-chat").inner_text()
    first = page.locator("#sq-chat .examples button").first
    bb = first.bounding_box()
    assert bb is not None and bb["y"] + bb["height"] <= DESKTOP["height"], f"first example below the fold: {bb}"
    page.screenshot(path=str(ARTEFACTS / "ui-welcome.png"))
    page.locator("#sq-chat .examples button", has_text="When will the final agreement be completed?").click()
    _answered(page)
    assert "next month" in _bot_text(page)
    link = page.locator(".sq-legend a.sq-link")
    assert link.get_attribute("href").startswith("https://") and link.get_attribute("rel") == "noopener noreferrer"
    ctx.close()


def test_may_answer_middle_ground(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    # The reader abstains (its best span is below the threshold) but the top retrieved sentence
    # holds the answer ("to become victims of violence").
    _ask(page, "What must not happen to migrants on the journey north?")
    _answered(page)
    text = _bot_text(page)
    assert "Not sure" in text and "may answer it" in text and "victims of violence" in text
    assert "do not say" not in text
    assert "victims of violence" in page.locator("#sq-source .maybe").inner_text()
    page.screenshot(path=str(ARTEFACTS / "ui-may-answer.png"))
    ctx.close()


def test_a_question_word_alone_follows_up_in_the_chat(browser, app_server):
    """"When?" after an answer asks the previous question again (statementqa.followup); the chat says
    how it read it, and a yes/no question whose sentence lacks one of its names says so."""
    ctx, page, _ = _open(browser, app_server["url"])
    _ask(page, "Where did Nielsen meet the ministers?")
    _answered(page)
    assert "San Salvador" in _bot_text(page)
    _ask(page, "When?")
    _answered(page, 2)
    text = _bot_text(page)
    assert "February 20" in text and "When did Nielsen meet the ministers?" in text, text
    page.screenshot(path=str(ARTEFACTS / "ui-followup-when.png"))
    _ask(page, "Will the ministers meet in Mexico next month?")
    _answered(page, 3)
    text = _bot_text(page)
    assert "comes closest, but it does not mention" in text and "Mexico" in text and "decides it" not in text, text
    page.screenshot(path=str(ARTEFACTS / "ui-yes-no-closest.png"))
    ctx.close()


def test_copy_gives_the_text_and_messages_have_no_markup_labels(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    _ask(page, "When will the final agreement be completed?")
    _answered(page)
    assert page.locator("#sq-chat [data-testid='bot'][aria-label]").count() == 0
    page.locator("#sq-chat button[aria-label='Copy message']").last.click()
    page.wait_for_timeout(400)
    clip = page.evaluate("navigator.clipboard.readText()")
    assert clip.startswith("next month [1]") and "<a" not in clip and "**" not in clip and "\\[" not in clip
    ctx.close()


# -- compact mode and the embed kit -------------------------------------------------------------

def test_compact_view_has_inline_citations_and_a_link_to_the_full_app(browser, app_server):
    ctx, page, _, _ = _page(browser)
    page.set_viewport_size({"width": 480, "height": 700})
    page.goto(app_server["url"] + "?view=compact")
    page.locator("#sq-question textarea").wait_for(timeout=60_000)
    page.wait_for_function("document.querySelector('#sq-open-full a') !== null", timeout=30_000)
    assert page.locator("#sq-source").count() == 0 or not page.locator("#sq-source").is_visible()
    _ask(page, "When will the final agreement be completed?")
    _answered(page)
    assert "Ministers agreed to complete the final agreement next month" in _bot_text(page)
    page.screenshot(path=str(ARTEFACTS / "ui-compact.png"))
    ctx.close()


def test_embed_kit_events_and_no_host_scroll(browser, app_server):
    httpd = _serve_examples(app_server["embed_port"])
    try:
        ctx, page, outside, _ = _page(browser)
        page.set_viewport_size({"width": 1000, "height": 700})
        page.goto(f"http://127.0.0.1:{app_server['embed_port']}/embed-kit.html?app={app_server['url']}")
        frame = page.frame_locator("#qa-box iframe")
        frame.locator("#sq-question textarea").wait_for(timeout=60_000)
        _ask(frame, "When will the final agreement be completed?")
        y0 = page.evaluate("window.scrollY")  # after Playwright scrolled the Ask button into view
        page.wait_for_function("window.__events.some(e => e.type === 'answered')", timeout=60_000)
        page.wait_for_timeout(500)
        assert abs(page.evaluate("window.scrollY") - y0) <= 2, "the answer scrolled the host page"
        ev = next(e for e in page.evaluate("window.__events") if e["type"] == "answered")
        assert ev["answer"] == "next month" and ev["abstained"] is False and ev["citations"][0]["sentence_index"] == 18
        # clicked by script, so that Playwright does not scroll the element into view itself
        frame.locator("#sq-chat a.sq-cite").first.evaluate("a => a.click()")
        page.wait_for_function("window.__events.some(e => e.type === 'citation')", timeout=10_000)
        assert abs(page.evaluate("window.scrollY") - y0) <= 2, "following a citation scrolled the host page"
        frame.locator("#sq-chat button[aria-label='Like']").last.click()
        page.wait_for_function("window.__events.some(e => e.type === 'feedback')", timeout=10_000)
        page.screenshot(path=str(ARTEFACTS / "embed-kit.png"), full_page=True)
        assert outside == []
        ctx.close()
    finally:
        httpd.shutdown()


def test_embed_kit_says_why_when_the_origin_is_not_allowed(browser, app_server):
    port = free_port()  # not in the app's --cors list
    httpd = _serve_examples(port)
    try:
        ctx, page, _, _ = _page(browser)
        page.goto(f"http://127.0.0.1:{port}/embed-kit.html?app={app_server['url']}")
        msg = page.locator("#qa-box [role='alert']")
        msg.wait_for(timeout=30_000)
        assert "--cors" in msg.inner_text() and f"127.0.0.1:{port}" in msg.inner_text()
        page.goto(f"http://127.0.0.1:{port}/embed.html?app={app_server['url']}")
        page.locator("#component-slot [role='alert']").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTEFACTS / "embed-not-allowed.png"))
        ctx.close()
    finally:
        httpd.shutdown()


def test_dislike_with_reason_and_sentence_becomes_a_test_case(browser, app_server, tmp_path):
    """Dislike -> why + the right sentence (clicked in the source panel) + the right span -> `review
    --accept-all` -> a test case that `statementqa eval` counts."""
    from statementqa.eval.dataset import load_dataset
    from statementqa.eval.runner import run
    from statementqa.review import run_review

    ctx, page, _ = _open(browser, app_server["url"])
    _ask(page, "What did Nielsen say about children?")
    _answered(page)
    page.locator("#sq-chat button[aria-label='Dislike']").last.click()
    page.locator("#sq-fb-reason").first.wait_for(timeout=30_000)
    page.locator("#sq-fb-reason label", has_text="Should have answered").click()
    page.locator("#sq-source .sent", has_text="We cannot allow children").click()
    page.wait_for_function("document.querySelector('#sq-fb-sentence textarea').value.includes('#6]')", timeout=10_000)
    page.locator("#sq-fb-answer textarea").fill("We cannot allow children to be used as pawns")
    page.screenshot(path=str(ARTEFACTS / "ui-feedback-form.png"))
    page.locator("#sq-fb-send").click()
    page.wait_for_function("document.body.innerText.includes('saved for review')", timeout=30_000)
    ctx.close()
    rec = [r for r in _feedback_lines(app_server) if r.get("kind") == "correction"][-1]
    assert rec["reason"] == "should_answer" and rec["sentence"]["sentence_index"] == 6
    assert rec["correct_answer"] == "We cannot allow children to be used as pawns" and rec["reader"].startswith("model@")
    out = tmp_path / "feedback_qa.jsonl"
    stats = run_review(app_server["feedback"], out, accept_all=True, say=lambda s: None)
    assert stats["accepted"] >= 1
    ds = load_dataset(out)
    m = run(app_server["pipeline"], ds, tmp_path / "run", progress=False)
    assert m["n"] == stats["accepted"] and m["f1_by_category"].get("feedback") is not None


def test_permalink_copy_citation_and_export(browser, app_server):
    ctx, page, _ = _open(browser, app_server["url"])
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    _ask(page, "When will the final agreement be completed?")
    _answered(page)
    link = page.locator("#sq-chat a.sq-permalink").first
    href = link.get_attribute("href")
    assert href.startswith("?doc=") and href.endswith("&s=18")
    page.locator("#sq-chat a.sq-copycite").first.click()
    page.wait_for_timeout(400)
    clip = page.evaluate("navigator.clipboard.readText()")
    assert clip.startswith("“Ministers agreed to complete the final agreement next month")
    assert "Secretary Nielsen Meets Northern Triangle" in clip and "2019-02-21" in clip and href in clip
    with page.expect_download() as dl:
        page.locator("#sq-export-md").click()
    md = Path(dl.value.path()).read_text()
    assert "**Q:** When will the final agreement be completed?" in md and "**A:** next month" in md and href in md
    with page.expect_download() as dl:
        page.locator("#sq-export-json").click()
    data = json.loads(Path(dl.value.path()).read_text())
    assert data[0]["answer"] == "next month" and data[0]["citations"][0]["sentence_index"] == 18
    # the permalink opens the app with the panel at that sentence, in a new page
    other = ctx.new_page()
    other.goto(app_server["url"] + href)
    other.wait_for_selector("#sq-source .sent.linked", timeout=60_000)
    assert other.locator("#sq-source .sent.linked").inner_text().startswith("Ministers agreed to complete")
    other.wait_for_function("document.activeElement && document.activeElement.classList.contains('linked')", timeout=10_000)
    inside = other.locator("#sq-source .sent.linked").evaluate(
        "el => { const p = el.closest('.sq-source').getBoundingClientRect(), r = el.getBoundingClientRect();"
        " return r.top >= p.top - 1 && r.top <= p.bottom; }")
    assert inside
    ctx.close()
