-- Scrobbles (Pleroma's Listen activities) and backups. Times are BIGINT microseconds since the epoch (UTC).

CREATE TABLE scrobbles (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    title TEXT NOT NULL,
    artist TEXT,
    album TEXT,
    length BIGINT,
    external_link TEXT,
    visibility TEXT NOT NULL
);
CREATE INDEX scrobbles_account ON scrobbles (account_id, id);

CREATE TABLE backups (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    state TEXT NOT NULL,
    file_size BIGINT NOT NULL DEFAULT 0,
    processed_number BIGINT NOT NULL DEFAULT 0,
    inserted_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX backups_file_name ON backups (file_name);
CREATE INDEX backups_account ON backups (account_id, inserted_at);
CREATE INDEX backups_inserted ON backups (inserted_at);
