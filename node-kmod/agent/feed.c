// SPDX-License-Identifier: MIT
#include "feed.h"
#include "util.h"
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SPIFFE-ID §2.1: trust domain = [a-z0-9.-_]+ ; §2.2: path segments [A-Za-z0-9.-_], no "." or "..". */
int spiffe_id_valid(const char *id)
{
	const char *p, *seg;
	size_t len;

	if (!id || strncmp(id, "spiffe://", 9))
		return 0;
	len = strlen(id);
	if (len > 2048)
		return 0;
	p = id + 9;
	if (*p == '\0' || *p == '/')
		return 0;
	for (; *p && *p != '/'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			return 0;
	if (!*p)
		return 1;
	/* path */
	while (*p == '/') {
		seg = ++p;
		while (*p && *p != '/') {
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			      *p == '.' || *p == '-' || *p == '_'))
				return 0;
			p++;
		}
		if (p == seg)
			return 0;	/* empty segment or trailing slash */
		if ((p - seg == 1 && seg[0] == '.') || (p - seg == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
	}
	return *p == '\0';
}

int spiffe_id_trust_domain(const char *id, char *out, size_t outlen)
{
	const char *td, *end;

	if (!spiffe_id_valid(id))
		return -1;
	td = id + 9;
	end = strchr(td, '/');
	if (!end)
		end = td + strlen(td);
	if ((size_t)(end - td) >= outlen)
		return -1;
	memcpy(out, td, end - td);
	out[end - td] = '\0';
	return 0;
}

static int td_valid(const char *td)
{
	char buf[300];

	if (strlen(td) > 255 || strchr(td, '/'))
		return 0;
	snprintf(buf, sizeof(buf), "spiffe://%s", td);
	return spiffe_id_valid(buf);
}

static char *dupstr(const struct json *v)
{
	return v && v->type == JSON_STRING ? strdup(v->string) : NULL;
}

void feed_free(struct feed *f)
{
	size_t i;

	if (!f)
		return;
	free(f->node);
	free(f->trust_domain);
	for (i = 0; i < f->nworkloads; i++) {
		free(f->workloads[i].spiffe_id);
		free(f->workloads[i].exe);
		free(f->workloads[i].cgroup);
	}
	free(f->workloads);
	for (i = 0; i < f->nbundles; i++) {
		free(f->bundles[i].trust_domain);
		free(f->bundles[i].pem);
	}
	free(f->bundles);
	free(f);
}

/* Selector values are strings in the feed ({"uid": "1001"}): a decimal id. */
static int parse_id(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xfffffffeUL)
		return -1;
	*out = v;
	return 0;
}

static int parse_workload(const struct json *w, struct feed_workload *out, size_t idx, char *err, size_t errlen)
{
	const struct json *id = json_get(w, "spiffeId"), *sel = json_get(w, "selectors");
	size_t i;

	if (!w || w->type != JSON_OBJECT || !id || id->type != JSON_STRING || !spiffe_id_valid(id->string)) {
		seterr(err, errlen, "workloads[%zu]: spiffeId must be a SPIFFE ID", idx);
		return -1;
	}
	if (!sel || sel->type != JSON_OBJECT || sel->n == 0) {
		seterr(err, errlen, "workloads[%zu]: selectors must be a non-empty object", idx);
		return -1;
	}
	out->spiffe_id = strdup(id->string);
	if (!out->spiffe_id) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < sel->n; i++) {
		const char *k = sel->keys[i];
		const struct json *v = sel->items[i];

		if (v->type != JSON_STRING || !*v->string) {
			seterr(err, errlen, "workloads[%zu]: selector %s must be a non-empty string", idx, k);
			return -1;
		}
		if (!strcmp(k, "uid")) {
			out->has_uid = 1;
			if (parse_id(v->string, &out->uid)) {
				seterr(err, errlen, "workloads[%zu]: uid \"%s\" is not a numeric id", idx, v->string);
				return -1;
			}
		} else if (!strcmp(k, "gid")) {
			out->has_gid = 1;
			if (parse_id(v->string, &out->gid)) {
				seterr(err, errlen, "workloads[%zu]: gid \"%s\" is not a numeric id", idx, v->string);
				return -1;
			}
		} else if (!strcmp(k, "exe")) {
			if (v->string[0] != '/') {
				seterr(err, errlen, "workloads[%zu]: exe must be an absolute path", idx);
				return -1;
			}
			out->exe = strdup(v->string);
			if (!out->exe) {
				seterr(err, errlen, "out of memory");
				return -1;
			}
		} else if (!strcmp(k, "cgroup")) {
			if (v->string[0] != '/' || strstr(v->string, "..")) {
				seterr(err, errlen, "workloads[%zu]: cgroup must be an absolute path without ..", idx);
				return -1;
			}
			out->cgroup = strdup(v->string);
			if (!out->cgroup) {
				seterr(err, errlen, "out of memory");
				return -1;
			}
		} else {
			seterr(err, errlen, "workloads[%zu]: unknown selector \"%s\" (use uid, gid, exe, cgroup)", idx, k);
			return -1;
		}
	}
	return 0;
}

