/* ofp-wire-actions.c - OpenFlow 1.3 actions and instructions on the wire
 * <-> ofpacts lists (decoding with the specification's error codes). */
#include "openflow/ofp-wire-actions.h"

#include <errno.h>
#include <string.h>

#include "openflow/ofp-oxm.h"

/* Nicira vendor actions that ovs-ofctl uses for masked set_field. */
#define NX_VENDOR_ID         0x00002320u
#define NXAST_REG_LOAD       7
#define NXAST_REG_LOAD2      33
#define NX_REG_LOAD_LEN      24
#define NX_REG_LOAD2_HDR_LEN 10

/* Rewrites the be16 length at 'start' + 2 to cover up to the end of 'b'. */
static void fix_len(struct ofpbuf *b, size_t start)
{
	ofpw_put16(ofpbuf_at(b, start + 2), (uint16_t)(b->size - start));
}

static int bad_action(struct ofperr *oe, uint16_t code)
{
	return ofperr_set(oe, OFPET_BAD_ACTION, code);
}

static int bad_inst(struct ofperr *oe, uint16_t code)
{
	return ofperr_set(oe, OFPET_BAD_INSTRUCTION, code);
}

static void put_set_field(struct ofpacts_buf *out, const struct mf_field *mf,
                          const union mf_value *value, const union mf_value *mask)
{
	struct ofpact_set_field *sf = ofpact_put(out, OFPACT_SET_FIELD, sizeof *sf);

	sf->field = (uint16_t)mf->id;
	for (size_t i = 0; i < sizeof sf->value.bytes; i++) {
		sf->value.bytes[i] = value->bytes[i] & mask->bytes[i];
		sf->mask.bytes[i] = mask->bytes[i];
	}
}

/* OFPAT_SET_FIELD: one OXM TLV without mask, zero-padded to 8. */
static int decode_set_field(const uint8_t *p, size_t alen, struct ofpacts_buf *out,
                            struct ofperr *oe)
{
	const struct mf_field *mf;
	union mf_value value, mask;
	struct ofperr inner = {0};
	size_t plen, n;
	bool hm;

	if (alen < 8)
		return bad_action(oe, OFPBAC_BAD_SET_LEN);
	plen = p[7];
	if (((8 + plen + 7) & ~(size_t)7) != alen)
		return bad_action(oe, OFPBAC_BAD_SET_LEN);
	if (ofpw_get32(p + 4) & 0x100)
		return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT); /* no masks in 1.3 */
	if (oxm_field_decode(p + 4, alen - 4, &mf, &value, &mask, &hm, &n, &inner)) {
		switch (inner.code) {
		case OFPBMC_BAD_FIELD:
			return bad_action(oe, OFPBAC_BAD_SET_TYPE);
		case OFPBMC_BAD_LEN:
			return bad_action(oe, OFPBAC_BAD_SET_LEN);
		default:
			return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
		}
	}
	if (!mf->writable)
		return bad_action(oe, OFPBAC_BAD_SET_TYPE);
	/* OpenFlow: a vlan_vid set_field carries OFPVID_PRESENT. */
	if (mf->id == MFF_VLAN_VID && !(value.u16 & OFPVID_PRESENT))
		return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	for (size_t i = 4 + n; i < alen; i++)
		if (p[i])
			return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	put_set_field(out, mf, &value, &mask);
	return 0;
}

/* A masked set_field decoded from a Nicira action: checks the field and
 * the mask, then appends it. */
static int put_masked_set_field(struct ofpacts_buf *out, const struct mf_field *mf,
                                const union mf_value *value, const union mf_value *mask,
                                struct ofperr *oe)
{
	union mf_value exact;

	if (!mf->writable)
		return bad_action(oe, OFPBAC_BAD_SET_TYPE);
	if (mf_mask_is_exact(mf, mask)) {
		oxm_exact_mask(mf, &exact);
		mask = &exact;
	} else if (!mf_value_check(mf, mask)) {
		return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	}
	if (!mf_value_check(mf, value))
		return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	if (!mf->maskable && !mf_mask_is_exact(mf, mask))
		return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	if (mf->id == MFF_VLAN_VID && (mask->u16 & OFPVID_PRESENT) &&
	    !(value->u16 & OFPVID_PRESENT))
		return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	put_set_field(out, mf, value, mask);
	return 0;
}

