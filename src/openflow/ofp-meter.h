/* ofp-meter.h - OpenFlow 1.3 meters as Patchbay models them: a meter_mod
 * (command, flags, id, bands), the statistics of dump-meters /
 * meter-stats, and the ovs-ofctl text syntax
 *     meter=1,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=100
 *     meter=2,pktps,bands=type=dscp_remark,rate=50,prec_level=1
 * (add-meter / mod-meter / del-meters / dump-meters).  The wire form is in
 * ofp-msgs.h.  Pure data: no global state. */
#ifndef PB_OFP_METER_H
#define PB_OFP_METER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "openflow/ofp-errors.h"
#include "openflow/ofp-text.h"

enum ofp_meter_mod_command {
	OFPMC_ADD = 0,
	OFPMC_MODIFY = 1,
	OFPMC_DELETE = 2,
};

/* meter_mod flags. */
#define OFPMF_KBPS  0x0001
#define OFPMF_PKTPS 0x0002
#define OFPMF_BURST 0x0004
#define OFPMF_STATS 0x0008

/* Meter ids. */
#define OFPM_MAX        0xffff0000u
#define OFPM_SLOWPATH   0xfffffffdu
#define OFPM_CONTROLLER 0xfffffffeu
#define OFPM_ALL        0xffffffffu

enum ofp_meter_band_type {
	OFPMBT_DROP = 1,
	OFPMBT_DSCP_REMARK = 2,
};

#define OFP_METER_MAX_BANDS 8
/* Meters per bridge (features: max_meter). */
#define OFP_METER_MAX 65536u

struct ofp_meter_band {
	enum ofp_meter_band_type type;
	uint32_t rate;       /* kbps or pktps by the meter's flags */
	uint32_t burst_size; /* kb or packets; used with OFPMF_BURST */
	uint8_t prec_level;  /* dscp_remark: drop precedence increase */
};

struct ofp_meter_mod {
	enum ofp_meter_mod_command command;
	uint16_t flags;    /* OFPMF_* */
	uint32_t meter_id; /* 1..OFPM_MAX; OFPM_ALL allowed for DELETE */
	size_t n_bands;
	struct ofp_meter_band bands[OFP_METER_MAX_BANDS];
};

/* Checks a meter whatever its source: id in range, exactly one of
 * KBPS/PKTPS, no unknown flags, 1..OFP_METER_MAX_BANDS bands of known
 * types with rate > 0, burst only with OFPMF_BURST.  0 or -EINVAL with
 * 'oe' (OFPMMFC_*) and 'err'. */
int ofp_meter_mod_check(const struct ofp_meter_mod *mm, struct ofperr *oe, struct errmsg *err);

/* ovs-ofctl text (see above).  ADD/MODIFY need meter=, kbps or pktps, and
 * bands= (with burst_size on every band when 'burst' is set); DELETE
 * takes "meter=N", "meter=all" or nothing.  0 or -EINVAL. */
int ofp_meter_mod_parse(const char *s, enum ofp_meter_mod_command command, struct ofp_meter_mod *mm,
                        struct errmsg *err);
/* "meter=1 kbps burst stats bands=\ntype=drop rate=1000 burst_size=100" as
 * ovs-ofctl dump-meters prints it. */
void ofp_meter_format(const struct ofp_meter_mod *m, struct strbuf *sb);

/* Statistics of one meter (meter-stats, OFPMP_METER). */
struct ofp_meter_stats {
	uint32_t meter_id;
	uint32_t flow_count; /* rules that use it */
	uint64_t packets_in, bytes_in;
	uint32_t duration_sec, duration_nsec;
	size_t n_bands;
	struct {
		uint64_t packets, bytes; /* hit by the band (dropped or remarked) */
	} bands[OFP_METER_MAX_BANDS];
};

#endif
