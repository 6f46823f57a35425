-- Account search by prefix of nickname or display name: range scans in code point order (SQLite's
-- BINARY collation). accounts_nickname_key already serves nickname ranges; accounts_nickname_prefix
-- is its twin so that both dialects hold the same indexes.

CREATE INDEX accounts_nickname_prefix ON accounts (nickname_key);
CREATE INDEX accounts_display_name_prefix ON accounts (lower(display_name), id);
