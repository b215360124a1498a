/*
 * Walks the call handler's screen with the keyboard alone, as a handler with a headset
 * would: type the caller's details, choose a candidate (or "new person"), say what
 * happened, ask the screening questions, accept or change the grade, press Enter.
 */
import assert from "node:assert/strict";

/* Types the caller's details field by field (Tab between them) and waits for the lookup. */
export async function typeCaller(page, caller) {
    const name = page.getByLabel("Name", { exact: true });
    await name.focus();
    assert.equal(await page.evaluate(() => document.activeElement.name), "name",
        "the call screen starts in the Name field");
    const fields = ["name", "phone", "dob", "address", "postcode"];
    for (let i = 0; i < fields.length; i++) {
        if (i > 0) {
            await page.keyboard.press("Tab");
        }
        const v = caller[fields[i]];
        if (v) {
            const done = page.waitForResponse((r) => r.url().endsWith("/call/lookup"));
            await page.keyboard.type(v, { delay: 15 });
            await done;
        }
    }
    /* the last keystroke's debounced lookup */
    await page.waitForTimeout(250);
    await page.waitForLoadState("networkidle");
}

/* Tabs from the postcode into the candidate radio group and picks one by arrow keys.
 * `choice` is a person id (string) or "new". */
export async function chooseCandidate(page, choice) {
    await page.keyboard.press("Tab");
    const values = await page.$$eval('input[name="person_choice"]', (els) =>
        els.map((e) => e.value));
    assert.ok(values.length > 0, "the candidate panel offers a choice");
    const target = values.indexOf(String(choice));
    assert.ok(target >= 0, `candidate ${choice} is offered (have ${values.join(",")})`);
    /* focus lands on the first radio of an unchecked group; arrows move and check */
    let active = await page.evaluate(() => document.activeElement.value);
    if (active === values[0]) {
        await page.keyboard.press("Space");
    }
    for (let i = values.indexOf(active); i < target; i++) {
        await page.keyboard.press("ArrowDown");
    }
    active = await page.evaluate(() => document.activeElement.value);
    assert.equal(active, String(choice));
    await page.waitForLoadState("networkidle");
}

/* Category, type and description, by keyboard (type-ahead in the selects). */
export async function describe(page, { categoryLabel, typeLabel, description }) {
    await page.keyboard.press("Tab");
    await page.keyboard.type(categoryLabel);
    await page.keyboard.press("Tab");
    await page.keyboard.type(typeLabel);
    await page.keyboard.press("Tab");
    await page.keyboard.type(description, { delay: 5 });
    await page.keyboard.press("Tab"); /* where it happened: the caller's address */
    await page.keyboard.press("Tab"); /* its postcode */
}

/* Answers the screening questions in order: answers is a string like "yyynnyy". The
 * focus moves to the next question by itself after each answer. */
export async function screen(page, answers) {
    await page.keyboard.press("Tab");
    for (let i = 0; i < answers.length; i++) {
        const q = await page.evaluate(() => document.activeElement.name);
        assert.equal(q, `answer_S${i + 1}`, "focus is on the next screening question");
        const resp = page.waitForResponse((r) => r.url().endsWith("/call/screening"));
        if (answers[i] === "y") {
            await page.keyboard.press("Space");
        } else {
            await page.keyboard.press("ArrowRight");
        }
        await resp;
    }
    await page.waitForLoadState("networkidle");
    assert.equal(await page.evaluate(() => document.activeElement.name), "grade",
        "after the last question the grade has the focus");
}

/* Accepts the suggested grade and saves with Enter in the reason field. */
export async function saveWithSuggestedGrade(page) {
    await page.keyboard.press("Tab");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}
