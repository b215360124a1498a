/*
 * Browser test harness: starts the real firstcontact server on an ephemeral port with a
 * fresh database, creates users through the CLI, drives Debian's chromium (headless, no
 * sandbox as root, background networking off) through playwright-core, and saves
 * screenshots as test artefacts under $FC_BROWSER_ARTIFACTS.
 *
 * Every page a test opens is watched: a Content-Security-Policy violation, a console error
 * or an uncaught page error fails the test (see assertPageClean).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import assert from "node:assert/strict";

let chromium;
try {
    ({ chromium } = await import("playwright-core"));
} catch (e) {
    throw new Error("playwright-core is missing: run `npm ci` in tests/browser " +
        "(scripts/test.sh does it for you)");
}

export const FC_BIN = process.env.FC_BIN;
export const ARTIFACTS = resolve(process.env.FC_BROWSER_ARTIFACTS ||
    join(process.cwd(), "artifacts"));
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

if (!FC_BIN) {
    throw new Error("FC_BIN must name the firstcontact binary (CTest sets it)");
}

/* Starts `firstcontact serve` on 127.0.0.1:0 and resolves once /healthz answers. */
export async function startServer(db, extraArgs = []) {
    const proc = spawn(FC_BIN, ["serve", "--db", db, "--listen", "127.0.0.1:0", ...extraArgs],
        { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const port = await new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error("server did not start:\n" + log)), 30_000);
        const onData = (buf) => {
            log += buf.toString();
            const m = log.match(/listening on http:\/\/[^\s]+:(\d+)/);
            if (m) {
                clearTimeout(timer);
                ok(Number(m[1]));
            }
        };
        proc.stdout.on("data", onData);
        proc.stderr.on("data", onData);
        proc.on("exit", (code) => {
            clearTimeout(timer);
            fail(new Error(`server exited (${code}) before listening:\n${log}`));
        });
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
        try {
            const r = await fetch(base + "/healthz");
            if (r.ok) {
                break;
            }
        } catch {
            /* not yet */
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    return {
        base,
        proc,
        log: () => log,
        async stop() {
            if (proc.exitCode !== null) {
                return proc.exitCode;
            }
            const done = new Promise((ok) => proc.on("exit", (code, sig) => ok(code ?? sig)));
            proc.kill("SIGTERM");
            const code = await done;
            assert.equal(code, 0, "server should exit cleanly on SIGTERM:\n" + log);
            return code;
        },
    };
}

export function tempDataDir(prefix = "fc-browser-") {
    const d = mkdtempSync(join(tmpdir(), prefix));
    return { dir: d, remove: () => rmSync(d, { recursive: true, force: true }) };
}

export async function launchBrowser() {
    if (!existsSync(CHROMIUM)) {
        throw new Error(`no browser at ${CHROMIUM} (apt-get install chromium)`);
    }
    return chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-sync",
            "--no-first-run",
            "--metrics-recording-only",
            "--disable-dev-shm-usage",
        ],
    });
}

/*
 * A new browser context (its own cookies) and page, at 1280x720 unless told otherwise,
 * with watchers for CSP violations and errors.
 */
export async function newPage(browser, opts = {}) {
    const context = await browser.newContext({
        viewport: opts.viewport ?? { width: 1280, height: 720 },
        baseURL: opts.baseURL,
    });
    const page = await context.newPage();
    page.problems = [];
    page.on("console", (msg) => {
        if (msg.type() === "error") {
            page.problems.push("console: " + msg.text());
        }
    });
    page.on("pageerror", (e) => page.problems.push("pageerror: " + e.message));
    return { context, page };
}

/* htmx logs a request that a newer keystroke replaced (hx-sync "replace") as an error;
 * that is the design working, not a fault. A failed response still shows, as
 * htmx:responseError or htmx:sendError. */
const REPLACED_REQUEST = [/^console: htmx:sendAbort\b/, /^console: htmx:afterRequest\b/];

/* Fails if the page logged a CSP violation, a console error or an uncaught error. */
export function assertPageClean(page, allow = []) {
    const ok = [...REPLACED_REQUEST, ...allow];
    const left = page.problems.filter((p) => !ok.some((re) => re.test(p)));
    assert.deepEqual(left, [], "the page reported problems");
}

export async function screenshot(page, name) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, name + ".png");
    await page.screenshot({ path: file, fullPage: true });
    return file;
}

/* Signs in through the login form and returns the URL the role landed on. */
export async function login(page, base, username, password) {
    await page.goto(base + "/login");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    await Promise.all([
        page.waitForNavigation(),
        page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    return new URL(page.url()).pathname;
}
