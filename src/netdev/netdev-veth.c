/* netdev-veth.c - the "veth" provider: creates a veth pair whose peer lives
 * (up, tx checksum offload off) in a named network namespace, then does packet
 * I/O on our end (IPv6 off, host stack detached) through AF_PACKET. */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "netdev/netdev-afpacket.h"
#include "netdev/netlink.h"

#define VLOG_MODULE "netdev_veth"

static int netdev_veth_check(const struct netdev_args *args, struct errmsg *err)
{
	int error;

	if (!args->peer)
		return errmsg_set(err, -EINVAL, "port %s: type veth requires option 'peer'",
		                  args->name);
	error = name_check(args->peer, "peer name", err);
	if (error)
		return error;
	if (args->netns) {
		error = name_check(args->netns, "netns name", err);
		if (error)
			return error;
	}
	if (!strcmp(args->peer, args->name))
		return errmsg_set(err, -EINVAL, "port %s: peer name must differ from the port name",
		                  args->name);
	return 0;
}

/* Opens /run/netns/NAME (as 'ip netns add' creates it). */
static int veth_netns_open(const char *netns, struct errmsg *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int error = -errno;

		if (error == -ENOENT)
			return errmsg_set(err, error, "netns %s: no such network namespace", netns);
		return errmsg_set(err, error, "netns %s: cannot open: %s", netns, strerror(errno));
	}
	return fd;
}

/* Moves the calling thread into 'nsfd'; '*saved' gets the way back. */
static int veth_netns_enter(int nsfd, int *saved)
{
	int error;

	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		error = -errno;
		close(*saved);
		return error;
	}
	return 0;
}

static void veth_netns_leave(int saved)
{
	if (setns(saved, CLONE_NEWNET) < 0) {
		/* Going on in the wrong namespace would misconfigure everything. */
		VLOG_ERR("cannot return to the original network namespace: %s", strerror(errno));
		abort();
	}
	close(saved);
}

/* Whether a device called 'name' exists in 'nsfd' (-1: here). */
static bool veth_dev_exists(const char *name, int nsfd)
{
	struct nl_link_info info;
	bool exists;
	int saved;

	if (nsfd < 0)
		return nl_link_get(name, &info) == 0;
	if (veth_netns_enter(nsfd, &saved))
		return false;
	exists = nl_link_get(name, &info) == 0;
	veth_netns_leave(saved);
	return exists;
}

/* Brings the peer up in its namespace and turns off its tx checksum offload
 * (and with it TSO): otherwise the frames its stack sends reach us through
 * AF_PACKET with checksums still to be filled in, or as 64 KiB super-frames,
 * and could not be forwarded.  Only failing to bring it up is an error. */
static int veth_peer_setup(const char *port, const char *peer, int nsfd, struct errmsg *err)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_STXCSUM, .data = 0};
	struct nl_link_info info;
	int saved = -1, sock, error;

	if (nsfd >= 0) {
		error = veth_netns_enter(nsfd, &saved);
		if (error)
			return errmsg_set(err, error, "port %s: cannot enter netns of %s: %s", port,
			                  peer, strerror(-error));
	}
	error = nl_link_bring_up(peer, &info);
	if (error) {
		errmsg_set(err, error, "port %s: cannot bring peer %s up: %s", port, peer,
		           strerror(-error));
		goto out;
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock >= 0) {
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", peer);
		ifr.ifr_data = (void *)&ev;
		if (ioctl(sock, SIOCETHTOOL, &ifr) < 0)
			VLOG_WARN("port %s: cannot turn off tx checksum offload on %s: %s", port,
			          peer, strerror(errno));
		close(sock);
	}
out:
	if (saved >= 0)
		veth_netns_leave(saved);
	return error;
}

/* Our end belongs to the switch: the host must not send router solicitations
 * or NDP through it (the tc drop only stops what arrives).  The peer, the
 * namespace's interface, keeps IPv6. */
static void veth_host_ipv6_off(const char *name)
{
	int error = netdev_afpacket_disable_ipv6(name);

	if (error)
		VLOG_WARN("port %s: cannot disable IPv6 on the device: %s", name, strerror(-error));
}

static int netdev_veth_construct(struct netdev *dev, const struct netdev_args *args,
                                 unsigned int flags, struct errmsg *err)
{
	const char *in_ns = args->netns ? " in netns " : "";
	const char *ns = args->netns ? args->netns : "";
	struct nl_link_info info;
	bool created = false;
	int nsfd = -1;
	int error;

	if (args->netns) {
		nsfd = veth_netns_open(args->netns, err);
		if (nsfd < 0)
			return nsfd;
	}

	error = nl_link_get(dev->name, &info);
	if (!error) {
		if (!(flags & NETDEV_OPEN_REUSE)) {
			error = errmsg_set(err, -EEXIST,
			                   "port %s: a device named %s already exists", dev->name,
			                   dev->name);
			goto out;
		}
		if (!veth_dev_exists(args->peer, nsfd)) {
			error = errmsg_set(
			        err, -ENODEV,
			        "port %s: device %s exists but its peer %s is missing%s%s",
			        dev->name, dev->name, args->peer, in_ns, ns);
			goto out;
		}
	} else if (error == -ENODEV) {
		if (veth_dev_exists(args->peer, nsfd)) {
			error = errmsg_set(err, -EEXIST,
			                   "port %s: a device named %s already exists%s%s",
			                   dev->name, args->peer, in_ns, ns);
			goto out;
		}
		error = nl_veth_create(dev->name, args->peer, nsfd);
		if (error == -EEXIST) {
			error = errmsg_set(err, error,
			                   "port %s: a device named %s or %s already exists",
			                   dev->name, dev->name, args->peer);
			goto out;
		} else if (error) {
			error = errmsg_set(err, error, "port %s: cannot create veth pair: %s",
			                   dev->name, strerror(-error));
			goto out;
		}
		created = true;
	} else {
		error = errmsg_set(err, error, "port %s: cannot query device: %s", dev->name,
		                   strerror(-error));
		goto out;
	}

	error = veth_peer_setup(dev->name, args->peer, nsfd, err);
	if (!error)
		veth_host_ipv6_off(dev->name);
	if (!error)
		error = netdev_afpacket_attach(dev, err);
	if (error && created && !nl_link_get(dev->name, &info))
		nl_link_del(info.ifindex);
out:
	if (nsfd >= 0)
		close(nsfd);
	return error;
}

static void netdev_veth_destruct(struct netdev *dev, bool remove)
{
	int error;

	netdev_afpacket_detach(dev);
	if (remove) {
		/* Deleting our end deletes the peer too, wherever it lives. */
		error = nl_link_del(dev->ifindex);
		if (error && error != -ENODEV)
			VLOG_WARN("port %s: cannot delete veth pair: %s", dev->name,
			          strerror(-error));
	}
}

const struct netdev_class netdev_veth_class = {
        .type = "veth",
        .check = netdev_veth_check,
        .construct = netdev_veth_construct,
        .destruct = netdev_veth_destruct,
        .rx_batch = netdev_afpacket_rx_batch,
        .tx_batch = netdev_afpacket_tx_batch,
        .get_fd = netdev_afpacket_get_fd,
        .get_stats = netdev_afpacket_get_stats,
};
