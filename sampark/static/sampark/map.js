/* Choropleths: coverage (analytics, % of booths fully staffed) and results (any indicator).
 *
 * Any element with `data-geojson` becomes a Leaflet map of the features at that URL, on first
 * load and whenever HTMX swaps in a new dashboard. No tile layer: the map works offline and
 * sends nothing to third parties. Clicking a constituency opens its page (`properties.url`).
 * The colour follows `properties[data-indicator]` (default `pct_full`) in classes computed
 * from the values shown (classes.js: natural breaks, or quantiles with data-method), so the
 * legend gives the real ranges instead of fixed bands every AC fell into.
 */
(function () {
  "use strict";

  var C = window.SamparkClasses;

  function indicator(el) {
    return el.dataset.indicator || "pct_full";
  }

  function value(props, el) {
    if (props.booths_total === 0) return null;
    var v = props[indicator(el)];
    return typeof v === "number" ? v : null;
  }

  function classesFor(el, data) {
    var values = data.features.map(function (f) { return value(f.properties, el); });
    return C.classify(values, { method: el.dataset.method || "jenks", diverging: !!el.dataset.diverging });
  }

  function fmt(v) {
    return (Math.round(v * 10) / 10).toLocaleString(hindi() ? "hi-IN" : "en-IN");
  }

  function hindi() {
    return (document.documentElement.lang || "").indexOf("hi") === 0;
  }

  function label(props) {
    var name = hindi() && props.name_hi ? props.name_hi : props.name;
    return (props.number ? props.number + " · " : "") + name;
  }

  function tooltip(props, el) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = label(props);
    box.appendChild(title);
    box.appendChild(document.createElement("br"));
    var text;
    if (indicator(el) === "pct_full") {
      text = props.pct_full + "% " + (el.dataset.fullLabel || "fully staffed") +
        " · " + props.booths_full + " / " + props.booths_total + " " + (el.dataset.boothsLabel || "booths");
    } else {
      var v = value(props, el);
      text = (el.dataset.legend || indicator(el)) + ": " + (v === null ? "—" : fmt(v));
      if (props.winner) text += " · " + (el.dataset.winnerLabel || "winner") + ": " + props.winner;
    }
    box.appendChild(document.createTextNode(text));
    return box;
  }

  function legend(el, classes) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      var title = document.createElement("div");
      title.className = "title";
      title.textContent = el.dataset.legend || "% of booths fully staffed";
      div.appendChild(title);
      classes.bounds.forEach(function (bound, i) {
        var row = document.createElement("div");
        var swatch = document.createElement("i");
        swatch.style.background = classes.colours[i];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(fmt(bound[0]) + " – " + fmt(bound[1])));
        div.appendChild(row);
      });
      var none = document.createElement("div");
      var grey = document.createElement("i");
      grey.style.background = C.NO_DATA;
      none.appendChild(grey);
      none.appendChild(document.createTextNode(el.dataset.noData || "no data"));
      div.appendChild(none);
      return div;
    };
    return control;
  }

  function draw(el, data) {
    if (!data.features || !data.features.length) {
      var note = document.createElement("p");
      note.className = "map-empty";
      note.textContent = el.dataset.empty || "No boundaries.";
      el.appendChild(note);
      return;
    }
    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
    var classes = classesFor(el, data);
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var fill = C.colour(classes, value(feature.properties, el));
        return { color: "#ffffff", weight: 1, fillColor: fill, fillOpacity: 0.85 };
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(tooltip(feature.properties, el), { sticky: true });
        shape.on("mouseover", function () { shape.setStyle({ weight: 2.5, color: "#1d2430" }); });
        shape.on("mouseout", function () { layer.resetStyle(shape); });
        shape.on("click", function () {
          if (feature.properties.url) window.location.assign(feature.properties.url);
        });
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    legend(el, classes).addTo(map);
  }

  function init(root) {
    if (typeof L === "undefined") return;
    var scope = root && root.querySelectorAll ? root : document;
    var maps = scope.querySelectorAll("[data-geojson]");
    if (scope.matches && scope.matches("[data-geojson]")) maps = [scope];
    Array.prototype.forEach.call(maps, function (el) {
      if (el.dataset.ready) return;
      el.dataset.ready = "1";
      fetch(el.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) { draw(el, data); })
        .catch(function () { el.dataset.ready = ""; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
