// SPDX-License-Identifier: GPL-2.0
/*
 * accord_kmod - kernel-enforced mutual TLS between SPIFFE trust domains.
 *
 * Flow (the net/handshake flow applied to application sockets):
 *  1. A kretprobe on tcp_v4_connect (client) or inet_accept (server) picks up
 *     TCP sockets on a covered port of a network namespace whose agent asked
 *     for enforcement.
 *  2. The socket gets a copy of tcp_prot whose sendmsg/recvmsg park the
 *     workload until a verdict; the agent's own calls pass through.
 *  3. The module announces the socket over generic netlink with facts the
 *     workload cannot forge (tgid, uid, gid, exe, cgroup, netns, 4-tuple).
 *  4. The agent asks for a descriptor, runs the TLS 1.3 handshake on it with
 *     the workload's X.509-SVID, and answers DONE with the traffic keys or
 *     REFUSE.
 *  5. On DONE the module restores tcp_prot, installs kTLS (TLS_TX and TLS_RX),
 *     wipes the key copies kTLS keeps for getsockopt(), and wakes the
 *     workload. On REFUSE, a timeout or the agent's death it aborts the
 *     connection and the workload sees ECONNREFUSED.
 *  6. A netfilter LOCAL_OUT hook per namespace drops payload on covered ports
 *     from any socket that is not parked or ready (fail closed).
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/hashtable.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/cgroup.h>
#include <linux/sched/mm.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/workqueue.h>
#include <linux/jiffies.h>
#include <linux/version.h>
#include <linux/delay.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/inet_sock.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include <net/net_namespace.h>
#include <net/tls.h>
#include <uapi/linux/tls.h>

#include "accord_genl.h"

#define ACCORD_PENDING_TIMEOUT	(10 * HZ)
#define ACCORD_CRYPTO_LEN	sizeof(struct tls12_crypto_info_aes_gcm_128)
#define ACCORD_GC_PERIOD	(HZ / 2)

struct accord_net {
	spinlock_t lock;		/* protects the fields below */
	u32 agent_portid;		/* 0: no agent */
	pid_t agent_tgid;
	u8 mode;
	u16 nports;
	u16 ports[ACCORD_MAX_PORTS];
	atomic64_t allowed;
	atomic64_t refused;
	atomic64_t dropped;
};

struct accord_conn {
	struct hlist_node by_sk;	/* accord_conns, under accord_lock */
	struct list_head all;		/* accord_all, under accord_lock */
	refcount_t ref;
	u64 id;
	struct sock *sk;		/* holds a reference */
	struct net *net;		/* the socket's; the socket keeps it alive */
	struct file *file;		/* until handed to the agent */
	struct file *held;		/* from ACCEPT until the verdict: keeps sk_socket */
	bool module_ref;		/* taken with the accord_prot swap */
	bool detached;			/* the workload disconnected: out of the sk hash */
	u8 state;
	u8 role;
	unsigned long created;
	u32 mark_seq;			/* write_seq at pickup */
	u32 agent_end;			/* write_seq after the agent's last write */
	wait_queue_head_t wq;
	struct work_struct abort_work;
	/* facts */
	pid_t tgid;
	u32 uid, gid;
	u64 cgroup_id;
	u32 netns_ino;
	__be32 saddr, daddr;
	u16 sport, dport;
	char exe[ACCORD_EXE_MAX];
	char local_id[ACCORD_ID_MAX];
	char peer_id[ACCORD_ID_MAX];
	char reason[ACCORD_REASON_MAX];
};

static unsigned int accord_net_id __read_mostly;
static DEFINE_SPINLOCK(accord_lock);
static DEFINE_HASHTABLE(accord_conns, 10);
static LIST_HEAD(accord_all);
static atomic64_t accord_next_id = ATOMIC64_INIT(0);
static atomic_t accord_inflight = ATOMIC_INIT(0);
static struct proto accord_prot;
static struct genl_family accord_family;
static struct workqueue_struct *accord_wq;
static void accord_gc(struct work_struct *work);
static DECLARE_DELAYED_WORK(accord_gc_work, accord_gc);

static struct accord_net *accord_pernet(const struct net *net)
{
	return net_generic(net, accord_net_id);
}

/* Whether @an enforces and covers one of the ports (0 = none). Any context. */
static bool accord_covered(struct accord_net *an, u16 port1, u16 port2)
{
	unsigned long flags;
	bool hit = false;
	int i;

	spin_lock_irqsave(&an->lock, flags);
	if (an->mode == ACCORD_MODE_ENFORCE)
		for (i = 0; i < an->nports && !hit; i++)
			hit = (port1 && an->ports[i] == port1) || (port2 && an->ports[i] == port2);
	spin_unlock_irqrestore(&an->lock, flags);
	return hit;
}

/* Whether a new socket of the calling task on @port is ours to take. */
static bool accord_wants(struct sock *sk, u16 port)
{
	struct accord_net *an = accord_pernet(sock_net(sk));

	/* The agent's own connections (e.g. to the broker) are never parked. */
	return accord_covered(an, port, 0) && READ_ONCE(an->agent_tgid) != current->tgid;
}

static void accord_conn_put(struct accord_conn *c)
{
	if (!refcount_dec_and_test(&c->ref))
		return;
	if (c->file)
		fput(c->file);
	if (c->held)
		fput(c->held);
	sock_put(c->sk);
	kfree(c);
}

/* Finds the connection of @sk and takes a reference; NULL if not ours. */
static struct accord_conn *accord_find_sk(const struct sock *sk)
{
	struct accord_conn *c, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&accord_lock, flags);
	hash_for_each_possible(accord_conns, c, by_sk, (unsigned long)sk) {
		if (c->sk == sk) {
			refcount_inc(&c->ref);
			found = c;
			break;
		}
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	return found;
}

/*
 * Current state of the connection of @sk without taking a reference; 0 if not
 * ours. [*@from, *@to) is the sequence range the agent wrote.
 */
