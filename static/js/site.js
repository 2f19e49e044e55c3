// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Organisation form: show only the region fields that apply.
  function syncRegion(form) {
    var checked = form.querySelector('input[name="region_kind"]:checked');
    var kind = checked ? checked.value : "local";
    form.querySelectorAll("[data-region]").forEach(function (el) {
      el.hidden = el.getAttribute("data-region").split(" ").indexOf(kind) === -1;
    });
  }
  document.querySelectorAll("form[data-org-form]").forEach(function (form) {
    form.querySelectorAll('input[name="region_kind"]').forEach(function (r) {
      r.addEventListener("change", function () { syncRegion(form); });
    });
    syncRegion(form);
  });
  // Confirm destructive buttons.
  document.querySelectorAll("[data-confirm]").forEach(function (btn) {
    btn.addEventListener("click", function (ev) {
      if (!window.confirm(btn.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
})();
// Menus built on <details>: close when clicking elsewhere or pressing Escape.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(ev.target)) { d.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) { s.focus(); }
    });
  });
})();
