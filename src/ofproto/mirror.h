/* mirror.h - port mirroring (OVS's Mirror: SPAN to a port, RSPAN to a
 * VLAN) and a bridge's per-port VLAN settings: the configuration model
 * shared with the daemon's config store, the live settings of a bridge,
 * the translation hooks that emit mirror copies, and their counters.
 *
 * A mirror selects packets received on 'select-src' ports, sent out of
 * 'select-dst' ports, or every packet ('select-all'), optionally only on
 * the VLANs 'select-vlan' (the VLAN the ingress port's settings give the
 * packet, see vlan.h).  A selected packet is copied once per mirror output:
 * to 'output-port' (SPAN: as received for ingress selection, as sent for
 * egress selection; the port then gets no other traffic from NORMAL and
 * what it receives is dropped by NORMAL), or flooded on VLAN 'output-vlan'
 * (RSPAN: with its VLAN tag set to that VLAN, to every port carrying it but
 * the ingress port and mirror output ports).  A packet whose VLAN its
 * ingress port refuses is never mirrored.  The original is unchanged: the
 * copies are emitted where the datapath's packet is in the right shape and
 * every tag change made for them is undone before anything else is emitted.
 *
 * Settings refer to ports by name and are kept per bridge whether or not
 * such a port exists: a port attached later picks up its VLAN settings and
 * mirror roles.  At most MIRROR_MAX mirrors per bridge.
 *
 * Counters: a mirror counts the packets (and their bytes as received) it
 * copied; a port counts the frames NORMAL dropped because of their VLAN
 * ("vlan drops").  Both are exact for cached traffic: the translation
 * records them in the megaflow's xlate cache and revalidation credits the
 * megaflow's packet deltas (ofproto_l2_push_stats() makes them current).
 *
 * Threads: the ofproto_* functions run on the control thread; they take
 * the bridge mutex and revalidate the bridge's megaflows before returning.
 * The mirror_cfg_* helpers are pure. */
#ifndef PB_MIRROR_H
#define PB_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofproto/vlan.h"

#define MIRROR_MAX 32

/* ---- the configuration model (pure) ---- */

struct mirror_cfg {
	char *name;
	bool select_all;
	char **src, **dst; /* port names */
	size_t n_src, n_dst;
	bool has_vlans; /* select-vlan given */
	struct vlan_bitmap vlans;
	char *output_port; /* SPAN, or NULL */
	int output_vlan;   /* RSPAN 1..4095, or -1 */
};

/* An empty mirror named 'name' (copied). */
void mirror_cfg_init(struct mirror_cfg *m, const char *name);
void mirror_cfg_uninit(struct mirror_cfg *m);
void mirror_cfg_clone(struct mirror_cfg *dst, const struct mirror_cfg *src);
/* Sets one option from its text: "select-all" (true/false), "select-src",
 * "select-dst" (comma-separated port names), "select-vlan" (a VLAN list),
 * "output-port" (a port name), "output-vlan" (1..4095).  0 or -EINVAL
 * with 'err' ('m' unchanged). */
int mirror_cfg_set(struct mirror_cfg *m, const char *key, const char *value, struct errmsg *err);
/* Consistency: a valid name, exactly one output, something selected, the
 * output port not among the selected ones, no port named twice.  0 or
 * -EINVAL with 'err'. */
int mirror_cfg_check(const struct mirror_cfg *m, struct errmsg *err);
/* True if the mirror names port 'port' in any role. */
bool mirror_cfg_uses_port(const struct mirror_cfg *m, const char *port);

/* ---- live settings of a bridge (control thread) ---- */

struct ofproto;

/* Sets (or with 'cfg' NULL forgets) the VLAN settings of port 'port' of
 * 'br'.  'cfg' must have passed vlan_port_cfg_check().  MAC entries learned
 * on the port are forgotten. */
void ofproto_port_set_vlan(struct ofproto *br, const char *port, const struct vlan_port_cfg *cfg);
/* Adds mirror 'm' (checked by mirror_cfg_check()) or replaces the one of
 * the same name (keeping its counters).  0 or -ENOSPC (MIRROR_MAX). */
int ofproto_mirror_set(struct ofproto *br, const struct mirror_cfg *m, struct errmsg *err);
/* 0 or -ENOENT. */
int ofproto_mirror_del(struct ofproto *br, const char *name);

/* Credits the counters with the datapath's latest statistics. */
void ofproto_l2_push_stats(struct ofproto *br);
/* Counters (as of the last push): -ENOENT if there is no such mirror. */
int ofproto_mirror_stats(struct ofproto *br, const char *name, uint64_t *packets, uint64_t *bytes);
/* Frames dropped by NORMAL for their VLAN on port 'port' (0 if none). */
uint64_t ofproto_port_vlan_drops(struct ofproto *br, const char *port);

/* ---- inside ofproto ---- */

struct of_port;
struct xcache;
struct xlate_ctx;

/* Fills p->vlan and p->mirror_* from the bridge's settings (br->mutex
 * held, or the port not yet visible to translation). */
void ofproto_l2_port_attached(struct ofproto *br, struct of_port *p);
/* Frees the bridge's settings (bridge destruction). */
void ofproto_l2_destroy(struct ofproto *br);
/* Credits a megaflow's new packets to what its translation recorded
 * (br->mutex held; 'xc' may be NULL). */
void ofproto_l2_credit(struct ofproto *br, struct xcache *xc, uint64_t packets, uint64_t bytes);
/* Credits the upcall's own packet of 'len' bytes at once and marks 'xc' to
 * skip it when the megaflow's statistics (which count it if the megaflow
 * got installed) are credited (br->mutex held). */
void ofproto_l2_credit_upcall(struct ofproto *br, struct xcache *xc, uint32_t len);

/* Translation (br->mutex held): copies for the mirrors that select the
 * packet on ingress, emitted before anything else; and, right after an
 * output to 'p', copies for the mirrors that select 'p' as a destination. */
void mirror_xlate_begin(struct xlate_ctx *ctx);
void mirror_xlate_output(struct xlate_ctx *ctx, const struct of_port *p);

/* Per-translation state (inside struct xlate_ctx). */
struct mirror_xstate {
	bool on;                       /* the packet may be mirrored */
	uint16_t vlan;                 /* its VLAN */
	uint32_t done;                 /* mirrors that already copied it */
	uint32_t n_sent;               /* entries of 'sent' */
	uint32_t sent[2 * MIRROR_MAX]; /* outputs done: 1 << 31 | vlan, or dp port */
};

#endif