static u8 accord_state_of(const struct sock *sk, u32 *from, u32 *to)
{
	struct accord_conn *c;
	unsigned long flags;
	u8 state = 0;

	spin_lock_irqsave(&accord_lock, flags);
	hash_for_each_possible(accord_conns, c, by_sk, (unsigned long)sk) {
		if (c->sk == sk) {
			state = READ_ONCE(c->state);
			*from = c->mark_seq;
			*to = READ_ONCE(c->agent_end);
			break;
		}
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	return state;
}

static struct accord_conn *accord_find_id(const struct net *net, u64 id)
{
	struct accord_conn *c, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&accord_lock, flags);
	list_for_each_entry(c, &accord_all, all) {
		if (c->id == id && net_eq(c->net, net)) {
			refcount_inc(&c->ref);
			found = c;
			break;
		}
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	return found;
}

/*
 * Puts sk_prot back to tcp_prot if it is still ours, and releases the module
 * reference of the swap once. Process context.
 */
static void accord_restore_prot(struct accord_conn *c)
{
	unsigned long flags;
	bool had;

	lock_sock(c->sk);
	if (READ_ONCE(c->sk->sk_prot) == &accord_prot)
		WRITE_ONCE(c->sk->sk_prot, &tcp_prot);
	release_sock(c->sk);
	spin_lock_irqsave(&accord_lock, flags);
	had = c->module_ref;
	c->module_ref = false;
	spin_unlock_irqrestore(&accord_lock, flags);
	if (had)
		module_put(THIS_MODULE);
}

/* Lets poll/epoll waiters (non-blocking workloads) look at the socket again. */
static void accord_poke(struct sock *sk)
{
	lock_sock(sk);
	sk->sk_state_change(sk);
	release_sock(sk);
}

/*
 * Moves a parked connection to REFUSED. Returns true if this call did it (the
 * caller then aborts the connection, directly or through abort_work).
 */
static bool accord_mark_refused(struct accord_conn *c, const char *reason)
{
	unsigned long flags;
	bool changed = false;

	spin_lock_irqsave(&accord_lock, flags);
	if (c->state == ACCORD_STATE_PENDING || c->state == ACCORD_STATE_INSTALLING) {
		c->state = ACCORD_STATE_REFUSED;
		strscpy(c->reason, reason, sizeof(c->reason));
		changed = true;
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	if (changed) {
		atomic64_inc(&accord_pernet(c->net)->refused);
		wake_up_all(&c->wq);
	}
	return changed;
}

/*
 * Process context: sends a reset, lets later calls reach tcp_prot directly (they
 * fail with the socket's error) and drops the descriptor the agent never took.
 */
static void accord_abort(struct accord_conn *c)
{
	struct file *file;
	unsigned long flags;

	struct file *held;

	tcp_abort(c->sk, ECONNREFUSED);
	accord_restore_prot(c);
	accord_poke(c->sk);
	spin_lock_irqsave(&accord_lock, flags);
	file = c->file;
	c->file = NULL;
	held = c->held;
	c->held = NULL;
	spin_unlock_irqrestore(&accord_lock, flags);
	if (file)
		fput(file);
	if (held)
		fput(held);
}

static void accord_abort_work(struct work_struct *work)
{
	struct accord_conn *c = container_of(work, struct accord_conn, abort_work);

	accord_abort(c);
	accord_conn_put(c);
}

/* Any context: refuse and abort from the workqueue. */
static void accord_refuse_async(struct accord_conn *c, const char *reason)
{
	if (!accord_mark_refused(c, reason))
		return;
	refcount_inc(&c->ref);
	if (!queue_work(accord_wq, &c->abort_work))
		accord_conn_put(c);
}

static bool accord_caller_is_agent(struct sock *sk)
{
	return READ_ONCE(accord_pernet(sock_net(sk))->agent_tgid) == current->tgid;
}

/*
 * The agent's handshake writes. They must continue exactly where the agent's
 * previous write (or the pickup) ended: anything else means a workload thread
 * got data queued around the parking (e.g. a send() that started before the
 * pickup), and the connection is refused; the backstop keeps those bytes in.
 */
static int accord_agent_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct accord_conn *c = accord_find_sk(sk);
	int err;

	lock_sock(sk);
	if (c && tcp_sk(sk)->write_seq != c->agent_end) {
		release_sock(sk);
		accord_refuse_async(c, "workload data queued on a parked socket");
		accord_conn_put(c);
		return -ECONNREFUSED;
	}
	err = tcp_sendmsg_locked(sk, msg, size);
	if (c)
		WRITE_ONCE(c->agent_end, tcp_sk(sk)->write_seq);
	release_sock(sk);
	if (c)
		accord_conn_put(c);
	return err;
}

/*
 * Parks the caller until the connection of @sk has a verdict. Returns 0 when
 * the connection is ready (or no longer ours), or a negative errno.
 */
static int accord_park(struct sock *sk, bool nonblock)
{
	struct accord_conn *c;
	int err = 0;
	long rc;

	c = accord_find_sk(sk);
	if (!c)
		return 0;	/* not ours any more: sk_prot decides */
	if (nonblock) {
		u8 s = READ_ONCE(c->state);

		if (s == ACCORD_STATE_PENDING || s == ACCORD_STATE_INSTALLING)
			err = -EAGAIN;
	} else {
		rc = wait_event_interruptible(c->wq,
					      READ_ONCE(c->state) == ACCORD_STATE_READY ||
					      READ_ONCE(c->state) == ACCORD_STATE_REFUSED);
		if (rc)
			err = -ERESTARTSYS;
	}
	if (!err && READ_ONCE(c->state) == ACCORD_STATE_REFUSED)
		err = -ECONNREFUSED;
	accord_conn_put(c);
	return err;
}

static int accord_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct proto *prot;
	int err;

	atomic_inc(&accord_inflight);
	if (accord_caller_is_agent(sk)) {
		err = accord_agent_sendmsg(sk, msg, size);
		atomic_dec(&accord_inflight);
		return err;
	}
	err = accord_park(sk, msg->msg_flags & MSG_DONTWAIT);
	if (!err) {
		prot = READ_ONCE(sk->sk_prot);
		/* Ready: kTLS (or, after an abort, plain TCP) is in place. */
		err = prot == &accord_prot ? -ECONNREFUSED : prot->sendmsg(sk, msg, size);
	}
	atomic_dec(&accord_inflight);
	return err;
}

