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
})();
