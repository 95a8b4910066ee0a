/* pipeline.c - bench/pipeline: single-core, in-memory benchmark of the
 * daemon's fast path (dpfp_process: extract -> EMC -> megaflow -> execute,
 * upcalls into the real ofproto slow path) on prebuilt 64-byte frames,
 * printing a markdown table of medians beside the project's targets.
 * Usage: pipeline [--quick] [--reps N] [--cpu N]  (see bench/README.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <urcu.h>

#include "lib/emc.h"
#include "lib/megaflow.h"
#include "lib/util.h"
#include "pipeline-dp.h"
#include "pipeline-sys.h"

#define MAX_REPS 15
#define N_SIZES  4

static const size_t flow_sizes[N_SIZES] = {1, 1000, 100000, 1000000};

struct opts {
	bool quick;
	unsigned reps;
	int cpu;
	size_t hit_pkts;    /* packets per timed repetition (at least one pass) */
	size_t setup_flows; /* new flows per flow-setup repetition */
	size_t mask8_flows; /* distinct 5-tuples of the 8-mask test */
};

/* A packet stream: the hit frames round robin, every 'miss_every'th packet
 * taken from the (fresh) miss frames instead. */
struct stream {
	const struct pkt *hit;
	size_t n_hit, hit_pos;
	const struct pkt *miss;
	size_t n_miss, miss_pos;
	unsigned miss_every; /* 0: none */
	uint64_t seq;
};

static int failures;

/* Counters of a data path at one moment. */
struct pbb_counters {
	uint64_t emc_hits, megaflow_hits, upcalls, upcall_dropped, out_packets;
};

static struct pbb_counters counters(struct pbb_dp *dp)
{
	struct dpif_stats st;

	pbb_dp_stats(dp, &st);
	return (struct pbb_counters){.emc_hits = st.emc_hits,
	                             .megaflow_hits = st.megaflow_hits,
	                             .upcalls = st.upcalls,
	                             .upcall_dropped = st.upcall_dropped,
	                             .out_packets = dp->out_packets};
}

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "pipeline: CHECK FAILED: %s\n", what);
		failures++;
	}
}

/* Fills 'batch' with the next 'cnt' packets of 's' (descriptors only, as
 * a netdev's receive hands them out). */
static void stream_fill(struct stream *s, struct pkt *batch, size_t cnt)
{
	for (size_t k = 0; k < cnt; k++, s->seq++) {
		if (s->miss_every && s->seq % s->miss_every == s->miss_every - 1 &&
		    s->miss_pos < s->n_miss) {
			batch[k] = s->miss[s->miss_pos++];
		} else {
			batch[k] = s->hit[s->hit_pos++];
			if (s->hit_pos == s->n_hit)
				s->hit_pos = 0;
		}
	}
}

/* Pushes 'n' packets of 's' through 'dp' in batches of PKT_BATCH_MAX;
 * returns the elapsed nanoseconds. */
static uint64_t run_stream(struct pbb_dp *dp, struct stream *s, size_t n)
{
	struct pkt batch[PKT_BATCH_MAX];
	uint64_t t0 = time_ns();

	for (size_t done = 0; done < n;) {
		size_t cnt = PB_MIN((size_t)PKT_BATCH_MAX, n - done);

		stream_fill(s, batch, cnt);
		pbb_dp_process(dp, batch, cnt);
		done += cnt;
	}
	return time_ns() - t0;
}

/* Stages of the EMC-hit path, for the breakdown: each includes the ones
 * before it. */
enum stage { STAGE_FILL, STAGE_EXTRACT, STAGE_HASH, STAGE_EMC, STAGE_FULL, N_STAGES };

static const char *const stage_names[N_STAGES] = {
        "batch fill (descriptors)",
        "flow_extract()",
        "emc_flow_hash()",
        "emc_lookup()",
        "megaflow accounting + execution (full dpfp_process())",
};

static volatile uintptr_t stage_sink;

/* A bench-local EMC over a bench-local megaflow cache holding the hit flows
 * exactly, for timing emc_lookup() alone (the dpfp's EMC is private). */
