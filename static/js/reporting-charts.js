// Draws each statistics table as an ECharts chart above it. The table stays: it is the chart's text
// alternative and what is shown without JavaScript or without ECharts.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  document.querySelectorAll(".report-chart").forEach(function (box) {
    var table = document.getElementById(box.dataset.table);
    if (!table) { return; }
    var labels = [], values = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      labels.push(row.dataset.label);
      values.push(Number(box.dataset.measure === "amount" ? row.dataset.amount : row.dataset.count));
    });
    box.hidden = false;
    var line = box.dataset.chart === "line";
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: line ? { type: "category", data: labels } : { type: "value" },
      yAxis: line ? { type: "value" } : { type: "category", data: labels, inverse: true },
      series: [{ type: line ? "line" : "bar", data: values, itemStyle: { color: "#0b5ed7" }, smooth: line }]
    });
    if (!line) { box.style.height = Math.max(160, labels.length * 24 + 40) + "px"; chart.resize(); }
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
