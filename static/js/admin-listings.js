// Review queue: a "select all" box for the bulk decision. The page works without it.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) { return; }
  all.hidden = false;
  var boxes = document.querySelectorAll('input[name="selected"]');
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
})();
