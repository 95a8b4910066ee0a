/* ofp-pktin-count.c - a minimal OpenFlow 1.3 controller for bench/ofp-bench.sh: it listens
 * on 127.0.0.1:PORT, takes one switch connection, sends HELLO and FEATURES_REQUEST, answers
 * ECHO_REQUEST, and counts
 * PACKET_IN messages.  Once the first PACKET_IN arrives it waits WARM seconds, then counts
 * for DUR seconds and prints "PACKET_INs per second" and the totals on one line:
 *
 *     ofp-pktin-count PORT WARM DUR   ->   "rate 123456 count 1234560 secs 10.00"
 *
 * Exits 1 (with a message) if no switch connects or no PACKET_IN arrives within 30 s. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench-io.h"

#define OFPT_HELLO         0
#define OFPT_ECHO_REQUEST  2
#define OFPT_ECHO_REPLY    3
#define OFPT_PACKET_IN     10
#define BUF_SIZE           (1u << 20)
#define FIRST_WAIT_SECONDS 30.0

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int accept_one(int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, lfd, fd;
	struct pollfd pfd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 4)) {
		perror("ofp-pktin-count: listen");
		exit(1);
	}
	printf("listening\n");
	fflush(stdout);
	pfd = (struct pollfd){.fd = lfd, .events = POLLIN};
	if (poll(&pfd, 1, (int)(FIRST_WAIT_SECONDS * 1000)) != 1) {
		fprintf(stderr, "ofp-pktin-count: no switch connected within %.0f s\n",
		        FIRST_WAIT_SECONDS);
		exit(1);
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		perror("ofp-pktin-count: accept");
		exit(1);
	}
	close(lfd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

int main(int argc, char **argv)
{
	static uint8_t buf[BUF_SIZE];
	/* HELLO, then FEATURES_REQUEST: Open vSwitch sends nothing asynchronous to a controller
	 * before its first OpenFlow request */
	const uint8_t hello[16] = {4, OFPT_HELLO, 0, 8, 0, 0, 0, 1, 4, 5, 0, 8, 0, 0, 0, 2};
	double warm, dur, t_first = 0, t_start = 0, t_end = 0, start_wait;
	uint64_t count = 0, count_start = 0;
	size_t have = 0;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: ofp-pktin-count PORT WARM_SECONDS SECONDS\n");
		return 2;
	}
	warm = atof(argv[2]);
	dur = atof(argv[3]);
	fd = accept_one(atoi(argv[1]));
	if (bench_send_all(fd, hello, sizeof(hello))) {
		perror("ofp-pktin-count: send");
		return 1;
	}
	start_wait = now();
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		double t = now();
		size_t off = 0;
		ssize_t r;

		if (!t_first && t - start_wait > FIRST_WAIT_SECONDS) {
			fprintf(stderr, "ofp-pktin-count: no PACKET_IN within %.0f s\n",
			        FIRST_WAIT_SECONDS);
			return 1;
		}
		if (t_first && !t_start && t >= t_first + warm) {
			t_start = t;
			count_start = count;
		}
		if (t_start && t >= t_start + dur) {
			t_end = t;
			break;
		}
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		r = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (r <= 0) {
			fprintf(stderr, "ofp-pktin-count: the switch closed the connection\n");
			return 1;
		}
		have += (size_t)r;
		while (have - off >= 8) {
			uint8_t *m = buf + off;
			size_t len = (size_t)m[2] << 8 | m[3];

			if (len < 8) {
				fprintf(stderr, "ofp-pktin-count: bad message length %zu\n", len);
				return 1;
			}
			if (have - off < len)
				break;
			if (m[1] == OFPT_PACKET_IN) {
				count++;
				if (!t_first)
					t_first = now();
			} else if (m[1] == OFPT_ECHO_REQUEST) {
				m[1] = OFPT_ECHO_REPLY;
				if (bench_send_all(fd, m, len))
					return 1;
			}
			off += len;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	printf("rate %.0f count %llu secs %.2f\n",
	       (double)(count - count_start) / (t_end - t_start),
	       (unsigned long long)(count - count_start), t_end - t_start);
	close(fd);
	return 0;
}
