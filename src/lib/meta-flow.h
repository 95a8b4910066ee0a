/* meta-flow.h - the table of every field an OpenFlow rule can match on or
 * rewrite: names (ovs-ofctl spelling and aliases), width, where it lives in
 * 'struct flow', masking/writability, prerequisites and OXM/NXM numbers.
 *
 * Also defines 'struct match' (a flow key plus a mask of the bits that
 * matter), the unit that the OpenFlow layer, the classifier and the OXM codec
 * exchange.  Values are in HOST byte order, like struct flow; the wire form
 * (network order) is produced by mf_value_to_wire()/mf_value_from_wire().
 *
 * Everything here is pure: no global state beyond the constant table, safe
 * from any thread. */
#ifndef PB_META_FLOW_H
#define PB_META_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"
#include "lib/util.h"

/* A rule's match: 'flow' holds the values, 'mask' the bits that matter
 * (1 = must equal).  Normalized form (kept by every function here): no bit
 * is set in 'flow' that is clear in 'mask'. */
struct match {
	struct flow flow;
	struct flow mask;
};

/* Matches every packet (all-zero key and mask). */
void match_init_catchall(struct match *m);

enum mf_field_id {
	/* Metadata. */
	MFF_IN_PORT,
	MFF_METADATA,
	MFF_REG0,
	MFF_REG1,
	MFF_REG2,
	MFF_REG3,
	MFF_REG4,
	MFF_REG5,
	MFF_REG6,
	MFF_REG7,
	MFF_TUN_ID,
	MFF_TUN_SRC,
	MFF_TUN_DST,
	/* The one Geneve option carried in the flow (see flow.h). */
	MFF_TUN_GNV_CLASS,
	MFF_TUN_GNV_TYPE,
	MFF_TUN_GNV_LEN,
	MFF_TUN_GNV_DATA,
	/* L2. */
	MFF_ETH_SRC,
	MFF_ETH_DST,
	MFF_ETH_TYPE,
	/* The VLAN fields but inner_vlan_tci are the OUTERMOST tag's. */
	MFF_VLAN_TCI,       /* NXM: whole TCI, CFI = tag present */
	MFF_DL_VLAN,        /* ovs-ofctl dl_vlan: 12-bit VID (0xffff = no tag) */
	MFF_VLAN_VID,       /* OXM: VID | OFPVID_PRESENT (0x1000) */
	MFF_DL_VLAN_PCP,    /* ovs-ofctl dl_vlan_pcp */
	MFF_VLAN_PCP,       /* OXM vlan_pcp */
	MFF_INNER_VLAN_TCI, /* Patchbay: QinQ inner (second) tag TCI, CFI = present */
	/* L3. */
	MFF_IPV4_SRC,
	MFF_IPV4_DST,
	MFF_IPV6_SRC,
	MFF_IPV6_DST,
	MFF_IPV6_LABEL,
	MFF_IP_PROTO,
	MFF_NW_TOS,  /* DSCP in place: the TOS byte with ECN bits zero */
	MFF_IP_DSCP, /* DSCP shifted down: 0..63 */
	MFF_IP_ECN,
	MFF_NW_TTL,
	MFF_IP_FRAG,
	MFF_ARP_OP,
	MFF_ARP_SPA,
	MFF_ARP_TPA,
	MFF_ARP_SHA,
	MFF_ARP_THA,
	/* L4. */
	MFF_TCP_SRC,
	MFF_TCP_DST,
	MFF_UDP_SRC,
	MFF_UDP_DST,
	MFF_SCTP_SRC,
	MFF_SCTP_DST,
	MFF_TCP_FLAGS,
	MFF_ICMPV4_TYPE,
	MFF_ICMPV4_CODE,
	MFF_ICMPV6_TYPE,
	MFF_ICMPV6_CODE,
	MFF_ND_TARGET,
	MFF_ND_SLL,
	MFF_ND_TLL,
	MFF_N_IDS
};

