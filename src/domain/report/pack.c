/* report/pack.c: see pack.h. */
#include "domain/report/pack.h"

#include <hpdf.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/report/report.h"
#include "domain/report/stats.h"
#include "util/timeutil.h"

#define PAGE_W 595.0f /* A4, points */
#define PAGE_H 842.0f
#define MARGIN 40.0f
#define LINE 13.0f

struct pack {
    HPDF_Doc pdf;
    HPDF_Page page;
    HPDF_Font font, bold;
    float y;
    int page_no;
    const char *month;
    jmp_buf fail;
    unsigned long error_no;
};

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    (void)detail_no;
    struct pack *p = user_data;
    p->error_no = (unsigned long)error_no;
    longjmp(p->fail, 1);
}

/* Keeps text in the standard fonts' Latin-1 range: anything else becomes '?'. */
static void latin1(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (const unsigned char *s = (const unsigned char *)in; *s && o + 1 < cap; s++) {
        if (*s < 0x80) {
            out[o++] = (char)*s;
        } else if ((*s & 0xe0) == 0xc0 && s[1]) {
            unsigned cp = ((unsigned)(*s & 0x1f) << 6) | (s[1] & 0x3f);
            out[o++] = cp < 0x100 ? (char)cp : '?';
            s++;
        } else {
            out[o++] = '?';
            while ((s[1] & 0xc0) == 0x80)
                s++;
        }
    }
    out[o] = '\0';
}

static void text_at(struct pack *p, HPDF_Font f, float size, float x, float y, const char *s)
{
    char buf[512];
    latin1(s, buf, sizeof(buf));
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, f, size);
    HPDF_Page_TextOut(p->page, x, y, buf);
    HPDF_Page_EndText(p->page);
}

static void new_page(struct pack *p)
{
    p->page = HPDF_AddPage(p->pdf);
    HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    p->page_no++;
    char foot[96];
    snprintf(foot, sizeof(foot), "FirstContact monthly performance pack, %s - page %d", p->month,
             p->page_no);
    HPDF_Page_SetRGBFill(p->page, 0.3f, 0.3f, 0.3f);
    text_at(p, p->font, 8, MARGIN, 20, foot);
    HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
    p->y = PAGE_H - MARGIN;
}

static void need(struct pack *p, float h)
{
    if (p->y - h < MARGIN + 20)
        new_page(p);
}

static void heading(struct pack *p, const char *s)
{
    need(p, 60);
    p->y -= 8;
    text_at(p, p->bold, 13, MARGIN, p->y, s);
    p->y -= LINE + 4;
}

/* Writes a paragraph, wrapped greedily at word boundaries to the page width. */
static void paragraph(struct pack *p, float size, const char *s)
{
    if (!s)
        return;
    char buf[1024], line[1024];
    latin1(s, buf, sizeof(buf));
    HPDF_Page_SetFontAndSize(p->page, p->font, size);
    size_t n = 0;
    line[0] = '\0';
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
        char trial[2100];
        snprintf(trial, sizeof(trial), "%s%s%s", line, n ? " " : "", w);
        if (n && HPDF_Page_TextWidth(p->page, trial) > PAGE_W - 2 * MARGIN) {
            need(p, size + 3);
            text_at(p, p->font, size, MARGIN, p->y, line);
            p->y -= size + 3;
            HPDF_Page_SetFontAndSize(p->page, p->font, size);
            snprintf(line, sizeof(line), "%s", w);
        } else {
            snprintf(line, sizeof(line), "%.1000s", trial);
        }
        n++;
    }
    if (n) {
        need(p, size + 3);
        text_at(p, p->font, size, MARGIN, p->y, line);
        p->y -= size + 3;
    }
}

