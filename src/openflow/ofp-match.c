/* ofp-match.c - match normalization, checked setting, whole-match
 * prerequisite checks and the ovs-ofctl formatting of a match. */
#include "openflow/ofp-match.h"

#include <errno.h>
#include <string.h>

void match_normalize(struct match *m)
{
	uint64_t *key = (uint64_t *)(void *)&m->flow;
	const uint64_t *mask = (const uint64_t *)(const void *)&m->mask;

	for (size_t i = 0; i < FLOW_U64S; i++)
		key[i] &= mask[i];
}

int match_set_field(struct match *m, const struct mf_field *mf, const union mf_value *value,
                    const union mf_value *mask, struct errmsg *err)
{
	if (!mf_value_check(mf, value))
		return errmsg_set(err, -EINVAL, "%s: value out of range", mf->name);
	if (mask && !mf->maskable && !mf_mask_is_exact(mf, mask))
		return errmsg_set(err, -EINVAL, "%s: this field cannot be masked", mf->name);
	mf_set(mf, value, mask, m);
	return 0;
}

/* True if 'a' and 'b' use overlapping bits of struct flow. */
static bool mf_overlap(const struct mf_field *a, const struct mf_field *b)
{
	struct match ma, mb;
	const uint8_t *pa = (const uint8_t *)&ma.mask, *pb = (const uint8_t *)&mb.mask;
	union mf_value ones;

	memset(&ones, 0xff, sizeof ones);
	memset(&ma, 0, sizeof ma);
	memset(&mb, 0, sizeof mb);
	mf_set_flow_value(a, &ones, &ma.mask);
	mf_set_flow_value(b, &ones, &mb.mask);
	for (size_t i = 0; i < sizeof(struct flow); i++)
		if (pa[i] & pb[i])
			return true;
	return false;
}

int match_check_prereqs(const struct match *m, struct errmsg *err)
{
	for (int i = 0; i < MFF_N_IDS; i++) {
		const struct mf_field *mf = mf_from_id(i);
		bool ok = false;

		if (!mf_is_set(mf, m) || mf_are_prereqs_ok(mf, m))
			continue;
		/* Another field stored in the same bits may be the one meant. */
		for (int j = 0; j < MFF_N_IDS && !ok; j++) {
			const struct mf_field *other = mf_from_id(j);

			ok = j != i && mf_overlap(mf, other) && mf_are_prereqs_ok(other, m);
		}
		if (!ok) {
			const char *sh = mf_prereq_shorthand(mf, m);

			return errmsg_set(err, -EINVAL, "%s requires %s%s%s%s", mf->name,
			                  mf_prereq_text(mf), sh ? " (e.g. '" : "", sh ? sh : "",
			                  sh ? "')" : "");
		}
	}
	return 0;
}

bool match_equal(const struct match *a, const struct match *b)
{
	return !memcmp(a, b, sizeof *a);
}

bool match_is_catchall(const struct match *m)
{
	static const struct flow zero;

	return !memcmp(&m->mask, &zero, sizeof zero);
}

/* Appends "name=value," for field 'id' if it is matched. */
static void put_field(struct strbuf *sb, const char *name, enum mf_field_id id,
                      const struct match *m)
{
	const struct mf_field *mf = mf_from_id(id);
	union mf_value value, mask;
	char buf[MF_FORMAT_MAX];

	if (!mf_is_set(mf, m))
		return;
	mf_get(mf, m, &value, &mask);
	mf_format(mf, &value, &mask, buf, sizeof buf);
	strbuf_printf(sb, "%s=%s,", name, buf);
}

