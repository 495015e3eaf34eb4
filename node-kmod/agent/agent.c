// SPDX-License-Identifier: MIT
/*
 * accord-agent: the node agent of Accord's kernel enforcement.
 *
 *   accord-agent run --svids DIR (--feed FILE | --broker URL --node NAME --token-file FILE [--broker-ca FILE])
 *                    [--cgroup-root DIR] [--refresh SECONDS]
 *   accord-agent feed (--feed FILE | --broker URL --node NAME --token-file FILE [--broker-ca FILE])
 *                           fetch and validate the feed once, then ask again with its ETag (expects 304)
 *   accord-agent conns      the module's connection table for this network namespace
 *   accord-agent stats      allowed / refused / dropped counters
 *
 * It registers with accord_kmod as the agent of its network namespace, loads
 * the node feed's mode and covered ports into the module, and for each
 * covered socket the module announces: maps the process facts to a SPIFFE ID
 * by the feed's selectors, runs the TLS 1.3 handshake with that workload's
 * X.509-SVID on a descriptor of the socket, verifies the peer against the
 * bundle of the peer's trust domain, and gives the module the traffic keys
 * (DONE) or the reason to refuse (REFUSE). Private keys stay in this process.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <linux/tls.h>

#include <openssl/crypto.h>

#include "feed.h"
#include "fetch.h"
#include "handshake.h"
#include "nl.h"

#define HANDSHAKE_TIMEOUT_MS 5000
/* Handshakes in flight; beyond this, announcements are refused at once instead of queueing threads. */
#define MAX_WORKERS 256

struct shared_feed {
	struct feed *feed;
	int refs;
};

static pthread_mutex_t feed_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shared_feed *current_feed;
static struct svid_store svids;
static const char *cgroup_root = "/sys/fs/cgroup";
static volatile sig_atomic_t stopping;
static int workers;			/* under feed_lock */
static struct nl *main_nl;		/* the registered socket, for refusals from the main thread */

static void logf_(const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "accord-agent[%ld.%03ld] %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000000, line);
}

static time_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct shared_feed *feed_acquire(void)
{
	struct shared_feed *sf;

	pthread_mutex_lock(&feed_lock);
	sf = current_feed;
	if (sf)
		sf->refs++;
	pthread_mutex_unlock(&feed_lock);
	return sf;
}

static void feed_release(struct shared_feed *sf)
{
	int last;

	if (!sf)
		return;
	pthread_mutex_lock(&feed_lock);
	last = --sf->refs == 0;
	pthread_mutex_unlock(&feed_lock);
	if (last) {
		feed_free(sf->feed);
		free(sf);
	}
}

static void feed_publish(struct feed *f)
{
	struct shared_feed *sf = calloc(1, sizeof(*sf)), *old;

	if (!sf) {
		feed_free(f);
		return;
	}
	sf->feed = f;
	sf->refs = 1;
	pthread_mutex_lock(&feed_lock);
	old = current_feed;
	current_feed = sf;
	pthread_mutex_unlock(&feed_lock);
	feed_release(old);
}

static uint64_t resolve_cgroup(const char *path, void *ctx)
{
	char full[4096];
	struct stat st;

	(void)ctx;
	snprintf(full, sizeof(full), "%s%s", cgroup_root, path);
	return stat(full, &st) ? 0 : (uint64_t)st.st_ino;
}

struct pending {
	uint64_t id;
	uint8_t role;
	uint32_t tgid, uid, gid;
	uint64_t cgroup_id;
	char exe[ACCORD_EXE_MAX];
	char peer[64];
};

static int refuse(struct nl *n, uint64_t id, const char *reason)
{
	struct nl_msg m;
	char err[256];
	int rc;

	nl_begin(n, &m, ACCORD_CMD_REFUSE, 0);
	nl_put_u64(&m, ACCORD_A_ID, id);
	nl_put_str(&m, ACCORD_A_REASON, reason, ACCORD_REASON_MAX);
	rc = nl_transact(n, &m, NULL, NULL, NULL, err, sizeof(err));
	if (rc)
		logf_("conn %llu: REFUSE not taken: %s", (unsigned long long)id, err);
	return rc;
}

