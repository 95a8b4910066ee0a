/* netdev.h - a switch port's packet I/O, independent of its kind.
 *
 * A netdev is one kernel network device as the switch sees it: it receives
 * and transmits batches of Ethernet frames and keeps counters.  The kind
 * ("system", "veth", "tap", "internal") is chosen by 'type' and implemented
 * by a provider (netdev-provider.h).
 *
 * Threads: netdev_open/netdev_close/netdev_get_* (except stats) run on the
 * control thread.  netdev_rx_batch/netdev_tx_batch run on exactly one
 * datapath thread at a time.  netdev_get_stats may run on any thread (the
 * counters are read with relaxed atomics and may be a batch behind). */
#ifndef PB_NETDEV_H
#define PB_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/packet.h"
#include "lib/util.h"

struct netdev;

/* What to open.  Strings are borrowed for the duration of the call. */
struct netdev_args {
	const char *name;  /* kernel device name, e.g. "p1" (required) */
	const char *type;  /* "system" (default when NULL), "veth", "tap", "internal" */
	const char *peer;  /* veth: name of the other end (required for veth) */
	const char *netns; /* veth: named netns (/run/netns/NAME) for the peer; NULL = stay */
	/* Type-specific options as "key=value,key=value" (vxlan, geneve, gre:
	 * remote_ip, local_ip, key, dst_port, ttl, tos; tun: mac, ip).  NULL or
	 * "" = none.  See docs/tunnels.md. */
	const char *options;
};

/* Flags for netdev_open(). */
enum {
	/* For the creating types (veth, tap, internal): if the kernel device
	 * already exists, attach to it instead of failing with -EEXIST.  Used
	 * when the daemon restores its configuration after a restart/crash. */
	NETDEV_OPEN_REUSE = 1 << 0,
};

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
	uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
	/* Tunnel ports only (0 for others): of tx_packets, the frames sent on
	 * the underlay device by AF_PACKET and those sent through the kernel's
	 * IP stack (raw socket).  See docs/tunnels.md. */
	uint64_t tnl_tx_packet, tnl_tx_kernel;
};

/* Link state as shown by 'pbctl show'. */
enum netdev_link { NETDEV_LINK_DOWN, NETDEV_LINK_UP };

/* Validates 'args' without touching the system: known type, valid names,
 * options required/allowed for the type.  0 or -EINVAL with 'err' filled. */
int netdev_args_check(const struct netdev_args *args, struct errmsg *err);

/* Opens (and for veth/tap/internal creates) the device, brings it up, puts it
 * in promiscuous mode and sets up packet I/O.  On failure nothing is left
 * behind: no kernel device this call created, no socket.  Returns 0 and
 * '*out', or a negative errno with 'err' filled ("port p1: no such device"). */
int netdev_open(const struct netdev_args *args, unsigned int flags, struct netdev **out,
                struct errmsg *err);

/* Closes 'dev' (NULL is fine).  If 'remove' is true the kernel device is
 * deleted when this netdev's type created it (veth pair, tap, internal):
 * that is del-port.  With 'remove' false (daemon shutdown) kernel devices
 * stay, so that namespaces keep their addresses across a restart. */
void netdev_close(struct netdev *dev, bool remove);

/* Receives up to PKT_BATCH_MAX frames into 'batch' without blocking.
 * Returns the count (0 = nothing ready) or a negative errno.  Frames stay
 * valid until the next netdev_rx_batch() on this netdev. */
int netdev_rx_batch(struct netdev *dev, struct pkt_batch *batch);

/* Queues 'n' frames for transmission and kicks the kernel once; frames that
 * do not fit are dropped and counted in tx_dropped.  The frames are copied,
 * the caller keeps ownership.  Returns the number sent. */
int netdev_tx_batch(struct netdev *dev, struct pkt *const *pkts, int n);

/* As netdev_tx_batch(), with the tunnel metadata each packet is sent with
 * ('md[i]' for 'pkts[i]', or 'md' NULL for none).  Ports that are not
 * tunnels ignore 'md'. */
int netdev_tx_batch_tnl(struct netdev *dev, struct pkt *const *pkts,
                        const struct pkt_tnl *const *md, int n);

/* Which tunnel fields an output to 'dev' takes from the packet's flow
 * (NETDEV_TNL_FROM_FLOW_*), so that translation can pass them; 0 for a port
 * that is not a tunnel. */
#define NETDEV_TNL_IS_TUNNEL     0x01u /* any tunnel port */
#define NETDEV_TNL_FROM_FLOW_KEY 0x02u /* key=flow: tun_id */
#define NETDEV_TNL_FROM_FLOW_DST 0x04u /* remote_ip=flow: tun_dst */
#define NETDEV_TNL_FROM_FLOW_OPT 0x08u /* geneve: the tun_gnv_* option */
unsigned netdev_tnl_flow_fields(const struct netdev *dev);

/* File descriptor that becomes readable (EPOLLIN) when rx_batch has work. */
int netdev_get_fd(const struct netdev *dev);

void netdev_get_stats(const struct netdev *dev, struct netdev_stats *stats);
const char *netdev_get_name(const struct netdev *dev);
const char *netdev_get_type(const struct netdev *dev);
int netdev_get_ifindex(const struct netdev *dev);
/* Current values, read from the kernel.  0 or -errno. */
int netdev_get_mac(const struct netdev *dev, uint8_t mac[6]);
int netdev_get_mtu(const struct netdev *dev, int *mtu);
enum netdev_link netdev_get_link(const struct netdev *dev);
/* Brings the device administratively up or down (OpenFlow port_mod
 * PORT_DOWN).  0 or -errno. */
int netdev_set_admin_up(struct netdev *dev, bool up);

#endif
