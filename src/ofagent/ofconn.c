/* ofconn.c - one OpenFlow connection: socket I/O, framing, the transmit
 * queue with its limits, HELLO negotiation, ECHO keepalive and reconnect
 * backoff (see ofconn.h). */
#include "ofagent/ofconn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "openflow/ofp-msgs.h"

#define VLOG_MODULE "ofconn"

/* The few wire details this layer needs (the rest is in src/openflow). */
#define OFPT_HELLO_           0
#define OFPT_ERROR_           1
#define OFPT_ECHO_REQUEST_    2
#define OFPT_ECHO_REPLY_      3
#define OFPHET_VERSIONBITMAP_ 1
#define OFPET_HELLO_FAILED_   0
#define OFPHFC_INCOMPATIBLE_  0
#define OFPET_BAD_REQUEST_    1
#define OFPBRC_BAD_VERSION_   0
#define OFPBRC_BAD_LEN_       6

#define RX_CAP     (2 * 65536u)
#define TX_CHUNK   65536u
#define ERROR_DATA 64u

struct ofp_hdr_ {
	uint8_t version;
	uint8_t type;
	uint16_t length;
	uint32_t xid;
};
_Static_assert(sizeof(struct ofp_hdr_) == 8, "ofp_header is 8 bytes");

struct ofconn {
	struct ofconn_watch watch; /* first: the loop's data.ptr */
	enum ofconn_type type;
	enum ofconn_state state;
	struct ofstream_target target; /* active only */
	char name[OFSTREAM_NAME_MAX];
	int fd, epfd;
	uint32_t ep_events;
	bool in_io;
	bool corked;    /* ofconn_cork(): sends queue, ofconn_uncork() writes */
	bool rx_paused; /* tx over the soft limit: requests wait */
	const struct ofconn_ops *ops;
	void *aux, *owner;

	uint8_t *rx;
	size_t rx_len;

	struct ofpbuf *tx; /* ring of chunks: [txh, txh + txn) mod txcap */
	size_t txh, txn, txcap;
	size_t tx_off;   /* bytes of the head chunk already written */
	size_t tx_bytes; /* total waiting */

	uint64_t state_since_ms, last_rx_ms, probe_sent_ms, next_try_ms;
	unsigned int backoff_ms;
	uint32_t next_xid;
	uint64_t async_dropped;
	char last_error[160];

	uint8_t version;
	enum ofconn_role role;
	struct ofconn_async async;
	uint16_t miss_send_len, frag_flags;
};

static void io_cb(struct ofconn_watch *w, uint32_t events);

/* ---- small helpers ---------------------------------------------------- */

static void set_state(struct ofconn *c, enum ofconn_state state)
{
	c->state = state;
	c->state_since_ms = time_msec();
}

static void update_events(struct ofconn *c)
{
	struct epoll_event ev = {.data.ptr = &c->watch};
	uint32_t want = 0;

	if (c->fd < 0)
		return;
	if (c->state == OFCONN_CONNECTING)
		want = EPOLLOUT;
	else
		want = (c->rx_paused ? 0 : EPOLLIN) | (c->tx_bytes ? EPOLLOUT : 0);
	if (want == c->ep_events)
		return;
	ev.events = want;
	if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->ep_events = want;
}

static int register_fd(struct ofconn *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = &c->watch};

	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		return -errno;
	c->ep_events = events;
	return 0;
}

static void tx_clear(struct ofconn *c)
{
	for (size_t i = 0; i < c->txn; i++)
		ofpbuf_uninit(&c->tx[(c->txh + i) % c->txcap]);
	c->txh = c->txn = 0;
	c->tx_off = c->tx_bytes = 0;
}

static void reset_openflow_state(struct ofconn *c)
{
	c->role = OFCONN_ROLE_EQUAL;
	ofconn_async_default(&c->async);
	c->miss_send_len = c->type == OFCONN_SERVICE ? 0 : 128;
	c->frag_flags = 0;
}

static void close_fd(struct ofconn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
	c->ep_events = 0;
	c->rx_len = 0;
	c->rx_paused = false;
	tx_clear(c);
}

