"""`firstcontact migrate-store`: a demo store moved from SQLite to PostgreSQL.

Loads the demo into a SQLite file, copies it into a fresh PostgreSQL schema, and checks
the copy independently of the program: every table's row count (SQLite through Python,
PostgreSQL through psql), the source-side SHA-256 of every table recomputed here from the
canonical row text, `firstcontact audit verify` on the target, and that reports computed
on PostgreSQL are byte for byte the ones computed on SQLite. Then a repeated run is
refused, a resumed one copies only what the source gained, and bad arguments fail.
While a SQLite migration has no PostgreSQL twin yet, the copy must refuse, naming what is
missing, and write nothing: the test checks that and reports itself skipped.
The PostgreSQL URL is FC_TEST_PG_URL (scripts/test.sh); without it the test starts a
throwaway cluster with scripts/pg-cluster.sh and stops it afterwards.
"""
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

FC_BIN = os.environ.get("FC_BIN", "firstcontact")
SRC_DIR = os.environ.get("FC_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def run(*args, check=True):
    p = subprocess.run([FC_BIN, *args], capture_output=True, text=True, timeout=600)
    if check and p.returncode != 0:
        raise AssertionError(f"{args[0]} failed ({p.returncode}): {p.stderr[-2000:]}")
    return p


def canonical(v):
    if v is None:
        return "\\N"
    if isinstance(v, bytes):
        v = v.hex()
    elif isinstance(v, float):
        v = "%.17g" % v
    else:
        v = str(v)
    return (v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def sqlite_tables(db):
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT IN ('meta', 'change_feed', 'change_feed_purged') ORDER BY name")]
    out = {}
    for t in names:
        cols = db.execute(f'SELECT name, pk FROM pragma_table_info("{t}") ORDER BY cid').fetchall()
        keys = [c[0] for c in sorted((c for c in cols if c[1] > 0), key=lambda c: c[1])]
        h = hashlib.sha256()
        n = 0
        sel = ", ".join(f'"{c[0]}"' for c in cols)
        order = ", ".join(f'"{k}"' for k in keys)
        for row in db.execute(f'SELECT {sel} FROM "{t}" ORDER BY {order}'):
            h.update(("\t".join(canonical(v) for v in row) + "\n").encode())
            n += 1
        out[t] = (n, h.hexdigest())
    return out


class MigrateStoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fc-migrate-")
        cls.cluster = None
        try:
            cls.prepare()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def prepare(cls):
        url = os.environ.get("FC_TEST_PG_URL")
        if not url:
            # its own directory: the script hands it to the cluster's (non-root) user
            cls.cluster = tempfile.mkdtemp(prefix="fc-migrate-pg-")
            p = subprocess.run([os.path.join(SRC_DIR, "scripts", "pg-cluster.sh"), "start",
                                cls.cluster], capture_output=True, text=True, timeout=180)
            if p.returncode != 0:
                raise AssertionError("cannot start PostgreSQL: " + p.stderr)
            url = p.stdout.strip().splitlines()[-1]
        cls.base_url = url
        cls.sep = "&" if "?" in url else "?"
        cls.db_path = os.path.join(cls.tmp, "demo.db")
        run("demo", "--db", cls.db_path, "--persons", "120")

    @classmethod
    def tearDownClass(cls):
        if cls.cluster:
            subprocess.run([os.path.join(SRC_DIR, "scripts", "pg-cluster.sh"), "stop",
                            cls.cluster], capture_output=True, timeout=120)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def target(self, name):
        return f"{self.base_url}{self.sep}fc_schema={name}_{os.getpid()}", f"{name}_{os.getpid()}"

    def psql_count(self, schema, table):
        return int(self.psql(schema, f'SELECT count(*) FROM "{table}"')[-1])

    def migrate(self, url, *extra, check=True):
        return run("migrate-store", "--from", "sqlite:" + self.db_path, "--to", url, *extra,
                   check=check)

    def printed(self, out):
        return {m.group(1): (int(m.group(2)), m.group(3)) for m in re.finditer(
            r"^(\w+)\s+(\d+) rows\s+sha256 ([0-9a-f]{64})", out, re.M)}

    def psql(self, schema, sql):
        url = self.base_url.split("?")[0]
        p = subprocess.run(["psql", url, "-Atq", "-c", f'SET search_path TO "{schema}"',
                            "-c", sql], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.split()

    def schema_gap(self, url, schema):
        """Columns the SQLite schema has and the PostgreSQL one lacks (a migration not yet
        written for PostgreSQL)."""
        run("migrate", "--db", url)
        pg = set(self.psql(schema, "SELECT table_name || '.' || column_name FROM "
                                   "information_schema.columns WHERE table_schema = "
                                   f"'{schema}'"))
        with sqlite3.connect(self.db_path) as db:
            lite = {f"{t}.{c}" for (t,) in db.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                "'sqlite_%' AND name <> 'meta'") for (c,) in db.execute(
                f'SELECT name FROM pragma_table_info("{t}")')}
        return sorted(lite - pg)

    def test_demo_store_moves_with_counts_checksums_and_audit_chain(self):
        url, schema = self.target("full")
        gap = self.schema_gap(url, schema)
        self.assertEqual(gap, [], "the PostgreSQL schema lacks columns of SQLite's: "
                         "migrations must match on both backends")
        p = self.migrate(url)
        got = self.printed(p.stdout)
        # the migration recorded itself in the source's audit trail before copying, so the
        # source as it is now is what was copied
        with sqlite3.connect(self.db_path) as db:
            want = sqlite_tables(db)
        self.assertEqual(set(got), set(want))
        for t, (n, sha) in want.items():
            self.assertEqual(got[t], (n, sha), t)
            self.assertEqual(self.psql_count(schema, t), n, t)
        self.assertGreater(want["contact"][0], 100)
        self.assertGreater(want["audit_event"][0], 10)
        self.assertRegex(p.stdout, r"counts and checksums match")
        self.assertRegex(p.stderr, r"migrate-store: \[\d+/\d+\] person: \d+ rows")
        v = run("audit", "verify", "--db", url)
        self.assertIn(f"audit chain ok: {want['audit_event'][0]} events", v.stdout)
        # the reports computed by PostgreSQL are the ones SQLite computes, to the byte
        for name, period, by in (("first_contact", "month", "vulnerable"),
                                 ("first_contact", "quarter", "channel"),
                                 ("demand", "month", "hour"), ("demand", "year", "dow"),
                                 ("demand", "all", "area"), ("satisfaction", "quarter", "repeat"),
                                 ("tasks", "month", "none"), ("triggers", "year", "none"),
                                 ("survey_rates", "month", "none"), ("hotspots", "all", "none"),
                                 ("repeat_locations", "all", "none")):
            args = ("report", name, "--period", period, "--by", by, "--format", "csv")
            a = run(*args, "--db", self.db_path).stdout
            b = run(*args, "--db", url).stdout
            self.assertGreater(len(a.splitlines()), 1, (name, period, by))
            self.assertEqual(a, b, (name, period, by))

        # the target is not empty now: refused, and nothing changes
        again = self.migrate(url, check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("not empty", again.stderr)
        # resumed: only what the source gained is copied: the audit rows of the refused run
        # and of this one (each run records itself in the source first)
        more = self.migrate(url, "--allow-non-empty")
        self.assertRegex(more.stdout, r"copied 2 rows in")
        with sqlite3.connect(self.db_path) as db:
            now = sqlite_tables(db)
        self.assertEqual(self.printed(more.stdout)["audit_event"], now["audit_event"])
        self.assertEqual(self.psql_count(schema, "audit_event"), now["audit_event"][0])
        run("audit", "verify", "--db", url)

    def test_bad_target_and_usage_fail_clearly(self):
        p = run("migrate-store", "--from", "sqlite:" + self.db_path, check=False)
        self.assertEqual(p.returncode, 2)
        p = run("migrate-store", "--from", "sqlite:" + self.db_path, "--to",
                "postgresql://fcpg@127.0.0.1:1/none", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot connect to PostgreSQL", p.stderr)
        p = run("migrate-store", "--from", "sqlite:" + os.path.join(self.tmp, "absent", "x.db"),
                "--to", self.target("never")[0], check=False)
        self.assertEqual(p.returncode, 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
