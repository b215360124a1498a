/* cases/pdf.c: the case summary PDF (see pdf.h). */
#include "domain/cases/pdf.h"

#include <hpdf.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/intake/calendar.h"

#define PAGE_MARGIN 50.0f
#define FONT_PATH "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define FONT_BOLD_PATH "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

struct pdfw {
    HPDF_Doc doc;
    HPDF_Page page;
    HPDF_Font font, bold;
    float y, width;
    int pages;
    bool is_utf8;
    HPDF_STATUS error; /* first libharu error, 0 if none */
    struct arena *a;
};

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    struct pdfw *w = user_data;
    (void)detail_no;
    if (w->error == 0)
        w->error = error_no;
}

/* UTF-8 to WinAnsi (CP1252) for the built-in font: Latin-1 maps through, others become '?'. */
static const char *text_of(struct pdfw *w, const char *s)
{
    if (s == NULL)
        return "";
    if (w->is_utf8)
        return s;
    size_t n = strlen(s);
    char *o = arena_alloc(w->a, n + 1);
    if (o == NULL)
        return "";
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            o[k++] = (char)c;
            i++;
        } else if ((c & 0xe0) == 0xc0 && i + 1 < n) {
            unsigned cp = ((c & 0x1fu) << 6) | ((unsigned char)s[i + 1] & 0x3fu);
            o[k++] = cp >= 0xa0 && cp <= 0xff ? (char)cp : '?';
            i += 2;
        } else {
            o[k++] = '?';
            i++;
            while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
                i++;
        }
    }
    o[k] = '\0';
    return o;
}

