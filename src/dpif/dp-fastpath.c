/* dp-fastpath.c - per-packet work of the userspace data planes: extract,
 * EMC, megaflow lookup, rate-limited upcall and install, execution (see
 * dp-fastpath.h).  The install lock and the sweep sequence number make an
 * upcall that raced with a revalidation sweep execute without installing. */
#include "dpif/dp-fastpath.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "dpif/dp-meter.h"
#include "dpif/dp-uqueue.h"
#include "lib/emc.h"
#include "lib/megaflow.h"

/* What a megaflow's opaque 'actions' pointer holds: the hot part (size and
 * the encoded actions) first, so that a packet's execution reads one cache
 * line for up to 56 bytes of actions; the control side's bookkeeping
 * ('struct dpfp_cold') follows the actions in the same allocation. */
struct dpfp_acts {
	uint32_t size; /* bytes of 'data' */
	uint32_t pad;
	uint64_t data[]; /* encoded dp actions, then a struct dpfp_cold */
};

struct dpfp_cold {
	dpif_userdata_free_fn *free_userdata;
	void *userdata;
	uint64_t credited_packets; /* DPIF_SWEEP_DELTAS bookkeeping */
	uint64_t credited_bytes;
};

static size_t dpfp_round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static struct dpfp_cold *dpfp_cold(const struct dpfp_acts *a)
{
	return (struct dpfp_cold *)(void *)((char *)(uintptr_t)a->data + dpfp_round8(a->size));
}

struct dpfp_counters {
	atomic_uint_fast64_t emc_hits;
	atomic_uint_fast64_t megaflow_hits;
	atomic_uint_fast64_t upcalls;
	atomic_uint_fast64_t upcall_dropped;
	atomic_uint_fast64_t userspace;
};

struct dpfp {
	dpif_upcall_fn *upcall;
	dpif_userdata_free_fn *free_userdata;
	void *aux;
	/* dpfp_options, read by the contexts at each batch. */
	atomic_uint_least32_t upcall_rate, upcall_burst, emc_inv_prob;
	struct megaflow_cache *cache;
	pthread_mutex_t mutex; /* install lock: serializes cache writers */
	atomic_uint_fast64_t sweep_seq;
	struct dpfp_ctx **ctxs; /* under 'mutex' */
	size_t n_ctxs;
	struct dpif_stats retired; /* counters of destroyed contexts */
	/* dpfp_set_services() (NULL: meters pass, userspace only counts). */
	struct dp_meters *meters;
	struct dp_uqueue *uqueue;
};

struct dpfp_ctx {
	struct dpfp *fp;
	struct emc *emc;
	struct dpfp_counters c;
	/* Token bucket for upcalls. */
	uint64_t tokens_milli; /* thousandths of an upcall */
	uint64_t last_refill_ms;
	/* EMC insertion: xorshift32 state; inserts so far (saturating). */
	uint32_t rng;
	uint32_t emc_inserts;
	/* Per-batch scratch. */
	struct flow flows[PKT_BATCH_MAX];
	uint32_t hashes[PKT_BATCH_MAX];
	struct megaflow *mfs[PKT_BATCH_MAX];
	const struct flow *miss_flows[PKT_BATCH_MAX];
	struct megaflow *miss_mfs[PKT_BATCH_MAX];
	size_t miss_idx[PKT_BATCH_MAX];
	const struct dp_actions *own[PKT_BATCH_MAX]; /* uninstalled upcall answers */
	struct dp_actions upcall_acts[PKT_BATCH_MAX];
};

static void dpfp_acts_free(void *p)
{
	struct dpfp_acts *a = p;

	if (a) {
		struct dpfp_cold *c = dpfp_cold(a);

		if (c->free_userdata && c->userdata)
			c->free_userdata(c->userdata);
	}
	free(a);
}

static struct dpfp_acts *dpfp_acts_new(const struct dpfp *fp, const struct dp_actions *acts,
                                       void *userdata)
{
	size_t data_len = dpfp_round8(acts->size);
	struct dpfp_acts *a = xmalloc(sizeof *a + data_len + sizeof(struct dpfp_cold));
	struct dpfp_cold *c;

	a->size = (uint32_t)acts->size;
	a->pad = 0;
	if (acts->size)
		memcpy(a->data, acts->data, acts->size);
	c = dpfp_cold(a);
	c->free_userdata = fp->free_userdata;
	c->userdata = userdata;
	c->credited_packets = 0;
	c->credited_bytes = 0;
	return a;
}

