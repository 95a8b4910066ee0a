/* dp-capture.c - capture taps: per-producer SPSC byte rings filled by the
 * datapath threads and drained by the control thread (see dp-capture.h). */
#include "dpif/dp-capture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <urcu.h>

#include "dpif/dpif.h"
#include "lib/util.h"

#define DPCAP_PAD_FLAG 0x80000000u /* record 'size': skip to the ring's start */

/* A record in a ring; 'size' covers header, data and alignment padding. */
struct dpcap_rec {
	uint32_t size;
	uint32_t orig_len;
	uint32_t cap_len;
	uint16_t iface;
	uint8_t dir;
	uint8_t pad;
	uint64_t ts_ns;
};
_Static_assert(sizeof(struct dpcap_rec) == 24, "dpcap_rec layout");

struct dpcap_ring {
	/* Producer side. */
	_Alignas(PB_CACHE_LINE) atomic_uint_least64_t head;
	uint64_t cached_tail; /* the producer's last view of 'tail' */
	uint64_t n_frames;    /* frames accepted */
	/* Consumer side. */
	_Alignas(PB_CACHE_LINE) atomic_uint_least64_t tail;
	/* Read-mostly. */
	_Alignas(PB_CACHE_LINE) uint8_t *buf;
	uint64_t size; /* a power of two */
	/* Written by the producer only, read by the consumer. */
	atomic_uint_least64_t *lost; /* [n_ifaces] */
};

struct dpcap_tap {
	/* Per datapath port: iface << 8 | direction bits (0: not captured). */
	atomic_uint_least32_t ports[DPIF_MAX_PORTS];
	uint32_t snaplen;
	uint32_t n_ifaces;
	uint64_t max_frames;
	unsigned n_producers;
	int slot; /* in the hub, or -1 while detached */
	struct dpcap_ring rings[];
};

struct dpcap_hub {
	struct dpcap pub;
	unsigned n_producers;
	struct dpcap_tap *_Atomic taps[DPCAP_MAX_TAPS];
};

static struct dpcap_hub *hub_cast(struct dpcap *cap)
{
	return (struct dpcap_hub *)cap;
}

static void *dpcap_aligned_zalloc(size_t size)
{
	void *p = NULL;

	size = (size + PB_CACHE_LINE - 1) & ~(size_t)(PB_CACHE_LINE - 1);
	if (posix_memalign(&p, PB_CACHE_LINE, size)) {
		fprintf(stderr, "out of memory (%zu bytes)\n", size);
		abort();
	}
	memset(p, 0, size);
	return p;
}

struct dpcap *dpcap_create(unsigned n_producers)
{
	struct dpcap_hub *hub;

	if (!n_producers || n_producers > DPCAP_MAX_PRODUCERS)
		return NULL;
	hub = xzalloc(sizeof *hub);
	atomic_init(&hub->pub.n_taps, 0);
	hub->n_producers = n_producers;
	return &hub->pub;
}

void dpcap_destroy(struct dpcap *cap)
{
	if (!cap)
		return;
	free(hub_cast(cap));
}

/* ---- producer ---------------------------------------------------------- */

static inline uint64_t dpcap_align8(uint64_t n)
{
	return (n + 7) & ~(uint64_t)7;
}

static uint64_t dpcap_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void dpcap_count_lost(struct dpcap_ring *r, uint16_t iface)
{
	atomic_uint_least64_t *c = &r->lost[iface];

	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
}

/* Copies one frame into 'r' or counts it lost. */
static void dpcap_ring_put(struct dpcap_ring *r, const struct dpcap_tap *tap, uint16_t iface,
                           uint8_t dir, uint64_t ts, const struct pkt *pkt)
{
	uint32_t cap_len = PB_MIN(pkt->len, tap->snaplen);
	uint64_t need = dpcap_align8(sizeof(struct dpcap_rec) + cap_len);
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint64_t off = head & (r->size - 1);
	uint64_t to_end = r->size - off;
	uint64_t want = to_end < need ? to_end + need : need;
	struct dpcap_rec *rec;

	if (tap->max_frames && r->n_frames >= tap->max_frames)
		return;
	if (r->size - (head - r->cached_tail) < want) {
		r->cached_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (r->size - (head - r->cached_tail) < want) {
			dpcap_count_lost(r, iface);
			return;
		}
	}
	if (to_end < need) {
		/* 'to_end' >= 8: offsets and sizes are multiples of 8. */
		*(uint32_t *)(r->buf + off) = (uint32_t)to_end | DPCAP_PAD_FLAG;
		head += to_end;
		off = 0;
	}
	rec = (struct dpcap_rec *)(r->buf + off);
	rec->size = (uint32_t)need;
	rec->orig_len = pkt->len;
	rec->cap_len = cap_len;
	rec->iface = iface;
	rec->dir = dir;
	rec->pad = 0;
	rec->ts_ns = ts;
	memcpy(rec + 1, pkt->data, cap_len);
	r->n_frames++;
	atomic_store_explicit(&r->head, head + need, memory_order_release);
}

