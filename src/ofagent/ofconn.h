/* ofconn.h - one OpenFlow connection of the agent: the socket, message
 * framing, the transmit queue, the HELLO exchange (version negotiation with
 * the versions bitmap; Patchbay speaks OpenFlow 1.3 only), ECHO keepalive,
 * reconnection with exponential backoff for connections to controllers,
 * and the per-connection OpenFlow state that handlers read and change
 * (role, async config, miss_send_len, fragment flags).
 *
 * Two kinds:
 *   - active ("primary"): made by set-controller towards tcp:/unix:
 *     targets.  It never goes away on its own: after a failure it waits
 *     (1 s, doubling up to 8 s, back to 1 s once a HELLO exchange
 *     succeeded) and connects again.
 *   - service: accepted by a ptcp:/punix: listener (ovs-ofctl and other
 *     tools).  Once closed it is "dead" and its owner frees it.
 *     Like Open vSwitch's service connections it gets no asynchronous
 *     messages (PACKET_IN, FLOW_REMOVED, PORT_STATUS) until it sets a
 *     non-zero miss_send_len with SET_CONFIG.
 *
 * Limits: a message is at most 65535 bytes (the header's length field);
 * a length below 8 is answered with OFPBRC_BAD_LEN and the connection is
 * closed (the stream cannot be resynchronized).  While more than
 * OFCONN_TX_SOFT_LIMIT bytes wait to be sent, no further request is read
 * (a controller that does not read its replies slows down only itself) and
 * asynchronous messages are dropped; beyond OFCONN_TX_HARD_LIMIT (one
 * request's multipart replies can be large) the connection is closed.
 *
 * Keepalive: after OFCONN_PROBE_MSEC without receiving anything an
 * ECHO_REQUEST is sent; if still nothing arrives within another
 * OFCONN_PROBE_MSEC the connection is closed ("inactivity probe").
 *
 * Threads: control thread only.  Descriptors are registered in the epoll
 * set 'epfd' given at creation with a 'struct ofconn_watch' as data.ptr;
 * the owner's loop calls watch->cb with the ready events.  A connection is
 * never freed from inside its own callbacks: owners free dead service
 * connections after a whole epoll batch (ofconn_is_dead()). */
#ifndef PB_OFAGENT_OFCONN_H
#define PB_OFAGENT_OFCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofagent/stream.h"
#include "openflow/ofpbuf.h"

#define OFCONN_VERSION        0x04 /* OpenFlow 1.3 */
#define OFCONN_TX_SOFT_LIMIT  (1u << 20)
#define OFCONN_TX_HARD_LIMIT  (256u << 20)
#define OFCONN_PROBE_MSEC     5000u
#define OFCONN_HELLO_MSEC     10000u /* connect + HELLO must finish in time */
#define OFCONN_BACKOFF_MIN_MS 1000u
#define OFCONN_BACKOFF_MAX_MS 8000u
#define OFCONN_MAX_MSG        65535u

/* What the loop calls; embedded in its owner. */
struct ofconn_watch {
	void (*cb)(struct ofconn_watch *w, uint32_t events);
};

enum ofconn_type { OFCONN_ACTIVE, OFCONN_SERVICE };

enum ofconn_state {
	OFCONN_BACKOFF,    /* active: waiting before the next attempt */
	OFCONN_CONNECTING, /* active: connect() in progress */
	OFCONN_HELLO,      /* HELLO sent, waiting for the peer's */
	OFCONN_UP,         /* negotiated: messages flow */
	OFCONN_DEAD,       /* service: closed, to be freed */
};

/* OpenFlow 1.3 controller roles (ofp_controller_role values). */
enum ofconn_role {
	OFCONN_ROLE_NOCHANGE = 0,
	OFCONN_ROLE_EQUAL = 1,
	OFCONN_ROLE_MASTER = 2,
	OFCONN_ROLE_SLAVE = 3,
};

/* Per-connection async config (OFPT_SET_ASYNC): [0] master/equal, [1]
 * slave; bit N set = messages with reason N are sent. */
struct ofconn_async {
	uint32_t packet_in[2];
	uint32_t port_status[2];
	uint32_t flow_removed[2];
};

struct ofconn;

struct ofconn_ops {
	/* A message of a connection that is UP ('len' == its header length,
	 * 8..65535, version not checked).  HELLO and ECHO_REQUEST/REPLY are
	 * handled here and not passed on. */
	void (*recv)(void *aux, struct ofconn *c, const uint8_t *msg, size_t len);
	/* After the messages of one read were passed to recv. */
	void (*batch_end)(void *aux, struct ofconn *c);
	/* The connection became UP or stopped being UP. */
	void (*changed)(void *aux, struct ofconn *c, bool up);
};

