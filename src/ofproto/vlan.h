/* vlan.h - a port's VLAN settings (OVS's vlan_mode, tag, trunks, cvlans) and
 * the pure decisions made from them: which VLAN a received frame belongs to
 * (or that it must be dropped), how a frame of a VLAN leaves a port (not at
 * all, untagged, tagged), and the datapath actions that take a packet's tag
 * stack from what translation sees to what a port must send.
 *
 * Semantics (as OVS's Port table, see docs/vlan-mirror.md):
 *  - access (tag=N): untagged and priority-tagged (VID 0) frames are VLAN N;
 *    any other tagged frame is dropped (so a double-tagged frame cannot hop
 *    VLANs); VLAN N leaves untagged.
 *  - trunk (trunks=LIST, none = every VLAN): a tagged frame is in its VID,
 *    an untagged or priority-tagged one in VLAN 0; a VLAN the port does not
 *    trunk is dropped; VLANs leave tagged, VLAN 0 untagged.
 *  - native-tagged / native-untagged (tag=N, trunks): as trunk, but untagged
 *    and priority-tagged frames are VLAN N (always trunked); VLAN N leaves
 *    tagged / untagged.
 *  - dot1q-tunnel (tag=N, cvlans=LIST): every frame is service VLAN N, its
 *    own tags (if any) are the customer's and stay inside; with cvlans, only
 *    those customer VIDs (0 = untagged) are accepted.  VLAN N leaves with the
 *    service tag removed; other ports that carry N tagged get an 802.1ad
 *    (0x88a8) tag pushed over the customer's.
 *  - nothing set: a trunk of every VLAN whose VLAN 0 frames leave as they
 *    came (untagged or priority-tagged): the behaviour of a bridge without
 *    any VLAN configuration.  A tag alone means access, trunks alone trunk.
 *
 * Everything here is plain data and pure functions (no locks, no globals):
 * the daemon's config store validates with them and translation decides
 * with them. */
#ifndef PB_VLAN_H
#define PB_VLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/dp-actions.h"
#include "lib/util.h"

#define VLAN_N_VIDS 4096

enum vlan_mode {
	VLAN_MODE_UNSET, /* derive from tag/trunks (see above) */
	VLAN_MODE_ACCESS,
	VLAN_MODE_TRUNK,
	VLAN_MODE_NATIVE_TAGGED,
	VLAN_MODE_NATIVE_UNTAGGED,
	VLAN_MODE_DOT1Q_TUNNEL,
};

struct vlan_bitmap {
	uint64_t w[VLAN_N_VIDS / 64];
};

/* A port's settings.  vlan_port_cfg_init() gives "nothing set". */
struct vlan_port_cfg {
	enum vlan_mode mode;
	int tag;                   /* 0..4095, or -1: not set */
	bool has_trunks;           /* false: every VLAN */
	bool has_cvlans;           /* false: every customer VLAN */
	struct vlan_bitmap trunks; /* meaningful when has_trunks */
	struct vlan_bitmap cvlans; /* meaningful when has_cvlans */
};

void vlan_port_cfg_init(struct vlan_port_cfg *cfg);
/* True if nothing is set (the default behaviour). */
bool vlan_port_cfg_is_default(const struct vlan_port_cfg *cfg);
bool vlan_port_cfg_equal(const struct vlan_port_cfg *a, const struct vlan_port_cfg *b);
/* The mode in effect: UNSET resolved to ACCESS (tag set) or TRUNK. */
enum vlan_mode vlan_port_cfg_mode(const struct vlan_port_cfg *cfg);

/* Consistency (as OVS): access and dot1q-tunnel need a tag and take no
 * trunks; native-* need a tag; trunk takes no tag; cvlans only with
 * dot1q-tunnel.  0 or -EINVAL with 'err' ("vlan-mode=access needs a tag"). */
int vlan_port_cfg_check(const struct vlan_port_cfg *cfg, struct errmsg *err);

/* Sets one setting from its text: key "vlan-mode" (access, trunk,
 * native-tagged, native-untagged, dot1q-tunnel), "tag" (0..4095), "trunks"
 * and "cvlans" (a VLAN list, see vlan_list_parse).  An empty value unsets
 * the setting.  Does not check consistency.  0, or -EINVAL (unknown key or
 * bad value: 'err' says which) with 'cfg' unchanged. */
