// SPDX-License-Identifier: MIT
#include "nl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>

#define NLA_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))

int nl_open(struct nl *n, char *err, size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct { struct nlmsghdr h; struct genlmsghdr g; char attrs[64]; } req;
	char buf[8192];
	struct nlattr *a;
	int one = 1;
	ssize_t r;

	memset(n, 0, sizeof(*n));
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0 || bind(n->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "netlink socket: %s", strerror(errno));
		nl_close(n);
		return -1;
	}
	setsockopt(n->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_type = GENL_ID_CTRL;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = ++n->seq;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	a = (struct nlattr *)req.attrs;
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + sizeof(ACCORD_GENL_NAME);
	memcpy(NLA_DATA(a), ACCORD_GENL_NAME, sizeof(ACCORD_GENL_NAME));
	req.h.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	if (send(n->fd, &req, req.h.nlmsg_len, 0) < 0) {
		snprintf(err, errlen, "netlink send: %s", strerror(errno));
		nl_close(n);
		return -1;
	}
	r = recv(n->fd, buf, sizeof(buf), 0);
	if (r > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (NLMSG_OK(h, (size_t)r) && h->nlmsg_type == GENL_ID_CTRL) {
			int len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

			a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
			for (; len >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
			     len -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
				if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
					n->family = *(uint16_t *)NLA_DATA(a);
		}
	}
	if (!n->family) {
		snprintf(err, errlen, "generic netlink family \"%s\" not found: is accord_kmod loaded?", ACCORD_GENL_NAME);
		close(n->fd);
		n->fd = -1;
		return -1;
	}
	return 0;
}

void nl_close(struct nl *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

void nl_begin(struct nl *n, struct nl_msg *m, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = NLMSG_DATA(h);

	memset(m->buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	h->nlmsg_type = n->family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++n->seq;
	g->cmd = cmd;
	g->version = ACCORD_GENL_VERSION;
	m->len = NLMSG_LENGTH(GENL_HDRLEN);
	h->nlmsg_len = m->len;
}

void nl_put(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->buf))
		return;	/* the kernel rejects the missing attribute */
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(NLA_DATA(a), data, len);
	memset((char *)NLA_DATA(a) + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_ALIGN(a->nla_len);
	((struct nlmsghdr *)m->buf)->nlmsg_len = m->len;
}

void nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t v) { nl_put(m, type, &v, 1); }
void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v) { nl_put(m, type, &v, 4); }
void nl_put_u64(struct nl_msg *m, uint16_t type, uint64_t v) { nl_put(m, type, &v, 8); }

void nl_put_str(struct nl_msg *m, uint16_t type, const char *s, size_t max)
{
	char tmp[1024];
	size_t len = strnlen(s, max - 1 < sizeof(tmp) - 1 ? max - 1 : sizeof(tmp) - 1);

	memcpy(tmp, s, len);
	tmp[len] = '\0';
	nl_put(m, type, tmp, len + 1);
}

static void parse_attrs(const struct nlmsghdr *h, struct nl_attrs *out)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	const struct nlattr *a = (const struct nlattr *)((const char *)g + GENL_HDRLEN);

	memset(out, 0, sizeof(*out));
	out->cmd = g->cmd;
	for (; len >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t > 0 && t <= ACCORD_A_MAX)
			out->a[t] = a;
	}
}

static void ext_ack(const struct nlmsghdr *h, char *err, size_t errlen)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const struct nlattr *a;
	int len;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	a = (const struct nlattr *)((const char *)e + sizeof(*e) +
		((h->nlmsg_flags & NLM_F_CAPPED) ? 0 : e->msg.nlmsg_len - NLMSG_HDRLEN));
	len = (const char *)h + h->nlmsg_len - (const char *)a;
	for (; len >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			snprintf(err, errlen, "%s", (const char *)NLA_DATA(a));
}

int nl_transact(struct nl *n, struct nl_msg *m, nl_handler on_reply, nl_handler on_other, void *ctx,
		char *err, size_t errlen)
{
	uint32_t seq = ((struct nlmsghdr *)m->buf)->nlmsg_seq;
	char buf[16384];
	struct nl_attrs attrs;

	if (errlen)
		err[0] = '\0';
	if (send(n->fd, m->buf, m->len, 0) < 0) {
		snprintf(err, errlen, "netlink send: %s", strerror(errno));
		return -errno;
	}
	for (;;) {
		ssize_t r = recv(n->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "netlink recv: %s", strerror(errno));
			return -errno;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)r); h = NLMSG_NEXT(h, r)) {
			if (h->nlmsg_seq != seq) {
				if (h->nlmsg_type == n->family && on_other) {
					parse_attrs(h, &attrs);
					on_other(&attrs, ctx);
				}
				continue;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
					snprintf(err, errlen, "truncated netlink error");
					return -EPROTO;
				}
				if (e->error) {
					ext_ack(h, err, errlen);
					if (!err[0])
						snprintf(err, errlen, "%s", strerror(-e->error));
				}
				return e->error;
			}
			if (h->nlmsg_type == n->family && on_reply) {
				parse_attrs(h, &attrs);
				on_reply(&attrs, ctx);
			}
		}
	}
}

int nl_receive(struct nl *n, nl_handler on_msg, void *ctx)
{
	char buf[16384];
	struct nl_attrs attrs;
	struct nlmsghdr *h;
	ssize_t r = recv(n->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (r < 0)
		return errno == EAGAIN ? 0 : -errno;
	for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)r); h = NLMSG_NEXT(h, r)) {
		if (h->nlmsg_type == n->family) {
			parse_attrs(h, &attrs);
			on_msg(&attrs, ctx);
		}
	}
	return 0;
}

/* Attributes shorter than their type read as 0. */
static int fits(const struct nlattr *a, size_t size)
{
	return a && a->nla_len >= NLA_HDRLEN + size;
}

uint8_t nl_u8(const struct nlattr *a) { return fits(a, 1) ? *(uint8_t *)NLA_DATA(a) : 0; }
uint16_t nl_u16(const struct nlattr *a) { return fits(a, 2) ? *(uint16_t *)NLA_DATA(a) : 0; }
uint32_t nl_u32(const struct nlattr *a) { return fits(a, 4) ? *(uint32_t *)NLA_DATA(a) : 0; }
uint64_t nl_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (fits(a, 8))
		memcpy(&v, NLA_DATA(a), 8);
	return v;
}

const char *nl_str(const struct nlattr *a)
{
	size_t len;

	if (!a)
		return "";
	len = a->nla_len - NLA_HDRLEN;
	if (!len || ((const char *)NLA_DATA(a))[len - 1] != '\0')
		return "";
	return NLA_DATA(a);
}
