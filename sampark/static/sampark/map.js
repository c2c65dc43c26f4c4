/* Choropleth of assembly constituencies by % of booths fully staffed (analytics unit page).
 *
 * Any element with `data-geojson` becomes a Leaflet map of the features at that URL, on first
 * load and whenever HTMX swaps in a new dashboard. No tile layer: the map works offline and
 * sends nothing to third parties. Clicking a constituency opens its page (`properties.url`).
 */
(function () {
  "use strict";

  var BANDS = [
    { from: 80, colour: "#15803d", label: "80–100%" },
    { from: 60, colour: "#65a30d", label: "60–80%" },
    { from: 40, colour: "#ca8a04", label: "40–60%" },
    { from: 20, colour: "#ea580c", label: "20–40%" },
    { from: 0, colour: "#b91c1c", label: "0–20%" },
  ];
  var NO_BOOTHS = "#cbd5e1";

  function colour(props) {
    if (!props.booths_total) return NO_BOOTHS;
    for (var i = 0; i < BANDS.length; i++) {
      if (props.pct_full >= BANDS[i].from) return BANDS[i].colour;
    }
    return BANDS[BANDS.length - 1].colour;
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
    box.appendChild(
      document.createTextNode(
        props.pct_full + "% " + (el.dataset.fullLabel || "fully staffed") +
          " · " + props.booths_full + " / " + props.booths_total + " " + (el.dataset.boothsLabel || "booths")
      )
    );
    return box;
  }

  function legend(el) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      var title = document.createElement("div");
      title.className = "title";
      title.textContent = el.dataset.legend || "% of booths fully staffed";
      div.appendChild(title);
      BANDS.forEach(function (band) {
        var row = document.createElement("div");
        var swatch = document.createElement("i");
        swatch.style.background = band.colour;
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(band.label));
        div.appendChild(row);
      });
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
    var layer = L.geoJSON(data, {
      style: function (feature) {
        return { color: "#ffffff", weight: 1, fillColor: colour(feature.properties), fillOpacity: 0.85 };
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
    legend(el).addTo(map);
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
