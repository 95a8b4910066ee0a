/* vlan.c - port VLAN settings: parsing, checks, the ingress and egress
 * decisions and the tag-changing datapath actions (see vlan.h). */
#include "ofproto/vlan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"

#define TPID_8021Q  0x8100
#define TPID_8021AD 0x88a8

static const char *const mode_names[] = {
        [VLAN_MODE_UNSET] = "",
        [VLAN_MODE_ACCESS] = "access",
        [VLAN_MODE_TRUNK] = "trunk",
        [VLAN_MODE_NATIVE_TAGGED] = "native-tagged",
        [VLAN_MODE_NATIVE_UNTAGGED] = "native-untagged",
        [VLAN_MODE_DOT1Q_TUNNEL] = "dot1q-tunnel",
};

void vlan_port_cfg_init(struct vlan_port_cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->mode = VLAN_MODE_UNSET;
	cfg->tag = -1;
}

bool vlan_port_cfg_is_default(const struct vlan_port_cfg *cfg)
{
	return cfg->mode == VLAN_MODE_UNSET && cfg->tag < 0 && !cfg->has_trunks && !cfg->has_cvlans;
}

bool vlan_port_cfg_equal(const struct vlan_port_cfg *a, const struct vlan_port_cfg *b)
{
	return a->mode == b->mode && a->tag == b->tag && a->has_trunks == b->has_trunks &&
	       a->has_cvlans == b->has_cvlans &&
	       (!a->has_trunks || !memcmp(&a->trunks, &b->trunks, sizeof a->trunks)) &&
	       (!a->has_cvlans || !memcmp(&a->cvlans, &b->cvlans, sizeof a->cvlans));
}

enum vlan_mode vlan_port_cfg_mode(const struct vlan_port_cfg *cfg)
{
	if (cfg->mode != VLAN_MODE_UNSET)
		return cfg->mode;
	return cfg->tag >= 0 ? VLAN_MODE_ACCESS : VLAN_MODE_TRUNK;
}

const char *vlan_mode_name(enum vlan_mode mode)
{
	return (unsigned)mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : "";
}

int vlan_mode_from_name(const char *name)
{
	for (size_t i = 1; i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(name, mode_names[i]))
			return (int)i;
	return -1;
}

int vlan_port_cfg_check(const struct vlan_port_cfg *cfg, struct errmsg *err)
{
	enum vlan_mode mode = vlan_port_cfg_mode(cfg);
	const char *name = vlan_mode_name(mode);
	bool needs_tag = mode != VLAN_MODE_TRUNK;

	if (needs_tag && cfg->tag < 0)
		return errmsg_set(err, -EINVAL, "vlan-mode=%s needs a tag", name);
	if (mode == VLAN_MODE_TRUNK && cfg->tag >= 0)
		return errmsg_set(err, -EINVAL, "vlan-mode=trunk takes no tag");
	if ((mode == VLAN_MODE_ACCESS || mode == VLAN_MODE_DOT1Q_TUNNEL) && cfg->has_trunks)
		return errmsg_set(err, -EINVAL, "vlan-mode=%s takes no trunks", name);
	if (mode != VLAN_MODE_DOT1Q_TUNNEL && cfg->has_cvlans)
		return errmsg_set(err, -EINVAL,
		                  "cvlans is only allowed with vlan-mode=dot1q-tunnel");
	return 0;
}

int vlan_list_parse(const char *s, struct vlan_bitmap *bm, struct errmsg *err)
{
	struct vlan_bitmap out;
	const char *p = s;

	memset(&out, 0, sizeof out);
	if (!*s)
		return errmsg_set(err, -EINVAL, "empty VLAN list");
	for (;;) {
		char elem[32], *dash;
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		uint64_t lo, hi;

		if (!len || len >= sizeof elem)
			return errmsg_set(err, -EINVAL, "bad VLAN list element '%.*s'",
			                  (int)PB_MIN(len, 32u), p);
		memcpy(elem, p, len);
		elem[len] = '\0';
		dash = strchr(elem, '-');
		if (dash)
			*dash = '\0';
		if (parse_uint(elem, 0, VLAN_N_VIDS - 1, &lo) ||
		    (dash && parse_uint(dash + 1, 0, VLAN_N_VIDS - 1, &hi))) {
			if (dash)
				*dash = '-';
			return errmsg_set(err, -EINVAL,
			                  "bad VLAN list element '%s' (VLAN IDs are 0..4095)",
			                  elem);
		}
		if (!dash)
			hi = lo;
		if (hi < lo) {
			*dash = '-';
			return errmsg_set(err, -EINVAL, "bad VLAN range '%s' (reversed)", elem);
		}
		for (uint64_t v = lo; v <= hi; v++)
			vlan_bitmap_set(&out, (unsigned)v);
		if (!comma)
			break;
		p = comma + 1;
	}
	*bm = out;
	return 0;
}

