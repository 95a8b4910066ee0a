/* ofp-oxm.h - the OpenFlow 1.3 wire form of a match (struct ofp_match of
 * type OFPMT_OXM, spec 1.3.5 section 7.2.2) and of single OXM TLVs (the
 * set_field action), to and from 'struct match' / field values.
 *
 * Wire layout of struct ofp_match:
 *     be16 type (OFPMT_OXM = 1), be16 length (header + TLVs, no padding),
 *     TLVs, then zero padding up to a multiple of 8.
 * Each TLV: be32 header = class(16) | field(7) | hasmask(1) | length(8),
 * then 'length' bytes: the value, followed by the mask when hasmask is set.
 *
 * Classes accepted: OFPXMC_OPENFLOW_BASIC (0x8000) and the Nicira classes
 * NXM_0 (0x0000) / NXM_1 (0x0001), as ovs-ofctl sends for fields without a
 * standard OXM (reg0..7, tun_src, nw_ttl, ip_frag...), plus the ONF
 * experimenter OXM for tcp_flags (class 0xffff, experimenter 0x4f4e4600,
 * field 42) that ovs-ofctl uses with OpenFlow 1.3.  The encoder uses the
 * field's OXM basic header, else its NXM header (what OVS does); tcp_flags
 * is encoded with its NXM header.
 *
 * Maskability follows the field table (lib/meta-flow.c, 'maskable'), which
 * allows what OVS allows (e.g. masked tcp ports), a superset of the spec.
 *
 * Errors: functions return 0 or -EINVAL and record the OFPET_BAD_MATCH code
 * for the peer in '*oe' (may be NULL) through ofperr_set().  Pure
 * functions, no global state, any thread. */
#ifndef PB_OFP_OXM_H
#define PB_OFP_OXM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/meta-flow.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofpbuf.h"

#define OFPMT_STANDARD 0
#define OFPMT_OXM      1

/* OFPVID_PRESENT / OFPVID_NONE of the OXM vlan_vid field. */
#define OFPVID_PRESENT 0x1000
#define OFPVID_NONE    0x0000

/* ONF experimenter OXM (class 0xffff): experimenter id and tcp_flags field. */
#define OFPXMC_EXPERIMENTER       0xffff
#define ONF_EXPERIMENTER_ID       0x4f4e4600u
#define ONFOXM_ET_TCP_FLAGS_FIELD 42

/* Header of struct ofp_match (type + length) and the minimum size of the
 * padded structure. */
#define OFP_MATCH_HEADER_LEN 4
#define OFP_MATCH_MIN_LEN    8

/* Decodes the struct ofp_match at 'p' ('len' bytes available, which may be
 * more than the match: the rest of a message).  On success fills '*m'
 * (normalized; prerequisites checked), sets '*consumed' to the padded size
 * of the match (a multiple of 8) and returns 0.  On failure returns -EINVAL
 * with one of: OFPBMC_BAD_TYPE (type != OFPMT_OXM), OFPBMC_BAD_LEN (length
 * < 4, match or padding beyond 'len', TLV truncated or of the wrong length
 * for its field; the padding's contents are not checked), OFPBMC_BAD_FIELD (unknown class/field),
 * OFPBMC_BAD_MASK (mask on a non-maskable field), OFPBMC_BAD_WILDCARDS
 * (value bits outside the mask), OFPBMC_BAD_VALUE (value out of range,
 * e.g. vlan_vid > 0x1fff, ip_dscp > 63), OFPBMC_DUP_FIELD (a field, or two
 * fields that share storage such as vlan_vid and vlan_tci, twice),
 * OFPBMC_BAD_PREREQ (e.g. tcp_dst without ip_proto=6). '*m' is undefined
 * on failure. */
int oxm_match_decode(const uint8_t *p, size_t len, struct match *m, size_t *consumed,
                     struct ofperr *oe);

/* Appends 'm' as a struct ofp_match (type OFPMT_OXM) with one TLV per
 * matched field, prerequisites first (eth_type, ip_proto, icmp type before
 * the fields that need them), padded to 8 bytes.  The VLAN tag is written
 * as OXM vlan_vid (+ vlan_pcp) when it has an OXM form, else as NXM
 * vlan_tci.  oxm_match_decode() gives back an equal match for every match
 * that passes match_check_prereqs(). */
void oxm_match_encode(const struct match *m, struct ofpbuf *b);

/* Decodes ONE OXM TLV at 'p' ('len' bytes available).  On success sets
 * '*mf', 'value' and 'mask' (an exact mask when the TLV has none, so
 * '*has_mask' = false), '*consumed' = 4 + TLV length, and returns 0; the
 * value is checked against the field's range (OFPBMC_BAD_VALUE) and, when
 * masked, for bits outside the mask (OFPBMC_BAD_WILDCARDS) and maskability
 * (OFPBMC_BAD_MASK).  Other errors: OFPBMC_BAD_LEN, OFPBMC_BAD_FIELD.
 * The caller (set_field decoding) remaps codes to its own error type.
 * OXM vlan_vid values are returned as on the wire (VID | OFPVID_PRESENT),
 * which is what MFF_VLAN_VID holds. */
int oxm_field_decode(const uint8_t *p, size_t len, const struct mf_field **mf,
                     union mf_value *value, union mf_value *mask, bool *has_mask, size_t *consumed,
                     struct ofperr *oe);

/* Appends one TLV for 'mf' (its OXM header, else its NXM header) with
 * 'value' and, if 'mask' is non-NULL, the mask (hasmask set).  No padding.
 * 'mf' must have a wire header (oxm_field_has_header()). */
void oxm_field_encode(const struct mf_field *mf, const union mf_value *value,
                      const union mf_value *mask, struct ofpbuf *b);

/* Sets 'mask' to the exact mask of 'mf' in the form mf_parse() gives (all
 * ones over the field's width), so decoded set_field actions compare equal
 * to parsed ones. */
void oxm_exact_mask(const struct mf_field *mf, union mf_value *mask);

/* True if 'mf' has an OXM or NXM header (can appear on the wire). */
bool oxm_field_has_header(const struct mf_field *mf);

#endif