static void dpcap_offer(struct dpcap *cap, unsigned producer, uint32_t port, uint8_t dir,
                        const struct pkt *pkts, struct pkt *const *ptrs, size_t n)
{
	struct dpcap_hub *hub = hub_cast(cap);
	uint64_t ts = 0;

	if (port >= DPIF_MAX_PORTS || producer >= hub->n_producers)
		return;
	for (size_t t = 0; t < DPCAP_MAX_TAPS; t++) {
		struct dpcap_tap *tap = atomic_load_explicit(&hub->taps[t], memory_order_consume);
		struct dpcap_ring *r;
		uint32_t m;

		if (!tap)
			continue;
		m = atomic_load_explicit(&tap->ports[port], memory_order_relaxed);
		if (!(m & dir))
			continue;
		if (!ts)
			ts = dpcap_now_ns();
		r = &tap->rings[producer];
		for (size_t i = 0; i < n; i++)
			dpcap_ring_put(r, tap, (uint16_t)(m >> 8), dir, ts,
			               pkts ? &pkts[i] : ptrs[i]);
	}
}

void dpcap_rx(struct dpcap *cap, unsigned producer, uint32_t port, const struct pkt *pkts, size_t n)
{
	dpcap_offer(cap, producer, port, DPCAP_RX, pkts, NULL, n);
}

void dpcap_tx(struct dpcap *cap, unsigned producer, uint32_t port, struct pkt *const *pkts,
              size_t n)
{
	dpcap_offer(cap, producer, port, DPCAP_TX, NULL, pkts, n);
}

/* ---- control ----------------------------------------------------------- */

static uint64_t dpcap_pow2(uint64_t n)
{
	uint64_t p = DPCAP_RING_MIN;

	while (p < n)
		p <<= 1;
	return p;
}

int dpcap_tap_create(struct dpcap *cap, const struct dpcap_tap_options *opts,
                     struct dpcap_tap **out)
{
	struct dpcap_hub *hub = hub_cast(cap);
	uint64_t size = opts->ring_size ? opts->ring_size : DPCAP_RING_DEFAULT;
	uint64_t max_rec =
	        dpcap_align8(sizeof(struct dpcap_rec) + PB_MIN(opts->snaplen, PKT_MAX_LEN));
	struct dpcap_tap *tap;

	*out = NULL;
	if (!opts->snaplen || opts->snaplen > DPCAP_SNAPLEN_MAX || !opts->n_ifaces ||
	    opts->n_ifaces > DPCAP_MAX_IFACES || size < DPCAP_RING_MIN || size > DPCAP_RING_MAX)
		return -EINVAL;
	/* Room for two of the largest records, so that one always fits after a
	 * wrap. */
	size = dpcap_pow2(PB_MAX(size, 2 * max_rec));
	tap = dpcap_aligned_zalloc(sizeof *tap + hub->n_producers * sizeof tap->rings[0]);
	tap->snaplen = opts->snaplen;
	tap->n_ifaces = opts->n_ifaces;
	tap->max_frames = opts->max_frames;
	tap->n_producers = hub->n_producers;
	tap->slot = -1;
	for (size_t i = 0; i < DPIF_MAX_PORTS; i++)
		atomic_init(&tap->ports[i], 0);
	for (unsigned p = 0; p < tap->n_producers; p++) {
		struct dpcap_ring *r = &tap->rings[p];

		atomic_init(&r->head, 0);
		atomic_init(&r->tail, 0);
		r->size = size;
		r->buf = dpcap_aligned_zalloc(size);
		r->lost = xcalloc(opts->n_ifaces, sizeof *r->lost);
		for (uint32_t i = 0; i < opts->n_ifaces; i++)
			atomic_init(&r->lost[i], 0);
	}
	*out = tap;
	return 0;
}