/* What other fields a field needs before it may be matched or set. */
enum mf_prereq {
	MFP_NONE,
	MFP_ARP,        /* dl_type 0x0806 or 0x8035 */
	MFP_VLAN,       /* a VLAN tag (CFI matched as 1) */
	MFP_IPV4,       /* dl_type 0x0800 */
	MFP_IPV6,       /* dl_type 0x86dd */
	MFP_IP_ANY,     /* IPv4 or IPv6 */
	MFP_TCP,        /* IP + nw_proto 6 */
	MFP_UDP,        /* IP + nw_proto 17 */
	MFP_SCTP,       /* IP + nw_proto 132 */
	MFP_ICMPV4,     /* IPv4 + nw_proto 1 */
	MFP_ICMPV6,     /* IPv6 + nw_proto 58 */
	MFP_ND,         /* ICMPv6 + icmp_type 135 or 136 */
	MFP_ND_SOLICIT, /* ICMPv6 + icmp_type 135 */
	MFP_ND_ADVERT,  /* ICMPv6 + icmp_type 136 */
};

/* How a value is written in ovs-ofctl syntax. */
enum mf_string {
	MFS_DECIMAL,   /* decimal (or 0x hex); masked values print as hex */
	MFS_HEX,       /* 0x hex (or decimal) */
	MFS_ETHERNET,  /* aa:bb:cc:dd:ee:ff[/mask] */
	MFS_IPV4,      /* a.b.c.d[/len|/mask] */
	MFS_IPV6,      /* RFC 4291 text[/len|/mask] */
	MFS_OFP_PORT,  /* port number; names are resolved by lib/openflow */
	MFS_FRAG,      /* no|yes|first|later|not_later */
	MFS_TCP_FLAGS, /* +syn-ack... or 0xNNN[/0xMMM] */
};

/* OXM/NXM classes. */
#define OFPXMC_NXM_0          0x0000
#define OFPXMC_NXM_1          0x0001
#define OFPXMC_OPENFLOW_BASIC 0x8000

struct mf_oxm {
	uint16_t oxm_class; /* OFPXMC_*; (0, 0, 0) with len 0 = none */
	uint8_t field;
	uint8_t len; /* value length on the wire in bytes */
};

struct mf_field {
	enum mf_field_id id;
	const char *name;       /* canonical name, as formatted */
	const char *extra_name; /* alias accepted by the parser, or NULL */
	unsigned n_bits;        /* width of the value */
	unsigned n_bytes;       /* bytes of 'union mf_value' used (1,2,4,8,6,16) */
	/* Location: 'flow_size' bytes at 'flow_ofs' in struct flow.  For
	 * integer members, the field is the bits 'bits' of the member, shifted
	 * down by 'shift' (bits == 0 means the whole member).  Byte arrays
	 * (MACs, IPv6) are copied whole. */
	uint16_t flow_ofs;
	uint8_t flow_size;
	uint8_t shift;
	uint64_t bits;
	bool maskable; /* arbitrary bitwise masks allowed */
	bool writable; /* set_field allowed (OpenFlow 1.3) */
	enum mf_prereq prereq;
	enum mf_string string;
	const char *desc;  /* what a value is, for errors: "port number" */
	struct mf_oxm oxm; /* OpenFlow 1.3 header (OXM basic, else NXM) */
	struct mf_oxm nxm; /* alternative NXM header accepted when decoding */
};

/* A field value (or mask), HOST byte order for integers, laid out by width:
 * n_bytes 1: u8, 2: u16, 4: u32, 8: u64, 6: mac, 16: ipv6. */
union mf_value {
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	uint8_t mac[6];
	uint8_t ipv6[16];
	uint8_t bytes[16];
};

/* Longest string mf_format() produces, including the NUL. */
#define MF_FORMAT_MAX 128

/* The field 'id' (a valid enum value). */
const struct mf_field *mf_from_id(enum mf_field_id id);
/* The field named 'name' (canonical or alias, case-sensitive), or NULL. */
const struct mf_field *mf_from_name(const char *name);
/* The field with OXM/NXM 'oxm_class' and 'field' (either header), or NULL. */
const struct mf_field *mf_from_oxm(uint16_t oxm_class, uint8_t field);

