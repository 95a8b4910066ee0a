/* dp-actions.c - building, checking, formatting and executing datapath
 * action lists (see dp-actions.h).  Packet edits are in packet-edit.c. */
#include "lib/dp-actions.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/csum.h"
#include "lib/eth.h"
#include "lib/hash.h"
#include "lib/packet-edit.h"
#include "lib/util.h"

enum dp_field_fmt { FMT_DEC, FMT_HEX, FMT_IPV4, FMT_MAC, FMT_IPV6 };

struct dp_field_info {
	const char *hdr;  /* "ipv4" in set(ipv4(src=...)) */
	const char *name; /* "src" */
	uint8_t n_bytes;  /* 6/16 for address fields, 0 for integers */
	uint8_t fmt;      /* enum dp_field_fmt */
	bool packet;      /* edits the packet (not metadata only) */
	uint64_t max;     /* all-ones value of an integer field */
};

static const struct dp_field_info dp_fields[DP_N_FIELDS] = {
        [DP_FIELD_ETH_SRC] = {"eth", "src", 6, FMT_MAC, true, 0},
        [DP_FIELD_ETH_DST] = {"eth", "dst", 6, FMT_MAC, true, 0},
        [DP_FIELD_VLAN_VID] = {"vlan", "vid", 0, FMT_DEC, true, 0xfff},
        [DP_FIELD_VLAN_PCP] = {"vlan", "pcp", 0, FMT_DEC, true, 0x7},
        [DP_FIELD_IPV4_SRC] = {"ipv4", "src", 0, FMT_IPV4, true, UINT32_MAX},
        [DP_FIELD_IPV4_DST] = {"ipv4", "dst", 0, FMT_IPV4, true, UINT32_MAX},
        [DP_FIELD_IPV4_TOS] = {"ipv4", "tos", 0, FMT_HEX, true, 0xff},
        [DP_FIELD_IPV4_TTL] = {"ipv4", "ttl", 0, FMT_DEC, true, 0xff},
        [DP_FIELD_IPV6_SRC] = {"ipv6", "src", 16, FMT_IPV6, true, 0},
        [DP_FIELD_IPV6_DST] = {"ipv6", "dst", 16, FMT_IPV6, true, 0},
        [DP_FIELD_IPV6_LABEL] = {"ipv6", "label", 0, FMT_HEX, true, 0xfffff},
        [DP_FIELD_IPV6_TC] = {"ipv6", "tc", 0, FMT_HEX, true, 0xff},
        [DP_FIELD_IPV6_HLIMIT] = {"ipv6", "hlimit", 0, FMT_DEC, true, 0xff},
        [DP_FIELD_TCP_SRC] = {"tcp", "src", 0, FMT_DEC, true, 0xffff},
        [DP_FIELD_TCP_DST] = {"tcp", "dst", 0, FMT_DEC, true, 0xffff},
        [DP_FIELD_UDP_SRC] = {"udp", "src", 0, FMT_DEC, true, 0xffff},
        [DP_FIELD_UDP_DST] = {"udp", "dst", 0, FMT_DEC, true, 0xffff},
        [DP_FIELD_SCTP_SRC] = {"sctp", "src", 0, FMT_DEC, true, 0xffff},
        [DP_FIELD_SCTP_DST] = {"sctp", "dst", 0, FMT_DEC, true, 0xffff},
        [DP_FIELD_ICMP_TYPE] = {"icmp", "type", 0, FMT_DEC, true, 0xff},
        [DP_FIELD_ICMP_CODE] = {"icmp", "code", 0, FMT_DEC, true, 0xff},
        [DP_FIELD_ICMPV6_TYPE] = {"icmpv6", "type", 0, FMT_DEC, true, 0xff},
        [DP_FIELD_ICMPV6_CODE] = {"icmpv6", "code", 0, FMT_DEC, true, 0xff},
        [DP_FIELD_ND_TARGET] = {"nd", "target", 16, FMT_IPV6, true, 0},
        [DP_FIELD_ND_SLL] = {"nd", "sll", 6, FMT_MAC, true, 0},
        [DP_FIELD_ND_TLL] = {"nd", "tll", 6, FMT_MAC, true, 0},
        [DP_FIELD_ARP_OP] = {"arp", "op", 0, FMT_DEC, true, 0xffff},
        [DP_FIELD_ARP_SPA] = {"arp", "sip", 0, FMT_IPV4, true, UINT32_MAX},
        [DP_FIELD_ARP_TPA] = {"arp", "tip", 0, FMT_IPV4, true, UINT32_MAX},
        [DP_FIELD_ARP_SHA] = {"arp", "sha", 6, FMT_MAC, true, 0},
        [DP_FIELD_ARP_THA] = {"arp", "tha", 6, FMT_MAC, true, 0},
        [DP_FIELD_TUN_ID] = {"tunnel", "tun_id", 0, FMT_HEX, false, UINT64_MAX},
        [DP_FIELD_TUN_SRC] = {"tunnel", "src", 0, FMT_IPV4, false, UINT32_MAX},
        [DP_FIELD_TUN_DST] = {"tunnel", "dst", 0, FMT_IPV4, false, UINT32_MAX},
        [DP_FIELD_TUN_GNV_CLASS] = {"tunnel", "gnv_class", 0, FMT_HEX, false, 0xffff},
        [DP_FIELD_TUN_GNV_TYPE] = {"tunnel", "gnv_type", 0, FMT_HEX, false, 0xff},
        [DP_FIELD_TUN_GNV_LEN] = {"tunnel", "gnv_len", 0, FMT_DEC, false, 0xff},
        [DP_FIELD_TUN_GNV_DATA] = {"tunnel", "gnv_data", 0, FMT_HEX, false, UINT64_MAX},
};

