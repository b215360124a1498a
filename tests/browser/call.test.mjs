/*
 * The call handler's whole call, keyboard only, in a real browser against the real server:
 * a first call creates the caller; a later call with the name misspelt and a nickname
 * finds them as a repeat victim with the vulnerable flag a council raised, at a repeat
 * location (incidents recorded at their address); the screening
 * comes out "not low risk"; a graded incident is saved and shown.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { launchBrowser, newPage, assertPageClean, screenshot, login } from "./lib/harness.mjs";
import { startWorld, USERS } from "./lib/world.mjs";
import { typeCaller, chooseCandidate, describe, screen, saveWithSuggestedGrade } from
    "./lib/call.mjs";

let world;
let browser;

before(async () => {
    world = await startWorld();
    browser = await launchBrowser();
});

after(async () => {
    await browser?.close();
    await world?.stop();
});

const ROBERT = {
    name: "Robert Smith",
    phone: "07700 900123",
    dob: "03/02/1980",
    address: "12 Narborough Road, Leicester",
    postcode: "LE3 0BQ",
};

async function firstCall(page) {
    await page.goto(world.base + "/call");
    await typeCaller(page, ROBERT);
    await chooseCandidate(page, "new");
    await describe(page, { categoryLabel: "Nuisance", typeLabel: "Noise",
        description: "Loud music from the flat above every night after midnight." });
    await screen(page, "nnnnnyn");
    await saveWithSuggestedGrade(page);
    assert.match(new URL(page.url()).pathname, /^\/incidents\/\d+$/);
    const personLink = page.locator('a[href^="/persons/"]').first();
    return (await personLink.getAttribute("href")).split("/").pop();
}

test("a misspelt repeat caller flagged vulnerable is recognised and graded", async () => {
    const { context, page } = await newPage(browser);
    const landed = await login(page, world.base, USERS.call_handler.username,
        USERS.call_handler.password);
    assert.equal(landed, "/call");

    const personId = await firstCall(page);
    await world.flagVulnerable(personId, "Leicester City Council",
        "lives alone; mobility impaired");

    /* two more incidents recorded at the caller's address: a repeat location */
    for (const what of ["Youths kicking the door", "Bins set alight outside"]) {
        const r = await world.api(USERS.call_handler.username, "POST", "/api/v1/incidents", {
            category: "nuisance", incident_type: "rowdy_inconsiderate_behaviour",
            description: what, location_raw: ROBERT.address, location_postcode: ROBERT.postcode });
        assert.equal(r.status, 201, JSON.stringify(r.body));
    }

    /* second call: nickname and misspelt surname, same date of birth */
    await page.goto(world.base + "/call");
    const t0 = Date.now();
    await typeCaller(page, { name: "Bob Smyth", dob: "03/02/1980" });
    const card = page.locator(`li.candidate[data-person-id="${personId}"]`);
    await card.waitFor({ timeout: 5000 });
    assert.ok(Date.now() - t0 < 15000);
    assert.match(await card.locator(".candidate__name").innerText(), /Robert Smith/);
    const repeat = card.locator('[data-banner="repeat"]');
    assert.match(await repeat.innerText(), /1 earlier ASB contact in the last 12 months/);
    const vulnerable = card.locator('[data-banner="vulnerable"]');
    assert.match(await vulnerable.innerText(), /Leicester City Council/);
    assert.ok(!(await vulnerable.innerText()).includes("mobility"),
        "a call handler does not see the flag's reason");
    const place = card.locator('[data-banner="location"]');
    assert.match(await place.locator(".banner__label").innerText(), /^REPEAT LOCATION$/,
        "the banner says it in words (capitals by CSS)");
    assert.match(await place.innerText(), /[23] incidents at this address in the last 12 months/);
    assert.ok((await card.locator(".candidate__reasons li").count()) >= 1,
        "the match is explained in words");
    await screenshot(page, "call-repeat-caller");

    await chooseCandidate(page, personId);
    await describe(page, { categoryLabel: "Personal", typeLabel: "Intimidation",
        description: "Neighbour shouting threats through the letterbox again." });
    await screen(page, "yyynnyy");
    const outcome = page.locator("#score .score");
    assert.equal(await outcome.getAttribute("data-outcome"), "full");
    assert.match(await outcome.innerText(), /Not low risk/);
    assert.match(await outcome.innerText(), /earlier contact/);
    const grade = await page.locator('[data-testid="suggested-grade"] strong')
        .getAttribute("data-grade");
    assert.ok(grade, "a grade is suggested");
    await screenshot(page, "call-screening");
    await saveWithSuggestedGrade(page);

    assert.match(new URL(page.url()).pathname, /^\/incidents\/\d+$/);
    assert.equal(await page.getByTestId("incident-grade").innerText(), grade);
    assert.match(await page.getByTestId("incident-risk").innerText(), /full assessment|medium|high/);
    assert.equal(await page.getByTestId("incident-category").innerText(), "personal");
    /* not low risk: the neighbourhood team gets a full assessment task with a due time */
    const tasks = await page.getByTestId("tasks").innerText();
    assert.match(tasks, /full_assessment/);
    await screenshot(page, "incident-created");
    assertPageClean(page);
    await context.close();
});