static void PB_PRINTF(2, 3) fail(struct ofconn *c, const char *fmt, ...)
{
	bool was_up = c->state == OFCONN_UP;
	char why[sizeof(c->last_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c->state == OFCONN_DEAD)
		return;
	if (was_up || strcmp(why, c->last_error))
		VLOG_INFO("%s: %s", c->name, why);
	snprintf(c->last_error, sizeof(c->last_error), "%s", why);
	close_fd(c);
	c->version = 0;
	if (c->type == OFCONN_ACTIVE) {
		c->backoff_ms = c->backoff_ms ? PB_MIN(c->backoff_ms * 2, OFCONN_BACKOFF_MAX_MS)
		                              : OFCONN_BACKOFF_MIN_MS;
		set_state(c, OFCONN_BACKOFF);
		c->next_try_ms = c->state_since_ms + c->backoff_ms;
	} else {
		set_state(c, OFCONN_DEAD);
	}
	if (was_up && c->ops->changed)
		c->ops->changed(c->aux, c, false);
}

/* ---- transmit ---------------------------------------------------------- */

static void tx_append(struct ofconn *c, const void *data, size_t len)
{
	struct ofpbuf *tail = c->txn ? &c->tx[(c->txh + c->txn - 1) % c->txcap] : NULL;

	if (!tail || tail->size + len > TX_CHUNK) {
		if (c->txn == c->txcap) {
			size_t ncap = c->txcap ? c->txcap * 2 : 8;
			struct ofpbuf *n = xcalloc(ncap, sizeof(*n));

			for (size_t i = 0; i < c->txn; i++)
				n[i] = c->tx[(c->txh + i) % c->txcap];
			free(c->tx);
			c->tx = n;
			c->txcap = ncap;
			c->txh = 0;
		}
		tail = &c->tx[(c->txh + c->txn) % c->txcap];
		ofpbuf_init(tail, PB_MAX(len, (size_t)4096));
		c->txn++;
	}
	ofpbuf_put(tail, data, len);
	c->tx_bytes += len;
}

/* Writes as much as the socket takes.  0, or -errno after failing the
 * connection. */
static int flush(struct ofconn *c)
{
	while (c->tx_bytes && c->fd >= 0) {
		struct iovec iov[64];
		int n = 0;
		ssize_t w;

		for (size_t i = 0; i < c->txn && n < (int)ARRAY_SIZE(iov); i++) {
			struct ofpbuf *b = &c->tx[(c->txh + i) % c->txcap];
			size_t off = i ? 0 : c->tx_off;

			iov[n].iov_base = b->data + off;
			iov[n].iov_len = b->size - off;
			n++;
		}
		w = writev(c->fd, iov, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			fail(c, "send failed: %s", strerror(errno));
			return -EPIPE;
		}
		c->tx_bytes -= (size_t)w;
		while (w > 0) {
			struct ofpbuf *b = &c->tx[c->txh];
			size_t left = b->size - c->tx_off;

			if ((size_t)w < left) {
				c->tx_off += (size_t)w;
				break;
			}
			w -= (ssize_t)left;
			ofpbuf_uninit(b);
			c->txh = (c->txh + 1) % c->txcap;
			c->txn--;
			c->tx_off = 0;
		}
	}
	return 0;
}

static void put_header(struct ofpbuf *b, uint8_t type, uint32_t xid)
{
	struct ofp_hdr_ h = {OFCONN_VERSION, type, 0, htonl(xid)};

	ofpbuf_put(b, &h, sizeof(h));
}

static void finish_header(struct ofpbuf *b)
{
	struct ofp_hdr_ *h = (struct ofp_hdr_ *)b->data;

	h->length = htons((uint16_t)b->size);
}

/* Queues raw bytes regardless of the state (HELLO, errors during HELLO). */
static void send_raw(struct ofconn *c, struct ofpbuf *b)
{
	if (c->fd < 0)
		return;
	tx_append(c, b->data, b->size);
	if (!c->in_io && !c->corked) {
		flush(c);
		update_events(c);
	}
}

int ofconn_send(struct ofconn *c, struct ofpbuf *msg, bool async)
{
	int error = 0;

	if (c->state != OFCONN_UP) {
		error = -ENOTCONN;
	} else if (async && c->tx_bytes > OFCONN_TX_SOFT_LIMIT) {
		c->async_dropped++;
		error = -ENOBUFS;
	} else {
		tx_append(c, msg->data, msg->size);
		if (c->tx_bytes > OFCONN_TX_HARD_LIMIT)
			fail(c, "more than %u MiB waiting to be sent: the peer does not read",
			     OFCONN_TX_HARD_LIMIT >> 20);
		else if (!c->in_io && !c->corked) {
			flush(c);
			update_events(c);
		}
	}
	ofpbuf_uninit(msg);
	return error;
}

void ofconn_cork(struct ofconn *c)
{
	c->corked = true;
}

void ofconn_uncork(struct ofconn *c)
{
	c->corked = false;
	if (c->fd >= 0 && !c->in_io && c->tx_bytes) {
		flush(c);
		update_events(c);
	}
}

static void send_error_data(struct ofconn *c, uint32_t xid, uint16_t type, uint16_t code,
                            const void *data, size_t len)
{
	struct ofpbuf b;
	uint16_t tc[2] = {htons(type), htons(code)};

	ofpbuf_init(&b, 12 + len);
	put_header(&b, OFPT_ERROR_, xid);
	ofpbuf_put(&b, tc, sizeof(tc));
	if (len)
		ofpbuf_put(&b, data, len);
	finish_header(&b);
	send_raw(c, &b);
	ofpbuf_uninit(&b);
}

void ofconn_send_error(struct ofconn *c, const uint8_t *req, size_t req_len, uint16_t type,
                       uint16_t code)
{
	uint32_t xid = 0;
	struct ofpbuf b;

	if (req_len >= sizeof(struct ofp_hdr_))
		memcpy(&xid, req + 4, 4);
	ofpbuf_init(&b, 12 + ERROR_DATA);
	ofpmsg_encode_error(&b, ntohl(xid), type, code, req, req_len);
	send_raw(c, &b);
	ofpbuf_uninit(&b);
}

/* ---- HELLO ------------------------------------------------------------- */

static void send_hello(struct ofconn *c)
{
	struct ofpbuf b;

	ofpbuf_init(&b, 16);
	ofpmsg_encode_hello(&b, c->next_xid++);
	send_raw(c, &b);
	ofpbuf_uninit(&b);
}

static void start_hello(struct ofconn *c)
{
	set_state(c, OFCONN_HELLO);
	c->last_rx_ms = c->state_since_ms;
	send_hello(c);
}

static void handle_hello(struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofperr oe = {0};
	uint8_t version;

	if (ofpmsg_decode_hello(msg, len, &version, &oe)) {
		char text[128];

		/* HELLO_FAILED carries text (spec 6.3.1); other errors the request. */
		snprintf(text, sizeof(text),
		         "We support version 0x%02x (OpenFlow 1.3) only; your HELLO has version "
		         "0x%02x",
		         OFCONN_VERSION, msg[0]);
		if (oe.set && oe.type != OFPET_HELLO_FAILED_)
			ofconn_send_error(c, msg, len, oe.type, oe.code);
		else
			send_error_data(c, ntohl(((const struct ofp_hdr_ *)msg)->xid),
			                OFPET_HELLO_FAILED_, OFPHFC_INCOMPATIBLE_, text,
			                strlen(text));
		flush(c);
		fail(c,
		     "version negotiation failed: the peer's HELLO (version 0x%02x) does not "
		     "offer OpenFlow 1.3, the only version Patchbay speaks",
		     msg[0]);
		return;
	}
	c->version = OFCONN_VERSION;
	reset_openflow_state(c);
	set_state(c, OFCONN_UP);
	c->backoff_ms = 0;
	c->probe_sent_ms = 0;
	c->last_error[0] = '\0';
	VLOG_INFO("%s: connected (OpenFlow 1.3)", c->name);
	if (c->ops->changed)
		c->ops->changed(c->aux, c, true);
}

/* ---- receive ----------------------------------------------------------- */

static void echo_reply(struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct ofpbuf b;

	ofpbuf_init(&b, len);
	ofpmsg_encode_echo_reply(&b, msg, len);
	send_raw(c, &b);
	ofpbuf_uninit(&b);
}

/* One framed message.  Returns true if it went to ops->recv. */
static bool dispatch(struct ofconn *c, const uint8_t *msg, size_t len)
{
	uint8_t type = msg[1];

	if (c->state == OFCONN_HELLO) {
		if (type == OFPT_HELLO_) {
			handle_hello(c, msg, len);
		} else {
			static const char text[] = "expected HELLO first";

			send_error_data(c, ntohl(((const struct ofp_hdr_ *)msg)->xid),
			                OFPET_HELLO_FAILED_, OFPHFC_INCOMPATIBLE_, text,
			                strlen(text));
			flush(c);
			fail(c, "the peer sent message type %u before HELLO", type);
		}
		return false;
	}
	if (msg[0] != c->version) {
		ofconn_send_error(c, msg, len, OFPET_BAD_REQUEST_, OFPBRC_BAD_VERSION_);
		return false;
	}
	switch (type) {
	case OFPT_HELLO_:
		return false;
	case OFPT_ECHO_REQUEST_:
		echo_reply(c, msg, len);
		return false;
	case OFPT_ECHO_REPLY_:
		return false;
	default:
		c->ops->recv(c->aux, c, msg, len);
		return true;
	}
}

/* Frames and dispatches what rx holds, until it runs out, the connection
 * fails, or the transmit queue passes the soft limit. */
static void process_rx(struct ofconn *c)
{
	size_t off = 0;
	bool any = false;

	while (c->fd >= 0 && c->rx_len - off >= sizeof(struct ofp_hdr_)) {
		const uint8_t *msg = c->rx + off;
		uint16_t len;

		if (c->tx_bytes > OFCONN_TX_SOFT_LIMIT) {
			c->rx_paused = true;
			break;
		}
		memcpy(&len, msg + 2, 2);
		len = ntohs(len);
		if (len < sizeof(struct ofp_hdr_)) {
			ofconn_send_error(c, msg, sizeof(struct ofp_hdr_), OFPET_BAD_REQUEST_,
			                  OFPBRC_BAD_LEN_);
			flush(c);
			fail(c, "message with length %u (less than a header): closing", len);
			break;
		}
		if (c->state == OFCONN_HELLO && msg[1] != OFPT_HELLO_) {
			/* Not OpenFlow, or not starting with HELLO: refuse on the
			 * header alone instead of waiting for a bogus length. */
			dispatch(c, msg, sizeof(struct ofp_hdr_));
			break;
		}
		if (c->rx_len - off < len)
			break;
		off += len;
		any |= dispatch(c, msg, len);
	}
	if (c->fd >= 0 && off) {
		memmove(c->rx, c->rx + off, c->rx_len - off);
		c->rx_len -= off;
	}
	if (c->fd >= 0 && c->tx_bytes <= OFCONN_TX_SOFT_LIMIT)
		c->rx_paused = false;
	if (any && c->ops->batch_end)
		c->ops->batch_end(c->aux, c);
}

static void do_read(struct ofconn *c)
{
	ssize_t n;

	if (c->rx_paused)
		return;
	n = read(c->fd, c->rx + c->rx_len, RX_CAP - c->rx_len);
	if (n == 0) {
		fail(c, "connection closed by peer");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			fail(c, "receive failed: %s", strerror(errno));
		return;
	}
	c->rx_len += (size_t)n;
	c->last_rx_ms = time_msec();
	c->probe_sent_ms = 0;
	process_rx(c);
}

static void io_cb(struct ofconn_watch *w, uint32_t events)
{
	struct ofconn *c = (struct ofconn *)w;

	if (c->fd < 0)
		return;
	c->in_io = true;
	if (c->state == OFCONN_CONNECTING) {
		int error = ofstream_connect_result(c->fd);

		if (error)
			fail(c, "connection failed: %s", strerror(-error));
		else
			start_hello(c);
	} else {
		if ((events & EPOLLOUT) && !flush(c) && c->rx_paused &&
		    c->tx_bytes <= OFCONN_TX_SOFT_LIMIT) {
			c->rx_paused = false;
			process_rx(c); /* what waited for the queue to drain */
		}
		if (c->fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			do_read(c);
	}
	c->in_io = false;
	if (c->fd >= 0)
		flush(c);
	update_events(c);
}

/* ---- life cycle -------------------------------------------------------- */

static struct ofconn *ofconn_new(enum ofconn_type type, int epfd, const struct ofconn_ops *ops,
                                 void *aux)
{
	struct ofconn *c = xzalloc(sizeof(*c));

	c->watch.cb = io_cb;
	c->type = type;
	c->fd = -1;
	c->epfd = epfd;
	c->ops = ops;
	c->aux = aux;
	c->rx = xmalloc(RX_CAP);
	c->next_xid = 1;
	reset_openflow_state(c);
	return c;
}

static void start_connect(struct ofconn *c)
{
	int error = ofstream_connect(&c->target, &c->fd);

	if (error && error != -EINPROGRESS) {
		set_state(c, OFCONN_CONNECTING);
		fail(c, "connection failed: %s", strerror(-error));
		return;
	}
	if (register_fd(c, error ? EPOLLOUT : EPOLLIN) < 0) {
		fail(c, "cannot poll the socket: %s", strerror(errno));
		return;
	}
	if (error) {
		set_state(c, OFCONN_CONNECTING);
	} else {
		start_hello(c);
	}
}

struct ofconn *ofconn_create_active(const struct ofstream_target *t, int epfd,
                                    const struct ofconn_ops *ops, void *aux)
{
	struct ofconn *c = ofconn_new(OFCONN_ACTIVE, epfd, ops, aux);

	c->target = *t;
	snprintf(c->name, sizeof(c->name), "%s", t->name);
	start_connect(c);
	return c;
}

struct ofconn *ofconn_create_service(int fd, const char *peer, int epfd,
                                     const struct ofconn_ops *ops, void *aux)
{
	struct ofconn *c = ofconn_new(OFCONN_SERVICE, epfd, ops, aux);

	snprintf(c->name, sizeof(c->name), "%s", peer);
	c->fd = fd;
	if (register_fd(c, EPOLLIN) < 0) {
		set_state(c, OFCONN_HELLO);
		fail(c, "cannot poll the socket: %s", strerror(errno));
		return c;
	}
	start_hello(c);
	return c;
}

void ofconn_destroy(struct ofconn *c)
{
	if (!c)
		return;
	close_fd(c);
	free(c->tx);
	free(c->rx);
	free(c);
}

void ofconn_disconnect(struct ofconn *c, const char *why)
{
	if (c->fd >= 0 || c->state == OFCONN_UP)
		fail(c, "%s", why);
}

void ofconn_run(struct ofconn *c, uint64_t now)
{
	switch (c->state) {
	case OFCONN_BACKOFF:
		if (now >= c->next_try_ms)
			start_connect(c);
		break;
	case OFCONN_CONNECTING:
	case OFCONN_HELLO:
		if (now - c->state_since_ms >= OFCONN_HELLO_MSEC)
			fail(c, "%s timed out after %u s",
			     c->state == OFCONN_CONNECTING ? "connection" : "HELLO exchange",
			     OFCONN_HELLO_MSEC / 1000);
		break;
	case OFCONN_UP:
		if (!c->probe_sent_ms && now - c->last_rx_ms >= OFCONN_PROBE_MSEC) {
			struct ofpbuf b;

			ofpbuf_init(&b, 8);
			ofpmsg_encode_echo_request(&b, c->next_xid++, NULL, 0);
			send_raw(c, &b);
			ofpbuf_uninit(&b);
			c->probe_sent_ms = now;
		} else if (c->probe_sent_ms && now - c->probe_sent_ms >= OFCONN_PROBE_MSEC) {
			fail(c, "inactivity probe: no reply for %u s", OFCONN_PROBE_MSEC / 1000);
		}
		break;
	case OFCONN_DEAD:
		break;
	}
}

/* ---- accessors --------------------------------------------------------- */

enum ofconn_type ofconn_type(const struct ofconn *c)
{
	return c->type;
}

enum ofconn_state ofconn_state(const struct ofconn *c)
{
	return c->state;
}

bool ofconn_is_up(const struct ofconn *c)
{
	return c->state == OFCONN_UP;
}

bool ofconn_is_dead(const struct ofconn *c)
{
	return c->state == OFCONN_DEAD;
}

const char *ofconn_state_name(const struct ofconn *c)
{
	switch (c->state) {
	case OFCONN_BACKOFF:
		return "backoff";
	case OFCONN_CONNECTING:
	case OFCONN_HELLO:
		return "connecting";
	case OFCONN_UP:
		return "connected";
	case OFCONN_DEAD:
		return "closed";
	}
	return "?";
}

const char *ofconn_name(const struct ofconn *c)
{
	return c->name;
}

const char *ofconn_last_error(const struct ofconn *c)
{
	return c->last_error;
}

uint8_t ofconn_version(const struct ofconn *c)
{
	return c->state == OFCONN_UP ? c->version : 0;
}

unsigned int ofconn_state_seconds(const struct ofconn *c, uint64_t now_ms)
{
	return (unsigned int)((now_ms - c->state_since_ms) / 1000);
}

unsigned int ofconn_backoff_ms(const struct ofconn *c)
{
	return c->backoff_ms;
}

size_t ofconn_tx_queued(const struct ofconn *c)
{
	return c->tx_bytes;
}

uint64_t ofconn_async_dropped(const struct ofconn *c)
{
	return c->async_dropped;
}

enum ofconn_role ofconn_role(const struct ofconn *c)
{
	return c->role;
}

void ofconn_set_role(struct ofconn *c, enum ofconn_role role)
{
	if (role != OFCONN_ROLE_NOCHANGE)
		c->role = role;
}

const struct ofconn_async *ofconn_async(const struct ofconn *c)
{
	return &c->async;
}

void ofconn_set_async(struct ofconn *c, const struct ofconn_async *a)
{
	c->async = *a;
}

void ofconn_async_default(struct ofconn_async *a)
{
	/* OFPR_NO_MATCH | OFPR_ACTION; every port reason; every removal. */
	a->packet_in[0] = 0x3;
	a->packet_in[1] = 0;
	a->port_status[0] = a->port_status[1] = 0x7;
	a->flow_removed[0] = 0xf;
	a->flow_removed[1] = 0;
}

uint16_t ofconn_miss_send_len(const struct ofconn *c)
{
	return c->miss_send_len;
}

uint16_t ofconn_frag_flags(const struct ofconn *c)
{
	return c->frag_flags;
}

void ofconn_set_config(struct ofconn *c, uint16_t flags, uint16_t miss_send_len)
{
	c->frag_flags = flags;
	c->miss_send_len = miss_send_len;
}

bool ofconn_wants_async(const struct ofconn *c, enum ofconn_async_kind kind, unsigned int reason)
{
	int i = c->role == OFCONN_ROLE_SLAVE;
	uint32_t mask;

	if (c->state != OFCONN_UP || reason >= 32)
		return false;
	if (c->type == OFCONN_SERVICE && !c->miss_send_len)
		return false;
	switch (kind) {
	case OFCONN_ASYNC_PACKET_IN:
		mask = c->async.packet_in[i];
		break;
	case OFCONN_ASYNC_PORT_STATUS:
		mask = c->async.port_status[i];
		break;
	case OFCONN_ASYNC_FLOW_REMOVED:
		mask = c->async.flow_removed[i];
		break;
	default:
		return false;
	}
	return mask & (1u << reason);
}

void ofconn_set_owner(struct ofconn *c, void *owner)
{
	c->owner = owner;
}

void *ofconn_owner(const struct ofconn *c)
{
	return c->owner;
}