/* NXAST_REG_LOAD: bits [ofs, ofs + n_bits) of the field 'dst' (an NXM/OXM
 * header) become 'value'. */
static int decode_reg_load(const uint8_t *p, size_t alen, struct ofpacts_buf *out,
                           struct ofperr *oe)
{
	uint16_t ofs_nbits;
	uint32_t dst;
	uint64_t v;
	unsigned ofs, nbits;
	const struct mf_field *mf;
	uint8_t wv[16] = {0}, wm[16] = {0};
	union mf_value value, mask;

	if (alen != NX_REG_LOAD_LEN)
		return bad_action(oe, OFPBAC_BAD_LEN);
	ofs_nbits = ofpw_get16(p + 10);
	dst = ofpw_get32(p + 12);
	v = ofpw_get64(p + 16);
	ofs = ofs_nbits >> 6;
	nbits = (ofs_nbits & 0x3f) + 1u;
	mf = (dst & 0x100) ? NULL
	                   : mf_from_oxm((uint16_t)(dst >> 16), (uint8_t)((dst >> 9) & 0x7f));
	if (!mf || (dst & 0xff) != mf->n_bytes)
		return bad_action(oe, OFPBAC_BAD_SET_TYPE);
	if (ofs + nbits > mf->n_bits || (nbits < 64 && v >> nbits))
		return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	/* Place the bits in the big-endian wire form of the field. */
	for (unsigned i = 0; i < nbits; i++) {
		unsigned bit = ofs + i;
		unsigned byte = mf->n_bytes - 1 - bit / 8;
		uint8_t m = (uint8_t)(1u << (bit % 8));

		wm[byte] |= m;
		if ((v >> i) & 1)
			wv[byte] |= m;
	}
	mf_value_from_wire(mf, wv, &value);
	mf_value_from_wire(mf, wm, &mask);
	return put_masked_set_field(out, mf, &value, &mask, oe);
}

/* NXAST_REG_LOAD2: an OXM TLV, possibly masked, zero-padded. */
static int decode_reg_load2(const uint8_t *p, size_t alen, struct ofpacts_buf *out,
                            struct ofperr *oe)
{
	const struct mf_field *mf;
	union mf_value value, mask;
	struct ofperr inner = {0};
	size_t n;
	bool hm;

	if (oxm_field_decode(p + NX_REG_LOAD2_HDR_LEN, alen - NX_REG_LOAD2_HDR_LEN, &mf, &value,
	                     &mask, &hm, &n, &inner)) {
		if (inner.code == OFPBMC_BAD_FIELD)
			return bad_action(oe, OFPBAC_BAD_SET_TYPE);
		if (inner.code == OFPBMC_BAD_LEN)
			return bad_action(oe, OFPBAC_BAD_SET_LEN);
		return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	}
	if (((NX_REG_LOAD2_HDR_LEN + n + 7) & ~(size_t)7) != alen)
		return bad_action(oe, OFPBAC_BAD_SET_LEN);
	for (size_t i = NX_REG_LOAD2_HDR_LEN + n; i < alen; i++)
		if (p[i])
			return bad_action(oe, OFPBAC_BAD_SET_ARGUMENT);
	return put_masked_set_field(out, mf, &value, &mask, oe);
}

static int decode_experimenter(const uint8_t *p, size_t alen, struct ofpacts_buf *out,
                               struct ofperr *oe)
{
	if (ofpw_get32(p + 4) != NX_VENDOR_ID)
		return bad_action(oe, OFPBAC_BAD_EXPERIMENTER);
	if (alen < 16)
		return bad_action(oe, OFPBAC_BAD_LEN);
	switch (ofpw_get16(p + 8)) {
	case NXAST_REG_LOAD:
		return decode_reg_load(p, alen, out, oe);
	case NXAST_REG_LOAD2:
		return decode_reg_load2(p, alen, out, oe);
	default:
		return bad_action(oe, OFPBAC_BAD_EXP_TYPE);
	}
}

/* Decodes the action of 'alen' bytes at 'p' (length already checked to be
 * a multiple of 8, >= 8 and within the list). */