char *vlan_list_format(const struct vlan_bitmap *bm)
{
	char buf[VLAN_N_VIDS * 6];
	struct fmtbuf b = {buf, sizeof buf, 0};
	bool first = true;

	buf[0] = '\0';
	for (unsigned v = 0; v < VLAN_N_VIDS; v++) {
		unsigned end = v;

		if (!vlan_bitmap_test(bm, v))
			continue;
		while (end + 1 < VLAN_N_VIDS && vlan_bitmap_test(bm, end + 1))
			end++;
		if (end == v)
			fmtbuf_put(&b, "%s%u", first ? "" : ",", v);
		else
			fmtbuf_put(&b, "%s%u-%u", first ? "" : ",", v, end);
		first = false;
		v = end;
	}
	return xstrdup(buf);
}

int vlan_port_cfg_set(struct vlan_port_cfg *cfg, const char *key, const char *value,
                      struct errmsg *err)
{
	struct vlan_bitmap bm;
	uint64_t n;
	int mode, error;

	if (!strcmp(key, "vlan-mode")) {
		if (!*value) {
			cfg->mode = VLAN_MODE_UNSET;
			return 0;
		}
		mode = vlan_mode_from_name(value);
		if (mode < 0)
			return errmsg_set(
			        err, -EINVAL,
			        "vlan-mode: unknown mode '%.32s' (allowed: access, trunk, "
			        "native-tagged, native-untagged, dot1q-tunnel)",
			        value);
		cfg->mode = (enum vlan_mode)mode;
	} else if (!strcmp(key, "tag")) {
		if (!*value) {
			cfg->tag = -1;
			return 0;
		}
		if (parse_uint(value, 0, VLAN_N_VIDS - 1, &n))
			return errmsg_set(err, -EINVAL,
			                  "tag: expected an integer 0..4095, got '%.32s'", value);
		cfg->tag = (int)n;
	} else if (!strcmp(key, "trunks") || !strcmp(key, "cvlans")) {
		bool trunks = key[0] == 't';

		if (*value) {
			struct errmsg lerr = {""};

			if ((error = vlan_list_parse(value, &bm, &lerr)))
				return errmsg_set(err, error, "%s: %s", key, lerr.msg);
		} else {
			memset(&bm, 0, sizeof bm);
		}
		if (trunks) {
			cfg->has_trunks = *value != '\0';
			cfg->trunks = bm;
		} else {
			cfg->has_cvlans = *value != '\0';
			cfg->cvlans = bm;
		}
	} else {
		return errmsg_set(err, -EINVAL,
		                  "unknown port setting '%.32s' (allowed: vlan-mode, tag, trunks, "
		                  "cvlans)",
		                  key);
	}
	return 0;
}

/* ---- decisions ---- */

static bool trunks_include(const struct vlan_port_cfg *cfg, uint16_t vlan)
{
	return !cfg->has_trunks || vlan_bitmap_test(&cfg->trunks, vlan);
}

void vlan_ingress(const struct vlan_port_cfg *cfg, uint16_t tci, struct vlan_in *in)
{
	bool tagged = tci & VLAN_CFI;
	uint16_t vid = tci & VLAN_VID_BITS;
	uint16_t tag = cfg->tag >= 0 ? (uint16_t)cfg->tag : 0;

	memset(in, 0, sizeof *in);
	in->push_tpid = TPID_8021Q;
	/* A priority tag (VID 0) counts as no tag but stays the frame's
	 * outermost tag: svc_tagged, with the VID to be rewritten. */
	switch (vlan_port_cfg_mode(cfg)) {
	case VLAN_MODE_ACCESS:
		in->drop = tagged && vid;
		in->vlan = tag;
		in->svc_tagged = tagged;
		break;
	case VLAN_MODE_NATIVE_TAGGED:
	case VLAN_MODE_NATIVE_UNTAGGED:
		in->svc_tagged = tagged;
		if (tagged && vid) {
			in->vlan = vid;
			in->drop = vid != tag && !trunks_include(cfg, vid);
		} else {
			in->vlan = tag;
		}
		break;
	case VLAN_MODE_DOT1Q_TUNNEL:
		in->drop = cfg->has_cvlans && !vlan_bitmap_test(&cfg->cvlans, tagged ? vid : 0);
		in->vlan = tag;
		in->svc_tagged = false;
		in->push_tpid = TPID_8021AD;
		break;
	case VLAN_MODE_TRUNK:
	case VLAN_MODE_UNSET:
	default:
		in->vlan = tagged ? vid : 0;
		in->svc_tagged = tagged;
		in->drop = !trunks_include(cfg, in->vlan);
		break;
	}
}

enum vlan_out vlan_egress(const struct vlan_port_cfg *cfg, uint16_t vlan)
{
	uint16_t tag = cfg->tag >= 0 ? (uint16_t)cfg->tag : 0;

