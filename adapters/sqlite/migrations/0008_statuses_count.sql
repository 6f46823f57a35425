-- statuses_count, as Pleroma counts it: the public and unlisted statuses an account has posted,
-- reblogs not counted. Kept by the triggers below in the statement that adds or deletes a status
-- (visibility never changes), so it is exact whatever path deletes statuses, cascades included.

CREATE TABLE account_status_counts (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    statuses INTEGER NOT NULL
);

INSERT INTO account_status_counts (account_id, statuses)
SELECT account_id, count(*) FROM statuses
WHERE reblog_of_id IS NULL AND visibility IN ('public', 'unlisted')
GROUP BY account_id;

CREATE TRIGGER statuses_counted AFTER INSERT ON statuses
WHEN NEW.reblog_of_id IS NULL AND NEW.visibility IN ('public', 'unlisted')
BEGIN
    INSERT INTO account_status_counts (account_id, statuses) VALUES (NEW.account_id, 1)
    ON CONFLICT (account_id) DO UPDATE SET statuses = statuses + 1;
END;

CREATE TRIGGER statuses_uncounted AFTER DELETE ON statuses
WHEN OLD.reblog_of_id IS NULL AND OLD.visibility IN ('public', 'unlisted')
BEGIN
    UPDATE account_status_counts SET statuses = max(0, statuses - 1) WHERE account_id = OLD.account_id;
END;
