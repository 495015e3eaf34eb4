// SPDX-License-Identifier: MIT
/*
 * wl: the workload, sniffer and benchmark used by the QEMU harness.
 *
 *   wl [--uid N] serve PORT                      echo "pong:<msg>" for every message, fork per connection
 *   wl [--uid N] connect IP PORT MSG [--keycheck KEYDIR] [--again-after FILE]
 *   wl sniff IFACE PORT SECONDS MARKER           count TCP payload on PORT, look for MARKER and TLS records
 *   wl [--uid N] bench-serve PORT [--tls CRT KEY CA]
 *   wl [--uid N] bench IP PORT setup|bulk COUNT|BYTES [--tls CRT KEY CA]
 *
 * Results are single lines starting with the mode in capitals, for guest-init.sh to grep.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/tls.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#ifndef SOL_TLS
#define SOL_TLS 282
#endif

static SSL_CTX *tls_ctx;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *errname(int e)
{
	switch (e) {
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case EPIPE: return "EPIPE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EAGAIN: return "EAGAIN";
	case EIO: return "EIO";
	default: return "E?";
	}
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 64)) {
		perror("listen");
		exit(1);
	}
	return fd;
}

/* An address with ':' is IPv6 (e.g. the v4-mapped ::ffff:10.0.0.2). */
static int connect_to(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int v6 = strchr(ip, ':') != NULL;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	int rc;

	if (v6) {
		inet_pton(AF_INET6, ip, &a6.sin6_addr);
		rc = connect(fd, (struct sockaddr *)&a6, sizeof(a6));
	} else {
		inet_pton(AF_INET, ip, &a.sin_addr);
		rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	}
	if (rc) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void serve_conn(int c)
{
	char buf[4096], out[4200];
	ssize_t n;

	while ((n = recv(c, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		snprintf(out, sizeof(out), "pong:%s", buf);
		if (send(c, out, strlen(out), MSG_NOSIGNAL) < 0)
			break;
	}
	if (n < 0)
		printf("SERVE err %s (%s)\n", errname(errno), strerror(errno));
	fflush(stdout);
	close(c);
}

static int cmd_serve(int port)
{
	int l = listen_on(port);

	signal(SIGCHLD, SIG_IGN);
	printf("SERVE listening %d\n", port);
	fflush(stdout);
	for (;;) {
		int c = accept(l, NULL, NULL);

		if (c < 0)
			continue;
		if (fork() == 0) {
			close(l);
			serve_conn(c);
			_exit(0);
		}
		close(c);
	}
}

static int nonblock;

/* Non-blocking I/O: EAGAIN while the socket is parked, poll() until the verdict. */
static int exchange_nb(int fd, const char *msg, char *reply, size_t len)
{
	struct pollfd p = { .fd = fd };
	long eagain = 0;
	ssize_t n;
	int i;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	/*
	 * A parked socket still polls writable (tcp_poll), so a level-triggered loop spins until the
	 * verdict: bounded by time here, with a short nap per EAGAIN.
	 */
	for (double end = now_s() + 10;;) {
		if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) >= 0)
			break;
		if (errno != EAGAIN || now_s() > end)
			return -1;
		eagain++;
		p.events = POLLOUT;
		poll(&p, 1, 50);
		usleep(5000);
	}
	for (i = 0; i < 200; i++) {
		n = recv(fd, reply, len - 1, 0);
		if (n > 0) {
			reply[n] = '\0';
			printf("NONBLOCK eagain_on_send=%ld\n", eagain);
			return 0;
		}
		if (n == 0 || errno != EAGAIN) {
			if (n == 0)
				errno = ECONNRESET;
			return -1;
		}
		p.events = POLLIN;
		poll(&p, 1, 50);
	}
	errno = ETIMEDOUT;
	return -1;
}

static int exchange(int fd, const char *msg, char *reply, size_t len)
{
	if (nonblock)
		return exchange_nb(fd, msg, reply, len);
	ssize_t n;

	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0)
		return -1;
	n = recv(fd, reply, len - 1, 0);
	if (n <= 0) {
		if (n == 0)
			errno = ECONNRESET;
		return -1;
	}
	reply[n] = '\0';
	return 0;
}

