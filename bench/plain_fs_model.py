#!/usr/bin/env python3
"""Turns a model written by `firstcontact train` into a plain Fellegi-Sunter model for
comparison: only the exact and else levels of each field keep their weights (every fuzzy,
nickname, phonetic, partial level gets m = u, i.e. weight 0, so it counts as "different
but not disagreeing"), no term-frequency adjustment, and no household cap.

usage: plain_fs_model.py trained.json > plain.json
"""
import json
import sys

KEEP = {"exact", "else", "exact mobile", "exact landline", "number and street or postcode"}


def main():
    m = json.load(open(sys.argv[1]))
    m["firstcontact_household_cap_bits"] = 1000.0
    for c in m["comparisons"]:
        for lv in c["comparison_levels"]:
            if lv.get("is_null_level"):
                continue
            lv.pop("tf_adjustment_column", None)
            if lv["label_for_charts"] not in KEEP:
                lv["m_probability"] = lv["u_probability"]
    json.dump(m, sys.stdout, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
