-- 0008: an index for repeat-location counting. Counting earlier incidents at a place
-- (definitions/v1: same address or within the radius) searched every incident in the
-- 12-month window; the box search now walks latitude, with longitude and time read from
-- the index itself.
CREATE INDEX incident_place_box ON incident (lat, lon, created_at) WHERE lat IS NOT NULL;
