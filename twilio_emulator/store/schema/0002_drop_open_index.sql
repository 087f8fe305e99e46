-- The partial index of messages still moving made every status step rewrite an index entry (about half of
-- the SQLite time per message in benchmarks/bench_create.py). Start-up recovery scans the table instead.
DROP INDEX IF EXISTS messages_open;
