/* watch.h - one file descriptor the daemon's epoll loop waits on.
 *
 * Every epoll registration's data.ptr points to a 'struct pbd_watch'
 * embedded in its owner; the loop calls 'cb' with the ready events.  A
 * callback may free its own owner (after EPOLL_CTL_DEL), but no other.
 * pbd_watch_send() is the output side of a non-blocking stream socket. */
#ifndef PB_WATCH_H
#define PB_WATCH_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct pbd_watch {
	void (*cb)(struct pbd_watch *w, uint32_t events);
};

/* Sends bytes '*off' to 'len' of 'buf' on the non-blocking socket 'fd' until
 * all are out or the socket is full, advancing '*off'.  0, or a negative
 * errno if the connection is broken (no SIGPIPE). */
static inline int pbd_watch_send(int fd, const char *buf, size_t len, size_t *off)
{
	while (*off < len) {
		ssize_t n = send(fd, buf + *off, len - *off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -errno;
		}
		*off += (size_t)n;
	}
	return 0;
}

#endif