struct stage_emc {
	struct megaflow_cache *cache;
	struct emc *emc;
	struct flow flows[PKT_BATCH_MAX];
};

static char stage_acts; /* the entries' (unused) actions */

static void stage_acts_free(void *p)
{
}

static void stage_emc_init(struct stage_emc *se, const struct pkt *pkts, size_t n)
{
	struct flow mask, f;

	memset(&mask, 0xff, sizeof mask);
	se->cache = megaflow_cache_create(stage_acts_free);
	se->emc = emc_create();
	for (size_t i = 0; i < n; i++) {
		struct megaflow *mf = NULL;

		flow_extract(&pkts[i], PBB_IN_PORT, &f);
		flow_apply_mask(&f, &f, &mask);
		if (!megaflow_insert(se->cache, &f, &mask, &stage_acts, &mf))
			emc_insert(se->emc, &f, emc_flow_hash(&f), mf);
	}
}

static void stage_emc_destroy(struct stage_emc *se)
{
	emc_destroy(se->emc);
	rcu_barrier();
	megaflow_cache_destroy(se->cache);
}

/* As run_stream() but stops after 'stage'. */
static uint64_t run_stage(struct pbb_dp *dp, struct stage_emc *se, struct stream *s, size_t n,
                          enum stage stage)
{
	struct pkt batch[PKT_BATCH_MAX];
	uintptr_t sink = 0;
	uint64_t t0;

	if (stage == STAGE_FULL)
		return run_stream(dp, s, n);
	t0 = time_ns();
	for (size_t done = 0; done < n;) {
		size_t cnt = PB_MIN((size_t)PKT_BATCH_MAX, n - done);

		stream_fill(s, batch, cnt);
		rcu_read_lock();
		for (size_t k = 0; k < cnt && stage > STAGE_FILL; k++) {
			struct flow *f = &se->flows[k];
			uint32_t h = 0;

			flow_extract(&batch[k], PBB_IN_PORT, f);
			if (stage >= STAGE_HASH)
				h = emc_flow_hash(f);
			if (stage >= STAGE_EMC)
				sink += (uintptr_t)emc_lookup(se->emc, f, h);
			sink += h + f->tp_src;
		}
		rcu_read_unlock();
		sink += (uintptr_t)batch[cnt - 1].data;
		done += cnt;
	}
	stage_sink = sink;
	return time_ns() - t0;
}

/* Logs the repetitions of one measurement (stderr), then returns the median. */
static double median_logged(const char *what, double *v, unsigned n)
{
	fprintf(stderr, "    %-28s", what);
	for (unsigned i = 0; i < n; i++)
		fprintf(stderr, " %.3f", v[i]);
	fprintf(stderr, "\n");
	return sys_median(v, n);
}

static double mpps(size_t pkts, uint64_t ns)
{
	return ns ? (double)pkts * 1e3 / (double)ns : 0.0;
}

/* ---- results ---- */

struct size_result {
	size_t flows, megaflows;
	double hit_mpps, hit_emc_pct, noemc_mpps, miss_mpps;
};

struct results {
	struct size_result sizes[N_SIZES];
	double emc_mpps, emc_pct;
	size_t emc_flows;
	double stage_ns[N_STAGES]; /* per packet, cumulative */
	double m8_mpps;
	size_t m8_megaflows, m8_masks;
	double setup_rate, setup_rate_1m;
	double mem_rss_bytes, mem_heap_bytes; /* per megaflow */
	size_t mem_entries;
};

/* ---- 1. + 5.: the pipeline at 1, 1k, 100k, 1M flows ---- */

static void bench_size(const struct opts *o, const struct pbb_frames *hits, struct pbb_frames *miss,
                       uint64_t *miss_id, size_t n_flows, struct size_result *r,
                       struct results *res)
{
	struct pbb_dp *dp = pbb_dp_create();
	struct stream s = {.hit = hits->pkts, .n_hit = n_flows};
	size_t pkts = PB_MAX(o->hit_pkts, n_flows);
	double hit[MAX_REPS], pct[MAX_REPS], off[MAX_REPS], mis[MAX_REPS];
	struct pbb_counters c0, c1;
	uint64_t rss0 = 0, heap0 = 0, ns;

