// SPDX-License-Identifier: MIT
/*
 * Host-side tests of the agent: JSON, the node feed, selectors, SVID loading,
 * the TLS 1.3 handshake over a socketpair (with the derived kTLS keys checked
 * against OpenSSL's own record layer), and the broker response parser.
 *
 *   test_agent PKI_DIR      (PKI_DIR from ../test/gen-certs.sh)
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "feed.h"
#include "fetch.h"
#include "handshake.h"
#include "json.h"

static int failures, checks;
static const char *pki;

#define CHECK(cond, ...) do { \
	checks++; \
	if (!(cond)) { \
		failures++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, n + 1);
	if (fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* JSON string literal of s (PEM has newlines). */
static void json_escape(char *out, size_t outlen, const char *s)
{
	size_t n = 0;

	for (; *s && n + 3 < outlen; s++) {
		if (*s == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
}

static struct feed *make_feed(const char *td, const char *const *bundle_tds, int nb, const char *workloads)
{
	static char doc[65536];
	char err[256], path[512], esc[8192];
	size_t n;
	int i;

	n = snprintf(doc, sizeof(doc),
		     "{\"node\":\"n1\",\"trustDomain\":\"%s\",\"mode\":\"enforce\",\"coveredPorts\":[7443],"
		     "\"workloads\":%s,\"bundles\":[", td, workloads);
	for (i = 0; i < nb; i++) {
		char *pem;

		snprintf(path, sizeof(path), "%s/%s.ca.pem", pki, bundle_tds[i]);
		pem = slurp(path);
		json_escape(esc, sizeof(esc), pem ? pem : "");
		free(pem);
		n += snprintf(doc + n, sizeof(doc) - n, "%s{\"trustDomain\":\"%s\",\"sequence\":%d,\"x509AuthoritiesPem\":\"%s\"}",
			      i ? "," : "", bundle_tds[i], i + 1, esc);
	}
	snprintf(doc + n, sizeof(doc) - n, "]}");
	return feed_parse(doc, strlen(doc), err, sizeof(err));
}

static void test_json(void)
{
	char err[200];
	struct json *v;

	{
		const char *d = "{\"a\":[1,2.5e1,-0,true,false,null,\"x\\u00e9\\ud83d\\ude00\"]}";

		v = json_parse(d, strlen(d), err, sizeof(err));
	}
	CHECK(v && v->type == JSON_OBJECT, "%s", err);
	if (v) {
		const struct json *a = json_get(v, "a");

		CHECK(a && a->n == 7 && a->items[1]->number == 25 && a->items[3]->boolean == 1 &&
		      a->items[4]->boolean == 0 && a->items[5]->type == JSON_NULL, "array content");
		CHECK(a && !strcmp(a->items[6]->string, "x\xc3\xa9\xf0\x9f\x98\x80"), "utf-8 decoding");
	}
	json_free(v);
	CHECK(!json_parse("{\"a\":1,\"a\":2}", 13, err, sizeof(err)) && strstr(err, "duplicate"), "dup: %s", err);
	CHECK(!json_parse("{} x", 4, err, sizeof(err)) && strstr(err, "trailing"), "trailing: %s", err);
	CHECK(!json_parse("[01]", 4, err, sizeof(err)) && strstr(err, "leading zero"), "leading zero: %s", err);
	CHECK(!json_parse("\"a\x01\"", 4, err, sizeof(err)) && strstr(err, "control"), "ctl: %s", err);
	CHECK(!json_parse("\"\\ud800\"", 8, err, sizeof(err)) && strstr(err, "surrogate"), "surrogate: %s", err);
	CHECK(!json_parse("\"\\u0000\"", 8, err, sizeof(err)) && strstr(err, "NUL"), "nul: %s", err);
	CHECK(!json_parse("{\"a\":1,}", 8, err, sizeof(err)), "trailing comma accepted");
	CHECK(!json_parse("", 0, err, sizeof(err)) && strstr(err, "end of input"), "empty: %s", err);
	{
		char deep[80];

		memset(deep, '[', 40);
		memset(deep + 40, ']', 40);
		CHECK(!json_parse(deep, 80, err, sizeof(err)) && strstr(err, "deeper"), "depth: %s", err);
		CHECK(json_parse(deep + 8, 64, err, sizeof(err)) != NULL, "32 levels refused: %s", err);
	}
	/* Every truncation of a valid document is refused, none crashes. */
	{
		const char *doc = "{\"k\":[\"v\\n\",{\"x\":-1.5E+3}],\"t\":true}";
		size_t i;

		for (i = 0; i < strlen(doc); i++)
			CHECK(!json_parse(doc, i, err, sizeof(err)), "prefix %zu accepted", i);
	}
}

static const char *FEED_OK =
	"{\"node\":\"node-a\",\"trustDomain\":\"td-a\",\"mode\":\"enforce\",\"coveredPorts\":[7443,8443],"
	"\"workloads\":[{\"spiffeId\":\"spiffe://td-a/client\",\"selectors\":{\"uid\":\"1001\"}},"
	"{\"spiffeId\":\"spiffe://td-a/web\",\"selectors\":{\"exe\":\"/usr/bin/web\",\"gid\":\"50\"}},"
	"{\"spiffeId\":\"spiffe://td-a/job\",\"selectors\":{\"cgroup\":\"/jobs/nightly\"}},"
	"{\"spiffeId\":\"spiffe://td-a/other\",\"selectors\":{\"uid\":\"1009\"}},"
	"{\"spiffeId\":\"spiffe://td-a/other2\",\"selectors\":{\"gid\":\"1009\"}}],"
	"\"bundles\":[{\"trustDomain\":\"td-a\",\"sequence\":3,\"x509AuthoritiesPem\":\"x\"},"
	"{\"trustDomain\":\"td-b\",\"x509AuthoritiesPem\":\"y\"}]}";

static uint64_t fake_cgroups(const char *path, void *ctx)
{
	(void)ctx;
	return !strcmp(path, "/jobs/nightly") ? 4242 : 0;
}

static void test_feed(void)
{
	char err[256], doc[4096];
	struct feed *f = feed_parse(FEED_OK, strlen(FEED_OK), err, sizeof(err));
	const char *reason = NULL, *id;

	CHECK(f != NULL, "%s", err);
	if (!f)
		return;
	CHECK(f->enforce && f->nports == 2 && f->ports[1] == 8443 && f->nworkloads == 5 && f->nbundles == 2,
	      "fields");
	CHECK(f->bundles[0].sequence == 3 && f->bundles[1].sequence == -1, "sequence");
	CHECK(feed_bundle(f, "td-b") && !feed_bundle(f, "td-c"), "bundle lookup");

	id = feed_match(f, &(struct proc_facts){ .uid = 1001, .gid = 1 }, fake_cgroups, NULL, &reason);
	CHECK(id && !strcmp(id, "spiffe://td-a/client"), "uid selector: %s", id ? id : reason);
	id = feed_match(f, &(struct proc_facts){ .uid = 5, .gid = 50, .exe = "/usr/bin/web" }, fake_cgroups, NULL, &reason);
	CHECK(id && !strcmp(id, "spiffe://td-a/web"), "exe+gid: %s", id ? id : reason);
	id = feed_match(f, &(struct proc_facts){ .uid = 5, .gid = 51, .exe = "/usr/bin/web" }, fake_cgroups, NULL, &reason);
	CHECK(!id && strstr(reason, "unenrolled"), "all selectors must match");
	id = feed_match(f, &(struct proc_facts){ .uid = 5, .cgroup_id = 4242 }, fake_cgroups, NULL, &reason);
	CHECK(id && !strcmp(id, "spiffe://td-a/job"), "cgroup: %s", id ? id : reason);
	id = feed_match(f, &(struct proc_facts){ .uid = 5, .cgroup_id = 4243 }, fake_cgroups, NULL, &reason);
	CHECK(!id, "other cgroup matched");
	id = feed_match(f, &(struct proc_facts){ .uid = 1009, .gid = 1009 }, fake_cgroups, NULL, &reason);
	CHECK(!id && strstr(reason, "ambiguous"), "ambiguous: %s", id ? id : reason);
	feed_free(f);

#define BAD(mutation, expect) do { \
	snprintf(doc, sizeof(doc), "%s", mutation); \
	f = feed_parse(doc, strlen(doc), err, sizeof(err)); \
	CHECK(!f && strstr(err, expect), "%s -> %s", doc, f ? "accepted" : err); \
	feed_free(f); \
} while (0)
	BAD("{\"node\":\"n\",\"trustDomain\":\"td-a\",\"mode\":\"permissive\",\"coveredPorts\":[],\"workloads\":[],\"bundles\":[]}",
	    "mode");
	BAD("{\"node\":\"n\",\"trustDomain\":\"TD-A\",\"mode\":\"audit\",\"coveredPorts\":[],\"workloads\":[],\"bundles\":[]}",
	    "trustDomain");
	BAD("{\"node\":\"n\",\"trustDomain\":\"td-a\",\"mode\":\"audit\",\"coveredPorts\":[70000],\"workloads\":[],\"bundles\":[]}",
	    "coveredPorts[0]");
	BAD("{\"node\":\"n\",\"trustDomain\":\"td-a\",\"mode\":\"audit\",\"coveredPorts\":[1],\"workloads\":"
	    "[{\"spiffeId\":\"spiffe://td-a/x\",\"selectors\":{\"pid\":\"1\"}}],\"bundles\":[]}", "unknown selector");
	BAD("{\"node\":\"n\",\"trustDomain\":\"td-a\",\"mode\":\"audit\",\"coveredPorts\":[1],\"workloads\":"
	    "[{\"spiffeId\":\"spiffe://td-a/x\",\"selectors\":{\"uid\":\"-1\"}}],\"bundles\":[]}", "numeric");
	BAD("{\"node\":\"n\",\"trustDomain\":\"td-a\",\"mode\":\"audit\",\"coveredPorts\":[1],\"workloads\":"
	    "[{\"spiffeId\":\"https://td-a/x\",\"selectors\":{\"uid\":\"1\"}}],\"bundles\":[]}", "spiffeId");
	BAD("{\"node\":\"n\",\"trustDomain\":\"td-a\",\"mode\":\"audit\",\"coveredPorts\":[1],\"workloads\":[],"
	    "\"bundles\":[{\"trustDomain\":\"td-b\",\"x509AuthoritiesPem\":\"x\"},{\"trustDomain\":\"td-b\",\"x509AuthoritiesPem\":\"x\"}]}",
	    "twice");
	BAD("{\"node\":\"n\"", "not JSON");
#undef BAD

	CHECK(spiffe_id_valid("spiffe://td-a/ns/app"), "valid id");
	CHECK(!spiffe_id_valid("spiffe://td-a/ns//app") && !spiffe_id_valid("spiffe://td-a/") &&
	      !spiffe_id_valid("spiffe://Td/x") && !spiffe_id_valid("spiffe://td:80/x") &&
	      !spiffe_id_valid("spiffe://td/./x") && !spiffe_id_valid("spiffe:///x") &&
	      !spiffe_id_valid("spiffe://td/x?q"), "invalid ids refused");
}

struct side {
	int fd, server;
	const struct svid *svid;
	const struct feed *feed;
	struct hs_result res;
	char err[640];
	int rc;
	SSL *keep;
};

static void *run_side(void *arg)
{
	struct side *s = arg;

	s->rc = accord_handshake_keep(s->fd, s->server, s->svid, s->feed, 3000, &s->res, s->err, sizeof(s->err),
				      &s->keep);
	/* A failed side closes its end, as the module's abort would, so the peer never waits out its timeout. */
	if (s->rc)
		shutdown(s->fd, SHUT_RDWR);
	return NULL;
}

static void pair(struct side *c, struct side *s)
{
	int sv[2];
	pthread_t t;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	c->fd = sv[0];
	s->fd = sv[1];
	c->server = 0;
	s->server = 1;
	pthread_create(&t, NULL, run_side, s);
	run_side(c);
	pthread_join(t, NULL);
}

static void unpair(struct side *c, struct side *s)
{
	SSL_free(c->keep);
	SSL_free(s->keep);
	c->keep = s->keep = NULL;
	close(c->fd);
	close(s->fd);
}

/* Decrypts one TLS 1.3 record read raw from fd with kTLS-style keys at sequence seq. */
static int open_record(int fd, const struct traffic_keys *k, uint64_t seq, char *out, size_t *outlen)
{
	uint8_t hdr[5], body[4096], nonce[12];
	EVP_CIPHER_CTX *ctx;
	size_t len, got = 0;
	int n, ok, i;

	if (recv(fd, hdr, 5, MSG_WAITALL) != 5 || hdr[0] != 0x17 || hdr[1] != 3 || hdr[2] != 3)
		return -1;
	len = hdr[3] << 8 | hdr[4];
	if (len < 17 || len > sizeof(body))
		return -1;
	while (got < len) {
		ssize_t r = recv(fd, body + got, len - got, 0);

		if (r <= 0)
			return -1;
		got += r;
	}
	memcpy(nonce, k->iv, 12);
	for (i = 0; i < 8; i++)
		nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
	ctx = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k->key, nonce);
	EVP_DecryptUpdate(ctx, NULL, &n, hdr, 5);
	EVP_DecryptUpdate(ctx, (uint8_t *)out, &n, body, len - 16);
	EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, body + len - 16);
	ok = EVP_DecryptFinal_ex(ctx, (uint8_t *)out + n, &n);
	EVP_CIPHER_CTX_free(ctx);
	if (ok != 1)
		return -1;
	*outlen = len - 16;
	return 0;
}

