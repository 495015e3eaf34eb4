// SPDX-License-Identifier: MIT
#include "fetch.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

int fetch_read_token(struct fetch_config *c, const char *file, char *err, size_t errlen)
{
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f) {
		seterr(err, errlen, "token file %s cannot be read", file);
		return -1;
	}
	n = fread(c->token, 1, sizeof(c->token) - 1, f);
	fclose(f);
	while (n && isspace((unsigned char)c->token[n - 1]))
		n--;
	c->token[n] = '\0';
	if (!n || strpbrk(c->token, "\r\n")) {
		seterr(err, errlen, "token file %s must hold one token", file);
		return -1;
	}
	return 0;
}

int fetch_parse_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen, char *path,
		    size_t pathlen)
{
	const char *h, *slash, *colon;
	size_t hl;

	if (strncmp(url, "https://", 8))
		return -1;
	h = url + 8;
	slash = strchr(h, '/');
	if (!slash)
		slash = h + strlen(h);
	if (memchr(h, '@', slash - h) || memchr(h, '?', slash - h) || strpbrk(url, " \r\n#"))
		return -1;
	colon = memchr(h, ':', slash - h);
	hl = (colon ? colon : slash) - h;
	if (!hl || hl >= hostlen)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (colon) {
		size_t pl = slash - colon - 1;
		size_t i;

		if (!pl || pl >= portlen || pl > 5)
			return -1;
		for (i = 0; i < pl; i++)
			if (!isdigit((unsigned char)colon[1 + i]))
				return -1;
		memcpy(port, colon + 1, pl);
		port[pl] = '\0';
	} else {
		snprintf(port, portlen, "443");
	}
	snprintf(path, pathlen, "%s", *slash ? slash : "");
	/* drop a trailing slash of the prefix */
	if (strlen(path) && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	return 0;
}

static int dechunk(const char *p, size_t len, char **body, size_t *body_len, char *err, size_t errlen)
{
	const char *end = p + len;
	char *out = malloc(len + 1);
	size_t n = 0;

	if (!out)
		return -1;
	for (;;) {
		char *stop;
		unsigned long size;
		const char *eol = memchr(p, '\n', end - p);

		if (!eol) {
			seterr(err, errlen, "truncated chunked body");
			goto bad;
		}
		size = 0;
		for (stop = (char *)p; stop < eol && isxdigit((unsigned char)*stop) && size <= FETCH_MAX_BODY; stop++)
			size = size * 16 + (isdigit((unsigned char)*stop) ? *stop - '0' : (tolower((unsigned char)*stop) - 'a' + 10));
		if (stop == p) {
			seterr(err, errlen, "bad chunk size");
			goto bad;
		}
		p = eol + 1;
		if (size == 0)
			break;
		if (size > (unsigned long)(end - p) || n + size > FETCH_MAX_BODY) {
			seterr(err, errlen, "chunk larger than the body");
			goto bad;
		}
		memcpy(out + n, p, size);
		n += size;
		p += size;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (end - p >= 1 && p[0] == '\n')
			p += 1;
		else {
			seterr(err, errlen, "chunk not terminated");
			goto bad;
		}
	}
	out[n] = '\0';
	*body = out;
	*body_len = n;
	return 0;
bad:
	free(out);
	return -1;
}

int fetch_parse_response(const char *resp, size_t len, int *status, char *etag_out, size_t etag_len, char **body,
			 size_t *body_len, char *err, size_t errlen)
{
	const char *hdr_end = NULL, *p, *line;
	long content_length = -1;
	int chunked = 0;
	size_t i;

	for (i = 0; i + 3 < len; i++) {
		if (!memcmp(resp + i, "\r\n\r\n", 4)) {
			hdr_end = resp + i + 4;
			break;
		}
	}
	if (!hdr_end) {
		seterr(err, errlen, "no complete HTTP header");
		return -1;
	}
	if (sscanf(resp, "HTTP/1.%*1d %3d", status) != 1) {
		seterr(err, errlen, "not an HTTP/1.x status line");
		return -1;
	}
	if (etag_len)
		etag_out[0] = '\0';
	line = memchr(resp, '\n', hdr_end - resp) + 1;
	while (line < hdr_end - 2) {
		const char *eol = memchr(line, '\n', hdr_end - line);
		size_t ll = eol - line;
		char h[1024];

		if (ll >= sizeof(h))
			ll = sizeof(h) - 1;
		memcpy(h, line, ll);
		h[ll] = '\0';
		if (ll && h[ll - 1] == '\r')
			h[ll - 1] = '\0';
		if (!strncasecmp(h, "content-length:", 15)) {
			content_length = strtol(h + 15, NULL, 10);
		} else if (!strncasecmp(h, "transfer-encoding:", 18) && strstr(h + 18, "chunked")) {
			chunked = 1;
		} else if (!strncasecmp(h, "etag:", 5) && etag_len) {
			p = h + 5;
			while (*p == ' ')
				p++;
			snprintf(etag_out, etag_len, "%s", p);
		}
		line = eol + 1;
	}
	len -= hdr_end - resp;
	if (chunked)
		return dechunk(hdr_end, len, body, body_len, err, errlen);
	if (content_length >= 0) {
		if ((size_t)content_length > len) {
			seterr(err, errlen, "body shorter than Content-Length");
			return -1;
		}
		len = content_length;
	}
	*body = malloc(len + 1);
	if (!*body)
		return -1;
	memcpy(*body, hdr_end, len);
	(*body)[len] = '\0';
	*body_len = len;
	return 0;
}

/* Non-blocking connect (name lookup included) bounded by seconds. */
static int connect_within(BIO *bio, int seconds)
{
	time_t end = time(NULL) + seconds;

	for (;;) {
		int r = BIO_do_connect(bio);

		if (r > 0)
			return 1;
		if (!BIO_should_retry(bio) || time(NULL) >= end)
			return 0;
		if (BIO_wait(bio, end, 100) <= 0)
			return 0;
	}
}

int fetch_feed(const struct fetch_config *c, const char *if_none_match, char **body, size_t *len,
	       char *etag_out, size_t etag_len, char *err, size_t errlen)
{
	int timeout = c->timeout_s > 0 ? c->timeout_s : FETCH_TIMEOUT_S;
	char host[256], port[8], prefix[512], target[300], req[2048], *resp = NULL;
	size_t cap = 0, n = 0;
	SSL_CTX *ctx = NULL;
	BIO *bio = NULL;
	SSL *ssl = NULL;
	int rc = -1, status = 0;

	*body = NULL;
	if (fetch_parse_url(c->url, host, sizeof(host), port, sizeof(port), prefix, sizeof(prefix))) {
		seterr(err, errlen, "broker URL must be https://host[:port][/prefix]");
		return -1;
	}
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		goto tls_error;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if ((c->ca_file ? SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL)
			: SSL_CTX_set_default_verify_paths(ctx)) != 1) {
		seterr(err, errlen, "cannot load broker trust anchors");
		goto out;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	bio = BIO_new_ssl_connect(ctx);
	if (!bio)
		goto tls_error;
	BIO_get_ssl(bio, &ssl);
	SSL_set_tlsext_host_name(ssl, host);
	/* RFC 6125 host name check of the broker's certificate. */
	if (!SSL_set1_host(ssl, host))
		goto tls_error;
	snprintf(target, sizeof(target), "%s:%s", host, port);
	BIO_set_conn_hostname(bio, target);
	/* Never let a silent broker stall the agent: bounded connect, then socket timeouts. */
	BIO_set_nbio(bio, 1);
	if (!connect_within(bio, timeout)) {
		seterr(err, errlen, "cannot reach %s within %d s", target, timeout);
		goto out;
	}
	BIO_set_nbio(bio, 0);
	{
		struct timeval tv = { timeout, 0 };
		int fd = (int)BIO_get_fd(bio, NULL);

		/* Back to blocking I/O, each read and write bounded by the socket timeouts. */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (BIO_do_handshake(bio) <= 0) {
		long v = SSL_get_verify_result(ssl);

		seterr(err, errlen, "cannot reach %s: %s", target,
		       v != X509_V_OK ? X509_verify_cert_error_string(v) : "connection or handshake failed");
		goto out;
	}
	snprintf(req, sizeof(req),
		 "GET %s/v1/nodes/%s/config HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
		 "Accept: application/json\r\n%s%s%sConnection: close\r\n\r\n",
		 prefix, c->node, host, c->token, if_none_match && *if_none_match ? "If-None-Match: " : "",
		 if_none_match && *if_none_match ? if_none_match : "", if_none_match && *if_none_match ? "\r\n" : "");
	if (BIO_write(bio, req, strlen(req)) != (int)strlen(req)) {
		seterr(err, errlen, "request write failed");
		goto out;
	}
	OPENSSL_cleanse(req, sizeof(req));
	for (;;) {
		int r;

		if (n + 4096 + 1 > cap) {
			char *grown;

			if (cap >= FETCH_MAX_BODY) {
				seterr(err, errlen, "feed larger than %d bytes", FETCH_MAX_BODY);
				goto out;
			}
			cap = cap ? cap * 2 : 16384;
			grown = realloc(resp, cap);
			if (!grown)
				goto out;
			resp = grown;
		}
		r = BIO_read(bio, resp + n, 4096);
		if (r <= 0)
			break;
		n += r;
	}
	ERR_clear_error();
	if (resp)
		resp[n] = '\0';	/* the parser may use string functions; there is always a spare byte */
	if (fetch_parse_response(resp ? resp : "", n, &status, etag_out, etag_len, body, len, err, errlen))
		goto out;
	if (status == 304) {
		free(*body);
		*body = NULL;
		rc = FETCH_NOT_MODIFIED;
	} else if (status != 200) {
		seterr(err, errlen, "broker answered %d: %.200s", status, *body);
		free(*body);
		*body = NULL;
	} else {
		rc = 0;
	}
	goto out;
tls_error:
	seterr(err, errlen, "TLS client setup failed");
out:
	free(resp);
	BIO_free_all(bio);
	SSL_CTX_free(ctx);
	return rc;
}