static int accord_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			  int flags, int *addr_len)
{
	struct proto *prot;
	int err;

	atomic_inc(&accord_inflight);
	if (accord_caller_is_agent(sk)) {
		err = tcp_prot.recvmsg(sk, msg, len, flags, addr_len);
		atomic_dec(&accord_inflight);
		return err;
	}
	err = accord_park(sk, flags & MSG_DONTWAIT);
	if (!err) {
		prot = READ_ONCE(sk->sk_prot);
		err = prot == &accord_prot ? -ECONNREFUSED :
		      prot->recvmsg(sk, msg, len, flags, addr_len);
	}
	atomic_dec(&accord_inflight);
	return err;
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
static int accord_sendpage(struct sock *sk, struct page *page, int offset,
			   size_t size, int flags)
{
	/* sendfile() on a covered socket is refused until it is ready (see README). */
	return -EOPNOTSUPP;
}
#endif

/*
 * No ULP on a parked socket: kTLS would build its shared protos from
 * accord_prot, and the workload would choose its own keys.
 */
static int accord_setsockopt(struct sock *sk, int level, int optname, sockptr_t optval,
			     unsigned int optlen)
{
	if ((level == SOL_TCP && optname == TCP_ULP) || level == SOL_TLS)
		return -EPERM;
	return tcp_prot.setsockopt(sk, level, optname, optval, optlen);
}

/*
 * connect(AF_UNSPEC) on a parked socket (socket lock held): the connection is
 * refused, the socket leaves the table and gets tcp_prot back, so a later
 * connect() or listen() starts clean. The GC drops the module reference.
 */
static int accord_disconnect(struct sock *sk, int flags)
{
	struct accord_conn *c, *found = NULL;
	unsigned long fl;
	int err;

	atomic_inc(&accord_inflight);
	WRITE_ONCE(sk->sk_prot, &tcp_prot);
	spin_lock_irqsave(&accord_lock, fl);
	hash_for_each_possible(accord_conns, c, by_sk, (unsigned long)sk) {
		if (c->sk == sk) {
			found = c;
			break;
		}
	}
	if (found) {
		hash_del(&found->by_sk);
		found->detached = true;
		if (found->state == ACCORD_STATE_PENDING || found->state == ACCORD_STATE_INSTALLING) {
			found->state = ACCORD_STATE_REFUSED;
			strscpy(found->reason, "disconnected by the workload", sizeof(found->reason));
			atomic64_inc(&accord_pernet(found->net)->refused);
		}
		wake_up_all(&found->wq);
	}
	spin_unlock_irqrestore(&accord_lock, fl);
	err = tcp_prot.disconnect(sk, flags);
	atomic_dec(&accord_inflight);
	return err;
}

/* The unforgeable facts about the calling task, for the agent's selectors. */
static void accord_fill_facts(struct accord_conn *c)
{
	struct mm_struct *mm = current->mm;
	struct file *exe;
	char *p;

	c->tgid = current->tgid;
	c->uid = from_kuid_munged(&init_user_ns, current_uid());
	c->gid = from_kgid_munged(&init_user_ns, current_gid());
#ifdef CONFIG_CGROUPS
	rcu_read_lock();
	c->cgroup_id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
#endif
	c->exe[0] = '\0';
	if (!mm)
		return;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	if (exe) {
		p = d_path(&exe->f_path, c->local_id, sizeof(c->local_id));
		if (!IS_ERR(p))
			strscpy(c->exe, p, sizeof(c->exe));
	}
	rcu_read_unlock();
	c->local_id[0] = '\0';
}

static int accord_send_pending(struct accord_conn *c, u32 portid)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &accord_family, 0, ACCORD_CMD_PENDING);
	if (!hdr)
		goto nospace;
	if (nla_put_u64_64bit(skb, ACCORD_A_ID, c->id, ACCORD_A_PAD) ||
	    nla_put_u8(skb, ACCORD_A_ROLE, c->role) ||
	    nla_put_u32(skb, ACCORD_A_TGID, c->tgid) ||
	    nla_put_u32(skb, ACCORD_A_UID, c->uid) ||
	    nla_put_u32(skb, ACCORD_A_GID, c->gid) ||
	    nla_put_u64_64bit(skb, ACCORD_A_CGROUP_ID, c->cgroup_id, ACCORD_A_PAD) ||
	    nla_put_u32(skb, ACCORD_A_NETNS_INO, c->netns_ino) ||
	    nla_put_in_addr(skb, ACCORD_A_SADDR, c->saddr) ||
	    nla_put_in_addr(skb, ACCORD_A_DADDR, c->daddr) ||
	    nla_put_u16(skb, ACCORD_A_SPORT, c->sport) ||
	    nla_put_u16(skb, ACCORD_A_DPORT, c->dport) ||
	    nla_put_string(skb, ACCORD_A_EXE, c->exe))
		goto nospace;
	genlmsg_end(skb, hdr);
	return genlmsg_unicast(c->net, skb, portid);
nospace:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

/*
 * Takes a covered socket over. Runs in a kretprobe handler (atomic, in the
 * context of the task calling connect() or accept()).
 */
