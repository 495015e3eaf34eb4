-- Member trust domains, their bundles and refresh state, and federation relationships (issue 3).
-- Portable between PostgreSQL and H2 in PostgreSQL mode (the embedded quick-start database).

CREATE TABLE trust_domain (
    name               VARCHAR(255) PRIMARY KEY,
    endpoint_url       VARCHAR(2048) NOT NULL,
    profile            VARCHAR(16)  NOT NULL,          -- https_web | https_spiffe
    endpoint_spiffe_id VARCHAR(2048),                  -- https_spiffe only
    bootstrap_bundle   VARCHAR(1048576),               -- https_spiffe only: the out-of-band first bundle (JWKS)
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The last good bundle of each member (what the broker serves).
CREATE TABLE member_bundle (
    trust_domain VARCHAR(255) PRIMARY KEY REFERENCES trust_domain (name) ON DELETE CASCADE,
    jwks         VARCHAR(1048576) NOT NULL,
    sequence     BIGINT,
    digest       VARCHAR(64) NOT NULL,
    fetched_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE bundle_history (
    id           BIGSERIAL PRIMARY KEY,
    trust_domain VARCHAR(255) NOT NULL REFERENCES trust_domain (name) ON DELETE CASCADE,
    sequence     BIGINT,
    digest       VARCHAR(64) NOT NULL,
    fetched_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX bundle_history_td_idx ON bundle_history (trust_domain, id);

-- Refresh scheduling and the lease that lets exactly one replica refresh a member at a time.
CREATE TABLE refresh_state (
    trust_domain         VARCHAR(255) PRIMARY KEY REFERENCES trust_domain (name) ON DELETE CASCADE,
    status               VARCHAR(16) NOT NULL,         -- pending | fresh | stale | failing
    consecutive_failures INT NOT NULL,
    last_attempt_at      TIMESTAMP WITH TIME ZONE,
    last_success_at      TIMESTAMP WITH TIME ZONE,
    last_error_reason    VARCHAR(64),
    last_error           VARCHAR(4096),
    next_refresh_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner          VARCHAR(64),
    lease_until          TIMESTAMP WITH TIME ZONE,
    refresh_count        BIGINT NOT NULL
);

CREATE TABLE federation_relationship (
    id         VARCHAR(36) PRIMARY KEY,
    receiver   VARCHAR(255) NOT NULL REFERENCES trust_domain (name) ON DELETE CASCADE,
    source     VARCHAR(255) NOT NULL REFERENCES trust_domain (name) ON DELETE CASCADE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT federation_relationship_pair UNIQUE (receiver, source),
    CONSTRAINT federation_relationship_not_self CHECK (receiver <> source)
);
