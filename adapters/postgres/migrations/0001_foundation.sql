-- Accounts, OAuth apps, tokens and codes, and the job queue.
-- Times are BIGINT microseconds since the epoch (UTC); booleans are BOOLEAN; JSON is TEXT.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    nickname TEXT NOT NULL,
    nickname_key TEXT NOT NULL,
    email TEXT,
    email_key TEXT,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    bot BOOLEAN NOT NULL DEFAULT FALSE,
    discoverable BOOLEAN NOT NULL DEFAULT FALSE,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    is_moderator BOOLEAN NOT NULL DEFAULT FALSE,
    is_confirmed BOOLEAN NOT NULL DEFAULT TRUE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    avatar TEXT,
    header TEXT,
    background_image TEXT,
    fields TEXT NOT NULL DEFAULT '[]',
    hide_favorites BOOLEAN NOT NULL DEFAULT TRUE,
    hide_followers BOOLEAN NOT NULL DEFAULT FALSE,
    hide_follows BOOLEAN NOT NULL DEFAULT FALSE,
    hide_followers_count BOOLEAN NOT NULL DEFAULT FALSE,
    hide_follows_count BOOLEAN NOT NULL DEFAULT FALSE,
    allow_following_move BOOLEAN NOT NULL DEFAULT TRUE,
    show_role BOOLEAN NOT NULL DEFAULT TRUE,
    no_rich_text BOOLEAN NOT NULL DEFAULT FALSE,
    skip_thread_containment BOOLEAN NOT NULL DEFAULT FALSE,
    actor_type TEXT NOT NULL DEFAULT 'Person',
    privacy TEXT NOT NULL DEFAULT 'public',
    sensitive BOOLEAN NOT NULL DEFAULT FALSE,
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
    created_at BIGINT NOT NULL,
    owner_id TEXT REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX apps_client_id ON apps (client_id);
CREATE INDEX apps_owner_name ON apps (owner_id, name) WHERE owner_id IS NOT NULL;

CREATE TABLE oauth_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL,
    refresh_hash TEXT NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    valid_until BIGINT NOT NULL
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
    created_at BIGINT NOT NULL,
    valid_until BIGINT NOT NULL
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
    run_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    finished_at BIGINT
);
-- Claiming reads the earliest queued jobs in order, and the few running ones (to find lapsed leases);
-- stats count by state from the same index.
CREATE INDEX jobs_state_run_at ON jobs (state, run_at, id);