/* An integer field's value as a u64 and back (fields of 1, 2, 4 or 8 bytes;
 * other widths are not integers). */
uint64_t mf_value_to_u64(const struct mf_field *mf, const union mf_value *v);
void mf_value_from_u64(const struct mf_field *mf, uint64_t x, union mf_value *v);
/* Reads the field out of 'flow' (a key or a mask). */
void mf_get_value(const struct mf_field *mf, const struct flow *flow, union mf_value *value);
/* Writes 'value' into the field's bits of 'flow' (other bits untouched):
 * what set_field does to a packet's flow.  'value' must be valid. */
void mf_set_flow_value(const struct mf_field *mf, const union mf_value *value, struct flow *flow);

/* Reads the field's value and mask from 'm'. */
void mf_get(const struct mf_field *mf, const struct match *m, union mf_value *value,
            union mf_value *mask);
/* Sets the field in 'm' to 'value' under 'mask' (NULL = exact), keeping
 * 'm' normalized; bits outside the mask are dropped.  A few fields carry
 * extra meaning, as in ovs-ofctl: dl_vlan (0xffff = no tag) and
 * dl_vlan_pcp/vlan_pcp also require a tag (CFI).  The caller has checked
 * the value with mf_value_check() and masking with 'mf->maskable'. */
void mf_set(const struct mf_field *mf, const union mf_value *value, const union mf_value *mask,
            struct match *m);
/* Wildcards the field in 'm' entirely. */
void mf_clear(const struct mf_field *mf, struct match *m);
/* True if any bit of the field is matched in 'm'. */
bool mf_is_set(const struct mf_field *mf, const struct match *m);
/* True if 'mask' is all-ones over the field's width. */
bool mf_mask_is_exact(const struct mf_field *mf, const union mf_value *mask);
/* True if 'value' fits the field (no bits beyond its width or location). */
bool mf_value_check(const struct mf_field *mf, const union mf_value *value);

/* True if 'm' satisfies the prerequisites of 'mf' (e.g. tcp_dst needs an
 * exact dl_type IPv4/IPv6 and nw_proto 6). */
bool mf_are_prereqs_ok(const struct mf_field *mf, const struct match *m);
/* Human text for an unmet prerequisite, e.g. "ip_proto=6"; and the
 * ovs-ofctl shorthand that satisfies it ("tcp"), or NULL if none.
 * 'm' selects between IPv4 and IPv6 shorthands. */
const char *mf_prereq_text(const struct mf_field *mf);
const char *mf_prereq_shorthand(const struct mf_field *mf, const struct match *m);

/* Parses 's' (ovs-ofctl syntax, "value" or "value/mask") for 'mf'.  A
 * plain value gives an exact mask.  Port fields accept numbers only here.
 * Returns 0 or -EINVAL with a message like "'abc' is not a valid port
 * number" (without the field name; the caller prefixes it). */
int mf_parse(const struct mf_field *mf, const char *s, union mf_value *value, union mf_value *mask,
             struct errmsg *err);
/* Parses a value only (no mask allowed). */
int mf_parse_value(const struct mf_field *mf, const char *s, union mf_value *value,
                   struct errmsg *err);
/* Formats 'value' under 'mask' (NULL = exact) into 'buf' (MF_FORMAT_MAX):
 * the inverse of mf_parse() (port numbers as numbers). */
void mf_format(const struct mf_field *mf, const union mf_value *value, const union mf_value *mask,
               char *buf, size_t size);

/* Value <-> network byte order wire form of mf->n_bytes bytes (integers
 * big-endian, right-aligned; arrays as is). */
void mf_value_to_wire(const struct mf_field *mf, const union mf_value *value, uint8_t *wire);
void mf_value_from_wire(const struct mf_field *mf, const uint8_t *wire, union mf_value *value);

/* TCP flag bit names used in "+syn-ack" syntax (bit i = name[i]). */
const char *mf_tcp_flag_name(unsigned bit);

#endif
