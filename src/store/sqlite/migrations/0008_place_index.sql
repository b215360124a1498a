-- 0008: an index for repeat-location counting. Counting earlier incidents at a place
-- (definitions/v1: same address or within the radius) searched every incident in the
-- 12-month window. The index cuts latitude into bands of 0.001 degrees (about 111 m): a
-- search visits the one or two bands its box spans and, in each, only the box's longitudes,
-- with latitude and time read from the index itself. The band expression must match the
-- store's query.
CREATE INDEX incident_place_band ON incident (CAST(lat * 1000 AS INTEGER), lon, lat, created_at)
    WHERE lat IS NOT NULL;