unsigned dp_field_n_bytes(enum dp_field f)
{
	return (unsigned)f < DP_N_FIELDS ? dp_fields[f].n_bytes : 0;
}

uint64_t dp_field_max(enum dp_field f)
{
	return (unsigned)f < DP_N_FIELDS ? dp_fields[f].max : 0;
}

/* Bytes of one value (or mask) slot of a SET_FIELD action for 'f'. */
static size_t dp_field_slot(enum dp_field f)
{
	return dp_fields[f].n_bytes > 8 ? 16 : 8;
}

/* ---- building ---- */

void dp_actions_init(struct dp_actions *acts)
{
	acts->data = acts->stub;
	acts->size = 0;
	acts->cap = sizeof acts->stub;
	acts->unmarked = 0;
	acts->pad = 0;
}

void dp_actions_uninit(struct dp_actions *acts)
{
	if (acts && acts->data != acts->stub) {
		free(acts->data);
		acts->data = acts->stub;
		acts->cap = sizeof acts->stub;
	}
}

void dp_actions_clear(struct dp_actions *acts)
{
	acts->size = 0;
	acts->unmarked = 0;
}

void dp_actions_clone(struct dp_actions *dst, const struct dp_actions *src)
{
	dp_actions_init(dst);
	if (src->size > dst->cap) {
		dst->data = xmalloc(src->size);
		dst->cap = src->size;
	}
	memcpy(dst->data, src->data, src->size);
	dst->size = src->size;
	dst->unmarked = src->unmarked;
}

void *dp_actions_copy_data(const struct dp_actions *acts)
{
	void *p = xmalloc(acts->size);

	memcpy(p, acts->data, acts->size);
	return p;
}

/* Appends an action of 'len' bytes (multiple of 8), zeroed but for the
 * header, and returns it. */
static struct dp_action *dp_actions_put(struct dp_actions *acts, enum dp_action_type type,
                                        size_t len, uint32_t arg)
{
	struct dp_action *a;

	if (acts->size + len > acts->cap) {
		size_t cap = acts->cap * 2 >= acts->size + len ? acts->cap * 2 : acts->size + len;

		if (cap > UINT16_MAX * 1024)
			abort(); /* runaway list */
		if (acts->data == acts->stub) {
			acts->data = xmalloc(cap);
			memcpy(acts->data, acts->stub, acts->size);
		} else {
			acts->data = xrealloc(acts->data, cap);
		}
		acts->cap = (uint32_t)cap;
	}
	a = (struct dp_action *)(void *)((uint8_t *)acts->data + acts->size);
	memset(a, 0, len);
	a->type = (uint8_t)type;
	a->len = (uint16_t)len;
	a->arg = arg;
	acts->size += (uint32_t)len;
	return a;
}

/* A packet edit is being appended: every output or userspace action before
 * it must be told that the packet changes after it. */
static void dp_actions_mark_edit(struct dp_actions *acts)
{
	uint8_t *base = (uint8_t *)acts->data;
	uint32_t ofs = acts->unmarked;

	while (ofs < acts->size) {
		struct dp_action *a = (struct dp_action *)(void *)(base + ofs);

		if (a->type == DP_ACTION_OUTPUT || a->type == DP_ACTION_USERSPACE)
			a->flags |= DP_ACTION_F_EDITED_LATER;
		/* Into a clone's nested list: an output there may share the
		 * packet with what follows (clones without a copy). */
		ofs += a->type == DP_ACTION_CLONE ? (uint32_t)sizeof *a : a->len;
	}
	acts->unmarked = acts->size;
}

void dp_actions_put_output(struct dp_actions *acts, uint32_t port)
{
	dp_actions_put(acts, DP_ACTION_OUTPUT, 8, port);
}

void dp_actions_put_userspace(struct dp_actions *acts, uint64_t cookie)
{
	struct dp_action *a = dp_actions_put(acts, DP_ACTION_USERSPACE, 16, 0);

	memcpy(a + 1, &cookie, 8);
}

