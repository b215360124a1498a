#!/usr/bin/env python3
"""firstcontact dedupe clusters Splink's fake_1000 with high pairwise precision and recall;
train writes a Splink-compatible model that replay and dedupe accept; bad mappings are
refused with the column named."""
import collections
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

FC_BIN = os.environ["FC_BIN"]
LINKAGE = os.path.join(os.environ["FC_SHARED_DATA"], "linkage")


def run(args):
    return subprocess.run([FC_BIN] + args, capture_output=True, text=True, timeout=300)


def pairs(counter):
    return sum(n * (n - 1) // 2 for n in counter.values())


def f1(clusters_csv, truth):
    pred = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(io.StringIO(clusters_csv))}
    assert set(pred) == set(truth), "every record gets a cluster"
    tp = pairs(collections.Counter((truth[k], pred[k]) for k in pred))
    pp = pairs(collections.Counter(pred.values()))
    tt = pairs(collections.Counter(truth.values()))
    p, r = tp / pp, tp / tt
    return p, r, 2 * p * r / (p + r)


def main():
    fake = os.path.join(LINKAGE, "fake_1000.csv")
    truth = {r["unique_id"]: r["cluster"] for r in csv.DictReader(open(fake))}
    p = run(["dedupe", "--map", "id=unique_id,forename=first_name,address=city", fake])
    assert p.returncode == 0, p.stderr
    prec, rec, f = f1(p.stdout, truth)
    assert prec > 0.98 and rec > 0.8 and f > 0.88, (prec, rec, f)

    with tempfile.TemporaryDirectory() as d:
        model = os.path.join(d, "model.json")
        p = run(["train", "--out", model, "--map", "id=unique_id,forename=first_name,address=city",
                 fake])
        assert p.returncode == 0, p.stderr
        m = json.load(open(model))
        assert m["link_type"] == "dedupe_only"
        names = [c["output_column_name"] for c in m["comparisons"]]
        assert "forename" in names and "dob" in names, names
        for c in m["comparisons"]:
            for lv in c["comparison_levels"]:
                if lv.get("is_null_level"):
                    continue
                assert 0 < lv["m_probability"] <= 1 and 0 < lv["u_probability"] <= 1, lv
        p = run(["dedupe", "--model", model, "--map",
                 "id=unique_id,forename=first_name,address=city", fake])
        assert p.returncode == 0, p.stderr
        assert f1(p.stdout, truth)[2] > 0.8

        # a broken model file is refused
        bad = os.path.join(d, "bad.json")
        with open(bad, "w") as fh:
            fh.write("{not json")
        p = run(["dedupe", "--model", bad, fake])
        assert p.returncode == 1 and "model" in p.stderr, p.stderr

    # a mapping to a missing column names it; an unknown field is a usage error
    p = run(["dedupe", "--map", "forename=no_such_column", fake])
    assert p.returncode == 1 and "no_such_column" in p.stderr and p.stdout == "", p
    p = run(["dedupe", "--map", "shoe_size=first_name", fake])
    assert p.returncode == 2 and "shoe_size" in p.stderr
    p = run(["train", fake])
    assert p.returncode == 2  # --out is required
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
