// Live reload for `opsledger serve`: waits on the server for the next build (long-poll), reloads
// the page after a good one and shows the diagnostics of a failed one over the last good site.
(function () {
  "use strict";
  var me = document.currentScript;
  var version = Number(new URL(me.src).searchParams.get("v")) || 0;
  var box = null;

  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "opsledger-live-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;" +
        "margin:0;padding:1em 1.5em;background:#fff4f4;color:#5c0000;border-top:3px solid #c00;" +
        "font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 -4px 16px rgba(0,0,0,.2)";
      var title = document.createElement("strong");
      title.textContent = "opsledger serve: the last change does not build; this is the last good site.";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:.5em 0 0";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.lastChild.textContent = text;
  }

  function poll() {
    fetch("/__opsledger/wait?since=" + version, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.site_version > version) { location.reload(); return; }
        if (s.error) { show(s.error); } else if (box) { box.remove(); box = null; }
        version = s.version;
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