void dp_actions_put_set_int(struct dp_actions *acts, enum dp_field f, uint64_t value, uint64_t mask)
{
	struct dp_action *a;
	uint64_t slots[2];

	if ((unsigned)f >= DP_N_FIELDS || dp_fields[f].n_bytes)
		abort(); /* programming error: not an integer field */
	mask &= dp_fields[f].max;
	if (!mask)
		return;
	if (dp_fields[f].packet)
		dp_actions_mark_edit(acts);
	a = dp_actions_put(acts, DP_ACTION_SET_FIELD, 24, (uint32_t)f);
	slots[0] = value & mask;
	slots[1] = mask;
	memcpy(a + 1, slots, sizeof slots);
}

void dp_actions_put_set_bytes(struct dp_actions *acts, enum dp_field f, const uint8_t *value,
                              const uint8_t *mask)
{
	struct dp_action *a;
	uint8_t *v, *m;
	size_t n, slot;

	if ((unsigned)f >= DP_N_FIELDS || !dp_fields[f].n_bytes)
		abort(); /* programming error: not an address field */
	n = dp_fields[f].n_bytes;
	slot = dp_field_slot(f);
	dp_actions_mark_edit(acts);
	a = dp_actions_put(acts, DP_ACTION_SET_FIELD, 8 + 2 * slot, (uint32_t)f);
	v = (uint8_t *)(a + 1);
	m = v + slot;
	for (size_t i = 0; i < n; i++) {
		m[i] = mask ? mask[i] : 0xff;
		v[i] = value[i] & m[i];
	}
}

void dp_actions_put_push_vlan(struct dp_actions *acts, uint16_t tpid, uint16_t tci)
{
	dp_actions_mark_edit(acts);
	dp_actions_put(acts, DP_ACTION_PUSH_VLAN, 8, (uint32_t)tpid << 16 | tci);
}

void dp_actions_put_pop_vlan(struct dp_actions *acts)
{
	dp_actions_mark_edit(acts);
	dp_actions_put(acts, DP_ACTION_POP_VLAN, 8, 0);
}

void dp_actions_put_dec_ttl(struct dp_actions *acts)
{
	dp_actions_mark_edit(acts);
	dp_actions_put(acts, DP_ACTION_DEC_TTL, 8, 0);
}

size_t dp_actions_start_clone(struct dp_actions *acts)
{
	size_t ofs = acts->size;

	dp_actions_put(acts, DP_ACTION_CLONE, 8, 0);
	return ofs;
}

/* True if running the list DATA/SIZE may change the packet's bytes. */
static bool dp_actions_edit_packet(const void *data, size_t size)
{
	const struct dp_action *a;

	DP_ACTIONS_FOR_EACH(a, data, size)
	{
		switch (a->type) {
		case DP_ACTION_SET_FIELD:
			if (a->arg < DP_N_FIELDS && dp_fields[a->arg].packet)
				return true;
			break;
		case DP_ACTION_PUSH_VLAN:
		case DP_ACTION_POP_VLAN:
		case DP_ACTION_DEC_TTL:
		case DP_ACTION_METER:
			return true;
		default:
			break;
		}
	}
	return false;
}

bool dp_actions_end_clone(struct dp_actions *acts, size_t ofs)
{
	struct dp_action *a = (struct dp_action *)(void *)((uint8_t *)acts->data + ofs);
	size_t len = acts->size - ofs;

	if (len == sizeof *a || len > UINT16_MAX - 7) { /* empty, or too big */
		acts->size = (uint32_t)ofs;
		if (acts->unmarked > acts->size)
			acts->unmarked = acts->size;
		return len == sizeof *a;
	}
	a->len = (uint16_t)len;
	if (dp_actions_edit_packet(a + 1, len - sizeof *a))
		a->arg |= DP_CLONE_F_COPY;
	return true;
}

void dp_actions_put_meter(struct dp_actions *acts, uint32_t meter_id)
{
	/* A remark edits the packet. */
	dp_actions_mark_edit(acts);
	dp_actions_put(acts, DP_ACTION_METER, 8, meter_id);
}

uint8_t dp_dscp_raise_prec(uint8_t dscp, unsigned levels)
{
	unsigned cls = (dscp >> 3) & 7, prec = (dscp >> 1) & 3;

	/* AF codepoints: class 1..4, drop precedence 1..3, low bit 0. */
	if (cls < 1 || cls > 4 || prec < 1 || (dscp & 1))
		return dscp;
	prec = prec + levels > 3 ? 3 : prec + levels;
	return (uint8_t)(cls << 3 | prec << 1);
}

/* ---- checking, comparing ---- */

