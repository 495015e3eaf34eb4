// SPDX-License-Identifier: MIT
#include "handshake.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* X509-SVID §2: exactly one URI SAN, which is the SPIFFE ID. */
int svid_spiffe_id(X509 *cert, char *out, size_t outlen, const char **reason)
{
	GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	const char *found = NULL;
	int i, uris = 0, rc = -1;
	size_t len = 0;

	if (!names) {
		*reason = "certificate has no URI SAN";
		return -1;
	}
	for (i = 0; i < sk_GENERAL_NAME_num(names); i++) {
		GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);

		if (gn->type != GEN_URI)
			continue;
		uris++;
		found = (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
		len = ASN1_STRING_length(gn->d.uniformResourceIdentifier);
	}
	if (uris != 1) {
		*reason = uris ? "certificate has more than one URI SAN" : "certificate has no URI SAN";
	} else if (len >= outlen || memchr(found, '\0', len)) {
		*reason = "URI SAN is too long or holds a NUL";
	} else {
		memcpy(out, found, len);
		out[len] = '\0';
		if (spiffe_id_valid(out))
			rc = 0;
		else
			*reason = "URI SAN is not a valid SPIFFE ID";
	}
	GENERAL_NAMES_free(names);
	return rc;
}

void svid_store_free(struct svid_store *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->svids[i].spiffe_id);
		X509_free(s->svids[i].leaf);
		sk_X509_pop_free(s->svids[i].chain, X509_free);
		EVP_PKEY_free(s->svids[i].key);
	}
	free(s->svids);
	s->svids = NULL;
	s->n = 0;
}

static int load_one(struct svid *v, const char *crt, const char *keyfile, char *err, size_t errlen)
{
	char id[256];
	const char *reason;
	FILE *f = fopen(crt, "r");
	X509 *x;

	if (!f) {
		seterr(err, errlen, "%s: %s", crt, strerror(errno));
		return -1;
	}
	v->leaf = PEM_read_X509(f, NULL, NULL, NULL);
	v->chain = sk_X509_new_null();
	while (v->leaf && (x = PEM_read_X509(f, NULL, NULL, NULL)))
		sk_X509_push(v->chain, x);
	ERR_clear_error();
	fclose(f);
	if (!v->leaf) {
		seterr(err, errlen, "%s: no certificate", crt);
		return -1;
	}
	if (svid_spiffe_id(v->leaf, id, sizeof(id), &reason)) {
		seterr(err, errlen, "%s: %s", crt, reason);
		return -1;
	}
	f = fopen(keyfile, "r");
	if (!f) {
		seterr(err, errlen, "%s: %s", keyfile, strerror(errno));
		return -1;
	}
	v->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!v->key || X509_check_private_key(v->leaf, v->key) != 1) {
		seterr(err, errlen, "%s: no private key matching %s", keyfile, crt);
		ERR_clear_error();
		return -1;
	}
	v->spiffe_id = strdup(id);
	return 0;
}

int svid_store_load(struct svid_store *s, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (!d) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while (!rc && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char crt[4096], key[4096];
		struct svid *grown;

		if (len < 5 || strcmp(e->d_name + len - 4, ".crt"))
			continue;
		snprintf(crt, sizeof(crt), "%s/%s", dir, e->d_name);
		snprintf(key, sizeof(key), "%s/%.*s.key", dir, (int)(len - 4), e->d_name);
		grown = realloc(s->svids, (s->n + 1) * sizeof(*grown));
		if (!grown) {
			seterr(err, errlen, "out of memory");
			rc = -1;
			break;
		}
		s->svids = grown;
		memset(&s->svids[s->n], 0, sizeof(s->svids[0]));
		s->n++;
		rc = load_one(&s->svids[s->n - 1], crt, key, err, errlen);
	}
	closedir(d);
	if (rc)
		svid_store_free(s);
	return rc;
}

const struct svid *svid_find(const struct svid_store *s, const char *spiffe_id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->svids[i].spiffe_id, spiffe_id))
			return &s->svids[i];
	return NULL;
}

