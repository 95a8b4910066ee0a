/* netdev-tun.c - the "tun" port type: IP packets of a kernel TUN device as
 * Ethernet frames on the switch, with ARP for the port's address answered
 * by the port (see netdev-tun.h). */
#include "netdev/netdev-tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/csum.h"
#include "lib/hash.h"
#include "lib/vlog.h"
#include "netdev/netdev-tunnel.h"
#include "netdev/netlink.h"

#define VLOG_MODULE "netdev_tun"

#define TUN_HEADROOM  64
#define TUN_BUF_LEN   (TUN_HEADROOM + 14 + PKT_MAX_LEN + 1)
#define TUN_NEIGH     64 /* learned IPv4 -> MAC entries */
#define TUN_REPLIES   32 /* generated frames waiting for rx */
#define TUN_ARP_LEN   42
#define TUN_IP_TTL_MS 1000

struct tun_neigh {
	uint32_t ip;
	uint8_t mac[6];
};

struct netdev_tun {
	int fd;  /* the TUN device, nonblocking */
	int efd; /* signalled when 'replies' has frames */
	int pfd; /* epoll over fd and efd */
	uint8_t mac[6];
	uint32_t ip;      /* option ip=, 0 = read from the device */
	uint32_t dev_ip;  /* the device's address, cached */
	uint64_t ip_read; /* when dev_ip was read (ms) */
	struct tun_neigh neigh[TUN_NEIGH];
	unsigned neigh_next;
	uint8_t *bufs; /* PKT_BATCH_MAX rx buffers */
	/* ARP replies produced by tx, delivered by the next rx. */
	uint8_t replies[TUN_REPLIES][TUN_HEADROOM + TUN_ARP_LEN];
	unsigned n_replies;
	uint8_t out[PKT_BATCH_MAX][TUN_HEADROOM + TUN_ARP_LEN]; /* handed out */
};

enum { TUN_OPT_MAC, TUN_OPT_IP, TUN_OPT_N };
static const char *const tun_opts[] = {"mac", "ip", NULL};

static int tun_parse(const struct netdev_args *args, uint8_t mac[6], uint32_t *ip,
                     struct errmsg *err)
{
	char v[TUN_OPT_N][NETDEV_OPT_VAL_MAX];
	int error;

	if (args->peer || args->netns)
		return errmsg_set(err, -EINVAL, "port %s: option '%s' is not allowed with type tun",
		                  args->name, args->peer ? "peer" : "netns");
	error = netdev_options_split(args->name, args->options, tun_opts, v, err);
	if (error)
		return error;
	if (v[TUN_OPT_MAC][0]) {
		if (eth_addr_parse(v[TUN_OPT_MAC], mac) || (mac[0] & 1) ||
		    !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
			return errmsg_set(
			        err, -EINVAL,
			        "port %s: mac: expected a unicast Ethernet address, got '%s'",
			        args->name, v[TUN_OPT_MAC]);
	} else {
		uint32_t h = hash_bytes(args->name, strlen(args->name), 0x7062);

		mac[0] = 0x02;
		mac[1] = 0x50;
		mac[2] = 0x42;
		mac[3] = (uint8_t)(h >> 16);
		mac[4] = (uint8_t)(h >> 8);
		mac[5] = (uint8_t)h;
	}
	*ip = 0;
	if (v[TUN_OPT_IP][0]) {
		struct in_addr a;

		if (inet_pton(AF_INET, v[TUN_OPT_IP], &a) != 1 || !a.s_addr)
			return errmsg_set(err, -EINVAL,
			                  "port %s: ip: expected an IPv4 address, got '%s'",
			                  args->name, v[TUN_OPT_IP]);
		*ip = ntohl(a.s_addr);
	}
	return 0;
}

static int tun_check(const struct netdev_args *args, struct errmsg *err)
{
	uint8_t mac[6];
	uint32_t ip;

	return tun_parse(args, mac, &ip, err);
}

static int tun_open(const char *name, bool excl)
{
	struct ifreq ifr;
	int fd, error;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (excl ? IFF_TUN_EXCL : 0);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		error = -errno;
		close(fd);
		return excl && error == -EBUSY ? -EEXIST : error;
	}
	return fd;
}

static void tun_free(struct netdev_tun *t)
{
	if (!t)
		return;
	if (t->pfd >= 0)
		close(t->pfd);
	if (t->efd >= 0)
		close(t->efd);
	if (t->fd >= 0)
		close(t->fd);
	free(t->bufs);
	free(t);
}

static int tun_construct(struct netdev *dev, const struct netdev_args *args, unsigned int flags,
                         struct errmsg *err)
{
	struct netdev_tun *t = xzalloc(sizeof *t);
	struct epoll_event ev = {.events = EPOLLIN};
	struct nl_link_info info;
	bool exists;
	int error;

