/*
 * The call screen without JavaScript (htmx is progressive enhancement): "Find caller" posts
 * the form and the whole screen comes back with the candidates, a misspelt repeat caller
 * among them; a refused save shows the screen again with everything typed and the field
 * named; a complete save goes to the new incident.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { launchBrowser, newPage, screenshot, login } from "./lib/harness.mjs";
import { startWorld, USERS } from "./lib/world.mjs";

let world;
let browser;
let robert;

before(async () => {
    world = await startWorld();
    browser = await launchBrowser();
    const h = USERS.call_handler.username;
    const p = await world.api(h, "POST", "/api/v1/persons", {
        names: [{ forename: "Robert", surname: "Smith" }], dobs: [{ date: "03/02/1980" }],
        phones: [{ number: "07700 900123" }],
        addresses: [{ raw: "12 Narborough Road, Leicester", postcode: "LE3 0BQ" }] });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    robert = p.body.id;
    const c = await world.api(h, "POST", "/api/v1/contacts", { channel: "phone",
        caller_person_id: robert });
    assert.equal(c.status, 201, JSON.stringify(c.body));
});

after(async () => {
    await browser?.close();
    await world?.stop();
});

test("without JavaScript a handler finds a misspelt repeat caller and saves the call", async () => {
    /* sign in with the normal page, then carry the session into a context without JS */
    const signIn = await newPage(browser);
    await login(signIn.page, world.base, USERS.call_handler.username,
        USERS.call_handler.password);
    const storageState = await signIn.context.storageState();
    await signIn.context.close();
    const context = await browser.newContext({ javaScriptEnabled: false, storageState,
        viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();

    await page.goto(world.base + "/call");
    await page.getByLabel("Name", { exact: true }).fill("Bob Smyth");
    await page.getByLabel("Date of birth").fill("03/02/1980");
    await Promise.all([page.waitForURL("**/call/find"),
        page.getByRole("button", { name: "Find caller" }).click()]);
    const card = page.locator(`li.candidate[data-person-id="${robert}"]`);
    assert.equal(await card.count(), 1, "the caller is found by a plain form post");
    assert.match(await card.locator(".candidate__name").innerText(), /Robert Smith/);
    assert.match(await card.locator('[data-banner="repeat"]').innerText(),
        /1 earlier ASB contact in the last 12 months/);
    assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "Bob Smyth");
    await screenshot(page, "call-no-js-found");

    /* saving without a category: refused, the field named, nothing typed lost */
    await card.locator('input[name="person_choice"]').check();
    const refused = await Promise.all([page.waitForResponse((r) => r.url().endsWith("/call")),
        page.getByRole("button", { name: "Save incident" }).click()]);
    assert.equal(refused[0].status(), 422);
    await page.waitForLoadState("load");
    const notice = page.locator(".notice--error", { hasText: /not saved/i });
    assert.equal(await notice.count(), 1, "the refusal is said in words");
    assert.match(await notice.innerText(), /categor/i, "naming the field");
    assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "Bob Smyth");
    assert.ok(await page.locator(`#cand-${robert}`).isChecked(), "the choice is kept");

    /* complete the call: what happened, every screening question (all shown), save */
    await page.getByLabel("Category").selectOption("personal");
    await page.getByLabel("Type").selectOption("intimidation_harassment");
    await page.getByLabel("Description").fill("Shouting threats through the letterbox.");
    const questions = await page.locator("fieldset.question").count();
    assert.ok(questions >= 5, "every screening question is shown without JavaScript");
    for (let i = 0; i < questions; i++) {
        const q = page.locator("fieldset.question").nth(i);
        assert.ok(await q.isVisible(), `question ${i + 1} is visible`);
        await q.getByLabel(i < 2 ? "Yes" : "No").check();
    }
    await Promise.all([page.waitForURL(/\/incidents\/\d+$/),
        page.getByRole("button", { name: "Save incident" }).click()]);
    assert.equal(await page.getByTestId("incident-category").innerText(), "personal");
    await screenshot(page, "call-no-js-saved");
    await context.close();
});