	switch (vlan_port_cfg_mode(cfg)) {
	case VLAN_MODE_ACCESS:
	case VLAN_MODE_DOT1Q_TUNNEL:
		return vlan == tag ? VLAN_OUT_UNTAGGED : VLAN_OUT_NONE;
	case VLAN_MODE_NATIVE_TAGGED:
		if (vlan == tag)
			return VLAN_OUT_TAGGED;
		break;
	case VLAN_MODE_NATIVE_UNTAGGED:
		if (vlan == tag)
			return VLAN_OUT_UNTAGGED;
		break;
	case VLAN_MODE_TRUNK:
	case VLAN_MODE_UNSET:
	default:
		break;
	}
	if (!trunks_include(cfg, vlan))
		return VLAN_OUT_NONE;
	if (vlan)
		return VLAN_OUT_TAGGED;
	return vlan_port_cfg_is_default(cfg) ? VLAN_OUT_ASIS : VLAN_OUT_UNTAGGED;
}

bool vlan_port_carries(const struct vlan_port_cfg *cfg, uint16_t vlan)
{
	return vlan_egress(cfg, vlan) != VLAN_OUT_NONE;
}

/* ---- emitting ---- */

void vlan_emit_init(struct vlan_emit *e, uint16_t flow_tci, uint16_t flow_tpid,
                    const struct vlan_in *in)
{
	memset(e, 0, sizeof *e);
	e->flow_tci = flow_tci;
	e->flow_tpid = flow_tpid ? flow_tpid : TPID_8021Q;
	e->svc_tagged = in->svc_tagged && (flow_tci & VLAN_CFI);
	e->push_tpid = in->push_tpid;
	e->state = VLAN_EMIT_SAME;
}

static void emit_set_vid(struct dp_actions *acts, uint16_t vid)
{
	dp_actions_put_set_int(acts, DP_FIELD_VLAN_VID, vid, VLAN_VID_BITS);
}

/* Puts the flow's own outermost tag back (state POPPED). */
static void emit_push_flow_tag(struct vlan_emit *e, struct dp_actions *acts, uint16_t vid)
{
	e->used_tci |= 0xffff;
	e->used_tpid |= 0xffff;
	dp_actions_put_push_vlan(acts, e->flow_tpid,
	                         (uint16_t)((e->flow_tci & VLAN_PCP_MASK) | (vid & VLAN_VID_BITS)));
	if (vid == (e->flow_tci & VLAN_VID_BITS)) {
		e->state = VLAN_EMIT_SAME;
	} else {
		e->state = VLAN_EMIT_VID;
		e->vid = vid;
	}
}

static void emit_tagged(struct vlan_emit *e, struct dp_actions *acts, uint16_t vlan)
{
	uint16_t flow_vid = e->flow_tci & VLAN_VID_BITS;

	if (e->svc_tagged) {
		switch (e->state) {
		case VLAN_EMIT_SAME:
			e->used_tci |= VLAN_CFI | VLAN_VID_BITS;
			if (flow_vid != vlan) {
				emit_set_vid(acts, vlan);
				e->state = VLAN_EMIT_VID;
				e->vid = vlan;
			}
			break;
		case VLAN_EMIT_VID:
			if (e->vid != vlan) {
				emit_set_vid(acts, vlan);
				e->vid = vlan;
			}
			break;
		case VLAN_EMIT_POPPED:
		default:
			emit_push_flow_tag(e, acts, vlan);
			break;
		}
		return;
	}
	if (e->state == VLAN_EMIT_PUSHED) {
		if (e->vid != vlan) {
			emit_set_vid(acts, vlan);
			e->vid = vlan;
		}
		return;
	}
	dp_actions_put_push_vlan(acts, e->push_tpid, vlan & VLAN_VID_BITS);
	e->state = VLAN_EMIT_PUSHED;
	e->vid = vlan;
}

static void emit_untagged(struct vlan_emit *e, struct dp_actions *acts)
{
	if (e->svc_tagged) {
		if (e->state != VLAN_EMIT_POPPED) {
			dp_actions_put_pop_vlan(acts);
			e->state = VLAN_EMIT_POPPED;
		}
	} else if (e->state == VLAN_EMIT_PUSHED) {
		dp_actions_put_pop_vlan(acts);
		e->state = VLAN_EMIT_SAME;
	}
}

void vlan_emit_restore(struct vlan_emit *e, struct dp_actions *acts)
{
	switch (e->state) {
	case VLAN_EMIT_VID:
		e->used_tci |= VLAN_CFI | VLAN_VID_BITS;
		emit_set_vid(acts, e->flow_tci & VLAN_VID_BITS);
		break;
	case VLAN_EMIT_POPPED:
		emit_push_flow_tag(e, acts, e->flow_tci & VLAN_VID_BITS);
		break;
	case VLAN_EMIT_PUSHED:
		dp_actions_put_pop_vlan(acts);
		break;
	case VLAN_EMIT_SAME:
	default:
		break;
	}
	e->state = VLAN_EMIT_SAME;
}

void vlan_emit_to(struct vlan_emit *e, struct dp_actions *acts, enum vlan_out how, uint16_t vlan)
{
	switch (how) {
	case VLAN_OUT_TAGGED:
		emit_tagged(e, acts, vlan);
		break;
	case VLAN_OUT_UNTAGGED:
		emit_untagged(e, acts);
		break;
	case VLAN_OUT_ASIS:
		vlan_emit_restore(e, acts);
		break;
	case VLAN_OUT_NONE:
	default:
		break;
	}
}