	t->fd = t->efd = t->pfd = -1;
	error = tun_parse(args, t->mac, &t->ip, err);
	if (error)
		goto out;
	exists = !nl_link_get(dev->name, &info);
	if (exists && !(flags & NETDEV_OPEN_REUSE)) {
		error = errmsg_set(err, -EEXIST, "port %s: a device named %s already exists",
		                   dev->name, dev->name);
		goto out;
	}
	t->fd = tun_open(dev->name, !exists);
	if (t->fd < 0) {
		error = errmsg_set(err, t->fd,
		                   t->fd == -EINVAL ? "port %s: device %s exists and is not a tun"
		                                    : "port %s: cannot open tun device %s",
		                   dev->name, dev->name);
		t->fd = -1;
		goto out;
	}
	if (ioctl(t->fd, TUNSETPERSIST, 1UL) < 0) {
		error = errmsg_set(err, -errno, "port %s: cannot make tun persistent: %s",
		                   dev->name, strerror(errno));
		goto out;
	}
	error = nl_link_bring_up(dev->name, &info);
	if (error) {
		errmsg_set(err, error, "port %s: cannot bring device up: %s", dev->name,
		           strerror(-error));
		goto out_unpersist;
	}
	t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	t->pfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->efd < 0 || t->pfd < 0 || epoll_ctl(t->pfd, EPOLL_CTL_ADD, t->fd, &ev) < 0 ||
	    epoll_ctl(t->pfd, EPOLL_CTL_ADD, t->efd, &ev) < 0) {
		error = errmsg_set(err, -errno, "port %s: eventfd/epoll: %s", dev->name,
		                   strerror(errno));
		goto out_unpersist;
	}
	t->bufs = xmalloc((size_t)PKT_BATCH_MAX * TUN_BUF_LEN);
	dev->ifindex = info.ifindex;
	dev->priv = t;
	return 0;

out_unpersist:
	if (!exists)
		(void)ioctl(t->fd, TUNSETPERSIST, 0UL);
out:
	tun_free(t);
	return error;
}

static void tun_destruct(struct netdev *dev, bool remove)
{
	struct netdev_tun *t = dev->priv;

	if (t && remove && ioctl(t->fd, TUNSETPERSIST, 0UL) < 0)
		VLOG_WARN("port %s: cannot delete tun device: %s", dev->name, strerror(errno));
	tun_free(t);
	dev->priv = NULL;
}

/* The address ARP is answered for. */
static uint32_t tun_ip(struct netdev *dev, struct netdev_tun *t)
{
	uint64_t now;

	if (t->ip)
		return t->ip;
	now = time_msec();
	if (!t->ip_read || now - t->ip_read >= TUN_IP_TTL_MS) {
		struct ifreq ifr;
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		t->ip_read = now;
		t->dev_ip = 0;
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev->name);
		if (s >= 0 && ioctl(s, SIOCGIFADDR, &ifr) == 0)
			t->dev_ip = ntohl(
			        ((struct sockaddr_in *)(void *)&ifr.ifr_addr)->sin_addr.s_addr);
		if (s >= 0)
			close(s);
	}
	return t->dev_ip;
}

static void tun_learn(struct netdev_tun *t, uint32_t ip, const uint8_t mac[6])
{
	unsigned i;

	if (!ip || (mac[0] & 1))
		return;
	for (i = 0; i < TUN_NEIGH; i++)
		if (t->neigh[i].ip == ip)
			break;
	if (i == TUN_NEIGH) {
		i = t->neigh_next;
		t->neigh_next = (t->neigh_next + 1) % TUN_NEIGH;
	}
	t->neigh[i].ip = ip;
	memcpy(t->neigh[i].mac, mac, 6);
}

static void tun_lookup(const struct netdev_tun *t, uint32_t ip, uint8_t mac[6])
{
	for (unsigned i = 0; i < TUN_NEIGH; i++) {
		if (t->neigh[i].ip == ip && ip) {
			memcpy(mac, t->neigh[i].mac, 6);
			return;
		}
	}
	memset(mac, 0xff, 6);
}

