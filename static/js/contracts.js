// Progressive enhancement only: the contract page works without this file.
(function () {
  "use strict";
  // The registrar's decision: show only the fields of the chosen outcome. The groups not chosen are hidden
  // and disabled, so what the registrar cannot see is not sent either.
  document.querySelectorAll("form[data-decision-form]").forEach(function (form) {
    var select = form.querySelector('select[name="decision"]');
    if (!select) { return; }
    function sync() {
      form.querySelectorAll("[data-outcome]").forEach(function (group) {
        var chosen = group.getAttribute("data-outcome") === select.value;
        group.hidden = !chosen;
        group.disabled = !chosen;
      });
    }
    select.addEventListener("change", sync);
    sync();
  });
})();
