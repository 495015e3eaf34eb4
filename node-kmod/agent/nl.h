/* SPDX-License-Identifier: MIT */
/* Generic netlink client for the "accord" family (see ../include/accord_genl.h). */
#ifndef ACCORD_NL_H
#define ACCORD_NL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "../include/accord_genl.h"

struct nl {
	int fd;
	uint16_t family;
	uint32_t seq;
};

/* Attributes of one message, indexed by type; NULL where absent. */
struct nl_attrs {
	const struct nlattr *a[ACCORD_A_MAX + 1];
	uint8_t cmd;
};

struct nl_msg {
	char buf[8192];
	size_t len;
};

int nl_open(struct nl *n, char *err, size_t errlen);
void nl_close(struct nl *n);

void nl_begin(struct nl *n, struct nl_msg *m, uint8_t cmd, uint16_t flags);
void nl_put(struct nl_msg *m, uint16_t type, const void *data, size_t len);
void nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t v);
void nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t v);
void nl_put_u64(struct nl_msg *m, uint16_t type, uint64_t v);
void nl_put_str(struct nl_msg *m, uint16_t type, const char *s, size_t max);

typedef void (*nl_handler)(const struct nl_attrs *attrs, void *ctx);

/*
 * Sends m and reads until its acknowledgement (or NLMSG_DONE for a dump).
 * Replies to m go to on_reply; unsolicited messages (PENDING notifications) to
 * on_other. Returns 0, or a negative errno with the kernel's extended ack
 * message (if any) in err.
 */
int nl_transact(struct nl *n, struct nl_msg *m, nl_handler on_reply, nl_handler on_other, void *ctx,
		char *err, size_t errlen);

/* Reads one batch of unsolicited messages (non-blocking if the socket is). */
int nl_receive(struct nl *n, nl_handler on_msg, void *ctx);

uint8_t nl_u8(const struct nlattr *a);
uint16_t nl_u16(const struct nlattr *a);
uint32_t nl_u32(const struct nlattr *a);
uint64_t nl_u64(const struct nlattr *a);
const char *nl_str(const struct nlattr *a);	/* "" if absent or not NUL-terminated */

#endif