static int decode_action(const uint8_t *p, size_t alen, struct ofpacts_buf *out, struct ofperr *oe)
{
	uint16_t type = ofpw_get16(p);

	switch (type) {
	case OFPAT_OUTPUT: {
		struct ofpact_output *o;
		uint32_t port;

		if (alen != 16)
			return bad_action(oe, OFPBAC_BAD_LEN);
		port = ofpw_get32(p + 4);
		if (!ofpact_output_port_ok(port))
			return bad_action(oe, OFPBAC_BAD_OUT_PORT);
		o = ofpact_put(out, OFPACT_OUTPUT, sizeof *o);
		o->port = port;
		o->max_len = port == OFPP_CONTROLLER ? ofpw_get16(p + 8) : 0;
		return 0;
	}
	case OFPAT_COPY_TTL_OUT:
	case OFPAT_COPY_TTL_IN:
	case OFPAT_POP_VLAN:
	case OFPAT_DEC_NW_TTL:
		if (alen != 8)
			return bad_action(oe, OFPBAC_BAD_LEN);
		ofpact_put(out,
		           type == OFPAT_COPY_TTL_OUT  ? OFPACT_COPY_TTL_OUT
		           : type == OFPAT_COPY_TTL_IN ? OFPACT_COPY_TTL_IN
		           : type == OFPAT_POP_VLAN    ? OFPACT_POP_VLAN
		                                       : OFPACT_DEC_TTL,
		           sizeof(struct ofpact));
		return 0;
	case OFPAT_PUSH_VLAN: {
		struct ofpact_push_vlan *v;
		uint16_t tpid;

		if (alen != 8)
			return bad_action(oe, OFPBAC_BAD_LEN);
		tpid = ofpw_get16(p + 4);
		if (tpid != 0x8100 && tpid != 0x88a8)
			return bad_action(oe, OFPBAC_BAD_ARGUMENT);
		v = ofpact_put(out, OFPACT_PUSH_VLAN, sizeof *v);
		v->tpid = tpid;
		return 0;
	}
	case OFPAT_GROUP: {
		struct ofpact_group *g;
		uint32_t id;

		if (alen != 8)
			return bad_action(oe, OFPBAC_BAD_LEN);
		id = ofpw_get32(p + 4);
		if (id > OFPG_MAX)
			return bad_action(oe, OFPBAC_BAD_OUT_GROUP);
		g = ofpact_put(out, OFPACT_GROUP, sizeof *g);
		g->group_id = id;
		return 0;
	}
	case OFPAT_SET_NW_TTL: {
		struct ofpact_nw_ttl *t;

		if (alen != 8)
			return bad_action(oe, OFPBAC_BAD_LEN);
		t = ofpact_put(out, OFPACT_SET_NW_TTL, sizeof *t);
		t->ttl = p[4];
		return 0;
	}
	case OFPAT_SET_FIELD:
		return decode_set_field(p, alen, out, oe);
	case OFPAT_EXPERIMENTER:
		return decode_experimenter(p, alen, out, oe);
	default:
		/* Includes MPLS, PBB and SET_QUEUE: valid OpenFlow that this switch
		 * does not support ("unknown or unsupported action type"). */
		return bad_action(oe, OFPBAC_BAD_TYPE);
	}
}

int ofpacts_decode_actions(const uint8_t *p, size_t len, struct ofpacts_buf *out, struct ofperr *oe)
{
	size_t ofs = 0;

	while (ofs < len) {
		size_t alen;

		if (len - ofs < 4)
			return bad_action(oe, OFPBAC_BAD_LEN);
		alen = ofpw_get16(p + ofs + 2);
		if (alen < 8 || alen % 8 || alen > len - ofs)
			return bad_action(oe, OFPBAC_BAD_LEN);
		if (decode_action(p + ofs, alen, out, oe))
			return -EINVAL;
		ofs += alen;
	}
	return 0;
}

/* Decodes the actions of write_actions into one nested record; an action
 * set holds at most one action of each kind (one set_field per field). */
static int decode_write_actions(const uint8_t *p, size_t len, struct ofpacts_buf *out,
                                struct ofperr *oe)
{
	size_t start = out->size;
	const struct ofpact *a, *c, *list;
	struct ofpact *nest;
	size_t nlen;