static int tun_rx_batch(struct netdev *dev, struct pkt_batch *batch)
{
	struct netdev_tun *t = dev->priv;
	uint64_t bytes = 0, errors = 0, v;
	unsigned n = 0;

	if (read(t->efd, &v, sizeof v) < 0 && errno != EAGAIN)
		VLOG_DBG("eventfd read: %s", strerror(errno));
	/* Generated ARP replies first. */
	for (unsigned i = 0; i < t->n_replies && n < PKT_BATCH_MAX; i++, n++) {
		struct pkt *p = &batch->pkts[n];

		memcpy(t->out[n], t->replies[i], sizeof t->out[n]);
		p->data = t->out[n] + TUN_HEADROOM;
		p->len = TUN_ARP_LEN;
		p->headroom = TUN_HEADROOM;
		p->pad = 0;
		bytes += TUN_ARP_LEN;
	}
	t->n_replies = 0;
	while (n < PKT_BATCH_MAX) {
		uint8_t *buf = t->bufs + (size_t)n * TUN_BUF_LEN, *ip = buf + TUN_HEADROOM + 14;
		ssize_t r = read(t->fd, ip, PKT_MAX_LEN + 1);
		struct pkt *p = &batch->pkts[n];
		uint16_t type;

		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR)
				errors++;
			break;
		}
		if (r < 1 || r > PKT_MAX_LEN - 14) {
			errors++;
			continue;
		}
		if ((ip[0] >> 4) == 4 && r >= 20) {
			type = 0x0800;
			tun_lookup(t, pb_get_be32(ip + 16), buf + TUN_HEADROOM);
		} else if ((ip[0] >> 4) == 6 && r >= 40) {
			type = 0x86dd;
			if (ip[24] == 0xff) { /* multicast: 33:33 + low 32 bits */
				uint8_t *d = buf + TUN_HEADROOM;

				d[0] = d[1] = 0x33;
				memcpy(d + 2, ip + 36, 4);
			} else {
				memset(buf + TUN_HEADROOM, 0xff, 6);
			}
		} else {
			errors++;
			continue;
		}
		memcpy(buf + TUN_HEADROOM + 6, t->mac, 6);
		pb_put_be16(buf + TUN_HEADROOM + 12, type);
		p->data = buf + TUN_HEADROOM;
		p->len = (uint32_t)r + 14;
		p->headroom = TUN_HEADROOM;
		p->pad = 0;
		bytes += p->len;
		n++;
	}
	batch->count = n;
	netdev_count_rx(dev, n, bytes, errors);
	return (int)n;
}

/* Answers an ARP request for our address by queueing the reply for rx. */
static void tun_arp(struct netdev *dev, struct netdev_tun *t, const uint8_t *f, size_t len)
{
	const uint8_t *a = f + 14;
	uint32_t spa, tpa, me;
	uint8_t *r;
	uint64_t one = 1;

	if (len < TUN_ARP_LEN || pb_get_be16(a) != 1 || pb_get_be16(a + 2) != 0x0800 || a[4] != 6 ||
	    a[5] != 4)
		return;
	spa = pb_get_be32(a + 14);
	tpa = pb_get_be32(a + 24);
	tun_learn(t, spa, a + 8);
	me = tun_ip(dev, t);
	if (pb_get_be16(a + 6) != 1 || !me || tpa != me || t->n_replies == TUN_REPLIES)
		return;
	r = t->replies[t->n_replies++] + TUN_HEADROOM;
	memcpy(r, a + 8, 6); /* to the requester */
	memcpy(r + 6, t->mac, 6);
	pb_put_be16(r + 12, 0x0806);
	pb_put_be16(r + 14, 1);
	pb_put_be16(r + 16, 0x0800);
	r[18] = 6;
	r[19] = 4;
	pb_put_be16(r + 20, 2);
	memcpy(r + 22, t->mac, 6);
	pb_put_be32(r + 28, me);
	memcpy(r + 32, a + 8, 6);
	pb_put_be32(r + 38, spa);
	if (write(t->efd, &one, sizeof one) < 0 && errno != EAGAIN)
		VLOG_DBG("eventfd write: %s", strerror(errno));
}

static int tun_tx_batch(struct netdev *dev, struct pkt *const *pkts, int n)
{
	struct netdev_tun *t = dev->priv;
	uint64_t bytes = 0, dropped = 0, errors = 0, sent = 0;

	for (int i = 0; i < n; i++) {
		const uint8_t *f = pkts[i]->data;
		size_t len = pkts[i]->len, ofs = 14;
		uint16_t type;

		if (len < 14)
			continue;
		type = pb_get_be16(f + 12);
		if ((type == 0x8100 || type == 0x88a8) && len >= 18) {
			type = pb_get_be16(f + 16);
			ofs = 18;
		}
		if (type == 0x0806 && ofs == 14) {
			tun_arp(dev, t, f, len);
			continue;
		}
		if (type != 0x0800 && type != 0x86dd)
			continue;
		/* Unicast to someone else: not for this port (flooded). */
		if (!(f[0] & 1) && memcmp(f, t->mac, 6))
			continue;
		if (type == 0x0800 && len >= ofs + 20)
			tun_learn(t, pb_get_be32(f + ofs + 12), f + 6);
		if (write(t->fd, f + ofs, len - ofs) < 0) {
			if (errno == EAGAIN || errno == ENOBUFS)
				dropped++;
			else
				errors++;
			continue;
		}
		sent++;
		bytes += len;
	}
	netdev_count_tx(dev, sent, bytes, dropped, errors);
	return (int)sent;
}

static int tun_get_fd(const struct netdev *dev)
{
	const struct netdev_tun *t = dev->priv;

	return t->pfd;
}

static int tun_get_mac(const struct netdev *dev, uint8_t mac[6])
{
	const struct netdev_tun *t = dev->priv;

	memcpy(mac, t->mac, 6);
	return 0;
}

const struct netdev_class netdev_tun_class = {
        .type = "tun",
        .check = tun_check,
        .construct = tun_construct,
        .destruct = tun_destruct,
        .rx_batch = tun_rx_batch,
        .tx_batch = tun_tx_batch,
        .get_fd = tun_get_fd,
        .get_mac = tun_get_mac,
};
