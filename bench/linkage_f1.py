#!/usr/bin/env python3
"""Pairwise precision, recall and F1 of a `firstcontact dedupe` clusters.csv against the
true entities of a labelled linkage set (shared/data/linkage).

usage: linkage_f1.py clusters.csv --febrl            # entity = number in rec-NNN-org/dup
       linkage_f1.py clusters.csv --truth FILE --id COL --entity COL
"""
import argparse
import collections
import csv
import re
import sys


def pairs(groups):
    return sum(n * (n - 1) // 2 for n in groups.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("clusters")
    ap.add_argument("--febrl", action="store_true")
    ap.add_argument("--truth")
    ap.add_argument("--id", default="unique_id")
    ap.add_argument("--entity", default="cluster")
    a = ap.parse_args()
    pred = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(open(a.clusters))}
    if a.febrl:
        truth = {k: re.match(r"rec-(\d+)-", k).group(1) for k in pred}
    elif a.truth:
        truth = {r[a.id]: r[a.entity] for r in csv.DictReader(open(a.truth))}
    else:
        ap.error("give --febrl or --truth")
    both = collections.Counter((truth[k], pred[k]) for k in pred)
    tp = pairs(both)
    pp = pairs(collections.Counter(pred.values()))
    tt = pairs(collections.Counter(truth[k] for k in pred))
    p = tp / pp if pp else 0.0
    r = tp / tt if tt else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"records {len(pred)} true_pairs {tt} predicted_pairs {pp} correct {tp}")
    print(f"precision {p:.4f} recall {r:.4f} f1 {f1:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
