/* dp-actions.h - the datapath's action lists: what to do with a packet
 * (output, set a field, push/pop a VLAN tag, decrement the TTL, send to
 * userspace), as a compact self-describing byte array, plus the executor.
 *
 * Encoding: a sequence of TLVs, each starting with a 'struct dp_action'
 * header whose 'len' (header included) is a multiple of 8, so every action
 * is 8-byte aligned and the list can be copied as a flat blob (e.g. into a
 * megaflow cache entry) and executed from there with dp_execute_raw().  An
 * empty list means drop.  The layout is private to one build: do not store
 * it on disk or send it anywhere.
 *
 * Building: dp_actions_init() then dp_actions_put_*(); storage starts in an
 * inline stub and moves to the heap (xmalloc) when it grows, so
 * dp_actions_uninit() must be called, and a 'struct dp_actions' must not be
 * copied by assignment (use dp_actions_clone()).
 *
 * Threads: a list is plain data; building needs exclusive access, executing
 * and formatting only read it. */
#ifndef PB_DP_ACTIONS_H
#define PB_DP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"
#include "lib/packet.h"

enum dp_action_type {
	DP_ACTION_OUTPUT = 1, /* arg: datapath port */
	DP_ACTION_USERSPACE,  /* payload: uint64_t cookie */
	DP_ACTION_SET_FIELD,  /* arg: enum dp_field; payload: value slot, mask slot */
	DP_ACTION_PUSH_VLAN,  /* arg: tpid << 16 | wire tci */
	DP_ACTION_POP_VLAN,
	DP_ACTION_DEC_TTL,
	DP_ACTION_CLONE, /* arg: DP_CLONE_F_*; payload: a nested action list */
	DP_ACTION_METER, /* arg: datapath meter id (see dp_exec_ops.meter) */
};

/* DP_ACTION_CLONE runs its nested list on a copy of the packet (and of the
 * flow and tunnel metadata), so nothing the nested actions do - edits, a
 * drop by dec_ttl or a meter - reaches the actions after it.  The copy of
 * the bytes is made only when the nested list edits the packet
 * (DP_CLONE_F_COPY, computed by dp_actions_end_clone()); clones nest at
 * most DP_CLONE_MAX_DEPTH deep (deeper ones are skipped). */
#define DP_CLONE_F_COPY    0x1
#define DP_CLONE_MAX_DEPTH 8

/* dp_action.flags for OUTPUT and USERSPACE: a later action of the list may
 * change the packet (set a packet field, push/pop, dec_ttl). */
#define DP_ACTION_F_EDITED_LATER 0x01

struct dp_action {
	uint8_t type;  /* enum dp_action_type */
	uint8_t flags; /* DP_ACTION_F_* */
	uint16_t len;  /* bytes including this header, multiple of 8 */
	uint32_t arg;
};

/* Writable fields.  Integer fields carry a host-order value and mask of up to
 * 64 bits (VLAN_VID is the 12-bit VID, VLAN_PCP the 3-bit priority,
 * IPV4_TOS / IPV6_TC the whole 8-bit DSCP<<2|ECN byte, so DSCP alone is
 * mask 0xfc); MAC and IPv6 address fields (ND_SLL/TLL and ND_TARGET too)
 * are 6 or 16 bytes.  Setting a field the packet does not have (e.g.
 * IPV4_SRC on an IPv6 packet, TCP_SRC on UDP, ND_SLL on an NS without that
 * option) does nothing.  TUN_* are metadata only: they change what output
 * passes as tunnel metadata, never the packet. */
enum dp_field {
	DP_FIELD_ETH_SRC,
	DP_FIELD_ETH_DST,
	DP_FIELD_VLAN_VID, /* the outermost tag's */
	DP_FIELD_VLAN_PCP,
	DP_FIELD_IPV4_SRC,
	DP_FIELD_IPV4_DST,
	DP_FIELD_IPV4_TOS,
	DP_FIELD_IPV4_TTL,
	DP_FIELD_IPV6_SRC,
	DP_FIELD_IPV6_DST,
	DP_FIELD_IPV6_LABEL,
	DP_FIELD_IPV6_TC,
	DP_FIELD_IPV6_HLIMIT,
	DP_FIELD_TCP_SRC,
	DP_FIELD_TCP_DST,
	DP_FIELD_UDP_SRC,
	DP_FIELD_UDP_DST,
	DP_FIELD_SCTP_SRC,
	DP_FIELD_SCTP_DST,
	DP_FIELD_ICMP_TYPE,
	DP_FIELD_ICMP_CODE,
	DP_FIELD_ICMPV6_TYPE,
	DP_FIELD_ICMPV6_CODE,
	DP_FIELD_ND_TARGET, /* ICMPv6 NS/NA code 0 (see pkt_set_nd_target()) */
	DP_FIELD_ND_SLL,    /* the NS's source link-layer address option */
	DP_FIELD_ND_TLL,    /* the NA's target link-layer address option */
	DP_FIELD_ARP_OP,
	DP_FIELD_ARP_SPA,
	DP_FIELD_ARP_TPA,
	DP_FIELD_ARP_SHA,
	DP_FIELD_ARP_THA,
	DP_FIELD_TUN_ID,
	DP_FIELD_TUN_SRC,
	DP_FIELD_TUN_DST,
	DP_FIELD_TUN_GNV_CLASS, /* the Geneve option (see flow.h) */
	DP_FIELD_TUN_GNV_TYPE,
	DP_FIELD_TUN_GNV_LEN,
	DP_FIELD_TUN_GNV_DATA,
	DP_N_FIELDS
};