static int dp_actions_validate__(const void *data, size_t size, unsigned depth)
{
	const uint8_t *p = data;
	size_t ofs = 0;

	if ((uintptr_t)data % 8)
		return -EINVAL;
	while (ofs < size) {
		const struct dp_action *a = (const struct dp_action *)(const void *)(p + ofs);
		size_t want;

		if (size - ofs < sizeof *a || a->len < sizeof *a || a->len % 8 ||
		    a->len > size - ofs)
			return -EINVAL;
		switch (a->type) {
		case DP_ACTION_OUTPUT:
		case DP_ACTION_PUSH_VLAN:
		case DP_ACTION_POP_VLAN:
		case DP_ACTION_DEC_TTL:
		case DP_ACTION_METER:
			want = 8;
			break;
		case DP_ACTION_CLONE:
			if (depth >= DP_CLONE_MAX_DEPTH ||
			    dp_actions_validate__(a + 1, a->len - sizeof *a, depth + 1))
				return -EINVAL;
			want = a->len;
			break;
		case DP_ACTION_USERSPACE:
			want = 16;
			break;
		case DP_ACTION_SET_FIELD:
			if (a->arg >= DP_N_FIELDS)
				return -EINVAL;
			want = 8 + 2 * dp_field_slot(a->arg);
			break;
		default:
			return -EINVAL;
		}
		if (a->len != want)
			return -EINVAL;
		ofs += a->len;
	}
	return 0;
}

int dp_actions_validate(const void *data, size_t size)
{
	return dp_actions_validate__(data, size, 0);
}

bool dp_actions_equal(const struct dp_actions *a, const struct dp_actions *b)
{
	return a->size == b->size && !memcmp(a->data, b->data, a->size);
}

uint32_t dp_actions_hash(const struct dp_actions *acts, uint32_t basis)
{
	return hash_words64(acts->data, acts->size / 8, basis);
}

/* ---- formatting ---- */

static void db_int(struct fmtbuf *b, enum dp_field_fmt fmt, uint64_t v)
{
	if (fmt == FMT_IPV4)
		fmtbuf_put(b, "%u.%u.%u.%u", (unsigned)(v >> 24) & 0xff, (unsigned)(v >> 16) & 0xff,
		           (unsigned)(v >> 8) & 0xff, (unsigned)v & 0xff);
	else if (fmt == FMT_HEX)
		fmtbuf_put(b, "0x%llx", (unsigned long long)v);
	else
		fmtbuf_put(b, "%llu", (unsigned long long)v);
}

static void db_bytes(struct fmtbuf *b, enum dp_field_fmt fmt, const uint8_t *v)
{
	char s[INET6_ADDRSTRLEN];

	if (fmt == FMT_MAC)
		eth_addr_format(v, s);
	else
		inet_ntop(AF_INET6, v, s, sizeof s);
	fmtbuf_put(b, "%s", s);
}

static void db_set_field(struct fmtbuf *b, const struct dp_action *a)
{
	const struct dp_field_info *fi = &dp_fields[a->arg];
	const uint8_t *v = dp_action_set_value(a), *m = dp_action_set_mask(a);

	fmtbuf_put(b, "set(%s(%s=", fi->hdr, fi->name);
	if (fi->n_bytes) {
		bool exact = true;

		for (size_t i = 0; i < fi->n_bytes; i++)
			exact &= m[i] == 0xff;
		db_bytes(b, fi->fmt, v);
		if (!exact) {
			fmtbuf_put(b, "/");
			db_bytes(b, fi->fmt, m);
		}
	} else {
		uint64_t vi, mi;

		memcpy(&vi, v, 8);
		memcpy(&mi, m, 8);
		if (mi == fi->max) {
			db_int(b, fi->fmt, vi);
		} else {
			enum dp_field_fmt f = fi->fmt == FMT_IPV4 ? FMT_IPV4 : FMT_HEX;

			db_int(b, f, vi);
			fmtbuf_put(b, "/");
			db_int(b, f, mi);
		}
	}
	fmtbuf_put(b, "))");
}

static void dp_actions_format__(struct fmtbuf *b, const void *data, size_t size);

static void dp_actions_format_one(struct fmtbuf *b, const struct dp_action *a)
{
	switch (a->type) {
	case DP_ACTION_CLONE:
		fmtbuf_put(b, "clone(");
		dp_actions_format__(b, a + 1, a->len - sizeof *a);
		fmtbuf_put(b, ")");
		break;
	case DP_ACTION_METER:
		fmtbuf_put(b, "meter(%u)", a->arg);
		break;
	default:
		fmtbuf_put(b, "unknown(%u)", a->type);
		break;
	}
}

int dp_actions_format_raw(const void *data, size_t size, char *buf, size_t len)
{
	struct fmtbuf b = {.buf = buf, .size = len, .len = 0};

	if (len)
		buf[0] = '\0';
	if (!size) {
		fmtbuf_put(&b, "drop");
		return (int)b.len;
	}
	dp_actions_format__(&b, data, size);
	return b.len > INT32_MAX ? INT32_MAX : (int)b.len;
}

