/* ofp-msgs-private.h - helpers shared by ofp-msgs.c and
 * ofp-msgs-multipart.c (not an interface: include only from those).
 * Field access by wire struct member (over ofpbuf.h's big-endian loads
 * and stores), and the group-bucket and meter-band wire coders that both
 * FLOW/GROUP/METER_MOD and the multipart replies use. */
#ifndef PB_OFP_MSGS_PRIVATE_H
#define PB_OFP_MSGS_PRIVATE_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "openflow/ofp-group.h"
#include "openflow/ofp-meter.h"
#include "openflow/ofpbuf.h"

/* Field access by struct member (ofp-wire.h layouts) at any alignment. */
#define GET16(P, S, F)    ofpw_get16((P) + offsetof(struct S, F))
#define GET32(P, S, F)    ofpw_get32((P) + offsetof(struct S, F))
#define GET64(P, S, F)    ofpw_get64((P) + offsetof(struct S, F))
#define GET8(P, S, F)     ((P)[offsetof(struct S, F)])
#define PUT16(P, S, F, X) ofpw_put16((uint8_t *)(P) + offsetof(struct S, F), (X))
#define PUT32(P, S, F, X) ofpw_put32((uint8_t *)(P) + offsetof(struct S, F), (X))
#define PUT64(P, S, F, X) ofpw_put64((uint8_t *)(P) + offsetof(struct S, F), (X))
#define PUT8(P, S, F, X)  (((uint8_t *)(P))[offsetof(struct S, F)] = (uint8_t)(X))

/* True if the 'n' bytes at 'p' are all zero. */
static inline int ofpw_is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Appends the buckets of 'g' in wire form (struct ofp_bucket_wire +
 * actions each). */
void ofpmsg_put_buckets(struct ofpbuf *b, const struct ofp_group_mod *g);
/* Decodes 'len' bytes of buckets into 'gm' (appending).  0 or -EINVAL with
 * OFPGMFC_BAD_BUCKET / OFPBAC_* in 'oe'. */
int ofpmsg_get_buckets(const uint8_t *p, size_t len, struct ofp_group_mod *gm, struct ofperr *oe,
                       struct errmsg *err);
/* Appends the bands of 'm' (16 bytes each). */
void ofpmsg_put_bands(struct ofpbuf *b, const struct ofp_meter_mod *m);

#endif