struct feed *feed_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	char jerr[160];
	struct json *root = json_parse(buf, len, jerr, sizeof(jerr));
	const struct json *v;
	struct feed *f;
	size_t i;

	if (!root) {
		seterr(err, errlen, "feed is not JSON: %s", jerr);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f || root->type != JSON_OBJECT) {
		seterr(err, errlen, "feed must be a JSON object");
		goto bad;
	}
	f->node = dupstr(json_get(root, "node"));
	f->trust_domain = dupstr(json_get(root, "trustDomain"));
	if (!f->node || !f->trust_domain || !td_valid(f->trust_domain)) {
		seterr(err, errlen, "feed needs node and a valid trustDomain");
		goto bad;
	}
	v = json_get(root, "mode");
	if (!v || v->type != JSON_STRING || (strcmp(v->string, "enforce") && strcmp(v->string, "audit"))) {
		seterr(err, errlen, "mode must be \"enforce\" or \"audit\"");
		goto bad;
	}
	f->enforce = !strcmp(v->string, "enforce");

	v = json_get(root, "coveredPorts");
	if (!v || v->type != JSON_ARRAY || v->n > FEED_MAX_PORTS) {
		seterr(err, errlen, "coveredPorts must be an array of at most %d ports", FEED_MAX_PORTS);
		goto bad;
	}
	for (i = 0; i < v->n; i++) {
		const struct json *p = v->items[i];

		if (p->type != JSON_NUMBER || p->number < 1 || p->number > 65535 || p->number != (int)p->number) {
			seterr(err, errlen, "coveredPorts[%zu] is not a port number", i);
			goto bad;
		}
		f->ports[f->nports++] = (uint16_t)p->number;
	}

	v = json_get(root, "workloads");
	if (!v || v->type != JSON_ARRAY) {
		seterr(err, errlen, "workloads must be an array");
		goto bad;
	}
	f->workloads = calloc(v->n ? v->n : 1, sizeof(*f->workloads));
	if (!f->workloads)
		goto oom;
	for (i = 0; i < v->n; i++) {
		f->nworkloads++;
		if (parse_workload(v->items[i], &f->workloads[i], i, err, errlen))
			goto bad;
	}

	v = json_get(root, "bundles");
	if (!v || v->type != JSON_ARRAY) {
		seterr(err, errlen, "bundles must be an array");
		goto bad;
	}
	f->bundles = calloc(v->n ? v->n : 1, sizeof(*f->bundles));
	if (!f->bundles)
		goto oom;
	for (i = 0; i < v->n; i++) {
		const struct json *b = v->items[i], *seq;
		struct feed_bundle *fb = &f->bundles[i];
		size_t j;

		f->nbundles++;
		fb->sequence = -1;
		fb->trust_domain = dupstr(json_get(b, "trustDomain"));
		fb->pem = dupstr(json_get(b, "x509AuthoritiesPem"));
		if (!fb->trust_domain || !td_valid(fb->trust_domain) || !fb->pem) {
			seterr(err, errlen, "bundles[%zu] needs a valid trustDomain and x509AuthoritiesPem", i);
			goto bad;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(f->bundles[j].trust_domain, fb->trust_domain)) {
				seterr(err, errlen, "bundles[%zu]: trust domain %s appears twice", i, fb->trust_domain);
				goto bad;
			}
		}
		seq = json_get(b, "sequence");
		if (seq) {
			if (seq->type != JSON_NUMBER || seq->number < 0 || seq->number > 9007199254740992.0 ||
			    seq->number != (long long)seq->number) {
				seterr(err, errlen, "bundles[%zu]: sequence must be a non-negative integer", i);
				goto bad;
			}
			fb->sequence = (long long)seq->number;
		}
	}
	json_free(root);
	return f;
oom:
	seterr(err, errlen, "out of memory");
bad:
	json_free(root);
	feed_free(f);
	return NULL;
}

const char *feed_match(const struct feed *f, const struct proc_facts *facts,
		       cgroup_resolver resolve, void *ctx, const char **reason)
{
	const char *found = NULL;
	size_t i;

	for (i = 0; i < f->nworkloads; i++) {
		const struct feed_workload *w = &f->workloads[i];

		if (w->has_uid && w->uid != facts->uid)
			continue;
		if (w->has_gid && w->gid != facts->gid)
			continue;
		if (w->exe && (!facts->exe || strcmp(w->exe, facts->exe)))
			continue;
		if (w->cgroup) {
			uint64_t id = resolve ? resolve(w->cgroup, ctx) : 0;

			if (!id || id != facts->cgroup_id)
				continue;
		}
		if (found && strcmp(found, w->spiffe_id)) {
			*reason = "ambiguous: the process matches workloads with different SPIFFE IDs";
			return NULL;
		}
		found = w->spiffe_id;
	}
	if (!found)
		*reason = "unenrolled: no workload's selectors match the process";
	return found;
}

const struct feed_bundle *feed_bundle(const struct feed *f, const char *trust_domain)
{
	size_t i;

	for (i = 0; i < f->nbundles; i++)
		if (!strcmp(f->bundles[i].trust_domain, trust_domain))
			return &f->bundles[i];
	return NULL;
}