	fprintf(stderr, "  %zu flows: install", n_flows);
	if (n_flows >= 1000000) {
		rss0 = sys_rss_bytes();
		heap0 = sys_heap_bytes();
	}
	/* First pass: every packet is a new flow (upcall + install). */
	ns = run_stream(dp, &s, n_flows);
	c1 = counters(dp);
	check(c1.upcalls == n_flows, "one upcall per new flow");
	check(dpfp_flow_count(dp->fp) == n_flows, "one exact-5-tuple megaflow per flow");
	if (n_flows >= 1000000) {
		res->mem_entries = dpfp_flow_count(dp->fp);
		res->mem_rss_bytes = (double)(sys_rss_bytes() - rss0) / (double)res->mem_entries;
		res->mem_heap_bytes = (double)(sys_heap_bytes() - heap0) / (double)res->mem_entries;
		res->setup_rate_1m = (double)n_flows * 1e9 / (double)ns;
	}
	r->flows = n_flows;
	r->megaflows = dpfp_flow_count(dp->fp);

	/* Warm-up (EMC, caches), then the all-hits repetitions. */
	fprintf(stderr, ", hits");
	run_stream(dp, &s, PB_MIN(pkts, (size_t)200000));
	for (unsigned i = 0; i < o->reps; i++) {
		c0 = counters(dp);
		ns = run_stream(dp, &s, pkts);
		c1 = counters(dp);
		hit[i] = mpps(pkts, ns);
		pct[i] = 100.0 * (double)(c1.emc_hits - c0.emc_hits) / (double)pkts;
		check(c1.out_packets - c0.out_packets == pkts, "every hit packet is output");
		check(c1.upcalls == c0.upcalls, "no upcall among hits");
	}

	if (n_flows == 1000) {
		struct stage_emc se;

		fprintf(stderr, ", breakdown");
		stage_emc_init(&se, hits->pkts, n_flows);
		for (int st = 0; st < N_STAGES; st++) {
			double v[MAX_REPS];

			for (unsigned i = 0; i < o->reps; i++)
				v[i] = (double)run_stage(dp, &se, &s, pkts, (enum stage)st) /
				       (double)pkts;
			res->stage_ns[st] = sys_median(v, o->reps);
		}
		stage_emc_destroy(&se);
	}

	/* The same with the EMC switched off: megaflow lookups only. */
	fprintf(stderr, ", EMC off");
	pbb_dp_set_emc(dp, false);
	for (unsigned i = 0; i < o->reps; i++) {
		c0 = counters(dp);
		off[i] = mpps(pkts, run_stream(dp, &s, pkts));
		c1 = counters(dp);
		check(c1.megaflow_hits - c0.megaflow_hits == pkts, "all megaflow hits");
	}
	pbb_dp_set_emc(dp, true);

	/* 10% misses: every 10th packet is a flow never seen before. */
	fprintf(stderr, ", 10%% misses");
	for (unsigned i = 0; i < o->reps; i++) {
		size_t n_miss = pkts / 10;

		for (size_t k = 0; k < n_miss; k++) {
			struct pbb_tuple t;

			pbb_tuple_routed((*miss_id)++, &t);
			pbb_frame_write(miss, k, &t);
		}
		s.miss = miss->pkts;
		s.n_miss = n_miss;
		s.miss_pos = 0;
		s.miss_every = 10;
		s.seq = 0;
		c0 = counters(dp);
		ns = run_stream(dp, &s, pkts);
		c1 = counters(dp);
		mis[i] = mpps(pkts, ns);
		check(c1.upcalls - c0.upcalls == n_miss, "one upcall per missed packet");
		check(c1.out_packets - c0.out_packets == pkts, "every packet is output");
		/* Back to n_flows megaflows (a 1-flow run leaves its one flow). */
		check(pbb_dp_remove_singles(dp) == n_miss, "the missed flows are removed");
		s.miss_every = 0;
		rcu_barrier();
	}
	fprintf(stderr, "\n");

