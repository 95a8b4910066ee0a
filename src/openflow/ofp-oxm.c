/* ofp-oxm.c - OpenFlow 1.3 OXM match and single-TLV codec: struct ofp_match
 * <-> struct match, one OXM TLV <-> (field, value, mask). */
#include "openflow/ofp-oxm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "openflow/ofp-match.h"

static int bad_match(struct ofperr *oe, uint16_t code)
{
	return ofperr_set(oe, OFPET_BAD_MATCH, code);
}

bool oxm_field_has_header(const struct mf_field *mf)
{
	return mf->oxm.len || mf->nxm.len;
}

/* The field's exact mask as a value, as mf_parse() gives it: all ones over
 * the field's width. */
void oxm_exact_mask(const struct mf_field *mf, union mf_value *mask)
{
	memset(mask, 0, sizeof *mask);
	if (mf->n_bytes == 6 || mf->n_bytes == 16)
		memset(mask->bytes, 0xff, mf->n_bytes);
	else
		mf_value_from_u64(
		        mf, mf->n_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << mf->n_bits) - 1, mask);
}

/* The bits of struct flow that 'mf' occupies, as a flow mask. */
static void oxm_field_storage(const struct mf_field *mf, struct flow *bits)
{
	union mf_value ones;

	memset(bits, 0, sizeof *bits);
	memset(&ones, 0xff, sizeof ones);
	mf_set_flow_value(mf, &ones, bits);
}

static bool flows_overlap(const struct flow *a, const struct flow *b)
{
	const uint8_t *pa = (const uint8_t *)a, *pb = (const uint8_t *)b;

	for (size_t i = 0; i < sizeof *a; i++)
		if (pa[i] & pb[i])
			return true;
	return false;
}

static void flow_or(struct flow *dst, const struct flow *src)
{
	uint8_t *pd = (uint8_t *)dst;
	const uint8_t *ps = (const uint8_t *)src;

	for (size_t i = 0; i < sizeof *dst; i++)
		pd[i] |= ps[i];
}

int oxm_field_decode(const uint8_t *p, size_t len, const struct mf_field **mfp,
                     union mf_value *value, union mf_value *mask, bool *has_mask, size_t *consumed,
                     struct ofperr *oe)
{
	const struct mf_field *mf = NULL;
	uint32_t header;
	uint16_t cls;
	uint8_t field, plen;
	bool hm;
	const uint8_t *body;
	size_t blen;

	if (len < 4)
		return bad_match(oe, OFPBMC_BAD_LEN);
	header = ofpw_get32(p);
	cls = (uint16_t)(header >> 16);
	field = (uint8_t)((header >> 9) & 0x7f);
	hm = (header >> 8) & 1;
	plen = (uint8_t)(header & 0xff);
	if ((size_t)plen + 4 > len)
		return bad_match(oe, OFPBMC_BAD_LEN);
	body = p + 4;
	blen = plen;
	switch (cls) {
	case OFPXMC_EXPERIMENTER:
		if (blen < 4)
			return bad_match(oe, OFPBMC_BAD_LEN);
		if (ofpw_get32(body) != ONF_EXPERIMENTER_ID || field != ONFOXM_ET_TCP_FLAGS_FIELD)
			return bad_match(oe, OFPBMC_BAD_FIELD);
		mf = mf_from_id(MFF_TCP_FLAGS);
		body += 4;
		blen -= 4;
		break;
	case OFPXMC_OPENFLOW_BASIC:
	case OFPXMC_NXM_0:
	case OFPXMC_NXM_1:
		mf = mf_from_oxm(cls, field);
		break;
	default:
		break;
	}
	if (!mf)
		return bad_match(oe, OFPBMC_BAD_FIELD);
	if (blen != (size_t)mf->n_bytes * (hm ? 2 : 1))
		return bad_match(oe, OFPBMC_BAD_LEN);
	if (hm && !mf->maskable)
		return bad_match(oe, OFPBMC_BAD_MASK);
	mf_value_from_wire(mf, body, value);
	if (hm)
		mf_value_from_wire(mf, body + mf->n_bytes, mask);
	else
		oxm_exact_mask(mf, mask);
	if (!mf_value_check(mf, value))
		return bad_match(oe, OFPBMC_BAD_VALUE);
	if (hm) {
		if (!mf_value_check(mf, mask))
			return bad_match(oe, OFPBMC_BAD_MASK);
		for (size_t i = 0; i < sizeof value->bytes; i++)
			if (value->bytes[i] & ~mask->bytes[i])
				return bad_match(oe, OFPBMC_BAD_WILDCARDS);
	}
	*mfp = mf;
	*has_mask = hm;
	*consumed = 4 + (size_t)plen;
	return 0;
}