	ofpact_put(out, OFPACT_WRITE_ACTIONS, sizeof(struct ofpact_nest));
	if (ofpacts_decode_actions(p, len, out, oe))
		return -EINVAL;
	nlen = out->size - start;
	if (nlen > UINT16_MAX - OFPACT_ALIGN)
		return bad_action(oe, OFPBAC_TOO_MANY);
	nest = (struct ofpact *)(void *)(out->data + start);
	nest->len = (uint16_t)nlen;
	list = ofpact_nest_actions(nest);
	OFPACT_FOR_EACH(a, list, ofpact_nest_len(nest))
	{
		for (c = list; c < a; c = ofpact_next(c)) {
			bool same = c->type == a->type;

			if (same && a->type == OFPACT_SET_FIELD)
				same = ((const struct ofpact_set_field *)(const void *)a)->field ==
				       ((const struct ofpact_set_field *)(const void *)c)->field;
			if (same)
				return bad_action(oe, OFPBAC_TOO_MANY);
		}
	}
	return 0;
}

enum { INST_METER, INST_APPLY, INST_CLEAR, INST_WRITE, INST_METADATA, INST_GOTO, INST_N };

int ofpacts_decode_instructions(const uint8_t *p, size_t len, struct ofpacts_buf *out,
                                struct ofperr *oe)
{
	const uint8_t *inst[INST_N] = {NULL};
	size_t ilens[INST_N] = {0};
	size_t ofs = 0;

	/* First pass: lengths, types, duplicates and fixed arguments. */
	while (ofs < len) {
		const uint8_t *ip = p + ofs;
		size_t ilen;
		int slot;

		if (len - ofs < 4)
			return bad_inst(oe, OFPBIC_BAD_LEN);
		ilen = ofpw_get16(ip + 2);
		if (ilen < 8 || ilen % 8 || ilen > len - ofs)
			return bad_inst(oe, OFPBIC_BAD_LEN);
		switch (ofpw_get16(ip)) {
		case OFPIT_GOTO_TABLE:
			slot = INST_GOTO;
			if (ilen != 8)
				return bad_inst(oe, OFPBIC_BAD_LEN);
			if (ip[4] == 0xff)
				return bad_inst(oe, OFPBIC_BAD_TABLE_ID);
			break;
		case OFPIT_WRITE_METADATA:
			slot = INST_METADATA;
			if (ilen != 24)
				return bad_inst(oe, OFPBIC_BAD_LEN);
			break;
		case OFPIT_WRITE_ACTIONS:
			slot = INST_WRITE;
			break;
		case OFPIT_APPLY_ACTIONS:
			slot = INST_APPLY;
			break;
		case OFPIT_CLEAR_ACTIONS:
			slot = INST_CLEAR;
			if (ilen != 8)
				return bad_inst(oe, OFPBIC_BAD_LEN);
			break;
		case OFPIT_METER:
			slot = INST_METER;
			if (ilen != 8)
				return bad_inst(oe, OFPBIC_BAD_LEN);
			break;
		case OFPIT_EXPERIMENTER:
			return bad_inst(oe, OFPBIC_BAD_EXPERIMENTER);
		default:
			return bad_inst(oe, OFPBIC_UNKNOWN_INST);
		}
		if (inst[slot])
			return bad_inst(oe, OFPBIC_UNSUP_INST);
		inst[slot] = ip;
		ilens[slot] = ilen;
		ofs += ilen;
	}

