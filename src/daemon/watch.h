/* watch.h - one file descriptor the daemon's epoll loop waits on.
 *
 * Every epoll registration's data.ptr points to a 'struct pbd_watch'
 * embedded in its owner; the loop calls 'cb' with the ready events.  A
 * callback may free its own owner (after EPOLL_CTL_DEL), but no other. */
#ifndef PB_WATCH_H
#define PB_WATCH_H

#include <stdint.h>

struct pbd_watch {
	void (*cb)(struct pbd_watch *w, uint32_t events);
};

#endif