void oxm_field_encode(const struct mf_field *mf, const union mf_value *value,
                      const union mf_value *mask, struct ofpbuf *b)
{
	const struct mf_oxm *h = mf->oxm.len ? &mf->oxm : &mf->nxm;
	unsigned n = mf->n_bytes;
	uint8_t *w;

	ofpbuf_put_be32(b, (uint32_t)h->oxm_class << 16 | (uint32_t)h->field << 9 |
	                           (mask ? 1u << 8 : 0) | (mask ? 2 * n : n));
	w = ofpbuf_put_zeros(b, mask ? 2 * n : n);
	mf_value_to_wire(mf, value, w);
	if (mask)
		mf_value_to_wire(mf, mask, w + n);
}

int oxm_match_decode(const uint8_t *p, size_t len, struct match *m, size_t *consumed,
                     struct ofperr *oe)
{
	bool seen[MFF_N_IDS] = {false};
	uint16_t vid_val = 0, vid_mask = 0; /* from the vlan_vid / vlan_tci TLV */
	struct flow used, bits;
	size_t mlen, padded, ofs;

	match_init_catchall(m);
	if (len < OFP_MATCH_HEADER_LEN)
		return bad_match(oe, OFPBMC_BAD_LEN);
	if (ofpw_get16(p) != OFPMT_OXM)
		return bad_match(oe, OFPBMC_BAD_TYPE);
	mlen = ofpw_get16(p + 2);
	padded = (mlen + 7) & ~(size_t)7;
	if (mlen < OFP_MATCH_HEADER_LEN || padded > len)
		return bad_match(oe, OFPBMC_BAD_LEN);

	memset(&used, 0, sizeof used);
	for (ofs = OFP_MATCH_HEADER_LEN; ofs < mlen;) {
		const struct mf_field *mf;
		union mf_value value, mask;
		bool hm;
		size_t n;

		if (oxm_field_decode(p + ofs, mlen - ofs, &mf, &value, &mask, &hm, &n, oe))
			return -EINVAL;
		oxm_field_storage(mf, &bits);
		if (flows_overlap(&used, &bits))
			return bad_match(oe, OFPBMC_DUP_FIELD);
		flow_or(&used, &bits);
		if (mf->id == MFF_VLAN_VID || mf->id == MFF_VLAN_TCI) {
			vid_val = value.u16;
			vid_mask = mask.u16;
			/* "No tag" (OFPVID_NONE) with a VID can never match. */
			if (mf->id == MFF_VLAN_VID && (vid_mask & VLAN_CFI) &&
			    !(vid_val & VLAN_CFI) && (vid_val & VLAN_VID_BITS))
				return bad_match(oe, OFPBMC_BAD_VALUE);
		}
		mf_set(mf, &value, &mask, m);
		/* OFPVID_NONE: no tag at all, which Patchbay (like OVS) writes
		 * vlan_tci=0/0xffff (an untagged packet's TCI is 0). */
		if (mf->id == MFF_VLAN_VID && (vid_mask & VLAN_CFI) && !(vid_val & VLAN_CFI))
			m->mask.vlan_tci = 0xffff;
		seen[mf->id] = true;
		ofs += n;
	}

	/* Prerequisites are checked on the whole match, so the order of the
	 * TLVs does not matter; each field is checked itself (not through a
	 * field sharing its storage).  vlan_pcp needs a vlan_vid/vlan_tci TLV
	 * that requires a tag: mf_set() of vlan_pcp would otherwise imply one. */
	for (int i = 0; i < MFF_N_IDS; i++) {
		const struct mf_field *mf = mf_from_id(i);
		bool ok;

		if (!seen[i])
			continue;
		if (i == MFF_VLAN_PCP)
			ok = (vid_mask & VLAN_CFI) && (vid_val & VLAN_CFI);
		else
			ok = mf_are_prereqs_ok(mf, m);
		if (!ok)
			return bad_match(oe, OFPBMC_BAD_PREREQ);
	}
	*consumed = padded;
	return 0;
}