	/* Second pass, in the ofpacts order. */
	if (inst[INST_METER]) {
		struct ofpact_meter *m = ofpact_put(out, OFPACT_METER, sizeof *m);

		m->meter_id = ofpw_get32(inst[INST_METER] + 4);
	}
	if (inst[INST_APPLY] &&
	    ofpacts_decode_actions(inst[INST_APPLY] + 8, ilens[INST_APPLY] - 8, out, oe))
		return -EINVAL;
	if (inst[INST_CLEAR])
		ofpact_put(out, OFPACT_CLEAR_ACTIONS, sizeof(struct ofpact));
	if (inst[INST_WRITE] &&
	    decode_write_actions(inst[INST_WRITE] + 8, ilens[INST_WRITE] - 8, out, oe))
		return -EINVAL;
	if (inst[INST_METADATA]) {
		struct ofpact_write_metadata *wm =
		        ofpact_put(out, OFPACT_WRITE_METADATA, sizeof *wm);

		wm->mask = ofpw_get64(inst[INST_METADATA] + 16);
		wm->metadata = ofpw_get64(inst[INST_METADATA] + 8) & wm->mask;
	}
	if (inst[INST_GOTO]) {
		struct ofpact_goto_table *g = ofpact_put(out, OFPACT_GOTO_TABLE, sizeof *g);

		g->table_id = inst[INST_GOTO][4];
	}
	return 0;
}

/* ---- Encoding. ---- */

static void encode_generic(struct ofpbuf *b, uint16_t type)
{
	ofpbuf_put_be16(b, type);
	ofpbuf_put_be16(b, 8);
	ofpbuf_put_be32(b, 0);
}

/* set_field with an exact value: OFPAT_SET_FIELD; with a mask (which
 * OpenFlow 1.3 cannot express): NXAST_REG_LOAD2, as OVS does. */
static void encode_set_field(const struct mf_field *mf, const union mf_value *value,
                             const union mf_value *mask, struct ofpbuf *b)
{
	size_t start = b->size;
	union mf_value v = *value;

	if (!oxm_field_has_header(mf))
		return; /* Patchbay-only fields have no wire form */
	if (mf_mask_is_exact(mf, mask)) {
		if (mf->id == MFF_VLAN_VID)
			v.u16 |= OFPVID_PRESENT;
		ofpbuf_put_be16(b, OFPAT_SET_FIELD);
		ofpbuf_put_be16(b, 0);
		oxm_field_encode(mf, &v, NULL, b);
	} else {
		ofpbuf_put_be16(b, OFPAT_EXPERIMENTER);
		ofpbuf_put_be16(b, 0);
		ofpbuf_put_be32(b, NX_VENDOR_ID);
		ofpbuf_put_be16(b, NXAST_REG_LOAD2);
		oxm_field_encode(mf, &v, mask, b);
	}
	ofpbuf_put_zeros(b, ((b->size - start + 7) & ~(size_t)7) - (b->size - start));
	fix_len(b, start);
}

static void encode_action(const struct ofpact *a, struct ofpbuf *b)
{
	union mf_value v, mask;

	switch ((enum ofpact_type)a->type) {
	case OFPACT_OUTPUT: {
		const struct ofpact_output *o = (const void *)a;

		ofpbuf_put_be16(b, OFPAT_OUTPUT);
		ofpbuf_put_be16(b, 16);
		ofpbuf_put_be32(b, o->port);
		ofpbuf_put_be16(b, o->max_len);
		ofpbuf_put_zeros(b, 6);
		break;
	}
	case OFPACT_GROUP:
		ofpbuf_put_be16(b, OFPAT_GROUP);
		ofpbuf_put_be16(b, 8);
		ofpbuf_put_be32(b, ((const struct ofpact_group *)(const void *)a)->group_id);
		break;
	case OFPACT_SET_FIELD: {
		const struct ofpact_set_field *sf = (const void *)a;

		encode_set_field(mf_from_id(sf->field), &sf->value, &sf->mask, b);
		break;
	}
	case OFPACT_SET_VLAN_VID:
		memset(&v, 0, sizeof v);
		memset(&mask, 0, sizeof mask);
		v.u16 = (uint16_t)(((const struct ofpact_vlan_vid *)(const void *)a)->vid |
		                   OFPVID_PRESENT);
		mask.u16 = VLAN_CFI | VLAN_VID_BITS;
		encode_set_field(mf_from_id(MFF_VLAN_VID), &v, &mask, b);
		break;
	case OFPACT_SET_VLAN_PCP:
		memset(&v, 0, sizeof v);
		memset(&mask, 0, sizeof mask);
		v.u8 = ((const struct ofpact_vlan_pcp *)(const void *)a)->pcp;
		mask.u8 = 7;
		encode_set_field(mf_from_id(MFF_VLAN_PCP), &v, &mask, b);
		break;
	case OFPACT_PUSH_VLAN:
		ofpbuf_put_be16(b, OFPAT_PUSH_VLAN);
		ofpbuf_put_be16(b, 8);
		ofpbuf_put_be16(b, ((const struct ofpact_push_vlan *)(const void *)a)->tpid);
		ofpbuf_put_be16(b, 0);
		break;
	case OFPACT_POP_VLAN:
		encode_generic(b, OFPAT_POP_VLAN);
		break;
	case OFPACT_SET_NW_TTL:
		ofpbuf_put_be16(b, OFPAT_SET_NW_TTL);
		ofpbuf_put_be16(b, 8);
		ofpbuf_put_be32(b, (uint32_t)((const struct ofpact_nw_ttl *)(const void *)a)->ttl
		                           << 24);
		break;
	case OFPACT_DEC_TTL:
		encode_generic(b, OFPAT_DEC_NW_TTL);
		break;
	case OFPACT_COPY_TTL_OUT:
		encode_generic(b, OFPAT_COPY_TTL_OUT);
		break;
	case OFPACT_COPY_TTL_IN:
		encode_generic(b, OFPAT_COPY_TTL_IN);
		break;
	case OFPACT_METER:
	case OFPACT_CLEAR_ACTIONS:
	case OFPACT_WRITE_ACTIONS:
	case OFPACT_WRITE_METADATA:
	case OFPACT_GOTO_TABLE:
	case OFPACT_N_TYPES:
		break; /* instructions: not actions */
	}
}

