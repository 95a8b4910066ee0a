/* ofagent.h - the OpenFlow 1.3 agent of patchbayd: per bridge, the
 * connections to controllers (set-controller), the listeners for tools
 * such as ovs-ofctl (ofp-listen), the messages they exchange with the
 * bridge (src/ofagent/ofagent-handlers.c) and the asynchronous messages
 * the bridge sends them (PACKET_IN, FLOW_REMOVED, PORT_STATUS).
 *
 * The daemon owns the configuration: it tells the agent which targets a
 * bridge has, and asks it which bridges changed their flows, groups or
 * meters through OpenFlow so that it can save them (ofagent_take_dirty():
 * the daemon saves at most once a second, never per message).
 *
 * Polling: the agent keeps its own epoll set (every connection, listener,
 * a 200 ms timer for keepalive/backoff, and the switch's event descriptor
 * ofswitch_events_fd()).  The daemon watches ofagent_fd() for EPOLLIN and
 * calls ofagent_run() when it is readable.  The agent installs the
 * switch's event callbacks (ofswitch_set_event_ops()).
 *
 * Latency and batching: the PACKET_INs (and other asynchronous messages)
 * of one ofswitch_events_run() burst are written with one writev per
 * connection.  After a connection's I/O, ofagent_run() keeps polling its
 * set for up to OFAGENT_BUSY_POLL_USEC (yielding the CPU in between, at
 * most OFAGENT_BUSY_POLL_MAX_USEC in all) before returning: a client that
 * waits for each reply (ovs-ofctl add-flows: FLOW_MOD + BARRIER per rule)
 * sends its next request within that time, and finding it awake saves the
 * wake-up of an idle CPU, which costs more than the request itself.
 *
 * Threads: control thread only.  Bridges are identified by their ofproto:
 * call ofagent_bridge_add() after creating a bridge and
 * ofagent_bridge_del() before deleting it. */
#ifndef PB_OFAGENT_H
#define PB_OFAGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofagent/stream.h"
#include "ofproto/ofproto.h"

struct ofagent;

/* Most connections one listener accepts at a time (more are closed at
 * once). */
#define OFAGENT_MAX_SERVICE_CONNS 64
/* Most controllers and listeners per bridge. */
#define OFAGENT_MAX_TARGETS 16
/* ofagent_run(): polling after a connection's I/O (see above). */
#define OFAGENT_BUSY_POLL_USEC     50u
#define OFAGENT_BUSY_POLL_MAX_USEC 2000u

/* 0 or -errno with 'err'. */
int ofagent_create(struct ofswitch *sw, struct ofagent **out, struct errmsg *err);
/* Closes every connection and listener (NULL is fine). */
void ofagent_destroy(struct ofagent *agent);

/* The descriptor to watch, and the work to do when it is readable. */
int ofagent_fd(const struct ofagent *agent);
void ofagent_run(struct ofagent *agent);

/* Starts/stops managing bridge 'br' (no controllers, no listeners). */
void ofagent_bridge_add(struct ofagent *agent, struct ofproto *br);
void ofagent_bridge_del(struct ofagent *agent, struct ofproto *br);

/* Checks a list of targets without applying it: each must parse
 * ('allowed' as in ofstream_parse()), at most OFAGENT_MAX_TARGETS, none
 * twice.  0 or -EINVAL with 'err' ("'tcp:x': ..."). */
int ofagent_check_targets(char *const *targets, size_t n, unsigned int allowed, struct errmsg *err);

/* Replaces the bridge's controllers (active targets).  Connections whose
 * target stays are kept; new ones start connecting at once (the call does
 * not wait).  0 or -EINVAL (see ofagent_check_targets) with nothing
 * changed. */
int ofagent_set_controllers(struct ofagent *agent, struct ofproto *br, char *const *targets,
                            size_t n, struct errmsg *err);
/* Replaces the bridge's listeners (passive targets).  New listeners are
 * bound before the call returns; if one cannot be bound ("ptcp:6653:
 * 0.0.0.0: port 6653 is already in use") nothing changes and -errno is
 * returned.  Removed listeners close with the connections they accepted. */
int ofagent_set_listeners(struct ofagent *agent, struct ofproto *br, char *const *targets, size_t n,
                          struct errmsg *err);

/* One line of get-controller. */
struct ofagent_conn_status {
	const char *kind;               /* "controller", "listener" or "connection" (accepted) */
	char target[OFSTREAM_NAME_MAX]; /* configured target / peer address */
	char bound[OFSTREAM_NAME_MAX];  /* listener: the address really bound */
	char via[OFSTREAM_NAME_MAX];    /* accepted: the listener's target */
	const char *state;              /* connected, connecting, backoff, listening, closed */
	const char *role;               /* equal, master, slave; NULL when not connected */
	uint8_t version;                /* 4 when connected, else 0 */
	unsigned int seconds;           /* in this state */
	unsigned int connections;       /* listener: accepted connections open */
	char last_error[160];
};
/* Status of every controller, listener and accepted connection of 'br'
 * (heap array; caller frees). */
void ofagent_status(struct ofagent *agent, struct ofproto *br, struct ofagent_conn_status **out,
                    size_t *n);

/* True if flows, groups or meters of 'br' changed through OpenFlow since
 * the last call (the flag is cleared). */
bool ofagent_take_dirty(struct ofagent *agent, struct ofproto *br);
/* Sets the flag again (a save that failed is retried). */
void ofagent_mark_dirty(struct ofagent *agent, struct ofproto *br);

#endif
