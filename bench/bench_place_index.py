#!/usr/bin/env python3
"""Repeat-location search: three ways of finding earlier incidents within the radius.

Every lookup and every new incident counts the incidents near a place in the last 12
months (definitions/v1: 50 m). This times that search in SQLite on generated incidents,
one in-memory database per way, the same queries for each:

- time:  the index on created_at alone (what the store had before migration 0008): every
         incident in the 12-month window is read and its coordinates compared;
- lat:   an index led by latitude (lat, lon, created_at): a stripe of the whole area;
- band:  the store's index (migration 0008): latitude cut into 0.001-degree bands, then
         longitude, latitude and time within each band; the box spans one or two bands.

Incidents cluster round hotspots spread over Leicestershire's extent and over three years.
Prints the median and p99 per search for each way, the ratio to `band`, and checks that all
three return the same incidents.

    python3 bench/bench_place_index.py [--incidents 300000] [--queries 2000] [--seed 1]
"""
import argparse
import math
import random
import sqlite3
import statistics
import time

LAT0, LAT1, LON0, LON1 = 52.39, 52.98, -1.60, -0.66  # Leicestershire and Rutland
YEAR = 365 * 86400
NOW = 1_764_000_000
RADIUS_M = 50.0

SQL = {
    "time": "SELECT id FROM incident WHERE created_at >= ?1 AND created_at < ?2"
            " AND lat BETWEEN ?3 AND ?4 AND lon BETWEEN ?5 AND ?6 ORDER BY id",
    "lat": "SELECT id FROM incident WHERE lat BETWEEN ?3 AND ?4 AND lon BETWEEN ?5 AND ?6"
           " AND +created_at >= ?1 AND +created_at < ?2 ORDER BY id",
    "band": "SELECT id FROM incident WHERE CAST(lat * 1000 AS INTEGER) IN (WITH RECURSIVE"
            " band(b) AS (SELECT ?7 UNION ALL SELECT b + 1 FROM band WHERE b < ?8)"
            " SELECT b FROM band) AND lat BETWEEN ?3 AND ?4 AND lon BETWEEN ?5 AND ?6"
            " AND +created_at >= ?1 AND +created_at < ?2 ORDER BY id",
}
INDEX = {
    "time": "CREATE INDEX incident_created ON incident (created_at)",
    "lat": "CREATE INDEX incident_place_box ON incident (lat, lon, created_at)",
    "band": "CREATE INDEX incident_place_band ON incident"
            " (CAST(lat * 1000 AS INTEGER), lon, lat, created_at) WHERE lat IS NOT NULL",
}


def incidents(n, rng):
    spots = [(rng.uniform(LAT0, LAT1), rng.uniform(LON0, LON1), rng.paretovariate(1.2))
             for _ in range(max(n // 150, 1))]
    weights = [w for _, _, w in spots]
    for i, (lat, lon, _) in enumerate(rng.choices(spots, weights, k=n)):
        d = 200.0 / 111_320.0
        yield (i + 1, lat + rng.gauss(0, d), lon + rng.gauss(0, d * 1.6),
               NOW - rng.randrange(3 * YEAR))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=300_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rows = list(incidents(args.incidents, rng))
    queries = []
    for _ in range(args.queries):
        _, lat, lon, at = rng.choice(rows)
        dlat = RADIUS_M / 111_320.0
        dlon = RADIUS_M / (111_320.0 * math.cos(math.radians(lat)))
        queries.append((at - YEAR, at + 1, lat - dlat, lat + dlat, lon - dlon, lon + dlon,
                        int((lat - dlat) * 1000), int((lat + dlat) * 1000)))
    answers, times = {}, {}
    for way, sql in SQL.items():
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE incident (id INTEGER PRIMARY KEY, lat REAL, lon REAL,"
                   " created_at INTEGER NOT NULL)")
        db.executemany("INSERT INTO incident VALUES (?, ?, ?, ?)", rows)
        db.execute(INDEX[way])
        st, got = [], []
        for q in queries:
            t0 = time.perf_counter()
            got.append(db.execute(sql, q[:8] if way == "band" else q[:6]).fetchall())
            st.append(time.perf_counter() - t0)
        answers[way], times[way] = got, sorted(st)
        db.close()
    same = answers["time"] == answers["lat"] == answers["band"]
    found = sum(len(a) for a in answers["band"]) / len(queries)
    print(f"{args.incidents} incidents, {len(queries)} searches of {RADIUS_M:.0f} m over 12 "
          f"months, {found:.1f} incidents found a search, same answers: {same}")
    band50 = statistics.median(times["band"])
    for way in SQL:
        t = times[way]
        p50, p99 = statistics.median(t), t[int(0.99 * (len(t) - 1))]
        print(f"{way:5s} p50 {p50 * 1e6:9.1f} us  p99 {p99 * 1e6:9.1f} us  "
              f"p50 ratio to band {p50 / band50:7.1f}x")
    if not same:
        raise SystemExit("the three ways disagree")


if __name__ == "__main__":
    main()
