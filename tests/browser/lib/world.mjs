/*
 * A small world for the browser tests: a fresh store with one user per role (police users
 * at Leicestershire Police, a partner officer at Leicester City Council), created with the
 * CLI, and the real server on an ephemeral port. Demo facts the tests need are made through
 * the JSON API, as a partner system or another screen would.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

import { FC_BIN, startServer, tempDataDir } from "./harness.mjs";

export const PASSWORD = "correct horse battery staple";
const FORCE = "Leicestershire Police";
const COUNCIL = "Leicester City Council";

/* role -> user; home is where the role lands after signing in. */
export const USERS = {
    call_handler: { username: "handler", org: FORCE, kind: "force", home: "/call" },
    officer: { username: "officer", org: FORCE, kind: "force", home: "/incidents" },
    supervisor: { username: "supervisor", org: FORCE, kind: "force", home: "/dashboard" },
    analyst: { username: "analyst", org: FORCE, kind: "force", home: "/dashboard" },
    admin: { username: "admin", org: FORCE, kind: "force", home: "/admin" },
    partner_officer: { username: "partner", org: COUNCIL, kind: "city_council",
        home: "/cases" },
};
for (const u of Object.values(USERS)) {
    u.password = PASSWORD;
}

function run(args, input) {
    const r = spawnSync(FC_BIN, args, { input: input ?? "", encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) {
        throw new Error(`firstcontact ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
    }
    return r.stdout;
}

/* A partner officer at another council, for tests of what is not shared. */
export const OTHER_COUNCIL_OFFICER = { username: "partner2", org: "Charnwood Borough Council",
    kind: "district_council", role: "partner_officer", home: "/cases", password: PASSWORD };

/* `extra`: more users ({username, org, kind, role}) beside one per role. */
export async function startWorld({ extra = [] } = {}) {
    const tmp = tempDataDir();
    const db = join(tmp.dir, "fc.db");
    run(["migrate", "--db", db]);
    const users = [...Object.entries(USERS).map(([role, u]) => ({ ...u, role })), ...extra];
    for (const u of users) {
        run(["user", "add", "--db", db, "--org", u.org, "--create-org", u.kind, "--username",
            u.username, "--role", u.role, "--password-stdin"], PASSWORD + "\n");
    }
    const server = await startServer(db);
    const base = server.base;

    async function api(username, method, path, body) {
        const login = await fetch(base + "/api/v1/login", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ username, password: PASSWORD }),
        });
        if (!login.ok) {
            throw new Error(`API sign-in as ${username} failed: ${login.status}`);
        }
        const { token } = await login.json();
        const r = await fetch(base + path, {
            method,
            headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
            body: body ? JSON.stringify(body) : undefined,
        });
        const text = await r.text();
        return { status: r.status, body: text ? JSON.parse(text) : null };
    }

    return {
        base,
        db,
        api,
        log: server.log,
        /* A council's vulnerable flag on a person, raised by an officer on its behalf. */
        async flagVulnerable(personId, agency, reason) {
            const r = await api("officer", "POST", "/api/v1/flags", {
                person_id: Number(personId), kind: "vulnerable", agency, reason,
                sharing_basis: "Crime and Disorder Act 1998 s115",
            });
            if (r.status !== 201) {
                throw new Error(`flag: ${r.status} ${JSON.stringify(r.body)}`);
            }
            return r.body;
        },
        async stop() {
            await server.stop();
            tmp.remove();
        },
    };
}
