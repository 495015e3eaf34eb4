package dev.accord.cloud;

import java.time.Instant;

/**
 * CloudCredential is what a cloud hands back for a broker token. {@link #toString()} never shows secrets.
 */
public sealed interface CloudCredential {

    Instant expiresAt();

    /** The cloud's request ID, for the audit record. */
    String requestId();

    /**
     * Temporary AWS credentials from STS.
     *
     * @param assumedRoleArn the assumed-role ARN STS reports
     */
    record Aws(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiresAt, String assumedRoleArn,
               String requestId) implements CloudCredential {
        @Override
        public String toString() {
            return "CloudCredential.Aws[accessKeyId=" + accessKeyId + ", expiresAt=" + expiresAt + ", role=" + assumedRoleArn + "]";
        }
    }

    /** An OAuth access token (GCP or Entra ID). */
    record AccessToken(String token, Instant expiresAt, String requestId) implements CloudCredential {
        @Override
        public String toString() {
            return "CloudCredential.AccessToken[expiresAt=" + expiresAt + "]";
        }
    }
}
