/* netlink.h - rtnetlink helpers (libmnl) for the netdev providers: query a
 * link, bring it up, create a veth pair, delete a link, and install/remove the
 * tc ingress drop that keeps the host's own stack off a switch port; and the
 * request/ACK plumbing (nl_transact) that route.c shares.
 *
 * Internal to src/netdev.  Each call opens its own NETLINK_ROUTE socket in the
 * calling thread's network namespace, so callers may switch namespaces with
 * setns() around a call.  Control thread only (but nl_transact).  All return 0 or a negative
 * errno (the kernel's answer, e.g. -EEXIST, -ENODEV). */
#ifndef PB_NETDEV_NETLINK_H
#define PB_NETDEV_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

struct nlmsghdr;

/* Size of a request or reply buffer. */
#define NL_BUF_SIZE 8192

/* Sends 'nlh' (in a buffer of NL_BUF_SIZE bytes, built with libmnl; the
 * request and ACK flags and the sequence number are set here) on a socket of
 * its own and runs 'cb' (a libmnl mnl_cb_t) on the replies until the ACK or
 * an error arrives.  Any thread. */
int nl_transact(struct nlmsghdr *nlh, int (*cb)(const struct nlmsghdr *nlh, void *data),
                void *data);

/* What RTM_GETLINK says about one device. */
struct nl_link_info {
	int ifindex;
	unsigned int flags; /* IFF_* from ifinfomsg (IFF_UP, IFF_RUNNING, ...) */
	int mtu;
	uint8_t mac[6];
	bool has_mac;
};

/* Looks up the device called 'name'.  -ENODEV if there is none. */
int nl_link_get(const char *name, struct nl_link_info *info);

/* Sets IFF_UP on the device with 'ifindex'. */
int nl_link_set_up(int ifindex);
/* Looks up the device called 'name' (into 'info') and sets IFF_UP on it if
 * it is down. */
int nl_link_bring_up(const char *name, struct nl_link_info *info);
/* Sets (up) or clears IFF_UP on the device with 'ifindex'. */
int nl_link_set_admin(int ifindex, bool up);

/* Creates a veth pair: 'name' here, 'peer' in the namespace 'peer_netns_fd'
 * (an open /run/netns/NAME, or -1 to keep it here).  Both ends are down. */
int nl_veth_create(const char *name, const char *peer, int peer_netns_fd);

/* Deletes the device with 'ifindex' (for a veth, both ends). */
int nl_link_del(int ifindex);

/* The host-stack drop.  AF_PACKET taps see a received frame before tc
 * ingress runs, so a filter that drops everything at ingress leaves the switch
 * its frames while the host's own stack (ARP, IPv4, IPv6) never sees them.
 *
 * The filter is a cls_bpf filter in direct-action mode running a two
 * instruction program that returns TC_ACT_SHOT (this needs only
 * CONFIG_NET_CLS_BPF and the bpf() syscall, not matchall/gact), on the
 * ingress hook of a clsact (or an existing ingress) qdisc.  It is recognised
 * by its fixed priority and handle (NL_TC_DROP_PRIO, NL_TC_DROP_HANDLE) and
 * its name ("patchbay-drop"; "patchbay-drop+clsact" when Patchbay created the
 * qdisc too, so that a daemon restarted after a crash still knows whether the
 * qdisc is its own).  'tc -s qdisc show dev X ingress' counts the drops. */
#define NL_TC_DROP_PRIO   0x7062 /* "pb" */
#define NL_TC_DROP_HANDLE 0x7062

/* Installs the drop on 'ifindex'.  Uses the clsact/ingress qdisc already
 * there or creates a clsact qdisc; replaces a drop filter of ours left behind
 * by an earlier run.  '*owns_qdisc' tells whether the qdisc is ours (created
 * now or by the run that installed the replaced filter).  On failure nothing
 * of ours is left on the device (a stale filter of ours is removed too);
 * -EBUSY if a filter that is not ours holds our priority. */
int nl_tc_drop_install(int ifindex, bool *owns_qdisc);

/* Removes our drop filter from 'ifindex' and, if 'owns_qdisc', the qdisc.
 * A filter or qdisc that is already gone is not an error. */
int nl_tc_drop_remove(int ifindex, bool owns_qdisc);

#endif