static void test_handshake(void)
{
	static const char *ab[] = { "td-a", "td-b" }, *ac[] = { "td-a", "td-c" };
	const char *wl = "[{\"spiffeId\":\"spiffe://td-a/client\",\"selectors\":{\"uid\":\"1\"}}]";
	struct svid_store sa, sb, sc;
	struct feed *fa = make_feed("td-a", ab, 2, wl), *fb = make_feed("td-b", ab, 2, wl);
	struct feed *fa_c = make_feed("td-a", ac, 2, wl);
	struct side c = { 0 }, s = { 0 };
	char dir[512], err[512], plain[4096];
	size_t plen;

	snprintf(dir, sizeof(dir), "%s/svids-a", pki);
	CHECK(!svid_store_load(&sa, dir, err, sizeof(err)) && sa.n == 2, "load a: %s", err);
	snprintf(dir, sizeof(dir), "%s/svids-b", pki);
	CHECK(!svid_store_load(&sb, dir, err, sizeof(err)) && sb.n == 1, "load b: %s", err);
	snprintf(dir, sizeof(dir), "%s/svids-c", pki);
	CHECK(!svid_store_load(&sc, dir, err, sizeof(err)) && sc.n == 1, "load c: %s", err);
	CHECK(fa && fb && fa_c, "feeds");
	if (!fa || !fb || !sa.n || !sb.n || !sc.n)
		return;
	CHECK(svid_find(&sa, "spiffe://td-a/client") && svid_find(&sa, "spiffe://td-a/expired"), "svid ids");

	/* td-a client <-> td-b server, both holding both bundles. */
	c.svid = svid_find(&sa, "spiffe://td-a/client");
	c.feed = fa;
	s.svid = svid_find(&sb, "spiffe://td-b/server");
	s.feed = fb;
	pair(&c, &s);
	CHECK(c.rc == 0 && s.rc == 0, "handshake: client '%s' server '%s'", c.err, s.err);
	CHECK(!strcmp(c.res.peer_id, "spiffe://td-b/server") && !strcmp(s.res.peer_id, "spiffe://td-a/client"),
	      "peer ids %s / %s", c.res.peer_id, s.res.peer_id);
	CHECK(!memcmp(&c.res.tx, &s.res.rx, sizeof(c.res.tx)) && !memcmp(&c.res.rx, &s.res.tx, sizeof(c.res.rx)),
	      "both sides derive the same keys");
	CHECK(memcmp(&c.res.tx, &c.res.rx, sizeof(c.res.tx)), "directions differ");
	/* OpenSSL's record layer writes with the server's keys; our derived client RX keys must open it. */
	if (c.rc == 0 && s.rc == 0) {
		CHECK(SSL_write(s.keep, "hello kernel", 12) == 12, "SSL_write");
		CHECK(c.res.rx.seq == 1 && s.res.tx.seq == 1 && c.res.tx.seq == 0 && s.res.rx.seq == 0,
		      "the verdict ticket advanced only the server-to-client sequence");
		CHECK(!open_record(c.fd, &c.res.rx, 1, plain, &plen) && plen == 13 && !memcmp(plain, "hello kernel", 12) &&
		      plain[12] == 0x17, "derived RX key opens OpenSSL's first application record");
		CHECK(SSL_write(s.keep, "second", 6) == 6, "SSL_write 2");
		CHECK(!open_record(c.fd, &c.res.rx, 2, plain, &plen) && plen == 7 && !memcmp(plain, "second", 6),
		      "the next sequence opens the second record");
		CHECK(SSL_write(c.keep, "up", 2) == 2, "client SSL_write");
		CHECK(!open_record(s.fd, &s.res.rx, 0, plain, &plen) && plen == 3 && !memcmp(plain, "up", 2),
		      "derived server RX key opens the client's record");
	}
	unpair(&c, &s);

	/* Server of td-c: the td-a client holds no td-c bundle -> refused with the reason. */
	c.feed = fa;
	s.svid = svid_find(&sc, "spiffe://td-c/server");
	s.feed = fa_c;
	pair(&c, &s);
	CHECK(c.rc != 0 && strstr(c.err, "td-c is not federated"), "td-c refused: %s", c.err);
	unpair(&c, &s);

	/* A td-c CA cannot vouch for a td-b ID: the bundle used is that of the peer's own trust domain. */
	c.feed = fa_c;
	s.svid = svid_find(&sb, "spiffe://td-b/server");
	s.feed = fb;
	pair(&c, &s);
	CHECK(c.rc != 0 && strstr(c.err, "td-b is not federated"), "td-b without its bundle: %s", c.err);
	unpair(&c, &s);

	/* Expired client SVID: the server refuses. */
	c.svid = svid_find(&sa, "spiffe://td-a/expired");
	c.feed = fa;
	s.svid = svid_find(&sb, "spiffe://td-b/server");
	s.feed = fb;
	pair(&c, &s);
	CHECK(s.rc != 0 && strstr(s.err, "expired"), "expired refused: server '%s'", s.err);
	CHECK(c.rc != 0 && strstr(c.err, "peer refused our SVID"), "the client learns the refusal: '%s'", c.err);
	unpair(&c, &s);

	/* An SVID issued by an intermediate: the chain it presents reaches td-b's root; and an intermediate
	 * alone as the bundle's authority is a trust anchor too (every bundle authority is one). */
	{
		static const char *a_bint[] = { "td-a", "td-b-int" };
		struct svid_store si;
		struct feed *fa_int;
		char p1[600], p2[600];

		snprintf(dir, sizeof(dir), "%s/svids-b-int", pki);
		CHECK(!svid_store_load(&si, dir, err, sizeof(err)) && si.n == 1 && sk_X509_num(si.svids[0].chain) == 1,
		      "load via-int with its intermediate: %s", err);
		if (si.n == 1) {
			c.svid = svid_find(&sa, "spiffe://td-a/client");
			c.feed = fa;
			s.svid = &si.svids[0];
			s.feed = fb;
			pair(&c, &s);
			CHECK(c.rc == 0 && !strcmp(c.res.peer_id, "spiffe://td-b/via-int"), "chain via intermediate: '%s'", c.err);
			unpair(&c, &s);
			/* a feed whose td-b bundle holds only the intermediate (file td-b-int.ca.pem) */
			snprintf(p1, sizeof(p1), "%s/td-b-int.pem", pki);
			snprintf(p2, sizeof(p2), "%s/td-b-int.ca.pem", pki);
			if (!symlink(p1, p2) || errno == EEXIST) {
				fa_int = make_feed("td-a", a_bint, 2, wl);
				if (fa_int) {
					free(fa_int->bundles[1].trust_domain);
					fa_int->bundles[1].trust_domain = strdup("td-b");
				}
				c.feed = fa_int;
				pair(&c, &s);
				CHECK(c.rc == 0, "intermediate as the bundle's authority: '%s'", c.err);
				unpair(&c, &s);
				feed_free(fa_int);
			}
			svid_store_free(&si);
		}
	}

	/* A peer that speaks plaintext instead of TLS. */
	{
		int sv[2];
		struct hs_result r;

		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		CHECK(write(sv[1], "GET / HTTP/1.0\r\n\r\n", 18) == 18, "write");
		shutdown(sv[1], SHUT_WR);
		CHECK(accord_handshake(sv[0], 1, svid_find(&sb, "spiffe://td-b/server"), fb, 2000, &r, err, sizeof(err)),
		      "plaintext accepted");
		CHECK(strstr(err, "handshake failed"), "plaintext reason: %s", err);
		close(sv[0]);
		close(sv[1]);
	}
	/* A silent peer: the deadline holds. */
	{
		int sv[2];
		struct hs_result r;

		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		CHECK(accord_handshake(sv[0], 1, svid_find(&sb, "spiffe://td-b/server"), fb, 300, &r, err, sizeof(err)) &&
		      strstr(err, "timed out"), "silent peer: %s", err);
		close(sv[0]);
		close(sv[1]);
	}
	/* A key that does not match its certificate fails the load. */
	{
		char cmd[2048];
		struct svid_store bad;

		snprintf(cmd, sizeof(cmd), "d=$(mktemp -d) && cp %s/svids-a/client.crt $d/x.crt && cp %s/svids-b/server.key $d/x.key"
			 " && echo $d", pki, pki);
		FILE *p = popen(cmd, "r");

		if (p && fgets(dir, sizeof(dir), p)) {
			dir[strcspn(dir, "\n")] = '\0';
			CHECK(svid_store_load(&bad, dir, err, sizeof(err)) && strstr(err, "no private key matching"),
			      "mismatched key: %s", err);
		}
		if (p)
			pclose(p);
	}
	svid_store_free(&sa);
	svid_store_free(&sb);
	svid_store_free(&sc);
	feed_free(fa);
	feed_free(fb);
	feed_free(fa_c);
}

