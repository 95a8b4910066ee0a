/* netdev-afpacket.c - AF_PACKET port I/O (TPACKET_V3 rx ring, sendmmsg tx)
 * shared by the system, veth and tap providers, with the tc ingress drop that
 * takes the port away from the host stack, and the "system" provider itself,
 * which attaches an existing kernel device by name. */
#include "netdev/netdev-afpacket.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "netdev/netlink.h"

#define VLOG_MODULE "netdev_afpacket"

/* Rx ring geometry: 32 blocks of 128 KiB (4 MiB).  A block is handed to us
 * when full or after AFP_BLOCK_TMO_MS, which bounds the added latency at low
 * rates (the kernel rounds the timeout up to a jiffy). */
#define AFP_BLOCK_SIZE   (128u * 1024)
#define AFP_BLOCK_NR     32u
#define AFP_FRAME_SIZE   2048u
#define AFP_BLOCK_TMO_MS 1u
/* Extra bytes the kernel leaves before each frame, so that VLAN tags can be
 * pushed in place. */
#define AFP_RESERVE 64
#define AFP_SNDBUF  (4 * 1024 * 1024)

struct afpacket {
	int fd;
	bool owns_qdisc; /* the tc drop's clsact qdisc is ours to delete */
	uint8_t *ring;
	size_t ring_size;

	/* Rx position.  'cur' is the block being read; 'left' frames remain in
	 * it starting at 'next' ('left' == 0: 'cur' not opened yet).  Blocks
	 * read to the end are handed back to the kernel at the start of the
	 * next rx call: 'n_release' blocks from 'release_first'. */
	unsigned int cur;
	uint32_t left;
	uint8_t *next;
	unsigned int release_first;
	unsigned int n_release;

	/* Kernel ring drops collected from PACKET_STATISTICS (which resets on
	 * every read). */
	_Atomic uint64_t kernel_drops;

	struct mmsghdr msgs[PKT_BATCH_MAX];
	struct iovec iovs[PKT_BATCH_MAX];
};

static struct tpacket_block_desc *afp_block(const struct afpacket *afp, unsigned int i)
{
	return (struct tpacket_block_desc *)(afp->ring + (size_t)i * AFP_BLOCK_SIZE);
}

static int afp_setsockopt_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) < 0 ? -errno : 0;
}

static void afp_close(struct afpacket *afp)
{
	if (!afp)
		return;
	if (afp->ring)
		munmap(afp->ring, afp->ring_size);
	if (afp->fd >= 0)
		close(afp->fd);
	free(afp);
}