/* ---- Encoding. ---- */

struct oxm_enc {
	const struct match *m;
	struct ofpbuf *b;
	struct flow done; /* storage bits already written */
};

/* Writes 'mf' if the match has bits of it that are not written yet. */
static void enc_field(struct oxm_enc *e, enum mf_field_id id)
{
	const struct mf_field *mf = mf_from_id(id);
	union mf_value value, mask;
	struct flow bits;
	const uint8_t *pm = (const uint8_t *)&e->m->mask, *pb = (const uint8_t *)&bits;
	const uint8_t *pd = (const uint8_t *)&e->done;
	bool todo = false;

	if (!oxm_field_has_header(mf))
		return;
	/* The storage lies within the member's bytes: most fields of most
	 * matches (a PACKET_IN's: in_port only) end here, before the
	 * whole-flow image below is built. */
	for (size_t i = mf->flow_ofs; i < (size_t)mf->flow_ofs + mf->flow_size && !todo; i++)
		todo = pm[i] & ~pd[i];
	if (!todo)
		return;
	todo = false;
	oxm_field_storage(mf, &bits);
	for (size_t i = mf->flow_ofs; i < (size_t)mf->flow_ofs + mf->flow_size && !todo; i++)
		todo = pm[i] & pb[i] & ~pd[i];
	if (!todo)
		return;
	flow_or(&e->done, &bits);
	mf_get(mf, e->m, &value, &mask);
	oxm_field_encode(mf, &value, mf_mask_is_exact(mf, &mask) ? NULL : &mask, e->b);
}

/* The outermost tag: OXM vlan_vid (+ vlan_pcp) when they express the
 * match exactly, else NXM vlan_tci. */