	r->hit_mpps = median_logged("all hits (Mpps):", hit, o->reps);
	r->hit_emc_pct = median_logged("EMC hits (%):", pct, o->reps);
	r->noemc_mpps = median_logged("EMC off (Mpps):", off, o->reps);
	r->miss_mpps = median_logged("10% misses (Mpps):", mis, o->reps);
	pbb_dp_destroy(dp);
}

/* ---- 3.: megaflow hits with 8 masks, EMC disabled ---- */

static void mask8(unsigned k, struct flow *m)
{
	memset(m, 0, sizeof *m);
	m->in_port = UINT32_MAX;
	m->dl_type = 0xffff;
	m->nw_dst = 0xff000000u; /* the /8 tells the 8 groups apart: no overlaps */
	switch (k) {
	case 0:
		m->nw_dst = 0xffff0000u;
		break;
	case 1:
		m->nw_dst = 0xffffff00u;
		break;
	case 2:
		m->nw_dst = UINT32_MAX;
		break;
	case 3:
		m->nw_dst = 0xffffff00u;
		m->nw_proto = 0xff;
		m->tp_dst = 0xffff;
		break;
	case 4:
		m->nw_src = 0xffff0000u;
		break;
	case 5:
		m->nw_src = 0xffffff00u;
		m->nw_dst = 0xffff0000u;
		break;
	case 6:
		m->nw_src = m->nw_dst = UINT32_MAX;
		break;
	default:
		m->nw_proto = 0xff;
		m->nw_src = m->nw_dst = UINT32_MAX;
		m->tp_src = m->tp_dst = 0xffff;
		break;
	}
}

static void bench_mask8(const struct opts *o, struct results *res)
{
	struct pbb_dp *dp = pbb_dp_create();
	struct pbb_frames fr;
	struct stream s;
	size_t n = o->mask8_flows, pkts = PB_MAX(o->hit_pkts, n);
	double v[MAX_REPS];

	fprintf(stderr, "  8 masks, EMC off: %zu flows\n", n);
	pbb_frames_alloc(&fr, n);
	for (size_t i = 0; i < n; i++) {
		struct dp_actions acts;
		struct pbb_tuple t;
		struct flow f, m;
		uint8_t mac[6] = {0x02, 0, 0, 0, 0x02, (uint8_t)(i % 8)};

		pbb_tuple_masked8(i, &t);
		pbb_frame_write(&fr, i, &t);
		memcpy(fr.pkts[i].data, mac, 6); /* what the actions write */
		flow_extract(&fr.pkts[i], PBB_IN_PORT, &f);
		mask8((unsigned)(i % 8), &m);
		dp_actions_init(&acts);
		dp_actions_put_set_bytes(&acts, DP_FIELD_ETH_DST, mac, NULL);
		dp_actions_put_output(&acts, 2);
		dpfp_flow_put(dp->fp, &f, &m, &acts, NULL); /* -EEXIST: a shared megaflow */
		dp_actions_uninit(&acts);
	}
	res->m8_masks = dpfp_flow_n_masks(dp->fp);
	res->m8_megaflows = dpfp_flow_count(dp->fp);
	pbb_dp_set_emc(dp, false);
	check(res->m8_masks == 8, "8 distinct masks");

	memset(&s, 0, sizeof s);
	s.hit = fr.pkts;
	s.n_hit = n;
	run_stream(dp, &s, PB_MIN(pkts, (size_t)200000));
	for (unsigned i = 0; i < o->reps; i++) {
		struct pbb_counters c0 = counters(dp), c1;

		v[i] = mpps(pkts, run_stream(dp, &s, pkts));
		c1 = counters(dp);
		check(c1.megaflow_hits - c0.megaflow_hits == pkts, "all megaflow hits");
		check(c1.out_packets - c0.out_packets == pkts, "every packet is output");
	}
	res->m8_mpps = median_logged("8 masks (Mpps):", v, o->reps);
	pbb_dp_destroy(dp);
	pbb_frames_free(&fr);
}

/* ---- 4.: flow setups into an empty cache ---- */