static void dp_actions_format__(struct fmtbuf *bp, const void *data, size_t size)
{
	struct fmtbuf b = *bp;
	const struct dp_action *a;
	bool first = true;

	DP_ACTIONS_FOR_EACH(a, data, size)
	{
		if (!first)
			fmtbuf_put(&b, ",");
		first = false;
		switch (a->type) {
		case DP_ACTION_OUTPUT:
			fmtbuf_put(&b, "output:%u", a->arg);
			break;
		case DP_ACTION_USERSPACE:
			fmtbuf_put(&b, "userspace(cookie=0x%llx)",
			           (unsigned long long)dp_action_userspace_cookie(a));
			break;
		case DP_ACTION_SET_FIELD:
			db_set_field(&b, a);
			break;
		case DP_ACTION_PUSH_VLAN: {
			uint16_t tpid = (uint16_t)(a->arg >> 16), tci = (uint16_t)a->arg;

			fmtbuf_put(&b, "push_vlan(");
			if (tpid != ETH_TYPE_VLAN)
				fmtbuf_put(&b, "tpid=0x%04x,", tpid);
			fmtbuf_put(&b, "vid=%u,pcp=%u", tci & VLAN_VID_BITS, tci >> VLAN_PCP_SHIFT);
			if (tci & VLAN_CFI)
				fmtbuf_put(&b, ",dei=1");
			fmtbuf_put(&b, ")");
			break;
		}
		case DP_ACTION_POP_VLAN:
			fmtbuf_put(&b, "pop_vlan");
			break;
		case DP_ACTION_DEC_TTL:
			fmtbuf_put(&b, "dec_ttl");
			break;
		default:
			dp_actions_format_one(&b, a);
			break;
		}
	}
	*bp = b;
}

int dp_actions_format(const struct dp_actions *acts, char *buf, size_t len)
{
	return dp_actions_format_raw(acts->data, acts->size, buf, len);
}

/* ---- execution ---- */

struct dp_exec {
	struct pkt *pkt;
	struct flow *flow;
	struct pkt_layers l;
	bool l_valid;
};

static const struct pkt_layers *dp_exec_layers(struct dp_exec *x)
{
	if (!x->l_valid) {
		pkt_layers_parse(x->pkt, &x->l);
		x->l_valid = true;
	}
	return &x->l;
}

static inline uint64_t masked64(uint64_t old, uint64_t v, uint64_t m)
{
	return (old & ~m) | (v & m);
}

static void masked_copy(uint8_t *dst, const uint8_t *v, const uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (uint8_t)((dst[i] & ~m[i]) | (v[i] & m[i]));
}

static void dp_exec_reextract(struct dp_exec *x);

/* Applies a SET_FIELD of an integer field to the packet; returns 0 if the
 * packet had the field. */
static int dp_exec_set_int(struct dp_exec *x, enum dp_field f, uint64_t v, uint64_t m,
                           struct dp_tunnel_md *tun)
{
	struct pkt *pkt = x->pkt;
	struct flow *flow = x->flow;
	const struct pkt_layers *l;
	int error;

	switch (f) {
	case DP_FIELD_VLAN_VID:
	case DP_FIELD_VLAN_PCP: {
		int shift = f == DP_FIELD_VLAN_PCP ? VLAN_PCP_SHIFT : 0;
		uint16_t tv = (uint16_t)(v << shift), tm = (uint16_t)(m << shift);

		/* Both the packet edit and flow->vlan_tci are the outermost tag. */
		error = pkt_set_vlan_tci(pkt, tv, tm);
		if (!error && flow && (flow->vlan_tci & VLAN_CFI))
			flow->vlan_tci = (uint16_t)((flow->vlan_tci & ~tm) | (tv & tm));
		return error;
	}
	case DP_FIELD_TUN_ID:
		tun->tun_id = masked64(tun->tun_id, v, m);
		if (flow)
			flow->tun_id = tun->tun_id;
		return 0;
	case DP_FIELD_TUN_SRC:
		tun->tun_src = (uint32_t)masked64(tun->tun_src, v, m);
		if (flow)
			flow->tun_src = tun->tun_src;
		return 0;
	case DP_FIELD_TUN_DST:
		tun->tun_dst = (uint32_t)masked64(tun->tun_dst, v, m);
		if (flow)
			flow->tun_dst = tun->tun_dst;
		return 0;
	case DP_FIELD_TUN_GNV_CLASS:
		tun->gnv_class = (uint16_t)masked64(tun->gnv_class, v, m);
		if (flow)
			flow->tun_gnv_class = tun->gnv_class;
		return 0;
	case DP_FIELD_TUN_GNV_TYPE:
		tun->gnv_type = (uint8_t)masked64(tun->gnv_type, v, m);
		if (flow)
			flow->tun_gnv_type = tun->gnv_type;
		return 0;
	case DP_FIELD_TUN_GNV_LEN:
		tun->gnv_len = (uint8_t)masked64(tun->gnv_len, v, m);
		if (flow)
			flow->tun_gnv_len = tun->gnv_len;
		return 0;
	case DP_FIELD_TUN_GNV_DATA:
		tun->gnv_data = masked64(tun->gnv_data, v, m);
		if (flow)
			flow->tun_gnv_data = tun->gnv_data;
		return 0;
	default:
		break;
	}

