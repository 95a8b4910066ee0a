/* daemon-flows.c - a bridge's OpenFlow rules and the config store: loading
 * stored lines, restoring an earlier rule set, saving after changes and
 * after timeouts (see daemon-flows.h). */
#include "daemon/daemon-flows.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"

#define VLOG_MODULE "flows"

void pbd_flows_snapshot(struct ofproto *br, struct pbd_flow_lines *out)
{
	out->lines = NULL;
	out->n = 0;
	ofproto_flow_save(br, &out->lines, &out->n);
}

void pbd_flows_free(struct pbd_flow_lines *fl)
{
	if (!fl)
		return;
	for (size_t i = 0; i < fl->n; i++)
		free(fl->lines[i]);
	free(fl->lines);
	fl->lines = NULL;
	fl->n = 0;
}

/* Applies stored line 'line' (port numbers only) as 'cmd'. */
static int apply_line(struct ofproto *br, const char *line, enum flow_text_cmd cmd, bool strict,
                      struct errmsg *err)
{
	struct flow_text_mod fm;
	int error = flow_text_parse(line, FLOW_TEXT_ADD, NULL, &fm, err);

	if (!error)
		error = ofproto_flow_mod(br, cmd, strict, &fm, err);
	flow_text_mod_uninit(&fm);
	return error;
}

static int delete_all(struct ofproto *br, struct errmsg *err)
{
	struct flow_text_mod fm;
	int error = flow_text_parse("", FLOW_TEXT_DELETE, NULL, &fm, err);

	if (!error)
		error = ofproto_flow_mod(br, FLOW_TEXT_DELETE, false, &fm, err);
	flow_text_mod_uninit(&fm);
	return error;
}

int pbd_flows_load(struct ofproto *br, char *const *lines, size_t n, struct errmsg *err)
{
	struct errmsg e = {""};
	int error = delete_all(br, &e);

	if (error)
		return errmsg_set(err, error, "cannot delete the default flows: %s", e.msg);
	for (size_t i = 0; i < n; i++) {
		error = apply_line(br, lines[i], FLOW_TEXT_ADD, false, &e);
		if (error)
			return errmsg_set(err, error, "flows[%zu]: %s", i, e.msg);
	}
	return 0;
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A sorted copy of the pointers in 'fl' (the strings are shared). */
static char **sorted_lines(const struct pbd_flow_lines *fl)
{
	char **copy = xcalloc(fl->n ? fl->n : 1, sizeof(*copy));

	if (fl->n)
		memcpy(copy, fl->lines, fl->n * sizeof(*copy));
	qsort(copy, fl->n, sizeof(*copy), str_ptr_cmp);
	return copy;
}

void pbd_flows_restore(struct ofproto *br, const struct pbd_flow_lines *before)
{
	struct pbd_flow_lines now;
	char **old, **cur;
	size_t i = 0, j = 0;

	pbd_flows_snapshot(br, &now);
	old = sorted_lines(before);
	cur = sorted_lines(&now);
	/* Merge the two sorted lists: lines only in 'cur' are deleted first,
	 * then lines only in 'old' are added back. */
	while (j < now.n) {
		int cmp = i < before->n ? strcmp(old[i], cur[j]) : 1;
		struct errmsg e = {""};

		if (cmp < 0) {
			i++;
		} else if (cmp == 0) {
			old[i++] = NULL; /* present in both: keep */
			j++;
		} else {
			if (apply_line(br, cur[j], FLOW_TEXT_DELETE, true, &e))
				VLOG_ERR("bridge %s: rollback cannot delete '%s': %s",
				         ofproto_name(br), cur[j], e.msg);
			j++;
		}
	}
	for (i = 0; i < before->n; i++) {
		struct errmsg e = {""};

		if (old[i] && apply_line(br, old[i], FLOW_TEXT_ADD, false, &e))
			VLOG_ERR("bridge %s: rollback cannot restore '%s': %s", ofproto_name(br),
			         old[i], e.msg);
	}
	free(old);
	free(cur);
	pbd_flows_free(&now);
}

int pbd_flows_commit(struct pbd *d, const char *bridge, struct ofproto *br, struct errmsg *err)
{
	struct config *cfg = config_clone(d->cfg);
	struct config_bridge *cb = config_find_bridge(cfg, bridge);
	struct pbd_flow_lines now;

	if (!cb) { /* the callers found it in d->cfg */
		config_free(cfg);
		return errmsg_set(err, -ENOENT, "bridge %s: no such bridge", bridge);
	}
	pbd_flows_snapshot(br, &now);
	config_bridge_set_flows(cb, now.lines, now.n);
	pbd_flows_free(&now);
	return pbd_commit(d, cfg, err);
}

/* Only rules with a timeout (idle_timeout=N or hard_timeout=N, N not 0)
 * can go away without a request. */
static bool may_expire(const struct config_bridge *cb)
{
	for (size_t i = 0; i < cb->n_flows; i++) {
		for (const char *p = cb->flows[i]; (p = strstr(p, "_timeout="));) {
			p += strlen("_timeout=");
			if (*p >= '1' && *p <= '9')
				return true;
		}
	}
	return false;
}

/* After a failed save, wait this many calls (seconds) before trying again. */
#define SYNC_RETRY_CALLS 10

void pbd_flows_sync(struct pbd *d)
{
	static unsigned int backoff;

	if (backoff) {
		backoff--;
		return;
	}

	for (size_t i = 0; i < d->cfg->n_bridges; i++) {
		const struct config_bridge *cb = d->cfg->bridges[i];
		struct ofproto *br = ofswitch_bridge_find(d->sw, cb->name);
		struct pbd_flow_lines now;
		struct errmsg err = {""};
		bool same;
		char *name;

		if (!br || !cb->has_flows || !may_expire(cb))
			continue;
		pbd_flows_snapshot(br, &now);
		same = config_bridge_flows_equal(cb, now.lines, now.n);
		pbd_flows_free(&now);
		if (same)
			continue;
		name = xstrdup(cb->name); /* 'cb' is freed by a successful commit */
		if (pbd_flows_commit(d, name, br, &err)) {
			VLOG_WARN("bridge %s: cannot save the flows after timeouts (retrying in "
			          "%d s): %s",
			          name, SYNC_RETRY_CALLS, err.msg);
			backoff = SYNC_RETRY_CALLS;
			free(name);
			return;
		}
		VLOG_DBG("bridge %s: saved the flows after timeouts", name);
		free(name);
	}
}