static void page_new(struct pdfw *w)
{
    w->page = HPDF_AddPage(w->doc);
    HPDF_Page_SetSize(w->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    w->width = HPDF_Page_GetWidth(w->page) - 2 * PAGE_MARGIN;
    w->y = HPDF_Page_GetHeight(w->page) - PAGE_MARGIN;
    w->pages++;
    /* protective marking, top and bottom, on every page */
    char foot[64];
    snprintf(foot, sizeof(foot), "OFFICIAL-SENSITIVE    page %d", w->pages);
    HPDF_Page_BeginText(w->page);
    HPDF_Page_SetFontAndSize(w->page, w->bold, 8);
    HPDF_Page_TextOut(w->page, PAGE_MARGIN, HPDF_Page_GetHeight(w->page) - 30,
                      "OFFICIAL-SENSITIVE");
    HPDF_Page_TextOut(w->page, PAGE_MARGIN, 25, foot);
    HPDF_Page_EndText(w->page);
}

static void need(struct pdfw *w, float h)
{
    if (w->y - h < PAGE_MARGIN)
        page_new(w);
}

/* Writes `s` wrapped to the page width at indent `x`, in `font` and `size`. */
static void para(struct pdfw *w, HPDF_Font font, float size, float x, const char *s)
{
    const char *t = text_of(w, s);
    size_t len = strlen(t);
    float lead = size * 1.35f;
    HPDF_Page_SetFontAndSize(w->page, font, size);
    while (len > 0) {
        HPDF_REAL real_width;
        HPDF_UINT fit = HPDF_Page_MeasureText(w->page, t, w->width - x, HPDF_TRUE, &real_width);
        if (fit == 0) /* one word wider than the line: break it anywhere */
            fit = HPDF_Page_MeasureText(w->page, t, w->width - x, HPDF_FALSE, &real_width);
        if (fit == 0)
            fit = (HPDF_UINT)len;
        need(w, lead);
        char *line = arena_strndup(w->a, t, fit);
        HPDF_Page_BeginText(w->page);
        HPDF_Page_SetFontAndSize(w->page, font, size);
        HPDF_Page_TextOut(w->page, PAGE_MARGIN + x, w->y - size, line ? line : "");
        HPDF_Page_EndText(w->page);
        w->y -= lead;
        t += fit;
        len -= fit;
        while (len > 0 && *t == ' ') {
            t++;
            len--;
        }
    }
}

static void heading(struct pdfw *w, const char *s)
{
    need(w, 40);
    w->y -= 8;
    para(w, w->bold, 12, 0, s);
    HPDF_Page_SetLineWidth(w->page, 0.5f);
    HPDF_Page_MoveTo(w->page, PAGE_MARGIN, w->y + 2);
    HPDF_Page_LineTo(w->page, PAGE_MARGIN + w->width, w->y + 2);
    HPDF_Page_Stroke(w->page);
    w->y -= 4;
}

static void field(struct pdfw *w, const char *label, const char *value)
{
    char *s = arena_sprintf(w->a, "%s: %s", label, value && value[0] ? value : "-");
    para(w, w->font, 10, 0, s ? s : "");
}

/* "Mon 21 Sep 2026 14:05" in London time, or "-" for 0. */
static const char *when(struct pdfw *w, fc_time_t t)
{
    if (t == 0)
        return "-";
    time_t local = (time_t)(t + (fc_time_t)calendar_london_offset_min(t) * 60);
    struct tm tm;
    gmtime_r(&local, &tm);
    char buf[32];
    strftime(buf, sizeof(buf), "%a %d %b %Y %H:%M", &tm);
    return arena_strdup(w->a, buf);
}

static const char *day_of(struct pdfw *w, fc_time_t t)
{
    if (t == 0)
        return "-";
    time_t local = (time_t)(t + (fc_time_t)calendar_london_offset_min(t) * 60);
    struct tm tm;
    gmtime_r(&local, &tm);
    char buf[20];
    strftime(buf, sizeof(buf), "%d %b %Y", &tm);
    return arena_strdup(w->a, buf);
}

static const char *org_name(struct store *s, struct arena *a, fc_id_t id)
{
    struct organisation o;
    struct fc_err err;
    if (id == 0)
        return "FirstContact";
    return store_org_get(s, id, a, &o, &err) == FC_OK ? o.name : "(unknown organisation)";
}

static const char *user_name(struct store *s, struct arena *a, fc_id_t id)
{
    struct user u;
    struct fc_err err;
    if (id == 0)
        return "-";
    if (store_user_get(s, id, a, &u, &err) != FC_OK)
        return "(unknown user)";
    return u.display_name ? u.display_name : u.username;
}

static bool fonts_load(struct pdfw *w)
{
    if (access(FONT_PATH, R_OK) == 0 && access(FONT_BOLD_PATH, R_OK) == 0) {
        HPDF_UseUTFEncodings(w->doc);
        const char *n1 = HPDF_LoadTTFontFromFile(w->doc, FONT_PATH, HPDF_TRUE);
        const char *n2 = HPDF_LoadTTFontFromFile(w->doc, FONT_BOLD_PATH, HPDF_TRUE);
        if (n1 && n2) {
            w->font = HPDF_GetFont(w->doc, n1, "UTF-8");
            w->bold = HPDF_GetFont(w->doc, n2, "UTF-8");
            w->is_utf8 = w->font && w->bold;
        }
        w->error = 0; /* fall back below if the TrueType path failed */
    }
    if (!w->is_utf8) {
        w->font = HPDF_GetFont(w->doc, "Helvetica", "WinAnsiEncoding");
        w->bold = HPDF_GetFont(w->doc, "Helvetica-Bold", "WinAnsiEncoding");
    }
    return w->font != NULL && w->bold != NULL;
}

static void section_details(struct pdfw *w, struct store *s, const struct cases_view *v,
                            fc_time_t now)
{
    const struct asb_case *c = &v->c;
    heading(w, "Case details");
    field(w, "Status", c->status);
    field(w, "Lead", arena_sprintf(w->a, "%s, %s", v->lead_org_name, v->lead_user_name));
    field(w, "Opened", arena_sprintf(w->a, "%s (from %s)", when(w, c->opened_at), c->origin));
    field(w, "Risk level", c->risk_level);
    field(w, "Area", arena_sprintf(w->a, "%s%s%s%s", c->area_name ? c->area_name : "",
                                   c->area_name && c->area_code ? " (" : "",
                                   c->area_code ? c->area_code : "",
                                   c->area_name && c->area_code ? ")" : ""));
    if (strcmp(c->status, "open") == 0)
        field(w, "Next review due",
              arena_sprintf(w->a, "%s%s (every %d days)", day_of(w, c->next_review_due),
                            c->next_review_due && now > c->next_review_due ? " - OVERDUE" : "",
                            c->review_interval_days));
    else
        field(w, "Closed", arena_sprintf(w->a, "%s: %s - %s", day_of(w, c->closed_at),
                                         c->closure_outcome, c->closure_reason));
    field(w, "Information-sharing basis", c->sharing_basis);
    field(w, "Sharing agreement", c->sharing_agreement_ref);
    size_t live = 0;
    for (size_t i = 0; i < v->n_shares; i++) {
        const struct case_share *sh = &v->shares[i];
        if (sh->revoked_at != 0 || (sh->expires_at != 0 && sh->expires_at <= now))
            continue;
        field(w, live++ == 0 ? "Shared with" : "             ",
              arena_sprintf(w->a, "%s (%s, since %s)", org_name(s, w->a, sh->org_id), sh->level,
                            day_of(w, sh->granted_at)));
    }
    if (live == 0)
        field(w, "Shared with", "not shared");
}

static void section_people(struct pdfw *w, const struct cases_view *v)
{
    heading(w, "Persons involved");
    if (v->n_persons == 0)
        para(w, w->font, 10, 0, "None recorded.");
    for (size_t i = 0; i < v->n_persons; i++) {
        const struct cases_person_view *p = &v->persons[i];
        char *line = arena_sprintf(w->a, "%s: %s%s%s%s%s%s", p->role, p->name,
                                   p->dob ? ", born " : "", p->dob ? p->dob : "",
                                   p->address ? ", " : "", p->address ? p->address : "",
                                   p->n_flags ? " [vulnerability flag]" : "");
        para(w, w->font, 10, 0, line);
    }
    heading(w, "Incidents");
    if (v->n_incidents == 0)
        para(w, w->font, 10, 0, "None linked.");
    for (size_t i = 0; i < v->n_incidents; i++) {
        const struct cases_incident_view *in = &v->incidents[i];
        para(w, w->bold, 10, 0,
             arena_sprintf(w->a, "%s  %s / %s  (%s, risk %s)  %s", day_of(w, in->occurred_at),
                           in->category, in->incident_type, in->status,
                           in->risk_level ? in->risk_level : "-",
                           in->location ? in->location : ""));
        if (in->assessment_level)
            para(w, w->font, 9, 12,
                 arena_sprintf(w->a, "Call-handling risk assessment (%s): %s",
                               in->assessment_stage, in->assessment_level));
        if (in->description)
            para(w, w->font, 9, 12, in->description);
    }
    if (v->n_incidents_withheld > 0)
        para(w, w->font, 9, 0,
             arena_sprintf(w->a, "%zu further incident(s) are not shared with your organisation.",
                           v->n_incidents_withheld));
}

static void section_plan(struct pdfw *w, struct store *s, const struct cases_view *v,
                         fc_time_t now)
{
    heading(w, "Action plan");
    if (v->n_actions == 0)
        para(w, w->font, 10, 0, "No actions yet.");
    for (size_t i = 0; i < v->n_actions; i++) {
        const struct case_action *x = &v->actions[i];
        bool is_open = strcmp(x->status, "planned") == 0 || strcmp(x->status, "in_progress") == 0;
        bool is_overdue = is_open && now > x->due_at;
        para(w, w->bold, 10, 0,
             arena_sprintf(w->a, "%zu. %s  [%s%s]", i + 1, x->title, x->status,
                           is_overdue ? ", OVERDUE" : ""));
        para(w, w->font, 9, 12,
             arena_sprintf(w->a, "Owner: %s, %s. Due %s.%s%s", user_name(s, w->a, x->owner_user_id),
                           org_name(s, w->a, x->owner_org_id), day_of(w, x->due_at),
                           x->outcome ? " Outcome: " : "", x->outcome ? x->outcome : ""));
    }
    heading(w, "Reviews");
    if (v->n_reviews == 0)
        para(w, w->font, 10, 0, "No review held yet.");
    for (size_t i = 0; i < v->n_reviews; i++)
        para(w, w->font, 10, 0,
             arena_sprintf(w->a, "%s by %s: %s", day_of(w, v->reviews[i].held_at),
                           user_name(s, w->a, v->reviews[i].held_by), v->reviews[i].summary));
    if (v->n_trigger_steps > 0) {
        heading(w, "Community Trigger (ASB case review) deadlines");
        for (size_t i = 0; i < v->n_trigger_steps; i++) {
            const struct cases_trigger_step *t = &v->trigger_steps[i];
            para(w, w->font, 10, 0,
                 arena_sprintf(w->a, "%s: due %s%s%s", t->id,
                               t->due_at ? day_of(w, t->due_at) : "(after the previous step)",
                               t->done_at ? ", done " : "",
                               t->done_at ? day_of(w, t->done_at) : ""));
        }
    }
}

static void section_timeline(struct pdfw *w, struct store *s, const struct cases_view *v)
{
    heading(w, "Timeline");
    for (size_t i = 0; i < v->n_timeline; i++) {
        const struct case_entry *e = &v->timeline[i];
        para(w, w->font, 9, 0,
             arena_sprintf(w->a, "%s  %s  (%s)", when(w, e->at), e->summary,
                           org_name(s, w->a, e->actor_org_id)));
        /* conference minutes and decisions are what the meeting reads */
        if (e->body != NULL && strcmp(e->kind, "conference") == 0) {
            json_t *b = json_loads(e->body, 0, NULL);
            size_t k;
            json_t *d;
            json_array_foreach(json_object_get(b, "attendees"), k, d)
            {
                para(w, w->font, 8, 12,
                     arena_sprintf(w->a, "Attendee: %s", json_string_value(d)));
            }
            json_array_foreach(json_object_get(b, "decisions"), k, d)
            {
                para(w, w->font, 8, 12,
                     arena_sprintf(w->a, "Decision: %s", json_string_value(d)));
            }
            const char *minutes = json_string_value(json_object_get(b, "minutes"));
            if (minutes)
                para(w, w->font, 8, 12, arena_sprintf(w->a, "Minutes: %s", minutes));
            json_decref(b);
        }
    }
}

int cases_pdf_render(struct store *s, const struct cases_view *v, fc_time_t now, struct arena *a,
                     unsigned char **out, size_t *out_len, struct fc_err *err)
{
    struct pdfw w = { .a = a };
    w.doc = HPDF_New(on_error, &w);
    if (w.doc == NULL)
        return err_set(err, FC_ENOMEM, "", "cannot start a PDF document");
    int rc = FC_OK;
    HPDF_SetCompressionMode(w.doc, HPDF_COMP_ALL);
    if (!fonts_load(&w)) {
        rc = err_set(err, FC_EINTERNAL, "", "no font for the PDF (libharu error %#x)",
                     (unsigned)w.error);
        goto out;
    }
    HPDF_SetInfoAttr(w.doc, HPDF_INFO_TITLE, text_of(&w, v->c.ref));
    HPDF_SetInfoAttr(w.doc, HPDF_INFO_CREATOR, "FirstContact");
    page_new(&w);
    para(&w, w.bold, 16, 0, arena_sprintf(a, "Case summary %s", v->c.ref));
    para(&w, w.bold, 12, 0, v->c.title);
    para(&w, w.font, 9, 0,
         arena_sprintf(a, "Prepared %s for a case conference. Shows what your organisation "
                          "may see (%s access).",
                       when(&w, now), access_level_name(v->level)));
    section_details(&w, s, v, now);
    section_people(&w, v);
    section_plan(&w, s, v, now);
    section_timeline(&w, s, v);
    if (w.error != 0) {
        rc = err_set(err, FC_EINTERNAL, "", "PDF rendering failed (libharu error %#x)",
                     (unsigned)w.error);
        goto out;
    }
    if (HPDF_SaveToStream(w.doc) != HPDF_OK) {
        rc = err_set(err, FC_EINTERNAL, "", "cannot write the PDF");
        goto out;
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(w.doc);
    unsigned char *buf = arena_alloc(a, size + 1);
    if (buf == NULL) {
        rc = err_set(err, FC_ENOMEM, "", "out of memory for the PDF");
        goto out;
    }
    HPDF_UINT32 got = size;
    HPDF_ResetStream(w.doc);
    if (HPDF_ReadFromStream(w.doc, buf, &got) > HPDF_STREAM_EOF || got != size) {
        rc = err_set(err, FC_EINTERNAL, "", "cannot read the PDF back");
        goto out;
    }
    *out = buf;
    *out_len = size;
out:
    HPDF_Free(w.doc);
    return rc;
}
