/*
 * Hotspot map: LSOA polygons shaded by count, with Leaflet. The page supplies, on the map
 * element (class "map", attribute data-map):
 *   data-geojson  URL of the LSOA boundaries (embedded: /static/geo/lsoa_boundaries.geojson)
 *   data-values   URL of JSON rows [{lsoa_code, count}, ...] (the report's JSON form)
 *   data-tiles    optional tile URL template; empty by default because control rooms and CI
 *                 have no internet. Without tiles the polygons alone are drawn.
 *   data-attribution  text for the tile layer, if any.
 * Shading has a legend with numbers, and each polygon's tooltip names the LSOA and count,
 * so the colour is never the only carrier of meaning.
 */
(function () {
    "use strict";

    var SHADES = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];

    function getJSON(url) {
        return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (r) {
                if (!r.ok) {
                    throw new Error("HTTP " + r.status);
                }
                return r.json();
            });
    }

    function breaks(values) {
        var max = 0;
        values.forEach(function (v) {
            if (v > max) {
                max = v;
            }
        });
        var step = Math.max(1, Math.ceil(max / SHADES.length));
        var out = [];
        for (var i = 0; i < SHADES.length; i++) {
            out.push(i * step);
        }
        return out;
    }

    function shadeFor(v, br) {
        var i = 0;
        while (i + 1 < br.length && v > br[i + 1]) {
            i++;
        }
        return v > 0 ? SHADES[Math.min(i + 1, SHADES.length - 1)] : SHADES[0];
    }

    function legend(el, br, max) {
        var box = document.createElement("ul");
        box.className = "map-legend";
        if (max <= 0) {
            var none = document.createElement("li");
            none.textContent = "No incidents in this period: every area is unshaded.";
            box.appendChild(none);
            el.parentNode.insertBefore(box, el.nextSibling);
            return;
        }
        for (var i = 1; i < SHADES.length; i++) {
            var li = document.createElement("li");
            var sw = document.createElement("span");
            sw.className = "map-legend__swatch";
            sw.style.background = SHADES[i]; /* CSSOM, allowed by the CSP */
            li.appendChild(sw);
            var hi = i + 1 < br.length ? br[i + 1] : null;
            li.appendChild(document.createTextNode(
                " " + (br[i] + 1) + (hi !== null ? "–" + hi : "+") + " contacts"));
            box.appendChild(li);
        }
        el.parentNode.insertBefore(box, el.nextSibling);
    }

    function draw(el) {
        var map = window.L.map(el, { preferCanvas: true, attributionControl: true });
        var tiles = el.getAttribute("data-tiles");
        if (tiles) {
            window.L.tileLayer(tiles, {
                maxZoom: 18,
                attribution: el.getAttribute("data-attribution") || ""
            }).addTo(map);
        }
        map.attributionControl.addAttribution(
            "Boundaries: ONS, OGL v3.0; contains OS data © Crown copyright");
        Promise.all([getJSON(el.getAttribute("data-geojson")),
            el.getAttribute("data-values") ? getJSON(el.getAttribute("data-values")) : []])
            .then(function (res) {
                var counts = {};
                (Array.isArray(res[1]) ? res[1] : (res[1].rows || [])).forEach(function (row) {
                    counts[row.lsoa_code] = row.count || row.contacts || 0;
                });
                var vals = Object.keys(counts).map(function (k) {
                    return counts[k];
                });
                var br = breaks(vals);
                var layer = window.L.geoJSON(res[0], {
                    style: function (f) {
                        var v = counts[f.properties.lsoa_code] || 0;
                        return { color: "#4a4f55", weight: 0.6, fillOpacity: 0.75,
                            fillColor: shadeFor(v, br) };
                    },
                    onEachFeature: function (f, lyr) {
                        var v = counts[f.properties.lsoa_code] || 0;
                        lyr.bindTooltip(f.properties.lsoa_name + " (" + f.properties.lsoa_code +
                            "): " + v + " contacts");
                    }
                }).addTo(map);
                map.fitBounds(layer.getBounds());
                legend(el, br, Math.max.apply(null, vals.concat([0])));
                el.setAttribute("data-ready", "true");
            })
            .catch(function (e) {
                el.textContent = "The map could not be loaded (" + e.message + ").";
            });
    }

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("[data-map]").forEach(draw);
    });
})();
