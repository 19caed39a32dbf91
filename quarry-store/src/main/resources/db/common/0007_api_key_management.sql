-- Version 7: key management. last_used_at is when a key last authenticated (kept to the minute, so a
-- busy key costs one write a minute, not one a request). A rotated key keeps its previous secret's
-- salt and hash until previous_valid_until, the end of the grace period its rotation asked for;
-- all three are NULL when there is no such secret.

ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT;
ALTER TABLE api_keys ADD COLUMN previous_salt TEXT;
ALTER TABLE api_keys ADD COLUMN previous_hash TEXT;
ALTER TABLE api_keys ADD COLUMN previous_valid_until BIGINT;