struct dpfp *dpfp_create(dpif_upcall_fn *upcall, dpif_userdata_free_fn *free_userdata, void *aux)
{
	struct dpfp *fp = xzalloc(sizeof *fp);
	struct dpfp_options o;

	fp->upcall = upcall;
	fp->free_userdata = free_userdata;
	fp->aux = aux;
	dpfp_options_default(&o);
	dpfp_set_options(fp, &o);
	fp->cache = megaflow_cache_create(dpfp_acts_free);
	pthread_mutex_init(&fp->mutex, NULL);
	atomic_init(&fp->sweep_seq, 0);
	return fp;
}

void dpfp_set_services(struct dpfp *fp, struct dp_meters *meters, struct dp_uqueue *uqueue)
{
	fp->meters = meters;
	fp->uqueue = uqueue;
}

void dpfp_options_default(struct dpfp_options *o)
{
	o->upcall_rate = DPFP_UPCALL_RATE;
	o->upcall_burst = DPFP_UPCALL_BURST;
	o->emc_insert_inv_prob = DPFP_EMC_INSERT_INV_PROB;
}

void dpfp_set_options(struct dpfp *fp, const struct dpfp_options *o)
{
	atomic_store_explicit(&fp->upcall_rate, o->upcall_rate, memory_order_relaxed);
	atomic_store_explicit(&fp->upcall_burst, PB_MAX(o->upcall_burst, 1u), memory_order_relaxed);
	atomic_store_explicit(&fp->emc_inv_prob, o->emc_insert_inv_prob, memory_order_relaxed);
}

void dpfp_get_options(struct dpfp *fp, struct dpfp_options *o)
{
	o->upcall_rate = atomic_load_explicit(&fp->upcall_rate, memory_order_relaxed);
	o->upcall_burst = atomic_load_explicit(&fp->upcall_burst, memory_order_relaxed);
	o->emc_insert_inv_prob = atomic_load_explicit(&fp->emc_inv_prob, memory_order_relaxed);
}

void dpfp_destroy(struct dpfp *fp)
{
	if (!fp)
		return;
	/* Entries removed earlier are freed by RCU callbacks that still
	 * need the free functions: let them run first. */
	rcu_barrier();
	megaflow_cache_destroy(fp->cache);
	pthread_mutex_destroy(&fp->mutex);
	free(fp->ctxs);
	free(fp);
}

struct dpfp_ctx *dpfp_ctx_create(struct dpfp *fp)
{
	struct dpfp_ctx *ctx = xzalloc(sizeof *ctx);

	ctx->fp = fp;
	ctx->emc = emc_create();
	ctx->tokens_milli =
	        (uint64_t)atomic_load_explicit(&fp->upcall_burst, memory_order_relaxed) * 1000u;
	ctx->last_refill_ms = time_msec();
	ctx->rng = 0x9e3779b9u ^ (uint32_t)(uintptr_t)ctx;
	if (!ctx->rng)
		ctx->rng = 1;
	for (size_t i = 0; i < PKT_BATCH_MAX; i++)
		dp_actions_init(&ctx->upcall_acts[i]);
	pthread_mutex_lock(&fp->mutex);
	fp->ctxs = xrealloc(fp->ctxs, (fp->n_ctxs + 1) * sizeof *fp->ctxs);
	fp->ctxs[fp->n_ctxs++] = ctx;
	pthread_mutex_unlock(&fp->mutex);
	return ctx;
}

static void dpfp_counters_add(struct dpif_stats *s, const struct dpfp_counters *c)
{
	s->emc_hits += atomic_load_explicit(&c->emc_hits, memory_order_relaxed);
	s->megaflow_hits += atomic_load_explicit(&c->megaflow_hits, memory_order_relaxed);
	s->upcalls += atomic_load_explicit(&c->upcalls, memory_order_relaxed);
	s->upcall_dropped += atomic_load_explicit(&c->upcall_dropped, memory_order_relaxed);
	s->userspace += atomic_load_explicit(&c->userspace, memory_order_relaxed);
}

void dpfp_ctx_destroy(struct dpfp_ctx *ctx)
{
	struct dpfp *fp;

	if (!ctx)
		return;
	fp = ctx->fp;
	pthread_mutex_lock(&fp->mutex);
	for (size_t i = 0; i < fp->n_ctxs; i++) {
		if (fp->ctxs[i] == ctx) {
			fp->ctxs[i] = fp->ctxs[--fp->n_ctxs];
			break;
		}
	}
	dpfp_counters_add(&fp->retired, &ctx->c);
	pthread_mutex_unlock(&fp->mutex);
	emc_destroy(ctx->emc);
	for (size_t i = 0; i < PKT_BATCH_MAX; i++)
		dp_actions_uninit(&ctx->upcall_acts[i]);
	free(ctx);
}

