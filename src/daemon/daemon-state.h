/* daemon-state.h - what patchbayd holds: the live switch, the stored
 * configuration it was made from, and the ports that could not be opened.
 *
 * Invariant: every bridge and port in 'cfg' exists in 'sw', except the
 * ports listed as absent (their device could not be opened; they stay
 * configured and are retried).  Control thread only. */
#ifndef PB_DAEMON_STATE_H
#define PB_DAEMON_STATE_H

#include "daemon/config-store.h"
#include "ofproto/ofproto.h"

struct rpc_server;
struct pbd_captures;
struct ofagent;

struct pbd_absent {
	char *port;
	char *error; /* why it could not be opened */
};

struct pbd {
	struct ofswitch *sw;
	struct config *cfg; /* what db_path holds */
	char *db_path;
	struct pbd_absent *absent;
	size_t n_absent;
	/* The main loop's epoll fd and RPC server (for connections that leave
	 * the RPC server, docs/rpc.md "capture"), and the running captures
	 * (capture-session.h). */
	int epfd;
	struct rpc_server *rpc;
	struct pbd_captures *captures;
	struct ofagent *agent; /* the OpenFlow agent (daemon-ofp.h) */
};

/* Creates every bridge and port of d->cfg in d->sw, re-attaching kernel
 * devices that still exist (NETDEV_OPEN_REUSE), then loads each bridge's
 * stored flows (a bridge without stored flows keeps its default rules).  A
 * port that fails is recorded as absent and logged; a bridge or a flow line
 * that fails is an error (0 or -errno with 'err', e.g. "bridge br0:
 * flows[3]: table 0 is full (limit 10 flows)"). */
int pbd_restore(struct pbd *d, struct errmsg *err);
/* Applies the bridge's stored port VLAN settings and mirrors to 'br'
 * (rpc-vlan-mirror-methods.c; a mirror that fails is logged). */
void pbd_l2_apply(struct ofproto *br, const struct config_bridge *cb);
/* Tries to open the absent ports again. */
void pbd_retry_absent(struct pbd *d);
/* The error of absent port 'port', or NULL if it is not absent. */
const char *pbd_absent_error(const struct pbd *d, const char *port);

/* Saves 'new_cfg' to d->db_path and makes it d->cfg.  Takes ownership of
 * 'new_cfg' in all cases.  On failure d->cfg and the file are unchanged
 * and the caller must undo its live change.  0 or -errno with 'err'.
 * Ports no longer configured are dropped from the absent list. */
int pbd_commit(struct pbd *d, struct config *new_cfg, struct errmsg *err);

/* Frees the absent list and the config (not the switch). */
void pbd_clear(struct pbd *d);

#endif
