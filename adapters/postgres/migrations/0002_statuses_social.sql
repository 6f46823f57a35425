-- Statuses, what accounts do to them, the social graph and notifications.
-- Times are BIGINT microseconds since the epoch (UTC); booleans are BOOLEAN.

CREATE TABLE statuses (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    visibility TEXT NOT NULL,
    source TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content TEXT NOT NULL,
    spoiler_text TEXT NOT NULL DEFAULT '',
    sensitive BOOLEAN NOT NULL DEFAULT FALSE,
    language TEXT,
    -- no foreign key: a reply outlives the status it answered
    in_reply_to_id TEXT,
    in_reply_to_account_id TEXT,
    context_id TEXT NOT NULL,
    reblog_of_id TEXT REFERENCES statuses (id) ON DELETE CASCADE,
    app_name TEXT,
    has_media BOOLEAN NOT NULL DEFAULT FALSE,
    replies_count INTEGER NOT NULL DEFAULT 0,
    favourites_count INTEGER NOT NULL DEFAULT 0,
    reblogs_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX statuses_account ON statuses (account_id, id);
CREATE INDEX statuses_context ON statuses (context_id, id);
CREATE INDEX statuses_reblog_of ON statuses (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE UNIQUE INDEX statuses_one_reblog ON statuses (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE INDEX statuses_public ON statuses (id) WHERE visibility = 'public' AND reblog_of_id IS NULL;

-- Local accounts a status addresses (mentions; for direct statuses, the recipients).
CREATE TABLE status_mentions (
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, account_id)
);
CREATE INDEX status_mentions_account ON status_mentions (account_id, status_id);

CREATE TABLE status_tags (
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (status_id, tag)
);
CREATE INDEX status_tags_tag ON status_tags (tag, status_id);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id TEXT REFERENCES statuses (id) ON DELETE SET NULL,
    file_key TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    focus_x DOUBLE PRECISION,
    focus_y DOUBLE PRECISION,
    width INTEGER,
    height INTEGER,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_status ON attachments (status_id, id) WHERE status_id IS NOT NULL;
CREATE INDEX attachments_account ON attachments (account_id, id);

CREATE TABLE favourites (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX favourites_account_status ON favourites (account_id, status_id);
CREATE INDEX favourites_account ON favourites (account_id, id);
CREATE INDEX favourites_status ON favourites (status_id, id);

CREATE TABLE bookmarks (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX bookmarks_account_status ON bookmarks (account_id, status_id);
CREATE INDEX bookmarks_account ON bookmarks (account_id, id);
CREATE INDEX bookmarks_status ON bookmarks (status_id, id);

-- The status a client's Idempotency-Key already produced.
CREATE TABLE idempotency_keys (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    status_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);

CREATE TABLE follows (
    id TEXT NOT NULL,
    follower_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    followee_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    show_reblogs BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE UNIQUE INDEX follows_id ON follows (id);
CREATE INDEX follows_followee ON follows (followee_id, state, id);
CREATE INDEX follows_follower ON follows (follower_id, state, id);

CREATE TABLE blocks (
    id TEXT NOT NULL,
    blocker_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocker ON blocks (blocker_id, id);
CREATE INDEX blocks_blocked ON blocks (blocked_id, blocker_id);

CREATE TABLE mutes (
    id TEXT NOT NULL,
    muter_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    muted_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    notifications BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    PRIMARY KEY (muter_id, muted_id)
);
CREATE INDEX mutes_muter ON mutes (muter_id, id);

CREATE TABLE subscriptions (
    subscriber_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (subscriber_id, target_id)
);
CREATE INDEX subscriptions_target ON subscriptions (target_id, subscriber_id);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    from_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id TEXT REFERENCES statuses (id) ON DELETE CASCADE,
    emoji TEXT,
    target_id TEXT,
    seen BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_status ON notifications (status_id) WHERE status_id IS NOT NULL;
CREATE INDEX notifications_unread ON notifications (account_id) WHERE NOT seen;
