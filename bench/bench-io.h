/* bench-io.h - socket helpers shared by the bench programs (ofp-flowmod-blast.c,
 * ofp-pktin-count.c; the latter is also compiled alone by ofp-bench.sh, so this header stays
 * self-contained).  Header-only. */
#ifndef PB_BENCH_IO_H
#define PB_BENCH_IO_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Sends all 'n' bytes at 'p' on the blocking socket 'fd' (no SIGPIPE): 0 or -errno. */
static inline int bench_send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

#endif
