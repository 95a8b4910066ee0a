/* netdev-provider.h - the interface every port type implements.
 *
 * netdev.c owns 'struct netdev' (name, type, counters) and dispatches to a
 * 'struct netdev_class'.  A provider allocates its own state in 'construct'
 * and hangs it off netdev->priv.  One file per provider: netdev-afpacket.c
 * (AF_PACKET TPACKET_V3 I/O, used by system, veth and tap), netdev-veth.c,
 * netdev-tap.c, netdev-internal.c, netdev-tunnel.c (vxlan, geneve, gre),
 * netdev-tun.c (tun). */
#ifndef PB_NETDEV_PROVIDER_H
#define PB_NETDEV_PROVIDER_H

#include <stdatomic.h>

#include "netdev/netdev.h"

struct netdev_counters {
	_Atomic uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
	_Atomic uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};

struct netdev {
	char name[16];
	const struct netdev_class *class;
	int ifindex;
	void *priv; /* provider state */
	struct netdev_counters counters;
};

/* Adds to a counter (relaxed: the counters are statistics, not locks). */
static inline void netdev_counter_add(_Atomic uint64_t *c, uint64_t n)
{
	if (n)
		atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* Accounts one rx or tx batch: 'packets' frames of 'bytes' in all went
 * through, 'dropped' were dropped for lack of room, 'errors' were bad. */
static inline void netdev_count_rx(struct netdev *dev, uint64_t packets, uint64_t bytes,
                                   uint64_t errors)
{
	netdev_counter_add(&dev->counters.rx_packets, packets);
	netdev_counter_add(&dev->counters.rx_bytes, bytes);
	netdev_counter_add(&dev->counters.rx_errors, errors);
}

static inline void netdev_count_tx(struct netdev *dev, uint64_t packets, uint64_t bytes,
                                   uint64_t dropped, uint64_t errors)
{
	netdev_counter_add(&dev->counters.tx_packets, packets);
	netdev_counter_add(&dev->counters.tx_bytes, bytes);
	netdev_counter_add(&dev->counters.tx_dropped, dropped);
	netdev_counter_add(&dev->counters.tx_errors, errors);
}

struct netdev_class {
	const char *type;

	/* Checks type-specific arguments (e.g. veth needs 'peer').  May be NULL
	 * when the type takes no options.  0 or -EINVAL with 'err' filled. */
	int (*check)(const struct netdev_args *args, struct errmsg *err);

	/* Creates or attaches the device and its I/O.  On failure undoes all of
	 * its own work and returns -errno with 'err' filled.  Required. */
	int (*construct)(struct netdev *dev, const struct netdev_args *args, unsigned int flags,
	                 struct errmsg *err);

	/* Frees provider state; deletes the kernel device it created iff
	 * 'remove'.  Required. */
	void (*destruct)(struct netdev *dev, bool remove);

	/* See netdev_rx_batch / netdev_tx_batch / netdev_get_fd.  Required.
	 * Providers update dev->counters themselves. */
	int (*rx_batch)(struct netdev *dev, struct pkt_batch *batch);
	int (*tx_batch)(struct netdev *dev, struct pkt *const *pkts, int n);
	int (*get_fd)(const struct netdev *dev);

	/* Transmission with per-packet tunnel metadata ('md' may be NULL): see
	 * netdev_tx_batch_tnl().  May be NULL (tx_batch is used). */
	int (*tx_batch_tnl)(struct netdev *dev, struct pkt *const *pkts,
	                    const struct pkt_tnl *const *md, int n);
	/* NETDEV_TNL_* bits of this port.  May be NULL (not a tunnel). */
	unsigned (*tnl_flow_fields)(const struct netdev *dev);

	/* For ports without a kernel device of their name (tunnels): the
	 * values netdev_get_mac/mtu/link report.  May be NULL (the kernel
	 * device called dev->name is asked). */
	int (*get_mac)(const struct netdev *dev, uint8_t mac[6]);
	int (*get_mtu)(const struct netdev *dev, int *mtu);
	enum netdev_link (*get_link)(const struct netdev *dev);

	/* Adds kernel-side drop counters (e.g. TPACKET ring drops) to 'stats'.
	 * May be NULL. */
	void (*get_stats)(const struct netdev *dev, struct netdev_stats *stats);
};

#endif
