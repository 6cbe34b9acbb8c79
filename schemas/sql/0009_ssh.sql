-- 0009: SSH public keys of users, for the console served over SSH
CREATE TABLE user_key (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    type        TEXT NOT NULL,              -- ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa
    key         TEXT NOT NULL,              -- the key's base64, as in authorized_keys
    comment     TEXT NOT NULL DEFAULT '',
    fingerprint TEXT NOT NULL,              -- SHA256:...
    created_us  INTEGER NOT NULL,
    UNIQUE (type, key)
);
CREATE INDEX user_key_user ON user_key (user_id);
