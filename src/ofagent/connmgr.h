/* connmgr.h - the OpenFlow connections of one bridge (inside the agent):
 * its controllers and listeners, the connections the listeners accepted,
 * role arbitration (one master; generation ids; OFPRRFC_STALE), the fan-out
 * of asynchronous messages by role and async config, the fail-mode
 * bookkeeping (ofproto_set_controller_state) and the "changed through
 * OpenFlow" flag the daemon saves by.
 *
 * Private to src/ofagent.  Control thread only. */
#ifndef PB_OFAGENT_CONNMGR_H
#define PB_OFAGENT_CONNMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofagent/ofagent.h"
#include "ofagent/ofconn.h"
#include "ofproto/ofproto-ofp.h"
#include "openflow/ofp-errors.h"

struct connmgr;

struct connmgr *connmgr_create(struct ofproto *br, int epfd);
void connmgr_destroy(struct connmgr *cm);
struct ofproto *connmgr_bridge(const struct connmgr *cm);

/* Targets already parsed and checked (ofagent.c). */
void connmgr_set_controllers(struct connmgr *cm, const struct ofstream_target *t, size_t n);
int connmgr_set_listeners(struct connmgr *cm, const struct ofstream_target *t, size_t n,
                          struct errmsg *err);

/* Timers of every connection; frees dead accepted connections.  Call after
 * each epoll batch too ('timers' false: only the freeing). */
void connmgr_run(struct connmgr *cm, uint64_t now_ms, bool timers);

void connmgr_status(struct connmgr *cm, struct ofagent_conn_status **out, size_t *n);

/* ROLE_REQUEST from 'c': applies 'role' (OFPCR_ROLE_*) with generation id
 * 'gen' (checked for MASTER and SLAVE: older than the last one seen is
 * OFPRRFC_STALE); a new master demotes the previous one to slave.  On
 * success '*gen_out' is the current generation id (0 if none yet). */
int connmgr_role_request(struct connmgr *cm, struct ofconn *c, uint32_t role, uint64_t gen,
                         uint64_t *gen_out, struct ofperr *oe);

/* Revalidation deferral across a batch of state-changing messages
 * (ofproto_defer_revalidation): begin before applying one, end before a
 * BARRIER_REPLY and after each batch. */
void connmgr_defer_begin(struct connmgr *cm);
void connmgr_defer_end(struct connmgr *cm);

/* Flows, groups or meters changed through OpenFlow. */
void connmgr_mark_dirty(struct connmgr *cm);
bool connmgr_take_dirty(struct connmgr *cm);

/* Corks (true) or uncorks every connection (ofconn_cork()): around a
 * burst of asynchronous messages.  No connection may be added or freed in
 * between. */
void connmgr_cork(struct connmgr *cm, bool cork);

/* Asynchronous messages, to every connection that wants them. */
void connmgr_send_packet_in(struct connmgr *cm, const struct ofproto_packet_in *pin);
void connmgr_send_flow_removed(struct connmgr *cm, const struct ofproto_flow_removed *fr);
void connmgr_send_port_status(struct connmgr *cm, enum ofproto_port_reason reason,
                              const struct ofproto_port_desc *desc);

/* ofagent-handlers.c: handles one message of 'c' (see ofconn_ops.recv). */
void ofagent_handle_msg(struct connmgr *cm, struct ofconn *c, const uint8_t *msg, size_t len);

#endif
