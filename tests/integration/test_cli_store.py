#!/usr/bin/env python3
"""The store commands end to end: migrate, user add, import (a bad row names its line and
writes nothing), export round trips, backup and restore, audit verify, --help everywhere."""
import csv
import io
import os
import sqlite3
import subprocess
import sys
import tempfile

FC_BIN = os.environ["FC_BIN"]
failures = []


def run(args, env_extra=None, stdin=None):
    env = dict(os.environ)
    env.pop("FC_PASSWORD", None)
    env.pop("FC_CONFIG", None)
    env.update(env_extra or {})
    return subprocess.run([FC_BIN] + args, capture_output=True, text=True, timeout=300,
                          env=env, input=stdin)


def check(cond, what, proc=None):
    if not cond:
        detail = ""
        if proc is not None:
            detail = f"\n  rc={proc.returncode}\n  stdout={proc.stdout!r}\n  stderr={proc.stderr!r}"
        failures.append(what + detail)
        print("FAIL:", what + detail)


ORGS = """id,kind,name,open311_jurisdiction
1,force,Leicestershire Police,
2,district_council,Charnwood Borough Council,charnwood.gov.uk
"""

PERSONS = """person_id,created_at,kind,raw,forename,surname,date,precision,e164,phone_kind,postcode,uprn,lat,lon,source,recorded_at
10,2025-01-02T10:00:00Z,name,"SHERGILL, Ravinder",Ravinder,Shergill,,,,,,,,,import,2025-01-02T10:00:00Z
10,2025-01-02T10:00:00Z,dob,3/4/1980,,,1980-04-03,full,,,,,,,import,2025-01-02T10:00:00Z
10,2025-01-02T10:00:00Z,phone,07700 900123,,,,,+447700900123,mobile,,,,,import,2025-01-02T10:00:00Z
10,2025-01-02T10:00:00Z,address,"12 Market St, Loughborough",,,,,,,LE11 3EP,100030401234,52.7721,-1.2062,import,2025-01-02T10:00:00Z
11,2025-01-03T10:00:00Z,name,=HYPERLINK(1),Jo,Bloggs,,,,,,,,,import,2025-01-03T10:00:00Z
12,2025-01-04T10:00:00Z,name,"Ann ""Nan"" Other",Ann,Other,,,,,,,,,import,2025-01-04T10:00:00Z
"""

# line 4 (row 3) has a date of birth that is no real day
PERSONS_BAD = """person_id,kind,raw,surname,date,precision,source
20,name,Alice Smith,Smith,,,import
20,dob,1/1/1970,,1970-01-01,full,import
21,dob,30/2/1971,,1971-02-30,full,import
22,name,Bob Jones,Jones,,,import
"""

INCIDENTS = """id,org_id,category,incident_type,description,status,created_at,persons
100,1,personal,neighbour_dispute,"shouting, again",open,2025-02-01T09:00:00Z,10:caller;10:victim:hate;11:suspect
"""

CONTACTS = """id,channel,received_at,org_id,caller_person_id,incident_id,raw_details,match_snapshot
500,phone,2025-06-01T10:00:00+01:00,1,10,100,"{""name"":""Ravi""}","{""candidates"":[]}"
"""

