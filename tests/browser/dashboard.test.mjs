/*
 * The dashboard over the demonstration data, as a supervisor and as an analyst: the
 * first-contact identification figure with its interval, satisfaction with 95% intervals,
 * the demand chart drawn by uPlot, the LSOA hotspot map drawn by Leaflet from the embedded
 * boundaries (no tiles: no internet), and every table's CSV and XLSX downloads.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

import { FC_BIN, launchBrowser, newPage, assertPageClean, screenshot, login, startServer,
    tempDataDir } from "./lib/harness.mjs";

const DEMO_PASSWORD = "firstcontact-demo";
let tmp;
let server;
let browser;

before(async () => {
    tmp = tempDataDir("fc-dashboard-");
    const db = join(tmp.dir, "fc.db");
    const r = spawnSync(FC_BIN, ["demo", "--db", db, "--persons", "80"],
        { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    server = await startServer(db);
    browser = await launchBrowser();
});

after(async () => {
    await browser?.close();
    await server?.stop();
    tmp?.remove();
});

/* The table's header cells and its rows' cells, as text. */
async function tableOf(page, id) {
    const t = page.getByTestId(id);
    const head = await t.locator("thead th").allInnerTexts();
    const rows = [];
    for (const tr of await t.locator("tbody tr").all()) {
        rows.push(await tr.locator("th, td").allInnerTexts());
    }
    return { head, rows };
}

function column(table, re) {
    const i = table.head.findIndex((h) => re.test(h));
    assert.ok(i >= 0, `a column ${re} in ${table.head.join(" | ")}`);
    return i;
}

async function checkDashboard(page, who) {
    /* first contact: how many repeat or vulnerable callers were identified, with an interval */
    const fc = await tableOf(page, "first_contact");
    assert.ok(fc.rows.length >= 1, "the first-contact table has a row");
    const share = fc.rows[0][column(fc, /identified.*(share|%)|share.*identified/i)];
    assert.match(share, /\d/, `identified share shown (${share})`);
    assert.match(fc.rows[0][column(fc, /lower/i)], /\d/);
    assert.match(fc.rows[0][column(fc, /upper/i)], /\d/);

    /* satisfaction: every question with its 95% interval, lower <= share <= upper */
    const sat = await tableOf(page, "satisfaction");
    assert.ok(sat.rows.length >= 3, "a row per survey question");
    const [si, li, ui] = [column(sat, /^share|satisfied.*%|% satisfied/i), column(sat, /lower/i),
        column(sat, /upper/i)];
    const sup = column(sat, /suppressed/i);
    let shown = 0;
    for (const row of sat.rows) {
        if (row[sup]) { /* too few answers: no share, and it says why in words */
            assert.equal(row[si], "");
            assert.match(row[sup], /n < \d+/);
            continue;
        }
        const [s, lo, up] = [row[si], row[li], row[ui]].map((x) => parseFloat(x));
        assert.ok(lo <= s && s <= up, `interval ${row[li]}..${row[ui]} holds ${row[si]}`);
        assert.match(row[si], /%$/);
        shown++;
    }
    assert.ok(shown >= 3, "most questions have enough answers to show a share");

    /* the demand chart: uPlot draws a canvas */
    await page.locator(".chart canvas").first().waitFor({ timeout: 10_000 });
    assert.ok(await page.locator(".chart canvas").count() >= 1, "a uPlot canvas");

    /* the hotspot map: Leaflet draws the LSOA polygons (on a canvas) from the embedded
     * boundaries, with a legend in numbers */
    const overlay = page.locator(".map .leaflet-overlay-pane canvas");
    await overlay.first().waitFor({ timeout: 15_000 });
    await page.locator(".map-legend li").first().waitFor({ timeout: 15_000 });
    const painted = await overlay.first().evaluate((c) => {
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) {
            n += d[i] > 0 ? 1 : 0;
        }
        return n / (c.width * c.height);
    });
    assert.ok(painted > 0.03, `polygons painted (${(painted * 100).toFixed(0)}% of the canvas)`);
    const features = await page.evaluate(async () => {
        const url = document.querySelector(".map").getAttribute("data-geojson");
        return (await (await fetch(url)).json()).features.length;
    });
    assert.ok(features > 500, `the LSOA boundaries (${features})`);
    assert.match(await page.locator(".map-legend").innerText(), /\d+.*contacts/);
    assert.equal(await page.locator(".map .leaflet-tile").count(), 0, "no tiles by default");

    /* every table offers CSV and XLSX, and both download */
    const links = await page.locator("a[download]").evaluateAll((as) =>
        as.map((a) => a.getAttribute("href")));
    const csv = links.filter((h) => h.includes("format=csv"));
    const xlsx = links.filter((h) => h.includes("format=xlsx"));
    assert.equal(csv.length, 4, "a CSV per table");
    assert.equal(xlsx.length, 4, "an XLSX per table");
    for (const href of [...csv, ...xlsx]) {
        const r = await page.request.get(server.base + href);
        assert.equal(r.status(), 200, `${who}: ${href}`);
        const type = r.headers()["content-type"];
        const body = await r.body();
        if (href.includes("format=csv")) {
            assert.match(type, /^text\/csv/, href);
            assert.ok(body.toString("utf8").split("\n")[0].includes(","), `${href} is CSV`);
        } else {
            assert.equal(type,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", href);
            assert.equal(body.subarray(0, 2).toString("latin1"), "PK", `${href} is a zip`);
        }
        assert.match(r.headers()["content-disposition"] ?? "", /attachment; filename=/);
    }
}

for (const [who, username] of [["supervisor", "sgt.demo"], ["analyst", "analyst.demo"]]) {
    test(`the ${who} reads the dashboard`, async () => {
        const { context, page } = await newPage(browser);
        const landed = await login(page, server.base, username, DEMO_PASSWORD);
        assert.equal(landed, "/dashboard");
        await checkDashboard(page, who);
        await screenshot(page, `dashboard-${who}`);
        assertPageClean(page);
        await context.close();
    });
}
