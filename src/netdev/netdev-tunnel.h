/* netdev-tunnel.h - the userspace tunnel port types "vxlan", "geneve" and
 * "gre" (netdev-tunnel.c), and the "key=value,..." option parser they share
 * with the "tun" type.
 *
 * A tunnel port has no kernel device: it encapsulates what the switch sends
 * to it in an outer IPv4 (+UDP) header and sends the whole frame on the
 * underlay device (AF_PACKET, with its own cached route and neighbour
 * lookups) or, until the next hop is resolved (or with tx_path=kernel),
 * hands it to the host's IP stack through a raw IPv4 socket; it receives from a UDP socket (VXLAN,
 * Geneve) or a raw IPPROTO_GRE socket shared by every tunnel port of the daemon with the same
 * protocol and UDP port, demultiplexed by remote address and key. Design, options and counters:
 * docs/tunnels.md. */
#ifndef PB_NETDEV_TUNNEL_H
#define PB_NETDEV_TUNNEL_H

#include <stddef.h>

#include "lib/util.h"
#include "netdev/netdev-provider.h"

extern const struct netdev_class netdev_vxlan_class;
extern const struct netdev_class netdev_geneve_class;
extern const struct netdev_class netdev_gre_class;

#define NETDEV_OPT_VAL_MAX 64

/* Splits 'options' ("k=v,k=v"; NULL or "" = none) for port 'port'.  Each key
 * must be one of the NULL-terminated 'allowed' (at most once) with a
 * non-empty value shorter than NETDEV_OPT_VAL_MAX; vals[i] receives the
 * value of allowed[i] ("" when absent).  0 or -EINVAL with 'err' filled
 * ("port vx0: unknown option 'foo' (allowed: remote_ip, ...)"). */
int netdev_options_split(const char *port, const char *options, const char *const *allowed,
                         char (*vals)[NETDEV_OPT_VAL_MAX], struct errmsg *err);

#endif
