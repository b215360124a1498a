-- 0006: reserved. Migration numbers are handed out in advance; the change that owns 0006
-- was still in flight when 0007 (security) landed, and the runner applies migrations in
-- unbroken order, so this placeholder keeps 0007 reachable. It changes nothing. The owner
-- of 0006 replaces this file with theirs (no database outside tests has been migrated
-- past 0005 yet, so nothing needs to run it twice).
SELECT 1;
