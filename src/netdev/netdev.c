/* netdev.c - the generic side of a port: argument checks, open/close,
 * counters, and dispatch to the provider class chosen by the port type. */
#include "netdev/netdev.h"

#include <errno.h>
#include <net/if.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "netdev/netdev-afpacket.h"
#include "netdev/netdev-tun.h"
#include "netdev/netdev-tunnel.h"
#include "netdev/netlink.h"

static const struct netdev_class *const netdev_classes[] = {
        &netdev_system_class, &netdev_veth_class,   &netdev_tap_class, &netdev_internal_class,
        &netdev_vxlan_class,  &netdev_geneve_class, &netdev_gre_class, &netdev_tun_class,
};

static const struct netdev_class *netdev_class_find(const char *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(netdev_classes); i++)
		if (!strcmp(netdev_classes[i]->type, type))
			return netdev_classes[i];
	return NULL;
}

int netdev_args_check(const struct netdev_args *args, struct errmsg *err)
{
	const char *type = args->type ? args->type : "system";
	const struct netdev_class *class = netdev_class_find(type);
	int error;

	if (!class)
		return errmsg_set(err, -EINVAL,
		                  "unknown port type '%s' (allowed: system, veth, tap, internal, "
		                  "vxlan, geneve, gre, tun)",
		                  type);
	if (!args->name)
		return errmsg_set(err, -EINVAL, "port name is required");
	error = name_check(args->name, "port name", err);
	if (error)
		return error;
	if (args->options && args->options[0] && class != &netdev_vxlan_class &&
	    class != &netdev_geneve_class && class != &netdev_gre_class &&
	    class != &netdev_tun_class)
		return errmsg_set(err, -EINVAL, "port %s: type %s takes no options", args->name,
		                  type);
	if (class->check)
		return class->check(args, err);
	if (args->peer)
		return errmsg_set(err, -EINVAL,
		                  "port %s: option 'peer' is only allowed with type veth",
		                  args->name);
	if (args->netns)
		return errmsg_set(err, -EINVAL,
		                  "port %s: option 'netns' is only allowed with type veth",
		                  args->name);
	return 0;
}

int netdev_open(const struct netdev_args *args, unsigned int flags, struct netdev **out,
                struct errmsg *err)
{
	struct netdev *dev;
	int error;

	*out = NULL;
	error = netdev_args_check(args, err);
	if (error)
		return error;
	dev = xzalloc(sizeof(*dev));
	/* name_check() limits names to IFNAMSIZ - 1 bytes. */
	strncpy(dev->name, args->name, sizeof(dev->name) - 1);
	dev->class = netdev_class_find(args->type ? args->type : "system");
	error = dev->class->construct(dev, args, flags, err);
	if (error) {
		free(dev);
		return error;
	}
	*out = dev;
	return 0;
}

void netdev_close(struct netdev *dev, bool remove)
{
	if (!dev)
		return;
	dev->class->destruct(dev, remove);
	free(dev);
}

int netdev_rx_batch(struct netdev *dev, struct pkt_batch *batch)
{
	batch->tnl = NULL;
	return dev->class->rx_batch(dev, batch);
}

int netdev_tx_batch(struct netdev *dev, struct pkt *const *pkts, int n)
{
	return n > 0 ? dev->class->tx_batch(dev, pkts, n) : 0;
}

int netdev_tx_batch_tnl(struct netdev *dev, struct pkt *const *pkts,
                        const struct pkt_tnl *const *md, int n)
{
	if (n <= 0)
		return 0;
	if (dev->class->tx_batch_tnl)
		return dev->class->tx_batch_tnl(dev, pkts, md, n);
	return dev->class->tx_batch(dev, pkts, n);
}

unsigned netdev_tnl_flow_fields(const struct netdev *dev)
{
	return dev->class->tnl_flow_fields ? dev->class->tnl_flow_fields(dev) : 0;
}

int netdev_get_fd(const struct netdev *dev)
{
	return dev->class->get_fd(dev);
}

static uint64_t counter_read(const _Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void netdev_get_stats(const struct netdev *dev, struct netdev_stats *stats)
{
	const struct netdev_counters *c = &dev->counters;

	stats->rx_packets = counter_read(&c->rx_packets);
	stats->rx_bytes = counter_read(&c->rx_bytes);
	stats->rx_dropped = counter_read(&c->rx_dropped);
	stats->rx_errors = counter_read(&c->rx_errors);
	stats->tx_packets = counter_read(&c->tx_packets);
	stats->tx_bytes = counter_read(&c->tx_bytes);
	stats->tx_dropped = counter_read(&c->tx_dropped);
	stats->tx_errors = counter_read(&c->tx_errors);
	stats->tnl_tx_packet = stats->tnl_tx_kernel = 0;
	if (dev->class->get_stats)
		dev->class->get_stats(dev, stats);
}

const char *netdev_get_name(const struct netdev *dev)
{
	return dev->name;
}

const char *netdev_get_type(const struct netdev *dev)
{
	return dev->class->type;
}

int netdev_get_ifindex(const struct netdev *dev)
{
	return dev->ifindex;
}

int netdev_set_admin_up(struct netdev *dev, bool up)
{
	return nl_link_set_admin(dev->ifindex, up);
}

int netdev_get_mac(const struct netdev *dev, uint8_t mac[6])
{
	struct nl_link_info info;
	int error;

	if (dev->class->get_mac)
		return dev->class->get_mac(dev, mac);
	error = nl_link_get(dev->name, &info);
	if (error)
		return error;
	if (!info.has_mac)
		return -EOPNOTSUPP;
	memcpy(mac, info.mac, 6);
	return 0;
}

int netdev_get_mtu(const struct netdev *dev, int *mtu)
{
	struct nl_link_info info;
	int error;

	if (dev->class->get_mtu)
		return dev->class->get_mtu(dev, mtu);
	error = nl_link_get(dev->name, &info);
	if (!error)
		*mtu = info.mtu;
	return error;
}

enum netdev_link netdev_get_link(const struct netdev *dev)
{
	struct nl_link_info info;

	if (dev->class->get_link)
		return dev->class->get_link(dev);
	if (nl_link_get(dev->name, &info))
		return NETDEV_LINK_DOWN;
	return (info.flags & IFF_UP) && (info.flags & IFF_RUNNING) ? NETDEV_LINK_UP
	                                                           : NETDEV_LINK_DOWN;
}
