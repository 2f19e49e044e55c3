// Search: suggestions under every search box (an ARIA 1.2 combobox) and the results page's form.
// Progressive enhancement only: without this file the boxes are plain GET forms and everything works.
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  var TEXT = zh
    ? { titles: "成果与需求", terms: "领域词", count: "条建议", none: "" }
    : { titles: "Listings", terms: "Terms", count: " suggestions", none: "" };
  var DELAY = 180;
  var counter = 0;

  function mark(parent, text, needle) {
    // Builds "text" with the first occurrence of needle in <mark>, using text nodes only (no innerHTML).
    var at = needle ? text.toLowerCase().indexOf(needle.toLowerCase()) : -1;
    if (at < 0) { parent.appendChild(document.createTextNode(text)); return; }
    parent.appendChild(document.createTextNode(text.slice(0, at)));
    var m = document.createElement("mark");
    m.textContent = text.slice(at, at + needle.length);
    parent.appendChild(m);
    parent.appendChild(document.createTextNode(text.slice(at + needle.length)));
  }

  function setup(input) {
    var form = input.form;
    var url = input.getAttribute("data-suggest-url");
    if (!form || !url || !window.fetch) { return; }
    var id = "suggest-" + (++counter);
    var box = document.createElement("div");
    box.className = "suggest-list";
    box.id = id;
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", zh ? "搜索建议" : "Search suggestions");
    box.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var anchor = input.parentNode;
    anchor.classList.add("suggest-anchor");
    anchor.appendChild(box);
    anchor.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);

    var options = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastAsked = null;

    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function activate(i) {
      if (active >= 0 && options[active]) { options[active].classList.remove("active"); options[active].setAttribute("aria-selected", "false"); }
      active = i;
      if (i < 0) { input.removeAttribute("aria-activedescendant"); return; }
      var el = options[i];
      el.classList.add("active");
      el.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", el.id);
      el.scrollIntoView({ block: "nearest" });
    }

    function choose(el) {
      input.value = el.getAttribute("data-value");
      close();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }

    function group(label, values, needle, kind) {
      if (!values.length) { return; }
      var g = document.createElement("div");
      g.setAttribute("role", "group");
      var head = document.createElement("div");
      head.className = "suggest-head";
      head.id = id + "-" + kind;
      head.setAttribute("role", "presentation");
      head.textContent = label;
      g.setAttribute("aria-labelledby", head.id);
      g.appendChild(head);
      values.forEach(function (value) {
        var opt = document.createElement("div");
        opt.className = "suggest-option suggest-" + kind;
        opt.id = id + "-opt-" + options.length;
        opt.setAttribute("role", "option");
        opt.setAttribute("aria-selected", "false");
        opt.setAttribute("data-value", value);
        mark(opt, value, needle);
        opt.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
        opt.addEventListener("click", function () { choose(opt); });
        options.push(opt);
        g.appendChild(opt);
      });
      box.appendChild(g);
    }

    function render(data, needle) {
      box.textContent = "";
      options = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      group(TEXT.titles, data.titles || [], needle, "title");
      group(TEXT.terms, data.terms || [], needle, "term");
      if (!options.length) { close(); status.textContent = ""; return; }
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = options.length + TEXT.count;
    }

    function ask() {
      var text = input.value.trim();
      if (!text) { close(); lastAsked = null; return; }
      if (text === lastAsked) { return; }
      lastAsked = text;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined
      }).then(function (r) { return r.ok ? r.json() : { titles: [], terms: [] }; })
        .then(function (data) { if (input.value.trim() === text) { render(data, text); } })
        .catch(function () { /* aborted or offline: the plain form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (ev) {
      var open = !box.hidden;
      if (ev.key === "ArrowDown" || ev.key === "Down") {
        ev.preventDefault();
        if (!open) { lastAsked = null; ask(); return; }
        activate(options.length ? (active + 1) % options.length : -1);
      } else if (ev.key === "ArrowUp" || ev.key === "Up") {
        if (!open) { return; }
        ev.preventDefault();
        activate(options.length ? (active <= 0 ? options.length - 1 : active - 1) : -1);
      } else if (ev.key === "Enter") {
        if (open && active >= 0) { ev.preventDefault(); choose(options[active]); }
      } else if (ev.key === "Escape" || ev.key === "Esc") {
        if (open) { ev.preventDefault(); close(); }
      } else if (ev.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 120); });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(setup);

  // The results page: apply the sort at once, and keep unused fields out of the address.
  document.querySelectorAll("form[data-search-page]").forEach(function (form) {
    form.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); } });
    });
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (el) {
        var unused = ((el.type === "text" || el.type === "search" || el.type === "date" || el.tagName === "SELECT") && !el.value) ||
          (el.name === "kind" && el.value === "all") || (el.name === "sort" && el.value === "relevance");
        if (unused) { el.disabled = true; }
      });
    });
    // Coming back with the browser's Back button: fields disabled above must work again.
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("input, select").forEach(function (el) { el.disabled = false; });
    });
  });
})();
