-- Issue 15: records are keyed by (kind, key), no longer by a SID alone with other keys prefixed by hand
-- ("handset:+1…", "sender:PN…", "sticky:…", "optout:…", "setting:…", "scenario:…"). A store from before keeps
-- every record: the prefixes of those kinds are dropped, everything else is copied as it is, in its order.
CREATE TABLE records_by_kind (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    account_sid TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
INSERT INTO records_by_kind (kind, key, account_sid, data)
    SELECT kind,
           CASE WHEN kind IN ('handset', 'service_sender', 'sticky_sender', 'opt_out', 'setting', 'scenario')
                     AND instr(sid, ':') > 0
                THEN substr(sid, instr(sid, ':') + 1) ELSE sid END,
           account_sid, data
    FROM records ORDER BY rowid;
DROP TABLE records;
-- Copied back rather than renamed: ALTER TABLE … RENAME makes SQLite open a temp database beside memdb.
CREATE TABLE records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    account_sid TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
INSERT INTO records SELECT * FROM records_by_kind ORDER BY rowid;
DROP TABLE records_by_kind;
CREATE INDEX records_kind ON records (kind, account_sid);
