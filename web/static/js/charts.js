/*
 * Charts with uPlot. A chart element (attribute data-chart) names:
 *   data-src     URL of JSON rows [{<x>: ..., <series>: n, ...}, ...]
 *   data-x       the key of the x value (a week start "2026-03-02" or a number)
 *   data-series  comma-separated keys to plot, one line each
 *   data-label   the y axis label
 * Every chart sits beside a table of the same numbers (and CSV/XLSX links), so nothing is
 * shown only as a picture; lines also differ by dash pattern, not only by colour.
 */
(function () {
    "use strict";

    var COLOURS = ["#0b3d91", "#a4001d", "#0f5f2a", "#7a3e00", "#4a4f55"];
    var DASHES = [[], [8, 4], [2, 3], [12, 3, 3, 3], [4, 4]];

    function xValue(v) {
        if (typeof v === "number") {
            return v;
        }
        var t = Date.parse(v);
        return isNaN(t) ? 0 : t / 1000;
    }

    function draw(el) {
        fetch(el.getAttribute("data-src"), { credentials: "same-origin",
            headers: { Accept: "application/json" } })
            .then(function (r) {
                if (!r.ok) {
                    throw new Error("HTTP " + r.status);
                }
                return r.json();
            })
            .then(function (body) {
                var rows = Array.isArray(body) ? body : (body.rows || []);
                var xKey = el.getAttribute("data-x");
                var keys = (el.getAttribute("data-series") || "").split(",").filter(Boolean);
                var data = [rows.map(function (r) {
                    return xValue(r[xKey]);
                })];
                var series = [{}];
                keys.forEach(function (k, i) {
                    data.push(rows.map(function (r) {
                        return r[k] === undefined ? null : r[k];
                    }));
                    series.push({ label: k, stroke: COLOURS[i % COLOURS.length],
                        dash: DASHES[i % DASHES.length], width: 2 });
                });
                var width = Math.max(280, el.clientWidth || 600);
                /* eslint-disable-next-line no-new */
                new window.uPlot({
                    width: width,
                    height: 260,
                    series: series,
                    scales: { x: { time: typeof rows[0] !== "undefined" &&
                        typeof rows[0][xKey] !== "number" } },
                    axes: [{}, { label: el.getAttribute("data-label") || "" }]
                }, data, el);
                el.setAttribute("data-ready", "true");
            })
            .catch(function (e) {
                el.textContent = "The chart could not be loaded (" + e.message + ").";
            });
    }

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("[data-chart]").forEach(draw);
    });
})();
