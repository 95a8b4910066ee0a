/* meta-flow.c - the field table and the generic access to a field inside a
 * struct flow / struct match: get, set, mask, prerequisites, wire form.
 * Text parsing and formatting of values is in meta-flow-text.c. */
#include "lib/meta-flow.h"

#include <string.h>

#define LOC(member) offsetof(struct flow, member), sizeof(((struct flow *)0)->member)
#define NONE_OXM                                                                                   \
	{                                                                                          \
		0, 0, 0                                                                            \
	}
#define BASIC(f, len)                                                                              \
	{                                                                                          \
		OFPXMC_OPENFLOW_BASIC, f, len                                                      \
	}
#define NXM0(f, len)                                                                               \
	{                                                                                          \
		OFPXMC_NXM_0, f, len                                                               \
	}
#define NXM1(f, len)                                                                               \
	{                                                                                          \
		OFPXMC_NXM_1, f, len                                                               \
	}

/* Integer field: ID, name, alias, bits, bytes, location, shift, bit mask,
 * maskable, writable, prerequisite, syntax, description, oxm, nxm. */
#define FIELD(ID, NAME, EXTRA, NBITS, NBYTES, LOCATION, SHIFT, BITS, MASKABLE, WRITABLE, PREREQ,   \
              STRING, DESC, OXM, NXM)                                                              \
	[ID] = {ID,       NAME,     EXTRA,  NBITS,  NBYTES, LOCATION, SHIFT, BITS,                 \
	        MASKABLE, WRITABLE, PREREQ, STRING, DESC,   OXM,      NXM}

#define REG(N)                                                                                     \
	FIELD(MFF_REG##N, "reg" #N, NULL, 32, 4, LOC(regs[N]), 0, 0, true, true, MFP_NONE,         \
	      MFS_HEX, "number", NXM1(N, 4), NONE_OXM)

