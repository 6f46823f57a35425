-- statuses_count, as Pleroma counts it: the public and unlisted statuses an account has posted,
-- reblogs not counted. Kept by the trigger below in the statement that adds or deletes a status
-- (visibility never changes), so it is exact whatever path deletes statuses, cascades included.

CREATE TABLE account_status_counts (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    statuses BIGINT NOT NULL
);

INSERT INTO account_status_counts (account_id, statuses)
SELECT account_id, count(*) FROM statuses
WHERE reblog_of_id IS NULL AND visibility IN ('public', 'unlisted')
GROUP BY account_id;

CREATE FUNCTION statuses_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.reblog_of_id IS NULL AND NEW.visibility IN ('public', 'unlisted') THEN
            INSERT INTO account_status_counts (account_id, statuses) VALUES (NEW.account_id, 1)
            ON CONFLICT (account_id) DO UPDATE SET statuses = account_status_counts.statuses + 1;
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.reblog_of_id IS NULL AND OLD.visibility IN ('public', 'unlisted') THEN
        UPDATE account_status_counts SET statuses = GREATEST(0, statuses - 1)
        WHERE account_id = OLD.account_id;
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER statuses_counted AFTER INSERT OR DELETE ON statuses
    FOR EACH ROW EXECUTE FUNCTION statuses_count();
