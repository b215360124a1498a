-- 0009: an index for repeat-location counting (the SQLite store's 0008): the box search
-- walks latitude, with longitude and time read from the index itself.
CREATE INDEX incident_place_box ON incident (lat, lon, created_at) WHERE lat IS NOT NULL;