static void test_hkdf(void)
{
	/*
	 * RFC 8448 §3 (Simple 1-RTT Handshake): the server's handshake traffic
	 * secret and the key and IV derived from it.
	 */
	static const uint8_t secret[32] = {
		0xb6, 0x7b, 0x7d, 0x69, 0x0c, 0xc1, 0x6c, 0x4e, 0x75, 0xe5, 0x42, 0x13, 0xcb, 0x2d, 0x37, 0xb4,
		0xe9, 0xc9, 0x12, 0xbc, 0xde, 0xd9, 0x10, 0x5d, 0x42, 0xbe, 0xfd, 0x59, 0xd3, 0x91, 0xad, 0x38 };
	static const uint8_t key[16] = {
		0x3f, 0xce, 0x51, 0x60, 0x09, 0xc2, 0x17, 0x27, 0xd0, 0xf2, 0xe4, 0xe8, 0x6e, 0xe4, 0x03, 0xbc };
	static const uint8_t iv[12] = { 0x5d, 0x31, 0x3e, 0xb2, 0x67, 0x12, 0x76, 0xee, 0x13, 0x00, 0x0b, 0x30 };
	uint8_t k[16], i[12];

	CHECK(!hkdf_expand_label(secret, 32, "key", k, 16) && !memcmp(k, key, 16), "RFC 8448 key");
	CHECK(!hkdf_expand_label(secret, 32, "iv", i, 12) && !memcmp(i, iv, 12), "RFC 8448 iv");
}

