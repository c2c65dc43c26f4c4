/* Classes that separate the data, for choropleths (window.SamparkClasses).
 *
 * `breaks(values, k, method)` returns the upper bounds of k classes computed from the values
 * themselves: "quantile" (equal counts) or "jenks" (natural breaks, Fisher–Jenks by dynamic
 * programming; n is at most a few hundred units, so O(k·n²) is instant). A diverging
 * indicator (a margin: below 0 lost, above 0 won) classes each side separately so that 0 is
 * always a boundary. Colours are ColorBrewer schemes marked colour-blind safe: YlGnBu
 * (sequential) and RdBu (diverging).
 */
(function () {
  "use strict";

  var SEQUENTIAL = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];
  var DIVERGING = ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"];
  var NO_DATA = "#cbd5e1";

  function sorted(values) {
    return values.filter(function (v) { return typeof v === "number" && isFinite(v); })
      .sort(function (a, b) { return a - b; });
  }

  function unique(list) {
    var out = [];
    list.forEach(function (v) { if (out.indexOf(v) < 0) out.push(v); });
    return out;
  }

  function quantile(values, k) {
    var v = sorted(values);
    if (!v.length) return [];
    var out = [];
    for (var i = 1; i <= k; i++) {
      out.push(v[Math.min(v.length - 1, Math.ceil((i * v.length) / k) - 1)]);
    }
    return unique(out);
  }

  function jenks(values, k) {
    var v = sorted(values);
    var n = v.length;
    if (!n) return [];
    if (n <= k) return unique(v);
    var lower = [], cost = [], i, j, m;
    for (i = 0; i <= n; i++) {
      lower.push(new Array(k + 1).fill(0));
      cost.push(new Array(k + 1).fill(Infinity));
    }
    for (j = 1; j <= k; j++) { lower[1][j] = 1; cost[1][j] = 0; }
    for (i = 2; i <= n; i++) {
      var s1 = 0, s2 = 0, w = 0;
      for (m = 1; m <= i; m++) {
        var at = i - m + 1, val = v[at - 1];
        s2 += val * val; s1 += val; w += 1;
        var variance = s2 - (s1 * s1) / w;
        if (at > 1) {
          for (j = 2; j <= k; j++) {
            if (cost[i][j] >= variance + cost[at - 1][j - 1]) {
              lower[i][j] = at;
              cost[i][j] = variance + cost[at - 1][j - 1];
            }
          }
        }
      }
      lower[i][1] = 1;
      cost[i][1] = variance;
    }
    var out = [v[n - 1]], end = n;
    for (j = k; j >= 2; j--) {
      var start = lower[end][j] - 1;
      if (start > 0) out.unshift(v[start - 1]);
      end = start;
      if (end <= 0) break;
    }
    return unique(out);
  }

  function breaks(values, k, method) {
    return method === "quantile" ? quantile(values, k) : jenks(values, k);
  }

  /* {bounds: [[from, to], ...], colours: [...]} for the values of one indicator. */
  function classify(values, options) {
    var method = options.method || "jenks";
    var v = sorted(values);
    if (!v.length) return { bounds: [], colours: [] };
    if (options.diverging && v[0] < 0 && v[v.length - 1] > 0) {
      var neg = breaks(v.filter(function (x) { return x < 0; }), 3, method);
      var pos = breaks(v.filter(function (x) { return x >= 0; }), 3, method);
      var negBounds = neg.map(function (to, i) { return [i ? neg[i - 1] : v[0], to]; });
      var posBounds = pos.map(function (to, i) { return [i ? pos[i - 1] : 0, to]; });
      var negColours = DIVERGING.slice(3 - negBounds.length, 3);
      var posColours = DIVERGING.slice(3, 3 + posBounds.length);
      return { bounds: negBounds.concat(posBounds), colours: negColours.concat(posColours) };
    }
    var ups = breaks(v, options.k || 5, method);
    var palette = options.diverging && v[0] < 0 ? DIVERGING.slice(0, 3).reverse() : SEQUENTIAL;
    var start = Math.max(0, Math.round((palette.length - ups.length) / 2));
    return {
      bounds: ups.map(function (to, i) { return [i ? ups[i - 1] : v[0], to]; }),
      colours: ups.map(function (_, i) { return palette[Math.min(palette.length - 1, start + i)]; }),
    };
  }

  function colour(classes, value) {
    if (typeof value !== "number" || !isFinite(value)) return NO_DATA;
    for (var i = 0; i < classes.bounds.length; i++) {
      if (value <= classes.bounds[i][1]) return classes.colours[i];
    }
    return classes.colours[classes.colours.length - 1] || NO_DATA;
  }

  window.SamparkClasses = { breaks: breaks, classify: classify, colour: colour, NO_DATA: NO_DATA };
})();
