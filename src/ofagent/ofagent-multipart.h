/* ofagent-multipart.h - answers OpenFlow 1.3 MULTIPART_REQUESTs for one
 * bridge: desc, flow, aggregate, table, table_features, port_stats,
 * port_desc, queue, group, group_desc, group_features, meter,
 * meter_config, meter_features.
 *
 * The connection code (ofagent-conn.c) hands every MULTIPART_REQUEST here
 * after checking the header; this file decodes the body (ofp-msgs.h),
 * reads the bridge (ofproto.h, ofproto-ofp.h) and builds the replies,
 * split into several MULTIPART_REPLY messages with OFPMPF_REPLY_MORE when
 * a body would exceed 64 KiB.  Control thread. */
#ifndef PB_OFAGENT_MULTIPART_H
#define PB_OFAGENT_MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofproto.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofpbuf.h"

/* Handles the MULTIPART_REQUEST 'msg' ('len' bytes, the whole message
 * including its ofp_header; version OpenFlow 1.3 and length already
 * checked).  On success appends one or more complete reply messages (each
 * with the request's xid) to 'replies' (one ofpbuf per message, heap array
 * grown here; the caller sends and frees them) and returns 0.  On failure
 * returns -errno and fills 'oe' (e.g. OFPBRC_BAD_MULTIPART for an unknown
 * type, OFPBRC_BAD_LEN, OFPBRC_BAD_TABLE_ID, OFPBMC_* for a bad match);
 * nothing is appended. */
int ofagent_multipart(struct ofproto *br, const uint8_t *msg, size_t len, struct ofpbuf **replies,
                      size_t *n_replies, struct ofperr *oe);

#endif
