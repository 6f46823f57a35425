-- Emoji reactions with their counts, and conversation participations with their recipients.
-- Times are INTEGER microseconds since the epoch (UTC); booleans are 0/1.

CREATE TABLE reactions (
    id TEXT PRIMARY KEY,
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    emoji TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
-- one reaction per account and emoji; also the reactors of an emoji in order, and "did I react"
CREATE UNIQUE INDEX reactions_one_each ON reactions (status_id, emoji, account_id);
CREATE INDEX reactions_in_order ON reactions (status_id, emoji, id);
CREATE INDEX reactions_account ON reactions (account_id, status_id, emoji);

-- Per status and emoji: how many reacted, and the reaction that first used the emoji (it orders a
-- status's emoji). Kept by the triggers below in the statement that changes `reactions`, so the
-- count is exact whatever runs at the same time; a row goes when its count reaches zero.
CREATE TABLE reaction_counts (
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    emoji TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_id TEXT NOT NULL,
    PRIMARY KEY (status_id, emoji)
);
CREATE INDEX reaction_counts_order ON reaction_counts (status_id, first_id);

CREATE TRIGGER reactions_counted AFTER INSERT ON reactions
BEGIN
    INSERT INTO reaction_counts (status_id, emoji, count, first_id)
    VALUES (NEW.status_id, NEW.emoji, 1, NEW.id)
    ON CONFLICT (status_id, emoji) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER reactions_uncounted AFTER DELETE ON reactions
BEGIN
    UPDATE reaction_counts SET count = count - 1 WHERE status_id = OLD.status_id AND emoji = OLD.emoji;
    DELETE FROM reaction_counts WHERE status_id = OLD.status_id AND emoji = OLD.emoji AND count <= 0;
END;

-- One account's part in a conversation (the thread `context_id`); its id is the conversation id
-- clients see. last_status_id has no foreign key: the status may be deleted.
CREATE TABLE participations (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    context_id TEXT NOT NULL,
    unread INTEGER NOT NULL DEFAULT 0,
    last_status_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX participations_account_context ON participations (account_id, context_id);
CREATE INDEX participations_account_order ON participations (account_id, last_status_id, id);
CREATE INDEX participations_unread ON participations (account_id, last_status_id) WHERE unread = 1;

CREATE TABLE participation_recipients (
    participation_id TEXT NOT NULL REFERENCES participations (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (participation_id, account_id)
);
CREATE INDEX participation_recipients_account ON participation_recipients (account_id);
