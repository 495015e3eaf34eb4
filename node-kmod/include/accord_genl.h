/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Accord node enforcement: the generic netlink interface between the kernel
 * module (accord_kmod) and the node agent (accord-agent).
 *
 * One agent registers per network namespace; the module announces every
 * covered TCP socket of that namespace to it, hands it a file descriptor for
 * the socket, and waits for a verdict.
 */
#ifndef ACCORD_GENL_H
#define ACCORD_GENL_H

#define ACCORD_GENL_NAME	"accord"
#define ACCORD_GENL_VERSION	1

/* Maximum number of covered ports one policy may carry. */
#define ACCORD_MAX_PORTS	64
/* Longest SPIFFE ID the module stores for the connection table (bytes, with NUL). */
#define ACCORD_ID_MAX		256
#define ACCORD_REASON_MAX	96
#define ACCORD_EXE_MAX		256

enum accord_cmd {
	ACCORD_CMD_UNSPEC,
	ACCORD_CMD_REGISTER,	/* agent -> kernel: become this netns's agent */
	ACCORD_CMD_SET_POLICY,	/* agent -> kernel: MODE, PORTS */
	ACCORD_CMD_PENDING,	/* kernel -> agent: a covered socket waits for a verdict */
	ACCORD_CMD_ACCEPT,	/* agent -> kernel: ID; reply carries FD */
	ACCORD_CMD_DONE,	/* agent -> kernel: ID, LOCAL_ID, PEER_ID, TX, RX */
	ACCORD_CMD_REFUSE,	/* agent -> kernel: ID, REASON */
	ACCORD_CMD_GET_CONN,	/* dump: the connection table of the caller's netns */
	ACCORD_CMD_GET_STATS,	/* do: counters of the caller's netns */
	__ACCORD_CMD_MAX,
};
#define ACCORD_CMD_MAX (__ACCORD_CMD_MAX - 1)

enum accord_attr {
	ACCORD_A_UNSPEC,
	ACCORD_A_ID,		/* u64 connection id */
	ACCORD_A_ROLE,		/* u8 enum accord_role */
	ACCORD_A_TGID,		/* u32 */
	ACCORD_A_UID,		/* u32, in the initial user namespace */
	ACCORD_A_GID,		/* u32 */
	ACCORD_A_CGROUP_ID,	/* u64 cgroup v2 id (inode number under /sys/fs/cgroup) */
	ACCORD_A_NETNS_INO,	/* u32 */
	ACCORD_A_SADDR,		/* u32, network byte order */
	ACCORD_A_DADDR,		/* u32, network byte order */
	ACCORD_A_SPORT,		/* u16, host byte order */
	ACCORD_A_DPORT,		/* u16, host byte order */
	ACCORD_A_EXE,		/* string: the executable's path */
	ACCORD_A_FD,		/* u32: descriptor installed in the agent */
	ACCORD_A_LOCAL_ID,	/* string: SPIFFE ID of the local workload */
	ACCORD_A_PEER_ID,	/* string: SPIFFE ID of the peer */
	ACCORD_A_TLS_TX,	/* binary: struct tls12_crypto_info_aes_gcm_128 */
	ACCORD_A_TLS_RX,	/* binary: struct tls12_crypto_info_aes_gcm_128 */
	ACCORD_A_REASON,	/* string */
	ACCORD_A_STATE,		/* u8 enum accord_state */
	ACCORD_A_MODE,		/* u8 enum accord_mode */
	ACCORD_A_PORTS,		/* binary: array of u16 in host byte order */
	ACCORD_A_ALLOWED,	/* u64 counter */
	ACCORD_A_REFUSED,	/* u64 counter */
	ACCORD_A_DROPPED,	/* u64 counter: segments dropped by the backstop */
	ACCORD_A_PAD,
	ACCORD_A_MISSED,	/* u32: connect/accept pickups the kretprobes missed */
	__ACCORD_A_MAX,
};
#define ACCORD_A_MAX (__ACCORD_A_MAX - 1)

enum accord_role {
	ACCORD_ROLE_CLIENT = 1,	/* picked up on connect() */
	ACCORD_ROLE_SERVER = 2,	/* picked up on accept() */
};

enum accord_state {
	ACCORD_STATE_PENDING = 1,	/* parked; the agent owns the handshake */
	ACCORD_STATE_INSTALLING = 2,	/* verdict received; kTLS being installed */
	ACCORD_STATE_READY = 3,		/* kTLS installed; the workload runs */
	ACCORD_STATE_REFUSED = 4,	/* aborted; the workload sees ECONNREFUSED */
};

enum accord_mode {
	ACCORD_MODE_OFF = 0,		/* nothing is picked up, nothing dropped */
	ACCORD_MODE_ENFORCE = 1,	/* covered ports need mutual TLS */
};

#endif /* ACCORD_GENL_H */
