/* Trend charts of a unit's subtree (results trends page) with Apache ECharts (vendored):
 * recruitment, reach, narratives and incidents per day.
 *
 * Data comes from `<script type="application/json" id="trends-data">` (json_script): no
 * inline script, CSP-safe. Labels arrive translated from the server; numbers are grouped the
 * Indian way (en-IN / hi-IN: 1,23,456) on axes and in tooltips. Export buttons are wired by
 * charts.js (loaded first), which also lends `draw`.
 */
(function () {
  "use strict";

  function locale() {
    return (document.documentElement.lang || "").indexOf("hi") === 0 ? "hi-IN" : "en-IN";
  }

  function grouped(v) {
    if (v === null || v === undefined || v === "-") return "—";
    return Number(v).toLocaleString(locale(), { maximumFractionDigits: 1 });
  }

  function base(d) {
    var C = window.SamparkCharts;
    return {
      textStyle: { fontFamily: C.FONT },
      animation: false,
      grid: { left: 64, right: 64, top: 48, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", valueFormatter: grouped },
      xAxis: { type: "category", data: d.day_labels, name: "", axisLabel: { hideOverlap: true } },
      yAxis: [{ type: "value", name: d.labels.count, minInterval: 1, axisLabel: { formatter: grouped } }],
    };
  }

  function lines(d, block, keys, colours) {
    var option = base(d);
    option.series = keys.map(function (key, i) {
      return {
        name: d.labels[key], type: "line", data: block[key], symbolSize: 5,
        itemStyle: { color: colours[i] }, lineStyle: { width: 2 },
      };
    });
    return option;
  }

  function incidents(d, block) {
    var option = base(d);
    option.grid.top = 76;
    option.yAxis.push({ type: "value", name: d.labels.minutes_axis, axisLabel: { formatter: grouped } });
    option.series = [
      { name: d.labels.opened, type: "bar", data: block.opened, itemStyle: { color: "#b2182b" } },
      { name: d.labels.answered, type: "bar", data: block.answered, itemStyle: { color: "#67a9cf" } },
      { name: d.labels.in_sla, type: "bar", data: block.in_sla, itemStyle: { color: "#2166ac" } },
      { name: d.labels.minutes, type: "line", yAxisIndex: 1, data: block.minutes, connectNulls: false,
        itemStyle: { color: "#ef8a62" } },
    ];
    return option;
  }

  function init() {
    var node = document.getElementById("trends-data");
    if (!node || typeof window.echarts === "undefined" || !window.SamparkCharts) return;
    var d = JSON.parse(node.textContent);
    var draw = window.SamparkCharts.draw;
    draw("chart-recruitment", lines(d, d.recruitment, ["taken", "verified"], ["#41b6c4", "#253494"]));
    draw("chart-reach", lines(d, d.reach, ["sent", "forwarded"], ["#a1dab4", "#2c7fb8"]));
    if (d.narratives) draw("chart-narratives", lines(d, d.narratives, ["new", "growing"], ["#ef8a62", "#b2182b"]));
    if (d.incidents) draw("chart-incidents", incidents(d, d.incidents));
  }

  document.addEventListener("DOMContentLoaded", init);
})();
