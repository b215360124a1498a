#!/usr/bin/env python3
"""firstcontact replay: a misspelt repeat caller is recognised, a household member is not
merged with them, a flag raised before a call makes it vulnerable, and bad input is refused."""
import csv
import io
import os
import subprocess
import sys
import tempfile

FC_BIN = os.environ["FC_BIN"]

CALLS_HEADER = ("call_id,received_at,channel,forename,surname,dob,phone,email,address,"
                "postcode,category,incident_type,description,incident_address,incident_postcode")
CALLS = [
    "C000001,2024-01-01T10:00:00+00:00,phone,Robert,Hughes,12/03/1961,07700 900123,,"
    "\"14 London Road, Leicester\",LE2 0QS,nuisance,noise,loud music,16 London Road,",
    # the same man a month later: nickname, misspelt surname, no dob, unspaced postcode
    "C000002,2024-02-01T10:00:00+00:00,phone,Bob,Hughs,,+447700900123,,14 London Rd,le20qs,"
    "nuisance,noise,loud music,16 London Road,",
    # his wife: same home, her own mobile, different forename and dob
    "C000003,2024-02-02T10:00:00+00:00,phone,Susan,Hughes,01/07/1963,07700 900555,,"
    "14 London Road,LE2 0QS,nuisance,noise,loud music,16 London Road,",
    # him again, forename and surname swapped, with a date of birth day/month swap
    "C000004,2024-03-01T10:00:00+00:00,phone,HUGHES,ROBERT,03/12/1961,withheld,,"
    "14 London Road,LE2 0QS,personal,intimidation_harassment,threats,16 London Road,",
    # a stranger
    "C000005,2024-03-02T10:00:00+00:00,online,Priya,Mistry,1990-05-05,07700 900999,"
    "priya@example.org,3 Belgrave Gate,LE1 3GQ,environmental,littering_fly_tipping,rubbish,,",
]
FLAGS_HEADER = ("flag_id,agency,flagged_at,name,forename,surname,dob,phone,email,address,"
                "postcode,reason,review_date")
FLAGS = [
    "F00001,Leicester City Council,2024-02-15T09:00:00+00:00,\"HUGHES, Robert John\",,,"
    "1961-03-12,07700900123,,\"14 LONDON ROAD, LEICESTER\",LE2 0QS,elderly living alone,2025-02-15",
]


def run(args):
    return subprocess.run([FC_BIN] + args, capture_output=True, text=True, timeout=120)


def main():
    with tempfile.TemporaryDirectory() as d:
        calls = os.path.join(d, "calls.csv")
        flags = os.path.join(d, "flags.csv")
        with open(calls, "w") as f:
            f.write("\n".join([CALLS_HEADER] + CALLS) + "\n")
        with open(flags, "w") as f:
            f.write("\n".join([FLAGS_HEADER] + FLAGS) + "\n")
        p = run(["replay", "--flags", flags, calls])
        assert p.returncode == 0, p.stderr
        rows = {r["call_id"]: r for r in csv.DictReader(io.StringIO(p.stdout))}
        assert list(csv.reader(io.StringIO(p.stdout)))[0] == [
            "call_id", "person_id", "repeat_flag", "prior_calls_12m", "vulnerable_flag",
            "match_probability"]
        r1, r2, r3, r4, r5 = (rows["C00000%d" % i] for i in range(1, 6))
        assert r1["repeat_flag"] == "0" and r1["match_probability"] == "", r1
        assert r2["person_id"] == r1["person_id"], (r1, r2)
        assert r2["repeat_flag"] == "1" and r2["prior_calls_12m"] == "1", r2
        assert float(r2["match_probability"]) >= 0.5, r2
        assert r2["vulnerable_flag"] == "0", r2  # the flag came later
        assert r3["person_id"] != r1["person_id"], r3  # the wife is someone else
        assert r3["repeat_flag"] == "0" and r3["vulnerable_flag"] == "0", r3
        assert r4["person_id"] == r1["person_id"], r4
        assert r4["prior_calls_12m"] == "2" and r4["vulnerable_flag"] == "1", r4
        assert r5["person_id"] not in (r1["person_id"], r3["person_id"]), r5

        # bad input: a missing column is refused with its name, nothing on stdout
        bad = os.path.join(d, "bad.csv")
        with open(bad, "w") as f:
            f.write("call_id,received_at\nC1,2024-01-01T00:00:00+00:00\n")
        p = run(["replay", bad])
        assert p.returncode == 1 and "forename" in p.stderr and p.stdout == "", p
        p = run(["replay"])
        assert p.returncode == 2
        p = run(["replay", "--help"])
        assert p.returncode == 0 and "--flags" in p.stdout
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