	l = dp_exec_layers(x);
	switch (f) {
	case DP_FIELD_IPV4_SRC:
	case DP_FIELD_IPV4_DST:
		error = pkt_set_ipv4_addr(pkt, l, f == DP_FIELD_IPV4_SRC, (uint32_t)v, (uint32_t)m);
		if (!error && flow) {
			uint32_t *p = f == DP_FIELD_IPV4_SRC ? &flow->nw_src : &flow->nw_dst;

			*p = (uint32_t)masked64(*p, v, m);
		}
		return error;
	case DP_FIELD_IPV4_TOS:
	case DP_FIELD_IPV6_TC:
		error = f == DP_FIELD_IPV4_TOS ? pkt_set_ipv4_tos(pkt, l, (uint8_t)v, (uint8_t)m)
		                               : pkt_set_ipv6_tc(pkt, l, (uint8_t)v, (uint8_t)m);
		if (!error && flow)
			flow->nw_tos = (uint8_t)masked64(flow->nw_tos, v, m);
		return error;
	case DP_FIELD_IPV4_TTL:
	case DP_FIELD_IPV6_HLIMIT:
		error = f == DP_FIELD_IPV4_TTL
		                ? pkt_set_ipv4_ttl(pkt, l, (uint8_t)v, (uint8_t)m)
		                : pkt_set_ipv6_hlimit(pkt, l, (uint8_t)v, (uint8_t)m);
		if (!error && flow)
			flow->nw_ttl = (uint8_t)masked64(flow->nw_ttl, v, m);
		return error;
	case DP_FIELD_IPV6_LABEL:
		error = pkt_set_ipv6_label(pkt, l, (uint32_t)v, (uint32_t)m);
		if (!error && flow)
			flow->ipv6_label = (uint32_t)masked64(flow->ipv6_label, v, m);
		return error;
	case DP_FIELD_TCP_SRC:
	case DP_FIELD_TCP_DST:
	case DP_FIELD_UDP_SRC:
	case DP_FIELD_UDP_DST:
	case DP_FIELD_SCTP_SRC:
	case DP_FIELD_SCTP_DST: {
		static const uint8_t protos[] = {FLOW_IPPROTO_TCP, FLOW_IPPROTO_UDP,
		                                 FLOW_IPPROTO_SCTP};
		unsigned i = f - DP_FIELD_TCP_SRC;
		bool src = !(i & 1);

		error = pkt_set_l4_port(pkt, l, protos[i / 2], src, (uint16_t)v, (uint16_t)m);
		if (!error && flow) {
			uint16_t *p = src ? &flow->tp_src : &flow->tp_dst;

			*p = (uint16_t)masked64(*p, v, m);
		}
		return error;
	}
	case DP_FIELD_ICMP_TYPE:
	case DP_FIELD_ICMP_CODE:
	case DP_FIELD_ICMPV6_TYPE:
	case DP_FIELD_ICMPV6_CODE: {
		bool v6 = f == DP_FIELD_ICMPV6_TYPE || f == DP_FIELD_ICMPV6_CODE;
		bool code = f == DP_FIELD_ICMP_CODE || f == DP_FIELD_ICMPV6_CODE;

		error = pkt_set_icmp(pkt, l, v6, code, (uint8_t)v, (uint8_t)m);
		if (!error && flow) {
			uint16_t *p = code ? &flow->tp_dst : &flow->tp_src;

			*p = (uint16_t)masked64(*p, v, m);
			if (v6)
				dp_exec_reextract(x); /* ND fields depend on type/code */
		}
		return error;
	}
	case DP_FIELD_ARP_OP:
		error = pkt_set_arp_op(pkt, l, (uint16_t)v, (uint16_t)m);
		if (!error && flow) {
			uint16_t op = pb_get_be16(pkt->data + l->l3_ofs + 6);

			flow->nw_proto = op <= 0xff ? (uint8_t)op : 0;
		}
		return error;
	case DP_FIELD_ARP_SPA:
	case DP_FIELD_ARP_TPA:
		error = pkt_set_arp_ip(pkt, l, f == DP_FIELD_ARP_SPA, (uint32_t)v, (uint32_t)m);
		if (!error && flow) {
			uint32_t *p = f == DP_FIELD_ARP_SPA ? &flow->nw_src : &flow->nw_dst;

			*p = (uint32_t)masked64(*p, v, m);
		}
		return error;
	default:
		return -EINVAL;
	}
}

