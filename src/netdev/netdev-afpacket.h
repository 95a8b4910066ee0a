/* netdev-afpacket.h - AF_PACKET packet I/O shared by the system, veth and tap
 * providers, and the provider classes netdev.c dispatches to.
 *
 * Internal to src/netdev.  One AF_PACKET socket per port: a TPACKET_V3 mmap
 * rx ring (frames stay in the ring until the next rx call) and batched tx
 * with sendmmsg() (frames are copied into the kernel, so the caller's buffers
 * and the rx ring can be reused at once). */
#ifndef PB_NETDEV_AFPACKET_H
#define PB_NETDEV_AFPACKET_H

#include "netdev/netdev-provider.h"

extern const struct netdev_class netdev_system_class;
extern const struct netdev_class netdev_veth_class;
extern const struct netdev_class netdev_tap_class;
extern const struct netdev_class netdev_internal_class;

/* Attaches 'dev' (dev->name must be set) to the existing kernel device of that
 * name: installs the tc ingress drop that keeps the host stack from handling
 * frames arriving on it (netlink.h: nl_tc_drop_install), brings it up, opens
 * the socket and ring, joins promiscuous mode, and sets dev->ifindex and
 * dev->priv.  -ENODEV ("port p9: no such network device") or another -errno
 * with 'err' filled; nothing is left open or installed then. */
int netdev_afpacket_attach(struct netdev *dev, struct errmsg *err);

/* Closes what netdev_afpacket_attach() opened and removes its tc drop (and
 * the clsact qdisc if it created it).  dev->priv may be NULL. */
void netdev_afpacket_detach(struct netdev *dev);

/* Turns IPv6 off on the device 'name' (net.ipv6.conf.NAME.disable_ipv6), so
 * that the host sends no router solicitations or NDP through a device that
 * Patchbay created for a port.  0 (also when the kernel has no IPv6) or
 * -errno. */
int netdev_afpacket_disable_ipv6(const char *name);

/* The class operations for a netdev attached by netdev_afpacket_attach(). */
int netdev_afpacket_rx_batch(struct netdev *dev, struct pkt_batch *batch);
int netdev_afpacket_tx_batch(struct netdev *dev, struct pkt *const *pkts, int n);
int netdev_afpacket_get_fd(const struct netdev *dev);
void netdev_afpacket_get_stats(const struct netdev *dev, struct netdev_stats *stats);

/* TAP helpers (netdev-tap.c), shared with the internal provider. */

/* Opens /dev/net/tun attached to the TAP device 'name' (IFF_TAP|IFF_NO_PI),
 * creating it unless it exists.  With 'excl' an existing device is -EEXIST.
 * An existing device that is not a TAP is -EINVAL.  Returns the fd (>= 0,
 * close-on-exec, 'nonblock' as asked) or -errno. */
int netdev_tap_open(const char *name, bool excl, bool nonblock);

/* Makes the TAP 'name' (un)persistent through 'fd' from netdev_tap_open(). */
int netdev_tap_set_persist(int fd, bool persist);

/* Deletes the persistent TAP 'name'.  -EBUSY if another process (a VM) still
 * has it open. */
int netdev_tap_delete(const char *name);

#endif
