/* revalidate.c - ofproto's side of the megaflow cache: the upcall (translate
 * a missed packet, hand back actions + mask + the rules hit), revalidation
 * sweeps (re-translate each megaflow's key: same mask and actions -> keep,
 * same mask -> new actions, different mask -> delete), statistics credited
 * to rules, idle megaflow expiry, MAC refresh for used megaflows, and the
 * revalidator thread that reacts to MAC table changes. */
#include "ofproto/ofproto-private.h"

#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "lib/vlog.h"
#include "ofproto/xlate.h"

#define VLOG_MODULE "revalidate"

/* ---- the upcall (datapath thread) ---- */

bool ofswitch_upcall(void *sw_, struct dpif_upcall *up)
{
	struct ofswitch *sw = sw_;
	struct xlate_out xo;
	struct of_port *in = NULL;
	struct ofproto *br;
	struct flow flow;

	if (up->flow->in_port < DPIF_MAX_PORTS)
		in = atomic_load_explicit(&sw->by_dp[up->flow->in_port], memory_order_acquire);
	if (!in)
		return false; /* a port being added or deleted: drop, cache nothing */
	br = in->br;
	flow = *up->flow;
	flow.in_port = in->ofport;
	xlate_out_init(&xo, up->actions, up->wc);

	pthread_mutex_lock(&br->mutex);
	xlate_flow(br, &flow, XLATE_LEARN, NULL, &xo);
	up->userdata = xcache_create(xo.rules, xo.n_rules);
	((struct xcache *)up->userdata)->l2 = xo.l2;
	ofproto_l2_credit_upcall(br, up->userdata, up->pkt->len);
	xcache_set_groups(up->userdata, xo.groups, xo.n_groups);
	pthread_mutex_unlock(&br->mutex);

	if (xo.mac_changed)
		ofproto_request_revalidation(br);
	xlate_out_uninit(&xo);
	return true;
}

/* ---- sweeps (reval_mutex held) ---- */

enum reval_mode {
	REVAL_MARKED,   /* re-translate megaflows of bridges with reval_now */
	REVAL_PERIODIC, /* also: idle expiry, MAC refresh of used megaflows */
	REVAL_STATS,    /* credit statistics only */
	REVAL_DUMP,     /* collect one bridge's megaflows */
	REVAL_FLUSH,    /* delete one bridge's megaflows */
};

struct reval_aux {
	struct ofswitch *sw;
	enum reval_mode mode;
	uint64_t now;
	uint64_t since;     /* REVAL_PERIODIC: last periodic pass */
	struct ofproto *br; /* DUMP, FLUSH */
	struct ofproto_megaflow_info *mfs;
	size_t n_mfs, alloc_mfs;
	size_t n_deleted, n_modified;
	bool again; /* a translation changed the MAC table */
};

/* Credits a megaflow's new traffic to the rules its translation hit
 * (br->mutex held). */
static void reval_credit(const struct dpif_flow *f)
{
	const struct xcache *xc = f->userdata;

	if (!xc)
		return;
	for (size_t i = 0; i < xc->n_rules; i++) {
		struct rule *r = xc->rules[i];

		if (!(r->flags & OFPFF_NO_PKT_COUNTS))
			r->packets += f->delta_packets;
		if (!(r->flags & OFPFF_NO_BYT_COUNTS))
			r->bytes += f->delta_bytes;
		if (f->stats.used > r->used_ms)
			r->used_ms = f->stats.used;
	}
	for (size_t i = 0; i < xc->n_groups; i++) {
		struct ofgroup *g = xc->groups[i].group;
		int b = xc->groups[i].bucket;

		if (b < 0) {
			g->packets += f->delta_packets;
			g->bytes += f->delta_bytes;
		} else if (b < OFP_GROUP_MAX_BUCKETS) {
			g->bucket_packets[b] += f->delta_packets;
			g->bucket_bytes[b] += f->delta_bytes;
		}
	}
}

