-- 0009: an index for repeat-location counting (the SQLite store's 0008): latitude cut into
-- bands of 0.001 degrees, then longitude, latitude and time within each. The band expression must match
-- the store's query.
CREATE INDEX incident_place_band ON incident ((trunc(lat * 1000)::bigint), lon, lat, created_at)
    WHERE lat IS NOT NULL;
