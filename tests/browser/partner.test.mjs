/*
 * A partner (council) officer cannot reach police-only data: not the call screen, the
 * incidents, a person's record, the dashboard, nor the same records through the JSON API;
 * and nothing of the victim appears on the pages the partner does see.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { launchBrowser, newPage, assertPageClean, screenshot, login } from "./lib/harness.mjs";
import { startWorld, USERS } from "./lib/world.mjs";
import { typeCaller, chooseCandidate, describe, screen, saveWithSuggestedGrade } from
    "./lib/call.mjs";

let world;
let browser;
let incidentPath;
let personPath;

before(async () => {
    world = await startWorld();
    browser = await launchBrowser();
    /* a police incident, taken by the call handler */
    const { context, page } = await newPage(browser);
    await login(page, world.base, USERS.call_handler.username, USERS.call_handler.password);
    await typeCaller(page, { name: "Priya Mistry", phone: "07700 900777", dob: "12/11/1975" });
    await chooseCandidate(page, "new");
    await describe(page, { categoryLabel: "Personal", typeLabel: "Neighbour",
        description: "Police-only detail: informant says the neighbour carries a knife." });
    await screen(page, "nnnnnyn");
    await saveWithSuggestedGrade(page);
    incidentPath = new URL(page.url()).pathname;
    personPath = await page.locator('a[href^="/persons/"]').first().getAttribute("href");
    await context.close();
});

after(async () => {
    await browser?.close();
    await world?.stop();
});

test("a partner officer is refused police pages and records", async () => {
    const { context, page } = await newPage(browser);
    const landed = await login(page, world.base, USERS.partner_officer.username,
        USERS.partner_officer.password);
    assert.equal(landed, "/cases");
    for (const path of [incidentPath, personPath, "/incidents", "/persons", "/call",
        "/dashboard"]) {
        const resp = await page.goto(world.base + path);
        assert.equal(resp.status(), 403, `${path} is refused`);
        assert.equal(await page.getByTestId("forbidden").count(), 1);
        const text = await page.locator("main").innerText();
        assert.ok(!text.includes("Mistry"), `${path} shows no name`);
        assert.ok(!text.includes("knife"), `${path} shows no police-only detail`);
    }
    await screenshot(page, "partner-refused");
    /* the page's own session, used as the JSON API would be by a script in the page */
    const apiStatus = await page.evaluate(async (p) => {
        const r = await fetch("/api/v1" + p, { credentials: "same-origin" });
        return r.status;
    }, incidentPath);
    assert.ok(apiStatus === 403 || apiStatus === 404, `API answers ${apiStatus}`);
    const fragment = await page.evaluate(async () => {
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch("/call/lookup", {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRF-Token": csrf },
            body: "name=Priya+Mistry",
        });
        return { status: r.status, text: await r.text() };
    });
    assert.equal(fragment.status, 403, "the lookup fragment is refused");
    assert.ok(!fragment.text.includes("Mistry"));
    assertPageClean(page, [/status of 403/]);
    await context.close();
});

test("a police officer does see the same incident", async () => {
    const { context, page } = await newPage(browser);
    await login(page, world.base, USERS.officer.username, USERS.officer.password);
    const resp = await page.goto(world.base + incidentPath);
    assert.equal(resp.status(), 200);
    assert.match(await page.locator("main").innerText(), /carries a knife/);
    const person = await page.goto(world.base + personPath);
    assert.equal(person.status(), 200);
    assert.match(await page.locator("main").innerText(), /Priya Mistry/);
    /* who looked at a record is audit data: a supervisor's, not an officer's */
    assert.equal(await page.getByTestId("views").count(), 0);
    assertPageClean(page);
    await context.close();
});

test("a supervisor sees who viewed the person's record", async () => {
    const { context, page } = await newPage(browser);
    await login(page, world.base, USERS.supervisor.username, USERS.supervisor.password);
    const person = await page.goto(world.base + personPath);
    assert.equal(person.status(), 200);
    const views = page.getByTestId("views");
    assert.match(await views.innerText(), /officer/);
    assert.match(await views.innerText(), /supervisor/);
    await screenshot(page, "person-record");
    assertPageClean(page);
    await context.close();
});