static void accord_pickup(struct sock *sk, struct file *file, u8 role)
{
	struct net *net = sock_net(sk);
	struct accord_net *an = accord_pernet(net);
	struct inet_sock *inet = inet_sk(sk);
	struct accord_conn *c;
	unsigned long flags;
	u32 portid;
	int err;

	if (!file || !try_module_get(THIS_MODULE))
		return;
	c = kzalloc(sizeof(*c), GFP_ATOMIC);
	if (!c) {
		/* Cannot track it: the backstop drops its payload. */
		module_put(THIS_MODULE);
		return;
	}
	refcount_set(&c->ref, 1);
	c->id = atomic64_inc_return(&accord_next_id);
	c->sk = sk;
	sock_hold(sk);
	c->net = net;
	c->file = get_file(file);
	c->role = role;
	c->state = ACCORD_STATE_PENDING;
	c->created = jiffies;
	init_waitqueue_head(&c->wq);
	INIT_WORK(&c->abort_work, accord_abort_work);
	c->netns_ino = net->ns.inum;
	c->saddr = inet->inet_saddr;
	c->daddr = inet->inet_daddr;
	c->sport = ntohs(inet->inet_sport);
	c->dport = ntohs(inet->inet_dport);
	accord_fill_facts(c);

	c->mark_seq = tcp_sk(sk)->write_seq;
	c->agent_end = c->mark_seq;
	WRITE_ONCE(sk->sk_prot, &accord_prot);
	c->module_ref = true;

	spin_lock_irqsave(&accord_lock, flags);
	hash_add(accord_conns, &c->by_sk, (unsigned long)sk);
	list_add_tail(&c->all, &accord_all);
	spin_unlock_irqrestore(&accord_lock, flags);

	spin_lock_irqsave(&an->lock, flags);
	portid = an->agent_portid;
	spin_unlock_irqrestore(&an->lock, flags);
	if (tcp_sk(sk)->fastopen_req) {
		/* Data rides on the SYN before any handshake could run. */
		accord_refuse_async(c, "TCP Fast Open is not allowed on a covered port");
		return;
	}
	err = portid ? accord_send_pending(c, portid) : -ENOTCONN;
	if (err)
		accord_refuse_async(c, portid ? "agent unreachable" : "no agent");
}

struct accord_connect_data {
	struct sock *sk;
};

static int accord_connect_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct accord_connect_data *d = (void *)ri->data;

	d->sk = (struct sock *)regs->di;
	return 0;
}

static int accord_connect_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct accord_connect_data *d = (void *)ri->data;
	struct sock *sk = d->sk;

	/* An AF_INET6 socket reaches tcp_v4_connect for v4-mapped peers: not ours (IPv4 only). */
	if (regs_return_value(regs) != 0 || !sk || sk->sk_family != AF_INET ||
	    sk->sk_protocol != IPPROTO_TCP || !sk->sk_socket)
		return 0;
	if (accord_wants(sk, ntohs(inet_sk(sk)->inet_dport)))
		accord_pickup(sk, sk->sk_socket->file, ACCORD_ROLE_CLIENT);
	return 0;
}

struct accord_accept_data {
	struct socket *newsock;
};

static int accord_accept_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct accord_accept_data *d = (void *)ri->data;

	d->newsock = (struct socket *)regs->si;
	return 0;
}

static int accord_accept_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct accord_accept_data *d = (void *)ri->data;
	struct socket *sock = d->newsock;
	struct sock *sk = sock ? sock->sk : NULL;

	if (regs_return_value(regs) != 0 || !sk || sk->sk_family != AF_INET ||
	    sk->sk_protocol != IPPROTO_TCP)
		return 0;
	if (accord_wants(sk, inet_sk(sk)->inet_num))
		accord_pickup(sk, sock->file, ACCORD_ROLE_SERVER);
	return 0;
}

static struct kretprobe accord_connect_probe = {
	.kp.symbol_name = "tcp_v4_connect",
	.entry_handler = accord_connect_entry,
	.handler = accord_connect_ret,
	.data_size = sizeof(struct accord_connect_data),
	.maxactive = 256,
};

static struct kretprobe accord_accept_probe = {
	.kp.symbol_name = "inet_accept",
	.entry_handler = accord_accept_entry,
	.handler = accord_accept_ret,
	.data_size = sizeof(struct accord_accept_data),
	/* Threads blocked in accept() hold an instance each; a miss is counted in stats. */
	.maxactive = 1024,
};

/* ---- netfilter backstop ------------------------------------------------ */

static unsigned int accord_nf_out(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct accord_net *an = accord_pernet(state->net);
	const struct iphdr *iph;
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int payload;
	struct sock *sk;
	u32 from = 0, to = 0, seq;
	u8 s;

	iph = ip_hdr(skb);
	if (iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, iph->ihl * 4, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	payload = ntohs(iph->tot_len) - iph->ihl * 4 - th->doff * 4;
	if (!payload)
		return NF_ACCEPT;	/* handshake, ACK, FIN, RST */
	if (!accord_covered(an, ntohs(th->dest), ntohs(th->source)))
		return NF_ACCEPT;
	sk = skb->sk;
	if (sk && sk_fullsock(sk)) {
		s = accord_state_of(sk, &from, &to);
		seq = ntohl(th->seq);
		if (s == ACCORD_STATE_READY)
			return NF_ACCEPT;
		/* Parked or being installed: only bytes the agent wrote may leave. */
		if ((s == ACCORD_STATE_PENDING || s == ACCORD_STATE_INSTALLING) &&
		    !before(seq, from) && !after(seq + payload, to))
			return NF_ACCEPT;
	}
	atomic64_inc(&an->dropped);
	return NF_DROP;
}

static const struct nf_hook_ops accord_nf_ops[] = {
	{
		.hook = accord_nf_out,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_FILTER,
	},
};

static int __net_init accord_net_init(struct net *net)
{
	struct accord_net *an = accord_pernet(net);

	spin_lock_init(&an->lock);
	an->mode = ACCORD_MODE_OFF;
	return nf_register_net_hooks(net, accord_nf_ops, ARRAY_SIZE(accord_nf_ops));
}

static void __net_exit accord_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, accord_nf_ops, ARRAY_SIZE(accord_nf_ops));
}

