/* daemon-flows.h - keeping a bridge's OpenFlow rules and the config store
 * in step: loading the stored lines into a bridge, putting a bridge back to
 * an earlier rule set (rollback), saving the live rules after a change, and
 * noticing rules that expired on their own (idle/hard timeouts).
 *
 * Rule sets travel as the lines of ofproto_flow_save(): canonical text with
 * port numbers and no counters, so two equal rule sets give equal lines.
 * Control thread only. */
#ifndef PB_DAEMON_FLOWS_H
#define PB_DAEMON_FLOWS_H

#include <stddef.h>

#include "daemon/daemon-state.h"

/* The live rules of 'br' as ofproto_flow_save() gives them; free with
 * pbd_flows_free(). */
struct pbd_flow_lines {
	char **lines;
	size_t n;
};
void pbd_flows_snapshot(struct ofproto *br, struct pbd_flow_lines *out);
void pbd_flows_free(struct pbd_flow_lines *fl);

/* Replaces every rule of 'br' by the stored 'lines' (port numbers only).
 * Used at start-up.  On failure returns -errno with 'err' naming the line
 * ("flows[3]: ...") and 'br' holds the lines before it. */
int pbd_flows_load(struct ofproto *br, char *const *lines, size_t n, struct errmsg *err);

/* Puts 'br' back to the rule set 'before' (a snapshot taken earlier):
 * rules that are not in it are deleted, rules of it that are missing (or
 * were changed) are added again; untouched rules keep their counters.
 * Failures are logged (they cannot happen for lines the bridge accepted
 * before). */
void pbd_flows_restore(struct ofproto *br, const struct pbd_flow_lines *before);

/* Saves the live rules of bridge 'cb' ('br' live) together with the rest of
 * d->cfg (see pbd_commit).  On failure the file and d->cfg are unchanged
 * and the caller restores 'br'.  0 or -errno with 'err'. */
int pbd_flows_commit(struct pbd *d, const char *bridge, struct ofproto *br, struct errmsg *err);

/* Called once a second: a bridge whose stored rules have timeouts is
 * compared with its live rules and saved if rules expired.  A failing save
 * is logged and retried 10 calls later. */
void pbd_flows_sync(struct pbd *d);

#endif
