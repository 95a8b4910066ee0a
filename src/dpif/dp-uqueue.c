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
	uint32_t head; /* oldest */
	uint32_t count;
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
	return q;
}

void dp_uqueue_destroy(struct dp_uqueue *q)
{
	if (!q)
		return;
	for (uint32_t i = 0; i < q->count; i++)
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

	if (!atomic_load_explicit(&q->enabled, memory_order_relaxed))
		return false;
	pthread_mutex_lock(&q->mutex);
	full = q->count >= DPIF_USERSPACE_QUEUE;
	pthread_mutex_unlock(&q->mutex);
	if (full)
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
	full = q->count >= DPIF_USERSPACE_QUEUE;
	was_empty = !q->count;
	if (!full)
		q->ring[(q->head + q->count++) % DPIF_USERSPACE_QUEUE] = u;
	pthread_mutex_unlock(&q->mutex);
	if (full) {
		free(u);
		goto drop;
	}
	if (was_empty)
		dp_uqueue_kick(q);
	return true;
drop:
	atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
	return false;
}

size_t dp_uqueue_recv(struct dp_uqueue *q, struct dpif_userspace_packet **pkts, size_t max)
{
	uint64_t v;
	size_t n = 0;
	bool more;

	if (read(q->efd, &v, sizeof v) < 0 && errno != EAGAIN)
		abort();
	pthread_mutex_lock(&q->mutex);
	while (n < max && q->count) {
		pkts[n++] = q->ring[q->head];
		q->head = (q->head + 1) % DPIF_USERSPACE_QUEUE;
		q->count--;
	}
	more = q->count > 0;
	pthread_mutex_unlock(&q->mutex);
	if (more)
		dp_uqueue_kick(q);
	return n;
}

uint64_t dp_uqueue_dropped(const struct dp_uqueue *q)
{
	return atomic_load_explicit(&q->dropped, memory_order_relaxed);
}
