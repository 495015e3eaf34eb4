CREATE TABLE broker_info (
    id         INT PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
