/* SPDX-License-Identifier: MIT */
/* A small strict JSON reader (RFC 8259) for the node feed: a tree of values. */
#ifndef ACCORD_JSON_H
#define ACCORD_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	int boolean;
	double number;
	char *string;		/* JSON_STRING: NUL-terminated UTF-8 (no embedded NUL allowed) */
	size_t n;		/* JSON_ARRAY / JSON_OBJECT: element count */
	struct json **items;	/* elements, or member values */
	char **keys;		/* JSON_OBJECT: member names */
};

/*
 * Parses exactly one JSON value filling all of buf[0..len). Duplicate member
 * names, trailing data, control characters in strings, invalid escapes and
 * nesting deeper than 32 are errors. On error returns NULL and writes a reason
 * (with the byte offset) to err.
 */
struct json *json_parse(const char *buf, size_t len, char *err, size_t errlen);
void json_free(struct json *v);
/* Member of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

#endif
