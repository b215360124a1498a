#!/usr/bin/env python3
"""Throughput of one and two server nodes on PostgreSQL against one node on SQLite.

For each layout (sqlite x1, pg x1, pg x2) the script makes a fresh store, fills it with
--persons persons (bench_nodes populate: person i is the same everywhere), starts the
nodes (`firstcontact serve`, workers=8 each) on loopback, signs a call handler in, and runs
--runs rounds of two loads with bench_nodes http (--threads keep-alive clients spread over
the nodes, --seconds each): lookups (POST /api/v1/lookup for a random populated person, as
typed) and contact creation (POST /api/v1/contacts). It prints one JSON line per load and
a table of medians with ratios to SQLite.

--scale N1,N2,... instead measures one PostgreSQL node at each persons count: populate rate,
index load time at start, node memory (VmRSS) and index bytes per person, database bytes per
person, and lookup and contact throughput.

PostgreSQL: --pg-url, else FC_TEST_PG_URL, else a throwaway cluster from
scripts/pg-cluster.sh (stopped at the end). Each layout gets its own schema.

  python3 bench/bench_nodes.py --build build/bench --persons 100000 --runs 3
  python3 bench/bench_nodes.py --build build/bench --scale 100000,1000000 --runs 3
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "correct horse battery staple"


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd[:3]), p.stderr[-2000:]))
    return p.stdout


class Node:
    def __init__(self, fc, url, tmp, name):
        self.fc, self.url, self.name = fc, url, name
        self.out = open(os.path.join(tmp, name + ".out"), "w+")
        self.log = os.path.join(tmp, name + ".log")
        self.err = open(self.log, "w+")
        self.proc = subprocess.Popen([fc, "serve", "--db", url, "--listen", "127.0.0.1:0",
                                      "--set", "workers=8"], stdout=self.out, stderr=self.err)
        self.port = None
        deadline = time.monotonic() + 3600
        while self.port is None and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("node exited: " + open(self.log).read()[-2000:])
            with open(self.out.name) as f:
                m = re.search(r"listening on http://[\d.]+:(\d+)", f.read())
                if m:
                    self.port = int(m.group(1))
            time.sleep(0.1)

    def index_stats(self):
        """(seconds to load the index, persons, index bytes) from the node's log."""
        text = open(self.log).read()
        first = {}
        for t, ev in re.findall(r"ts=(\S+) level=\w+ event=(serve\.\w+)", text):
            first.setdefault(ev, t)

        def sec(t):
            h, m, s = t[11:-1].split(":")
            return int(h) * 3600 + int(m) * 60 + float(s)
        m = re.search(r"event=serve\.index_loaded persons=(\d+) keys=\d+ bytes=(\d+)", text)
        load_s = sec(first["serve.index_loaded"]) - sec(first["serve.migrated"])
        return load_s, int(m.group(1)), int(m.group(2))

    def rss_bytes(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.out.close()
        self.err.close()


def login(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", "/api/v1/login", json.dumps({"username": "bench", "password": PASSWORD}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError("login failed: %d %s" % (r.status, body[:200]))
    return json.loads(body)["token"]


def load(bench, ports, token, kind, persons, threads, seconds, seed):
    out = run([bench, "http", "--ports", ",".join(map(str, ports)), "--token", token, "--kind",
               kind, "--persons", str(persons), "--threads", str(threads), "--seconds",
               str(seconds), "--seed", str(seed)])
    doc = json.loads(out)
    print(json.dumps(doc), flush=True)
    return doc


COPY_COLUMNS = {
    "person": "id, created_at",
    "person_name": "person_id, forename, surname, keys, source, recorded_at",
    "person_dob": "person_id, raw, date, precision, source, recorded_at",
    "person_phone": "person_id, raw, e164, kind, source, recorded_at",
    "person_address": "person_id, raw, postcode, keys, source, recorded_at",
}


def prepare(fc, bench, url, persons, tmp):
    """Fills an empty store with persons 1..N: through the store interface on SQLite, with
    COPY on PostgreSQL (the same rows, keys included; the interface's one round trip per
    row would take hours for a million on a loaded machine)."""
    if url.startswith("sqlite:"):
        pop = json.loads(run([bench, "populate", url, str(persons)]))
    else:
        run([fc, "migrate", "--db", url])
        base, schema = url.split("?")[0], url.split("fc_schema=")[1]
        t0 = time.monotonic()
        run([bench, "copy", tmp, str(persons)])
        for table, cols in COPY_COLUMNS.items():
            psql(base, "\\copy %s.%s (%s) FROM '%s/%s.csv' WITH (FORMAT csv)"
                 % (schema, table, cols, tmp, table))
        psql(base, "SELECT setval('%s.person_id_seq', %d)" % (schema, persons))
        psql(base, "ANALYZE " + ", ".join("%s.%s" % (schema, t) for t in COPY_COLUMNS))
        dt = time.monotonic() - t0
        pop = {"persons": persons, "seconds": dt, "persons_per_s": persons / dt}
    run([fc, "user", "add", "--db", url, "--org", "Leicestershire Police", "--create-org",
         "force", "--username", "bench", "--role", "call_handler", "--password-stdin"],
        input=PASSWORD + "\n")
    return pop


def psql(url, sql):
    return run(["psql", "-X", "-q", "-t", "-A", "-d", url, "-c", sql]).strip()


def schema_bytes(base, schema):
    return int(psql(base, "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                          "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '%s' "
                          "AND c.relkind IN ('r', 'm')" % schema))


def pg_store(base):
    schema = "bench_" + secrets.token_hex(4)
    return base + ("&" if "?" in base else "?") + "fc_schema=" + schema, schema


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def compare(a, fc, bench, base, tmp):
    layouts = [("sqlite", 1), ("pg", 1), ("pg", 2)]
    results = {}
    for backend, n_nodes in layouts:
        name = "%s x%d" % (backend, n_nodes)
        if backend == "sqlite":
            url, schema = "sqlite:" + os.path.join(tmp, "bench.db"), None
        else:
            url, schema = pg_store(base)
        pop = prepare(fc, bench, url, a.persons, tmp)
        print("# %s: populated %d persons at %.0f/s (%s)" % (
            name, a.persons, pop["persons_per_s"],
            "store interface" if backend == "sqlite" else "COPY"), flush=True)
        nodes = [Node(fc, url, tmp, "%s-%d" % (backend, i)) for i in range(n_nodes)]
        ports = [n.port for n in nodes]
        token = login(ports[0])
        load(bench, ports, token, "lookup", a.persons, a.threads, 2, 99)  # warm up
        res = {"lookup": [], "contact": []}
        for r in range(a.runs):
            for kind in ("lookup", "contact"):
                res[kind].append(load(bench, ports, token, kind, a.persons, a.threads,
                                      a.seconds, r + 1))
        for n in nodes:
            n.stop()
        if schema:
            psql(base, "DROP SCHEMA %s CASCADE" % schema)
        results[name] = res
    print()
    print("| layout | lookups/s (median) | runs | p50 ms | p99 ms | contacts/s (median) | runs "
          "| p50 ms | p99 ms | lookups vs SQLite | contacts vs SQLite |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    base_l = median([x["rps"] for x in results["sqlite x1"]["lookup"]])
    base_c = median([x["rps"] for x in results["sqlite x1"]["contact"]])
    for name, res in results.items():
        row = [name]
        for kind, b in (("lookup", base_l), ("contact", base_c)):
            rps = [x["rps"] for x in res[kind]]
            row += ["%.0f" % median(rps), ", ".join("%.0f" % x for x in rps),
                    "%.1f" % median([x["p50_ms"] for x in res[kind]]),
                    "%.0f" % median([x["p99_ms"] for x in res[kind]])]
        row += ["%.2f" % (median([x["rps"] for x in res["lookup"]]) / base_l),
                "%.2f" % (median([x["rps"] for x in res["contact"]]) / base_c)]
        print("| " + " | ".join(row) + " |")
    errors = sum(x["errors"] for res in results.values() for k in res.values() for x in k)
    print("\nrequest errors over all loads: %d" % errors)


def scale(a, fc, bench, base, tmp):
    print("| persons | COPY persons/s | index load s | node RSS MB | index B/person "
          "| DB B/person | lookups/s (median) | contacts/s (median) |")
    rows = []
    for persons in [int(x) for x in a.scale.split(",")]:
        url, schema = pg_store(base)
        pop = prepare(fc, bench, url, persons, tmp)
        node = Node(fc, url, tmp, "scale-%d" % persons)
        load_s, n_idx, idx_bytes = node.index_stats()
        rss = node.rss_bytes()
        db_bytes = schema_bytes(base, schema)
        token = login(node.port)
        lk, ct = [], []
        for r in range(a.runs):
            lk.append(load(bench, [node.port], token, "lookup", persons, a.threads, a.seconds,
                           r + 1)["rps"])
            ct.append(load(bench, [node.port], token, "contact", persons, a.threads, a.seconds,
                           r + 1)["rps"])
        node.stop()
        per_row = {}
        for table in ("contact", "audit_event", "person_name", "change_feed"):
            n = int(psql(base, "SELECT count(*) FROM %s.%s" % (schema, table)))
            b = int(psql(base, "SELECT pg_total_relation_size('%s.%s')" % (schema, table)))
            per_row[table] = (n, b / max(n, 1))
        print("# %d persons: rows and bytes per row (with indexes): %s" % (persons, ", ".join(
            "%s %d x %.0f B" % (t, n, b) for t, (n, b) in per_row.items())), flush=True)
        psql(base, "DROP SCHEMA %s CASCADE" % schema)
        row = "| %d | %.0f | %.1f | %.0f | %.0f | %.0f | %.0f (%s) | %.0f (%s) |" % (
            persons, pop["persons_per_s"], load_s, rss / 1e6, idx_bytes / max(n_idx, 1),
            db_bytes / persons, median(lk), ", ".join("%.0f" % x for x in lk), median(ct),
            ", ".join("%.0f" % x for x in ct))
        rows.append(row)
        print(row, flush=True)
    print()
    for r in rows:
        print(r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "bench"))
    ap.add_argument("--persons", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--pg-url", default=os.environ.get("FC_TEST_PG_URL"))
    ap.add_argument("--scale", help="comma-separated persons counts (one PostgreSQL node)")
    a = ap.parse_args()
    fc = os.path.join(a.build, "firstcontact")
    bench = os.path.join(a.build, "bench", "bench_nodes")
    for p in (fc, bench):
        if not os.access(p, os.X_OK):
            sys.exit("bench_nodes.py: %s missing: build the bench tree first" % p)
    tmp = tempfile.mkdtemp(prefix="fc-bench-nodes-")
    cluster = None
    base = a.pg_url
    try:
        if not base:
            cluster = os.path.join(tmp, "pg")
            base = run([os.path.join(ROOT, "scripts", "pg-cluster.sh"), "start", cluster]).strip()
        print("# machine: %s, load average %s" % (os.uname().machine,
                                                  open("/proc/loadavg").read().split()[0]))
        if a.scale:
            scale(a, fc, bench, base, tmp)
        else:
            compare(a, fc, bench, base, tmp)
    finally:
        if cluster:
            subprocess.run([os.path.join(ROOT, "scripts", "pg-cluster.sh"), "stop", cluster])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