static void bench_setup(const struct opts *o, const struct pbb_frames *hits, struct results *res)
{
	size_t n = PB_MIN(o->setup_flows, hits->n);
	double v[MAX_REPS];

	fprintf(stderr, "  flow setup: %zu new flows x %u\n", n, o->reps);
	for (unsigned i = 0; i < o->reps; i++) {
		struct pbb_dp *dp = pbb_dp_create();
		struct stream s = {.hit = hits->pkts, .n_hit = hits->n};
		uint64_t ns = run_stream(dp, &s, n);

		v[i] = (double)n * 1e6 / (double)ns; /* thousands per second */
		check(counters(dp).upcalls == n && dpfp_flow_count(dp->fp) == n,
		      "every setup packet installs a megaflow");
		pbb_dp_destroy(dp);
	}
	res->setup_rate = median_logged("setups (k/s):", v, o->reps) * 1e3;
}

/* ---- report ---- */

static const char *met(bool ok)
{
	return ok ? "met" : "**not met**";
}

static void report(const struct opts *o, const struct results *r, double ghz, const char *load0,
                   const char *load1, int cpu)
{
	char date[64];
	time_t now = time(NULL);

	strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %z", localtime(&now));
	printf("\n## bench/pipeline: %s\n\n", date);
	printf("CPU %d (pinned), TSC %.3f GHz, 64-byte UDP/IPv4 frames, batches of %d, "
	       "medians of %u repetitions%s; loadavg at start %s, at end %s\n\n",
	       cpu, ghz, PKT_BATCH_MAX, o->reps, o->quick ? " (--quick)" : "", load0, load1);

	printf("| flows | megaflows | all hits: Mpps | cycles/pkt | EMC hits | "
	       "all hits, EMC off: Mpps | cycles/pkt | 10%% misses: Mpps | cycles/pkt |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < N_SIZES; i++) {
		const struct size_result *s = &r->sizes[i];

		printf("| %zu | %zu | %.2f | %.0f | %.1f%% | %.2f | %.0f | %.2f | %.0f |\n",
		       s->flows, s->megaflows, s->hit_mpps, ghz * 1e3 / s->hit_mpps, s->hit_emc_pct,
		       s->noemc_mpps, ghz * 1e3 / s->noemc_mpps, s->miss_mpps,
		       ghz * 1e3 / s->miss_mpps);
	}

	printf("\n| measurement | result | target | |\n|---|---:|---:|---|\n");
	printf("| EMC hits (%zu flows, %.1f%% EMC hits) | %.2f Mpps, %.0f cycles/pkt | "
	       ">= 20 Mpps | %s |\n",
	       r->emc_flows, r->emc_pct, r->emc_mpps, ghz * 1e3 / r->emc_mpps,
	       met(r->emc_mpps >= 20.0));
	printf("| megaflow hits, %zu masks, EMC off (%zu flows, %zu megaflows) | %.2f Mpps, "
	       "%.0f cycles/pkt | >= 8 Mpps | %s |\n",
	       r->m8_masks, o->mask8_flows, r->m8_megaflows, r->m8_mpps, ghz * 1e3 / r->m8_mpps,
	       met(r->m8_mpps >= 8.0));
	printf("| flow setups (upcall -> install, %zu new flows, empty cache) | %.0f k/s | "
	       ">= 200 k/s | %s |\n",
	       PB_MIN(o->setup_flows, (size_t)1000000), r->setup_rate / 1e3,
	       met(r->setup_rate >= 200e3));
	printf("| flow setups, first 1M flows into an empty cache (one run) | %.0f k/s | "
	       ">= 200 k/s | %s |\n",
	       r->setup_rate_1m / 1e3, met(r->setup_rate_1m >= 200e3));
	printf("| memory per megaflow (RSS delta / heap delta, incl. actions) | %.0f B / %.0f B "
	       "| - | |\n",
	       r->mem_rss_bytes, r->mem_heap_bytes);
	printf("| %zu megaflows, total (RSS delta) | %.1f MiB | < 512 MiB | %s |\n", r->mem_entries,
	       r->mem_rss_bytes * (double)r->mem_entries / 1048576.0,
	       met(r->mem_rss_bytes * (double)r->mem_entries < 512.0 * 1048576.0));
}

