"""police.uk open data through the real binary: import (idempotent, all or nothing per
file) on the shared data.police.uk files, and the anonymised export round trip.

Keeps CI fast: two Leicestershire months (one with CRLF line endings), one East Midlands
force and one force of the national month. Every figure is checked against MANIFEST.tsv.
The whole folder is imported by bench/bench_policeuk.sh (figures in docs/benchmarks.md).
"""
import csv
import os
import subprocess
import sys
import tempfile

BIN = os.environ["FC_BIN"]
DATA = os.path.join(os.environ["FC_SHARED_DATA"], "police-uk")
FILES = [
    "leicestershire/2023-01-leicestershire-street.csv.gz",  # CRLF
    "leicestershire/2024-12-leicestershire-street.csv.gz",
    "east-midlands/2024-12-derbyshire-street.csv.gz",
    "national/2019-02/2019-02-northamptonshire-street.csv.gz",
]


def run(*args, ok=True):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)
    if ok and p.returncode != 0:
        sys.exit(f"{args[0]} failed ({p.returncode}): {p.stderr}")
    return p


def manifest():
    with open(os.path.join(DATA, "MANIFEST.tsv"), newline="") as f:
        return {r["file"]: r for r in csv.DictReader(f, delimiter="\t")}


def report_csv(db, *args):
    out = run("report", *args, "--db", db, "--format", "csv").stdout
    return list(csv.DictReader(out.splitlines()))


def main():
    man = manifest()
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "fc.db")
        paths = [os.path.join(DATA, f) for f in FILES]
        out = run("import-policeuk", "--db", db, *paths).stdout
        want_rows = sum(int(man[f]["rows"]) for f in FILES)
        want_asb = sum(int(man[f]["asb_rows"]) for f in FILES)
        total = out.strip().splitlines()[-1]
        assert f"{len(FILES)} files, {want_rows} rows ({want_asb} ASB): {want_rows} new" in total, out

        # Re-importing changes nothing.
        again = run("import-policeuk", "--db", db, *paths).stdout.strip().splitlines()[-1]
        assert f"0 new, 0 updated, {want_rows} unchanged" in again, again

        # The hotspot report shows the published ASB rows of the force area's LSOAs.
        rows = report_csv(db, "hotspots", "--from", "2024-12-01", "--to", "2025-01-01")
        published = sum(int(r["policeuk_asb"]) for r in rows)
        assert 0 < published <= int(man[FILES[1]]["asb_rows"]), published

        # A file with one bad row is rejected whole and names the line.
        bad = os.path.join(tmp, "2024-12-bad-street.csv")
        with open(bad, "w", newline="") as f:
            f.write("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                    "LSOA code,LSOA name,Crime type,Last outcome category,Context\n")
            f.write(",2024-12,Leicestershire Police,Leicestershire Police,-1.1,52.6,"
                    "On or near X,E01013600,Leicester 003A,Anti-social behaviour,,\n")
            f.write(",2024-13,Leicestershire Police,Leicestershire Police,-1.1,52.6,"
                    "On or near X,E01013600,Leicester 003A,Anti-social behaviour,,\n")
        p = run("import-policeuk", "--db", db, bad, ok=False)
        assert p.returncode == 1 and "line 3" in p.stderr and "Month" in p.stderr, p.stderr

        # Export of our own incidents, anonymised, then back in through the importer.
        orgs = os.path.join(tmp, "orgs.csv")
        with open(orgs, "w", newline="") as f:
            f.write("id,kind,name,open311_jurisdiction\n1,force,Leicestershire Police,\n")
        run("import", "organisations", orgs, "--db", db)
        inc = os.path.join(tmp, "incidents.csv")
        cols = ("id,org_id,category,incident_type,description,location_raw,location_postcode,"
                "location_key,lsoa_code,lat,lon,status,grade,risk_level,is_police_only,"
                "occurred_at,created_at,closed_at,closure_code,outcome,persons")
        with open(inc, "w", newline="") as f:
            w = csv.writer(f)
            f.write(cols + "\n")
            base = dict.fromkeys(cols.split(","), "")
            for i, (lat, lon, pc) in enumerate([("52.823475", "-1.336256", ""),
                                                ("", "", "LE1 1AD"),
                                                ("52.63552", "-1.12904", "")], start=1):
                r = dict(base, id=i, org_id=1, category="nuisance", incident_type="noise",
                         description="loud music, caller Jane Example 07700900123",
                         location_raw="12 Example Street", location_postcode=pc, lat=lat,
                         lon=lon, status="open", is_police_only=0,
                         created_at="2025-03-0%dT12:00:00Z" % i)
                w.writerow([r[c] for c in cols.split(",")])
        p = run("import", "incidents", inc, "--db", db, ok=False)
        if p.returncode != 0:
            sys.exit("incident import failed: " + p.stderr)
        exp = os.path.join(tmp, "2025-03-firstcontact-street.csv")
        run("export-policeuk", "--db", db, "--month", "2025-03", "--out", exp)
        text = open(exp).read()
        for secret in ("Jane", "07700900123", "Example Street", "LE1 1AD", "noise"):
            assert secret not in text, secret
        rows = list(csv.DictReader(text.splitlines()))
        assert len(rows) == 3, rows
        for r in rows:
            assert r["Month"] == "2025-03" and r["Crime ID"] == ""
            assert r["Crime type"] == "Anti-social behaviour"
            assert r["Location"].startswith("On or near "), r
            assert r["LSOA code"].startswith("E01"), r
        out = run("import-policeuk", "--db", db, exp).stdout
        assert "3 rows (3 ASB): 3 new" in out, out
        out = run("import-policeuk", "--db", db, exp).stdout
        assert "0 new, 0 updated, 3 unchanged" in out, out
    print("police.uk import/export: ok")


if __name__ == "__main__":
    main()
