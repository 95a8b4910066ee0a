/* netlink.h - rtnetlink helpers (libmnl) for the netdev providers: query a
 * link, bring it up, create a veth pair, delete a link.
 *
 * Internal to src/netdev.  Each call opens its own NETLINK_ROUTE socket in the
 * calling thread's network namespace, so callers may switch namespaces with
 * setns() around a call.  Control thread only.  All return 0 or a negative
 * errno (the kernel's answer, e.g. -EEXIST, -ENODEV). */
#ifndef PB_NETDEV_NETLINK_H
#define PB_NETDEV_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

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

/* Creates a veth pair: 'name' here, 'peer' in the namespace 'peer_netns_fd'
 * (an open /run/netns/NAME, or -1 to keep it here).  Both ends are down. */
int nl_veth_create(const char *name, const char *peer, int peer_netns_fd);

/* Deletes the device with 'ifindex' (for a veth, both ends). */
int nl_link_del(int ifindex);

#endif