static int dp_exec_set_bytes(struct dp_exec *x, enum dp_field f, const uint8_t *v, const uint8_t *m)
{
	struct pkt *pkt = x->pkt;
	struct flow *flow = x->flow;
	const struct pkt_layers *l;
	uint8_t *dst = NULL;
	int error;

	switch (f) {
	case DP_FIELD_ETH_SRC:
	case DP_FIELD_ETH_DST:
		error = pkt_set_eth_addr(pkt, f == DP_FIELD_ETH_SRC, v, m);
		if (flow)
			dst = f == DP_FIELD_ETH_SRC ? flow->dl_src : flow->dl_dst;
		break;
	case DP_FIELD_IPV6_SRC:
	case DP_FIELD_IPV6_DST:
		l = dp_exec_layers(x);
		error = pkt_set_ipv6_addr(pkt, l, f == DP_FIELD_IPV6_SRC, v, m);
		if (flow)
			dst = f == DP_FIELD_IPV6_SRC ? flow->ipv6_src : flow->ipv6_dst;
		break;
	case DP_FIELD_ND_TARGET:
		l = dp_exec_layers(x);
		error = pkt_set_nd_target(pkt, l, v, m);
		if (flow)
			dst = flow->nd_target;
		break;
	case DP_FIELD_ND_SLL:
	case DP_FIELD_ND_TLL:
		/* The flow keeps the NS's SLL / NA's TLL in arp_sha / arp_tha. */
		l = dp_exec_layers(x);
		error = pkt_set_nd_lla(pkt, l, f == DP_FIELD_ND_SLL, v, m);
		if (flow)
			dst = f == DP_FIELD_ND_SLL ? flow->arp_sha : flow->arp_tha;
		break;
	case DP_FIELD_ARP_SHA:
	case DP_FIELD_ARP_THA:
		l = dp_exec_layers(x);
		error = pkt_set_arp_mac(pkt, l, f == DP_FIELD_ARP_SHA, v, m);
		if (flow)
			dst = f == DP_FIELD_ARP_SHA ? flow->arp_sha : flow->arp_tha;
		break;
	default:
		return -EINVAL;
	}
	if (!error && dst)
		masked_copy(dst, v, m, dp_fields[f].n_bytes);
	return error;
}

/* After a push or pop: re-derive the packet fields of the flow, keeping the
 * metadata (words 0-7: metadata, tunnel, registers, in_port; and tun_gnv_data). */
static void dp_exec_reextract(struct dp_exec *x)
{
	struct flow *flow = x->flow;
	uint64_t md[8], gnv_data;

	x->l_valid = false;
	if (!flow)
		return;
	_Static_assert(offsetof(struct flow, dl_dst) == sizeof md, "metadata is words 0-7");
	memcpy(md, flow, sizeof md);
	gnv_data = flow->tun_gnv_data; /* tunnel metadata outside words 0-7 */
	flow_extract(x->pkt, flow->in_port, flow);
	memcpy(flow, md, sizeof md);
	flow->tun_gnv_data = gnv_data;
}

static int dp_exec_list(struct dp_exec *x, const void *data, size_t size,
                        const struct dp_exec_ops *ops, void *aux, struct dp_tunnel_md *tun,
                        unsigned force, unsigned depth);

/* Room before a clone's private copy of the packet for pushed tags. */
#define DP_CLONE_HEADROOM 16

/* A clone with DP_CLONE_F_COPY: runs the nested list on a copy (its own
 * frame, so that the buffer is on the stack only while a copy exists). */
static __attribute__((noinline)) void
dp_exec_clone_copy(struct dp_exec *x, const struct dp_action *a, const struct dp_exec_ops *ops,
                   void *aux, struct dp_tunnel_md *tun, unsigned force, unsigned depth)
{
	uint8_t buf[DP_CLONE_HEADROOM + PKT_MAX_LEN];
	struct pkt copy;
	struct flow flow;
	struct dp_exec cx = {.pkt = &copy, .flow = NULL, .l_valid = false};

	if (x->pkt->len > PKT_MAX_LEN)
		return;
	memcpy(buf + DP_CLONE_HEADROOM, x->pkt->data, x->pkt->len);
	copy = (struct pkt){
	        .data = buf + DP_CLONE_HEADROOM, .len = x->pkt->len, .headroom = DP_CLONE_HEADROOM};
	if (x->flow) {
		flow = *x->flow;
		cx.flow = &flow;
	}
	/* The copy dies when the clone ends: every output must copy it. */
	dp_exec_list(&cx, a + 1, a->len - sizeof *a, ops, aux, tun, force | DP_EXEC_EDITED_LATER,
	             depth + 1);
}

