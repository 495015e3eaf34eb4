-- Nodes that run the Accord agent and kernel module (issue 6): what they enforce and who runs on them.
CREATE TABLE node (
    name           VARCHAR(253) PRIMARY KEY,
    trust_domain   VARCHAR(255) NOT NULL,
    mode           VARCHAR(8)   NOT NULL,
    covered_ports  VARCHAR(2048) NOT NULL,   -- JSON array of ports
    workloads      VARCHAR(65536) NOT NULL,  -- JSON array of {spiffeId, selectors}
    token_sha256   VARCHAR(64)  NOT NULL,    -- the node's feed credential, hashed
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