static bool xcache_equal(const struct xcache *xc, const struct xlate_out *xo)
{
	if (!xc || xc->n_rules != xo->n_rules || xc->l2.mirrors != xo->l2.mirrors ||
	    xc->l2.vlan_drop_port != xo->l2.vlan_drop_port)
		return false;
	for (size_t i = 0; i < xc->n_rules; i++)
		if (xc->rules[i] != xo->rules[i])
			return false;
	if (xc->n_groups != xo->n_groups)
		return false;
	for (size_t i = 0; i < xc->n_groups; i++)
		if (xc->groups[i].group != xo->groups[i].group ||
		    xc->groups[i].bucket != xo->groups[i].bucket)
			return false;
	return true;
}

static void reval_dump_one(struct reval_aux *ra, const struct dpif_flow *f, uint32_t ofport)
{
	struct ofproto_megaflow_info *m;
	struct flow key = f->key;
	char buf[2048];

	if (ra->n_mfs == ra->alloc_mfs) {
		ra->alloc_mfs = ra->alloc_mfs ? 2 * ra->alloc_mfs : 16;
		ra->mfs = xrealloc(ra->mfs, ra->alloc_mfs * sizeof *ra->mfs);
	}
	m = &ra->mfs[ra->n_mfs++];
	key.in_port = ofport;
	flow_format(&key, &f->mask, buf, sizeof buf);
	m->match = xstrdup(buf);
	xlate_format_actions(ra->sw, f->actions, f->actions_len, buf, sizeof buf);
	m->actions = xstrdup(buf);
	m->packets = f->stats.packets;
	m->bytes = f->stats.bytes;
	m->used = f->stats.used
	                  ? (double)(ra->now > f->stats.used ? ra->now - f->stats.used : 0) / 1000.0
	                  : -1;
}

static enum dpif_sweep_verdict reval_cb(void *aux, const struct dpif_flow *f,
                                        struct dp_actions *new_actions, void **new_userdata)
{
	struct reval_aux *ra = aux;
	enum dpif_sweep_verdict v = DPIF_SWEEP_KEEP;
	enum xlate_learn learn = XLATE_LEARN_NONE;
	struct of_port *in = NULL;
	struct xlate_out xo;
	struct flow_wc wc;
	struct ofproto *br;
	struct flow flow;
	bool retranslate;

	if (f->key.in_port < DPIF_MAX_PORTS && f->mask.in_port == UINT32_MAX)
		in = atomic_load_explicit(&ra->sw->by_dp[f->key.in_port], memory_order_acquire);
	if (!in)
		return DPIF_SWEEP_DELETE; /* its port is gone */
	br = in->br;

	pthread_mutex_lock(&br->mutex);
	reval_credit(f);
	ofproto_l2_credit(br, f->userdata, f->delta_packets, f->delta_bytes);
	switch (ra->mode) {
	case REVAL_STATS:
		goto out;
	case REVAL_DUMP:
		if (br == ra->br)
			reval_dump_one(ra, f, in->ofport);
		goto out;
	case REVAL_FLUSH:
		if (br == ra->br)
			v = DPIF_SWEEP_DELETE;
		goto out;
	case REVAL_PERIODIC:
		if (f->stats.used && ra->now - f->stats.used > DPIF_FLOW_IDLE_MS) {
			v = DPIF_SWEEP_DELETE;
			goto out;
		}
		if (f->stats.used > ra->since)
			learn = XLATE_LEARN_REFRESH;
		retranslate = br->reval_now || learn != XLATE_LEARN_NONE;
		break;
	case REVAL_MARKED:
	default:
		retranslate = br->reval_now;
		break;
	}
	if (!retranslate)
		goto out;

