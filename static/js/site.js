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
