-- Account aliases; what logging in safely needs (counted failures, logins waiting for their second
-- factor, used one-time codes, captcha challenges, email confirmations); per-app settings.
-- Times are INTEGER microseconds since the epoch (UTC); booleans are 0/1; JSON is TEXT.

ALTER TABLE accounts ADD COLUMN also_known_as TEXT NOT NULL DEFAULT '[]';

-- Failed attempts per key (an account, or a client address) in the window opened by the first one.
CREATE TABLE attempt_counts (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    started_at INTEGER NOT NULL
);

CREATE TABLE mfa_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    redirect_uri TEXT,
    created_at INTEGER NOT NULL,
    valid_until INTEGER NOT NULL
);
CREATE INDEX mfa_tokens_account ON mfa_tokens (account_id);
CREATE INDEX mfa_tokens_app ON mfa_tokens (app_id);
CREATE INDEX mfa_tokens_valid_until ON mfa_tokens (valid_until);

-- The latest 30-second TOTP step that logged the account in: a code of it or an earlier step cannot.
CREATE TABLE mfa_totp_steps (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    step INTEGER NOT NULL
);

CREATE TABLE mfa_used_backup_codes (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE captchas (
    token_hash TEXT PRIMARY KEY,
    answer_hash TEXT NOT NULL,
    answer_data_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX captchas_valid_until ON captchas (valid_until);

CREATE TABLE email_confirmations (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE app_settings (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    app TEXT NOT NULL,
    settings TEXT NOT NULL,
    PRIMARY KEY (account_id, app)
);