/* Scenario 4: what key material can this (workload) process reach? */
static int keycheck(int fd, const char *keydir)
{
	struct tls12_crypto_info_aes_gcm_128 ci;
	socklen_t len = sizeof(ci);
	int zero = 1, readable = 0, keyfds = 0, i;
	char path[512], target[512];
	struct dirent *e;
	DIR *d;

	memset(&ci, 0xa5, sizeof(ci));
	if (getsockopt(fd, SOL_TLS, TLS_TX, &ci, &len) == 0) {
		for (i = 0; i < TLS_CIPHER_AES_GCM_128_KEY_SIZE; i++)
			if (ci.key[i])
				zero = 0;
	} else {
		printf("KEYCHECK getsockopt(TLS_TX) failed: %s\n", strerror(errno));
		zero = -1;
	}
	d = opendir(keydir);
	while (d && (e = readdir(d))) {
		int kfd;

		if (!strstr(e->d_name, ".key"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", keydir, e->d_name);
		kfd = open(path, O_RDONLY);
		if (kfd >= 0) {
			readable++;
			close(kfd);
		}
	}
	if (d)
		closedir(d);
	d = opendir("/proc/self/fd");
	while (d && (e = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (strstr(target, ".key") || strstr(target, "svids"))
				keyfds++;
		}
	}
	if (d)
		closedir(d);
	printf("KEYCHECK tls_tx_version=%#x key_all_zero=%d readable_key_files=%d key_fds=%d\n",
	       zero >= 0 ? ci.info.version : 0, zero, readable, keyfds);
	return zero == 1 && !readable && !keyfds ? 0 : 1;
}

static int ulp_probe;

static int cmd_connect(const char *ip, int port, const char *msg, const char *keydir, const char *again)
{
	struct timeval tv = { 3, 0 };
	char reply[4096];
	int fd = connect_to(ip, port), rc = 0;

	/* A reply that never comes (payload dropped by the backstop) ends as EAGAIN after 3 s. */
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* A workload trying to put its own kTLS on a socket that waits for the agent. */
	if (fd >= 0 && ulp_probe) {
		if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", 3))
			printf("ULP err %s\n", errno == EPERM ? "EPERM" : strerror(errno));
		else
			printf("ULP ok\n");
	}
	if (fd < 0 || exchange(fd, msg, reply, sizeof(reply))) {
		printf("CONNECT err %s (%s)\n", errname(errno), strerror(errno));
		return 1;
	}
	printf("CONNECT ok %s\n", reply);
	fflush(stdout);
	if (keydir)
		rc |= keycheck(fd, keydir);
	if (again) {
		struct stat st;

		while (stat(again, &st))
			usleep(50000);
		if (exchange(fd, msg, reply, sizeof(reply))) {
			printf("AGAIN err %s (%s)\n", errname(errno), strerror(errno));
			rc = 1;
		} else {
			printf("AGAIN ok %s\n", reply);
		}
	}
	close(fd);
	return rc;
}

static int cmd_sniff(const char *ifname, int port, int seconds, const char *marker)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	long payload = 0, segments = 0, appdata = 0, handshake = 0, other = 0;
	int marker_seen = 0;
	unsigned char buf[65536];
	double end;

	sll.sll_ifindex = if_nametoindex(ifname);
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("sniff");
		return 1;
	}
	printf("SNIFF listening %s\n", ifname);
	fflush(stdout);
	end = now_s() + seconds;
	while (now_s() < end) {
		struct timeval tv = { 0, 200000 };
		struct iphdr *ip = (struct iphdr *)buf;
		struct tcphdr *th;
		unsigned char *p;
		ssize_t n;
		long len;

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < (ssize_t)sizeof(*ip) || ip->protocol != IPPROTO_TCP)
			continue;
		th = (struct tcphdr *)(buf + ip->ihl * 4);
		if (ntohs(th->source) != port && ntohs(th->dest) != port)
			continue;
		p = (unsigned char *)th + th->doff * 4;
		len = (long)ntohs(ip->tot_len) - ip->ihl * 4 - th->doff * 4;
		if (len <= 0)
			continue;
		segments++;
		payload += len;
		if (memmem(p, len, marker, strlen(marker)))
			marker_seen = 1;
		if (len >= 3 && p[1] == 3 && p[2] == 3 && p[0] == 0x17)
			appdata++;
		else if (len >= 3 && p[1] == 3 && (p[0] == 0x16 || p[0] == 0x14 || p[0] == 0x15))
			handshake++;
		else
			other++;
	}
	printf("SNIFF port=%d segments=%ld payload=%ld marker=%d appdata_records=%ld handshake_records=%ld other=%ld\n",
	       port, segments, payload, marker_seen, appdata, handshake, other);
	return 0;
}

