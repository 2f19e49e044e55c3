// The auction page: counts down with the server's clock (the offset is taken from the page and every poll) and
// polls the small JSON status with ETag; without JavaScript the page works by reloading it.
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var etag = box.getAttribute("data-etag");
  var offset = Date.parse(box.getAttribute("data-server-time")) - Date.now();
  var status = box.getAttribute("data-status");
  var target = Date.parse(box.getAttribute(status === "scheduled" ? "data-starts-at" : "data-ends-at"));
  var lang = document.documentElement.lang || "zh-CN";
  function field(name) { return box.querySelector('[data-live="' + name + '"]'); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now() + offset;
    var clock = field("server_time");
    if (clock) {
      clock.textContent = new Date(now).toLocaleString(lang, { timeZone: "Asia/Shanghai", hour12: false });
    }
    if (status !== "open" && status !== "scheduled") { return; }
    var left = Math.max(0, Math.floor((target - now) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60);
    var text = (d ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(left % 60);
    var cd = field("countdown");
    if (cd) { cd.textContent = text; }
    if (left === 0 && url) { poll(); }
  }
  function money(v) {
    return Number(v).toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function apply(s) {
    offset = Date.parse(s.server_time) - Date.now();
    var changedState = s.status !== status;
    status = s.status;
    target = Date.parse(status === "scheduled" ? s.starts_at : s.ends_at);
    if (s.high !== null && field("high")) { field("high").textContent = money(s.high); }
    if (s.high_bidder && field("high_bidder")) { field("high_bidder").textContent = s.high_bidder; }
    if (field("bid_count")) { field("bid_count").textContent = s.bid_count; }
    if (field("ends_at")) {
      field("ends_at").textContent = new Date(Date.parse(s.ends_at)).toLocaleString(lang, { timeZone: "Asia/Shanghai", hour12: false });
    }
    if (changedState) { window.location.reload(); }
  }
  var busy = false;
  function poll() {
    if (busy || !url) { return; }
    busy = true;
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = '"' + etag + '"'; }
    fetch(url, { headers: headers, credentials: "same-origin" }).then(function (r) {
      if (r.status === 200) {
        return r.json().then(function (s) { etag = s.etag; apply(s); });
      }
      return null;
    }).catch(function () { return null; }).then(function () { busy = false; });
  }
  tick();
  window.setInterval(tick, 1000);
  if (url) { window.setInterval(poll, 3000); }
}());
