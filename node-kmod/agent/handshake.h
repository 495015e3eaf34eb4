/* SPDX-License-Identifier: MIT */
/* X.509-SVIDs held by the agent, and the TLS 1.3 mutual handshake it runs for a workload. */
#ifndef ACCORD_HANDSHAKE_H
#define ACCORD_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "feed.h"

struct svid {
	char *spiffe_id;
	X509 *leaf;
	STACK_OF(X509) *chain;	/* intermediates, may be empty */
	EVP_PKEY *key;
};

struct svid_store {
	size_t n;
	struct svid *svids;
};

/*
 * Loads every <name>.crt (leaf first, then intermediates) with its <name>.key
 * from dir. A certificate without exactly one valid SPIFFE URI SAN, or whose
 * key does not match, fails the load with a reason.
 */
int svid_store_load(struct svid_store *s, const char *dir, char *err, size_t errlen);
void svid_store_free(struct svid_store *s);
const struct svid *svid_find(const struct svid_store *s, const char *spiffe_id);

/* The single SPIFFE ID of a certificate's URI SANs, copied to out; -1 with a reason otherwise. */
int svid_spiffe_id(X509 *cert, char *out, size_t outlen, const char **reason);

/* One direction's kTLS material: TLS 1.3, AES-128-GCM, record sequence 0. */
struct traffic_keys {
	uint8_t key[16];
	uint8_t iv[12];
	uint64_t seq;		/* records already sent under these keys */
};

struct hs_result {
	char peer_id[256];
	struct traffic_keys tx, rx;
};

/*
 * Runs the TLS 1.3 handshake on fd as client or server with own's SVID, and
 * verifies the peer's X.509-SVID against the bundle of the peer's own trust
 * domain in feed (none: refused). Gives the traffic keys for kTLS.
 *
 * In TLS 1.3 the client finishes before the server has judged the client's
 * certificate. So the server confirms its verdict by sending exactly one
 * NewSessionTicket, and the client waits for it (or for the server's alert)
 * before it reports success: both sides then know the outcome, and the
 * server-to-client record sequence continues at 1. Nothing else is read, so
 * the kernel takes the stream over at a record boundary. Returns 0, or -1
 * with a reason in err.
 */
int accord_handshake(int fd, int is_server, const struct svid *own, const struct feed *feed,
		     int timeout_ms, struct hs_result *out, char *err, size_t errlen);

/* As accord_handshake; if keep is not NULL the TLS object is returned there (tests use its record layer). */
int accord_handshake_keep(int fd, int is_server, const struct svid *own, const struct feed *feed,
			  int timeout_ms, struct hs_result *out, char *err, size_t errlen, SSL **keep);

/* RFC 8446 §7.1 HKDF-Expand-Label with SHA-256 and an empty context. */
int hkdf_expand_label(const uint8_t *secret, size_t secret_len, const char *label,
		      uint8_t *out, size_t out_len);

#endif
