/*
 * api/ui_dashboard.c: the supervisor's and analyst's dashboard: report tables, each with
 * CSV and XLSX downloads, a uPlot chart where the report has a series, and the hotspot map
 * of LSOAs (Leaflet, boundaries embedded; map tiles only when a tile URL is configured,
 * since control rooms have no internet). Every chart and map sits beside its table, so no
 * figure is shown only as a picture.
 */
#include "api/ui_screens.h"

#include <stdio.h>
#include <string.h>

static void table_render(struct html *h, const struct ui_table *t, const char *tiles,
                         const char *tiles_attr)
{
    html_open(h, "section", "class", "panel", "aria-labelledby", t->id, NULL);
    html_elem(h, "h2", t->caption, "id", t->id, NULL);
    if (t->chart_src)
        html_elem(h, "div", "", "class", "chart", "data-chart", "", "data-src", t->chart_src,
                  "data-x", t->chart_x ? t->chart_x : "x", "data-series",
                  t->chart_series ? t->chart_series : "", "data-label",
                  t->chart_label ? t->chart_label : "", "role", "img", "aria-label",
                  "Chart of the table below", NULL);
    if (t->map_values)
        html_elem(h, "div", "", "class", "map", "data-map", "", "data-geojson",
                  "/static/geo/lsoa_boundaries.geojson", "data-values", t->map_values, "data-tiles",
                  tiles ? tiles : "", "data-attribution", tiles_attr ? tiles_attr : "", "role",
                  "region", "aria-label", "Map of the table below", NULL);
    html_open(h, "div", "class", "table-wrap", NULL);
    html_open(h, "table", "data-testid", t->id, NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    for (size_t c = 0; c < t->n_cols; c++) {
        bool is_num = t->numeric_cols && t->numeric_cols[c] == 'n';
        html_elem(h, "th", t->cols[c], "scope", "col", "class", is_num ? "num" : HTML_OMIT, NULL);
    }
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (size_t r = 0; r < t->n_rows; r++) {
        html_open(h, "tr", NULL);
        for (size_t c = 0; c < t->n_cols; c++) {
            bool is_num = t->numeric_cols && t->numeric_cols[c] == 'n';
            html_elem(h, c == 0 ? "th" : "td", t->cells[r * t->n_cols + c], "scope",
                      c == 0 ? "row" : HTML_OMIT, "class", is_num ? "num" : HTML_OMIT, NULL);
        }
        html_close(h, "tr");
    }
    if (t->n_rows == 0) {
        char span[24];
        snprintf(span, sizeof(span), "%zu", t->n_cols ? t->n_cols : 1);
        html_open(h, "tr", NULL);
        html_elem(h, "td", "No data for this period.", "colspan", span, NULL);
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    html_close(h, "div");
    if (t->csv_href || t->xlsx_href) {
        html_open(h, "p", "class", "actions", NULL);
        if (t->csv_href)
            html_elem(h, "a", "Download CSV", "href", t->csv_href, "download", "", NULL);
        if (t->xlsx_href)
            html_elem(h, "a", "Download XLSX", "href", t->xlsx_href, "download", "", NULL);
        html_close(h, "p");
    }
    html_close(h, "section");
}

void ui_dashboard_render(struct html *h, const struct ui_page *page,
                         const struct ui_dashboard_view *v)
{
    bool has_map = false, has_chart = false;
    for (size_t i = 0; i < v->n_tables; i++) {
        has_map |= v->tables[i].map_values != NULL;
        has_chart |= v->tables[i].chart_src != NULL;
    }
    ui_page_begin(h, page);
    if (v->period) {
        html_open(h, "p", "class", "hint", NULL);
        html_text(h, "Period: ");
        html_text(h, v->period);
        html_close(h, "p");
    }
    for (size_t i = 0; i < v->n_tables; i++)
        table_render(h, &v->tables[i], v->tiles_url, v->tiles_attribution);
    /* Chart and map libraries load only where used; deferred, after the page's own glue. */
    if (has_chart) {
        html_void(h, "link", "rel", "stylesheet", "href", "/static/vendor/uplot/uPlot.min.css",
                  NULL);
        html_elem(h, "script", "", "src", "/static/vendor/uplot/uPlot.iife.min.js", "defer", "",
                  NULL);
        html_elem(h, "script", "", "src", "/static/js/charts.js", "defer", "", NULL);
    }
    if (has_map) {
        html_void(h, "link", "rel", "stylesheet", "href", "/static/vendor/leaflet/leaflet.css",
                  NULL);
        html_elem(h, "script", "", "src", "/static/vendor/leaflet/leaflet.js", "defer", "", NULL);
        html_elem(h, "script", "", "src", "/static/js/map.js", "defer", "", NULL);
    }
    ui_page_end(h);
}
