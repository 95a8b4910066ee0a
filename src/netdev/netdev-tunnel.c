/* netdev-tunnel.c - the vxlan, geneve and gre port types: option parsing,
 * the receive sockets shared per (protocol, UDP port) with demultiplexing to
 * the ports, decapsulation into tunnel metadata, and encapsulation with a
 * cached route and neighbour lookup and an MTU check before sending whole
 * frames on the underlay device (AF_PACKET) or, when the next hop's MAC is
 * not known, through a raw IPv4 socket.  Header formats are in tnl-*.c; see
 * netdev-tunnel.h and docs/tunnels.md. */
#include "netdev/netdev-tunnel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/csum.h"
#include "lib/vlog.h"
#include "netdev/route.h"
#include "netdev/tnl-hdr.h"

#define VLOG_MODULE "tunnel"

#define TNL_HEADROOM    64                  /* writable room before a frame */
#define TNL_RX_MAX      (PKT_MAX_LEN + 128) /* largest outer payload we read */
#define TNL_RX_BUF      (TNL_HEADROOM + 128 + TNL_RX_MAX)
#define TNL_PENDING_MAX 256 /* per port, handed over by others */
#define TNL_SOCK_PORTS  64  /* ports sharing one socket */
#define TNL_SOCK_RCVBUF (4 * 1024 * 1024)

/* ---- options ---- */

int netdev_options_split(const char *port, const char *options, const char *const *allowed,
                         char (*vals)[NETDEV_OPT_VAL_MAX], struct errmsg *err)
{
	const char *s = options ? options : "";
	size_t n_allowed = 0;

	while (allowed[n_allowed])
		vals[n_allowed++][0] = '\0';
	while (*s) {
		const char *end = strchr(s, ','), *eq;
		size_t len = end ? (size_t)(end - s) : strlen(s), klen, vlen, i;
		char list[256] = "";

		eq = memchr(s, '=', len);
		if (!eq || eq == s)
			return errmsg_set(err, -EINVAL, "port %s: expected key=value, got '%.*s'",
			                  port, (int)PB_MIN(len, 64), s);
		klen = (size_t)(eq - s);
		vlen = len - klen - 1;
		for (i = 0; i < n_allowed; i++)
			if (strlen(allowed[i]) == klen && !memcmp(allowed[i], s, klen))
				break;
		if (i == n_allowed) {
			for (size_t j = 0; j < n_allowed; j++)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
				         j ? ", " : "", allowed[j]);
			return errmsg_set(err, -EINVAL,
			                  "port %s: unknown option '%.*s' (allowed: %s)", port,
			                  (int)PB_MIN(klen, 32), s, list);
		}
		if (vals[i][0])
			return errmsg_set(err, -EINVAL, "port %s: option '%s' given twice", port,
			                  allowed[i]);
		if (!vlen || vlen >= NETDEV_OPT_VAL_MAX)
			return errmsg_set(err, -EINVAL, "port %s: option '%s': %s value", port,
			                  allowed[i], vlen ? "too long a" : "empty");
		memcpy(vals[i], eq + 1, vlen);
		vals[i][vlen] = '\0';
		s = end ? end + 1 : s + len;
		if (end && !*s)
			return errmsg_set(err, -EINVAL, "port %s: trailing ',' in options", port);
	}
	return 0;
}

/* A tunnel port's configuration. */
struct tnl_config {
	enum tnl_proto proto;
	bool remote_flow; /* remote_ip=flow */
	bool key_flow;    /* key=flow */
	bool tos_inherit; /* tos=inherit */
	bool tx_kernel;   /* tx_path=kernel: never send frames on the underlay */
	uint32_t remote;  /* remote_ip */
	uint32_t local;   /* local_ip, 0 = the route's preferred source */
	uint64_t key;
	uint16_t dst_port; /* VXLAN / Geneve */
	uint8_t ttl;
	uint8_t tos;
};

enum { OPT_REMOTE, OPT_LOCAL, OPT_KEY, OPT_DST_PORT, OPT_TTL, OPT_TOS, OPT_TX_PATH, OPT_N };

static const char *const tnl_udp_opts[] = {"remote_ip", "local_ip", "key",     "dst_port",
                                           "ttl",       "tos",      "tx_path", NULL};
static const char *const tnl_gre_opts[] = {"remote_ip", "local_ip", "key", "ttl",
                                           "tos",       "tx_path",  NULL};

static enum tnl_proto tnl_proto_of(const char *type)
{
	if (!strcmp(type, "vxlan"))
		return TNL_VXLAN;
	if (!strcmp(type, "geneve"))
		return TNL_GENEVE;
	return TNL_GRE;
}

static int tnl_parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

static int tnl_config_parse(const struct netdev_args *args, struct tnl_config *c,
                            struct errmsg *err)
{
	char v[OPT_N][NETDEV_OPT_VAL_MAX];
	char raw[OPT_N][NETDEV_OPT_VAL_MAX];
	const char *name = args->name;
	uint64_t n;
	int error;

