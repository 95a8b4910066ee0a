/* ofp-match.h - helpers over 'struct match' (defined in lib/meta-flow.h):
 * normalization, checked field setting, prerequisite checking of a whole
 * match, comparison, and the ovs-ofctl text form of a match
 * ("priority=100,ip,in_port=1,nw_dst=10.0.0.0/24").  Pure functions. */
#ifndef PB_OFP_MATCH_H
#define PB_OFP_MATCH_H

#include <stdbool.h>

#include "lib/meta-flow.h"
#include "lib/util.h"
#include "openflow/ofp-port.h"
#include "openflow/ofp-text.h"

/* A rule's priority when none is given (OpenFlow's OFP_DEFAULT_PRIORITY). */
#define OFP_DEFAULT_PRIORITY 0x8000

/* Clears key bits that the mask does not cover (key &= mask). */
void match_normalize(struct match *m);
/* Sets 'mf' to 'value' under 'mask' (NULL = exact) after checking the
 * value's range and that a non-exact mask is allowed.  Prerequisites are
 * not checked here (the order fields arrive in does not matter): call
 * match_check_prereqs() once the match is complete.  0 or -EINVAL. */
int match_set_field(struct match *m, const struct mf_field *mf, const union mf_value *value,
                    const union mf_value *mask, struct errmsg *err);
/* Checks every matched field's prerequisites.  Fields that share storage
 * (tcp_dst/udp_dst/icmp_code, ip_src/arp_spa, ...) are accepted if one of
 * them fits.  0 or -EINVAL naming the first offending field. */
int match_check_prereqs(const struct match *m, struct errmsg *err);
bool match_equal(const struct match *a, const struct match *b);
bool match_is_catchall(const struct match *m);

/* Appends the match in ovs-ofctl dump-flows form, without a trailing
 * separator: "priority=P," (omitted if 'priority' < 0 or is the default),
 * the protocol shorthand (ip, tcp, arp, icmp6...), then the fields.  A
 * catch-all match with no priority appends nothing. */
void match_format(const struct match *m, int priority, const struct ofp_port_names *names,
                  struct strbuf *sb);

#endif