FLAGS = """id,person_id,kind,agency,reason,flagged_at,review_date,match_probability
900,10,vulnerable,Charnwood Borough Council,lives alone,2025-01-05T00:00:00Z,2026-01-05,0.95
"""


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "fc.db")
        dbflag = ["--db", db]

        for cmd in (["migrate"], ["user"], ["import"], ["export"], ["backup"], ["restore"],
                    ["audit"]):
            p = run(cmd + ["--help"])
            check(p.returncode == 0 and "usage: firstcontact" in p.stdout,
                  f"{cmd[0]} --help prints usage", p)

        p = run(["migrate"] + dbflag)
        check(p.returncode == 0 and "schema version" in p.stdout, "migrate creates the store", p)

        # configuration: the file names the db, a flag overrides it
        ini = os.path.join(tmp, "fc.ini")
        write(ini, f"db = {os.path.join(tmp, 'other.db')}\nlog_level = warn\n")
        p = run(["migrate", "--config", ini])
        check(p.returncode == 0 and os.path.exists(os.path.join(tmp, "other.db")),
              "migrate --config uses the file's db", p)
        p = run(["migrate", "--config", ini, "--db", db])
        check(p.returncode == 0, "--db overrides the file", p)
        p = run(["migrate", "--config", ini], env_extra={"FC_DB": db})
        check(p.returncode == 0, "FC_DB overrides the file", p)
        write(ini, "lisen = :8080\n")
        p = run(["migrate", "--config", ini])
        check(p.returncode == 1 and "line 1" in p.stderr and "lisen" in p.stderr,
              "an unknown key in the file is refused naming the line", p)

        orgs = os.path.join(tmp, "orgs.csv")
        write(orgs, ORGS)
        p = run(["import", "organisations", orgs] + dbflag)
        check(p.returncode == 0 and "imported 2" in p.stdout, "import organisations", p)

        p = run(["user", "add", "--org", "Leicestershire Police", "--username", "admin",
                 "--role", "admin"] + dbflag, env_extra={"FC_PASSWORD": "correct horse battery"})
        check(p.returncode == 0 and "user admin added" in p.stdout, "user add (FC_PASSWORD)", p)
        p = run(["user", "add", "--org", "Charnwood Borough Council", "--username", "asb1",
                 "--role", "partner_officer", "--team", "ASB", "--password-stdin"] + dbflag,
                stdin="another long password\n")
        check(p.returncode == 0, "user add (--password-stdin)", p)
        p = run(["user", "add", "--org", "Nowhere", "--username", "x", "--role", "admin",
                 "--password-stdin"] + dbflag, stdin="long enough password\n")
        check(p.returncode == 1 and "organisation not found" in p.stderr,
              "user add refuses an unknown organisation", p)
        p = run(["user", "add", "--org", "Leicestershire Police", "--username", "y",
                 "--role", "wizard", "--password-stdin"] + dbflag, stdin="long enough password\n")
        check(p.returncode == 1 and "role" in p.stderr, "user add refuses an unknown role", p)
        p = run(["user", "add", "--org", "Leicestershire Police", "--username", "z",
                 "--role", "officer", "--password-stdin"] + dbflag, stdin="short\n")
        check(p.returncode == 1 and "at least 10" in p.stderr, "user add refuses a short password",
              p)
        with sqlite3.connect(db) as con:
            h = con.execute("SELECT password_hash FROM app_user WHERE username='admin'").fetchone()
        check(h is not None and h[0].startswith("$argon2id$"), "password stored as argon2id")

        p = run(["export", "users"] + dbflag)
        check(p.returncode == 0 and "argon2" not in p.stdout and "asb1" in p.stdout,
              "export users holds no hashes", p)

        persons = os.path.join(tmp, "persons.csv")
        write(persons, PERSONS)
        p = run(["import", "persons", persons] + dbflag)
        check(p.returncode == 0 and "imported 6" in p.stdout, "import persons", p)

        before = run(["export", "persons"] + dbflag).stdout
        bad = os.path.join(tmp, "bad.csv")
        write(bad, PERSONS_BAD)
        p = run(["import", "persons", bad] + dbflag)
        check(p.returncode == 1 and "line 4 (row 3)" in p.stderr and "date" in p.stderr
              and "nothing was imported" in p.stderr,
              "a bad row names its line and column", p)
        after = run(["export", "persons"] + dbflag).stdout
        check(before == after, "a failed import leaves the store unchanged")
        with sqlite3.connect(db) as con:
            n = con.execute("SELECT count(*) FROM person WHERE id IN (20, 21, 22)").fetchone()[0]
        check(n == 0, "no row of the failed import was written")

        write(bad, "person_id,kind,surname,shoe_size\n1,name,X,9\n")
        p = run(["import", "persons", bad] + dbflag)
        check(p.returncode == 1 and "shoe_size" in p.stderr, "an unknown column is refused", p)

        for entity, text in (("incidents", INCIDENTS), ("contacts", CONTACTS), ("flags", FLAGS)):
            path = os.path.join(tmp, entity + ".csv")
            write(path, text)
            p = run(["import", entity, path] + dbflag)
            check(p.returncode == 0, f"import {entity}", p)

        # the formula guard: a cell starting with = is exported with an apostrophe
        exported = rows(after)
        jo = [r for r in exported if r["person_id"] == "11"][0]
        check(jo["raw"] == "'=HYPERLINK(1)", "export guards formulas")
        ravi = [r for r in exported if r["person_id"] == "10"]
        check(len(ravi) == 4, "persons export has one row per identifier")

        # round trip: everything exported, imported into a fresh store, exported again
        db2 = os.path.join(tmp, "copy.db")
        first = {}
        for entity in ("organisations", "users", "persons", "incidents", "contacts", "flags"):
            p = run(["export", entity, "--out", os.path.join(tmp, f"x-{entity}.csv")] + dbflag)
            check(p.returncode == 0, f"export {entity} --out", p)
            with open(os.path.join(tmp, f"x-{entity}.csv"), encoding="utf-8") as f:
                first[entity] = f.read()
            p = run(["import", entity, os.path.join(tmp, f"x-{entity}.csv"), "--db", db2])
            check(p.returncode == 0, f"re-import {entity}", p)
        for entity in ("organisations", "users", "incidents", "contacts", "flags"):
            again = run(["export", entity, "--db", db2]).stdout
            if entity == "users":  # created_at survives; the copy has no passwords
                check(rows(again) == rows(first[entity]), "users round trip")
            else:
                check(again == first[entity], f"{entity} export round trips exactly")
        p_again = rows(run(["export", "persons", "--db", db2]).stdout)
        p_first = rows(first["persons"])
        check(len(p_again) == len(p_first), "persons round trip keeps every identifier")
        for a, b in zip(p_first, p_again):
            for k in a:
                if k not in ("recorded_at",):
                    check(a[k] == b[k], f"persons round trip column {k}: {a[k]!r} vs {b[k]!r}")
        contact = rows(first["contacts"])[0]
        check(contact["received_at"] == "2025-06-01T10:00:00+01:00",
              "a contact keeps its UTC offset")
        incident = rows(first["incidents"])[0]
        check(incident["persons"] == "10:caller;10:victim:hate;11:suspect",
              "incident links round trip")

        # backup while the store is open elsewhere, then restore after a change
        backup = os.path.join(tmp, "backup.db")
        holder = sqlite3.connect(db)
        holder.execute("BEGIN")
        holder.execute("SELECT count(*) FROM person").fetchone()
        p = run(["backup", backup] + dbflag)
        holder.rollback()
        holder.close()
        check(p.returncode == 0 and os.path.exists(backup), "backup with a reader open", p)
        write(persons, "person_id,kind,surname,source\n77,name,Later,import\n")
        p = run(["import", "persons", persons] + dbflag)
        check(p.returncode == 0, "import after the backup", p)
        p = run(["restore", backup] + dbflag)
        check(p.returncode == 0 and "restored" in p.stdout, "restore", p)
        with sqlite3.connect(db) as con:
            n = con.execute("SELECT count(*) FROM person WHERE id = 77").fetchone()[0]
            m = con.execute("SELECT count(*) FROM person").fetchone()[0]
        check(n == 0 and m == 3, "restore brings back the backed-up content")
        junk = os.path.join(tmp, "junk.db")
        write(junk, "not a database " * 500)
        p = run(["restore", junk] + dbflag)
        check(p.returncode == 1, "restore refuses a damaged backup", p)

        p = run(["audit", "verify"] + dbflag)
        check(p.returncode == 0 and "audit chain ok" in p.stdout, "audit verify", p)
        with sqlite3.connect(db) as con:
            con.execute("DROP TRIGGER audit_event_no_update")
            con.execute("UPDATE audit_event SET purpose = 'edited' WHERE seq = 2")
        p = run(["audit", "verify"] + dbflag)
        check(p.returncode == 1 and "event 2" in p.stderr, "audit verify finds tampering", p)

    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
