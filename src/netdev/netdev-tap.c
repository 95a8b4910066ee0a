/* netdev-tap.c - the "tap" provider: a persistent TAP device that a VM opens
 * by name (QEMU -netdev tap,ifname=PORT,script=no); the switch does its
 * packet I/O through AF_PACKET on it.  Also the TAP helpers netdev-internal.c
 * uses. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "netdev/netdev-afpacket.h"
#include "netdev/netlink.h"

#define VLOG_MODULE "netdev_tap"

int netdev_tap_open(const char *name, bool excl, bool nonblock)
{
	struct ifreq ifr;
	int fd, error;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (excl ? IFF_TUN_EXCL : 0);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		error = -errno;
		close(fd);
		/* With IFF_TUN_EXCL the kernel says EBUSY for an existing name. */
		return excl && error == -EBUSY ? -EEXIST : error;
	}
	return fd;
}

int netdev_tap_set_persist(int fd, bool persist)
{
	return ioctl(fd, TUNSETPERSIST, persist ? 1UL : 0UL) < 0 ? -errno : 0;
}

int netdev_tap_delete(const char *name)
{
	int fd = netdev_tap_open(name, false, false);
	int error;

	if (fd < 0)
		return fd;
	/* Once not persistent, the device goes away with its last fd. */
	error = netdev_tap_set_persist(fd, false);
	close(fd);
	return error;
}

static int netdev_tap_construct(struct netdev *dev, const struct netdev_args *args,
                                unsigned int flags, struct errmsg *err)
{
	struct nl_link_info info;
	bool created = false;
	int error;

	error = nl_link_get(dev->name, &info);
	if (!error && !(flags & NETDEV_OPEN_REUSE))
		return errmsg_set(err, -EEXIST, "port %s: a device named %s already exists",
		                  dev->name, dev->name);
	if (error == -ENODEV) {
		int fd = netdev_tap_open(dev->name, true, false);

		if (fd == -EEXIST)
			return errmsg_set(err, fd, "port %s: a device named %s already exists",
			                  dev->name, dev->name);
		if (fd < 0)
			return errmsg_set(err, fd, "port %s: cannot create tap device: %s",
			                  dev->name, strerror(-fd));
		error = netdev_tap_set_persist(fd, true);
		close(fd);
		if (error)
			return errmsg_set(err, error, "port %s: cannot make tap persistent: %s",
			                  dev->name, strerror(-error));
		created = true;
	} else if (error) {
		return errmsg_set(err, error, "port %s: cannot query device: %s", dev->name,
		                  strerror(-error));
	}

	/* The device belongs to the switch and the VM behind it: the host must
	 * not send router solicitations or NDP through it. */
	error = netdev_afpacket_disable_ipv6(dev->name);
	if (error)
		VLOG_WARN("port %s: cannot disable IPv6 on the device: %s", dev->name,
		          strerror(-error));
	error = netdev_afpacket_attach(dev, err);
	if (error && created)
		netdev_tap_delete(dev->name);
	return error;
}

static void netdev_tap_destruct(struct netdev *dev, bool remove)
{
	int error;

	netdev_afpacket_detach(dev);
	if (remove) {
		error = netdev_tap_delete(dev->name);
		if (error == -EBUSY)
			VLOG_WARN("port %s: tap still in use (by a VM?), not deleted", dev->name);
		else if (error && error != -ENODEV)
			VLOG_WARN("port %s: cannot delete tap: %s", dev->name, strerror(-error));
	}
}

const struct netdev_class netdev_tap_class = {
        .type = "tap",
        .check = NULL,
        .construct = netdev_tap_construct,
        .destruct = netdev_tap_destruct,
        .rx_batch = netdev_afpacket_rx_batch,
        .tx_batch = netdev_afpacket_tx_batch,
        .get_fd = netdev_afpacket_get_fd,
        .get_stats = netdev_afpacket_get_stats,
};
