-- Issuer keys, mapping policy, audit chain and DPoP replay guard (issue 4).
-- Portable between PostgreSQL and H2 in PostgreSQL mode (the embedded quick-start database).

CREATE TABLE signing_key (
    kid            VARCHAR(64) PRIMARY KEY,
    algorithm      VARCHAR(8)  NOT NULL,
    state          VARCHAR(8)  NOT NULL,
    public_key     VARCHAR(2048) NOT NULL,      -- base64 SubjectPublicKeyInfo
    sealed_private VARCHAR(8192) NOT NULL,      -- base64 AES-256-GCM(KEK, PKCS#8), kid as AAD
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    activated_at   TIMESTAMP WITH TIME ZONE,
    retired_at     TIMESTAMP WITH TIME ZONE,
    publish_until  TIMESTAMP WITH TIME ZONE
);

-- One row; rotations lock it (SELECT ... FOR UPDATE) so only one replica rotates at a time.
CREATE TABLE issuer_lock (
    id INT PRIMARY KEY
);
INSERT INTO issuer_lock (id) VALUES (1);

-- One row; mapping changes lock it so the tie check sees every committed rule.
CREATE TABLE mapping_lock (
    id INT PRIMARY KEY
);
INSERT INTO mapping_lock (id) VALUES (1);

CREATE TABLE mapping (
    id             VARCHAR(36) PRIMARY KEY,
    name           VARCHAR(128) NOT NULL UNIQUE,
    match_kind     VARCHAR(8)   NOT NULL,
    match_pattern  VARCHAR(2048) NOT NULL,
    trust_domain   VARCHAR(255) NOT NULL,
    cloud          VARCHAR(8)   NOT NULL,
    resource       VARCHAR(1024) NOT NULL,
    target_json    VARCHAR(16384) NOT NULL,
    pop            VARCHAR(16)  NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX mapping_resource_idx ON mapping (resource);

-- One row holding the chain head; appenders lock it so records are chained in one order.
CREATE TABLE audit_head (
    id       INT PRIMARY KEY,
    seq      BIGINT NOT NULL,
    hash     VARCHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_event (
    seq        BIGINT PRIMARY KEY,
    at         TIMESTAMP WITH TIME ZONE NOT NULL,
    kind       VARCHAR(16) NOT NULL,
    decision   VARCHAR(16) NOT NULL,
    reason     VARCHAR(2048),
    spiffe_id  VARCHAR(2048),
    mapping_id VARCHAR(36),
    target     VARCHAR(1024),
    caller     VARCHAR(256),
    actor      VARCHAR(2048),
    action     VARCHAR(512),
    detail     VARCHAR(65536),
    prev_hash  VARCHAR(64) NOT NULL,
    hash       VARCHAR(64) NOT NULL
);
CREATE INDEX audit_event_at_idx ON audit_event (at);
CREATE INDEX audit_event_spiffe_idx ON audit_event (spiffe_id);

CREATE TABLE dpop_jti (
    id         VARCHAR(256) PRIMARY KEY,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX dpop_jti_expires_idx ON dpop_jti (expires_at);
