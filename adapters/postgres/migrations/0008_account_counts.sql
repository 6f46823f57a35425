-- The numbers on an account, kept as counters by the triggers below in the statement that changes
-- their rows, so they are exact whatever path writes (cascades included) and cost one lookup to
-- read, however many followers an account has.
-- statuses: as Pleroma counts them, public and unlisted statuses, reblogs not (visibility never
-- changes). followers, following: accepted follows; follow_requests: pending follows of the account.

CREATE TABLE account_counts (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    statuses BIGINT NOT NULL DEFAULT 0,
    followers BIGINT NOT NULL DEFAULT 0,
    following BIGINT NOT NULL DEFAULT 0,
    follow_requests BIGINT NOT NULL DEFAULT 0
);

INSERT INTO account_counts (account_id, statuses, followers, following, follow_requests)
SELECT a.id,
    (SELECT count(*) FROM statuses s
     WHERE s.account_id = a.id AND s.reblog_of_id IS NULL AND s.visibility IN ('public', 'unlisted')),
    (SELECT count(*) FROM follows f WHERE f.followee_id = a.id AND f.state = 'accepted'),
    (SELECT count(*) FROM follows f WHERE f.follower_id = a.id AND f.state = 'accepted'),
    (SELECT count(*) FROM follows f WHERE f.followee_id = a.id AND f.state = 'pending')
FROM accounts a;

CREATE FUNCTION accounts_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_counts (account_id) VALUES (NEW.id) ON CONFLICT (account_id) DO NOTHING;
    RETURN NEW;
END
$$;

CREATE TRIGGER accounts_counted AFTER INSERT ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_count();

CREATE FUNCTION statuses_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.reblog_of_id IS NULL AND NEW.visibility IN ('public', 'unlisted') THEN
            UPDATE account_counts SET statuses = statuses + 1 WHERE account_id = NEW.account_id;
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.reblog_of_id IS NULL AND OLD.visibility IN ('public', 'unlisted') THEN
        UPDATE account_counts SET statuses = GREATEST(0, statuses - 1) WHERE account_id = OLD.account_id;
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER statuses_counted AFTER INSERT OR DELETE ON statuses
    FOR EACH ROW EXECUTE FUNCTION statuses_count();

CREATE FUNCTION follows_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE account_counts
        SET followers = GREATEST(0, followers - (OLD.state = 'accepted')::int),
            follow_requests = GREATEST(0, follow_requests - (OLD.state = 'pending')::int)
        WHERE account_id = OLD.followee_id;
        UPDATE account_counts SET following = GREATEST(0, following - (OLD.state = 'accepted')::int)
        WHERE account_id = OLD.follower_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE account_counts
        SET followers = followers + (NEW.state = 'accepted')::int,
            follow_requests = follow_requests + (NEW.state = 'pending')::int
        WHERE account_id = NEW.followee_id;
        UPDATE account_counts SET following = following + (NEW.state = 'accepted')::int
        WHERE account_id = NEW.follower_id;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER follows_counted AFTER INSERT OR DELETE OR UPDATE OF state, follower_id, followee_id ON follows
    FOR EACH ROW EXECUTE FUNCTION follows_count();