static struct pernet_operations accord_net_ops = {
	.init = accord_net_init,
	.exit = accord_net_exit,
	.id = &accord_net_id,
	.size = sizeof(struct accord_net),
};

/* ---- generic netlink ---------------------------------------------------- */

static const struct nla_policy accord_policy[ACCORD_A_MAX + 1] = {
	[ACCORD_A_ID] = { .type = NLA_U64 },
	[ACCORD_A_MODE] = { .type = NLA_U8 },
	[ACCORD_A_PORTS] = { .type = NLA_BINARY, .len = ACCORD_MAX_PORTS * sizeof(u16) },
	[ACCORD_A_LOCAL_ID] = { .type = NLA_NUL_STRING, .len = ACCORD_ID_MAX - 1 },
	[ACCORD_A_PEER_ID] = { .type = NLA_NUL_STRING, .len = ACCORD_ID_MAX - 1 },
	[ACCORD_A_REASON] = { .type = NLA_NUL_STRING, .len = ACCORD_REASON_MAX - 1 },
	[ACCORD_A_TLS_TX] = { .type = NLA_BINARY, .len = ACCORD_CRYPTO_LEN },
	[ACCORD_A_TLS_RX] = { .type = NLA_BINARY, .len = ACCORD_CRYPTO_LEN },
};

/* Any thread of the registered agent process may act on its connections. */
static bool accord_is_agent(struct genl_info *info)
{
	struct accord_net *an = accord_pernet(genl_info_net(info));

	return READ_ONCE(an->agent_portid) && READ_ONCE(an->agent_tgid) == current->tgid;
}

static int accord_cmd_register(struct sk_buff *skb, struct genl_info *info)
{
	struct accord_net *an = accord_pernet(genl_info_net(info));
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&an->lock, flags);
	if (an->agent_portid && an->agent_portid != info->snd_portid) {
		err = -EBUSY;
	} else {
		an->agent_portid = info->snd_portid;
		an->agent_tgid = current->tgid;
	}
	spin_unlock_irqrestore(&an->lock, flags);
	if (err)
		GENL_SET_ERR_MSG(info, "another agent is registered in this network namespace");
	return err;
}

static int accord_cmd_set_policy(struct sk_buff *skb, struct genl_info *info)
{
	struct accord_net *an = accord_pernet(genl_info_net(info));
	u16 ports[ACCORD_MAX_PORTS];
	unsigned long flags;
	int i, n = 0;
	u8 mode;

	if (!accord_is_agent(info)) {
		GENL_SET_ERR_MSG(info, "only the registered agent sets the policy");
		return -EPERM;
	}
	if (!info->attrs[ACCORD_A_MODE]) {
		GENL_SET_ERR_MSG(info, "MODE is required");
		return -EINVAL;
	}
	mode = nla_get_u8(info->attrs[ACCORD_A_MODE]);
	if (mode != ACCORD_MODE_OFF && mode != ACCORD_MODE_ENFORCE) {
		GENL_SET_ERR_MSG(info, "unknown MODE");
		return -EINVAL;
	}
	if (info->attrs[ACCORD_A_PORTS]) {
		if (nla_len(info->attrs[ACCORD_A_PORTS]) % sizeof(u16)) {
			GENL_SET_ERR_MSG(info, "PORTS must be an array of u16");
			return -EINVAL;
		}
		n = nla_len(info->attrs[ACCORD_A_PORTS]) / sizeof(u16);
		memcpy(ports, nla_data(info->attrs[ACCORD_A_PORTS]), n * sizeof(u16));
		for (i = 0; i < n; i++) {
			if (!ports[i]) {
				GENL_SET_ERR_MSG(info, "port 0 cannot be covered");
				return -EINVAL;
			}
		}
	}
	spin_lock_irqsave(&an->lock, flags);
	memcpy(an->ports, ports, n * sizeof(u16));
	an->nports = n;
	WRITE_ONCE(an->mode, mode);
	spin_unlock_irqrestore(&an->lock, flags);
	return 0;
}

/* Looks up the connection named by ID for the agent; sets an error message. */
static struct accord_conn *accord_conn_for(struct genl_info *info)
{
	struct accord_conn *c;

	if (!accord_is_agent(info)) {
		GENL_SET_ERR_MSG(info, "only the registered agent gives verdicts");
		return ERR_PTR(-EPERM);
	}
	if (!info->attrs[ACCORD_A_ID]) {
		GENL_SET_ERR_MSG(info, "ID is required");
		return ERR_PTR(-EINVAL);
	}
	c = accord_find_id(genl_info_net(info), nla_get_u64(info->attrs[ACCORD_A_ID]));
	if (!c) {
		GENL_SET_ERR_MSG(info, "no such connection");
		return ERR_PTR(-ENOENT);
	}
	return c;
}

static int accord_cmd_accept(struct sk_buff *skb, struct genl_info *info)
{
	struct accord_conn *c = accord_conn_for(info);
	struct sk_buff *reply;
	struct file *file;
	unsigned long flags;
	void *hdr;
	int fd;

	if (IS_ERR(c))
		return PTR_ERR(c);
	spin_lock_irqsave(&accord_lock, flags);
	file = c->state == ACCORD_STATE_PENDING ? c->file : NULL;
	if (file)
		c->file = NULL;
	spin_unlock_irqrestore(&accord_lock, flags);
	if (!file) {
		accord_conn_put(c);
		GENL_SET_ERR_MSG(info, "connection is not waiting for the agent");
		return -EALREADY;
	}
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (!reply || fd < 0) {
		nlmsg_free(reply);
		if (fd >= 0)
			put_unused_fd(fd);
		fput(file);
		accord_refuse_async(c, "agent could not take the socket");
		accord_conn_put(c);
		return fd < 0 ? fd : -ENOMEM;
	}
	hdr = genlmsg_put_reply(reply, info, &accord_family, 0, ACCORD_CMD_ACCEPT);
	if (!hdr || nla_put_u32(reply, ACCORD_A_FD, fd) ||
	    nla_put_u64_64bit(reply, ACCORD_A_ID, c->id, ACCORD_A_PAD)) {
		nlmsg_free(reply);
		put_unused_fd(fd);
		fput(file);
		accord_refuse_async(c, "reply too large");
		accord_conn_put(c);
		return -EMSGSIZE;
	}
	genlmsg_end(reply, hdr);
	spin_lock_irqsave(&accord_lock, flags);
	c->held = get_file(file);
	spin_unlock_irqrestore(&accord_lock, flags);
	fd_install(fd, file);
	if (genlmsg_reply(reply, info)) {
		/* The agent never learns the descriptor: take it back. */
		close_fd(fd);
		accord_refuse_async(c, "ACCEPT reply lost");
	}
	accord_conn_put(c);
	return 0;
}