static void enc_vlan(struct oxm_enc *e)
{
	uint16_t tci = e->m->flow.vlan_tci, mask = e->m->mask.vlan_tci;
	uint16_t pcp_mask = mask & VLAN_PCP_MASK, vc_mask = mask & (VLAN_CFI | VLAN_VID_BITS);
	bool tagged = (mask & VLAN_CFI) && (tci & VLAN_CFI);
	bool untagged = (mask & VLAN_CFI) && !(tci & VLAN_CFI);
	/* OXM says "no tag" only as a whole (vlan_vid=OFPVID_NONE decodes as
	 * vlan_tci=0/0xffff); other untagged forms go as NXM vlan_tci. */
	bool oxm = untagged ? mask == 0xffff && !tci
	                    : !pcp_mask || (pcp_mask == VLAN_PCP_MASK && tagged);

	if (!mask)
		return;
	if (oxm) {
		union mf_value v, mk;

		if (untagged) {
			memset(&v, 0, sizeof v);
			oxm_field_encode(mf_from_id(MFF_VLAN_VID), &v, NULL, e->b);
			pcp_mask = 0;
		} else if (vc_mask) {
			memset(&v, 0, sizeof v);
			memset(&mk, 0, sizeof mk);
			v.u16 = tci & (VLAN_CFI | VLAN_VID_BITS);
			mk.u16 = vc_mask;
			oxm_field_encode(mf_from_id(MFF_VLAN_VID), &v,
			                 vc_mask == (VLAN_CFI | VLAN_VID_BITS) ? NULL : &mk, e->b);
		}
		if (pcp_mask) {
			memset(&v, 0, sizeof v);
			v.u8 = (uint8_t)((tci & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT);
			oxm_field_encode(mf_from_id(MFF_VLAN_PCP), &v, NULL, e->b);
		}
		e->done.vlan_tci = 0xffff;
		return;
	}
	enc_field(e, MFF_VLAN_TCI);
}

/* Whether the match has mask bits not written yet. */
static bool enc_left(const struct oxm_enc *e)
{
	const uint64_t *m = flow_u64(&e->m->mask), *d = flow_u64(&e->done);

	for (size_t i = 0; i < FLOW_U64S; i++)
		if (m[i] & ~d[i])
			return true;
	return false;
}

static bool enc_dl_type_is(const struct match *m, uint16_t type)
{
	return m->mask.dl_type == 0xffff && m->flow.dl_type == type;
}

void oxm_match_encode(const struct match *m, struct ofpbuf *b)
{
	static const enum mf_field_id l2[] = {MFF_IN_PORT, MFF_METADATA, MFF_ETH_DST, MFF_ETH_SRC,
	                                      MFF_ETH_TYPE};
	static const enum mf_field_id arp[] = {MFF_ARP_OP, MFF_ARP_SPA, MFF_ARP_TPA, MFF_ARP_SHA,
	                                       MFF_ARP_THA};
	static const enum mf_field_id ip[] = {
	        MFF_IP_PROTO,   MFF_IPV4_SRC, MFF_IPV4_DST, MFF_IPV6_SRC, MFF_IPV6_DST,
	        MFF_IPV6_LABEL, MFF_IP_DSCP,  MFF_IP_ECN,   MFF_NW_TTL,   MFF_IP_FRAG};
	static const enum mf_field_id tcp[] = {MFF_TCP_SRC, MFF_TCP_DST, MFF_TCP_FLAGS};
	static const enum mf_field_id udp[] = {MFF_UDP_SRC, MFF_UDP_DST};
	static const enum mf_field_id sctp[] = {MFF_SCTP_SRC, MFF_SCTP_DST};
	static const enum mf_field_id icmp4[] = {MFF_ICMPV4_TYPE, MFF_ICMPV4_CODE};
	static const enum mf_field_id icmp6[] = {MFF_ICMPV6_TYPE, MFF_ICMPV6_CODE, MFF_ND_TARGET,
	                                         MFF_ND_SLL, MFF_ND_TLL};
	struct oxm_enc e = {.m = m, .b = b};
	size_t start = b->size, mlen;
	bool proto = m->mask.nw_proto == 0xff;
	uint8_t p = m->flow.nw_proto;
	uint16_t be;

	memset(&e.done, 0, sizeof e.done);
	ofpbuf_put_be16(b, OFPMT_OXM);
	ofpbuf_put_be16(b, 0);
	for (size_t i = 0; i < ARRAY_SIZE(l2); i++)
		enc_field(&e, l2[i]);
	enc_vlan(&e);
	if (!enc_left(&e)) {
		/* e.g. a PACKET_IN's match: in_port and a few metadata fields */
	} else if (enc_dl_type_is(m, 0x0806) || enc_dl_type_is(m, 0x8035)) {
		for (size_t i = 0; i < ARRAY_SIZE(arp); i++)
			enc_field(&e, arp[i]);
	} else {
		bool v4 = enc_dl_type_is(m, 0x0800), v6 = enc_dl_type_is(m, 0x86dd);

		for (size_t i = 0; i < ARRAY_SIZE(ip); i++)
			enc_field(&e, ip[i]);
#define ENC_ALL(list)                                                                              \
	for (size_t i = 0; i < ARRAY_SIZE(list); i++)                                              \
	enc_field(&e, list[i])
		if (proto && p == 6)
			ENC_ALL(tcp);
		else if (proto && p == 17)
			ENC_ALL(udp);
		else if (proto && p == 132)
			ENC_ALL(sctp);
		else if (proto && p == 1 && v4)
			ENC_ALL(icmp4);
		else if (proto && p == 58 && v6)
			ENC_ALL(icmp6);
#undef ENC_ALL
	}
	/* Everything else in table order (registers, tunnel fields, and any
	 * field whose storage is still unwritten, e.g. tp_src without a known
	 * protocol, which then fails its prerequisite on decode as it should). */
	for (int i = 0; i < MFF_N_IDS && enc_left(&e); i++)
		enc_field(&e, (enum mf_field_id)i);

	mlen = b->size - start;
	be = htons((uint16_t)mlen);
	memcpy(ofpbuf_at(b, start + 2), &be, 2);
	ofpbuf_put_zeros(b, ((mlen + 7) & ~(size_t)7) - mlen);
}
