/*
 * Partnership cases in the browser: a council ASB officer opens a case their council leads,
 * sees the action plan, adds an action and records a review with the page's own forms;
 * a partner officer at another council sees a case shared with it (read only) and cannot
 * reach one that is not shared, by the list or by its address.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { launchBrowser, newPage, assertPageClean, screenshot, login } from "./lib/harness.mjs";
import { startWorld, USERS, OTHER_COUNCIL_OFFICER } from "./lib/world.mjs";

let world;
let browser;
let shared;
let private_;

async function ok(r, status) {
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r.body;
}

before(async () => {
    world = await startWorld({ extra: [OTHER_COUNCIL_OFFICER] });
    browser = await launchBrowser();
    const partner = USERS.partner_officer.username;
    const basis = "Crime and Disorder Act 1998 s115";
    shared = await ok(await world.api(partner, "POST", "/api/v1/cases", {
        title: "Rubbish dumped and shouting on Belgrave Gate", origin: "manual",
        sharing_basis: basis, area_name: "Belgrave" }), 201);
    private_ = await ok(await world.api(partner, "POST", "/api/v1/cases", {
        title: "Confidential: threats to the tenant at Flat 4", origin: "manual",
        sharing_basis: basis, area_name: "Westcotes" }), 201);
    const me = await ok(await world.api(OTHER_COUNCIL_OFFICER.username, "GET", "/api/v1/me"),
        200);
    await ok(await world.api(partner, "POST", `/api/v1/cases/${shared.id}/shares`, {
        org_id: me.user.org_id, level: "view" }), 200);
});

after(async () => {
    await browser?.close();
    await world?.stop();
});

test("a council ASB officer adds an action and a review on the case page", async () => {
    const { context, page } = await newPage(browser);
    const landed = await login(page, world.base, USERS.partner_officer.username,
        USERS.partner_officer.password);
    assert.equal(landed, "/cases");
    const list = page.getByTestId("cases");
    assert.match(await list.innerText(), /Belgrave Gate/);
    await list.getByRole("link", { name: shared.ref }).click();
    await page.waitForURL(`**/cases/${shared.id}`);
    assert.equal(await page.getByTestId("case-access").innerText(), "lead");
    await page.getByRole("heading", { name: "Action plan" }).waitFor();
    assert.equal(await page.getByTestId("actions").locator("tbody tr").count(), 0);

    /* an action from the catalogue, by the form (a plain post: back to the case) */
    const form = page.getByTestId("add-action");
    await form.getByLabel("Intervention").selectOption("warning_letter");
    await form.getByLabel("What will be done").fill("Warning letter to the occupants of No. 12");
    await Promise.all([page.waitForURL(`**/cases/${shared.id}`),
        form.getByRole("button", { name: "Add action" }).click()]);
    const rows = page.getByTestId("actions").locator("tbody tr");
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /Warning letter to the occupants of No\. 12/);
    assert.match(await rows.first().innerText(), /planned/);

    /* a refused post keeps what was typed and says why, in words */
    const review = page.getByTestId("add-review");
    await Promise.all([page.waitForLoadState("load"),
        review.getByRole("button", { name: "Record review" }).click()]);
    assert.match(await page.getByTestId("case-form-error").innerText(),
        /Not saved: say what the review found/);
    await page.getByTestId("add-review").getByLabel("What the review found and decided")
        .fill("Letters sent; dumping has stopped. Review again in four weeks.");
    await Promise.all([page.waitForURL(`**/cases/${shared.id}`),
        page.getByTestId("add-review").getByRole("button", { name: "Record review" }).click()]);
    const reviews = page.locator("section[aria-labelledby='h-reviews'] ul").first();
    assert.match(await reviews.innerText(), /dumping has stopped/);
    assert.match(await page.locator(".timeline").innerText(), /review/i);
    await screenshot(page, "case-action-plan");
    /* the refused review was answered 422 on purpose */
    assertPageClean(page, [/status of 422/]);
    await context.close();
});

test("a partner at another council sees only what is shared with it", async () => {
    const { context, page } = await newPage(browser);
    const landed = await login(page, world.base, OTHER_COUNCIL_OFFICER.username,
        OTHER_COUNCIL_OFFICER.password);
    assert.equal(landed, "/cases");
    const list = await page.getByTestId("cases").innerText();
    assert.match(list, /Belgrave Gate/, "the shared case is listed");
    assert.ok(!list.includes("Confidential"), "the case not shared is not listed");

    /* shared at "view": readable, with no forms to change it */
    await page.goto(world.base + `/cases/${shared.id}`);
    assert.equal(await page.getByTestId("case-access").innerText(), "view");
    assert.equal(await page.getByTestId("add-action").count(), 0);
    assert.equal(await page.getByTestId("add-review").count(), 0);

    /* not shared: not found, and nothing of it on the page */
    const resp = await page.goto(world.base + `/cases/${private_.id}`);
    assert.equal(resp.status(), 404);
    const text = await page.locator("main").innerText();
    assert.match(text, /no such case, or it is not shared with you/);
    assert.ok(!text.includes("Confidential") && !text.includes("Flat 4"));
    await screenshot(page, "case-not-shared");
    /* nor through the JSON API, nor by posting to its forms */
    const apiStatus = await page.evaluate(async (id) =>
        (await fetch(`/api/v1/cases/${id}`, { credentials: "same-origin" })).status,
    private_.id);
    assert.ok([403, 404].includes(apiStatus), `API answered ${apiStatus}`);
    const post = await page.evaluate(async (id) => {
        const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
        const r = await fetch(`/cases/${id}/reviews`, {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRF-Token": csrf },
            body: "summary=" + encodeURIComponent("should not be recorded"),
        });
        return r.status;
    }, private_.id);
    assert.ok([403, 404].includes(post), `form post answered ${post}`);
    const after = await ok(await world.api(USERS.partner_officer.username, "GET",
        `/api/v1/cases/${private_.id}`), 200);
    assert.equal(after.reviews.length, 0, "nothing was recorded on the case not shared");
    assertPageClean(page, [/Failed to load resource/]);
    await context.close();
});