	memset(c, 0, sizeof *c);
	c->proto = tnl_proto_of(args->type);
	if (args->peer || args->netns)
		return errmsg_set(err, -EINVAL, "port %s: option '%s' is not allowed with type %s",
		                  name, args->peer ? "peer" : "netns", args->type);
	if (c->proto == TNL_GRE) {
		error = netdev_options_split(name, args->options, tnl_gre_opts, raw, err);
		if (error)
			return error;
		/* Same slots as the UDP types, without dst_port. */
		memcpy(v[OPT_REMOTE], raw[0], sizeof v[0]);
		memcpy(v[OPT_LOCAL], raw[1], sizeof v[0]);
		memcpy(v[OPT_KEY], raw[2], sizeof v[0]);
		v[OPT_DST_PORT][0] = '\0';
		memcpy(v[OPT_TTL], raw[3], sizeof v[0]);
		memcpy(v[OPT_TOS], raw[4], sizeof v[0]);
		memcpy(v[OPT_TX_PATH], raw[5], sizeof v[0]);
	} else {
		error = netdev_options_split(name, args->options, tnl_udp_opts, v, err);
		if (error)
			return error;
	}

	if (!v[OPT_REMOTE][0])
		return errmsg_set(err, -EINVAL,
		                  "port %s: type %s requires option remote_ip=IP|flow", name,
		                  args->type);
	if (!strcmp(v[OPT_REMOTE], "flow"))
		c->remote_flow = true;
	else if (tnl_parse_ipv4(v[OPT_REMOTE], &c->remote) || !c->remote ||
	         c->remote == UINT32_MAX || (c->remote >> 28) == 0xe)
		return errmsg_set(err, -EINVAL,
		                  "port %s: remote_ip: expected a unicast IPv4 address or 'flow', "
		                  "got '%s'",
		                  name, v[OPT_REMOTE]);
	if (v[OPT_LOCAL][0] && (tnl_parse_ipv4(v[OPT_LOCAL], &c->local) || !c->local))
		return errmsg_set(err, -EINVAL,
		                  "port %s: local_ip: expected an IPv4 address, got '%s'", name,
		                  v[OPT_LOCAL]);
	if (!strcmp(v[OPT_KEY], "flow")) {
		c->key_flow = true;
	} else if (v[OPT_KEY][0]) {
		uint64_t max = c->proto == TNL_GRE ? UINT32_MAX : 0xffffff;

		if (parse_u64_hexdec(v[OPT_KEY], max, &c->key))
			return errmsg_set(
			        err, -EINVAL,
			        "port %s: key: expected an integer 0..%llu or 'flow', got '%s'",
			        name, (unsigned long long)max, v[OPT_KEY]);
	}
	c->dst_port = c->proto == TNL_VXLAN ? TNL_VXLAN_PORT : TNL_GENEVE_PORT;
	if (v[OPT_DST_PORT][0]) {
		if (parse_uint(v[OPT_DST_PORT], 1, 65535, &n))
			return errmsg_set(
			        err, -EINVAL,
			        "port %s: dst_port: expected an integer 1..65535, got '%s'", name,
			        v[OPT_DST_PORT]);
		c->dst_port = (uint16_t)n;
	}
	c->ttl = 64;
	if (v[OPT_TTL][0]) {
		if (parse_uint(v[OPT_TTL], 1, 255, &n))
			return errmsg_set(err, -EINVAL,
			                  "port %s: ttl: expected an integer 1..255, got '%s'",
			                  name, v[OPT_TTL]);
		c->ttl = (uint8_t)n;
	}
	if (!strcmp(v[OPT_TOS], "inherit")) {
		c->tos_inherit = true;
	} else if (v[OPT_TOS][0]) {
		if (parse_uint(v[OPT_TOS], 0, 255, &n))
			return errmsg_set(err, -EINVAL,
			                  "port %s: tos: expected an integer 0..255 or 'inherit', "
			                  "got '%s'",
			                  name, v[OPT_TOS]);
		c->tos = (uint8_t)n;
	}
	if (!strcmp(v[OPT_TX_PATH], "kernel"))
		c->tx_kernel = true;
	else if (v[OPT_TX_PATH][0] && strcmp(v[OPT_TX_PATH], "packet"))
		return errmsg_set(err, -EINVAL,
		                  "port %s: tx_path: expected 'packet' or 'kernel', got '%s'", name,
		                  v[OPT_TX_PATH]);
	return 0;
}

static int tnl_check(const struct netdev_args *args, struct errmsg *err)
{
	struct tnl_config c;

	return tnl_config_parse(args, &c, err);
}

/* ---- shared receive sockets ---- */

struct netdev_tnl;

/* One receive socket: UDP bound to 'port', or raw IPPROTO_GRE (port 0).
 * 'mutex' guards 'ports' and every member's pending queue. */
struct tnl_sock {
	struct tnl_sock *next;
	enum tnl_proto proto;
	uint16_t port;
	int fd;
	pthread_mutex_t mutex;
	struct netdev_tnl *ports[TNL_SOCK_PORTS];
	unsigned n_ports;
};

