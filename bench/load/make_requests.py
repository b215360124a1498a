#!/usr/bin/env python3
"""Writes the request files the HTTP load tests send, from the people in a FirstContact
SQLite store (after `firstcontact demo --persons N`). One request a line, METHOD PATH [BODY]
(the format of bench_http_rate and bench/load/mixed.lua):

    make_requests.py STORE.db OUT_DIR [--seed N] [--count N]

OUT_DIR/lookups.txt  POST /api/v1/lookup, typed the way handlers type: 70% known callers
                     (25% surname typo, 15% forename typo, half without a date of birth,
                     30% without the phone, 30% without the postcode), 30% new callers
                     (a known forename with a known surname of someone else).
OUT_DIR/mixed.txt    60% lookups, 20% POST /api/v1/contacts for a known caller, 20%
                     GET /api/v1/cases/{id} of a live partnership case.
Only the load tests read the store this way; the product never does.
"""
import argparse
import json
import random
import sqlite3
import string


def typo(rng, s):
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # drop a letter
        return s[:i] + s[i + 1:]
    if kind == 1:  # swap two letters
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + rng.choice(string.ascii_lowercase) + s[i + 1:]  # wrong letter


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("store")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=20000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    db = sqlite3.connect("file:%s?mode=ro" % a.store, uri=True)
    people = {}
    for pid, fore, sur in db.execute(
            "SELECT person_id, forename, surname FROM person_name "
            "WHERE forename IS NOT NULL AND surname IS NOT NULL ORDER BY id"):
        people.setdefault(pid, {"forename": fore, "surname": sur})
    for pid, date in db.execute("SELECT person_id, date FROM person_dob WHERE precision = 'full'"):
        if pid in people:
            people[pid].setdefault("dob", date)
    for pid, raw in db.execute("SELECT person_id, raw FROM person_phone WHERE e164 IS NOT NULL"):
        if pid in people:
            people[pid].setdefault("phone", raw)
    for pid, pc in db.execute("SELECT person_id, postcode FROM person_address "
                              "WHERE postcode IS NOT NULL"):
        if pid in people:
            people[pid].setdefault("postcode", pc)
    cases = [r[0] for r in db.execute("SELECT id FROM asb_case ORDER BY id")]
    ids = sorted(people)
    if not ids:
        raise SystemExit("no named persons in %s: run firstcontact demo first" % a.store)
    forenames = [people[i]["forename"] for i in ids]
    surnames = [people[i]["surname"] for i in ids]

    def lookup():
        if rng.random() < 0.7:
            p = people[rng.choice(ids)]
            q = {"forename": p["forename"], "surname": p["surname"]}
            if rng.random() < 0.25:
                q["surname"] = typo(rng, q["surname"])
            if rng.random() < 0.15:
                q["forename"] = typo(rng, q["forename"])
            if "dob" in p and rng.random() < 0.5:
                q["dob"] = p["dob"]
            if "phone" in p and rng.random() < 0.7:
                q["phone"] = p["phone"]
            if "postcode" in p and rng.random() < 0.7:
                q["postcode"] = p["postcode"]
        else:
            q = {"forename": rng.choice(forenames), "surname": rng.choice(surnames)}
            if rng.random() < 0.5:
                q["phone"] = "07700 9%05d" % rng.randrange(100000)
        return "POST /api/v1/lookup " + json.dumps(q, separators=(",", ":"))

    with open("%s/lookups.txt" % a.out, "w") as f:
        for _ in range(a.count):
            f.write(lookup() + "\n")
    with open("%s/mixed.txt" % a.out, "w") as f:
        for _ in range(a.count):
            r = rng.random()
            if r < 0.6 or (r >= 0.8 and not cases):
                f.write(lookup() + "\n")
            elif r < 0.8:
                body = {"channel": "phone", "caller_person_id": rng.choice(ids)}
                f.write("POST /api/v1/contacts " + json.dumps(body, separators=(",", ":")) + "\n")
            else:
                f.write("GET /api/v1/cases/%d\n" % rng.choice(cases))
    print("%d persons, %d cases, %d requests each in %s/lookups.txt and %s/mixed.txt"
          % (len(ids), len(cases), a.count, a.out, a.out))


if __name__ == "__main__":
    main()