static void ctr_add(atomic_uint_fast64_t *c, uint64_t n)
{
	/* One writer per context: a relaxed load/store pair is enough. */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
	                      memory_order_relaxed);
}

void dpfp_count_userspace(struct dpfp_ctx *ctx)
{
	ctr_add(&ctx->c.userspace, 1);
}

/* Takes one upcall token; false if the bucket is empty.  'rate' and 'burst'
 * as in struct dpfp_options. */
static bool dpfp_upcall_allowed(struct dpfp_ctx *ctx, uint64_t now, uint32_t rate, uint32_t burst)
{
	if (!rate)
		return true;
	if (now > ctx->last_refill_ms) {
		uint64_t add = (now - ctx->last_refill_ms) * rate;

		ctx->tokens_milli = PB_MIN(ctx->tokens_milli + add, (uint64_t)burst * 1000u);
		ctx->last_refill_ms = now;
	}
	if (ctx->tokens_milli < 1000u)
		return false;
	ctx->tokens_milli -= 1000u;
	return true;
}

/* Upcall for 'flow'; installs the answer unless a sweep started meanwhile.
 * Returns the installed (or concurrently installed) megaflow, or NULL with
 * the answer left in 'acts' for this packet only. */
static struct megaflow *dpfp_upcall(struct dpfp_ctx *ctx, const struct flow *flow,
                                    const struct pkt *pkt, struct dp_actions *acts)
{
	struct dpfp *fp = ctx->fp;
	struct flow_wc wc;
	struct flow key;
	struct dpif_upcall up = {.flow = flow, .pkt = pkt, .actions = acts, .wc = &wc};
	struct megaflow *mf = NULL;
	uint64_t seq = atomic_load_explicit(&fp->sweep_seq, memory_order_acquire);
	bool cacheable;

	dp_actions_clear(acts);
	memset(&wc, 0, sizeof wc);
	ctr_add(&ctx->c.upcalls, 1);
	cacheable = fp->upcall(fp->aux, &up);
	if (!cacheable)
		goto out;

	flow_apply_mask(&key, flow, &wc.masks);
	pthread_mutex_lock(&fp->mutex);
	if (atomic_load_explicit(&fp->sweep_seq, memory_order_relaxed) == seq) {
		struct dpfp_acts *a = dpfp_acts_new(fp, acts, up.userdata);

		up.userdata = NULL;
		if (megaflow_insert(fp->cache, &key, &wc.masks, a, &mf))
			dpfp_acts_free(a); /* another thread installed it: use theirs */
	}
	pthread_mutex_unlock(&fp->mutex);
out:
	if (up.userdata && fp->free_userdata)
		fp->free_userdata(up.userdata);
	return mf;
}

/* Whether to copy a megaflow hit into the EMC: always during the context's
 * warm-up, then when a xorshift32 draw falls under 'threshold'
 * (2^32 / emc_insert_inv_prob). */
static bool dpfp_emc_want(struct dpfp_ctx *ctx, uint32_t threshold)
{
	uint32_t x = ctx->rng;

	if (ctx->emc_inserts < EMC_ENTRIES / 2) {
		ctx->emc_inserts++;
		return true;
	}
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	ctx->rng = x;
	return x <= threshold;
}

/* The execution environment of one batch: the provider's callbacks
 * wrapped so that the meter and userspace actions reach the datapath's
 * meter table and userspace queue. */
struct dpfp_exec_env {
	struct dpfp_ctx *ctx;
	const struct dp_exec_ops *ops;
	void *aux;
	const struct flow *flow; /* the packet being executed, as extracted */
	uint64_t now_ns;         /* meters' clock, read at the batch's first meter */
};

static void dpfp_env_output(void *env_, uint32_t port, const struct pkt *pkt, unsigned flags,
                            const struct dp_tunnel_md *tun)
{
	struct dpfp_exec_env *env = env_;

	env->ops->output(env->aux, port, pkt, flags, tun);
}

