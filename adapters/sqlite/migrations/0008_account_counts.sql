-- The numbers on an account, kept as counters by the triggers below in the statement that changes
-- their rows, so they are exact whatever path writes (cascades included) and cost one lookup to
-- read, however many followers an account has.
-- statuses: as Pleroma counts them, public and unlisted statuses, reblogs not (visibility never
-- changes). followers, following: accepted follows; follow_requests: pending follows of the account.

CREATE TABLE account_counts (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    statuses INTEGER NOT NULL DEFAULT 0,
    followers INTEGER NOT NULL DEFAULT 0,
    following INTEGER NOT NULL DEFAULT 0,
    follow_requests INTEGER NOT NULL DEFAULT 0
);

INSERT INTO account_counts (account_id, statuses, followers, following, follow_requests)
SELECT a.id,
    (SELECT count(*) FROM statuses s
     WHERE s.account_id = a.id AND s.reblog_of_id IS NULL AND s.visibility IN ('public', 'unlisted')),
    (SELECT count(*) FROM follows f WHERE f.followee_id = a.id AND f.state = 'accepted'),
    (SELECT count(*) FROM follows f WHERE f.follower_id = a.id AND f.state = 'accepted'),
    (SELECT count(*) FROM follows f WHERE f.followee_id = a.id AND f.state = 'pending')
FROM accounts a;

CREATE TRIGGER accounts_counted AFTER INSERT ON accounts
BEGIN
    INSERT INTO account_counts (account_id) VALUES (NEW.id) ON CONFLICT (account_id) DO NOTHING;
END;

CREATE TRIGGER statuses_counted AFTER INSERT ON statuses
WHEN NEW.reblog_of_id IS NULL AND NEW.visibility IN ('public', 'unlisted')
BEGIN
    UPDATE account_counts SET statuses = statuses + 1 WHERE account_id = NEW.account_id;
END;

CREATE TRIGGER statuses_uncounted AFTER DELETE ON statuses
WHEN OLD.reblog_of_id IS NULL AND OLD.visibility IN ('public', 'unlisted')
BEGIN
    UPDATE account_counts SET statuses = max(0, statuses - 1) WHERE account_id = OLD.account_id;
END;

CREATE TRIGGER follows_counted AFTER INSERT ON follows
BEGIN
    UPDATE account_counts SET followers = followers + (NEW.state = 'accepted'),
        follow_requests = follow_requests + (NEW.state = 'pending')
    WHERE account_id = NEW.followee_id;
    UPDATE account_counts SET following = following + (NEW.state = 'accepted')
    WHERE account_id = NEW.follower_id;
END;

CREATE TRIGGER follows_uncounted AFTER DELETE ON follows
BEGIN
    UPDATE account_counts SET followers = max(0, followers - (OLD.state = 'accepted')),
        follow_requests = max(0, follow_requests - (OLD.state = 'pending'))
    WHERE account_id = OLD.followee_id;
    UPDATE account_counts SET following = max(0, following - (OLD.state = 'accepted'))
    WHERE account_id = OLD.follower_id;
END;

CREATE TRIGGER follows_recounted AFTER UPDATE OF state, follower_id, followee_id ON follows
BEGIN
    UPDATE account_counts SET followers = max(0, followers - (OLD.state = 'accepted')),
        follow_requests = max(0, follow_requests - (OLD.state = 'pending'))
    WHERE account_id = OLD.followee_id;
    UPDATE account_counts SET following = max(0, following - (OLD.state = 'accepted'))
    WHERE account_id = OLD.follower_id;
    UPDATE account_counts SET followers = followers + (NEW.state = 'accepted'),
        follow_requests = follow_requests + (NEW.state = 'pending')
    WHERE account_id = NEW.followee_id;
    UPDATE account_counts SET following = following + (NEW.state = 'accepted')
    WHERE account_id = NEW.follower_id;
END;