	flow = f->key;
	flow.in_port = in->ofport;
	memset(&wc, 0, sizeof wc);
	xlate_out_init(&xo, new_actions, &wc);
	xlate_flow(br, &flow, learn, NULL, &xo);
	wc.masks.in_port = f->mask.in_port;
	if (xo.mac_changed) {
		atomic_store(&br->need_reval, true);
		ra->again = true;
	}
	if (xo.would_learn || memcmp(&wc.masks, &f->mask, sizeof wc.masks)) {
		/* An unknown source (e.g. after an FDB flush) is learned by the
		 * upcall of the next packet. */
		v = DPIF_SWEEP_DELETE;
	} else if (new_actions->size != f->actions_len ||
	           (f->actions_len && memcmp(new_actions->data, f->actions, f->actions_len))) {
		v = DPIF_SWEEP_MODIFY;
		*new_userdata = xcache_create(xo.rules, xo.n_rules);
		((struct xcache *)*new_userdata)->l2 = xo.l2;
		xcache_set_groups(*new_userdata, xo.groups, xo.n_groups);
	} else if (!xcache_equal(f->userdata, &xo)) {
		/* Same actions from other rules: statistics go to the new ones. */
		v = DPIF_SWEEP_MODIFY;
		*new_userdata = xcache_create(xo.rules, xo.n_rules);
		((struct xcache *)*new_userdata)->l2 = xo.l2;
		xcache_set_groups(*new_userdata, xo.groups, xo.n_groups);
	}
	xlate_out_uninit(&xo);
out:
	pthread_mutex_unlock(&br->mutex);
	if (v == DPIF_SWEEP_DELETE)
		ra->n_deleted++;
	else if (v == DPIF_SWEEP_MODIFY)
		ra->n_modified++;
	return v;
}

/* Takes the marks of every bridge into reval_now (reval_mutex held);
 * returns true if any was marked. */
static bool reval_take_marks(struct ofswitch *sw)
{
	bool any = false;

	for (size_t i = 0; i < sw->n_bridges; i++) {
		struct ofproto *br = sw->bridges[i];

		br->reval_now = atomic_exchange(&br->need_reval, false);
		any |= br->reval_now;
	}
	return any;
}

static void reval_clear_marks(struct ofswitch *sw)
{
	for (size_t i = 0; i < sw->n_bridges; i++)
		sw->bridges[i]->reval_now = false;
}

/* One sweep in 'mode' (reval_mutex held).  Returns true if translations
 * changed the MAC table (another pass is due). */
static bool reval_sweep(struct ofswitch *sw, struct reval_aux *ra)
{
	ra->sw = sw;
	ra->now = time_msec();
	dpif_flow_sweep(sw->dpif, reval_cb, ra, DPIF_SWEEP_DELTAS);
	return ra->again;
}

/* Sweeps marked bridges until no translation changes the MAC table (each
 * pass marks the bridges whose MAC table it changed). */
/* Sweeps the marked bridges; returns how many megaflows were deleted or
 * modified. */
static size_t reval_marked_locked(struct ofswitch *sw)
{
	size_t changed = 0;

	for (int pass = 0; pass < 4 && reval_take_marks(sw); pass++) {
		struct reval_aux ra = {.mode = REVAL_MARKED};

		reval_sweep(sw, &ra);
		reval_clear_marks(sw);
		changed += ra.n_deleted + ra.n_modified;
	}
	return changed;
}

void ofproto_revalidate_locked(struct ofproto *br)
{
	atomic_store(&br->need_reval, true);
	reval_marked_locked(br->sw);
}

void ofproto_revalidate(struct ofproto *br)
{
	struct ofswitch *sw = br->sw;
	size_t changed;

	pthread_mutex_lock(&sw->reval_mutex);
	atomic_store(&br->need_reval, true);
	changed = reval_marked_locked(sw);
	pthread_mutex_unlock(&sw->reval_mutex);
	/* No packet looked up before the sweep is still being forwarded by a
	 * megaflow the sweep changed.  When nothing changed every megaflow still
	 * agrees with the tables (translation and table changes serialize on the
	 * bridge mutex), so there is nothing to wait for. */
	if (changed)
		dpif_flow_quiesce(sw->dpif);
}

void ofswitch_revalidate_pending(struct ofswitch *sw)
{
	pthread_mutex_lock(&sw->reval_mutex);
	reval_marked_locked(sw);
	pthread_mutex_unlock(&sw->reval_mutex);
}

