/* SPDX-License-Identifier: MIT */
/* Fetches the node feed from the broker: GET /v1/nodes/{node}/config over HTTPS with the node's token. */
#ifndef ACCORD_FETCH_H
#define ACCORD_FETCH_H

#include <stddef.h>

#define FETCH_NOT_MODIFIED 1
#define FETCH_MAX_BODY (4 << 20)
#define FETCH_TIMEOUT_S 10

struct fetch_config {
	const char *url;	/* https://host[:port] (a path prefix is allowed) */
	const char *node;
	const char *ca_file;	/* trust anchors for the broker; NULL: the system's */
	int timeout_s;		/* per connect, read and write; 0: FETCH_TIMEOUT_S */
	char token[512];
};

int fetch_read_token(struct fetch_config *c, const char *file, char *err, size_t errlen);

/*
 * Returns 0 with a malloc'd body (the caller frees it) and the response's ETag
 * in etag_out; FETCH_NOT_MODIFIED on 304 for if_none_match; -1 with a reason.
 * The broker's certificate must chain to ca_file and match the URL's host.
 */
int fetch_feed(const struct fetch_config *c, const char *if_none_match, char **body, size_t *len,
	       char *etag_out, size_t etag_len, char *err, size_t errlen);

/* Splits an https URL; exposed for tests. Returns -1 for anything else. */
int fetch_parse_url(const char *url, char *host, size_t hostlen, char *port, size_t portlen, char *path,
		    size_t pathlen);

/*
 * Parses a complete HTTP/1.x response (status, headers, then a body framed by
 * Content-Length, chunked encoding or the end of the stream). Exposed for tests.
 */
int fetch_parse_response(const char *resp, size_t len, int *status, char *etag_out, size_t etag_len, char **body,
			 size_t *body_len, char *err, size_t errlen);

#endif