static void test_fetch(void)
{
	char host[64], port[8], path[64], etag[64], err[128], *body = NULL;
	size_t len = 0;
	int status = 0;
	const char *r1 = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"abc\"\r\nContent-Length: 2\r\n\r\n{}junk";
	const char *r2 = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n";
	const char *r3 = "HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\n\r\n";

	CHECK(!fetch_parse_url("https://broker.example:8443/accord/", host, 64, port, 8, path, 64) &&
	      !strcmp(host, "broker.example") && !strcmp(port, "8443") && !strcmp(path, "/accord"), "url");
	CHECK(!fetch_parse_url("https://b", host, 64, port, 8, path, 64) && !strcmp(port, "443") && !path[0], "url 2");
	CHECK(fetch_parse_url("http://b", host, 64, port, 8, path, 64) &&
	      fetch_parse_url("https://u@b/", host, 64, port, 8, path, 64) &&
	      fetch_parse_url("https://b:x/", host, 64, port, 8, path, 64), "bad urls refused");
	CHECK(!fetch_parse_response(r1, strlen(r1), &status, etag, 64, &body, &len, err, 128) && status == 200 &&
	      len == 2 && !strcmp(body, "{}") && !strcmp(etag, "\"abc\""), "content-length: %s", err);
	free(body);
	CHECK(!fetch_parse_response(r2, strlen(r2), &status, etag, 64, &body, &len, err, 128) && len == 7 &&
	      !strcmp(body, "{\"a\":1}"), "chunked: %s", err);
	free(body);
	CHECK(!fetch_parse_response(r3, strlen(r3), &status, etag, 64, &body, &len, err, 128) && status == 304,
	      "304");
	free(body);
	CHECK(fetch_parse_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", 41, &status, etag, 64, &body, &len,
				   err, 128) && strstr(err, "shorter"), "short body: %s", err);
	/* A broker that accepts the connection and never answers: bounded by the timeout, not a hang. */
	{
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t alen = sizeof(a);
		int l = socket(AF_INET, SOCK_STREAM, 0);
		char url[64];
		struct fetch_config fc = { .url = url, .node = "n", .timeout_s = 1 };

		bind(l, (struct sockaddr *)&a, sizeof(a));
		listen(l, 4);
		getsockname(l, (struct sockaddr *)&a, &alen);
		snprintf(url, sizeof(url), "https://localhost:%d", ntohs(a.sin_port));
		snprintf(fc.token, sizeof(fc.token), "t");
		CHECK(fetch_feed(&fc, NULL, &body, &len, etag, 64, err, 128) == -1 && strstr(err, "cannot reach"),
		      "silent broker: %s", err);
		close(l);
	}
	CHECK(fetch_parse_response("SSH-2.0\r\n\r\n", 11, &status, etag, 64, &body, &len, err, 128), "not http");
	{
		const char *bad1 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
		const char *bad2 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffff\r\n{}";
		const char *bad3 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n\n";

		CHECK(fetch_parse_response(bad1, strlen(bad1), &status, etag, 64, &body, &len, err, 128) &&
		      strstr(err, "chunk size"), "bad chunk size: %s", err);
		CHECK(fetch_parse_response(bad2, strlen(bad2), &status, etag, 64, &body, &len, err, 128), "huge chunk");
		CHECK(fetch_parse_response(bad3, strlen(bad3), &status, etag, 64, &body, &len, err, 128), "chunked body cut");
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_agent PKI_DIR\n");
		return 2;
	}
	pki = argv[1];
	test_json();
	test_feed();
	test_hkdf();
	test_handshake();
	test_fetch();
	printf("agent host tests: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