void dpcap_tap_destroy(struct dpcap_tap *tap)
{
	if (!tap)
		return;
	for (unsigned p = 0; p < tap->n_producers; p++) {
		free(tap->rings[p].buf);
		free(tap->rings[p].lost);
	}
	free(tap);
}

int dpcap_tap_set_port(struct dpcap_tap *tap, uint32_t port, uint16_t iface, unsigned dirs)
{
	if (port >= DPIF_MAX_PORTS || iface >= tap->n_ifaces || (dirs & ~3u))
		return -EINVAL;
	atomic_store_explicit(&tap->ports[port], dirs ? (uint32_t)iface << 8 | dirs : 0,
	                      memory_order_relaxed);
	return 0;
}

int dpcap_tap_attach(struct dpcap *cap, struct dpcap_tap *tap)
{
	struct dpcap_hub *hub = hub_cast(cap);

	if (tap->slot >= 0)
		return 0;
	for (int i = 0; i < DPCAP_MAX_TAPS; i++) {
		if (!atomic_load_explicit(&hub->taps[i], memory_order_relaxed)) {
			tap->slot = i;
			atomic_store_explicit(&hub->taps[i], tap, memory_order_release);
			atomic_fetch_add_explicit(&cap->n_taps, 1, memory_order_release);
			return 0;
		}
	}
	return -ENOSPC;
}

void dpcap_tap_detach(struct dpcap *cap, struct dpcap_tap *tap)
{
	struct dpcap_hub *hub = hub_cast(cap);

	if (!tap || tap->slot < 0)
		return;
	atomic_store_explicit(&hub->taps[tap->slot], NULL, memory_order_release);
	atomic_fetch_sub_explicit(&cap->n_taps, 1, memory_order_release);
	tap->slot = -1;
	synchronize_rcu();
}

void dpcap_port_removed(struct dpcap *cap, uint32_t port)
{
	struct dpcap_hub *hub = hub_cast(cap);

	if (port >= DPIF_MAX_PORTS)
		return;
	for (int i = 0; i < DPCAP_MAX_TAPS; i++) {
		struct dpcap_tap *tap = atomic_load_explicit(&hub->taps[i], memory_order_relaxed);

		if (tap)
			atomic_store_explicit(&tap->ports[port], 0, memory_order_relaxed);
	}
}

size_t dpcap_tap_read(struct dpcap_tap *tap, dpcap_frame_fn *fn, void *aux, size_t max)
{
	size_t done = 0;

	for (unsigned p = 0; p < tap->n_producers && done < max; p++) {
		struct dpcap_ring *r = &tap->rings[p];
		uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
		uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);

		while (tail != head && done < max) {
			const uint8_t *at = r->buf + (tail & (r->size - 1));
			const struct dpcap_rec *rec = (const struct dpcap_rec *)at;
			struct dpcap_frame f;

			if (rec->size & DPCAP_PAD_FLAG) {
				tail += rec->size & ~DPCAP_PAD_FLAG;
				continue;
			}
			f.ts_ns = rec->ts_ns;
			f.orig_len = rec->orig_len;
			f.cap_len = rec->cap_len;
			f.iface = rec->iface;
			f.dir = rec->dir;
			f.data = (const uint8_t *)(rec + 1);
			fn(aux, &f);
			tail += rec->size;
			done++;
		}
		atomic_store_explicit(&r->tail, tail, memory_order_release);
	}
	return done;
}

uint64_t dpcap_tap_lost(const struct dpcap_tap *tap, uint16_t iface)
{
	uint64_t sum = 0;

	if (iface >= tap->n_ifaces)
		return 0;
	for (unsigned p = 0; p < tap->n_producers; p++)
		sum += atomic_load_explicit(&tap->rings[p].lost[iface], memory_order_relaxed);
	return sum;
}

uint64_t dpcap_tap_lost_total(const struct dpcap_tap *tap)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < tap->n_ifaces; i++)
		sum += dpcap_tap_lost(tap, (uint16_t)i);
	return sum;
}