static void tls_setup(int server, const char *crt, const char *key, const char *ca)
{
	tls_ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	SSL_CTX_set_min_proto_version(tls_ctx, TLS1_3_VERSION);
	SSL_CTX_set_ciphersuites(tls_ctx, "TLS_AES_128_GCM_SHA256");
	if (SSL_CTX_use_certificate_file(tls_ctx, crt, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(tls_ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_load_verify_locations(tls_ctx, ca, NULL) != 1) {
		fprintf(stderr, "tls setup failed\n");
		exit(1);
	}
	SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_num_tickets(tls_ctx, 0);
}

struct io {
	int fd;
	SSL *ssl;
};

static ssize_t io_read(struct io *io, void *buf, size_t len)
{
	return io->ssl ? SSL_read(io->ssl, buf, len) : recv(io->fd, buf, len, 0);
}

static ssize_t io_write(struct io *io, const void *buf, size_t len)
{
	return io->ssl ? SSL_write(io->ssl, buf, len) : send(io->fd, buf, len, MSG_NOSIGNAL);
}

static void io_close(struct io *io)
{
	if (io->ssl) {
		SSL_shutdown(io->ssl);
		SSL_free(io->ssl);
	}
	close(io->fd);
}

static int io_wrap(struct io *io, int server)
{
	io->ssl = NULL;
	if (!tls_ctx)
		return 0;
	io->ssl = SSL_new(tls_ctx);
	SSL_set_fd(io->ssl, io->fd);
	return (server ? SSL_accept(io->ssl) : SSL_connect(io->ssl)) == 1 ? 0 : -1;
}

/* Reads a 1-byte mode: 's' = setup ping (reply 1 byte), 'b' = bulk (count until EOF, reply 'k'). */
static int cmd_bench_serve(int port)
{
	int l = listen_on(port);

	signal(SIGCHLD, SIG_IGN);
	printf("BENCH-SERVE listening %d\n", port);
	fflush(stdout);
	for (;;) {
		struct io io = { accept(l, NULL, NULL), NULL };
		static char buf[1 << 16];
		char mode;

		if (io.fd < 0)
			continue;
		if (fork() == 0) {
			close(l);
			if (io_wrap(&io, 1) || io_read(&io, &mode, 1) != 1)
				_exit(1);
			if (mode == 'b')
				while (io_read(&io, buf, sizeof(buf)) > 0)
					;
			io_write(&io, "k", 1);
			io_close(&io);
			_exit(0);
		}
		close(io.fd);
	}
}

static int cmd_bench(const char *ip, int port, const char *mode, long n)
{
	static char buf[1 << 16];
	double t0 = now_s(), dt;
	long i, sent = 0;
	char k;

	if (!strcmp(mode, "setup")) {
		for (i = 0; i < n; i++) {
			struct io io = { connect_to(ip, port), NULL };

			if (io.fd < 0 || io_wrap(&io, 0) || io_write(&io, "s", 1) != 1 || io_read(&io, &k, 1) != 1) {
				printf("BENCH err setup %ld: %s\n", i, strerror(errno));
				return 1;
			}
			io_close(&io);
		}
		dt = now_s() - t0;
		printf("BENCH setup count=%ld total_s=%.3f per_conn_ms=%.3f\n", n, dt, dt * 1000 / n);
		return 0;
	}
	{
		struct io io = { connect_to(ip, port), NULL };

		if (io.fd < 0 || io_wrap(&io, 0) || io_write(&io, "b", 1) != 1) {
			printf("BENCH err bulk: %s\n", strerror(errno));
			return 1;
		}
		memset(buf, 'x', sizeof(buf));
		t0 = now_s();
		while (sent < n) {
			ssize_t w = io_write(&io, buf, n - sent < (long)sizeof(buf) ? n - sent : (long)sizeof(buf));

			if (w <= 0) {
				printf("BENCH err bulk write: %s\n", strerror(errno));
				return 1;
			}
			sent += w;
		}
		if (io.ssl)
			SSL_shutdown(io.ssl);	/* close_notify ends the server's read loop */
		shutdown(io.fd, SHUT_WR);
		if (io_read(&io, &k, 1) != 1) {
			printf("BENCH err bulk ack: %s\n", strerror(errno));
			return 1;
		}
		dt = now_s() - t0;
		printf("BENCH bulk bytes=%ld total_s=%.3f mb_per_s=%.2f\n", sent, dt, sent / dt / 1e6);
		io_close(&io);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *keydir = NULL, *again = NULL;
	int i, j = 0;
	char *args[16];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--uid") && i + 1 < argc) {
			uid_t uid = atoi(argv[++i]);

			if (setgid(uid) || setuid(uid)) {
				perror("setuid");
				return 1;
			}
		} else if (!strcmp(argv[i], "--keycheck") && i + 1 < argc) {
			keydir = argv[++i];
		} else if (!strcmp(argv[i], "--nonblock")) {
			nonblock = 1;
		} else if (!strcmp(argv[i], "--ulp-probe")) {
			ulp_probe = 1;
		} else if (!strcmp(argv[i], "--again-after") && i + 1 < argc) {
			again = argv[++i];
		} else if (!strcmp(argv[i], "--tls") && i + 3 < argc) {
			tls_setup(j > 0 && !strcmp(args[0], "bench-serve"), argv[i + 1], argv[i + 2], argv[i + 3]);
			i += 3;
		} else if (j < 16) {
			args[j++] = argv[i];
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (j == 2 && !strcmp(args[0], "serve"))
		return cmd_serve(atoi(args[1]));
	if (j == 4 && !strcmp(args[0], "connect"))
		return cmd_connect(args[1], atoi(args[2]), args[3], keydir, again);
	if (j == 5 && !strcmp(args[0], "sniff"))
		return cmd_sniff(args[1], atoi(args[2]), atoi(args[3]), args[4]);
	if (j == 2 && !strcmp(args[0], "bench-serve"))
		return cmd_bench_serve(atoi(args[1]));
	if (j == 5 && !strcmp(args[0], "bench"))
		return cmd_bench(args[1], atoi(args[2]), args[3], atol(args[4]));
	fprintf(stderr, "usage: see the header of wl.c\n");
	return 2;
}