int vlan_port_cfg_set(struct vlan_port_cfg *cfg, const char *key, const char *value,
                      struct errmsg *err);

const char *vlan_mode_name(enum vlan_mode mode); /* "" for UNSET */
/* VLAN_MODE_* for 'name', or -1. */
int vlan_mode_from_name(const char *name);

/* Parses "10,20-30,4095" (ascending or not, no duplicates check needed,
 * spaces not allowed, at least one VID) into 'bm' (cleared first).  0 or
 * -EINVAL with 'err' naming the bad element. */
int vlan_list_parse(const char *s, struct vlan_bitmap *bm, struct errmsg *err);
/* Formats 'bm' canonically ("10,20-30"; "" when empty) into a new string. */
char *vlan_list_format(const struct vlan_bitmap *bm);

static inline bool vlan_bitmap_test(const struct vlan_bitmap *bm, unsigned vid)
{
	return vid < VLAN_N_VIDS && (bm->w[vid / 64] >> (vid % 64)) & 1;
}

static inline void vlan_bitmap_set(struct vlan_bitmap *bm, unsigned vid)
{
	if (vid < VLAN_N_VIDS)
		bm->w[vid / 64] |= 1ull << (vid % 64);
}

/* ---- decisions ---- */

/* The ingress decision for a frame whose outermost tag is 'tci' (a flow's
 * vlan_tci: VLAN_CFI set when tagged). */
struct vlan_in {
	bool drop;          /* the port does not accept the frame */
	uint16_t vlan;      /* its VLAN (when !drop) */
	bool svc_tagged;    /* the frame's outermost tag carries that VLAN (a
	                     * trunk's tag or a priority tag to be rewritten);
	                     * false: the VLAN is implicit (access, native,
	                     * dot1q-tunnel) and a tag must be pushed to carry it */
	uint16_t push_tpid; /* TPID to push for it: 0x88a8 for dot1q-tunnel */
};
void vlan_ingress(const struct vlan_port_cfg *cfg, uint16_t tci, struct vlan_in *in);

enum vlan_out {
	VLAN_OUT_NONE,     /* the port does not carry the VLAN */
	VLAN_OUT_UNTAGGED, /* leaves without the VLAN's tag */
	VLAN_OUT_TAGGED,   /* leaves with the VLAN's tag */
	VLAN_OUT_ASIS,     /* leaves as it came in (VLAN 0, nothing set) */
};
enum vlan_out vlan_egress(const struct vlan_port_cfg *cfg, uint16_t vlan);
/* True if the port carries 'vlan' at all. */
bool vlan_port_carries(const struct vlan_port_cfg *cfg, uint16_t vlan);

/* ---- emitting the tag changes ----
 *
 * Translation describes a packet by its flow ('flow_tci'/'flow_tpid', the
 * outermost tag); NORMAL and mirrors output it in several tag shapes.  A
 * 'struct vlan_emit' tracks what the datapath's copy of the packet looks
 * like relative to the flow while actions are appended, and appends the
 * fewest actions (push, pop, set VID) to reach the shape each output needs;
 * vlan_emit_restore() goes back to the flow's shape.  'used_tci' and
 * 'used_tpid' collect the flow bits the emitted actions depended on (the
 * caller un-wildcards them). */
enum vlan_emit_state {
	VLAN_EMIT_SAME,   /* as the flow */
	VLAN_EMIT_VID,    /* the flow's outermost tag, VID changed to 'vid' */
	VLAN_EMIT_POPPED, /* the flow's outermost tag removed */
	VLAN_EMIT_PUSHED, /* a tag with 'vid' pushed over the flow's tags */
};

struct vlan_emit {
	uint16_t flow_tci, flow_tpid;
	bool svc_tagged;    /* from vlan_ingress() */
	uint16_t push_tpid; /* from vlan_ingress() */
	enum vlan_emit_state state;
	uint16_t vid;
	uint16_t used_tci, used_tpid;
};

void vlan_emit_init(struct vlan_emit *e, uint16_t flow_tci, uint16_t flow_tpid,
                    const struct vlan_in *in);
/* Appends what makes the packet leave as 'how' for VLAN 'vlan' (NONE adds
 * nothing, ASIS restores the flow's shape). */
void vlan_emit_to(struct vlan_emit *e, struct dp_actions *acts, enum vlan_out how, uint16_t vlan);
void vlan_emit_restore(struct vlan_emit *e, struct dp_actions *acts);

#endif
