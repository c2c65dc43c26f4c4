/* The booth grid of an AC's results page: booths in part order, coloured like the maps.
 *
 * Booths have no coordinates in the public data, so each booth is a square placed by its part
 * number (row by row), with the same classes (classes.js: natural breaks or quantiles, 0 a
 * boundary for margins), colours and legend of real ranges as the choropleths. ECharts draws
 * it as a heatmap with a piecewise legend, so PNG/SVG export, tooltips (booth, part no., value
 * grouped the Indian way) and a click to the booth's page come with it. Data comes from the
 * page's `results-chart-data` block (json_script; CSP-safe).
 */
(function () {
  "use strict";

  function locale() {
    return (document.documentElement.lang || "").indexOf("hi") === 0 ? "hi-IN" : "en-IN";
  }

  function fmt(v) {
    return typeof v === "number" ? v.toLocaleString(locale(), { maximumFractionDigits: 1 }) : "—";
  }

  function option(grid, el) {
    var C = window.SamparkClasses;
    var booths = grid.booths;
    var cols = Math.max(1, Math.min(30, Math.ceil(Math.sqrt(booths.length * 1.8))));
    var rows = Math.ceil(booths.length / cols);
    // Square cells that fit the box beside a legend of 190 px.
    var cell = Math.max(6, Math.floor(Math.min((el.clientWidth - 200) / cols, (el.clientHeight - 16) / rows, 44)));
    var values = booths.map(function (b) { return b[3]; });
    var classes = C.classify(values, { method: grid.method, diverging: grid.diverging });
    var pieces = classes.bounds.map(function (bound, i) {
      return { gte: bound[0], lte: bound[1], color: classes.colours[i], label: fmt(bound[0]) + " – " + fmt(bound[1]) };
    });
    // A booth without a value gets a sentinel below every class, shown as the grey "no data".
    var NONE = -1e12;
    pieces.push({ value: NONE, color: C.NO_DATA, label: grid.labels.no_data });
    var data = booths.map(function (b, i) {
      return [i % cols, Math.floor(i / cols), typeof b[3] === "number" ? b[3] : NONE, i];
    });
    return {
      textStyle: { fontFamily: window.SamparkCharts.FONT },
      animation: false,
      grid: { left: 8, top: 8, width: cols * cell, height: rows * cell },
      tooltip: {
        formatter: function (p) {
          var b = booths[p.data[3]];
          return b[2] + "<br>" + grid.labels.part + " " + b[1] + "<br>" + grid.labels.legend + ": " + fmt(b[3]);
        },
      },
      xAxis: { type: "category", show: false, data: Array.from({ length: cols }, function (_, i) { return i; }) },
      yAxis: { type: "category", show: false, inverse: true, data: Array.from({ length: rows }, function (_, i) { return i; }) },
      visualMap: {
        type: "piecewise", pieces: pieces, dimension: 2, left: cols * cell + 28, top: 8, orient: "vertical",
        text: [grid.labels.legend], showLabel: true, textGap: 8, itemWidth: 16, itemHeight: 12,
        selectedMode: false,
      },
      series: [{
        type: "heatmap", data: data, itemStyle: { borderColor: "#fff", borderWidth: 1 },
        label: { show: cell >= 22, fontSize: 9, color: "#1d2430",
          formatter: function (p) { return booths[p.data[3]][1]; } },
        emphasis: { itemStyle: { borderColor: "#1d2430", borderWidth: 2 } },
      }],
    };
  }

  function init() {
    var node = document.getElementById("results-chart-data");
    if (!node || typeof window.echarts === "undefined" || !window.SamparkCharts || !window.SamparkClasses) return;
    var grid = JSON.parse(node.textContent).grid;
    if (!grid || !grid.booths.length) return;
    var box = document.getElementById("chart-booths");
    if (!box) return;
    window.SamparkCharts.draw("chart-booths", option(grid, box), function (p) {
      var b = grid.booths[p.data[3]];
      if (b && b[4]) window.location.assign(b[4]);
    });
    box.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", init);
})();