static void put_vlan(struct strbuf *sb, const struct match *m)
{
	uint16_t tci = m->flow.vlan_tci, mask = m->mask.vlan_tci;
	uint16_t vid_mask = mask & VLAN_VID_BITS, pcp_mask = mask & VLAN_PCP_MASK;

	if (!mask)
		return;
	if ((mask & VLAN_CFI) && (tci & VLAN_CFI) && (!vid_mask || vid_mask == VLAN_VID_BITS) &&
	    (!pcp_mask || pcp_mask == VLAN_PCP_MASK) && (vid_mask || pcp_mask)) {
		if (vid_mask)
			strbuf_printf(sb, "dl_vlan=%u,", tci & VLAN_VID_BITS);
		if (pcp_mask)
			strbuf_printf(sb, "dl_vlan_pcp=%u,",
			              (tci & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT);
	} else if (mask == 0xffff) {
		strbuf_printf(sb, "vlan_tci=0x%04x,", tci);
	} else {
		strbuf_printf(sb, "vlan_tci=0x%04x/0x%04x,", tci, mask);
	}
}

static const char *shorthand(const struct match *m, bool *skip_proto)
{
	bool proto = m->mask.nw_proto == 0xff;
	uint8_t p = m->flow.nw_proto;

	*skip_proto = false;
	if (m->mask.dl_type != 0xffff)
		return NULL;
	switch (m->flow.dl_type) {
	case 0x0800:
		*skip_proto = proto && (p == 1 || p == 6 || p == 17 || p == 132);
		if (!*skip_proto)
			return "ip";
		return p == 1 ? "icmp" : p == 6 ? "tcp" : p == 17 ? "udp" : "sctp";
	case 0x86dd:
		*skip_proto = proto && (p == 58 || p == 6 || p == 17 || p == 132);
		if (!*skip_proto)
			return "ipv6";
		return p == 58 ? "icmp6" : p == 6 ? "tcp6" : p == 17 ? "udp6" : "sctp6";
	case 0x0806:
		return "arp";
	case 0x8035:
		return "rarp";
	default:
		return NULL;
	}
}

void match_format(const struct match *m, int priority, const struct ofp_port_names *names,
                  struct strbuf *sb)
{
	size_t start = sb->len;
	bool skip_proto;
	const char *sh = shorthand(m, &skip_proto);
	uint16_t type = m->mask.dl_type == 0xffff ? m->flow.dl_type : 0;
	bool is_arp = type == 0x0806 || type == 0x8035;
	bool is_icmp4 = type == 0x0800 && m->mask.nw_proto == 0xff && m->flow.nw_proto == 1;
	bool is_icmp6 = type == 0x86dd && m->mask.nw_proto == 0xff && m->flow.nw_proto == 58;

	if (priority >= 0 && priority != OFP_DEFAULT_PRIORITY)
		strbuf_printf(sb, "priority=%d,", priority);
	if (sh)
		strbuf_printf(sb, "%s,", sh);
	for (int i = 0; i < FLOW_N_REGS; i++) {
		char name[8] = "reg0";

		name[3] = (char)('0' + i);
		put_field(sb, name, MFF_REG0 + i, m);
	}
	put_field(sb, "tun_id", MFF_TUN_ID, m);
	put_field(sb, "tun_src", MFF_TUN_SRC, m);
	put_field(sb, "tun_dst", MFF_TUN_DST, m);
	put_field(sb, "tun_gnv_class", MFF_TUN_GNV_CLASS, m);
	put_field(sb, "tun_gnv_type", MFF_TUN_GNV_TYPE, m);
	put_field(sb, "tun_gnv_len", MFF_TUN_GNV_LEN, m);
	put_field(sb, "tun_gnv_data", MFF_TUN_GNV_DATA, m);
	put_field(sb, "metadata", MFF_METADATA, m);
	if (m->mask.in_port) {
		char port[OFP_PORT_STRLEN];

		ofp_port_format(m->flow.in_port, names, port);
		strbuf_printf(sb, "in_port=%s,", port);
	}
	put_vlan(sb, m);
	put_field(sb, "inner_vlan_tci", MFF_INNER_VLAN_TCI, m);
	put_field(sb, "dl_src", MFF_ETH_SRC, m);
	put_field(sb, "dl_dst", MFF_ETH_DST, m);
	if (!sh)
		put_field(sb, "dl_type", MFF_ETH_TYPE, m);
	if (type == 0x86dd) {
		put_field(sb, "ipv6_src", MFF_IPV6_SRC, m);
		put_field(sb, "ipv6_dst", MFF_IPV6_DST, m);
		put_field(sb, "ipv6_label", MFF_IPV6_LABEL, m);
	} else if (is_arp) {
		put_field(sb, "arp_spa", MFF_ARP_SPA, m);
		put_field(sb, "arp_tpa", MFF_ARP_TPA, m);
	} else {
		put_field(sb, "nw_src", MFF_IPV4_SRC, m);
		put_field(sb, "nw_dst", MFF_IPV4_DST, m);
		put_field(sb, "ipv6_src", MFF_IPV6_SRC, m);
		put_field(sb, "ipv6_dst", MFF_IPV6_DST, m);
		put_field(sb, "ipv6_label", MFF_IPV6_LABEL, m);
	}
	if (!skip_proto)
		put_field(sb, is_arp ? "arp_op" : "nw_proto", is_arp ? MFF_ARP_OP : MFF_IP_PROTO,
		          m);
	if (is_arp) {
		put_field(sb, "arp_sha", MFF_ARP_SHA, m);
		put_field(sb, "arp_tha", MFF_ARP_THA, m);
	}
	put_field(sb, "nw_tos", MFF_NW_TOS, m);
	put_field(sb, "nw_ecn", MFF_IP_ECN, m);
	put_field(sb, "nw_ttl", MFF_NW_TTL, m);
	put_field(sb, "nw_frag", MFF_IP_FRAG, m);
	if (is_icmp4) {
		put_field(sb, "icmp_type", MFF_ICMPV4_TYPE, m);
		put_field(sb, "icmp_code", MFF_ICMPV4_CODE, m);
	} else if (is_icmp6) {
		put_field(sb, "icmp_type", MFF_ICMPV6_TYPE, m);
		put_field(sb, "icmp_code", MFF_ICMPV6_CODE, m);
		put_field(sb, "nd_target", MFF_ND_TARGET, m);
		put_field(sb, "nd_sll", MFF_ND_SLL, m);
		put_field(sb, "nd_tll", MFF_ND_TLL, m);
	} else {
		put_field(sb, "tp_src", MFF_TCP_SRC, m);
		put_field(sb, "tp_dst", MFF_TCP_DST, m);
		if (!is_arp) {
			put_field(sb, "arp_sha", MFF_ARP_SHA, m);
			put_field(sb, "arp_tha", MFF_ARP_THA, m);
			put_field(sb, "nd_target", MFF_ND_TARGET, m);
		}
	}
	put_field(sb, "tcp_flags", MFF_TCP_FLAGS, m);
	if (sb->len > start)
		strbuf_chomp(sb, ',');
}
