/* SPDX-License-Identifier: MIT */
/* The broker's node feed (GET /v1/nodes/{node}/config) and selector matching. */
#ifndef ACCORD_FEED_H
#define ACCORD_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FEED_MAX_PORTS 64

struct feed_workload {
	char *spiffe_id;
	/* Selectors; a field is unset when its has_ flag is 0 / pointer is NULL. All set ones must match. */
	int has_uid, has_gid;
	uint32_t uid, gid;
	char *exe;
	char *cgroup;		/* path under the cgroup v2 mount, e.g. "/accord/app" */
};

struct feed_bundle {
	char *trust_domain;
	long long sequence;	/* -1 if absent */
	char *pem;		/* x509AuthoritiesPem */
};

struct feed {
	char *node;
	char *trust_domain;
	int enforce;		/* mode "enforce" (1) or "audit" (0) */
	size_t nports;
	uint16_t ports[FEED_MAX_PORTS];
	size_t nworkloads;
	struct feed_workload *workloads;
	size_t nbundles;
	struct feed_bundle *bundles;
};

/* Parses and validates a feed document; NULL with a reason in err. */
struct feed *feed_parse(const char *buf, size_t len, char *err, size_t errlen);
void feed_free(struct feed *f);

/* What the kernel says about the process behind a covered socket. */
struct proc_facts {
	uint32_t uid, gid;
	uint64_t cgroup_id;
	const char *exe;
};

/*
 * Resolves a cgroup path of a selector to its cgroup v2 id (the inode number
 * of the directory under cgroup_root); 0 if it does not exist.
 */
typedef uint64_t (*cgroup_resolver)(const char *path, void *ctx);

/*
 * The SPIFFE ID whose selectors all match the facts. Returns NULL with a
 * reason when none matches or when workloads with different IDs match (an
 * ambiguous mapping is refused rather than guessed).
 */
const char *feed_match(const struct feed *f, const struct proc_facts *facts,
		       cgroup_resolver resolve, void *ctx, const char **reason);

/* The bundle PEM of a trust domain, or NULL if the node does not receive it. */
const struct feed_bundle *feed_bundle(const struct feed *f, const char *trust_domain);

/* Validates a SPIFFE ID (spiffe://td/path, lower-case td, no query/fragment/port/userinfo). */
int spiffe_id_valid(const char *id);
/* Copies the trust domain of a valid SPIFFE ID into out; -1 if it does not fit or is invalid. */
int spiffe_id_trust_domain(const char *id, char *out, size_t outlen);

#endif