static void on_fd(const struct nl_attrs *a, void *ctx)
{
	if (a->a[ACCORD_A_FD])
		*(int *)ctx = (int)nl_u32(a->a[ACCORD_A_FD]);
}

static void crypto_info(struct tls12_crypto_info_aes_gcm_128 *ci, const struct traffic_keys *k)
{
	memset(ci, 0, sizeof(*ci));
	ci->info.version = TLS_1_3_VERSION;
	ci->info.cipher_type = TLS_CIPHER_AES_GCM_128;
	/* RFC 8446 §5.3: the 12-byte write IV; the kernel splits it into salt (4) and iv (8). */
	memcpy(ci->salt, k->iv, TLS_CIPHER_AES_GCM_128_SALT_SIZE);
	memcpy(ci->iv, k->iv + TLS_CIPHER_AES_GCM_128_SALT_SIZE, TLS_CIPHER_AES_GCM_128_IV_SIZE);
	memcpy(ci->key, k->key, TLS_CIPHER_AES_GCM_128_KEY_SIZE);
	/* rec_seq: big-endian count of records already sent under these keys (the verdict ticket). */
	for (int i = 0; i < 8; i++)
		ci->rec_seq[i] = (uint8_t)(k->seq >> (56 - 8 * i));
}

static void *serve(void *arg)
{
	struct pending *p = arg;
	struct shared_feed *sf = feed_acquire();
	struct tls12_crypto_info_aes_gcm_128 tx, rx;
	struct proc_facts facts = { p->uid, p->gid, p->cgroup_id, p->exe };
	const char *local, *reason = NULL;
	const struct svid *svid;
	struct hs_result hs;
	char err[640], why[640];
	struct nl_msg m;
	struct nl n;
	int fd = -1, rc;

	if (nl_open(&n, err, sizeof(err))) {
		/* Without a socket of its own the refusal cannot be sent: the kernel's timeout refuses it. */
		logf_("conn %llu: %s; left to the kernel's timeout", (unsigned long long)p->id, err);
		goto out;
	}
	local = sf ? feed_match(sf->feed, &facts, resolve_cgroup, NULL, &reason) : NULL;
	if (!local) {
		snprintf(why, sizeof(why), "%s", sf ? reason : "no feed loaded");
		goto refused;
	}
	svid = svid_find(&svids, local);
	if (!svid) {
		snprintf(why, sizeof(why), "no X509-SVID held for %s", local);
		goto refused;
	}
	nl_begin(&n, &m, ACCORD_CMD_ACCEPT, 0);
	nl_put_u64(&m, ACCORD_A_ID, p->id);
	rc = nl_transact(&n, &m, on_fd, NULL, &fd, err, sizeof(err));
	if (rc || fd < 0) {
		snprintf(why, sizeof(why), "agent could not take the socket: %.500s", err[0] ? err : "no descriptor");
		goto refused;
	}
	if (accord_handshake(fd, p->role == ACCORD_ROLE_SERVER, svid, sf->feed, HANDSHAKE_TIMEOUT_MS, &hs,
			     err, sizeof(err))) {
		snprintf(why, sizeof(why), "%s", err);
		goto refused;
	}
	crypto_info(&tx, &hs.tx);
	crypto_info(&rx, &hs.rx);
	nl_begin(&n, &m, ACCORD_CMD_DONE, 0);
	nl_put_u64(&m, ACCORD_A_ID, p->id);
	nl_put_str(&m, ACCORD_A_LOCAL_ID, local, ACCORD_ID_MAX);
	nl_put_str(&m, ACCORD_A_PEER_ID, hs.peer_id, ACCORD_ID_MAX);
	nl_put(&m, ACCORD_A_TLS_TX, &tx, sizeof(tx));
	nl_put(&m, ACCORD_A_TLS_RX, &rx, sizeof(rx));
	OPENSSL_cleanse(&tx, sizeof(tx));
	OPENSSL_cleanse(&rx, sizeof(rx));
	OPENSSL_cleanse(&hs.tx, sizeof(hs.tx));
	OPENSSL_cleanse(&hs.rx, sizeof(hs.rx));
	rc = nl_transact(&n, &m, NULL, NULL, NULL, err, sizeof(err));
	OPENSSL_cleanse(m.buf, sizeof(m.buf));
	if (rc)
		logf_("conn %llu: DONE failed: %s", (unsigned long long)p->id, err);
	else
		logf_("conn %llu: allowed %s %s <-> %s (%s, pid %u)", (unsigned long long)p->id,
		      p->role == ACCORD_ROLE_SERVER ? "server" : "client", local, hs.peer_id, p->peer, p->tgid);
	goto out;
refused:
	logf_("conn %llu: refused (%s, pid %u uid %u exe %s): %s", (unsigned long long)p->id, p->peer, p->tgid,
	      p->uid, p->exe, why);
	refuse(&n, p->id, why);
out:
	if (fd >= 0)
		close(fd);
	nl_close(&n);
	feed_release(sf);
	free(p);
	pthread_mutex_lock(&feed_lock);
	workers--;
	pthread_mutex_unlock(&feed_lock);
	return NULL;
}

