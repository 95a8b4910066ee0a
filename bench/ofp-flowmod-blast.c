/* ofp-flowmod-blast.c - the pipelined flow-mod client of bench/ofp-bench.sh.  ovs-ofctl
 * add-flows waits for a BARRIER reply after every FLOW_MOD (one round trip per rule); this
 * client instead encodes every rule of an ovs-ofctl flow file (Patchbay's parser and
 * encoder, OpenFlow 1.3 OXM), connects to tcp:127.0.0.1:PORT, sends all the FLOW_MODs back
 * to back and one BARRIER_REQUEST, and times first byte sent -> BARRIER_REPLY received:
 *
 *     ofp-flowmod-blast PORT FILE   ->   "rate 123456 flows 100000 secs 0.81 errors 0"
 *
 * ERROR replies are counted (and make the exit status 1). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-msgs.h"

#include "bench-io.h"

#define BARRIER_XID 0xba77e7u

/* Reads the whole flow file into one buffer of FLOW_MOD (ADD) messages. */
static size_t encode_file(const char *path, struct ofpbuf *out)
{
	char line[4096];
	struct ofpbuf msg;
	size_t n = 0, lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		exit(2);
	}
	ofpbuf_init(&msg, 256);
	while (fgets(line, sizeof line, f)) {
		struct flow_text_mod fm;
		struct errmsg err;
		char *s = line;

		lineno++;
		s[strcspn(s, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (flow_text_parse(s, FLOW_TEXT_ADD, NULL, &fm, &err)) {
			fprintf(stderr, "%s:%zu: %s\n", path, lineno, err.msg);
			exit(2);
		}
		ofpmsg_encode_flow_mod(&msg, (uint32_t)n + 1, FLOW_TEXT_ADD, false, &fm);
		ofpbuf_put(out, msg.data, msg.size);
		flow_text_mod_uninit(&fm);
		n++;
	}
	fclose(f);
	ofpbuf_uninit(&msg);
	return n;
}

/* Reads messages until the BARRIER_REPLY; counts ERRORs.  -1 if the peer closes. */
static int wait_barrier(int fd, unsigned *errors)
{
	static uint8_t buf[1 << 16];
	size_t have = 0;

	for (;;) {
		ssize_t r = recv(fd, buf + have, sizeof buf - have, 0);
		size_t off = 0;

		if (r <= 0)
			return -1;
		have += (size_t)r;
		while (have - off >= 8) {
			const uint8_t *m = buf + off;
			size_t len = (size_t)m[2] << 8 | m[3];

			if (len < 8)
				return -1;
			if (have - off < len)
				break;
			if (m[1] == OFPT_ERROR)
				(*errors)++;
			if (m[1] == OFPT_BARRIER_REPLY)
				return 0;
			off += len;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct ofpbuf flows, msg;
	unsigned errors = 0;
	uint64_t t0, t1;
	size_t n;
	int fd, one = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: ofp-flowmod-blast PORT FLOW_FILE\n");
		return 2;
	}
	ofpbuf_init(&flows, 1 << 20);
	n = encode_file(argv[2], &flows);
	sin.sin_port = htons((uint16_t)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin)) {
		perror("ofp-flowmod-blast: connect");
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	ofpbuf_init(&msg, 64);
	ofpmsg_encode_hello(&msg, 0);
	if (bench_send_all(fd, msg.data, msg.size))
		return 1;
	/* a first barrier: the switch has answered HELLO and is ready */
	ofpmsg_encode_empty(&msg, OFPT_BARRIER_REQUEST, BARRIER_XID);
	if (bench_send_all(fd, msg.data, msg.size) || wait_barrier(fd, &errors)) {
		fprintf(stderr, "ofp-flowmod-blast: no BARRIER_REPLY after HELLO\n");
		return 1;
	}
	t0 = time_ns();
	if (bench_send_all(fd, flows.data, flows.size) || bench_send_all(fd, msg.data, msg.size) ||
	    wait_barrier(fd, &errors)) {
		fprintf(stderr, "ofp-flowmod-blast: the switch closed the connection\n");
		return 1;
	}
	t1 = time_ns();
	printf("rate %.0f flows %zu secs %.3f errors %u\n", (double)n * 1e9 / (double)(t1 - t0), n,
	       (double)(t1 - t0) / 1e9, errors);
	close(fd);
	ofpbuf_uninit(&msg);
	ofpbuf_uninit(&flows);
	return errors ? 1 : 0;
}