static int afp_open(const char *name, int ifindex, struct afpacket **out, struct errmsg *err)
{
	struct tpacket_req3 req = {
	        .tp_block_size = AFP_BLOCK_SIZE,
	        .tp_block_nr = AFP_BLOCK_NR,
	        .tp_frame_size = AFP_FRAME_SIZE,
	        .tp_frame_nr = AFP_BLOCK_SIZE / AFP_FRAME_SIZE * AFP_BLOCK_NR,
	        .tp_retire_blk_tov = AFP_BLOCK_TMO_MS,
	};
	struct sockaddr_ll sll = {
	        .sll_family = AF_PACKET,
	        .sll_protocol = htons(ETH_P_ALL),
	        .sll_ifindex = ifindex,
	};
	struct packet_mreq mreq = {
	        .mr_ifindex = ifindex,
	        .mr_type = PACKET_MR_PROMISC,
	};
	struct afpacket *afp = xzalloc(sizeof(*afp));
	const char *step;
	void *ring;
	int error;

	afp->fd = -1;
	/* Protocol 0: nothing is queued until bind(), after the ring exists. */
	step = "socket";
	afp->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (afp->fd < 0) {
		error = -errno;
		goto out;
	}
	step = "PACKET_VERSION";
	error = afp_setsockopt_int(afp->fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3);
	if (error)
		goto out;
	step = "PACKET_RESERVE";
	error = afp_setsockopt_int(afp->fd, SOL_PACKET, PACKET_RESERVE, AFP_RESERVE);
	if (error)
		goto out;
	/* Our own transmissions are not echoed into the ring (the rx path still
	 * checks sll_pkttype in case this option is missing). */
	if (afp_setsockopt_int(afp->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1))
		VLOG_DBG("%s: PACKET_IGNORE_OUTGOING not supported", name);
	if (afp_setsockopt_int(afp->fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1))
		VLOG_DBG("%s: PACKET_QDISC_BYPASS not supported", name);
	if (afp_setsockopt_int(afp->fd, SOL_SOCKET, SO_SNDBUFFORCE, AFP_SNDBUF))
		afp_setsockopt_int(afp->fd, SOL_SOCKET, SO_SNDBUF, AFP_SNDBUF);
	step = "PACKET_RX_RING";
	if (setsockopt(afp->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
		error = -errno;
		goto out;
	}
	step = "mmap";
	afp->ring_size = (size_t)AFP_BLOCK_SIZE * AFP_BLOCK_NR;
	ring = mmap(NULL, afp->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
	            afp->fd, 0);
	if (ring == MAP_FAILED) {
		error = -errno;
		goto out;
	}
	afp->ring = ring;
	step = "bind";
	if (bind(afp->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		error = -errno;
		goto out;
	}
	/* Membership ends with the socket, so a crash leaves no promisc count. */
	step = "PACKET_ADD_MEMBERSHIP";
	if (setsockopt(afp->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0) {
		error = -errno;
		goto out;
	}
	for (int i = 0; i < PKT_BATCH_MAX; i++) {
		afp->msgs[i].msg_hdr.msg_iov = &afp->iovs[i];
		afp->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	*out = afp;
	return 0;

out:
	afp_close(afp);
	return errmsg_set(err, error, "port %s: packet socket setup failed (%s): %s", name, step,
	                  strerror(-error));
}

int netdev_afpacket_attach(struct netdev *dev, struct errmsg *err)
{
	struct nl_link_info info;
	struct afpacket *afp = NULL;
	bool owns_qdisc;
	int error;

	error = nl_link_get(dev->name, &info);
	if (error == -ENODEV)
		return errmsg_set(err, error, "port %s: no such network device", dev->name);
	if (error)
		return errmsg_set(err, error, "port %s: cannot query device: %s", dev->name,
		                  strerror(-error));
	/* Before the device comes up, so that the host stack never sees a
	 * frame from the switch's side. */
	error = nl_tc_drop_install(info.ifindex, &owns_qdisc);
	if (error == -EBUSY)
		return errmsg_set(err, error,
		                  "port %s: cannot detach the device from the host stack: a tc "
		                  "ingress filter not installed by patchbay uses priority %d "
		                  "(see 'tc filter show dev %s ingress')",
		                  dev->name, NL_TC_DROP_PRIO, dev->name);
	if (error)
		return errmsg_set(err, error,
		                  "port %s: cannot detach the device from the host stack "
		                  "(tc clsact qdisc + bpf ingress drop): %s",
		                  dev->name, strerror(-error));
	if (!(info.flags & IFF_UP)) {
		error = nl_link_set_up(info.ifindex);
		if (error) {
			errmsg_set(err, error, "port %s: cannot bring device up: %s", dev->name,
			           strerror(-error));
			goto out;
		}
	}
	error = afp_open(dev->name, info.ifindex, &afp, err);
	if (error)
		goto out;
	afp->owns_qdisc = owns_qdisc;
	dev->ifindex = info.ifindex;
	dev->priv = afp;
	return 0;

out:
	nl_tc_drop_remove(info.ifindex, owns_qdisc);
	return error;
}

void netdev_afpacket_detach(struct netdev *dev)
{
	struct afpacket *afp = dev->priv;
	int error;

	if (!afp)
		return;
	/* The host stack gets the device back. */
	error = nl_tc_drop_remove(dev->ifindex, afp->owns_qdisc);
	if (error && error != -ENODEV)
		VLOG_WARN("port %s: cannot remove the tc ingress drop: %s", dev->name,
		          strerror(-error));
	afp_close(afp);
	dev->priv = NULL;
}

int netdev_afpacket_disable_ipv6(const char *name)
{
	char path[80];
	int fd, error = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* ENOENT: no IPv6 in this kernel */
	if (write(fd, "1\n", 2) != 2)
		error = -errno;
	close(fd);
	return error;
}

/* Puts the VLAN tag the kernel moved into the frame's metadata back in front
 * of the EtherType, using the headroom.  False if it does not fit. */
static bool afp_vlan_reinsert(const struct tpacket3_hdr *h, struct pkt *p)
{
	uint16_t tpid, tci;

	if (p->headroom < 4 || p->len < 12 || p->len + 4 > PKT_MAX_LEN)
		return false;
	tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
	tci = (uint16_t)h->hv1.tp_vlan_tci;
	p->data -= 4;
	p->headroom -= 4;
	p->len += 4;
	memmove(p->data, p->data + 4, 12);
	p->data[12] = (uint8_t)(tpid >> 8);
	p->data[13] = (uint8_t)tpid;
	p->data[14] = (uint8_t)(tci >> 8);
	p->data[15] = (uint8_t)tci;
	return true;
}

static uint32_t afp_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* Fills in the TCP/UDP checksum of a frame the kernel marked "checksum not
 * ready" (sent by a local stack with tx checksum offload, e.g. through a veth
 * whose far end has it on).  Forwarded as is, such a frame would arrive with
 * a wrong checksum.  Plain IPv4 and IPv6 without extension headers; other
 * frames are left alone. */
static void afp_csum_fill(struct pkt *p)
{
	const uint8_t *d = p->data;
	uint32_t off = 12, l4off, l4len, sum;
	uint16_t type;
	uint8_t proto;
	uint8_t *csum;

	for (;;) {
		if (off + 2 > p->len)
			return;
		type = (uint16_t)(d[off] << 8 | d[off + 1]);
		if (type != ETH_P_8021Q && type != ETH_P_8021AD)
			break;
		off += 4;
	}
	off += 2;
	if (type == ETH_P_IP) {
		uint32_t ihl, tot;

		if (off + 20 > p->len)
			return;
		ihl = (d[off] & 0xfu) * 4;
		tot = (uint32_t)(d[off + 2] << 8 | d[off + 3]);
		if (ihl < 20 || tot < ihl || off + tot > p->len || (d[off + 6] & 0x3f) ||
		    d[off + 7])
			return;
		proto = d[off + 9];
		l4off = off + ihl;
		l4len = tot - ihl;
		sum = afp_csum_add(0, d + off + 12, 8);
	} else if (type == ETH_P_IPV6) {
		if (off + 40 > p->len)
			return;
		proto = d[off + 6];
		l4off = off + 40;
		l4len = (uint32_t)(d[off + 4] << 8 | d[off + 5]);
		if (l4off + l4len > p->len)
			return;
		sum = afp_csum_add(0, d + off + 8, 32);
	} else {
		return;
	}
	if (proto == IPPROTO_TCP && l4len >= 20)
		csum = p->data + l4off + 16;
	else if (proto == IPPROTO_UDP && l4len >= 8)
		csum = p->data + l4off + 6;
	else
		return;
	sum += proto + l4len;
	csum[0] = csum[1] = 0;
	sum = afp_csum_add(sum, d + l4off, l4len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	if (!sum && proto == IPPROTO_UDP)
		sum = 0xffff;
	csum[0] = (uint8_t)(sum >> 8);
	csum[1] = (uint8_t)sum;
}

int netdev_afpacket_rx_batch(struct netdev *dev, struct pkt_batch *batch)
{
	struct afpacket *afp = dev->priv;
	uint64_t bytes = 0, errors = 0;
	uint32_t count = 0;

	/* The previous batch is done with: return its finished blocks. */
	for (unsigned int i = 0; i < afp->n_release; i++) {
		struct tpacket_block_desc *bd =
		        afp_block(afp, (afp->release_first + i) % AFP_BLOCK_NR);

		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	}
	afp->n_release = 0;

	while (count < PKT_BATCH_MAX) {
		const struct tpacket3_hdr *h;
		const struct sockaddr_ll *sll;
		struct pkt *p;

		if (!afp->left) {
			struct tpacket_block_desc *bd = afp_block(afp, afp->cur);

			if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
			      TP_STATUS_USER))
				break;
			afp->left = bd->hdr.bh1.num_pkts;
			afp->next = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
			if (!afp->left) {
				if (!afp->n_release++)
					afp->release_first = afp->cur;
				afp->cur = (afp->cur + 1) % AFP_BLOCK_NR;
				continue;
			}
		}

		h = (const struct tpacket3_hdr *)afp->next;
		if (--afp->left) {
			afp->next += h->tp_next_offset;
		} else {
			if (!afp->n_release++)
				afp->release_first = afp->cur;
			afp->cur = (afp->cur + 1) % AFP_BLOCK_NR;
		}

		sll = (const struct sockaddr_ll *)((const uint8_t *)h +
		                                   TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
		if (PB_UNLIKELY(sll->sll_pkttype == PACKET_OUTGOING))
			continue;
		if (PB_UNLIKELY(h->tp_snaplen != h->tp_len || h->tp_len > PKT_MAX_LEN ||
		                h->tp_len < 14)) {
			errors++;
			continue;
		}
		p = &batch->pkts[count];
		p->data = (uint8_t *)h + h->tp_mac;
		p->len = h->tp_snaplen;
		p->headroom =
		        h->tp_mac > TPACKET3_HDRLEN ? (uint16_t)(h->tp_mac - TPACKET3_HDRLEN) : 0;
		p->pad = 0;
		if (PB_UNLIKELY(h->tp_status & TP_STATUS_VLAN_VALID) && !afp_vlan_reinsert(h, p)) {
			errors++;
			continue;
		}
		if (PB_UNLIKELY(h->tp_status & TP_STATUS_CSUMNOTREADY))
			afp_csum_fill(p);
		bytes += p->len;
		count++;
	}

	batch->count = count;
	netdev_count_rx(dev, count, bytes, errors);
	return (int)count;
}

int netdev_afpacket_tx_batch(struct netdev *dev, struct pkt *const *pkts, int n)
{
	struct afpacket *afp = dev->priv;
	uint64_t bytes = 0, errors = 0, dropped = 0;
	bool give_up = false;
	int sent = 0;

	for (int base = 0; base < n;) {
		int chunk = 0, i = 0;

		/* Stage up to PKT_BATCH_MAX plausible frames. */
		while (base < n && chunk < PKT_BATCH_MAX) {
			const struct pkt *p = pkts[base++];

			if (PB_UNLIKELY(p->len < 14 || p->len > PKT_MAX_LEN)) {
				errors++;
				continue;
			}
			afp->iovs[chunk].iov_base = p->data;
			afp->iovs[chunk].iov_len = p->len;
			chunk++;
		}
		if (give_up) {
			dropped += (uint64_t)chunk;
			continue;
		}
		while (i < chunk) {
			int r = sendmmsg(afp->fd, &afp->msgs[i], (unsigned int)(chunk - i),
			                 MSG_DONTWAIT);

			if (r > 0) {
				for (int j = i; j < i + r; j++)
					bytes += afp->iovs[j].iov_len;
				i += r;
				sent += r;
			} else if (r < 0 && errno == EINTR) {
				continue;
			} else if (r < 0 && (errno == EMSGSIZE || errno == EINVAL)) {
				errors++; /* this frame is bad; carry on with the rest */
				i++;
			} else {
				/* Full socket buffer, link down, device gone: drop
				 * the rest of the batch rather than spin. */
				dropped += (uint64_t)(chunk - i);
				give_up = true;
				break;
			}
		}
	}

	netdev_count_tx(dev, (uint64_t)sent, bytes, dropped, errors);
	return sent;
}

int netdev_afpacket_get_fd(const struct netdev *dev)
{
	const struct afpacket *afp = dev->priv;

	return afp->fd;
}

void netdev_afpacket_get_stats(const struct netdev *dev, struct netdev_stats *stats)
{
	struct afpacket *afp = dev->priv;
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	if (getsockopt(afp->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0 && st.tp_drops)
		netdev_counter_add(&afp->kernel_drops, st.tp_drops);
	stats->rx_dropped += atomic_load_explicit(&afp->kernel_drops, memory_order_relaxed);
}

/* The "system" provider: an existing device, never created or deleted. */
static int netdev_system_construct(struct netdev *dev, const struct netdev_args *args,
                                   unsigned int flags, struct errmsg *err)
{
	return netdev_afpacket_attach(dev, err);
}

static void netdev_system_destruct(struct netdev *dev, bool remove)
{
	netdev_afpacket_detach(dev);
}

const struct netdev_class netdev_system_class = {
        .type = "system",
        .check = NULL,
        .construct = netdev_system_construct,
        .destruct = netdev_system_destruct,
        .rx_batch = netdev_afpacket_rx_batch,
        .tx_batch = netdev_afpacket_tx_batch,
        .get_fd = netdev_afpacket_get_fd,
        .get_stats = netdev_afpacket_get_stats,
};
