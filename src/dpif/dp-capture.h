/* dp-capture.h - capture taps in the datapath: copies of the frames a port
 * receives or transmits, handed to the control thread through lock-free
 * rings (the monitoring tap behind `pbctl capture`, docs/capture.md).
 *
 * Design.  A datapath owns one 'struct dpcap' (the hub) with up to
 * DPCAP_MAX_TAPS taps.  A tap says which datapath ports and directions it
 * wants (a per-port word: interface index and direction bits), how many
 * bytes of each frame to keep (snaplen) and optionally how many frames in
 * all.  It has one single-producer/single-consumer byte ring per datapath
 * thread ("producer"), so producers never share a cache line or a lock:
 *  - the producer (a datapath thread) reserves room for a record (header +
 *    snaplen bytes, 8-byte aligned), copies the frame, and publishes it with
 *    a release store of 'head'; when the ring has no room, the frame is not
 *    copied and the tap's loss counter for that interface is incremented;
 *  - the consumer (the control thread) reads records up to an acquire load
 *    of 'head' and frees them with a release store of 'tail'.
 * Records never straddle the end of the ring: a producer that does not fit
 * before the end writes a padding marker and starts again at offset 0.
 *
 * Cost.  With no tap attached the datapath pays one relaxed load and one
 * predicted branch per batch (dpcap_active()).  With taps, one CLOCK_REALTIME
 * read per batch (all frames of a batch share its timestamp) and, per frame
 * a tap wants, one copy of at most snaplen bytes.
 *
 * Threads and lifetime.  dpcap_rx/dpcap_tx run on datapath threads inside
 * an RCU read-side section (liburcu memb), each with its own producer index.
 * Everything else runs on the control thread (serialized by the caller):
 * attach publishes a tap; detach unpublishes it and waits for a grace
 * period, after which no producer touches it and the consumer may drain
 * what is left before destroying it. */
#ifndef PB_DP_CAPTURE_H
#define PB_DP_CAPTURE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/packet.h"

#define DPCAP_MAX_TAPS      16
#define DPCAP_MAX_PRODUCERS 8
#define DPCAP_MAX_IFACES    1024

/* Ring size per producer: default, limits (bytes, rounded up to a power of
 * two). */
#define DPCAP_RING_DEFAULT (8u << 20)
#define DPCAP_RING_MIN     4096u
#define DPCAP_RING_MAX     (256u << 20)

#define DPCAP_SNAPLEN_MAX 262144u

/* Direction bits. */
enum dpcap_dir {
	DPCAP_RX = 1, /* as received on the port, before any edit */
	DPCAP_TX = 2, /* as handed to the port for transmission */
};

/* The hub; only 'n_taps' is public, for dpcap_active(). */
struct dpcap {
	atomic_uint n_taps;
};

struct dpcap_tap;

/* One captured frame as the consumer sees it (valid until the callback
 * returns). */
struct dpcap_frame {
	uint64_t ts_ns;    /* CLOCK_REALTIME */
	uint32_t orig_len; /* frame length */
	uint32_t cap_len;  /* bytes in 'data' (<= snaplen) */
	uint16_t iface;    /* as given to dpcap_tap_set_port() */
	uint8_t dir;       /* DPCAP_RX or DPCAP_TX */
	const uint8_t *data;
};

/* Creates a hub for a datapath with 'n_producers' (1..DPCAP_MAX_PRODUCERS)
 * threads. */
struct dpcap *dpcap_create(unsigned n_producers);
/* Frees the hub; every tap must have been detached.  NULL is fine. */
void dpcap_destroy(struct dpcap *cap);

/* The datapath's hot-path check ('cap' not NULL): true if some tap is
 * attached. */
static inline bool dpcap_active(const struct dpcap *cap)
{
	return __builtin_expect(atomic_load_explicit(&cap->n_taps, memory_order_relaxed) != 0, 0);
}

/* Datapath thread 'producer', inside rcu_read_lock(): offers the 'n' frames
 * received on datapath port 'port' (before any edit) / about to be
 * transmitted on it. */
void dpcap_rx(struct dpcap *cap, unsigned producer, uint32_t port, const struct pkt *pkts,
              size_t n);
void dpcap_tx(struct dpcap *cap, unsigned producer, uint32_t port, struct pkt *const *pkts,
              size_t n);

/* ---- control thread ---- */

struct dpcap_tap_options {
	uint32_t snaplen;    /* 1..DPCAP_SNAPLEN_MAX */
	uint32_t ring_size;  /* bytes per producer; 0: DPCAP_RING_DEFAULT */
	uint64_t max_frames; /* stop copying after this many per producer; 0: no limit */
	uint32_t n_ifaces;   /* 1..DPCAP_MAX_IFACES: loss is counted per interface */
};

/* Creates a detached tap for 'cap' (which wants nothing yet).  0, or
 * -EINVAL for options out of range. */
int dpcap_tap_create(struct dpcap *cap, const struct dpcap_tap_options *opts,
                     struct dpcap_tap **out);
/* Frees a detached tap (NULL is fine). */
void dpcap_tap_destroy(struct dpcap_tap *tap);

/* Makes the tap capture datapath port 'port' in directions 'dirs'
 * (DPCAP_RX|DPCAP_TX; 0 stops) as interface 'iface' (< n_ifaces).  Allowed
 * while attached.  0 or -EINVAL. */
int dpcap_tap_set_port(struct dpcap_tap *tap, uint32_t port, uint16_t iface, unsigned dirs);

/* Publishes the tap to the datapath.  0 or -ENOSPC (DPCAP_MAX_TAPS taps
 * attached already). */
int dpcap_tap_attach(struct dpcap *cap, struct dpcap_tap *tap);
/* Unpublishes it and waits until no datapath thread can touch it.  A tap
 * that is not attached is left alone. */
void dpcap_tap_detach(struct dpcap *cap, struct dpcap_tap *tap);

/* Forgets datapath port 'port' in every tap (it was removed from the
 * datapath; its number may be reused). */
void dpcap_port_removed(struct dpcap *cap, uint32_t port);

/* Consumer: calls 'fn' for up to 'max' frames waiting in the tap's rings
 * (each ring in order) and frees them.  Returns how many were read. */
typedef void dpcap_frame_fn(void *aux, const struct dpcap_frame *f);
size_t dpcap_tap_read(struct dpcap_tap *tap, dpcap_frame_fn *fn, void *aux, size_t max);

/* Frames lost (ring full) on interface 'iface', over all producers. */
uint64_t dpcap_tap_lost(const struct dpcap_tap *tap, uint16_t iface);
/* Frames lost on all interfaces. */
uint64_t dpcap_tap_lost_total(const struct dpcap_tap *tap);

#endif
