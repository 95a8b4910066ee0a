/* dp-uqueue.c - the userspace-action packet queue (see dp-uqueue.h): a
 * ring of heap copies under a mutex, with an eventfd that is readable
 * while the ring is not empty. */
#include "dpif/dp-uqueue.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/util.h"

struct dp_uqueue {
	pthread_mutex_t mutex;
	struct dpif_userspace_packet *ring[DPIF_USERSPACE_QUEUE];
	uint32_t head;     /* oldest */
	atomic_uint count; /* written under 'mutex'; read without it as a hint */
	int efd;
	atomic_bool enabled;
	atomic_uint_fast64_t dropped;
};

struct dp_uqueue *dp_uqueue_create(void)
{
	struct dp_uqueue *q = xzalloc(sizeof *q);

	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0) {
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->mutex, NULL);
	atomic_init(&q->enabled, false);
	atomic_init(&q->dropped, 0);
	atomic_init(&q->count, 0);
	return q;
}

void dp_uqueue_destroy(struct dp_uqueue *q)
{
	if (!q)
		return;
	for (uint32_t i = 0; i < atomic_load(&q->count); i++)
		free(q->ring[(q->head + i) % DPIF_USERSPACE_QUEUE]);
	close(q->efd);
	pthread_mutex_destroy(&q->mutex);
	free(q);
}

void dp_uqueue_enable(struct dp_uqueue *q, bool enable)
{
	atomic_store(&q->enabled, enable);
}

bool dp_uqueue_enabled(const struct dp_uqueue *q)
{
	return atomic_load_explicit(&q->enabled, memory_order_relaxed);
}

int dp_uqueue_fd(const struct dp_uqueue *q)
{
	return q->efd;
}

static void dp_uqueue_kick(struct dp_uqueue *q)
{
	uint64_t one = 1;

	/* EAGAIN only when the counter would overflow: it is readable then. */
	if (write(q->efd, &one, sizeof one) < 0 && errno != EAGAIN)
		abort();
}

bool dp_uqueue_push(struct dp_uqueue *q, uint64_t cookie, const struct flow *flow,
                    const struct pkt *pkt)
{
	struct dpif_userspace_packet *u;
	bool was_empty, full;
	uint32_t n;

	if (!atomic_load_explicit(&q->enabled, memory_order_relaxed))
		return false;
	/* A full queue drops without taking the lock or copying. */
	if (atomic_load_explicit(&q->count, memory_order_relaxed) >= DPIF_USERSPACE_QUEUE)
		goto drop;
	/* Copy outside the lock; the slot may be gone meanwhile (recheck). */
	u = malloc(sizeof *u + pkt->len);
	if (!u)
		goto drop;
	u->cookie = cookie;
	u->flow = *flow;
	u->len = pkt->len;
	memcpy(u->data, pkt->data, pkt->len);
	pthread_mutex_lock(&q->mutex);
	n = atomic_load_explicit(&q->count, memory_order_relaxed);
	full = n >= DPIF_USERSPACE_QUEUE;
	was_empty = !n;
	if (!full) {
		q->ring[(q->head + n) % DPIF_USERSPACE_QUEUE] = u;
		atomic_store_explicit(&q->count, n + 1, memory_order_relaxed);
	}
	pthread_mutex_unlock(&q->mutex);
	if (full) {
		free(u);
		goto drop;
	}
	/* Only the first packet of a burst wakes the consumer: the descriptor
	 * stays readable until dp_uqueue_recv() empties the queue. */
	if (was_empty)
		dp_uqueue_kick(q);
	return true;
drop:
	atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
	return false;
}

/* The eventfd is cleared only once the queue is seen empty (one read per
 * burst, not per call); a push that raced with the clear finds the queue
 * empty and kicks again, or is seen by the recheck below. */
size_t dp_uqueue_recv(struct dp_uqueue *q, struct dpif_userspace_packet **pkts, size_t max)
{
	uint64_t v;
	uint32_t left;
	size_t n = 0;

	pthread_mutex_lock(&q->mutex);
	left = atomic_load_explicit(&q->count, memory_order_relaxed);
	while (n < max && left) {
		pkts[n++] = q->ring[q->head];
		q->head = (q->head + 1) % DPIF_USERSPACE_QUEUE;
		left--;
	}
	atomic_store_explicit(&q->count, left, memory_order_relaxed);
	pthread_mutex_unlock(&q->mutex);
	if (left)
		return n; /* still readable: nothing cleared it */
	if (read(q->efd, &v, sizeof v) < 0 && errno != EAGAIN)
		abort();
	/* A push between the unlock and the read may have had its kick
	 * consumed: make the descriptor readable again for it. */
	pthread_mutex_lock(&q->mutex);
	left = atomic_load_explicit(&q->count, memory_order_relaxed);
	pthread_mutex_unlock(&q->mutex);
	if (left)
		dp_uqueue_kick(q);
	return n;
}

uint64_t dp_uqueue_dropped(const struct dp_uqueue *q)
{
	return atomic_load_explicit(&q->dropped, memory_order_relaxed);
}