/* A packet received by one port's read on behalf of another. */
struct tnl_pending {
	struct tnl_pending *next;
	struct pkt_tnl md;
	uint32_t len;
	uint8_t buf[]; /* TNL_HEADROOM + frame */
};

struct netdev_tnl {
	struct netdev *dev;
	struct tnl_config cfg;
	struct tnl_sock *sock;
	int efd; /* signalled when 'pending' gets packets */
	int pfd; /* epoll over sock->fd and efd: the port's fd */

	/* Under sock->mutex. */
	struct tnl_pending *pending, **pending_tail;
	unsigned n_pending;

	/* Datapath thread (rx). */
	uint8_t *rx_bufs;                    /* PKT_BATCH_MAX of TNL_RX_BUF */
	struct pkt_tnl rx_md[PKT_BATCH_MAX]; /* metadata of the last batch */
	struct tnl_pending *taken;           /* handed out in the last batch */

	/* Datapath thread (tx). */
	int tx_fd;  /* raw IPv4, IP_HDRINCL: the kernel routes and resolves */
	int pkt_fd; /* AF_PACKET, protocol 0 (receives nothing): whole frames */
	struct route_cache routes;
	uint8_t (*tx_hdrs)[TNL_MAX_FRAME_HLEN];
	uint16_t ip_id; /* of the next frame sent on pkt_fd */
	uint64_t last_warn_ms;
	/* Frames sent by each path (any thread reads them). */
	_Atomic uint64_t n_tx_packet, n_tx_kernel;
};

static pthread_mutex_t tnl_socks_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct tnl_sock *tnl_socks; /* guarded by tnl_socks_mutex */

static bool tnl_proto_udp(enum tnl_proto p)
{
	return p != TNL_GRE;
}

static const char *tnl_proto_name(enum tnl_proto p)
{
	return p == TNL_VXLAN ? "vxlan" : p == TNL_GENEVE ? "geneve" : "gre";
}

static int tnl_sock_open(enum tnl_proto proto, uint16_t port, int *fdp)
{
	int one = 1, rcvbuf = TNL_SOCK_RCVBUF, fd;

	if (tnl_proto_udp(proto)) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};

		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) < 0 ||
		    bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
			int error = -errno;

			close(fd);
			return error;
		}
	} else {
		fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, TNL_IPPROTO_GRE);
		if (fd < 0)
			return -errno;
	}
	/* Best effort: a bigger buffer absorbs bursts. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	*fdp = fd;
	return 0;
}

/* Attaches 't' to the shared socket for its protocol and port, creating
 * it.  Control thread. */
static int tnl_sock_attach(struct netdev_tnl *t, struct errmsg *err)
{
	const struct tnl_config *c = &t->cfg;
	uint16_t port = tnl_proto_udp(c->proto) ? c->dst_port : 0;
	struct tnl_sock *s;
	int error = 0;

	pthread_mutex_lock(&tnl_socks_mutex);
	for (s = tnl_socks; s; s = s->next)
		if (s->port == port && tnl_proto_udp(s->proto) == tnl_proto_udp(c->proto))
			break;
	if (s && s->proto != c->proto) {
		error = errmsg_set(err, -EADDRINUSE,
		                   "port %s: UDP port %u is already used by a %s tunnel",
		                   t->dev->name, port, tnl_proto_name(s->proto));
		goto out;
	}
	if (s) {
		for (unsigned i = 0; i < s->n_ports; i++) {
			const struct tnl_config *o = &s->ports[i]->cfg;

			if (o->remote_flow == c->remote_flow && o->remote == c->remote &&
			    o->key_flow == c->key_flow && o->key == c->key &&
			    o->local == c->local) {
				error = errmsg_set(err, -EEXIST,
				                   "port %s: port %s already receives this remote "
				                   "and key",
				                   t->dev->name, s->ports[i]->dev->name);
				goto out;
			}
		}
		if (s->n_ports == TNL_SOCK_PORTS) {
			error = errmsg_set(err, -ENOSPC,
			                   "port %s: too many tunnel ports on %s port %u",
			                   t->dev->name, tnl_proto_name(c->proto), port);
			goto out;
		}
	} else {
		int fd = -1;

		error = tnl_sock_open(c->proto, port, &fd);
		if (error) {
			if (tnl_proto_udp(c->proto))
				errmsg_set(err, error, "port %s: cannot listen on UDP port %u: %s",
				           t->dev->name, port, strerror(-error));
			else
				errmsg_set(err, error, "port %s: cannot open a raw GRE socket: %s",
				           t->dev->name, strerror(-error));
			goto out;
		}
		s = xzalloc(sizeof *s);
		s->proto = c->proto;
		s->port = port;
		s->fd = fd;
		pthread_mutex_init(&s->mutex, NULL);
		s->next = tnl_socks;
		tnl_socks = s;
	}
	pthread_mutex_lock(&s->mutex);
	s->ports[s->n_ports++] = t;
	pthread_mutex_unlock(&s->mutex);
	t->sock = s;
out:
	pthread_mutex_unlock(&tnl_socks_mutex);
	return error;
}