/* Draws chosen columns of a table; the first column is wider. */
static void table(struct pack *p, const struct report_table *t, const char *const *keys,
                  size_t n_keys, size_t max_rows)
{
    float first_w = 150, w = (PAGE_W - 2 * MARGIN - first_w) / (float)(n_keys > 1 ? n_keys - 1 : 1);
    int idx[16];
    for (size_t k = 0; k < n_keys && k < 16; k++) {
        idx[k] = -1;
        for (size_t c = 0; c < t->n_cols; c++) {
            if (strcmp(t->cols[c].key, keys[k]) == 0)
                idx[k] = (int)c;
        }
    }
    need(p, 3 * LINE);
    float x = MARGIN;
    for (size_t k = 0; k < n_keys; k++) {
        const char *label = idx[k] >= 0 ? t->cols[idx[k]].label : keys[k];
        char lab[40];
        snprintf(lab, sizeof(lab), "%.22s", label);
        text_at(p, p->bold, 7.5f, x, p->y, lab);
        x += k == 0 ? first_w : w;
    }
    p->y -= LINE;
    size_t shown = 0;
    for (size_t r = 0; r < t->n_rows && shown < max_rows; r++, shown++) {
        need(p, LINE);
        x = MARGIN;
        for (size_t k = 0; k < n_keys; k++) {
            char buf[64] = "";
            if (idx[k] >= 0)
                report_cell_format(&t->cols[idx[k]], &t->cells[r * t->n_cols + (size_t)idx[k]],
                                   buf, sizeof(buf));
            char clip[64];
            snprintf(clip, sizeof(clip), k == 0 ? "%.34s" : "%.16s", buf);
            text_at(p, p->font, 7.5f, x, p->y, clip);
            x += k == 0 ? first_w : w;
        }
        p->y -= LINE - 2;
    }
    if (t->n_rows == 0) {
        text_at(p, p->font, 8, MARGIN, p->y, "No data for this period.");
        p->y -= LINE;
    } else if (t->n_rows > shown) {
        char more[96];
        snprintf(more, sizeof(more), "... and %zu more rows (see the CSV or XLSX download)",
                 t->n_rows - shown);
        text_at(p, p->font, 7.5f, MARGIN, p->y, more);
        p->y -= LINE;
    }
    p->y -= 6;
}

/* Horizontal bars (0..1 or 0..max), optional whiskers [lo, hi], one per row. */
static void bars(struct pack *p, size_t n, const char *const *labels, const double *v,
                 const double *lo, const double *hi, double max, bool is_share)
{
    if (n == 0)
        return;
    float bar_h = 11, gap = 4, label_w = 170, width = PAGE_W - 2 * MARGIN - label_w - 60;
    need(p, (float)n * (bar_h + gap) + 10);
    for (size_t i = 0; i < n; i++) {
        float y = p->y - (float)i * (bar_h + gap);
        char lab[48];
        snprintf(lab, sizeof(lab), "%.40s", labels[i]);
        text_at(p, p->font, 7.5f, MARGIN, y - bar_h + 3, lab);
        if (isnan(v[i])) {
            text_at(p, p->font, 7.5f, MARGIN + label_w, y - bar_h + 3, "suppressed (n < 50)");
            continue;
        }
        float len = (float)(max > 0 ? v[i] / max : 0) * width;
        HPDF_Page_SetRGBFill(p->page, 0.04f, 0.24f, 0.57f);
        HPDF_Page_Rectangle(p->page, MARGIN + label_w, y - bar_h, len, bar_h);
        HPDF_Page_Fill(p->page);
        if (lo && hi && !isnan(lo[i]) && !isnan(hi[i])) {
            float x0 = MARGIN + label_w + (float)(lo[i] / max) * width;
            float x1 = MARGIN + label_w + (float)(hi[i] / max) * width;
            float ym = y - bar_h / 2;
            HPDF_Page_SetRGBStroke(p->page, 0.64f, 0, 0.11f);
            HPDF_Page_SetLineWidth(p->page, 1.2f);
            HPDF_Page_MoveTo(p->page, x0, ym);
            HPDF_Page_LineTo(p->page, x1, ym);
            HPDF_Page_MoveTo(p->page, x0, ym - 3);
            HPDF_Page_LineTo(p->page, x0, ym + 3);
            HPDF_Page_MoveTo(p->page, x1, ym - 3);
            HPDF_Page_LineTo(p->page, x1, ym + 3);
            HPDF_Page_Stroke(p->page);
        }
        HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
        char val[32];
        if (is_share)
            snprintf(val, sizeof(val), "%.1f%%", v[i] * 100);
        else
            snprintf(val, sizeof(val), "%.0f", v[i]);
        text_at(p, p->font, 7.5f, MARGIN + label_w + width + 6, y - bar_h + 3, val);
    }
    p->y -= (float)n * (bar_h + gap) + 8;
}

static int month_bounds(const char *month, fc_time_t *from, fc_time_t *to, struct fc_err *err)
{
    int y, m;
    char tail;
    if (!month || strlen(month) != 7 || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 ||
        m < 1 || m > 12 || y < 2000 || y > 2200)
        return err_set(err, FC_EINVAL, "month", "month must be YYYY-MM");
    *from = time_days_from_civil(y, m, 1) * 86400;
    *to = time_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * 86400;
    return FC_OK;
}

