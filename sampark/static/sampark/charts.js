/* Charts of the results pages with Apache ECharts (vendored): strength against vote share
 * (scatter; a point opens that place) and the organisation's share over the elections.
 *
 * Data comes from `<script type="application/json" id="results-chart-data">` (json_script):
 * no inline script, CSP-safe. Each chart has PNG and SVG buttons (`data-export`). Text uses
 * Noto Sans Devanagari so Hindi labels are shaped. `window.SamparkCharts` lends `draw` and the
 * export to the other chart scripts (trends.js, boothgrid.js); buttons are wired for all.
 */
(function () {
  "use strict";

  var FONT = "Noto Sans Devanagari, system-ui, sans-serif";
  var charts = {};

  function data() {
    var node = document.getElementById("results-chart-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function scatterOption(d) {
    return {
      textStyle: { fontFamily: FONT },
      animation: false,
      grid: { left: 56, right: 24, top: 24, bottom: 48 },
      tooltip: {
        formatter: function (p) {
          return p.data[2] + "<br>" + d.labels.share + ": " + p.data[0] + "<br>" + d.labels.score + ": " + p.data[1];
        },
      },
      xAxis: { name: d.labels.share, nameLocation: "middle", nameGap: 30, scale: true },
      yAxis: { name: d.labels.score, nameLocation: "middle", nameGap: 40, min: 0 },
      series: [{ type: "scatter", symbolSize: 9, itemStyle: { color: "#2c7fb8", opacity: 0.8 }, data: d.scatter }],
    };
  }

  function historyOption(d) {
    return {
      textStyle: { fontFamily: FONT },
      animation: false,
      grid: { left: 56, right: 24, top: 36, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.history.map(function (h) { return h.election; }) },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [
        { name: d.labels.share, type: "line", symbolSize: 8, itemStyle: { color: "#2166ac" },
          data: d.history.map(function (h) { return h.share; }) },
        { name: d.labels.turnout, type: "line", symbolSize: 8, itemStyle: { color: "#ef8a62" },
          data: d.history.map(function (h) { return h.turnout; }) },
      ],
    };
  }

  function draw(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    if (onClick) chart.on("click", onClick);
    charts[id] = { chart: chart, option: option, el: el };
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function save(url, name) {
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function exportChart(id, type) {
    var found = charts[id];
    if (!found) return;
    if (type === "png") {
      save(found.chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" }), id + ".png");
      return;
    }
    var box = document.createElement("div");
    box.className = "chart-offscreen";
    document.body.appendChild(box);
    var svg = window.echarts.init(box, null, { renderer: "svg", width: found.el.clientWidth, height: found.el.clientHeight });
    svg.setOption(found.option);
    save(svg.getDataURL({ type: "svg" }), id + ".svg");
    svg.dispose();
    box.remove();
  }

  function wireExports() {
    document.querySelectorAll("[data-export]").forEach(function (button) {
      button.addEventListener("click", function () {
        exportChart(button.dataset.chart, button.dataset.export);
      });
    });
  }

  // Shared with trends.js (loaded after this file): drawing, the export buttons, the font.
  window.SamparkCharts = { draw: draw, exportChart: exportChart, FONT: FONT };

  function init() {
    if (typeof window.echarts === "undefined") return;
    wireExports();
    var d = data();
    if (!d) return;
    if (d.scatter.length) {
      draw("chart-scatter", scatterOption(d), function (p) {
        var link = document.querySelector('[data-unit-link="' + p.data[3] + '"]');
        if (link) window.location.assign(link.getAttribute("href"));
      });
    }
    if (d.history.length) draw("chart-history", historyOption(d));
  }

  document.addEventListener("DOMContentLoaded", init);
})();