static void dp_exec_clone(struct dp_exec *x, const struct dp_action *a,
                          const struct dp_exec_ops *ops, void *aux, const struct dp_tunnel_md *tun,
                          unsigned force, unsigned depth)
{
	struct dp_tunnel_md ctun = *tun;
	struct dp_exec cx = *x;
	struct flow flow;

	if (depth >= DP_CLONE_MAX_DEPTH)
		return;
	if (a->arg & DP_CLONE_F_COPY) {
		dp_exec_clone_copy(x, a, ops, aux, &ctun, force, depth);
		return;
	}
	/* Nothing inside edits the packet: share it; only the flow's
	 * metadata (tunnel fields) may change, on a copy. */
	if (x->flow) {
		flow = *x->flow;
		cx.flow = &flow;
	}
	dp_exec_list(&cx, a + 1, a->len - sizeof *a, ops, aux, &ctun, force, depth + 1);
}

/* Applies a meter's DSCP remark of 'levels' drop precedence levels. */
static void dp_exec_remark(struct dp_exec *x, unsigned levels)
{
	const struct pkt_layers *l = dp_exec_layers(x);
	const uint8_t *ip = x->pkt->data + l->l3_ofs;
	uint8_t tos, dscp;

	if (l->flags & PKT_L_IPV4)
		tos = ip[1];
	else if (l->flags & PKT_L_IPV6)
		tos = (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
	else
		return;
	dscp = dp_dscp_raise_prec((uint8_t)(tos >> 2), levels);
	if (dscp == tos >> 2)
		return;
	tos = (uint8_t)(dscp << 2 | (tos & 3));
	if (l->flags & PKT_L_IPV4)
		pkt_set_ipv4_tos(x->pkt, l, tos, 0xfc);
	else
		pkt_set_ipv6_tc(x->pkt, l, tos, 0xfc);
	if (x->flow)
		x->flow->nw_tos = tos;
}

static int dp_exec_list(struct dp_exec *x, const void *data, size_t size,
                        const struct dp_exec_ops *ops, void *aux, struct dp_tunnel_md *tun,
                        unsigned force, unsigned depth)
{
	struct pkt *pkt = x->pkt;
	struct flow *flow;
	const struct dp_action *a;
	int error;

	DP_ACTIONS_FOR_EACH(a, data, size)
	{
		flow = x->flow;
		switch (a->type) {
		case DP_ACTION_OUTPUT:
			ops->output(aux, a->arg, pkt, (a->flags & DP_EXEC_EDITED_LATER) | force,
			            tun);
			break;
		case DP_ACTION_USERSPACE:
			if (ops->userspace)
				ops->userspace(aux, dp_action_userspace_cookie(a), pkt,
				               (a->flags & DP_EXEC_EDITED_LATER) | force, flow);
			break;
		case DP_ACTION_SET_FIELD:
			if (dp_fields[a->arg].n_bytes) {
				dp_exec_set_bytes(x, a->arg, dp_action_set_value(a),
				                  dp_action_set_mask(a));
			} else {
				uint64_t v, m;

				memcpy(&v, dp_action_set_value(a), 8);
				memcpy(&m, dp_action_set_mask(a), 8);
				dp_exec_set_int(x, a->arg, v, m, tun);
			}
			break;
		case DP_ACTION_PUSH_VLAN:
			error = pkt_push_vlan(pkt, (uint16_t)(a->arg >> 16), (uint16_t)a->arg);
			if (error == -ENOSPC)
				return error;
			if (!error)
				dp_exec_reextract(x);
			break;
		case DP_ACTION_POP_VLAN:
			if (!pkt_pop_vlan(pkt))
				dp_exec_reextract(x);
			break;
		case DP_ACTION_DEC_TTL:
			error = pkt_dec_ttl(pkt, dp_exec_layers(x));
			if (error == -ETIMEDOUT)
				return error;
			if (!error && flow)
				flow->nw_ttl--;
			break;
		case DP_ACTION_CLONE:
			dp_exec_clone(x, a, ops, aux, tun, force, depth);
			break;
		case DP_ACTION_METER:
			if (ops->meter) {
				int r = ops->meter(aux, a->arg, pkt);

				if (r < 0)
					return -ECANCELED;
				if (r > 0)
					dp_exec_remark(x, (unsigned)r);
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

int dp_execute_raw(struct pkt *pkt, struct flow *flow, const void *data, size_t size,
                   const struct dp_exec_ops *ops, void *aux)
{
	struct dp_exec x = {.pkt = pkt, .flow = flow, .l_valid = false};
	struct dp_tunnel_md tun = {0};

	if (flow) {
		tun.tun_id = flow->tun_id;
		tun.tun_src = flow->tun_src;
		tun.tun_dst = flow->tun_dst;
		tun.gnv_class = flow->tun_gnv_class;
		tun.gnv_type = flow->tun_gnv_type;
		tun.gnv_len = flow->tun_gnv_len;
		tun.gnv_data = flow->tun_gnv_data;
	}
	return dp_exec_list(&x, data, size, ops, aux, &tun, 0, 0);
}

int dp_execute(struct pkt *pkt, struct flow *flow, const struct dp_actions *acts,
               const struct dp_exec_ops *ops, void *aux)
{
	return dp_execute_raw(pkt, flow, acts->data, acts->size, ops, aux);
}