static void report_stages(const struct results *r, double ghz)
{
	printf("\nWhere the cycles of an EMC hit go (%zu flows; each stage timed alone, "
	       "cumulative; medians):\n\n| stage | cycles/pkt | cumulative |\n|---|---:|---:|\n",
	       r->emc_flows);
	for (int st = 0; st < N_STAGES; st++) {
		double prev = st ? r->stage_ns[st - 1] : 0.0;

		printf("| %s | %.0f | %.0f |\n", stage_names[st], (r->stage_ns[st] - prev) * ghz,
		       r->stage_ns[st] * ghz);
	}
}

static void usage(void)
{
	printf("usage: pipeline [--quick] [--reps N] [--cpu N]\n"
	       "  --quick   fewer packets and repetitions (~6 s instead of ~40 s)\n"
	       "  --reps N  repetitions per measurement (medians are reported; max %d)\n"
	       "  --cpu N   CPU to pin to (default: the last one)\n",
	       MAX_REPS);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	long nproc = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t v;

	memset(o, 0, sizeof *o);
	o->reps = 7;
	o->cpu = nproc > 1 ? (int)nproc - 1 : 0;
	o->hit_pkts = 4000000;
	o->setup_flows = 200000;
	o->mask8_flows = 65536;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			o->quick = true;
			o->reps = 3;
			o->hit_pkts = 1000000;
			o->setup_flows = 100000;
		} else if (!strcmp(argv[i], "--reps") && i + 1 < argc &&
		           !parse_uint(argv[++i], 1, MAX_REPS, &v)) {
			o->reps = (unsigned)v;
		} else if (!strcmp(argv[i], "--cpu") && i + 1 < argc &&
		           !parse_uint(argv[++i], 0, 1023, &v)) {
			o->cpu = (int)v;
		} else {
			usage();
			return !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h") ? 1 : -EINVAL;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct pbb_frames hits, miss;
	struct results res;
	char load0[64], load1[64];
	uint64_t miss_id = (uint64_t)1 << 30, t0 = time_ns();
	size_t max_flows = flow_sizes[N_SIZES - 1];
	double ghz;
	int error;

	error = parse_opts(argc, argv, &o);
	if (error)
		return error > 0 ? 0 : 2;
	if (sys_pin_cpu(o.cpu))
		fprintf(stderr, "pipeline: cannot pin to CPU %d, running unpinned\n", o.cpu);
	sys_loadavg(load0, sizeof load0);
	dpif_register_thread(); /* as ofswitch_create() does; never unregistered */
	memset(&res, 0, sizeof res);

	ghz = sys_tsc_ghz();
	fprintf(stderr, "pipeline: CPU %d, TSC %.3f GHz, loadavg %s; building %zu frames\n", o.cpu,
	        ghz, load0, max_flows);
	pbb_frames_alloc(&hits, max_flows);
	for (size_t i = 0; i < max_flows; i++) {
		struct pbb_tuple t;

		pbb_tuple_routed(i, &t);
		pbb_frame_write(&hits, i, &t);
	}
	pbb_frames_alloc(&miss, PB_MAX(o.hit_pkts, max_flows) / 10);

	/* Largest first: the 1M memory figure is taken before anything else
	 * has grown and freed the heap. */
	for (size_t i = N_SIZES; i-- > 0;)
		bench_size(&o, &hits, &miss, &miss_id, flow_sizes[i], &res.sizes[i], &res);
	res.emc_flows = res.sizes[1].flows;
	res.emc_mpps = res.sizes[1].hit_mpps;
	res.emc_pct = res.sizes[1].hit_emc_pct;
	bench_mask8(&o, &res);
	bench_setup(&o, &hits, &res);

	sys_loadavg(load1, sizeof load1);
	report(&o, &res, ghz, load0, load1, o.cpu);
	report_stages(&res, ghz);
	fprintf(stderr, "pipeline: done in %.1f s\n", (double)(time_ns() - t0) / 1e9);

	pbb_frames_free(&miss);
	pbb_frames_free(&hits);
	if (failures)
		fprintf(stderr, "pipeline: %d check(s) failed: figures are not valid\n", failures);
	return failures ? 1 : 0;
}