int hkdf_expand_label(const uint8_t *secret, size_t secret_len, const char *label,
		      uint8_t *out, size_t out_len)
{
	uint8_t info[2 + 1 + 255 + 1];
	size_t label_len = strlen(label), n = 0;
	EVP_KDF *kdf;
	EVP_KDF_CTX *kctx;
	OSSL_PARAM params[5];
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY, rc;

	if (6 + label_len > 255)
		return -1;
	info[n++] = out_len >> 8;
	info[n++] = out_len & 0xff;
	info[n++] = 6 + label_len;
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, label_len);
	n += label_len;
	info[n++] = 0;	/* empty context */

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (!kctx)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
	params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_len);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n);
	params[4] = OSSL_PARAM_construct_end();
	rc = EVP_KDF_derive(kctx, out, out_len, params) == 1 ? 0 : -1;
	EVP_KDF_CTX_free(kctx);
	return rc;
}

/* Per-connection state reachable from OpenSSL callbacks. */
struct hs_state {
	const struct feed *feed;
	char peer_id[256];
	char reason[640];
	uint8_t client_secret[48], server_secret[48];
	size_t client_len, server_len;
	int ticket;		/* client: the server's verdict ticket arrived */
};

static int hs_index = -1;
static pthread_once_t hs_index_once = PTHREAD_ONCE_INIT;

static void hs_index_init(void)
{
	hs_index = SSL_get_ex_new_index(0, "accord", NULL, NULL, NULL);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (s[0] && s[1] && n < max) {
		int hi = hexval(s[0]), lo = hexval(s[1]);

		if (hi < 0 || lo < 0)
			break;
		out[n++] = hi << 4 | lo;
		s += 2;
	}
	return n;
}

/*
 * OpenSSL's key log is the documented way to learn the TLS 1.3 application
 * traffic secrets; they are kept only in this connection's state.
 */
static void keylog(const SSL *ssl, const char *line)
{
	struct hs_state *st = SSL_get_ex_data(ssl, hs_index);
	const char *secret;

	if (!st)
		return;
	secret = strrchr(line, ' ');
	if (!secret)
		return;
	if (!strncmp(line, "CLIENT_TRAFFIC_SECRET_0 ", 24))
		st->client_len = unhex(secret + 1, st->client_secret, sizeof(st->client_secret));
	else if (!strncmp(line, "SERVER_TRAFFIC_SECRET_0 ", 24))
		st->server_len = unhex(secret + 1, st->server_secret, sizeof(st->server_secret));
}

/*
 * Replaces OpenSSL's chain building: the trust anchors are the X.509
 * authorities of the bundle of the peer's own trust domain (SPIFFE Trust
 * Domain and Bundle §4, X509-SVID §5), never a union of all bundles.
 */
static int verify_peer(X509_STORE_CTX *xctx, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xctx, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct hs_state *st = SSL_get_ex_data(ssl, hs_index);
	X509 *leaf = X509_STORE_CTX_get0_cert(xctx);
	const struct feed_bundle *b;
	const char *reason = NULL;
	char td[256];
	X509_STORE *store = NULL;
	X509_STORE_CTX *v = NULL;
	BIO *bio;
	X509 *ca;
	int ok = 0, added = 0;
	uint32_t ku;

	(void)arg;
	if (!st) {
		X509_STORE_CTX_set_error(xctx, X509_V_ERR_APPLICATION_VERIFICATION);
		return 0;
	}
	if (!leaf || svid_spiffe_id(leaf, st->peer_id, sizeof(st->peer_id), &reason)) {
		snprintf(st->reason, sizeof(st->reason), "peer certificate is not an X509-SVID: %s",
			 reason ? reason : "no certificate");
		goto out;
	}
	/* X509-SVID §4.1, §4.3: a leaf SVID is not a CA and can sign. */
	if (X509_check_ca(leaf)) {
		snprintf(st->reason, sizeof(st->reason), "peer leaf %s is a CA certificate", st->peer_id);
		goto out;
	}
	ku = X509_get_key_usage(leaf);
	if (ku != UINT32_MAX && !(ku & KU_DIGITAL_SIGNATURE)) {
		snprintf(st->reason, sizeof(st->reason), "peer leaf %s lacks digitalSignature", st->peer_id);
		goto out;
	}
	spiffe_id_trust_domain(st->peer_id, td, sizeof(td));
	b = feed_bundle(st->feed, td);
	if (!b) {
		snprintf(st->reason, sizeof(st->reason), "peer %s: trust domain %s is not federated with this node",
			 st->peer_id, td);
		goto out;
	}
	store = X509_STORE_new();
	bio = BIO_new_mem_buf(b->pem, -1);
	while (store && bio && (ca = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		X509_STORE_add_cert(store, ca);
		X509_free(ca);
		added++;
	}
	BIO_free(bio);
	ERR_clear_error();
	if (!added) {
		snprintf(st->reason, sizeof(st->reason), "bundle of %s holds no X.509 authority", td);
		goto out;
	}
	/* Every X.509 authority of a SPIFFE bundle is a trust anchor, intermediates included. */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	v = X509_STORE_CTX_new();
	if (!v || !X509_STORE_CTX_init(v, store, leaf, X509_STORE_CTX_get0_untrusted(xctx)))
		goto out;
	if (X509_verify_cert(v) != 1) {
		snprintf(st->reason, sizeof(st->reason), "peer %s does not chain to the %s bundle: %s", st->peer_id, td,
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(v)));
		goto out;
	}
	ok = 1;
out:
	X509_STORE_CTX_free(v);
	X509_STORE_free(store);
	if (!ok)
		X509_STORE_CTX_set_error(xctx, X509_V_ERR_APPLICATION_VERIFICATION);
	return ok;
}