/* A connection to controller 't'; it starts connecting on the first
 * ofconn_run().  Never fails. */
struct ofconn *ofconn_create_active(const struct ofstream_target *t, int epfd,
                                    const struct ofconn_ops *ops, void *aux);
/* Takes over accepted socket 'fd' (peer address text 'peer') and sends
 * HELLO.  Never fails (a failing socket makes the connection dead). */
struct ofconn *ofconn_create_service(int fd, const char *peer, int epfd,
                                     const struct ofconn_ops *ops, void *aux);
/* Closes and frees (NULL is fine). */
void ofconn_destroy(struct ofconn *c);

/* Timers: connect/HELLO timeout, keepalive, the end of backoff. */
void ofconn_run(struct ofconn *c, uint64_t now_ms);

/* Queues one complete message (taken over; 'msg' is left empty).  'async'
 * messages are dropped (-ENOBUFS) while the queue is over the soft limit.
 * Messages to a connection that is not UP are dropped (-ENOTCONN). */
int ofconn_send(struct ofconn *c, struct ofpbuf *msg, bool async);
/* Between ofconn_cork() and ofconn_uncork() sends only queue; uncork
 * writes what was queued with as few system calls as the socket allows
 * (a burst of PACKET_INs: one writev instead of one per message). */
void ofconn_cork(struct ofconn *c);
void ofconn_uncork(struct ofconn *c);
/* Queues an ERROR of (type, code) about 'req' (its xid and first 64
 * bytes). */
void ofconn_send_error(struct ofconn *c, const uint8_t *req, size_t req_len, uint16_t type,
                       uint16_t code);
/* Closes the connection now (active ones go to backoff). 'why' is kept as
 * the last error. */
void ofconn_disconnect(struct ofconn *c, const char *why);

enum ofconn_type ofconn_type(const struct ofconn *c);
enum ofconn_state ofconn_state(const struct ofconn *c);
bool ofconn_is_up(const struct ofconn *c);
bool ofconn_is_dead(const struct ofconn *c);
/* "connected", "connecting", "backoff", "hello", "closed". */
const char *ofconn_state_name(const struct ofconn *c);
/* The target name (active) or the peer address (service). */
const char *ofconn_name(const struct ofconn *c);
/* Why the connection last failed or closed ("" if never). */
const char *ofconn_last_error(const struct ofconn *c);
/* The negotiated version (0 while not UP). */
uint8_t ofconn_version(const struct ofconn *c);
/* Seconds the connection has been UP, or in its current state. */
unsigned int ofconn_state_seconds(const struct ofconn *c, uint64_t now_ms);
/* Active connections: the current wait between attempts (0 once a HELLO
 * exchange succeeded). */
unsigned int ofconn_backoff_ms(const struct ofconn *c);
/* Bytes waiting to be sent. */
size_t ofconn_tx_queued(const struct ofconn *c);
/* Asynchronous messages dropped because the queue was full. */
uint64_t ofconn_async_dropped(const struct ofconn *c);

/* OpenFlow state, reset to the defaults each time the connection comes
 * up: role EQUAL, the spec's async defaults, miss_send_len 128 (0 for
 * service connections), fragment flags 0. */
enum ofconn_role ofconn_role(const struct ofconn *c);
void ofconn_set_role(struct ofconn *c, enum ofconn_role role);
const struct ofconn_async *ofconn_async(const struct ofconn *c);
void ofconn_set_async(struct ofconn *c, const struct ofconn_async *a);
/* The defaults of the spec (master/equal: PACKET_IN no_match+action, every
 * PORT_STATUS, every FLOW_REMOVED; slave: only PORT_STATUS). */
void ofconn_async_default(struct ofconn_async *a);
uint16_t ofconn_miss_send_len(const struct ofconn *c);
uint16_t ofconn_frag_flags(const struct ofconn *c);
void ofconn_set_config(struct ofconn *c, uint16_t flags, uint16_t miss_send_len);

/* Whether an asynchronous message of 'kind' (0 packet_in, 1 port_status,
 * 2 flow_removed) with 'reason' goes to this connection given its role,
 * async config and (for service connections) miss_send_len. */
enum ofconn_async_kind {
	OFCONN_ASYNC_PACKET_IN,
	OFCONN_ASYNC_PORT_STATUS,
	OFCONN_ASYNC_FLOW_REMOVED
};
bool ofconn_wants_async(const struct ofconn *c, enum ofconn_async_kind kind, unsigned int reason);

/* Owner data (e.g. the connection manager's bookkeeping). */
void ofconn_set_owner(struct ofconn *c, void *owner);
void *ofconn_owner(const struct ofconn *c);

#endif
