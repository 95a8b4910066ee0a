/* ofp-group.h - OpenFlow 1.3 groups as Patchbay models them: a group_mod
 * (command, type, id, buckets), the group description and statistics that
 * dump-groups / dump-group-stats show, and the ovs-ofctl text syntax
 *     group_id=1,type=select,bucket=weight:10,output:1,bucket=output:2
 * (add-group / mod-group / del-groups / dump-groups).
 *
 * Bucket actions are an ofpacts list (ofp-actions.h) of plain actions (no
 * instructions).  The wire form is in ofp-msgs.h.  Pure data: no global
 * state. */
#ifndef PB_OFP_GROUP_H
#define PB_OFP_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofp-port.h"
#include "openflow/ofp-text.h"

enum ofp_group_type {
	OFPGT_ALL = 0,
	OFPGT_SELECT = 1,
	OFPGT_INDIRECT = 2,
	OFPGT_FF = 3,
};

enum ofp_group_mod_command {
	OFPGC_ADD = 0,
	OFPGC_MODIFY = 1,
	OFPGC_DELETE = 2,
};

#define OFP_GROUP_MAX_BUCKETS 64

struct ofp_bucket {
	uint16_t weight;        /* select groups; 0 elsewhere (1 is the text default) */
	uint32_t watch_port;    /* fast-failover liveness; OFPP_ANY = none */
	uint32_t watch_group;   /* OFPG_ANY = none */
	struct ofpact *ofpacts; /* heap, owned (NULL when empty) */
	size_t ofpacts_len;
	uint32_t bucket_id; /* position, for statistics */
};

struct ofp_group_mod {
	enum ofp_group_mod_command command;
	enum ofp_group_type type;
	uint32_t group_id; /* OFPG_ALL allowed for DELETE */
	struct ofp_bucket *buckets;
	size_t n_buckets;
};

void ofp_group_mod_init(struct ofp_group_mod *gm);
/* Frees the buckets and their actions. */
void ofp_group_mod_uninit(struct ofp_group_mod *gm);
/* Deep copy into 'dst' (initialized here). */
void ofp_group_mod_clone(struct ofp_group_mod *dst, const struct ofp_group_mod *src);

/* Checks what a group must satisfy whatever its source (text or wire):
 * type known; indirect has exactly one bucket; weights only on select
 * (select: every weight present, a missing text weight means 1); watch only
 * on fast-failover, where every bucket needs a watch port or group (the
 * text parser refuses misplaced weights and watches; from the wire they
 * are ignored: this function zeroes / sets them to ANY); bucket
 * actions pass ofpacts_check_unmatched() (no instructions; set_field on a
 * writable field with a valid value, but no prerequisites: as in OVS,
 * "bucket=set_field:10.0.0.1->ip_dst,output:2" is accepted and skips the
 * set on a packet without an IPv4 header; legacy mod_tp_src/dst follow the
 * packet's TCP/UDP/SCTP); at most OFP_GROUP_MAX_BUCKETS buckets.  0 or
 * -EINVAL with 'oe' (OFPGMFC_* / OFPBAC_*) and 'err' filled. */
int ofp_group_mod_check(struct ofp_group_mod *gm, struct ofperr *oe, struct errmsg *err);

/* ovs-ofctl text: "group_id=N,type=all|select|indirect|fast_failover,
 * bucket=[bucket_id:N,][weight:N,][watch_port:P,][watch_group:G,]
 * [actions=]ACTION...".  'command' decides what is required: ADD/MODIFY
 * need group_id and type; DELETE takes "group_id=N" or nothing (all).
 * Returns 0 or -EINVAL with a one-line message. */
int ofp_group_mod_parse(const char *s, enum ofp_group_mod_command command,
                        const struct ofp_port_names *names, struct ofp_group_mod *gm,
                        struct errmsg *err);
/* "group_id=1,type=select,bucket=weight:10,actions=output:1,..." as
 * ovs-ofctl dump-groups prints it. */
void ofp_group_format(const struct ofp_group_mod *g, const struct ofp_port_names *names,
                      struct strbuf *sb);

/* Statistics of one group (dump-group-stats, OFPMP_GROUP). */
struct ofp_group_stats {
	uint32_t group_id;
	uint32_t ref_count; /* rules that point at it */
	uint64_t packets, bytes;
	uint32_t duration_sec, duration_nsec;
	size_t n_buckets;
	struct {
		uint64_t packets, bytes;
	} buckets[OFP_GROUP_MAX_BUCKETS];
};

#endif