void ofswitch_revalidate_periodic(struct ofswitch *sw)
{
	struct reval_aux ra = {.mode = REVAL_PERIODIC};

	pthread_mutex_lock(&sw->reval_mutex);
	reval_take_marks(sw);
	ra.since = sw->last_periodic_ms;
	sw->last_periodic_ms = time_msec();
	reval_sweep(sw, &ra);
	reval_clear_marks(sw);
	reval_marked_locked(sw); /* MAC changes made by the refresh */
	pthread_mutex_unlock(&sw->reval_mutex);
	if (ra.n_deleted || ra.n_modified)
		VLOG_DBG("periodic revalidation: %zu megaflows deleted, %zu modified", ra.n_deleted,
		         ra.n_modified);
}

void ofswitch_push_stats(struct ofswitch *sw)
{
	struct reval_aux ra = {.mode = REVAL_STATS};

	pthread_mutex_lock(&sw->reval_mutex);
	reval_sweep(sw, &ra);
	pthread_mutex_unlock(&sw->reval_mutex);
}

void ofproto_megaflow_dump(struct ofproto *br, struct ofproto_megaflow_info **mfs, size_t *n)
{
	struct reval_aux ra = {.mode = REVAL_DUMP, .br = br};

	pthread_mutex_lock(&br->sw->reval_mutex);
	reval_sweep(br->sw, &ra);
	pthread_mutex_unlock(&br->sw->reval_mutex);
	*mfs = ra.mfs ? ra.mfs : xcalloc(1, sizeof **mfs);
	*n = ra.n_mfs;
}

void ofproto_megaflow_info_free(struct ofproto_megaflow_info *mfs, size_t n)
{
	if (!mfs)
		return;
	for (size_t i = 0; i < n; i++) {
		free(mfs[i].match);
		free(mfs[i].actions);
	}
	free(mfs);
}

void ofproto_megaflow_flush(struct ofproto *br)
{
	struct reval_aux ra = {.mode = REVAL_FLUSH, .br = br};

	pthread_mutex_lock(&br->sw->reval_mutex);
	reval_sweep(br->sw, &ra);
	pthread_mutex_unlock(&br->sw->reval_mutex);
	dpif_flow_quiesce(br->sw->dpif);
}

/* ---- the revalidator thread ---- */

void ofproto_request_revalidation(struct ofproto *br)
{
	struct ofswitch *sw = br->sw;

	atomic_store(&br->need_reval, true);
	pthread_mutex_lock(&sw->wake_mutex);
	sw->wake_pending = true;
	pthread_cond_signal(&sw->wake_cond);
	pthread_mutex_unlock(&sw->wake_mutex);
}

static void *reval_thread(void *sw_)
{
	struct ofswitch *sw = sw_;

	rcu_register_thread();
	pthread_mutex_lock(&sw->wake_mutex);
	while (!sw->reval_stop) {
		if (!sw->wake_pending) {
			pthread_cond_wait(&sw->wake_cond, &sw->wake_mutex);
			continue;
		}
		sw->wake_pending = false;
		pthread_mutex_unlock(&sw->wake_mutex);
		ofswitch_revalidate_pending(sw);
		pthread_mutex_lock(&sw->wake_mutex);
	}
	pthread_mutex_unlock(&sw->wake_mutex);
	rcu_unregister_thread();
	return NULL;
}

void ofswitch_reval_start(struct ofswitch *sw)
{
	pthread_mutex_init(&sw->wake_mutex, NULL);
	pthread_cond_init(&sw->wake_cond, NULL);
	sw->wake_pending = false;
	sw->reval_stop = false;
	if (pthread_create(&sw->reval_thread, NULL, reval_thread, sw))
		abort();
	pthread_setname_np(sw->reval_thread, "pb-revalidator");
}

void ofswitch_reval_stop(struct ofswitch *sw)
{
	pthread_mutex_lock(&sw->wake_mutex);
	sw->reval_stop = true;
	pthread_cond_signal(&sw->wake_cond);
	pthread_mutex_unlock(&sw->wake_mutex);
	pthread_join(sw->reval_thread, NULL);
	pthread_mutex_destroy(&sw->wake_mutex);
	pthread_cond_destroy(&sw->wake_cond);
}
