// statementqa embed loader: <div id="statementqa"></div><script src="APP/embed.js" data-target="#statementqa"></script>
// Options (data-* on the script tag): data-target (CSS selector of the box, default: a new box after the
// script), data-view="compact" (no source panel, citations inline, a link to the full app) or "full",
// data-theme="light" | "dark", data-height (iframe height, default 640 compact / 860 full).
// It embeds the app in an iframe (so the host page never scrolls when an answer arrives) and relays the
// app's postMessage events as DOM events on the box: statementqa:answered, statementqa:citation,
// statementqa:feedback (event.detail = the message). If the app does not allow this page's origin
// (start it with --cors <origin>), the box says so instead of staying blank.
(function () {
  var script = document.currentScript;
  if (!script) return;
  var base = script.src.replace(/\/embed\.js(\?.*)?$/, "");
  var appOrigin = new URL(base, location.href).origin;
  var view = script.getAttribute("data-view") || "compact";
  var theme = script.getAttribute("data-theme");
  var height = script.getAttribute("data-height") || (view === "compact" ? "640" : "860");
  var box = script.getAttribute("data-target") ? document.querySelector(script.getAttribute("data-target")) : null;
  if (!box) {
    box = document.createElement("div");
    script.parentNode.insertBefore(box, script.nextSibling);
  }
  box.classList.add("statementqa-embed");

  function say(text) {
    var p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.className = "statementqa-embed-error";
    p.style.cssText = "border:1px solid #b3261e;border-radius:6px;padding:0.75rem;color:#7a1c16;background:#fdecea;font:14px system-ui,sans-serif";
    p.textContent = text;
    box.replaceChildren(p);
  }

  // The same check a browser makes for the app's API: a CORS request from this page's origin.
  fetch(base + "/readyz", { mode: "cors" }).then(function () {
    var params = new URLSearchParams();
    if (view === "compact") params.set("view", "compact");
    if (theme) params.set("__theme", theme);
    var frame = document.createElement("iframe");
    frame.src = base + "/?" + params.toString();
    frame.title = "statementqa: ask the statement";
    frame.style.cssText = "width:100%;border:0;height:" + Number(height) + "px";
    frame.setAttribute("loading", "lazy");
    box.replaceChildren(frame);
    window.addEventListener("message", function (ev) {
      if (ev.origin !== appOrigin || ev.source !== frame.contentWindow) return;
      var d = ev.data;
      if (!d || d.source !== "statementqa" || typeof d.type !== "string") return;
      box.dispatchEvent(new CustomEvent("statementqa:" + d.type, { detail: d, bubbles: true }));
    });
  }).catch(function () {
    say("The statementqa assistant at " + appOrigin + " does not allow this page (" + location.origin +
        ") to embed it, or it is not running. Ask its operator to start it with --cors " + location.origin + ".");
  });
})();