static bool accord_valid_crypto(const struct nlattr *a)
{
	const struct tls12_crypto_info_aes_gcm_128 *ci;

	if (!a || nla_len(a) != sizeof(*ci))
		return false;
	ci = nla_data(a);
	return ci->info.version == TLS_1_3_VERSION &&
	       ci->info.cipher_type == TLS_CIPHER_AES_GCM_128;
}

/* Installs kTLS; the workload cannot reach the socket while this runs (see header). */
static int accord_install_ktls(struct accord_conn *c,
			       struct tls12_crypto_info_aes_gcm_128 *tx,
			       struct tls12_crypto_info_aes_gcm_128 *rx)
{
	struct sock *sk = c->sk;
	struct socket *sock = c->held ? sock_from_file(c->held) : NULL;
	struct tls_context *ctx;
	u32 write_seq, copied_seq;
	int err;

	if (!sock || sock->sk != sk)
		return -ENOTCONN;
	lock_sock(sk);
	write_seq = tcp_sk(sk)->write_seq;
	copied_seq = tcp_sk(sk)->copied_seq;
	err = write_seq == c->agent_end ? 0 : -EPROTO;
	release_sock(sk);
	if (err)
		return err;
	/*
	 * kTLS builds its protos from the socket's current sk_prot, so tcp_prot
	 * must be back first. From here until TLS_TX is in place a workload
	 * thread could reach tcp_sendmsg; the LOCAL_OUT hook drops payload of
	 * INSTALLING sockets and the sequence check below aborts such a
	 * connection, so no plaintext leaves.
	 */
	accord_restore_prot(c);
	/*
	 * getsockopt(SOL_TLS) would hand the keys kTLS keeps to the workload:
	 * they are wiped right after each direction is installed.
	 */
	err = sock_common_setsockopt(sock, SOL_TCP, TCP_ULP, KERNEL_SOCKPTR("tls"), 3);
	if (!err)
		err = sock_common_setsockopt(sock, SOL_TLS, TLS_TX, KERNEL_SOCKPTR(tx),
					     sizeof(*tx));
	if (!err) {
		lock_sock(sk);
		ctx = tls_get_ctx(sk);
		if (ctx)
			memzero_explicit(ctx->crypto_send.aes_gcm_128.key,
					 TLS_CIPHER_AES_GCM_128_KEY_SIZE);
		release_sock(sk);
		err = sock_common_setsockopt(sock, SOL_TLS, TLS_RX, KERNEL_SOCKPTR(rx),
					     sizeof(*rx));
	}
	if (err)
		return err;
	lock_sock(sk);
	ctx = tls_get_ctx(sk);
	if (ctx)
		memzero_explicit(ctx->crypto_recv.aes_gcm_128.key, TLS_CIPHER_AES_GCM_128_KEY_SIZE);
	if (tcp_sk(sk)->write_seq != write_seq || tcp_sk(sk)->copied_seq != copied_seq)
		err = -EPROTO;
	release_sock(sk);
	return err;
}