/* Bytes of a field's value: 6 or 16 for address fields, 0 for integer
 * fields (use dp_actions_put_set_int()). */
unsigned dp_field_n_bytes(enum dp_field f);
/* All-ones mask of an integer field (e.g. 0xfff for VLAN_VID). */
uint64_t dp_field_max(enum dp_field f);

#define DP_ACTIONS_STUB_U64S 32

struct dp_actions {
	uint64_t *data;    /* the encoded list: 'stub' or the heap */
	uint32_t size;     /* bytes used */
	uint32_t cap;      /* bytes available at 'data' */
	uint32_t unmarked; /* builder: first output not yet marked EDITED_LATER */
	uint32_t pad;
	uint64_t stub[DP_ACTIONS_STUB_U64S];
};

void dp_actions_init(struct dp_actions *acts);
/* Frees heap storage (NULL is fine); init again before reuse. */
void dp_actions_uninit(struct dp_actions *acts);
/* Empties the list, keeping its storage. */
void dp_actions_clear(struct dp_actions *acts);
/* Initializes 'dst' as a copy of 'src'. */
void dp_actions_clone(struct dp_actions *dst, const struct dp_actions *src);
/* An xmalloc'd copy of the encoded bytes (acts->size of them; free()). */
void *dp_actions_copy_data(const struct dp_actions *acts);

void dp_actions_put_output(struct dp_actions *acts, uint32_t port);
void dp_actions_put_userspace(struct dp_actions *acts, uint64_t cookie);
/* Sets integer field 'f' to 'value' under 'mask' (both truncated to the
 * field's width; a zero mask adds nothing).  Aborts if 'f' is an address
 * field. */
void dp_actions_put_set_int(struct dp_actions *acts, enum dp_field f, uint64_t value,
                            uint64_t mask);
/* Sets address field 'f' (dp_field_n_bytes(f) bytes at 'value') under 'mask'
 * (same size, or NULL for all ones).  Aborts if 'f' is an integer field. */
void dp_actions_put_set_bytes(struct dp_actions *acts, enum dp_field f, const uint8_t *value,
                              const uint8_t *mask);
/* Pushes a new outermost tag: 'tpid' 0x8100 or 0x88a8, 'tci' as on the wire
 * (pcp << 13 | dei << 12 | vid). */
void dp_actions_put_push_vlan(struct dp_actions *acts, uint16_t tpid, uint16_t tci);
void dp_actions_put_pop_vlan(struct dp_actions *acts);
/* Decrements the IP TTL / hop limit; a packet whose TTL is <= 1 is dropped
 * there (see dp_execute()).  Non-IP packets pass unchanged. */
void dp_actions_put_dec_ttl(struct dp_actions *acts);
/* Opens a clone: the actions appended until the matching
 * dp_actions_end_clone() (which gets the returned offset) form its nested
 * list.  Clones may nest.  An empty clone is removed by end. */
size_t dp_actions_start_clone(struct dp_actions *acts);
/* Returns false (and removes the clone) if its nested list does not fit in
 * one action (64 KiB). */
bool dp_actions_end_clone(struct dp_actions *acts, size_t ofs);
/* Runs the packet through datapath meter 'meter_id' (dp_exec_ops.meter):
 * the meter may drop it (the rest of the list is skipped, as after a failed
 * dec_ttl) or raise its DSCP drop precedence. */
void dp_actions_put_meter(struct dp_actions *acts, uint32_t meter_id);

/* Iterates over the actions of the list at DATA (SIZE bytes), which must be
 * well formed (built here, or checked by dp_actions_validate()). */
#define DP_ACTIONS_FOR_EACH(A, DATA, SIZE)                                                         \
	for ((A) = (const struct dp_action *)(const void *)(DATA);                                 \
	     (const uint8_t *)(A) < (const uint8_t *)(const void *)(DATA) + (SIZE);                \
	     (A) = (const struct dp_action *)(const void *)((const uint8_t *)(A) + (A)->len))

