/* daemon-ofp.h - patchbayd's glue to the OpenFlow agent (src/ofagent):
 * applying a bridge's stored OpenFlow settings (fail mode, datapath id,
 * listeners, controllers), loading its groups and meters, snapshots of the
 * tables for rollback, and saving what controllers changed.
 *
 * Saving: changes made through OpenFlow (FLOW_MOD, GROUP_MOD, METER_MOD)
 * are not saved per message - rewriting the store for each of 100k
 * flow_mods/s is far too slow.  The agent marks the bridge changed and
 * pbd_ofp_save_changed() (the 1-second timer, and shutdown) saves its
 * flows, groups and meters at most once a second (less often when a save
 * is slow: the next one waits at least 5 times as long as the last took).
 * Control thread only. */
#ifndef PB_DAEMON_OFP_H
#define PB_DAEMON_OFP_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/daemon-state.h"
#include "openflow/ofp-meter.h"

/* Applies the OpenFlow settings of 'cb' to live bridge 'br': listeners
 * (bound here: a port in use fails with nothing changed), fail mode,
 * datapath id, controllers.  0 or -errno with 'err'.  With
 * 'listeners_optional' (start-up) a listener failure is returned but the
 * rest is applied anyway. */
int pbd_ofp_apply(struct pbd *d, struct ofproto *br, const struct config_bridge *cb,
                  bool listeners_optional, struct errmsg *err);

/* Adds the stored meters, then groups, of 'cb' to 'br' (before its flows,
 * which may use them).  0 or -errno with 'err' naming the line. */
int pbd_ofp_load_tables(struct ofproto *br, const struct config_bridge *cb, struct errmsg *err);

/* The groups and meters of 'br' as store lines (port numbers). */
struct pbd_ofp_tables {
	char **groups, **meters;
	size_t n_groups, n_meters;
};
void pbd_ofp_tables_snapshot(struct ofproto *br, struct pbd_ofp_tables *t);
void pbd_ofp_tables_free(struct pbd_ofp_tables *t);
/* Puts the groups and meters of 'br' back to 't' (then the caller restores
 * the flows: deleting a group or meter deletes the flows using it). */
void pbd_ofp_tables_restore(struct ofproto *br, const struct pbd_ofp_tables *t);

/* Saves the live flows, groups and meters of 'bridge' with the rest of
 * d->cfg (pbd_commit).  0 or -errno with 'err'. */
int pbd_ofp_commit_tables(struct pbd *d, const char *bridge, struct ofproto *br,
                          struct errmsg *err);

/* Saves the bridges the agent marked changed (see above).  'force' saves
 * now whatever the pacing (shutdown). */
void pbd_ofp_save_changed(struct pbd *d, bool force);

/* The meter as an ovs-ofctl add-meter line ("meter=1,kbps,burst,bands=
 * type=drop,rate=1000,burst_size=100"); heap. */
char *pbd_ofp_meter_line(const struct ofp_meter_mod *mm);

#endif
