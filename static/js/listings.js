// Listing pages: progressive enhancement only; every form works without this file.
(function () {
  "use strict";
  // Browse filters: leave empty inputs out of the address, so the URL shows only the filters in use.
  document.querySelectorAll("form[data-filter-form]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (el) {
        if ((el.type === "text" || el.type === "date" || el.tagName === "SELECT") && !el.value) {
          el.disabled = true;
        }
      });
      var sort = form.querySelector('select[name="sort"]');
      if (sort && sort.value === "newest") { sort.disabled = true; }
    });
  });
  // Small filter forms (my listings): apply on change.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select").forEach(function (el) {
      el.addEventListener("change", function () { form.submit(); });
    });
  });
  // Listing editor: amounts only matter when the price is not negotiable.
  document.querySelectorAll("form[data-listing-form]").forEach(function (form) {
    var negotiable = form.querySelector('input[name="negotiable"]');
    var amounts = form.querySelector("[data-amounts]");
    if (!negotiable || !amounts) { return; }
    var sync = function () {
      amounts.classList.toggle("amounts-muted", negotiable.checked);
      amounts.querySelectorAll("input").forEach(function (el) { el.disabled = negotiable.checked; });
    };
    negotiable.addEventListener("change", sync);
    sync();
  });
})();