static int accord_cmd_done(struct sk_buff *skb, struct genl_info *info)
{
	struct tls12_crypto_info_aes_gcm_128 tx, rx;
	struct accord_conn *c = accord_conn_for(info);
	struct file *held;
	unsigned long flags;
	bool ok = false;
	int err;

	if (IS_ERR(c))
		return PTR_ERR(c);
	if (!accord_valid_crypto(info->attrs[ACCORD_A_TLS_TX]) ||
	    !accord_valid_crypto(info->attrs[ACCORD_A_TLS_RX]) ||
	    !info->attrs[ACCORD_A_LOCAL_ID] || !info->attrs[ACCORD_A_PEER_ID]) {
		GENL_SET_ERR_MSG(info,
				 "DONE needs LOCAL_ID, PEER_ID and TLS 1.3 AES-GCM-128 TX and RX");
		accord_conn_put(c);
		return -EINVAL;
	}
	memcpy(&tx, nla_data(info->attrs[ACCORD_A_TLS_TX]), sizeof(tx));
	memcpy(&rx, nla_data(info->attrs[ACCORD_A_TLS_RX]), sizeof(rx));

	spin_lock_irqsave(&accord_lock, flags);
	if (c->state == ACCORD_STATE_PENDING && !c->file) {
		c->state = ACCORD_STATE_INSTALLING;
		nla_strscpy(c->local_id, info->attrs[ACCORD_A_LOCAL_ID], sizeof(c->local_id));
		nla_strscpy(c->peer_id, info->attrs[ACCORD_A_PEER_ID], sizeof(c->peer_id));
		ok = true;
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	if (!ok) {
		memzero_explicit(&tx, sizeof(tx));
		memzero_explicit(&rx, sizeof(rx));
		accord_conn_put(c);
		GENL_SET_ERR_MSG(info, "connection is not waiting for a verdict");
		return -EALREADY;
	}

	err = accord_install_ktls(c, &tx, &rx);
	memzero_explicit(&tx, sizeof(tx));
	memzero_explicit(&rx, sizeof(rx));
	if (err) {
		if (accord_mark_refused(c, err == -EPROTO ? "workload raced the kTLS install" :
					"kTLS install failed"))
			accord_abort(c);
		accord_conn_put(c);
		GENL_SET_ERR_MSG(info, "kTLS install failed; connection aborted");
		return err;
	}
	spin_lock_irqsave(&accord_lock, flags);
	if (c->state == ACCORD_STATE_INSTALLING) {
		c->state = ACCORD_STATE_READY;
		ok = true;
	} else {
		ok = false;
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	if (ok)
		atomic64_inc(&accord_pernet(c->net)->allowed);
	wake_up_all(&c->wq);
	accord_poke(c->sk);
	spin_lock_irqsave(&accord_lock, flags);
	held = c->held;
	c->held = NULL;
	spin_unlock_irqrestore(&accord_lock, flags);
	if (held)
		fput(held);
	accord_conn_put(c);
	return 0;
}

static int accord_cmd_refuse(struct sk_buff *skb, struct genl_info *info)
{
	struct accord_conn *c = accord_conn_for(info);
	char reason[ACCORD_REASON_MAX] = "refused by the agent";

	if (IS_ERR(c))
		return PTR_ERR(c);
	if (info->attrs[ACCORD_A_REASON])
		nla_strscpy(reason, info->attrs[ACCORD_A_REASON], sizeof(reason));
	if (accord_mark_refused(c, reason))
		accord_abort(c);
	accord_conn_put(c);
	return 0;
}

static int accord_fill_conn(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct accord_conn *c)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				&accord_family, NLM_F_MULTI, ACCORD_CMD_GET_CONN);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, ACCORD_A_ID, c->id, ACCORD_A_PAD) ||
	    nla_put_u8(skb, ACCORD_A_STATE, c->state) ||
	    nla_put_u8(skb, ACCORD_A_ROLE, c->role) ||
	    nla_put_u32(skb, ACCORD_A_TGID, c->tgid) ||
	    nla_put_u32(skb, ACCORD_A_UID, c->uid) ||
	    nla_put_in_addr(skb, ACCORD_A_SADDR, c->saddr) ||
	    nla_put_in_addr(skb, ACCORD_A_DADDR, c->daddr) ||
	    nla_put_u16(skb, ACCORD_A_SPORT, c->sport) ||
	    nla_put_u16(skb, ACCORD_A_DPORT, c->dport) ||
	    nla_put_string(skb, ACCORD_A_EXE, c->exe) ||
	    nla_put_string(skb, ACCORD_A_LOCAL_ID, c->local_id) ||
	    nla_put_string(skb, ACCORD_A_PEER_ID, c->peer_id) ||
	    nla_put_string(skb, ACCORD_A_REASON, c->reason)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int accord_dump_conns(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct accord_conn *c;
	unsigned long flags;
	long idx = 0, start = cb->args[0];

	spin_lock_irqsave(&accord_lock, flags);
	list_for_each_entry(c, &accord_all, all) {
		if (!net_eq(c->net, net))
			continue;
		if (idx >= start && accord_fill_conn(skb, cb, c))
			break;
		idx++;
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	cb->args[0] = idx;
	return skb->len;
}

static int accord_cmd_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct accord_net *an = accord_pernet(genl_info_net(info));
	struct sk_buff *reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &accord_family, 0, ACCORD_CMD_GET_STATS);
	if (!hdr ||
	    nla_put_u8(reply, ACCORD_A_MODE, READ_ONCE(an->mode)) ||
	    nla_put_u64_64bit(reply, ACCORD_A_ALLOWED, atomic64_read(&an->allowed), ACCORD_A_PAD) ||
	    nla_put_u64_64bit(reply, ACCORD_A_REFUSED, atomic64_read(&an->refused), ACCORD_A_PAD) ||
	    nla_put_u64_64bit(reply, ACCORD_A_DROPPED, atomic64_read(&an->dropped), ACCORD_A_PAD) ||
	    nla_put_u32(reply, ACCORD_A_MISSED,
			accord_connect_probe.nmissed + accord_accept_probe.nmissed)) {
		nlmsg_free(reply);
		return -EMSGSIZE;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

static const struct genl_ops accord_ops[] = {
	{ .cmd = ACCORD_CMD_REGISTER, .doit = accord_cmd_register, .flags = GENL_ADMIN_PERM },
	{ .cmd = ACCORD_CMD_SET_POLICY, .doit = accord_cmd_set_policy, .flags = GENL_ADMIN_PERM },
	{ .cmd = ACCORD_CMD_ACCEPT, .doit = accord_cmd_accept, .flags = GENL_ADMIN_PERM },
	{ .cmd = ACCORD_CMD_DONE, .doit = accord_cmd_done, .flags = GENL_ADMIN_PERM },
	{ .cmd = ACCORD_CMD_REFUSE, .doit = accord_cmd_refuse, .flags = GENL_ADMIN_PERM },
	{ .cmd = ACCORD_CMD_GET_CONN, .dumpit = accord_dump_conns, .flags = GENL_ADMIN_PERM },
	{ .cmd = ACCORD_CMD_GET_STATS, .doit = accord_cmd_stats, .flags = GENL_ADMIN_PERM },
};

static struct genl_family accord_family __ro_after_init = {
	.name = ACCORD_GENL_NAME,
	.version = ACCORD_GENL_VERSION,
	.maxattr = ACCORD_A_MAX,
	.policy = accord_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = accord_ops,
	.n_ops = ARRAY_SIZE(accord_ops),
	.resv_start_op = ACCORD_CMD_MAX + 1,
};

/* ---- agent death and housekeeping -------------------------------------- */

/* Refuses a parked connection and queues its abort; the caller holds accord_lock. */
static void accord_refuse_locked(struct accord_conn *c, const char *reason)
{
	c->state = ACCORD_STATE_REFUSED;
	strscpy(c->reason, reason, sizeof(c->reason));
	refcount_inc(&c->ref);
	if (!queue_work(accord_wq, &c->abort_work))
		refcount_dec(&c->ref);
	wake_up_all(&c->wq);
	atomic64_inc(&accord_pernet(c->net)->refused);
}

static void accord_refuse_net(struct net *net, const char *reason)
{
	struct accord_conn *c;
	unsigned long flags;

	spin_lock_irqsave(&accord_lock, flags);
	list_for_each_entry(c, &accord_all, all) {
		if (net_eq(c->net, net) && c->state == ACCORD_STATE_PENDING)
			accord_refuse_locked(c, reason);
	}
	spin_unlock_irqrestore(&accord_lock, flags);
}

static int accord_netlink_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct accord_net *an;
	unsigned long flags;
	bool was_agent = false;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC || !n->portid)
		return NOTIFY_DONE;
	an = accord_pernet(n->net);
	spin_lock_irqsave(&an->lock, flags);
	if (an->agent_portid == n->portid) {
		an->agent_portid = 0;
		an->agent_tgid = 0;
		was_agent = true;
	}
	spin_unlock_irqrestore(&an->lock, flags);
	/* The mode and ports stay: covered sockets are refused until an agent returns. */
	if (was_agent)
		accord_refuse_net(n->net, "agent gone");
	return NOTIFY_DONE;
}