static void tnl_pending_free(struct tnl_pending *p)
{
	while (p) {
		struct tnl_pending *next = p->next;

		free(p);
		p = next;
	}
}

/* Detaches 't' from its socket, closing the socket with its last port. */
static void tnl_sock_detach(struct netdev_tnl *t)
{
	struct tnl_sock *s = t->sock, **pp;
	bool last;

	if (!s)
		return;
	pthread_mutex_lock(&tnl_socks_mutex);
	pthread_mutex_lock(&s->mutex);
	for (unsigned i = 0; i < s->n_ports; i++) {
		if (s->ports[i] == t) {
			s->ports[i] = s->ports[--s->n_ports];
			break;
		}
	}
	tnl_pending_free(t->pending);
	t->pending = NULL;
	last = !s->n_ports;
	pthread_mutex_unlock(&s->mutex);
	if (last) {
		for (pp = &tnl_socks; *pp != s; pp = &(*pp)->next)
			continue;
		*pp = s->next;
		close(s->fd);
		pthread_mutex_destroy(&s->mutex);
		free(s);
	}
	pthread_mutex_unlock(&tnl_socks_mutex);
	t->sock = NULL;
}

/* ---- construct / destruct ---- */

static void tnl_free(struct netdev_tnl *t)
{
	if (!t)
		return;
	tnl_sock_detach(t);
	if (t->pfd >= 0)
		close(t->pfd);
	if (t->efd >= 0)
		close(t->efd);
	if (t->tx_fd >= 0)
		close(t->tx_fd);
	if (t->pkt_fd >= 0)
		close(t->pkt_fd);
	tnl_pending_free(t->taken);
	free(t->rx_bufs);
	free(t->tx_hdrs);
	free(t);
}

static int tnl_construct(struct netdev *dev, const struct netdev_args *args, unsigned int flags,
                         struct errmsg *err)
{
	struct netdev_tnl *t = xzalloc(sizeof *t);
	struct epoll_event ev = {.events = EPOLLIN};
	int error;

	(void)flags;
	t->dev = dev;
	t->efd = t->pfd = t->tx_fd = t->pkt_fd = -1;
	t->pending_tail = &t->pending;
	error = tnl_config_parse(args, &t->cfg, err);
	if (error)
		goto out;
	t->tx_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (t->tx_fd < 0) {
		error = errmsg_set(err, -errno, "port %s: cannot open a raw IPv4 socket: %s",
		                   dev->name, strerror(errno));
		goto out;
	}
	if (!t->cfg.tx_kernel) {
		t->pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (t->pkt_fd < 0) {
			error = errmsg_set(err, -errno,
			                   "port %s: cannot open an AF_PACKET socket: %s",
			                   dev->name, strerror(errno));
			goto out;
		}
	}
	t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	t->pfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->efd < 0 || t->pfd < 0) {
		error = errmsg_set(err, -errno, "port %s: eventfd/epoll: %s", dev->name,
		                   strerror(errno));
		goto out;
	}
	error = tnl_sock_attach(t, err);
	if (error)
		goto out;
	if (epoll_ctl(t->pfd, EPOLL_CTL_ADD, t->sock->fd, &ev) < 0 ||
	    epoll_ctl(t->pfd, EPOLL_CTL_ADD, t->efd, &ev) < 0) {
		error = errmsg_set(err, -errno, "port %s: epoll_ctl: %s", dev->name,
		                   strerror(errno));
		goto out;
	}
	t->rx_bufs = xmalloc((size_t)PKT_BATCH_MAX * TNL_RX_BUF);
	t->tx_hdrs = xmalloc((size_t)PKT_BATCH_MAX * TNL_MAX_FRAME_HLEN);
	t->ip_id = (uint16_t)(time_msec() * 2654435761u >> 16);
	route_cache_init(&t->routes);
	dev->ifindex = 0;
	dev->priv = t;
	return 0;

out:
	tnl_free(t);
	return error;
}

static void tnl_destruct(struct netdev *dev, bool remove)
{
	(void)remove;
	tnl_free(dev->priv);
	dev->priv = NULL;
}

/* ---- receive ---- */

/* The port of 's' that takes a packet from 'src' to 'dst' with 'key': an
 * exact remote beats remote_ip=flow, then an exact key beats key=flow. */
static struct netdev_tnl *tnl_demux(struct tnl_sock *s, uint32_t src, uint32_t dst, uint64_t key)
{
	struct netdev_tnl *best = NULL;
	int best_score = -1;

	for (unsigned i = 0; i < s->n_ports; i++) {
		const struct tnl_config *c = &s->ports[i]->cfg;
		int score = 0;

		if (!c->remote_flow && c->remote != src)
			continue;
		if (!c->key_flow && c->key != key)
			continue;
		if (c->local && c->local != dst)
			continue;
		score = (c->remote_flow ? 0 : 4) + (c->key_flow ? 0 : 2) + (c->local ? 1 : 0);
		if (score > best_score) {
			best = s->ports[i];
			best_score = score;
		}
	}
	return best;
}