void ofpacts_encode_actions(const struct ofpact *list, size_t len, struct ofpbuf *b)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, list, len)
	encode_action(a, b);
}

void ofpacts_encode_instructions(const struct ofpact *list, size_t len, struct ofpbuf *b)
{
	const struct ofpact *a;
	bool applied = false;

	OFPACT_FOR_EACH(a, list, len)
	{
		size_t start = b->size;

		if (!ofpact_is_instruction(a->type)) {
			if (applied)
				continue;
			/* All plain actions go into one apply_actions. */
			applied = true;
			ofpbuf_put_be16(b, OFPIT_APPLY_ACTIONS);
			ofpbuf_put_be16(b, 0);
			ofpbuf_put_be32(b, 0);
			ofpacts_encode_actions(a,
			                       (size_t)((const uint8_t *)ofpact_end(list, len) -
			                                (const uint8_t *)a),
			                       b);
			fix_len(b, start);
			continue;
		}
		switch ((enum ofpact_type)a->type) {
		case OFPACT_METER:
			ofpbuf_put_be16(b, OFPIT_METER);
			ofpbuf_put_be16(b, 8);
			ofpbuf_put_be32(b,
			                ((const struct ofpact_meter *)(const void *)a)->meter_id);
			break;
		case OFPACT_CLEAR_ACTIONS:
			ofpbuf_put_be16(b, OFPIT_CLEAR_ACTIONS);
			ofpbuf_put_be16(b, 8);
			ofpbuf_put_be32(b, 0);
			break;
		case OFPACT_WRITE_ACTIONS:
			ofpbuf_put_be16(b, OFPIT_WRITE_ACTIONS);
			ofpbuf_put_be16(b, 0);
			ofpbuf_put_be32(b, 0);
			ofpacts_encode_actions(ofpact_nest_actions(a), ofpact_nest_len(a), b);
			fix_len(b, start);
			break;
		case OFPACT_WRITE_METADATA: {
			const struct ofpact_write_metadata *wm = (const void *)a;

			ofpbuf_put_be16(b, OFPIT_WRITE_METADATA);
			ofpbuf_put_be16(b, 24);
			ofpbuf_put_be32(b, 0);
			ofpbuf_put_be64(b, wm->metadata);
			ofpbuf_put_be64(b, wm->mask);
			break;
		}
		case OFPACT_GOTO_TABLE:
			ofpbuf_put_be16(b, OFPIT_GOTO_TABLE);
			ofpbuf_put_be16(b, 8);
			ofpbuf_put_be32(
			        b, (uint32_t)((const struct ofpact_goto_table *)(const void *)a)
			                           ->table_id
			                   << 24);
			break;
		default:
			break;
		}
	}
}
