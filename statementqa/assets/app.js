// statementqa page script: loaded by the app itself (no CDN), in the page, the iframe and the web
// component alike. What it does:
// * citation links [n] scroll the source panel (never the page or a host page) to the sentence,
//   flash it and move keyboard focus there;
// * after an answer, the source panel scrolls itself to the first highlighted sentence;
// * the question box: a character counter and an Ask button that is disabled while the box is
//   empty or a question is pending;
// * the dislike form: a click on a sentence in the source panel picks it as the right one;
// * messages: copy buttons copy the text people see (not the Markdown/HTML source) and messages
//   carry no aria-label with markup (screen readers read the text itself);
// * postMessage events to a host page when embedded (only to an origin allowed with --cors): statementqa:answered, statementqa:citation,
//   statementqa:feedback (see README, "Embedding").
(() => {
  if (window.__sqInstalled) return;
  window.__sqInstalled = true;
  const MAX = Number(window.SQ_MAX_QUESTION_CHARS || 1000);
  const state = { pending: false };

  // Gradio renders into the page or into <gradio-app> (light or shadow DOM): query all roots.
  function roots() {
    const out = [document];
    document.querySelectorAll("gradio-app").forEach((g) => { if (g.shadowRoot) out.push(g.shadowRoot); });
    return out;
  }
  function q(sel) {
    for (const r of roots()) { const el = r.querySelector(sel); if (el) return el; }
    return null;
  }
  function qa(sel) {
    return roots().flatMap((r) => Array.from(r.querySelectorAll(sel)));
  }
  // Events go only to a host page whose origin the app allows (--cors) or its own origin, never to "*".
  const ALLOWED = (window.SQ_EMBED_ORIGINS || []).concat([location.origin]);
  function hostOrigin() {
    try {
      if (location.ancestorOrigins && location.ancestorOrigins.length) return location.ancestorOrigins[0];
      return document.referrer ? new URL(document.referrer).origin : null;
    } catch (e) { return null; }
  }
  function post(type, detail) {
    if (window.parent === window) return;
    const target = hostOrigin();
    if (!target || !ALLOWED.includes(target)) return;
    // A plain copy: values from Gradio may be reactive proxies, which postMessage cannot clone.
    const data = JSON.parse(JSON.stringify({ ...detail, source: "statementqa", type }));
    try { window.parent.postMessage(data, target); } catch (e) { /* ignore */ }
  }

  // Scroll only the panel: scrollIntoView would also scroll the page and any host page.
  function scrollPanelTo(el, flash) {
    const panel = el.closest(".sq-source");
    if (!panel) return;
    const top = el.getBoundingClientRect().top - panel.getBoundingClientRect().top + panel.scrollTop;
    panel.scrollTop = Math.max(0, top - panel.clientHeight / 3);
    if (flash) {
      el.classList.add("sq-flash");
      setTimeout(() => el.classList.remove("sq-flash"), 1500);
      el.setAttribute("tabindex", "-1");
      el.focus({ preventScroll: true });
    }
  }
  window.sqScrollToHighlight = () => {
    const el = q("#sq-source .cited, #sq-source .maybe, #sq-source .related");
    if (el) scrollPanelTo(el, false);
  };

  function citationTarget(a) {
    const id = decodeURIComponent((a.getAttribute("href") || "").replace(/^#/, ""));
    return id ? q("#" + CSS.escape(id)) : null;
  }
  function onClick(ev) {
    const a = ev.composedPath().find((n) => n instanceof Element && n.matches && n.matches("a.sq-cite"));
    if (a) {
      ev.preventDefault();
      const target = citationTarget(a);
      if (target) scrollPanelTo(target, true);
      const m = /^#sq-s-([0-9a-f]+)-(\d+)$/.exec(a.getAttribute("href") || "");
      post("citation", { doc_id: m ? m[1] : null, sentence_index: m ? Number(m[2]) : null, text: target ? target.innerText : null });
      return;
    }
    // While the "what went wrong" form is open, a click on a sentence in the source panel picks it.
    const sent = ev.composedPath().find((n) => n instanceof Element && n.matches && n.matches("#sq-source .sent"));
    const form = q("#sq-fb");
    if (sent && form && form.offsetParent !== null) {
      const m = /^sq-s-([0-9a-f]+)-(\d+)$/.exec(sent.id || "");
      const box = q("#sq-fb-sentence textarea, #sq-fb-sentence input");
      if (m && box) {
        box.value = `[${m[1]} #${m[2]}] ${sent.innerText.trim()}`;
        box.dispatchEvent(new Event("input", { bubbles: true }));
        qa("#sq-source .sq-picked").forEach((e) => e.classList.remove("sq-picked"));
        sent.classList.add("sq-picked");
      }
      return;
    }
    const copy = ev.composedPath().find((n) => n instanceof Element && n.matches && n.matches("a.sq-copycite"));
    if (copy) {
      ev.preventDefault();
      const url = new URL(copy.getAttribute("href"), location.href).href;
      const m = /doc=([0-9a-f]+)&s=(\d+)/.exec(url);
      const el = m ? q("#" + CSS.escape(`sq-s-${m[1]}-${m[2]}`)) : null;
      const row = copy.closest("p, li");
      const quote = el ? el.innerText.trim() : (row ? row.innerText.replace(/\s*·\s*link\s*·\s*copy citation\s*$/, "").trim() : "");
      const title = (q(".sq-doc h2") || {}).innerText || "";
      const legend = ((q(".sq-legend") || {}).innerText || "").split("·").map((x) => x.trim())
        .filter((x) => x && !/sentence|answer|original source|PDF,/.test(x)).join(", ");
      const text = `“${quote}” — ${[title, legend].filter(Boolean).join(", ")}. ${url}`;
      if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
      copy.textContent = "copied";
      setTimeout(() => { copy.textContent = "copy citation"; }, 1500);
      return;
    }
    const ask = ev.composedPath().find((n) => n instanceof Element && n.id === "sq-ask");
    if (ask) {
      if (!ask.disabled) { state.pending = true; setTimeout(sync, 0); }
      return;
    }
    const btn = ev.composedPath().find((n) => n instanceof Element && n.matches && n.matches("#sq-chat button"));
    if (!btn) return;
    const label = btn.getAttribute("aria-label") || "";
    if (label === "Copy message" || label === "Copy conversation") {
      const text = label === "Copy message" ? messageText(btn) : conversationText();
      // Gradio writes the raw message source first; replace it with what the user sees.
      if (text !== null && navigator.clipboard) setTimeout(() => navigator.clipboard.writeText(text).catch(() => {}), 60);
    } else if (label === "Like" || label === "Dislike") {
      post("feedback", { liked: label === "Like", answer: messageText(btn) });
    } else if (label === "Clear") {
      state.pending = false;
    }
  }
  function messageOf(btn) {
    let n = btn;
    while (n && n !== document.body) {
      const msgs = n.querySelectorAll ? n.querySelectorAll("[data-testid='bot'], [data-testid='user']") : [];
      if (msgs.length) return msgs[msgs.length - 1];
      n = n.parentElement;
    }
    return null;
  }
  function messageText(btn) {
    const m = messageOf(btn);
    const c = m && (m.querySelector(".message-content") || m);
    return c ? c.innerText.trim() : null;
  }
  function conversationText() {
    return qa("#sq-chat [data-testid='bot'], #sq-chat [data-testid='user']")
      .map((m) => (m.getAttribute("data-testid") === "user" ? "You: " : "Assistant: ") +
        ((m.querySelector(".message-content") || m).innerText.trim()))
      .join("\n\n");
  }

  // Question box: counter, Ask enabled only with text and while nothing is pending.
  function sync() {
    const box = q("#sq-question textarea");
    const ask = q("#sq-ask");
    const counter = q("#sq-counter");
    const n = box ? box.value.length : 0;
    if (box && box.getAttribute("maxlength") !== String(MAX)) box.setAttribute("maxlength", String(MAX));
    if (counter) {
      const text = `${n} / ${MAX} characters`;
      if (counter.textContent !== text) counter.textContent = text;
      counter.classList.toggle("over", n >= MAX);
    }
    if (ask) {
      const off = state.pending || !box || !box.value.trim();
      if (ask.disabled !== off) ask.disabled = off;
      ask.setAttribute("aria-disabled", String(off));
    }
    // A sentence permalink (?doc=&s=) opened the page: bring that sentence into view once.
    const linked = q("#sq-source .sent.linked");
    if (linked && !linked.dataset.sqShown) { linked.dataset.sqShown = "1"; scrollPanelTo(linked, true); }
    // Example questions: Gradio marks their box role=list around plain buttons (axe: critical).
    qa("#sq-chat .examples[role='list']").forEach((e) => { e.setAttribute("role", "group"); e.setAttribute("aria-label", "Example questions"); });
    // Messages: no aria-label holding the Markdown/HTML source.
    qa("#sq-chat [data-testid='bot'][aria-label], #sq-chat [data-testid='user'][aria-label]").forEach((m) => m.removeAttribute("aria-label"));
  }
  function onKey(ev) {
    const t = ev.composedPath()[0];
    if (ev.key === "Enter" && !ev.shiftKey && t instanceof Element && t.closest("#sq-question")) {
      if (!t.value.trim() || state.pending) { ev.preventDefault(); ev.stopImmediatePropagation(); return; }
      state.pending = true;
      setTimeout(sync, 0);
    }
  }
  window.sqAnswered = (info) => {
    state.pending = false;
    sync();
    window.sqScrollToHighlight();
    if (info && typeof info === "object" && info.question !== undefined) post("answered", info);
  };
  window.sqPendingDone = () => { state.pending = false; sync(); };

  document.addEventListener("click", onClick, true);
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("input", sync, true);
  new MutationObserver(() => sync()).observe(document.documentElement, { childList: true, subtree: true });
  setInterval(sync, 500);
  sync();
})();
