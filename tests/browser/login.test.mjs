/*
 * Sign-in as every role: each lands on its own start page, sees only its own menu, and can
 * sign out; a wrong password is refused in words; pages need a session; every page keeps
 * to the Content-Security-Policy (no violations, no script errors).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { launchBrowser, newPage, assertPageClean, screenshot, login } from "./lib/harness.mjs";
import { startWorld, USERS } from "./lib/world.mjs";

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

test("a page without a session sends the browser to sign in", async () => {
    const { context, page } = await newPage(browser);
    await page.goto(world.base + "/incidents");
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.equal(await page.locator("h1").innerText(), "Sign in");
    assertPageClean(page);
    await context.close();
});

test("a wrong password is refused in words", async () => {
    const { context, page } = await newPage(browser);
    await page.goto(world.base + "/login");
    await page.getByLabel("Username").fill("handler");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.locator("#login-error");
    await alert.waitFor();
    assert.match(await alert.innerText(), /username or password is wrong/);
    assert.equal(new URL(page.url()).pathname, "/login");
    assertPageClean(page, [/status of 401/]);
    await context.close();
});

for (const [role, u] of Object.entries(USERS)) {
    test(`${role} lands on ${u.home}, sees its own menu and signs out`, async () => {
        const { context, page } = await newPage(browser);
        const landed = await login(page, world.base, u.username, u.password);
        assert.equal(landed, u.home);
        assert.match(await page.getByTestId("whoami").innerText(), new RegExp(u.org));
        const menu = await page.locator("nav[aria-label=Main] a").allInnerTexts();
        if (role === "partner_officer" || role === "analyst" || role === "admin") {
            assert.ok(!menu.includes("Persons"), `${role} has no Persons menu`);
            assert.ok(!menu.includes("Incidents"), `${role} has no Incidents menu`);
        } else {
            assert.ok(menu.includes("Incidents"));
        }
        await screenshot(page, `home-${role}`);
        assertPageClean(page);

        await Promise.all([page.waitForURL("**/login"),
            page.getByRole("button", { name: "Sign out" }).click()]);
        await page.goto(world.base + u.home);
        assert.equal(new URL(page.url()).pathname, "/login", "the session ended");
        await context.close();
    });
}

test("the call screen works at phone width", async () => {
    const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await login(page, world.base, "handler", USERS.call_handler.password);
    const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
    await screenshot(page, "call-phone");
    assertPageClean(page);
    await context.close();
});
