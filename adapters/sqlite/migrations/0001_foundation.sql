-- Accounts, OAuth apps, tokens and codes, and the job queue.
-- Times are INTEGER microseconds since the epoch (UTC); booleans are 0/1; JSON is TEXT.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    nickname TEXT NOT NULL,
    nickname_key TEXT NOT NULL,
    email TEXT,
    email_key TEXT,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    locked INTEGER NOT NULL DEFAULT 0,
    bot INTEGER NOT NULL DEFAULT 0,
    discoverable INTEGER NOT NULL DEFAULT 0,
    is_admin INTEGER NOT NULL DEFAULT 0,
    is_moderator INTEGER NOT NULL DEFAULT 0,
    is_confirmed INTEGER NOT NULL DEFAULT 1,
    is_active INTEGER NOT NULL DEFAULT 1,
    avatar TEXT,
    header TEXT,
    background_image TEXT,
    fields TEXT NOT NULL DEFAULT '[]',
    hide_favorites INTEGER NOT NULL DEFAULT 1,
    hide_followers INTEGER NOT NULL DEFAULT 0,
    hide_follows INTEGER NOT NULL DEFAULT 0,
    hide_followers_count INTEGER NOT NULL DEFAULT 0,
    hide_follows_count INTEGER NOT NULL DEFAULT 0,
    allow_following_move INTEGER NOT NULL DEFAULT 1,
    show_role INTEGER NOT NULL DEFAULT 1,
    no_rich_text INTEGER NOT NULL DEFAULT 0,
    skip_thread_containment INTEGER NOT NULL DEFAULT 0,
    actor_type TEXT NOT NULL DEFAULT 'Person',
    privacy TEXT NOT NULL DEFAULT 'public',
    sensitive INTEGER NOT NULL DEFAULT 0,
    language TEXT,
    settings_store TEXT NOT NULL DEFAULT '{}',
    notification_settings TEXT NOT NULL DEFAULT '{}',
    mfa TEXT NOT NULL DEFAULT '{}'
);
-- Nicknames and emails are unique regardless of case: the lowered form is stored and indexed.
CREATE UNIQUE INDEX accounts_nickname_key ON accounts (nickname_key);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email_key) WHERE email_key IS NOT NULL;

CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    scopes TEXT NOT NULL,
    website TEXT,
    created_at INTEGER NOT NULL,
    owner_id TEXT REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX apps_client_id ON apps (client_id);
CREATE INDEX apps_owner_name ON apps (owner_id, name) WHERE owner_id IS NOT NULL;

CREATE TABLE oauth_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL,
    refresh_hash TEXT NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    valid_until INTEGER NOT NULL
);
CREATE UNIQUE INDEX oauth_tokens_token_hash ON oauth_tokens (token_hash);
CREATE UNIQUE INDEX oauth_tokens_refresh_hash ON oauth_tokens (refresh_hash);
CREATE INDEX oauth_tokens_account ON oauth_tokens (account_id, id);
CREATE INDEX oauth_tokens_app ON oauth_tokens (app_id);

CREATE TABLE auth_codes (
    code_hash TEXT PRIMARY KEY,
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    valid_until INTEGER NOT NULL
);
CREATE INDEX auth_codes_app ON auth_codes (app_id);
CREATE INDEX auth_codes_account ON auth_codes (account_id);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    locked_until INTEGER,
    last_error TEXT,
    finished_at INTEGER
);
-- Claiming reads the earliest queued jobs in order, and the few running ones (to find lapsed leases);
-- stats count by state from the same index.
CREATE INDEX jobs_state_run_at ON jobs (state, run_at, id);