/* Client: the server's NewSessionTicket is its confirmation; the session itself is not kept. */
static int on_ticket(SSL *ssl, SSL_SESSION *sess)
{
	struct hs_state *st = SSL_get_ex_data(ssl, hs_index);

	(void)sess;
	if (st)
		st->ticket++;
	return 0;
}

/*
 * A socket BIO that never blocks but leaves the descriptor's flags alone: the
 * open file is shared with the workload, so setting O_NONBLOCK on it (or
 * socket timeouts) would change the workload's socket too.
 */
static int dontwait_read(BIO *b, char *buf, int len)
{
	ssize_t r = recv(BIO_get_fd(b, NULL), buf, len, MSG_DONTWAIT);

	BIO_clear_retry_flags(b);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_read(b);
	return (int)r;
}

static int dontwait_write(BIO *b, const char *buf, int len)
{
	ssize_t r = send(BIO_get_fd(b, NULL), buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	BIO_clear_retry_flags(b);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_write(b);
	return (int)r;
}

static BIO_METHOD *dontwait;
static pthread_once_t dontwait_once = PTHREAD_ONCE_INIT;

static void dontwait_init(void)
{
	const BIO_METHOD *base = BIO_s_socket();

	dontwait = BIO_meth_new(BIO_TYPE_SOCKET, "accord-dontwait");
	BIO_meth_set_read(dontwait, dontwait_read);
	BIO_meth_set_write(dontwait, dontwait_write);
	BIO_meth_set_ctrl(dontwait, BIO_meth_get_ctrl(base));
	BIO_meth_set_create(dontwait, BIO_meth_get_create(base));
	BIO_meth_set_destroy(dontwait, BIO_meth_get_destroy(base));
	BIO_meth_set_puts(dontwait, BIO_meth_get_puts(base));
}

static BIO_METHOD *dontwait_method(void)
{
	pthread_once(&dontwait_once, dontwait_init);
	return dontwait;
}

static int wait_fd(int fd, int want_write, struct timespec *deadline)
{
	struct pollfd p = { .fd = fd, .events = want_write ? POLLOUT : POLLIN };
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (ms <= 0)
		return -1;
	return poll(&p, 1, ms) == 1 ? 0 : -1;
}

static int derive(const uint8_t *secret, size_t len, struct traffic_keys *k)
{
	if (len != 32)	/* TLS_AES_128_GCM_SHA256 */
		return -1;
	if (hkdf_expand_label(secret, len, "key", k->key, sizeof(k->key)) ||
	    hkdf_expand_label(secret, len, "iv", k->iv, sizeof(k->iv)))
		return -1;
	return 0;
}

int accord_handshake(int fd, int is_server, const struct svid *own, const struct feed *feed,
		     int timeout_ms, struct hs_result *out, char *err, size_t errlen)
{
	return accord_handshake_keep(fd, is_server, own, feed, timeout_ms, out, err, errlen, NULL);
}

int accord_handshake_keep(int fd, int is_server, const struct svid *own, const struct feed *feed,
			  int timeout_ms, struct hs_result *out, char *err, size_t errlen, SSL **keep)
{
	struct hs_state st = { .feed = feed };
	struct timespec deadline;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	BIO *bio = NULL;
	int rc = -1, i;

	memset(out, 0, sizeof(*out));
	pthread_once(&hs_index_once, hs_index_init);
	ctx = SSL_CTX_new(is_server ? TLS_server_method() : TLS_client_method());
	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") ||
	    SSL_CTX_use_certificate(ctx, own->leaf) != 1 || SSL_CTX_use_PrivateKey(ctx, own->key) != 1) {
		seterr(err, errlen, "TLS setup failed");
		goto out;
	}
	for (i = 0; i < sk_X509_num(own->chain); i++) {
		X509 *x = sk_X509_value(own->chain, i);

		X509_up_ref(x);
		if (!SSL_CTX_add_extra_chain_cert(ctx, x)) {
			X509_free(x);
			seterr(err, errlen, "TLS setup failed (chain)");
			goto out;
		}
	}
	if (is_server) {
		SSL_CTX_set_num_tickets(ctx, 1);
	} else {
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ctx, on_ticket);
		/* Return from SSL_read after the ticket instead of reading on into application data. */
		SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_cert_verify_callback(ctx, verify_peer, NULL);
	SSL_CTX_set_keylog_callback(ctx, keylog);
	ssl = SSL_new(ctx);
	bio = ssl ? BIO_new(dontwait_method()) : NULL;
	if (bio) {
		BIO_set_fd(bio, fd, BIO_NOCLOSE);
		SSL_set_bio(ssl, bio, bio);
	}
	if (!ssl || !bio || !SSL_set_ex_data(ssl, hs_index, &st)) {
		seterr(err, errlen, "TLS setup failed");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	for (;;) {
		int r = is_server ? SSL_accept(ssl) : SSL_connect(ssl);
		int e;

		if (r == 1)
			break;
		e = SSL_get_error(ssl, r);
		if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) &&
		    !wait_fd(fd, e == SSL_ERROR_WANT_WRITE, &deadline))
			continue;
		if (st.reason[0])
			seterr(err, errlen, "%s", st.reason);
		else if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			seterr(err, errlen, "handshake timed out");
		else {
			unsigned long code = ERR_peek_last_error();

			seterr(err, errlen, "handshake failed: %s",
			       code ? ERR_reason_error_string(code) : "connection closed by peer");
		}
		ERR_clear_error();
		goto out;
	}
	while (!is_server && !st.ticket) {
		char byte;
		int r = SSL_read(ssl, &byte, 1);
		int e = SSL_get_error(ssl, r);

		if (r > 0) {
			seterr(err, errlen, "peer sent application data before confirming the handshake");
			goto out;
		}
		if (st.ticket)
			break;
		if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) &&
		    !wait_fd(fd, e == SSL_ERROR_WANT_WRITE, &deadline))
			continue;
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			seterr(err, errlen, "peer did not confirm the handshake in time");
		} else {
			unsigned long code = ERR_peek_last_error();

			seterr(err, errlen, "peer refused our SVID: %s",
			       code ? ERR_reason_error_string(code) : "connection closed");
		}
		ERR_clear_error();
		goto out;
	}
	if (SSL_has_pending(ssl)) {
		seterr(err, errlen, "data buffered past the handshake; cannot hand the stream to kTLS");
		goto out;
	}
	if (derive(is_server ? st.server_secret : st.client_secret,
		   is_server ? st.server_len : st.client_len, &out->tx) ||
	    derive(is_server ? st.client_secret : st.server_secret,
		   is_server ? st.client_len : st.server_len, &out->rx)) {
		seterr(err, errlen, "traffic secrets unavailable");
		goto out;
	}
	/* The verdict ticket went out under the server's application keys. */
	if (is_server)
		out->tx.seq = 1;
	else
		out->rx.seq = 1;
	snprintf(out->peer_id, sizeof(out->peer_id), "%s", st.peer_id);
	rc = 0;
out:
	OPENSSL_cleanse(st.client_secret, sizeof(st.client_secret));
	OPENSSL_cleanse(st.server_secret, sizeof(st.server_secret));
	if (rc)
		OPENSSL_cleanse(out, sizeof(*out));
	/* No close_notify: the stream continues in the kernel. */
	if (keep && !rc) {
		SSL_set_ex_data(ssl, hs_index, NULL);
		*keep = ssl;
		ssl = NULL;
	}
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return rc;
}