/* Parses one received datagram (UDP payload, or the IP packet of a raw GRE
 * socket) into 'md'; returns the inner frame's offset or -errno. */
static int tnl_decap(enum tnl_proto proto, const uint8_t *p, size_t len, uint32_t *src,
                     uint32_t *dst, struct pkt_tnl *md)
{
	int ofs;

	switch (proto) {
	case TNL_VXLAN:
		return tnl_vxlan_parse(p, len, md);
	case TNL_GENEVE:
		return tnl_geneve_parse(p, len, md);
	case TNL_GRE:
	default: {
		uint8_t ipproto;
		size_t l4_len;
		int ihl = tnl_ipv4_parse(p, len, src, dst, &ipproto, &l4_len);

		if (ihl < 0)
			return ihl;
		if (ipproto != TNL_IPPROTO_GRE)
			return -EPROTONOSUPPORT;
		ofs = tnl_gre_parse(p + ihl, l4_len, md);
		return ofs < 0 ? ofs : ofs + ihl;
	}
	}
}

static void tnl_warn(struct netdev_tnl *t, const char *fmt, ...) PB_PRINTF(2, 3);

/* Logs at most one warning per second per port. */
static void tnl_warn(struct netdev_tnl *t, const char *fmt, ...)
{
	uint64_t now = time_msec();
	char buf[256];
	va_list ap;

	if (now - t->last_warn_ms < 1000)
		return;
	t->last_warn_ms = now;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	VLOG_WARN("port %s: %s", t->dev->name, buf);
}

/* Queues a copy of a frame for port 'to' (under s->mutex). */
static void tnl_hand_over(struct netdev_tnl *to, const uint8_t *frame, size_t len,
                          const struct pkt_tnl *md)
{
	struct tnl_pending *p;
	uint64_t one = 1;

	if (to->n_pending >= TNL_PENDING_MAX) {
		netdev_counter_add(&to->dev->counters.rx_dropped, 1);
		return;
	}
	p = xmalloc(sizeof *p + TNL_HEADROOM + len);
	p->next = NULL;
	p->md = *md;
	p->len = (uint32_t)len;
	memcpy(p->buf + TNL_HEADROOM, frame, len);
	*to->pending_tail = p;
	to->pending_tail = &p->next;
	to->n_pending++;
	if (write(to->efd, &one, sizeof one) < 0 && errno != EAGAIN)
		VLOG_DBG("eventfd write: %s", strerror(errno));
}

/* Moves up to 'room' pending packets of 't' into the batch (under
 * s->mutex). */
static void tnl_take_pending(struct netdev_tnl *t, struct pkt_batch *batch)
{
	struct tnl_pending **tail = &t->taken;

	while (t->pending && batch->count < PKT_BATCH_MAX) {
		struct tnl_pending *p = t->pending;
		struct pkt *pkt = &batch->pkts[batch->count];

		t->pending = p->next;
		t->n_pending--;
		p->next = NULL;
		*tail = p;
		tail = &p->next;
		pkt->data = p->buf + TNL_HEADROOM;
		pkt->len = p->len;
		pkt->headroom = TNL_HEADROOM;
		pkt->pad = 0;
		t->rx_md[batch->count++] = p->md;
	}
	if (!t->pending)
		t->pending_tail = &t->pending;
	else {
		uint64_t one = 1;

		if (write(t->efd, &one, sizeof one) < 0 && errno != EAGAIN)
			VLOG_DBG("eventfd write: %s", strerror(errno));
	}
}