static struct notifier_block accord_netlink_nb = {
	.notifier_call = accord_netlink_event,
};

static void accord_gc(struct work_struct *work)
{
	struct accord_conn *c, *tmp;
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&accord_lock, flags);
	list_for_each_entry_safe(c, tmp, &accord_all, all) {
		if (c->state == ACCORD_STATE_PENDING &&
		    time_after(jiffies, c->created + ACCORD_PENDING_TIMEOUT)) {
			accord_refuse_locked(c, "handshake timed out");
			continue;
		}
		/* A closed socket may still send its queued records: wait for TCP_CLOSE. */
		if (c->state != ACCORD_STATE_INSTALLING &&
		    (c->detached || (sock_flag(c->sk, SOCK_DEAD) &&
				     READ_ONCE(c->sk->sk_state) == TCP_CLOSE)) &&
		    refcount_read(&c->ref) == 1 && !work_pending(&c->abort_work)) {
			if (!c->detached)
				hash_del(&c->by_sk);
			list_move(&c->all, &dead);
		}
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	list_for_each_entry_safe(c, tmp, &dead, all) {
		list_del(&c->all);
		accord_restore_prot(c);
		accord_conn_put(c);
	}
	queue_delayed_work(accord_wq, &accord_gc_work, ACCORD_GC_PERIOD);
}

static int __init accord_init(void)
{
	int err;

	memcpy(&accord_prot, &tcp_prot, sizeof(accord_prot));
	accord_prot.sendmsg = accord_sendmsg;
	accord_prot.recvmsg = accord_recvmsg;
	accord_prot.setsockopt = accord_setsockopt;
	accord_prot.disconnect = accord_disconnect;
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
	accord_prot.sendpage = accord_sendpage;
#endif
	accord_wq = alloc_workqueue("accord", WQ_UNBOUND, 0);
	if (!accord_wq)
		return -ENOMEM;
	err = register_pernet_subsys(&accord_net_ops);
	if (err)
		goto out_wq;
	err = genl_register_family(&accord_family);
	if (err)
		goto out_pernet;
	err = netlink_register_notifier(&accord_netlink_nb);
	if (err)
		goto out_genl;
	err = register_kretprobe(&accord_connect_probe);
	if (err)
		goto out_notifier;
	err = register_kretprobe(&accord_accept_probe);
	if (err)
		goto out_connect;
	queue_delayed_work(accord_wq, &accord_gc_work, ACCORD_GC_PERIOD);
	pr_info("accord: loaded; per-namespace policy comes from the node agent\n");
	return 0;

out_connect:
	unregister_kretprobe(&accord_connect_probe);
out_notifier:
	netlink_unregister_notifier(&accord_netlink_nb);
out_genl:
	genl_unregister_family(&accord_family);
out_pernet:
	unregister_pernet_subsys(&accord_net_ops);
out_wq:
	destroy_workqueue(accord_wq);
	return err;
}

static void __exit accord_exit(void)
{
	struct accord_conn *c, *tmp;
	unsigned long flags;
	LIST_HEAD(all);

	unregister_kretprobe(&accord_accept_probe);
	unregister_kretprobe(&accord_connect_probe);
	netlink_unregister_notifier(&accord_netlink_nb);
	genl_unregister_family(&accord_family);
	unregister_pernet_subsys(&accord_net_ops);
	cancel_delayed_work_sync(&accord_gc_work);
	flush_workqueue(accord_wq);
	/*
	 * The module is unloadable only when no socket uses accord_prot (each
	 * swap holds a module reference), so what is left are ready or refused
	 * connections running on kTLS or plain TCP: drop our references only.
	 */
	spin_lock_irqsave(&accord_lock, flags);
	list_for_each_entry_safe(c, tmp, &accord_all, all) {
		if (!c->detached)
			hash_del(&c->by_sk);
		list_move(&c->all, &all);
	}
	spin_unlock_irqrestore(&accord_lock, flags);
	list_for_each_entry_safe(c, tmp, &all, all) {
		list_del(&c->all);
		WARN_ON_ONCE(c->module_ref);
		accord_conn_put(c);
	}
	while (atomic_read(&accord_inflight))
		msleep(10);
	/* No task may still be between loading an accord_prot pointer and its last instruction. */
	synchronize_rcu_tasks();
	destroy_workqueue(accord_wq);
	pr_info("accord: unloaded\n");
}

module_init(accord_init);
module_exit(accord_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("Accord");
MODULE_DESCRIPTION("Kernel-enforced mutual TLS between SPIFFE trust domains (kTLS)");