static void dpfp_env_userspace(void *env_, uint64_t cookie, const struct pkt *pkt, unsigned flags,
                               const struct flow *flow)
{
	struct dpfp_exec_env *env = env_;
	struct dpfp *fp = env->ctx->fp;

	ctr_add(&env->ctx->c.userspace, 1);
	if (fp->uqueue && env->flow)
		dp_uqueue_push(fp->uqueue, cookie, env->flow, pkt);
	if (env->ops->userspace)
		env->ops->userspace(env->aux, cookie, pkt, flags, flow);
}

static int dpfp_env_meter(void *env_, uint32_t meter_id, const struct pkt *pkt)
{
	struct dpfp_exec_env *env = env_;
	struct dpfp *fp = env->ctx->fp;

	if (!fp->meters)
		return 0;
	if (!env->now_ns)
		env->now_ns = dp_meters_now(fp->meters);
	return dp_meters_execute(fp->meters, meter_id, pkt, env->now_ns);
}

static const struct dp_exec_ops dpfp_env_ops = {
        .output = dpfp_env_output,
        .userspace = dpfp_env_userspace,
        .meter = dpfp_env_meter,
};

static void dpfp_env_init(struct dpfp_exec_env *env, struct dpfp_ctx *ctx,
                          const struct dp_exec_ops *ops, void *aux)
{
	env->ctx = ctx;
	env->ops = ops;
	env->aux = aux;
	env->flow = NULL;
	env->now_ns = 0;
}

static void dpfp_execute(struct pkt *pkt, const struct megaflow *mf, const struct dp_actions *own,
                         struct dpfp_exec_env *env, const struct flow *flow)
{
	env->flow = flow;
	if (mf) {
		const struct dpfp_acts *a = megaflow_actions(mf);

		if (a->size)
			dp_execute_raw(pkt, NULL, a->data, a->size, &dpfp_env_ops, env);
	} else if (own && own->size) {
		dp_execute(pkt, NULL, own, &dpfp_env_ops, env);
	}
}

int dpfp_execute_actions(struct dpfp_ctx *ctx, uint32_t in_port, struct pkt *pkt,
                         const struct dp_actions *acts, const struct dp_exec_ops *ops, void *aux)
{
	struct dpfp_exec_env env;
	struct flow flow;

	dpfp_env_init(&env, ctx, ops, aux);
	flow_extract(pkt, in_port, &flow);
	env.flow = &flow;
	return dp_execute(pkt, NULL, acts, &dpfp_env_ops, &env);
}

size_t dpfp_process(struct dpfp_ctx *ctx, uint32_t in_port, struct pkt *pkts, size_t n,
                    const struct dp_exec_ops *ops, void *aux, size_t *n_upcalls)
{
	return dpfp_process_tnl(ctx, in_port, pkts, NULL, n, ops, aux, n_upcalls);
}

