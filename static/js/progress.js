// Progress of a background job: polls the page's JSON endpoint and moves the <progress> bar; reloads the
// page when the job has finished so the report appears, or when its phase changed (queued, not started for a
// while, running: the page says which). Without JavaScript the page offers a Refresh link.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "true") { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var delay = 1000;

  function show(name, value) {
    box.querySelectorAll('[data-count="' + name + '"]').forEach(function (el) { el.textContent = String(value); });
  }

  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (data) {
        if (!data) { delay = Math.min(delay * 2, 10000); window.setTimeout(tick, delay); return; }
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
        show("done", data.done);
        show("total", data.total);
        show("percent", data.percent);
        ["created", "unchanged", "failed"].forEach(function (name) {
          if (data[name] !== undefined) { show(name, data[name]); }
        });
        if (data.finished || (data.phase && data.phase !== box.getAttribute("data-phase"))) {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(tick, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 10000); window.setTimeout(tick, delay); });
  }

  window.setTimeout(tick, delay);
})();
