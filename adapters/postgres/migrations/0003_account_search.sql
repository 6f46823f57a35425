-- Account search by prefix of nickname or display name: range scans in code point order, whatever
-- the database's collation (under a locale such as en_US, punctuation would break prefix ranges).

CREATE INDEX accounts_nickname_prefix ON accounts (nickname_key COLLATE "C");
CREATE INDEX accounts_display_name_prefix ON accounts ((lower(display_name)) COLLATE "C", id);