/*
 * A REFUSE sent from the main thread without waiting for its acknowledgement
 * (the main socket also receives announcements): the ack is read, and
 * skipped, by the main loop.
 */
static void refuse_async_main(uint64_t id, const char *reason)
{
	struct nl_msg m;

	nl_begin(main_nl, &m, ACCORD_CMD_REFUSE, 0);
	nl_put_u64(&m, ACCORD_A_ID, id);
	nl_put_str(&m, ACCORD_A_REASON, reason, ACCORD_REASON_MAX);
	if (send(main_nl->fd, m.buf, m.len, 0) < 0)
		logf_("conn %llu: REFUSE not sent: %s", (unsigned long long)id, strerror(errno));
}

static void on_pending(const struct nl_attrs *a, void *ctx)
{
	struct pending *p;
	pthread_t t;
	int busy;
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	struct in_addr sa, da;

	(void)ctx;
	if (a->cmd != ACCORD_CMD_PENDING || !a->a[ACCORD_A_ID])
		return;
	p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->id = nl_u64(a->a[ACCORD_A_ID]);
	p->role = nl_u8(a->a[ACCORD_A_ROLE]);
	p->tgid = nl_u32(a->a[ACCORD_A_TGID]);
	p->uid = nl_u32(a->a[ACCORD_A_UID]);
	p->gid = nl_u32(a->a[ACCORD_A_GID]);
	p->cgroup_id = nl_u64(a->a[ACCORD_A_CGROUP_ID]);
	snprintf(p->exe, sizeof(p->exe), "%s", nl_str(a->a[ACCORD_A_EXE]));
	sa.s_addr = nl_u32(a->a[ACCORD_A_SADDR]);
	da.s_addr = nl_u32(a->a[ACCORD_A_DADDR]);
	inet_ntop(AF_INET, &sa, s, sizeof(s));
	inet_ntop(AF_INET, &da, d, sizeof(d));
	snprintf(p->peer, sizeof(p->peer), "%s:%u->%s:%u", s, nl_u16(a->a[ACCORD_A_SPORT]), d,
		 nl_u16(a->a[ACCORD_A_DPORT]));
	pthread_mutex_lock(&feed_lock);
	busy = workers >= MAX_WORKERS;
	if (!busy)
		workers++;
	pthread_mutex_unlock(&feed_lock);
	if (busy || pthread_create(&t, NULL, serve, p)) {
		if (!busy) {
			pthread_mutex_lock(&feed_lock);
			workers--;
			pthread_mutex_unlock(&feed_lock);
		}
		logf_("conn %llu: refused (%s): agent busy", (unsigned long long)p->id, p->peer);
		if (main_nl)
			refuse_async_main(p->id, "agent busy");
		free(p);
		return;
	}
	pthread_detach(t);
}

