// SPDX-License-Identifier: MIT
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

struct parser {
	const char *p, *start, *end;
	char *err;
	size_t errlen;
	int failed;
};

static void fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return;
	ps->failed = 1;
	n = snprintf(ps->err, ps->errlen, "at byte %zu: ", (size_t)(ps->p - ps->start));
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct json *new_value(enum json_type t)
{
	struct json *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

void json_free(struct json *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

static int hex4(struct parser *ps, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (ps->end - ps->p < 4) {
		fail(ps, "truncated \\u escape");
		return -1;
	}
	for (i = 0; i < 4; i++) {
		char c = *ps->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else {
			fail(ps, "bad hex digit in \\u escape");
			return -1;
		}
	}
	*out = v;
	return 0;
}

static void put_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		out[(*n)++] = cp;
	} else if (cp < 0x800) {
		out[(*n)++] = 0xc0 | (cp >> 6);
		out[(*n)++] = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		out[(*n)++] = 0xe0 | (cp >> 12);
		out[(*n)++] = 0x80 | ((cp >> 6) & 0x3f);
		out[(*n)++] = 0x80 | (cp & 0x3f);
	} else {
		out[(*n)++] = 0xf0 | (cp >> 18);
		out[(*n)++] = 0x80 | ((cp >> 12) & 0x3f);
		out[(*n)++] = 0x80 | ((cp >> 6) & 0x3f);
		out[(*n)++] = 0x80 | (cp & 0x3f);
	}
}

static char *parse_string(struct parser *ps)
{
	/* The decoded string is never longer than the encoded one. */
	const char *q = ps->p + 1;
	char *out;
	size_t n = 0;

	while (q < ps->end && *q != '"') {
		if (*q == '\\')
			q++;
		q++;
	}
	if (q >= ps->end) {
		fail(ps, "unterminated string");
		return NULL;
	}
	out = malloc(q - ps->p + 1);
	if (!out) {
		fail(ps, "out of memory");
		return NULL;
	}
	ps->p++;
	while (*ps->p != '"') {
		unsigned char c = *ps->p;

		if (c < 0x20) {
			fail(ps, "control character in string");
			goto bad;
		}
		if (c != '\\') {
			out[n++] = c;
			ps->p++;
			continue;
		}
		ps->p++;
		switch (*ps->p++) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;

			if (hex4(ps, &cp))
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
					fail(ps, "lone high surrogate");
					goto bad;
				}
				ps->p += 2;
				if (hex4(ps, &lo))
					goto bad;
				if (lo < 0xdc00 || lo > 0xdfff) {
					fail(ps, "bad low surrogate");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail(ps, "lone low surrogate");
				goto bad;
			}
			if (cp == 0) {
				fail(ps, "NUL in string");
				goto bad;
			}
			put_utf8(out, &n, cp);
			break;
		}
		default:
			ps->p--;
			fail(ps, "invalid escape");
			goto bad;
		}
	}
	ps->p++;
	out[n] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static struct json *parse_value(struct parser *ps, int depth);

static int append(struct json *v, struct json *item, char *key)
{
	struct json **items = realloc(v->items, (v->n + 1) * sizeof(*items));

	if (!items)
		return -1;
	v->items = items;
	if (v->type == JSON_OBJECT) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));

		if (!keys)
			return -1;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return 0;
}

static struct json *parse_container(struct parser *ps, int depth, int object)
{
	struct json *v = new_value(object ? JSON_OBJECT : JSON_ARRAY);
	char close = object ? '}' : ']';

	if (!v) {
		fail(ps, "out of memory");
		return NULL;
	}
	if (depth > JSON_MAX_DEPTH) {
		fail(ps, "nesting deeper than %d", JSON_MAX_DEPTH);
		goto bad;
	}
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct json *item;

		skip_ws(ps);
		if (object) {
			size_t i;

			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, "expected a member name");
				goto bad;
			}
			key = parse_string(ps);
			if (!key)
				goto bad;
			for (i = 0; i < v->n; i++) {
				if (!strcmp(v->keys[i], key)) {
					fail(ps, "duplicate member \"%s\"", key);
					free(key);
					goto bad;
				}
			}
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				fail(ps, "expected ':'");
				free(key);
				goto bad;
			}
			ps->p++;
		}
		item = parse_value(ps, depth + 1);
		if (!item || append(v, item, key)) {
			if (item)
				fail(ps, "out of memory");
			json_free(item);
			free(key);
			goto bad;
		}
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return v;
		}
		fail(ps, "expected ',' or '%c'", close);
		goto bad;
	}
bad:
	json_free(v);
	return NULL;
}

static struct json *parse_number(struct parser *ps)
{
	const char *q = ps->p;
	struct json *v;
	char buf[64];

	if (q < ps->end && *q == '-')
		q++;
	if (q >= ps->end || *q < '0' || *q > '9') {
		fail(ps, "unexpected character");
		return NULL;
	}
	if (*q == '0' && q + 1 < ps->end && q[1] >= '0' && q[1] <= '9') {
		fail(ps, "leading zero");
		return NULL;
	}
	while (q < ps->end && *q >= '0' && *q <= '9')
		q++;
	if (q < ps->end && *q == '.') {
		q++;
		if (q >= ps->end || *q < '0' || *q > '9') {
			fail(ps, "digit expected after '.'");
			return NULL;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || *q < '0' || *q > '9') {
			fail(ps, "digit expected in exponent");
			return NULL;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if ((size_t)(q - ps->p) >= sizeof(buf)) {
		fail(ps, "number too long");
		return NULL;
	}
	memcpy(buf, ps->p, q - ps->p);
	buf[q - ps->p] = '\0';
	v = new_value(JSON_NUMBER);
	if (!v) {
		fail(ps, "out of memory");
		return NULL;
	}
	v->number = strtod(buf, NULL);
	if (!isfinite(v->number)) {
		fail(ps, "number out of range");
		json_free(v);
		return NULL;
	}
	ps->p = q;
	return v;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n)) {
		fail(ps, "unexpected character");
		return 0;
	}
	ps->p += n;
	return 1;
}

static struct json *parse_value(struct parser *ps, int depth)
{
	struct json *v;

	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end of input");
		return NULL;
	}
	switch (*ps->p) {
	case '{':
		return parse_container(ps, depth, 1);
	case '[':
		return parse_container(ps, depth, 0);
	case '"': {
		char *s = parse_string(ps);

		if (!s)
			return NULL;
		v = new_value(JSON_STRING);
		if (!v) {
			free(s);
			fail(ps, "out of memory");
			return NULL;
		}
		v->string = s;
		return v;
	}
	case 't':
	case 'f':
		if (!literal(ps, *ps->p == 't' ? "true" : "false"))
			return NULL;
		v = new_value(JSON_BOOL);
		if (v)
			v->boolean = ps->p[-1] == 'e' && ps->p[-2] == 'u';
		return v;
	case 'n':
		if (!literal(ps, "null"))
			return NULL;
		return new_value(JSON_NULL);
	default:
		return parse_number(ps);
	}
}

struct json *json_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	struct parser ps = { buf, buf, buf + len, err, errlen, 0 };
	struct json *v;

	if (errlen)
		err[0] = '\0';
	if (memchr(buf, '\0', len)) {
		ps.p = memchr(buf, '\0', len);
		fail(&ps, "NUL byte in input");
		return NULL;
	}
	v = parse_value(&ps, 0);
	if (!v)
		return NULL;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		fail(&ps, "trailing data after the value");
		json_free(v);
		return NULL;
	}
	return v;
}

const struct json *json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}