static int build(struct store *s, const char *name, enum report_period period, const char *by,
                 fc_time_t from, fc_time_t to, fc_id_t org_id, fc_time_t now, struct arena *a,
                 struct report_table *t, struct fc_err *err)
{
    struct report_request rq;
    int rc = report_request_parse(name, "all", by, NULL, NULL, NULL, &rq, err);
    if (rc != FC_OK)
        return rc;
    rq.period = period;
    rq.from = from;
    rq.to = to;
    rq.org_id = org_id;
    rq.now = now;
    return report_build(s, &rq, a, t, err);
}

static void section_first_contact(struct pack *p, const struct report_table *all,
                                  const struct report_table *by_area)
{
    heading(p, "1. Repeat and vulnerable callers identified at first contact");
    static const char *const keys[] = { "group", "contacts", "repeat_or_vulnerable", "identified",
                                        "missed", "identified_share", "lower", "upper",
                                        "screened_share" };
    table(p, all, keys, 9, 5);
    table(p, by_area, keys, 9, 12);
    paragraph(p, 7.5f, all->notes);
}

static void section_satisfaction(struct pack *p, const struct report_table *t)
{
    heading(p, "2. Victim satisfaction (survey/v1)");
    const char *labels[8];
    double v[8], lo[8], hi[8];
    size_t n = 0;
    for (size_t r = 0; r < t->n_rows && n < 8; r++) {
        const struct report_cell *share = report_table_cell(t, r, "share");
        labels[n] = report_table_cell(t, r, "item")->s;
        v[n] = share->is_null ? NAN : share->d;
        lo[n] = report_table_cell(t, r, "lower")->is_null ? NAN : report_table_cell(t, r, "lower")->d;
        hi[n] = report_table_cell(t, r, "upper")->is_null ? NAN : report_table_cell(t, r, "upper")->d;
        n++;
    }
    bars(p, n, labels, v, lo, hi, 1.0, true);
    static const char *const keys[] = { "item", "satisfied", "n", "share", "lower", "upper",
                                        "benchmark", "vs_benchmark" };
    table(p, t, keys, 8, 8);
    paragraph(p, 7.5f, t->notes);
}

static void section_demand(struct pack *p, const struct report_table *t)
{
    heading(p, "3. Demand: contacts per month, twelve months to this month");
    const char *labels[12];
    double v[12];
    double max = 0;
    size_t n = 0;
    for (size_t r = t->n_rows > 12 ? t->n_rows - 12 : 0; r < t->n_rows; r++) {
        labels[n] = report_table_cell(t, r, "period")->s;
        v[n] = (double)report_table_cell(t, r, "count")->i;
        if (v[n] > max)
            max = v[n];
        n++;
    }
    bars(p, n, labels, v, NULL, NULL, max, false);
}

static void section_hotspots(struct pack *p, const struct report_table *t)
{
    heading(p, "4. Hotspots: incidents by LSOA this month");
    const char *labels[10];
    double v[10], max = 0;
    size_t n = 0;
    for (size_t r = 0; r < t->n_rows && n < 10; r++) {
        const char *name = report_table_cell(t, r, "lsoa_name")->s;
        labels[n] = name && name[0] ? name : report_table_cell(t, r, "lsoa_code")->s;
        v[n] = (double)report_table_cell(t, r, "count")->i;
        if (v[n] > max)
            max = v[n];
        n++;
    }
    bars(p, n, labels, v, NULL, NULL, max, false);
    static const char *const keys[] = { "lsoa_name", "lsoa_code", "district", "count", "share",
                                        "policeuk_asb" };
    table(p, t, keys, 6, 15);
    paragraph(p, 7.5f, t->notes);
}