struct source {
	const char *feed_file;
	struct timespec mtime;
	off_t size;
	struct fetch_config fetch;
	char etag[128];		/* of the last feed that parsed */
};

/* Returns a new feed if the source changed, NULL if unchanged or on error (the old one stays). */
static struct feed *load_feed(struct source *src, int force)
{
	char err[512], etag[sizeof(src->etag)] = "", *body = NULL;
	size_t len = 0;
	struct feed *f;

	if (src->feed_file) {
		struct stat st;
		FILE *fp;

		if (stat(src->feed_file, &st)) {
			logf_("feed %s: %s; keeping the current feed", src->feed_file, strerror(errno));
			return NULL;
		}
		if (!force && st.st_mtim.tv_sec == src->mtime.tv_sec && st.st_mtim.tv_nsec == src->mtime.tv_nsec &&
		    st.st_size == src->size)
			return NULL;
		fp = fopen(src->feed_file, "r");
		if (!fp)
			return NULL;
		body = malloc(st.st_size + 1);
		len = body ? fread(body, 1, st.st_size, fp) : 0;
		fclose(fp);
		src->mtime = st.st_mtim;
		src->size = st.st_size;
	} else {
		int rc = fetch_feed(&src->fetch, force ? NULL : src->etag, &body, &len, etag, sizeof(etag), err,
				    sizeof(err));

		if (rc == FETCH_NOT_MODIFIED)
			return NULL;
		if (rc) {
			logf_("feed fetch failed: %s; keeping the current feed", err);
			return NULL;
		}
	}
	if (!body)
		return NULL;
	f = feed_parse(body, len, err, sizeof(err));
	free(body);
	if (!f)
		logf_("feed rejected: %s; keeping the current feed", err);
	else if (!src->feed_file)
		/* Only a feed that parsed may be revalidated by its ETag; a bad one is fetched again. */
		snprintf(src->etag, sizeof(src->etag), "%s", etag);
	return f;
}

