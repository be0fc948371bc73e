// Small progressive enhancements: keyboard shortcuts on a review page and the
// found text of a field marked on its page while the field has the focus.
// Everything works without this file.
(function () {
  "use strict";
  function typing(el) { return el && (el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA"); }
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && typing(document.activeElement)) { document.activeElement.blur(); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) { return; }
    var ids = { a: "accept", s: "correct", p: "defer", n: "next" };
    var el = ids[ev.key] && document.getElementById(ids[ev.key]);
    if (el) { ev.preventDefault(); el.click(); }
  });
  document.addEventListener("focusin", function (ev) {
    var name = ev.target && ev.target.getAttribute && ev.target.getAttribute("data-field");
    document.querySelectorAll("rect.mark").forEach(function (r) {
      var on = name && r.getAttribute("data-field") === name;
      r.classList.toggle("active", !!on);
      if (on && r.ownerSVGElement) { r.ownerSVGElement.parentNode.scrollIntoView({ block: "nearest" }); }
    });
  });
  // "Being worked on": activity on a review page keeps the clerk's mark fresh (at most once a minute);
  // leaving the page ends it. Without this file the mark ends 15 minutes after the page was shown.
  var presence = document.getElementById("presence");
  if (presence) {
    var last = Date.now(), leaving = false;
    var send = function (state) {
      var body = new URLSearchParams({ state: state, visit: presence.dataset.visit, csrf: presence.dataset.csrf });
      if (state === "left") { if (navigator.sendBeacon) { navigator.sendBeacon(presence.dataset.url, body); } return; }
      fetch(presence.dataset.url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {  // another clerk opened it meanwhile (or left): the notice as the page would show it
          var note = document.getElementById("open-by");
          if (d && note) { note.textContent = d.notice; note.hidden = !d.notice; }
        }).catch(function () {});
    };
    ["keydown", "input", "pointerdown", "scroll"].forEach(function (name) {
      document.addEventListener(name, function () {
        if (Date.now() - last > 60000) { last = Date.now(); send("here"); }
      }, { passive: true, capture: true });
    });
    document.addEventListener("submit", function () { leaving = true; }, true);  // the answer says what follows
    window.addEventListener("pagehide", function () { if (!leaving) { send("left"); } });
  }
})();