static const struct mf_field mf_fields[MFF_N_IDS] = {
        FIELD(MFF_IN_PORT, "in_port", NULL, 32, 4, LOC(in_port), 0, 0, false, false, MFP_NONE,
              MFS_OFP_PORT, "port", BASIC(0, 4), NONE_OXM),
        FIELD(MFF_METADATA, "metadata", NULL, 64, 8, LOC(metadata), 0, 0, true, true, MFP_NONE,
              MFS_HEX, "number", BASIC(2, 8), NONE_OXM),
        REG(0),
        REG(1),
        REG(2),
        REG(3),
        REG(4),
        REG(5),
        REG(6),
        REG(7),
        FIELD(MFF_TUN_ID, "tun_id", "tunnel_id", 64, 8, LOC(tun_id), 0, 0, true, true, MFP_NONE,
              MFS_HEX, "number", BASIC(38, 8), NXM1(16, 8)),
        FIELD(MFF_TUN_SRC, "tun_src", NULL, 32, 4, LOC(tun_src), 0, 0, true, true, MFP_NONE,
              MFS_IPV4, "IPv4 address", NXM1(31, 4), NONE_OXM),
        FIELD(MFF_TUN_DST, "tun_dst", NULL, 32, 4, LOC(tun_dst), 0, 0, true, true, MFP_NONE,
              MFS_IPV4, "IPv4 address", NXM1(32, 4), NONE_OXM),
        /* Geneve option: no OXM/NXM header for class/type/len (OVS binds them
         * through its TLV map instead); the data goes on the wire as OVS's
         * tun_metadata0 (NXM1 40) with an 8-byte value. */
        FIELD(MFF_TUN_GNV_CLASS, "tun_gnv_class", NULL, 16, 2, LOC(tun_gnv_class), 0, 0, true, true,
              MFP_NONE, MFS_HEX, "Geneve option class", NONE_OXM, NONE_OXM),
        FIELD(MFF_TUN_GNV_TYPE, "tun_gnv_type", NULL, 8, 1, LOC(tun_gnv_type), 0, 0, true, true,
              MFP_NONE, MFS_HEX, "Geneve option type", NONE_OXM, NONE_OXM),
        FIELD(MFF_TUN_GNV_LEN, "tun_gnv_len", NULL, 8, 1, LOC(tun_gnv_len), 0, 0, false, true,
              MFP_NONE, MFS_DECIMAL, "Geneve option length", NONE_OXM, NONE_OXM),
        FIELD(MFF_TUN_GNV_DATA, "tun_gnv_data", "tun_metadata0", 64, 8, LOC(tun_gnv_data), 0, 0,
              true, true, MFP_NONE, MFS_HEX, "number", NXM1(40, 8), NONE_OXM),

        FIELD(MFF_ETH_SRC, "eth_src", "dl_src", 48, 6, LOC(dl_src), 0, 0, true, true, MFP_NONE,
              MFS_ETHERNET, "Ethernet address", BASIC(4, 6), NXM0(2, 6)),
        FIELD(MFF_ETH_DST, "eth_dst", "dl_dst", 48, 6, LOC(dl_dst), 0, 0, true, true, MFP_NONE,
              MFS_ETHERNET, "Ethernet address", BASIC(3, 6), NXM0(1, 6)),
        FIELD(MFF_ETH_TYPE, "eth_type", "dl_type", 16, 2, LOC(dl_type), 0, 0, false, false,
              MFP_NONE, MFS_HEX, "Ethernet type", BASIC(5, 2), NXM0(3, 2)),
        FIELD(MFF_VLAN_TCI, "vlan_tci", NULL, 16, 2, LOC(vlan_tci), 0, 0, true, true, MFP_NONE,
              MFS_HEX, "VLAN TCI", NXM0(4, 2), NONE_OXM),
        FIELD(MFF_DL_VLAN, "dl_vlan", NULL, 16, 2, LOC(vlan_tci), 0, VLAN_VID_BITS, false, false,
              MFP_NONE, MFS_DECIMAL, "VLAN ID", NONE_OXM, NONE_OXM),
        FIELD(MFF_VLAN_VID, "vlan_vid", NULL, 13, 2, LOC(vlan_tci), 0, VLAN_CFI | VLAN_VID_BITS,
              true, true, MFP_NONE, MFS_DECIMAL, "VLAN ID", BASIC(6, 2), NONE_OXM),
        FIELD(MFF_DL_VLAN_PCP, "dl_vlan_pcp", NULL, 3, 1, LOC(vlan_tci), VLAN_PCP_SHIFT,
              VLAN_PCP_MASK, false, false, MFP_NONE, MFS_DECIMAL, "VLAN priority", NONE_OXM,
              NONE_OXM),
        FIELD(MFF_VLAN_PCP, "vlan_pcp", NULL, 3, 1, LOC(vlan_tci), VLAN_PCP_SHIFT, VLAN_PCP_MASK,
              false, true, MFP_VLAN, MFS_DECIMAL, "VLAN priority", BASIC(7, 1), NONE_OXM),
        FIELD(MFF_INNER_VLAN_TCI, "inner_vlan_tci", NULL, 16, 2, LOC(inner_vlan_tci), 0, 0, true,
              false, MFP_NONE, MFS_HEX, "VLAN TCI", NONE_OXM, NONE_OXM),

        FIELD(MFF_IPV4_SRC, "ip_src", "nw_src", 32, 4, LOC(nw_src), 0, 0, true, true, MFP_IPV4,
              MFS_IPV4, "IPv4 address", BASIC(11, 4), NXM0(7, 4)),
        FIELD(MFF_IPV4_DST, "ip_dst", "nw_dst", 32, 4, LOC(nw_dst), 0, 0, true, true, MFP_IPV4,
              MFS_IPV4, "IPv4 address", BASIC(12, 4), NXM0(8, 4)),
        FIELD(MFF_IPV6_SRC, "ipv6_src", NULL, 128, 16, LOC(ipv6_src), 0, 0, true, true, MFP_IPV6,
              MFS_IPV6, "IPv6 address", BASIC(26, 16), NXM1(19, 16)),
        FIELD(MFF_IPV6_DST, "ipv6_dst", NULL, 128, 16, LOC(ipv6_dst), 0, 0, true, true, MFP_IPV6,
              MFS_IPV6, "IPv6 address", BASIC(27, 16), NXM1(20, 16)),
        FIELD(MFF_IPV6_LABEL, "ipv6_label", NULL, 20, 4, LOC(ipv6_label), 0, 0xfffff, true, true,
              MFP_IPV6, MFS_HEX, "flow label", BASIC(28, 4), NXM1(27, 4)),
        FIELD(MFF_IP_PROTO, "nw_proto", "ip_proto", 8, 1, LOC(nw_proto), 0, 0, false, false,
              MFP_IP_ANY, MFS_DECIMAL, "IP protocol", BASIC(10, 1), NXM0(6, 1)),
        FIELD(MFF_NW_TOS, "nw_tos", NULL, 8, 1, LOC(nw_tos), 0, 0xfc, false, true, MFP_IP_ANY,
              MFS_DECIMAL, "TOS value (multiple of 4)", NXM0(5, 1), NONE_OXM),
        FIELD(MFF_IP_DSCP, "ip_dscp", NULL, 6, 1, LOC(nw_tos), 2, 0xfc, false, true, MFP_IP_ANY,
              MFS_DECIMAL, "DSCP value", BASIC(8, 1), NONE_OXM),
        FIELD(MFF_IP_ECN, "nw_ecn", "ip_ecn", 2, 1, LOC(nw_tos), 0, 0x03, false, true, MFP_IP_ANY,
              MFS_DECIMAL, "ECN value", BASIC(9, 1), NXM1(28, 1)),
        FIELD(MFF_NW_TTL, "nw_ttl", NULL, 8, 1, LOC(nw_ttl), 0, 0, false, true, MFP_IP_ANY,
              MFS_DECIMAL, "TTL", NXM1(29, 1), NONE_OXM),
        FIELD(MFF_IP_FRAG, "ip_frag", "nw_frag", 2, 1, LOC(nw_frag), 0, 0x03, true, false,
              MFP_IP_ANY, MFS_FRAG, "fragment type", NXM1(26, 1), NONE_OXM),
        FIELD(MFF_ARP_OP, "arp_op", NULL, 16, 2, LOC(nw_proto), 0, 0xff, false, true, MFP_ARP,
              MFS_DECIMAL, "ARP opcode", BASIC(21, 2), NXM0(15, 2)),
        FIELD(MFF_ARP_SPA, "arp_spa", NULL, 32, 4, LOC(nw_src), 0, 0, true, true, MFP_ARP, MFS_IPV4,
              "IPv4 address", BASIC(22, 4), NXM0(16, 4)),
        FIELD(MFF_ARP_TPA, "arp_tpa", NULL, 32, 4, LOC(nw_dst), 0, 0, true, true, MFP_ARP, MFS_IPV4,
              "IPv4 address", BASIC(23, 4), NXM0(17, 4)),
        FIELD(MFF_ARP_SHA, "arp_sha", NULL, 48, 6, LOC(arp_sha), 0, 0, true, true, MFP_ARP,
              MFS_ETHERNET, "Ethernet address", BASIC(24, 6), NXM1(17, 6)),
        FIELD(MFF_ARP_THA, "arp_tha", NULL, 48, 6, LOC(arp_tha), 0, 0, true, true, MFP_ARP,
              MFS_ETHERNET, "Ethernet address", BASIC(25, 6), NXM1(18, 6)),

        FIELD(MFF_TCP_SRC, "tcp_src", "tp_src", 16, 2, LOC(tp_src), 0, 0, true, true, MFP_TCP,
              MFS_DECIMAL, "port number", BASIC(13, 2), NXM0(9, 2)),
        FIELD(MFF_TCP_DST, "tcp_dst", "tp_dst", 16, 2, LOC(tp_dst), 0, 0, true, true, MFP_TCP,
              MFS_DECIMAL, "port number", BASIC(14, 2), NXM0(10, 2)),
        FIELD(MFF_UDP_SRC, "udp_src", NULL, 16, 2, LOC(tp_src), 0, 0, true, true, MFP_UDP,
              MFS_DECIMAL, "port number", BASIC(15, 2), NXM0(11, 2)),
        FIELD(MFF_UDP_DST, "udp_dst", NULL, 16, 2, LOC(tp_dst), 0, 0, true, true, MFP_UDP,
              MFS_DECIMAL, "port number", BASIC(16, 2), NXM0(12, 2)),
        FIELD(MFF_SCTP_SRC, "sctp_src", NULL, 16, 2, LOC(tp_src), 0, 0, true, true, MFP_SCTP,
              MFS_DECIMAL, "port number", BASIC(17, 2), NONE_OXM),
        FIELD(MFF_SCTP_DST, "sctp_dst", NULL, 16, 2, LOC(tp_dst), 0, 0, true, true, MFP_SCTP,
              MFS_DECIMAL, "port number", BASIC(18, 2), NONE_OXM),
        FIELD(MFF_TCP_FLAGS, "tcp_flags", NULL, 12, 2, LOC(tcp_flags), 0, 0xfff, true, false,
              MFP_TCP, MFS_TCP_FLAGS, "TCP flags value", NXM1(34, 2), NONE_OXM),
        FIELD(MFF_ICMPV4_TYPE, "icmp_type", NULL, 8, 1, LOC(tp_src), 0, 0xff, false, true,
              MFP_ICMPV4, MFS_DECIMAL, "ICMP type", BASIC(19, 1), NXM0(13, 1)),
        FIELD(MFF_ICMPV4_CODE, "icmp_code", NULL, 8, 1, LOC(tp_dst), 0, 0xff, false, true,
              MFP_ICMPV4, MFS_DECIMAL, "ICMP code", BASIC(20, 1), NXM0(14, 1)),
        FIELD(MFF_ICMPV6_TYPE, "icmpv6_type", NULL, 8, 1, LOC(tp_src), 0, 0xff, false, true,
              MFP_ICMPV6, MFS_DECIMAL, "ICMPv6 type", BASIC(29, 1), NXM1(21, 1)),
        FIELD(MFF_ICMPV6_CODE, "icmpv6_code", NULL, 8, 1, LOC(tp_dst), 0, 0xff, false, true,
              MFP_ICMPV6, MFS_DECIMAL, "ICMPv6 code", BASIC(30, 1), NXM1(22, 1)),
        FIELD(MFF_ND_TARGET, "nd_target", NULL, 128, 16, LOC(nd_target), 0, 0, true, true, MFP_ND,
              MFS_IPV6, "IPv6 address", BASIC(31, 16), NXM1(23, 16)),
        FIELD(MFF_ND_SLL, "nd_sll", NULL, 48, 6, LOC(arp_sha), 0, 0, true, true, MFP_ND_SOLICIT,
              MFS_ETHERNET, "Ethernet address", BASIC(32, 6), NXM1(24, 6)),
        FIELD(MFF_ND_TLL, "nd_tll", NULL, 48, 6, LOC(arp_tha), 0, 0, true, true, MFP_ND_ADVERT,
              MFS_ETHERNET, "Ethernet address", BASIC(33, 6), NXM1(25, 6)),
};