static int apply_policy(struct nl *n, const struct feed *f)
{
	struct nl_msg m;
	char err[256];
	int rc;

	nl_begin(n, &m, ACCORD_CMD_SET_POLICY, 0);
	nl_put_u8(&m, ACCORD_A_MODE, f->enforce ? ACCORD_MODE_ENFORCE : ACCORD_MODE_OFF);
	nl_put(&m, ACCORD_A_PORTS, f->ports, f->nports * sizeof(uint16_t));
	rc = nl_transact(n, &m, NULL, on_pending, NULL, err, sizeof(err));
	if (rc)
		logf_("SET_POLICY failed: %s", err);
	return rc;
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

struct refresher {
	struct source *src;
	int refresh;
};

static void *refresh_loop(void *arg)
{
	struct refresher *r = arg;
	char err[256];
	struct feed *f;
	struct nl n;
	time_t next = mono_s() + r->refresh;

	if (nl_open(&n, err, sizeof(err))) {
		logf_("feed refresher: %s; the feed will not be refreshed", err);
		return NULL;
	}
	while (!stopping) {
		usleep(250000);
		if (mono_s() < next)
			continue;
		next = mono_s() + r->refresh;
		f = load_feed(r->src, 0);
		if (!f)
			continue;
		feed_publish(f);	/* f stays current until this thread publishes again */
		apply_policy(&n, f);
		logf_("feed reloaded: %zu covered ports, %zu workloads, %zu bundles", f->nports, f->nworkloads,
		      f->nbundles);
	}
	nl_close(&n);
	return NULL;
}

static int cmd_run(int argc, char **argv)
{
	static struct refresher refresher;
	pthread_t refresh_thread;
	struct source src = { 0 };
	const char *svid_dir = NULL, *token_file = NULL;
	int refresh = 5, i;
	char err[512];
	struct nl_msg m;
	struct nl n;
	struct feed *f;

	for (i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "option %s needs a value\n", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "--feed"))
			src.feed_file = v;
		else if (!strcmp(argv[i], "--svids"))
			svid_dir = v;
		else if (!strcmp(argv[i], "--broker"))
			src.fetch.url = v;
		else if (!strcmp(argv[i], "--node"))
			src.fetch.node = v;
		else if (!strcmp(argv[i], "--token-file"))
			token_file = v;
		else if (!strcmp(argv[i], "--broker-ca"))
			src.fetch.ca_file = v;
		else if (!strcmp(argv[i], "--cgroup-root"))
			cgroup_root = v;
		else if (!strcmp(argv[i], "--refresh"))
			refresh = atoi(v) > 0 ? atoi(v) : 5;
		else {
			fprintf(stderr, "unknown option %s\n", argv[i]);
			return 2;
		}
		i++;
	}
	if (!svid_dir || (!src.feed_file == !src.fetch.url) ||
	    (src.fetch.url && (!src.fetch.node || !token_file))) {
		fprintf(stderr, "run needs --svids and either --feed FILE or --broker URL --node NAME --token-file FILE\n");
		return 2;
	}
	if (token_file && fetch_read_token(&src.fetch, token_file, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (svid_store_load(&svids, svid_dir, err, sizeof(err))) {
		fprintf(stderr, "SVIDs: %s\n", err);
		return 1;
	}
	f = load_feed(&src, 1);
	if (!f) {
		fprintf(stderr, "no usable node feed; not starting\n");
		return 1;
	}
	if (nl_open(&n, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	nl_begin(&n, &m, ACCORD_CMD_REGISTER, 0);
	if (nl_transact(&n, &m, NULL, NULL, NULL, err, sizeof(err))) {
		fprintf(stderr, "REGISTER: %s\n", err);
		return 1;
	}
	feed_publish(f);
	if (apply_policy(&n, f))
		return 1;
	logf_("agent for node %s (%s): mode %s, %zu covered ports, %zu workloads, %zu bundles, %zu SVIDs", f->node,
	      f->trust_domain, f->enforce ? "enforce" : "audit", f->nports, f->nworkloads, f->nbundles, svids.n);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	main_nl = &n;
	/* The feed is refreshed on its own thread: a slow broker never delays announcements. */
	refresher.src = &src;
	refresher.refresh = refresh;
	if (pthread_create(&refresh_thread, NULL, refresh_loop, &refresher)) {
		fprintf(stderr, "cannot start the feed refresher\n");
		return 1;
	}
	while (!stopping) {
		struct pollfd p = { .fd = n.fd, .events = POLLIN };

		if (poll(&p, 1, 250) > 0)
			nl_receive(&n, on_pending, NULL);
	}
	pthread_join(refresh_thread, NULL);
	logf_("stopping");
	nl_close(&n);
	return 0;
}

static int cmd_feed(int argc, char **argv)
{
	struct source src = { 0 };
	const char *token_file = NULL;
	char err[512];
	struct feed *f;
	size_t i;
	int k;

	for (k = 0; k + 1 < argc; k += 2) {
		if (!strcmp(argv[k], "--feed"))
			src.feed_file = argv[k + 1];
		else if (!strcmp(argv[k], "--broker"))
			src.fetch.url = argv[k + 1];
		else if (!strcmp(argv[k], "--node"))
			src.fetch.node = argv[k + 1];
		else if (!strcmp(argv[k], "--token-file"))
			token_file = argv[k + 1];
		else if (!strcmp(argv[k], "--broker-ca"))
			src.fetch.ca_file = argv[k + 1];
		else
			break;
	}
	if (k != argc || (!src.feed_file == !src.fetch.url) || (src.fetch.url && (!src.fetch.node || !token_file))) {
		fprintf(stderr, "feed needs --feed FILE or --broker URL --node NAME --token-file FILE [--broker-ca FILE]\n");
		return 2;
	}
	if (token_file && fetch_read_token(&src.fetch, token_file, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	f = load_feed(&src, 1);
	if (!f)
		return 1;
	printf("FEED ok node=%s trustDomain=%s mode=%s ports=", f->node, f->trust_domain,
	       f->enforce ? "enforce" : "audit");
	for (i = 0; i < f->nports; i++)
		printf("%s%u", i ? "," : "", f->ports[i]);
	printf(" workloads=");
	for (i = 0; i < f->nworkloads; i++)
		printf("%s%s", i ? "," : "", f->workloads[i].spiffe_id);
	printf(" bundles=");
	for (i = 0; i < f->nbundles; i++)
		printf("%s%s@%lld", i ? "," : "", f->bundles[i].trust_domain, f->bundles[i].sequence);
	printf(" etag=%s\n", src.etag[0] ? src.etag : "-");
	feed_free(f);
	if (src.fetch.url) {
		f = load_feed(&src, 0);
		printf("FEED refetch %s\n", f ? "changed" : "not-modified");
		feed_free(f);
	}
	return 0;
}

static const char *state_name(uint8_t s)
{
	switch (s) {
	case ACCORD_STATE_PENDING: return "pending";
	case ACCORD_STATE_INSTALLING: return "installing";
	case ACCORD_STATE_READY: return "ready";
	case ACCORD_STATE_REFUSED: return "refused";
	default: return "?";
	}
}

static void print_conn(const struct nl_attrs *a, void *ctx)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	struct in_addr sa, da;

	(void)ctx;
	sa.s_addr = nl_u32(a->a[ACCORD_A_SADDR]);
	da.s_addr = nl_u32(a->a[ACCORD_A_DADDR]);
	inet_ntop(AF_INET, &sa, s, sizeof(s));
	inet_ntop(AF_INET, &da, d, sizeof(d));
	printf("%llu %s %s %s:%u %s:%u pid=%u uid=%u exe=%s local=%s peer=%s reason=%s\n",
	       (unsigned long long)nl_u64(a->a[ACCORD_A_ID]), state_name(nl_u8(a->a[ACCORD_A_STATE])),
	       nl_u8(a->a[ACCORD_A_ROLE]) == ACCORD_ROLE_SERVER ? "server" : "client", s,
	       nl_u16(a->a[ACCORD_A_SPORT]), d, nl_u16(a->a[ACCORD_A_DPORT]), nl_u32(a->a[ACCORD_A_TGID]),
	       nl_u32(a->a[ACCORD_A_UID]), nl_str(a->a[ACCORD_A_EXE]), nl_str(a->a[ACCORD_A_LOCAL_ID]),
	       nl_str(a->a[ACCORD_A_PEER_ID]), nl_str(a->a[ACCORD_A_REASON]));
}

static void print_stats(const struct nl_attrs *a, void *ctx)
{
	(void)ctx;
	printf("mode=%s allowed=%llu refused=%llu dropped=%llu missed=%u\n",
	       nl_u8(a->a[ACCORD_A_MODE]) == ACCORD_MODE_ENFORCE ? "enforce" : "off",
	       (unsigned long long)nl_u64(a->a[ACCORD_A_ALLOWED]), (unsigned long long)nl_u64(a->a[ACCORD_A_REFUSED]),
	       (unsigned long long)nl_u64(a->a[ACCORD_A_DROPPED]), nl_u32(a->a[ACCORD_A_MISSED]));
}

static int cmd_query(int dump)
{
	struct nl_msg m;
	char err[256];
	struct nl n;

	if (nl_open(&n, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	nl_begin(&n, &m, dump ? ACCORD_CMD_GET_CONN : ACCORD_CMD_GET_STATS, dump ? NLM_F_DUMP : 0);
	if (nl_transact(&n, &m, dump ? print_conn : print_stats, NULL, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	nl_close(&n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "feed"))
		return cmd_feed(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "conns"))
		return cmd_query(1);
	if (argc == 2 && !strcmp(argv[1], "stats"))
		return cmd_query(0);
	fprintf(stderr, "usage: accord-agent run --svids DIR (--feed FILE | --broker URL --node NAME --token-file FILE"
			" [--broker-ca FILE]) [--cgroup-root DIR] [--refresh SECONDS]\n"
			"       accord-agent feed (--feed FILE | --broker URL --node NAME --token-file FILE [--broker-ca FILE])\n"
			"       accord-agent conns | stats\n");
	return 2;
}