static int tnl_rx_batch(struct netdev *dev, struct pkt_batch *batch)
{
	struct netdev_tnl *t = dev->priv;
	struct tnl_sock *s = t->sock;
	struct mmsghdr msgs[PKT_BATCH_MAX];
	struct iovec iovs[PKT_BATCH_MAX];
	struct sockaddr_in addrs[PKT_BATCH_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cms[PKT_BATCH_MAX];
	uint64_t bytes = 0, errors = 0, dropped = 0, v;
	unsigned room;
	int n;

	tnl_pending_free(t->taken);
	t->taken = NULL;
	batch->count = 0;
	if (read(t->efd, &v, sizeof v) < 0 && errno != EAGAIN)
		VLOG_DBG("eventfd read: %s", strerror(errno));

	pthread_mutex_lock(&s->mutex);
	tnl_take_pending(t, batch);
	room = PKT_BATCH_MAX - batch->count;
	if (!room)
		goto done;
	for (unsigned i = 0; i < room; i++) {
		/* Leave room so that the inner frame has TNL_HEADROOM before it
		 * whatever the outer header's length. */
		iovs[i].iov_base = t->rx_bufs + (size_t)i * TNL_RX_BUF + TNL_HEADROOM;
		iovs[i].iov_len = TNL_RX_BUF - TNL_HEADROOM;
		memset(&msgs[i], 0, sizeof msgs[i]);
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &addrs[i];
		msgs[i].msg_hdr.msg_namelen = sizeof addrs[i];
		msgs[i].msg_hdr.msg_control = cms[i].buf;
		msgs[i].msg_hdr.msg_controllen = sizeof cms[i].buf;
	}
	n = recvmmsg(s->fd, msgs, room, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		const uint8_t *p = iovs[i].iov_base;
		size_t len = msgs[i].msg_len;
		uint32_t src = ntohl(addrs[i].sin_addr.s_addr), dst = 0;
		struct netdev_tnl *to;
		struct pkt_tnl md;
		int ofs;

		if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
			errors++;
			continue;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msgs[i].msg_hdr); cm;
		     cm = CMSG_NXTHDR(&msgs[i].msg_hdr, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof pi);
				dst = ntohl(pi.ipi_addr.s_addr);
			}
		}
		ofs = tnl_decap(s->proto, p, len, &src, &dst, &md);
		if (ofs < 0) {
			errors++;
			tnl_warn(t, "malformed %s packet from %u.%u.%u.%u dropped (%s)",
			         tnl_proto_name(s->proto), src >> 24, (src >> 16) & 0xff,
			         (src >> 8) & 0xff, src & 0xff, strerror(-ofs));
			continue;
		}
		md.tun_src = src;
		md.tun_dst = dst;
		to = tnl_demux(s, src, dst, md.tun_id);
		if (!to) {
			dropped++;
			continue;
		}
		if (len - (size_t)ofs > PKT_MAX_LEN) {
			errors++;
			continue;
		}
		if (to != t) {
			tnl_hand_over(to, p + ofs, len - (size_t)ofs, &md);
			continue;
		}
		{
			struct pkt *pkt = &batch->pkts[batch->count];

			/* Move the frame back so that the headroom is constant. */
			pkt->data = (uint8_t *)(uintptr_t)p + ofs;
			pkt->len = (uint32_t)(len - (size_t)ofs);
			pkt->headroom = (uint16_t)(TNL_HEADROOM + ofs);
			pkt->pad = 0;
			t->rx_md[batch->count++] = md;
			bytes += pkt->len;
		}
	}
done:
	pthread_mutex_unlock(&s->mutex);
	netdev_count_rx(dev, batch->count, bytes, errors);
	netdev_counter_add(&dev->counters.rx_dropped, dropped);
	batch->tnl = batch->count ? t->rx_md : NULL;
	return (int)batch->count;
}

/* ---- transmit ---- */

/* The TOS byte of an inner IPv4/IPv6 packet (after up to one VLAN tag). */
static uint8_t tnl_inner_tos(const uint8_t *f, size_t len)
{
	size_t ofs = 14;
	uint16_t type;

	if (len < 14)
		return 0;
	type = pb_get_be16(f + 12);
	if ((type == 0x8100 || type == 0x88a8) && len >= 18) {
		type = pb_get_be16(f + 16);
		ofs = 18;
	}
	if (type == 0x0800 && len > ofs + 1)
		return f[ofs + 1];
	if (type == 0x86dd && len > ofs + 1)
		return (uint8_t)(pb_get_be16(f + ofs) >> 4);
	return 0;
}

