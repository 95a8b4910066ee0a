/* netdev-internal.c - the "internal" provider: a host-stack interface backed
 * by a persistent TAP whose fd the switch holds.  What the host sends out of
 * it is read from the fd; what the switch transmits is written to the fd. */
#include <errno.h>
#include <net/if.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "netdev/netdev-afpacket.h"
#include "netdev/netlink.h"

#define VLOG_MODULE "netdev_internal"

/* Writable room before each received frame (for VLAN pushes). */
#define INTERNAL_HEADROOM 64
/* One byte more than we accept, so that oversize frames can be seen. */
#define INTERNAL_BUF_LEN (INTERNAL_HEADROOM + PKT_MAX_LEN + 1)

struct netdev_internal {
	int fd;        /* the TAP, nonblocking */
	uint8_t *bufs; /* PKT_BATCH_MAX rx buffers of INTERNAL_BUF_LEN */
};

static int netdev_internal_construct(struct netdev *dev, const struct netdev_args *args,
                                     unsigned int flags, struct errmsg *err)
{
	struct netdev_internal *in;
	struct nl_link_info info;
	bool created = false;
	int error, fd;

	error = nl_link_get(dev->name, &info);
	if (!error && !(flags & NETDEV_OPEN_REUSE))
		return errmsg_set(err, -EEXIST, "port %s: a device named %s already exists",
		                  dev->name, dev->name);
	if (error && error != -ENODEV)
		return errmsg_set(err, error, "port %s: cannot query device: %s", dev->name,
		                  strerror(-error));

	fd = netdev_tap_open(dev->name, error == -ENODEV, true);
	if (fd == -EEXIST)
		return errmsg_set(err, fd, "port %s: a device named %s already exists", dev->name,
		                  dev->name);
	if (fd == -EINVAL)
		return errmsg_set(err, fd, "port %s: device %s exists and is not a tap", dev->name,
		                  dev->name);
	if (fd == -EBUSY)
		return errmsg_set(err, fd, "port %s: tap %s is in use by another process",
		                  dev->name, dev->name);
	if (fd < 0)
		return errmsg_set(err, fd, "port %s: cannot open tap device: %s", dev->name,
		                  strerror(-fd));
	created = error == -ENODEV;

	/* Persistent, so that addresses on it survive a daemon restart. */
	error = netdev_tap_set_persist(fd, true);
	if (error) {
		errmsg_set(err, error, "port %s: cannot make tap persistent: %s", dev->name,
		           strerror(-error));
		goto out;
	}
	error = nl_link_bring_up(dev->name, &info);
	if (error) {
		errmsg_set(err, error, "port %s: cannot bring device up: %s", dev->name,
		           strerror(-error));
		goto out;
	}

	in = xzalloc(sizeof(*in));
	in->fd = fd;
	in->bufs = xmalloc((size_t)PKT_BATCH_MAX * INTERNAL_BUF_LEN);
	dev->ifindex = info.ifindex;
	dev->priv = in;
	return 0;

out:
	if (created)
		netdev_tap_set_persist(fd, false);
	close(fd);
	return error;
}

static void netdev_internal_destruct(struct netdev *dev, bool remove)
{
	struct netdev_internal *in = dev->priv;

	if (!in)
		return;
	/* Not persistent any more: the device goes away when we close. */
	if (remove && netdev_tap_set_persist(in->fd, false))
		VLOG_WARN("port %s: cannot delete internal device: %s", dev->name, strerror(errno));
	close(in->fd);
	free(in->bufs);
	free(in);
	dev->priv = NULL;
}

static int netdev_internal_rx_batch(struct netdev *dev, struct pkt_batch *batch)
{
	struct netdev_internal *in = dev->priv;
	uint64_t bytes = 0, errors = 0;
	uint32_t count = 0;
	int error = 0;

	while (count < PKT_BATCH_MAX) {
		uint8_t *buf = in->bufs + (size_t)count * INTERNAL_BUF_LEN;
		ssize_t n = read(in->fd, buf + INTERNAL_HEADROOM, PKT_MAX_LEN + 1);
		struct pkt *p;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EFAULT || errno == EMSGSIZE || errno == EINVAL) {
				errors++; /* a frame too big for the buffer, gone */
				continue;
			}
			if (errno != EAGAIN)
				error = -errno;
			break;
		}
		if (n < 14 || n > PKT_MAX_LEN) {
			errors++;
			continue;
		}
		p = &batch->pkts[count++];
		p->data = buf + INTERNAL_HEADROOM;
		p->len = (uint32_t)n;
		p->headroom = INTERNAL_HEADROOM;
		p->pad = 0;
		bytes += (uint64_t)n;
	}

	batch->count = count;
	netdev_count_rx(dev, count, bytes, errors);
	return count ? (int)count : error;
}

static int netdev_internal_tx_batch(struct netdev *dev, struct pkt *const *pkts, int n)
{
	struct netdev_internal *in = dev->priv;
	uint64_t bytes = 0, errors = 0, dropped = 0;
	int sent = 0;

	for (int i = 0; i < n; i++) {
		const struct pkt *p = pkts[i];
		ssize_t r;

		if (p->len < 14 || p->len > PKT_MAX_LEN) {
			errors++;
			continue;
		}
		do {
			r = write(in->fd, p->data, p->len);
		} while (r < 0 && errno == EINTR);
		if (r == (ssize_t)p->len) {
			sent++;
			bytes += p->len;
		} else if (r < 0 && (errno == EAGAIN || errno == ENOBUFS || errno == ENOMEM)) {
			dropped++;
		} else {
			errors++;
		}
	}

	netdev_count_tx(dev, (uint64_t)sent, bytes, dropped, errors);
	return sent;
}

static int netdev_internal_get_fd(const struct netdev *dev)
{
	const struct netdev_internal *in = dev->priv;

	return in->fd;
}

const struct netdev_class netdev_internal_class = {
        .type = "internal",
        .check = NULL,
        .construct = netdev_internal_construct,
        .destruct = netdev_internal_destruct,
        .rx_batch = netdev_internal_rx_batch,
        .tx_batch = netdev_internal_tx_batch,
        .get_fd = netdev_internal_get_fd,
        .get_stats = NULL,
};