_Static_assert(FLOW_WC_SEQ == 3, "struct flow changed: update the meta-flow table");

void match_init_catchall(struct match *m)
{
	memset(m, 0, sizeof *m);
}

const struct mf_field *mf_from_id(enum mf_field_id id)
{
	return &mf_fields[id];
}

const struct mf_field *mf_from_name(const char *name)
{
	for (size_t i = 0; i < MFF_N_IDS; i++) {
		const struct mf_field *mf = &mf_fields[i];

		if (!strcmp(name, mf->name) || (mf->extra_name && !strcmp(name, mf->extra_name)))
			return mf;
	}
	return NULL;
}

const struct mf_field *mf_from_oxm(uint16_t oxm_class, uint8_t field)
{
	for (size_t i = 0; i < MFF_N_IDS; i++) {
		const struct mf_field *mf = &mf_fields[i];

		if ((mf->oxm.len && mf->oxm.oxm_class == oxm_class && mf->oxm.field == field) ||
		    (mf->nxm.len && mf->nxm.oxm_class == oxm_class && mf->nxm.field == field))
			return mf;
	}
	return NULL;
}

static bool mf_is_integer(const struct mf_field *mf)
{
	return mf->n_bytes <= 8 && mf->n_bytes != 6;
}

/* The bits of the member that belong to the field (all of it if 'bits' is 0). */
static uint64_t mf_member_bits(const struct mf_field *mf)
{
	if (mf->bits)
		return mf->bits;
	return mf->flow_size == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * mf->flow_size)) - 1;
}