/* Logs which path frames to a remote take, when that changes. */
static void tnl_log_path(const struct netdev_tnl *t, const struct route_cache_entry *re)
{
	const uint32_t d = re->dst, h = re->info.gateway ? re->info.gateway : re->dst;
	char dev[IF_NAMESIZE] = "?", mac[18];

	if (!if_indextoname((unsigned)re->info.ifindex, dev))
		snprintf(dev, sizeof dev, "#%d", re->info.ifindex);
	if (re->l2_error) {
		VLOG_INFO("port %s: remote %u.%u.%u.%u: sending through the kernel (%s: %s)",
		          t->dev->name, d >> 24, (d >> 16) & 0xff, (d >> 8) & 0xff, d & 0xff, dev,
		          re->l2_error == -ENOENT       ? "next hop not resolved"
		          : re->l2_error == -EOPNOTSUPP ? "local, or not an Ethernet device"
		                                        : strerror(-re->l2_error));
		return;
	}
	eth_addr_format(re->l2.dst_mac, mac);
	VLOG_INFO("port %s: remote %u.%u.%u.%u: sending frames on %s to next hop %u.%u.%u.%u at %s",
	          t->dev->name, d >> 24, (d >> 16) & 0xff, (d >> 8) & 0xff, d & 0xff, dev, h >> 24,
	          (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff, mac);
}

/* A tunnel frame ready to send: which socket, the destination (to forget
 * the cached next hop if the device refuses the frame). */
struct tnl_tx_msg {
	bool packet; /* on pkt_fd (else tx_fd) */
	uint32_t dst;
	union {
		struct sockaddr_in in;
		struct sockaddr_ll ll;
	} addr;
};

/* Sends msgs[0..n) (all for the same socket) and counts them. */
static void tnl_send_run(struct netdev_tnl *t, struct mmsghdr *msgs, struct tnl_tx_msg *tm,
                         unsigned n, uint64_t *sent, uint64_t *bytes, uint64_t *dropped,
                         uint64_t *errors)
{
	int fd = tm[0].packet ? t->pkt_fd : t->tx_fd;
	uint64_t ok = 0;

	for (unsigned done = 0; done < n;) {
		int r = sendmmsg(fd, msgs + done, n - done, MSG_DONTWAIT);

		if (r <= 0) {
			/* The first message failed: count it and go on. */
			int error = errno;

			if (error == EAGAIN || error == ENOBUFS) {
				(*dropped)++;
			} else {
				(*errors)++;
				tnl_warn(t, "send%s: %s", tm[done].packet ? " on the underlay" : "",
				         strerror(error));
				/* The device went away, down, or changed: look again. */
				if (tm[done].packet)
					route_cache_invalidate(&t->routes, tm[done].dst);
			}
			done++;
			continue;
		}
		for (int k = 0; k < r; k++)
			*bytes += msgs[done + (unsigned)k].msg_hdr.msg_iov[1].iov_len;
		ok += (uint64_t)r;
		done += (unsigned)r;
	}
	*sent += ok;
	netdev_counter_add(tm[0].packet ? &t->n_tx_packet : &t->n_tx_kernel, ok);
}

static int tnl_tx_batch_tnl(struct netdev *dev, struct pkt *const *pkts,
                            const struct pkt_tnl *const *md, int n)
{
	struct netdev_tnl *t = dev->priv;
	const struct tnl_config *c = &t->cfg;
	struct mmsghdr msgs[PKT_BATCH_MAX];
	struct iovec iovs[PKT_BATCH_MAX][2];
	struct tnl_tx_msg tm[PKT_BATCH_MAX];
	uint64_t now = time_msec(), sent = 0, bytes = 0, dropped = 0, errors = 0;
	unsigned m = 0;

	if (n > PKT_BATCH_MAX)
		n = PKT_BATCH_MAX;
	for (int i = 0; i < n; i++) {
		const struct pkt *pkt = pkts[i];
		const struct pkt_tnl *d = md ? md[i] : NULL;
		struct tnl_encap e = {.proto = c->proto, .df = true, .udp_dst = c->dst_port};
		struct route_cache_entry *re;
		bool packet;
		int hlen;

		e.dst = c->remote_flow ? (d ? d->tun_dst : 0) : c->remote;
		if (!e.dst) {
			dropped++;
			tnl_warn(t,
			         "no tunnel destination (remote_ip=flow needs tun_dst): dropped");
			continue;
		}
		e.key = c->key_flow ? (d ? d->tun_id : 0) : c->key;
		if (c->proto != TNL_GRE)
			e.key &= 0xffffff;
		else
			e.key &= UINT32_MAX;
		if (c->proto == TNL_GENEVE && d) {
			e.gnv_class = d->gnv_class;
			e.gnv_type = d->gnv_type;
			e.gnv_len = d->gnv_len;
			e.gnv_data = d->gnv_data;
		}
		re = route_cache_find(&t->routes, e.dst, now, !c->tx_kernel);
		if (re->error) {
			errors++;
			tnl_warn(t, "no route to %u.%u.%u.%u: %s", e.dst >> 24,
			         (e.dst >> 16) & 0xff, (e.dst >> 8) & 0xff, e.dst & 0xff,
			         strerror(-re->error));
			continue;
		}
		if (re->l2_changed && !c->tx_kernel) {
			re->l2_changed = false;
			tnl_log_path(t, re);
		}
		e.src = c->local ? c->local : re->info.prefsrc;
		e.udp_csum = e.src != 0; /* the kernel picks a missing source */
		e.ttl = c->ttl;
		e.tos = c->tos_inherit ? tnl_inner_tos(pkt->data, pkt->len) : c->tos;
		e.udp_src = tnl_udp_src_port(pkt->data, pkt->len);
		if (tnl_hdr_len(&e) + pkt->len > (size_t)re->info.mtu) {
			dropped++;
			tnl_warn(t,
			         "%zu-byte packet exceeds the path MTU %d to %u.%u.%u.%u: dropped",
			         tnl_hdr_len(&e) + pkt->len, re->info.mtu, e.dst >> 24,
			         (e.dst >> 16) & 0xff, (e.dst >> 8) & 0xff, e.dst & 0xff);
			continue;
		}
		/* On the underlay when the next hop's MAC is known, except one
		 * frame per refresh of an unconfirmed (STALE...) neighbour, which
		 * goes through the kernel so that it verifies the entry again. */
		packet = !re->l2_error && e.src;
		if (packet && re->l2_probe) {
			re->l2_probe = false;
			packet = false;
		}
		memset(&tm[m], 0, sizeof tm[m]);
		tm[m].packet = packet;
		tm[m].dst = e.dst;
		if (packet) {
			e.ip_id = t->ip_id++;
			hlen = tnl_build_frame(&e, re->l2.dst_mac, re->l2.src_mac, pkt->data,
			                       pkt->len, t->tx_hdrs[m]);
			tm[m].addr.ll.sll_family = AF_PACKET;
			tm[m].addr.ll.sll_protocol = htons(ETH_P_IP);
			tm[m].addr.ll.sll_ifindex = re->info.ifindex;
			tm[m].addr.ll.sll_halen = 6;
			memcpy(tm[m].addr.ll.sll_addr, re->l2.dst_mac, 6);
		} else {
			hlen = tnl_build(&e, pkt->data, pkt->len, t->tx_hdrs[m]);
			tm[m].addr.in.sin_family = AF_INET;
			tm[m].addr.in.sin_addr.s_addr = htonl(e.dst);
		}
		if (hlen < 0) {
			dropped++;
			continue;
		}
		iovs[m][0].iov_base = t->tx_hdrs[m];
		iovs[m][0].iov_len = (size_t)hlen;
		iovs[m][1].iov_base = pkt->data;
		iovs[m][1].iov_len = pkt->len;
		memset(&msgs[m], 0, sizeof msgs[m]);
		msgs[m].msg_hdr.msg_iov = iovs[m];
		msgs[m].msg_hdr.msg_iovlen = 2;
		msgs[m].msg_hdr.msg_name = &tm[m].addr;
		msgs[m].msg_hdr.msg_namelen = packet ? sizeof tm[m].addr.ll : sizeof tm[m].addr.in;
		m++;
	}
	/* Runs of frames for the same socket, in order. */
	for (unsigned start = 0, end; start < m; start = end) {
		for (end = start + 1; end < m && tm[end].packet == tm[start].packet; end++)
			continue;
		tnl_send_run(t, msgs + start, tm + start, end - start, &sent, &bytes, &dropped,
		             &errors);
	}
	netdev_count_tx(dev, sent, bytes, dropped, errors);
	return (int)sent;
}

static int tnl_tx_batch(struct netdev *dev, struct pkt *const *pkts, int n)
{
	return tnl_tx_batch_tnl(dev, pkts, NULL, n);
}

static void tnl_get_stats(const struct netdev *dev, struct netdev_stats *stats)
{
	const struct netdev_tnl *t = dev->priv;

	stats->tnl_tx_packet = atomic_load_explicit(&t->n_tx_packet, memory_order_relaxed);
	stats->tnl_tx_kernel = atomic_load_explicit(&t->n_tx_kernel, memory_order_relaxed);
}

static int tnl_get_fd(const struct netdev *dev)
{
	const struct netdev_tnl *t = dev->priv;

	return t->pfd;
}

static unsigned tnl_flow_fields(const struct netdev *dev)
{
	const struct netdev_tnl *t = dev->priv;
	unsigned f = NETDEV_TNL_IS_TUNNEL;

	if (t->cfg.key_flow)
		f |= NETDEV_TNL_FROM_FLOW_KEY;
	if (t->cfg.remote_flow)
		f |= NETDEV_TNL_FROM_FLOW_DST;
	if (t->cfg.proto == TNL_GENEVE)
		f |= NETDEV_TNL_FROM_FLOW_OPT;
	return f;
}

static int tnl_get_mac(const struct netdev *dev, uint8_t mac[6])
{
	(void)dev;
	memset(mac, 0, 6);
	return 0;
}

/* The largest inner frame that fits: the route MTU to a fixed remote (1500
 * for remote_ip=flow) less the outer header. */
static int tnl_get_mtu(const struct netdev *dev, int *mtu)
{
	const struct netdev_tnl *t = dev->priv;
	struct tnl_encap e = {.proto = t->cfg.proto, .key = t->cfg.key};
	struct route_info ri;
	int path = 1500;

	if (!t->cfg.remote_flow && !route_lookup(t->cfg.remote, &ri))
		path = ri.mtu;
	*mtu = path - (int)tnl_hdr_len(&e) - 14;
	return 0;
}

static enum netdev_link tnl_get_link(const struct netdev *dev)
{
	const struct netdev_tnl *t = dev->priv;
	struct route_info ri;

	if (t->cfg.remote_flow)
		return NETDEV_LINK_UP;
	return route_lookup(t->cfg.remote, &ri) ? NETDEV_LINK_DOWN : NETDEV_LINK_UP;
}

#define TNL_CLASS(TYPE)                                                                            \
	{                                                                                          \
		.type = TYPE, .check = tnl_check, .construct = tnl_construct,                      \
		.destruct = tnl_destruct, .rx_batch = tnl_rx_batch, .tx_batch = tnl_tx_batch,      \
		.get_fd = tnl_get_fd, .tx_batch_tnl = tnl_tx_batch_tnl,                            \
		.tnl_flow_fields = tnl_flow_fields, .get_mac = tnl_get_mac,                        \
		.get_mtu = tnl_get_mtu, .get_link = tnl_get_link, .get_stats = tnl_get_stats,      \
	}

const struct netdev_class netdev_vxlan_class = TNL_CLASS("vxlan");
const struct netdev_class netdev_geneve_class = TNL_CLASS("geneve");
const struct netdev_class netdev_gre_class = TNL_CLASS("gre");