int report_pack_pdf(struct store *s, const char *month, fc_id_t org_id, fc_time_t now,
                    char **out, size_t *len, struct fc_err *err)
{
    fc_time_t from = 0, to = 0;
    int rc = month_bounds(month, &from, &to, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct report_table fc_all, fc_area, sat, demand, hot, tasks, trig, rates;
    /* twelve months of demand ending with this one */
    int y, m;
    sscanf(month, "%4d-%2d", &y, &m);
    int y0 = m == 12 ? y : y - 1, m0 = m == 12 ? 1 : m + 1;
    fc_time_t year_from = time_days_from_civil(y0, m0, 1) * 86400;
    rc = build(s, "first_contact", REPORT_PERIOD_ALL, NULL, from, to, org_id, now, &a, &fc_all, err);
    if (rc == FC_OK)
        rc = build(s, "first_contact", REPORT_PERIOD_ALL, "area", from, to, org_id, now, &a,
                   &fc_area, err);
    if (rc == FC_OK)
        rc = build(s, "satisfaction", REPORT_PERIOD_ALL, NULL, from, to, org_id, now, &a, &sat, err);
    if (rc == FC_OK)
        rc = build(s, "demand", REPORT_PERIOD_MONTH, NULL, year_from, to, org_id, now, &a,
                   &demand, err);
    if (rc == FC_OK)
        rc = build(s, "hotspots", REPORT_PERIOD_ALL, NULL, from, to, org_id, now, &a, &hot, err);
    if (rc == FC_OK)
        rc = build(s, "tasks", REPORT_PERIOD_ALL, NULL, from, to, org_id, now, &a, &tasks, err);
    if (rc == FC_OK)
        rc = build(s, "triggers", REPORT_PERIOD_ALL, NULL, from, to, org_id, now, &a, &trig, err);
    if (rc == FC_OK)
        rc = build(s, "survey_rates", REPORT_PERIOD_ALL, NULL, from, to, org_id, now, &a, &rates,
                   err);
    if (rc != FC_OK) {
        arena_free(&a);
        return rc;
    }

    struct pack p;
    memset(&p, 0, sizeof(p));
    p.month = month;
    p.pdf = HPDF_New(on_error, &p);
    if (!p.pdf) {
        arena_free(&a);
        return err_set(err, FC_ENOMEM, "", "cannot start the PDF");
    }
    if (setjmp(p.fail)) {
        HPDF_Free(p.pdf);
        arena_free(&a);
        return err_set(err, FC_EINTERNAL, "", "PDF rendering failed (libharu error 0x%04lx)",
                       p.error_no);
    }
    HPDF_SetCompressionMode(p.pdf, HPDF_COMP_ALL);
    HPDF_SetInfoAttr(p.pdf, HPDF_INFO_TITLE, "FirstContact monthly performance pack");
    p.font = HPDF_GetFont(p.pdf, "Helvetica", "WinAnsiEncoding");
    p.bold = HPDF_GetFont(p.pdf, "Helvetica-Bold", "WinAnsiEncoding");
    new_page(&p);
    text_at(&p, p.bold, 20, MARGIN, p.y - 10, "FirstContact monthly performance pack");
    p.y -= 40;
    char line[160], stamp[32];
    time_format_utc(now, stamp, sizeof(stamp));
    snprintf(line, sizeof(line), "Month: %s    Generated: %s", month, stamp);
    text_at(&p, p.font, 10, MARGIN, p.y, line);
    p.y -= 24;
    section_first_contact(&p, &fc_all, &fc_area);
    section_satisfaction(&p, &sat);
    section_demand(&p, &demand);
    section_hotspots(&p, &hot);
    heading(&p, "5. Tasks done on time");
    static const char *const task_keys[] = { "kind", "due", "done_on_time", "done_late",
                                             "open_overdue", "on_time_share", "lower", "upper" };
    table(&p, &tasks, task_keys, 8, 12);
    heading(&p, "6. Community Trigger applications and outcomes");
    static const char *const trig_keys[] = { "status", "outcome", "applications" };
    table(&p, &trig, trig_keys, 3, 12);
    heading(&p, "7. Survey response rates");
    static const char *const rate_keys[] = { "period", "queued", "eligible", "responded",
                                             "declined", "response_rate" };
    table(&p, &rates, rate_keys, 6, 4);
    paragraph(&p, 7.5f, "Percentages are never shown without their n; cells with n < 50 are "
                        "suppressed. Intervals are Wilson 95% score intervals.");
    HPDF_SaveToStream(p.pdf);
    HPDF_UINT32 size = HPDF_GetStreamSize(p.pdf);
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        HPDF_Free(p.pdf);
        arena_free(&a);
        return err_set(err, FC_ENOMEM, "", "out of memory rendering the PDF");
    }
    HPDF_UINT32 got = size;
    HPDF_ReadFromStream(p.pdf, (HPDF_BYTE *)buf, &got);
    HPDF_Free(p.pdf);
    arena_free(&a);
    *out = buf;
    *len = got;
    return FC_OK;
}