/* Accessors for one action. */
static inline uint64_t dp_action_userspace_cookie(const struct dp_action *a)
{
	return ((const uint64_t *)(const void *)(a + 1))[0];
}

static inline const uint8_t *dp_action_set_value(const struct dp_action *a)
{
	return (const uint8_t *)(a + 1);
}

static inline const uint8_t *dp_action_set_mask(const struct dp_action *a)
{
	return (const uint8_t *)(a + 1) + (a->len - sizeof *a) / 2;
}

/* 0 if DATA/SIZE is a well-formed list (lengths, types, fields), else
 * -EINVAL. */
int dp_actions_validate(const void *data, size_t size);

bool dp_actions_equal(const struct dp_actions *a, const struct dp_actions *b);
uint32_t dp_actions_hash(const struct dp_actions *acts, uint32_t basis);

/* Writes the list as text into 'buf' ('len' bytes, NUL-terminated when
 * len > 0), e.g. "push_vlan(vid=10,pcp=0),set(ipv4(src=10.0.0.1)),output:2";
 * an empty list is "drop".  Returns the full length (like snprintf). */
int dp_actions_format(const struct dp_actions *acts, char *buf, size_t len);
int dp_actions_format_raw(const void *data, size_t size, char *buf, size_t len);

/* ---- execution ---- */

/* Tunnel metadata an output carries (all zero unless set by the actions or
 * given by the flow). */
struct dp_tunnel_md {
	uint64_t tun_id;
	uint32_t tun_src;
	uint32_t tun_dst;
	uint64_t gnv_data; /* the Geneve option, as the flow's tun_gnv_* */
	uint16_t gnv_class;
	uint8_t gnv_type;
	uint8_t gnv_len;
	uint32_t pad;
};

/* Flags passed to the callbacks. */
#define DP_EXEC_EDITED_LATER DP_ACTION_F_EDITED_LATER

/* Callbacks of dp_execute(), run synchronously on the executing thread.
 *
 * Copy rule: the packet is edited in place, so the bytes (and *pkt itself:
 * data/len move on push/pop) a callback sees are valid only until it
 * returns.  When 'flags' has DP_EXEC_EDITED_LATER, a later action changes
 * the packet: the callback must copy the bytes it wants to keep.  Without
 * it, no later action touches the packet, so keeping a copy of *pkt (the
 * pointer and length) until the caller's batch is sent is enough. */
struct dp_exec_ops {
	/* Send 'pkt' out of datapath port 'port'. */
	void (*output)(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
	               const struct dp_tunnel_md *tun);
	/* The userspace action: hand 'pkt' to the slow path with 'cookie'.
	 * 'flow' is dp_execute()'s 'flow' as updated so far (NULL if none was
	 * given).  NULL callback: the action is skipped. */
	void (*userspace)(void *aux, uint64_t cookie, const struct pkt *pkt, unsigned flags,
	                  const struct flow *flow);
	/* The meter action: returns DP_METER_DROP to drop the packet, 0 to
	 * pass it, or N > 0 to pass it with its DSCP drop precedence raised by
	 * N levels (AF classes only: AFx1 -> AFx2 -> AFx3; other DSCPs and
	 * non-IP packets are left alone).  NULL callback: every packet
	 * passes. */
	int (*meter)(void *aux, uint32_t meter_id, const struct pkt *pkt);
};

#define DP_METER_DROP (-1)

/* The DSCP 'dscp' (6 bits) with its AF drop precedence raised by 'levels'
 * (capped at 3); non-AF codepoints are returned unchanged. */
uint8_t dp_dscp_raise_prec(uint8_t dscp, unsigned levels);

/* Runs the actions on 'pkt', editing it in place (see packet-edit.h: each
 * push_vlan needs 4 bytes of pkt->headroom).  If 'flow' is not NULL it is the
 * packet's flow and is kept in step with the edits (fields set, tags
 * pushed/popped by re-extraction keeping the metadata, TTL decremented).
 * Returns 0 after running the whole list, or stops early and returns
 * -ETIMEDOUT (dec_ttl on a TTL <= 1: the packet is dropped there, outputs
 * already done stay done) or -ENOSPC (push_vlan without headroom: dropped
 * likewise) or -ECANCELED (a meter dropped it).  A clone's nested list
 * never stops the outer one. */
int dp_execute(struct pkt *pkt, struct flow *flow, const struct dp_actions *acts,
               const struct dp_exec_ops *ops, void *aux);
int dp_execute_raw(struct pkt *pkt, struct flow *flow, const void *data, size_t size,
                   const struct dp_exec_ops *ops, void *aux);

#endif