size_t dpfp_process_tnl(struct dpfp_ctx *ctx, uint32_t in_port, struct pkt *pkts,
                        const struct pkt_tnl *tnl, size_t n, const struct dp_exec_ops *ops,
                        void *aux, size_t *n_upcalls)
{
	struct dpfp *fp = ctx->fp;
	size_t n_miss = 0, n_emc = 0, n_mf = 0, n_up = 0, n_drop = 0;
	uint64_t now = time_msec();
	uint32_t inv = atomic_load_explicit(&fp->emc_inv_prob, memory_order_relaxed);
	uint32_t rate = atomic_load_explicit(&fp->upcall_rate, memory_order_relaxed);
	uint32_t burst = atomic_load_explicit(&fp->upcall_burst, memory_order_relaxed);
	uint32_t threshold = inv > 1 ? UINT32_MAX / inv : UINT32_MAX;
	bool use_emc = inv != 0;
	struct dpfp_exec_env env;

	if (n > PKT_BATCH_MAX)
		n = PKT_BATCH_MAX;
	for (size_t i = 0; i < n; i++) {
		struct flow *f = &ctx->flows[i];

		flow_extract(&pkts[i], in_port, f);
		if (tnl)
			flow_set_tunnel(f, &tnl[i]);
		if (use_emc) {
			ctx->hashes[i] = emc_flow_hash(f);
			ctx->mfs[i] = emc_lookup(ctx->emc, f, ctx->hashes[i]);
		} else {
			ctx->mfs[i] = NULL;
		}
		ctx->own[i] = NULL;
		if (ctx->mfs[i]) {
			n_emc++;
		} else {
			ctx->miss_flows[n_miss] = f;
			ctx->miss_idx[n_miss++] = i;
		}
	}

	if (n_miss) {
		megaflow_lookup_batch(fp->cache, ctx->miss_flows, n_miss, ctx->miss_mfs);
		for (size_t m = 0; m < n_miss; m++) {
			size_t i = ctx->miss_idx[m];
			struct megaflow *mf = ctx->miss_mfs[m];

			if (!mf && m && n_up) /* an upcall of this batch may cover it */
				mf = megaflow_lookup(fp->cache, &ctx->flows[i]);
			if (mf) {
				n_mf++;
				if (use_emc && dpfp_emc_want(ctx, threshold))
					emc_insert(ctx->emc, &ctx->flows[i], ctx->hashes[i], mf);
			} else if (dpfp_upcall_allowed(ctx, now, rate, burst)) {
				n_up++;
				mf = dpfp_upcall(ctx, &ctx->flows[i], &pkts[i],
				                 &ctx->upcall_acts[i]);
				if (mf && use_emc)
					emc_insert(ctx->emc, &ctx->flows[i], ctx->hashes[i], mf);
				else
					ctx->own[i] = &ctx->upcall_acts[i];
			} else {
				n_drop++;
			}
			ctx->mfs[i] = mf;
		}
	}

	/* Execute in arrival order; account runs of one megaflow at once. */
	dpfp_env_init(&env, ctx, ops, aux);
	for (size_t i = 0; i < n;) {
		struct megaflow *mf = ctx->mfs[i];
		uint32_t bytes = 0, cnt = 0;
		size_t j = i;

		for (; j < n && ctx->mfs[j] == mf && (mf || j == i); j++) {
			bytes += pkts[j].len;
			cnt++;
			dpfp_execute(&pkts[j], mf, ctx->own[j], &env, &ctx->flows[j]);
		}
		if (mf)
			megaflow_account(mf, cnt, bytes, now);
		i = j;
	}

	if (n_emc)
		ctr_add(&ctx->c.emc_hits, n_emc);
	if (n_mf)
		ctr_add(&ctx->c.megaflow_hits, n_mf);
	if (n_drop)
		ctr_add(&ctx->c.upcall_dropped, n_drop);
	if (n_upcalls)
		*n_upcalls = n_up;
	return n_emc + n_mf;
}

int dpfp_process_one(struct dpfp_ctx *ctx, uint32_t in_port, struct pkt *pkt,
                     const struct dp_exec_ops *ops, void *aux)
{
	uint64_t dropped = atomic_load_explicit(&ctx->c.upcall_dropped, memory_order_relaxed);
	size_t n_up = 0;

	if (dpfp_process(ctx, in_port, pkt, 1, ops, aux, &n_up))
		return 1;
	if (atomic_load_explicit(&ctx->c.upcall_dropped, memory_order_relaxed) != dropped)
		return -EAGAIN;
	return 0;
}

void dpfp_ctx_sweep(struct dpfp_ctx *ctx)
{
	emc_sweep(ctx->emc, 256);
}

/* ---- control side ---- */

struct dpfp_sweep_aux {
	struct dpfp *fp;
	dpif_sweep_fn *fn;
	void *aux;
	unsigned flags;
	struct dp_actions new_actions;
};

static bool dpfp_sweep_cb(struct megaflow *mf, void *aux_)
{
	struct dpfp_sweep_aux *sa = aux_;
	struct dpfp_acts *a = megaflow_actions(mf);
	struct dpfp_cold *c = dpfp_cold(a);
	struct megaflow_stats st;
	struct dpif_flow f;
	enum dpif_sweep_verdict v;
	void *new_ud = NULL;

	megaflow_get_match(mf, &f.key, &f.mask);
	megaflow_get_stats(mf, &st);
	f.actions = a->data;
	f.actions_len = a->size;
	f.userdata = c->userdata;
	f.stats.packets = st.packets;
	f.stats.bytes = st.bytes;
	f.stats.used = st.used;
	f.delta_packets = f.delta_bytes = 0;
	if (sa->flags & DPIF_SWEEP_DELTAS) {
		f.delta_packets = st.packets - c->credited_packets;
		f.delta_bytes = st.bytes - c->credited_bytes;
		c->credited_packets = st.packets;
		c->credited_bytes = st.bytes;
	}
	dp_actions_clear(&sa->new_actions);
	v = sa->fn(sa->aux, &f, &sa->new_actions, &new_ud);
	if (v == DPIF_SWEEP_MODIFY) {
		struct dpfp_acts *na = dpfp_acts_new(sa->fp, &sa->new_actions, new_ud);
		struct dpfp_cold *nc = dpfp_cold(na);

		if (new_ud == c->userdata) /* kept: it moves to the new actions */
			c->userdata = NULL;
		nc->credited_packets = c->credited_packets;
		nc->credited_bytes = c->credited_bytes;
		megaflow_set_actions(sa->fp->cache, mf, na);
		return false;
	}
	if (new_ud && new_ud != c->userdata && sa->fp->free_userdata)
		sa->fp->free_userdata(new_ud);
	return v == DPIF_SWEEP_DELETE;
}

