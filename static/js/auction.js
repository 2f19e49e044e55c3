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
  function field(name) { return box.querySelector('[data-live="' + name + '"]'); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now() + offset;
    var clock = field("server_time");
    if (clock) {
      clock.textContent = when(now);
    }
    if (status !== "open" && status !== "scheduled") { return; }
    var left = Math.max(0, Math.floor((target - now) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60);
    var text = (d ? d + (zh ? " 天 " : "d ") : "") + pad(h) + ":" + pad(m) + ":" + pad(left % 60);
    var cd = field("countdown");
    if (cd) { cd.textContent = text; }
    if (left === 0 && url) { poll(); }
  }
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  function money(v) {  // as the server's money filter writes it: 万元 in Chinese from 10,000 yuan on
    var n = Number(v), f = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    if (zh && Math.abs(n) >= 10000) { return (n / 10000).toLocaleString("en-US", f) + " 万元"; }
    return "¥" + n.toLocaleString("en-US", f);
  }
  function when(ms) {  // 2026-12-03 09:15:00 in China time, as the server writes it
    return new Date(ms).toLocaleString("sv-SE", { timeZone: "Asia/Shanghai", hour12: false });
  }
  function apply(s) {
    offset = Date.parse(s.server_time) - Date.now();
    var changedState = s.status !== status;
    status = s.status;
    target = Date.parse(status === "scheduled" ? s.starts_at : s.ends_at);
    if (s.high !== null && field("high")) { field("high").textContent = money(s.high); }
    if (s.high_bidder && field("high_bidder")) { field("high_bidder").textContent = s.high_bidder; }
    var lead = field("you_lead");
    if (lead) { lead.hidden = s.high_bidder !== lead.dataset.me; }
    if (field("bid_count")) { field("bid_count").textContent = s.bid_count; }
    if (field("ends_at")) {
      field("ends_at").textContent = when(Date.parse(s.ends_at)).slice(0, 16);
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