static uint64_t member_read(const struct mf_field *mf, const struct flow *flow)
{
	const uint8_t *p = (const uint8_t *)flow + mf->flow_ofs;

	switch (mf->flow_size) {
	case 1:
		return *p;
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	default: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

static void member_write(const struct mf_field *mf, struct flow *flow, uint64_t x)
{
	uint8_t *p = (uint8_t *)flow + mf->flow_ofs;

	switch (mf->flow_size) {
	case 1:
		*p = (uint8_t)x;
		break;
	case 2: {
		uint16_t v = (uint16_t)x;
		memcpy(p, &v, 2);
		break;
	}
	case 4: {
		uint32_t v = (uint32_t)x;
		memcpy(p, &v, 4);
		break;
	}
	default:
		memcpy(p, &x, 8);
		break;
	}
}

uint64_t mf_value_to_u64(const struct mf_field *mf, const union mf_value *v)
{
	switch (mf->n_bytes) {
	case 1:
		return v->u8;
	case 2:
		return v->u16;
	case 4:
		return v->u32;
	default:
		return v->u64;
	}
}

void mf_value_from_u64(const struct mf_field *mf, uint64_t x, union mf_value *v)
{
	memset(v, 0, sizeof *v);
	switch (mf->n_bytes) {
	case 1:
		v->u8 = (uint8_t)x;
		break;
	case 2:
		v->u16 = (uint16_t)x;
		break;
	case 4:
		v->u32 = (uint32_t)x;
		break;
	default:
		v->u64 = x;
		break;
	}
}

void mf_get_value(const struct mf_field *mf, const struct flow *flow, union mf_value *value)
{
	if (!mf_is_integer(mf)) {
		memset(value, 0, sizeof *value);
		memcpy(value->bytes, (const uint8_t *)flow + mf->flow_ofs, mf->n_bytes);
		return;
	}
	mf_value_from_u64(mf, (member_read(mf, flow) & mf_member_bits(mf)) >> mf->shift, value);
}

void mf_set_flow_value(const struct mf_field *mf, const union mf_value *value, struct flow *flow)
{
	uint64_t bits, x;

	if (!mf_is_integer(mf)) {
		memcpy((uint8_t *)flow + mf->flow_ofs, value->bytes, mf->n_bytes);
		return;
	}
	bits = mf_member_bits(mf);
	x = member_read(mf, flow);
	x = (x & ~bits) | ((mf_value_to_u64(mf, value) << mf->shift) & bits);
	member_write(mf, flow, x);
}

void mf_get(const struct mf_field *mf, const struct match *m, union mf_value *value,
            union mf_value *mask)
{
	mf_get_value(mf, &m->flow, value);
	mf_get_value(mf, &m->mask, mask);
}

/* Sets the field's bits of key and mask to 'v' & 'msk' and 'msk'. */
static void mf_set_generic(const struct mf_field *mf, const union mf_value *v,
                           const union mf_value *msk, struct match *m)
{
	union mf_value masked;

	if (mf_is_integer(mf)) {
		mf_value_from_u64(mf, mf_value_to_u64(mf, v) & mf_value_to_u64(mf, msk), &masked);
	} else {
		memset(&masked, 0, sizeof masked);
		for (unsigned i = 0; i < mf->n_bytes; i++)
			masked.bytes[i] = v->bytes[i] & msk->bytes[i];
	}
	mf_set_flow_value(mf, &masked, &m->flow);
	mf_set_flow_value(mf, msk, &m->mask);
}

/* The field's bits that struct flow can hold, as a value: (1 << n_bits) - 1
 * narrowed by the location ('nw_tos' holds DSCP bits only, arp_op 8 bits). */
static uint64_t mf_storable(const struct mf_field *mf)
{
	uint64_t width = mf->n_bits == 64 ? UINT64_MAX : (UINT64_C(1) << mf->n_bits) - 1;

	return mf->bits ? width & (mf->bits >> mf->shift) : width;
}

static void exact_mask(const struct mf_field *mf, union mf_value *mask)
{
	memset(mask, 0, sizeof *mask);
	if (mf_is_integer(mf))
		mf_value_from_u64(mf, mf_storable(mf), mask);
	else
		memset(mask->bytes, 0xff, mf->n_bytes);
}

void mf_set(const struct mf_field *mf, const union mf_value *value, const union mf_value *mask,
            struct match *m)
{
	union mf_value exact;

	if (!mask) {
		exact_mask(mf, &exact);
		mask = &exact;
	}
	switch (mf->id) {
	case MFF_DL_VLAN:
		/* dl_vlan=N: a tag with VID N; dl_vlan=0xffff: no tag at all. */
		if (value->u16 == 0xffff) {
			m->flow.vlan_tci = 0;
			m->mask.vlan_tci = 0xffff;
		} else {
			m->flow.vlan_tci = (uint16_t)((m->flow.vlan_tci & ~VLAN_VID_BITS) |
			                              (value->u16 & VLAN_VID_BITS) | VLAN_CFI);
			m->mask.vlan_tci |= VLAN_VID_BITS | VLAN_CFI;
		}
		return;
	case MFF_DL_VLAN_PCP:
	case MFF_VLAN_PCP:
		/* A priority implies a tag. */
		m->flow.vlan_tci =
		        (uint16_t)((m->flow.vlan_tci & ~VLAN_PCP_MASK) |
		                   ((value->u8 << VLAN_PCP_SHIFT) & VLAN_PCP_MASK) | VLAN_CFI);
		m->mask.vlan_tci |= VLAN_PCP_MASK | VLAN_CFI;
		return;
	default:
		mf_set_generic(mf, value, mask, m);
		return;
	}
}

void mf_clear(const struct mf_field *mf, struct match *m)
{
	union mf_value zero;

	memset(&zero, 0, sizeof zero);
	mf_set_flow_value(mf, &zero, &m->flow);
	mf_set_flow_value(mf, &zero, &m->mask);
}

bool mf_is_set(const struct mf_field *mf, const struct match *m)
{
	union mf_value mask;

	mf_get_value(mf, &m->mask, &mask);
	for (unsigned i = 0; i < mf->n_bytes; i++)
		if (mask.bytes[i])
			return true;
	return false;
}

bool mf_mask_is_exact(const struct mf_field *mf, const union mf_value *mask)
{
	union mf_value exact;

	if (mf_is_integer(mf))
		return (mf_value_to_u64(mf, mask) & mf_storable(mf)) == mf_storable(mf);
	exact_mask(mf, &exact);
	return !memcmp(exact.bytes, mask->bytes, mf->n_bytes);
}

bool mf_value_check(const struct mf_field *mf, const union mf_value *value)
{
	uint64_t x;

	if (!mf_is_integer(mf))
		return true;
	x = mf_value_to_u64(mf, value);
	if (mf->id == MFF_DL_VLAN)
		return x <= VLAN_VID_BITS || x == 0xffff;
	if (mf->n_bits < 64 && x >> mf->n_bits)
		return false;
	return ((x << mf->shift) & ~mf_member_bits(mf)) == 0;
}

static bool dl_type_is(const struct match *m, uint16_t type)
{
	return m->mask.dl_type == 0xffff && m->flow.dl_type == type;
}

static bool is_ip_any(const struct match *m)
{
	return dl_type_is(m, 0x0800) || dl_type_is(m, 0x86dd);
}

static bool nw_proto_is(const struct match *m, uint8_t proto)
{
	return m->mask.nw_proto == 0xff && m->flow.nw_proto == proto;
}

static bool icmp_type_is(const struct match *m, uint8_t type)
{
	return (m->mask.tp_src & 0xff) == 0xff && (m->flow.tp_src & 0xff) == type;
}

bool mf_are_prereqs_ok(const struct mf_field *mf, const struct match *m)
{
	bool icmp6 = dl_type_is(m, 0x86dd) && nw_proto_is(m, 58);

	switch (mf->prereq) {
	case MFP_NONE:
		return true;
	case MFP_ARP:
		return dl_type_is(m, 0x0806) || dl_type_is(m, 0x8035);
	case MFP_VLAN:
		return (m->mask.vlan_tci & VLAN_CFI) && (m->flow.vlan_tci & VLAN_CFI);
	case MFP_IPV4:
		return dl_type_is(m, 0x0800);
	case MFP_IPV6:
		return dl_type_is(m, 0x86dd);
	case MFP_IP_ANY:
		return is_ip_any(m);
	case MFP_TCP:
		return is_ip_any(m) && nw_proto_is(m, 6);
	case MFP_UDP:
		return is_ip_any(m) && nw_proto_is(m, 17);
	case MFP_SCTP:
		return is_ip_any(m) && nw_proto_is(m, 132);
	case MFP_ICMPV4:
		return dl_type_is(m, 0x0800) && nw_proto_is(m, 1);
	case MFP_ICMPV6:
		return icmp6;
	case MFP_ND:
		return icmp6 && (icmp_type_is(m, 135) || icmp_type_is(m, 136));
	case MFP_ND_SOLICIT:
		return icmp6 && icmp_type_is(m, 135);
	case MFP_ND_ADVERT:
		return icmp6 && icmp_type_is(m, 136);
	}
	return false;
}

const char *mf_prereq_text(const struct mf_field *mf)
{
	switch (mf->prereq) {
	case MFP_NONE:
		return "nothing";
	case MFP_ARP:
		return "dl_type=0x0806 or dl_type=0x8035";
	case MFP_VLAN:
		return "a VLAN tag";
	case MFP_IPV4:
		return "dl_type=0x0800";
	case MFP_IPV6:
		return "dl_type=0x86dd";
	case MFP_IP_ANY:
		return "dl_type=0x0800 or dl_type=0x86dd";
	case MFP_TCP:
		return "ip_proto=6";
	case MFP_UDP:
		return "ip_proto=17";
	case MFP_SCTP:
		return "ip_proto=132";
	case MFP_ICMPV4:
		return "dl_type=0x0800 and ip_proto=1";
	case MFP_ICMPV6:
		return "dl_type=0x86dd and ip_proto=58";
	case MFP_ND:
		return "icmp6 with icmp_type=135 or icmp_type=136";
	case MFP_ND_SOLICIT:
		return "icmp6 with icmp_type=135";
	case MFP_ND_ADVERT:
		return "icmp6 with icmp_type=136";
	}
	return "?";
}

const char *mf_prereq_shorthand(const struct mf_field *mf, const struct match *m)
{
	bool v6 = dl_type_is(m, 0x86dd);

	switch (mf->prereq) {
	case MFP_NONE:
	case MFP_VLAN:
		return NULL;
	case MFP_ARP:
		return "arp";
	case MFP_IPV4:
	case MFP_ICMPV4:
		return mf->prereq == MFP_IPV4 ? "ip" : "icmp";
	case MFP_IPV6:
		return "ipv6";
	case MFP_IP_ANY:
		return v6 ? "ipv6" : "ip";
	case MFP_TCP:
		return v6 ? "tcp6" : "tcp";
	case MFP_UDP:
		return v6 ? "udp6" : "udp";
	case MFP_SCTP:
		return v6 ? "sctp6" : "sctp";
	case MFP_ICMPV6:
		return "icmp6";
	case MFP_ND:
	case MFP_ND_SOLICIT:
		return "icmp6,icmp_type=135";
	case MFP_ND_ADVERT:
		return "icmp6,icmp_type=136";
	}
	return NULL;
}

void mf_value_to_wire(const struct mf_field *mf, const union mf_value *value, uint8_t *wire)
{
	uint64_t x;

	if (!mf_is_integer(mf)) {
		memcpy(wire, value->bytes, mf->n_bytes);
		return;
	}
	x = mf_value_to_u64(mf, value);
	for (unsigned i = 0; i < mf->n_bytes; i++)
		wire[mf->n_bytes - 1 - i] = (uint8_t)(x >> (8 * i));
}

void mf_value_from_wire(const struct mf_field *mf, const uint8_t *wire, union mf_value *value)
{
	uint64_t x = 0;

	if (!mf_is_integer(mf)) {
		memset(value, 0, sizeof *value);
		memcpy(value->bytes, wire, mf->n_bytes);
		return;
	}
	for (unsigned i = 0; i < mf->n_bytes; i++)
		x = (x << 8) | wire[i];
	mf_value_from_u64(mf, x, value);
}