size_t dpfp_flow_sweep(struct dpfp *fp, dpif_sweep_fn *fn, void *aux, unsigned flags)
{
	struct dpfp_sweep_aux sa = {.fp = fp, .fn = fn, .aux = aux, .flags = flags};
	size_t n;

	dp_actions_init(&sa.new_actions);
	pthread_mutex_lock(&fp->mutex);
	atomic_fetch_add_explicit(&fp->sweep_seq, 1, memory_order_release);
	n = megaflow_count(fp->cache);
	megaflow_sweep(fp->cache, dpfp_sweep_cb, &sa);
	pthread_mutex_unlock(&fp->mutex);
	dp_actions_uninit(&sa.new_actions);
	return n;
}

static bool dpfp_true(struct megaflow *mf, void *aux)
{
	return true;
}

void dpfp_flow_flush(struct dpfp *fp)
{
	pthread_mutex_lock(&fp->mutex);
	atomic_fetch_add_explicit(&fp->sweep_seq, 1, memory_order_release);
	megaflow_sweep(fp->cache, dpfp_true, NULL);
	pthread_mutex_unlock(&fp->mutex);
}

int dpfp_flow_put(struct dpfp *fp, const struct flow *key, const struct flow *mask,
                  const struct dp_actions *actions, void *userdata)
{
	struct dpfp_acts *a = dpfp_acts_new(fp, actions, userdata);
	struct flow k;
	int error;

	flow_apply_mask(&k, key, mask);
	pthread_mutex_lock(&fp->mutex);
	error = megaflow_insert(fp->cache, &k, mask, a, NULL);
	pthread_mutex_unlock(&fp->mutex);
	if (error)
		dpfp_acts_free(a);
	return error;
}

int dpfp_flow_del(struct dpfp *fp, const struct flow *key, const struct flow *mask)
{
	struct megaflow *mf;
	int error = 0;

	pthread_mutex_lock(&fp->mutex);
	mf = megaflow_find(fp->cache, key, mask);
	if (mf)
		megaflow_remove(fp->cache, mf);
	else
		error = -ENOENT;
	pthread_mutex_unlock(&fp->mutex);
	return error;
}

int dpfp_flow_set_actions(struct dpfp *fp, const struct flow *key, const struct flow *mask,
                          const struct dp_actions *actions)
{
	struct megaflow *mf;
	int error = 0;

	pthread_mutex_lock(&fp->mutex);
	mf = megaflow_find(fp->cache, key, mask);
	if (mf) {
		struct dpfp_cold *old = dpfp_cold(megaflow_actions(mf));
		struct dpfp_acts *na = dpfp_acts_new(fp, actions, old->userdata);
		struct dpfp_cold *nc = dpfp_cold(na);

		/* The userdata moves to the new actions. */
		old->userdata = NULL;
		nc->credited_packets = old->credited_packets;
		nc->credited_bytes = old->credited_bytes;
		megaflow_set_actions(fp->cache, mf, na);
	} else {
		error = -ENOENT;
	}
	pthread_mutex_unlock(&fp->mutex);
	return error;
}

size_t dpfp_flow_count(struct dpfp *fp)
{
	size_t n;

	pthread_mutex_lock(&fp->mutex);
	n = megaflow_count(fp->cache);
	pthread_mutex_unlock(&fp->mutex);
	return n;
}

size_t dpfp_flow_n_masks(struct dpfp *fp)
{
	size_t n;

	pthread_mutex_lock(&fp->mutex);
	n = megaflow_n_masks(fp->cache);
	pthread_mutex_unlock(&fp->mutex);
	return n;
}

void dpfp_get_stats(struct dpfp *fp, struct dpif_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	pthread_mutex_lock(&fp->mutex);
	*stats = fp->retired;
	for (size_t i = 0; i < fp->n_ctxs; i++)
		dpfp_counters_add(stats, &fp->ctxs[i]->c);
	stats->n_flows = megaflow_count(fp->cache);
	pthread_mutex_unlock(&fp->mutex);
}
