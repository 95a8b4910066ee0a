/* dp-uqueue.h - the bounded queue of userspace-action packets between the
 * datapath threads and the slow path (behind dpif_userspace_*(), dpif.h).
 *
 * Threads: push from any datapath thread (a short mutex section: a pointer
 * store, never a wait for the consumer; a full queue drops); enable, recv
 * and the descriptor from the control thread. */
#ifndef PB_DP_UQUEUE_H
#define PB_DP_UQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpif/dpif.h"
#include "lib/flow.h"
#include "lib/packet.h"

struct dp_uqueue;

/* NULL if the eventfd cannot be created. */
struct dp_uqueue *dp_uqueue_create(void);
/* Frees the queued packets too.  NULL is fine. */
void dp_uqueue_destroy(struct dp_uqueue *q);

void dp_uqueue_enable(struct dp_uqueue *q, bool enable);
bool dp_uqueue_enabled(const struct dp_uqueue *q);
int dp_uqueue_fd(const struct dp_uqueue *q);
/* Copies 'pkt' and 'flow' into the queue.  Returns false if the queue is
 * disabled (nothing done) or full (dropped and counted). */
bool dp_uqueue_push(struct dp_uqueue *q, uint64_t cookie, const struct flow *flow,
                    const struct pkt *pkt);
size_t dp_uqueue_recv(struct dp_uqueue *q, struct dpif_userspace_packet **pkts, size_t max);
uint64_t dp_uqueue_dropped(const struct dp_uqueue *q);

#endif
