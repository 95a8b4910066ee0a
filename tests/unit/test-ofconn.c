/* test-ofconn.c - unit tests for src/ofagent/ofconn.c: the connection
 * state machine driven by a socketpair peer that speaks raw OpenFlow bytes
 * (HELLO negotiation with and without version bitmaps, ECHO, framing of
 * split and bad messages, keepalive, reconnect backoff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ofagent/ofconn.h"

struct fixture {
	int epfd;
	int peer; /* our end of the socketpair (blocking, with a timeout) */
	struct ofconn *c;
	int n_recv, n_up, n_down, n_batches;
	uint8_t last[256];
	size_t last_len;
};

static void on_recv(void *aux, struct ofconn *c, const uint8_t *msg, size_t len)
{
	struct fixture *f = aux;

	f->n_recv++;
	f->last_len = len < sizeof(f->last) ? len : sizeof(f->last);
	memcpy(f->last, msg, f->last_len);
}

static void on_batch_end(void *aux, struct ofconn *c)
{
	((struct fixture *)aux)->n_batches++;
}

static void on_changed(void *aux, struct ofconn *c, bool up)
{
	struct fixture *f = aux;

	if (up)
		f->n_up++;
	else
		f->n_down++;
}

static const struct ofconn_ops ops = {on_recv, on_batch_end, on_changed};

/* Runs the connection's epoll callbacks until nothing is ready. */
static void pump(struct fixture *f)
{
	for (int i = 0; i < 20; i++) {
		struct epoll_event ev[8];
		int n = epoll_wait(f->epfd, ev, 8, 20);

		if (n <= 0)
			return;
		for (int j = 0; j < n; j++) {
			struct ofconn_watch *w = ev[j].data.ptr;

			w->cb(w, ev[j].events);
		}
	}
}

static void peer_send(struct fixture *f, const void *p, size_t n)
{
	assert_int_equal(write(f->peer, p, n), (ssize_t)n);
	pump(f);
}

/* Reads one message from the connection; returns its length. */
static size_t peer_recv(struct fixture *f, uint8_t *buf, size_t size)
{
	struct pollfd pfd = {.fd = f->peer, .events = POLLIN};
	size_t got = 0, want = 8;

	while (got < want) {
		ssize_t n;

		pump(f);
		assert_int_equal(poll(&pfd, 1, 1000), 1);
		n = read(f->peer, buf + got, want - got);
		assert_true(n > 0);
		got += (size_t)n;
		if (got == 8) {
			want = ntohs(*(uint16_t *)(buf + 2));
			assert_true(want >= 8 && want <= size);
		}
	}
	return got;
}

static bool peer_closed(struct fixture *f)
{
	struct pollfd pfd = {.fd = f->peer, .events = POLLIN};
	uint8_t b;

	pump(f);
	return poll(&pfd, 1, 1000) == 1 && read(f->peer, &b, 1) == 0;
}

static void hdr(uint8_t *p, uint8_t version, uint8_t type, uint16_t len, uint32_t xid)
{
	p[0] = version;
	p[1] = type;
	*(uint16_t *)(p + 2) = htons(len);
	*(uint32_t *)(p + 4) = htonl(xid);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	f->peer = sv[1]; /* non-blocking: poll() guards every read */
	f->epfd = epoll_create1(0);
	f->c = ofconn_create_service(sv[0], "test-peer", f->epfd, &ops, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ofconn_destroy(f->c);
	close(f->peer);
	close(f->epfd);
	free(f);
	return 0;
}

/* Reads the switch's HELLO: version 4 with a bitmap offering only 1.3. */
static void expect_hello(struct fixture *f)
{
	uint8_t buf[64];
	size_t n = peer_recv(f, buf, sizeof(buf));

	assert_int_equal(n, 16);
	assert_int_equal(buf[0], 4);
	assert_int_equal(buf[1], 0);
	assert_int_equal(ntohs(*(uint16_t *)(buf + 8)), 1); /* VERSIONBITMAP */
	assert_int_equal(ntohs(*(uint16_t *)(buf + 10)), 8);
	assert_int_equal(ntohl(*(uint32_t *)(buf + 12)), 1u << 4);
}

static void make_up(struct fixture *f)
{
	uint8_t hello[8];

	expect_hello(f);
	hdr(hello, 4, 0, 8, 1);
	peer_send(f, hello, sizeof(hello));
	assert_true(ofconn_is_up(f->c));
	assert_int_equal(f->n_up, 1);
}

static void test_hello_plain(void **state)
{
	struct fixture *f = *state;

	assert_false(ofconn_is_up(f->c));
	assert_string_equal(ofconn_state_name(f->c), "connecting");
	make_up(f);
	assert_int_equal(ofconn_version(f->c), 4);
	assert_string_equal(ofconn_state_name(f->c), "connected");
	/* Service connections start without asynchronous messages. */
	assert_int_equal(ofconn_miss_send_len(f->c), 0);
	assert_false(ofconn_wants_async(f->c, OFCONN_ASYNC_PACKET_IN, 0));
	ofconn_set_config(f->c, 0, 128);
	assert_true(ofconn_wants_async(f->c, OFCONN_ASYNC_PACKET_IN, 0));
	assert_false(ofconn_wants_async(f->c, OFCONN_ASYNC_PACKET_IN, 2));
	ofconn_set_role(f->c, OFCONN_ROLE_SLAVE);
	assert_false(ofconn_wants_async(f->c, OFCONN_ASYNC_PACKET_IN, 0));
	assert_true(ofconn_wants_async(f->c, OFCONN_ASYNC_PORT_STATUS, 2));
	assert_false(ofconn_wants_async(f->c, OFCONN_ASYNC_FLOW_REMOVED, 0));
}

/* A newer peer offering 1.0, 1.3 and 1.5 in its bitmap gets 1.3. */
static void test_hello_bitmap(void **state)
{
	struct fixture *f = *state;
	uint8_t hello[16];

	expect_hello(f);
	hdr(hello, 6, 0, 16, 9);
	*(uint16_t *)(hello + 8) = htons(1);
	*(uint16_t *)(hello + 10) = htons(8);
	*(uint32_t *)(hello + 12) = htonl((1u << 1) | (1u << 4) | (1u << 6));
	peer_send(f, hello, sizeof(hello));
	assert_true(ofconn_is_up(f->c));
}

/* OpenFlow 1.0 only: HELLO_FAILED/INCOMPATIBLE, then closed. */
static void test_hello_incompatible(void **state)
{
	struct fixture *f = *state;
	uint8_t hello[8], buf[512];
	size_t n;

	expect_hello(f);
	hdr(hello, 1, 0, 8, 5);
	peer_send(f, hello, sizeof(hello));
	n = peer_recv(f, buf, sizeof(buf));
	assert_true(n > 12);
	assert_int_equal(buf[1], 1); /* ERROR */
	assert_int_equal(ntohl(*(uint32_t *)(buf + 4)), 5);
	assert_int_equal(ntohs(*(uint16_t *)(buf + 8)), 0);  /* HELLO_FAILED */
	assert_int_equal(ntohs(*(uint16_t *)(buf + 10)), 0); /* INCOMPATIBLE */
	assert_true(peer_closed(f));
	assert_true(ofconn_is_dead(f->c));
	assert_non_null(strstr(ofconn_last_error(f->c), "version negotiation failed"));
	assert_int_equal(f->n_up, 0);
}

/* A bitmap without 1.3 fails too, whatever the header version. */
static void test_hello_bitmap_without_13(void **state)
{
	struct fixture *f = *state;
	uint8_t hello[16], buf[512];

	expect_hello(f);
	hdr(hello, 5, 0, 16, 1);
	*(uint16_t *)(hello + 8) = htons(1);
	*(uint16_t *)(hello + 10) = htons(8);
	*(uint32_t *)(hello + 12) = htonl((1u << 1) | (1u << 5));
	peer_send(f, hello, sizeof(hello));
	peer_recv(f, buf, sizeof(buf));
	assert_int_equal(buf[1], 1);
	assert_true(ofconn_is_dead(f->c));
}

static void test_not_hello_first(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[8], buf[512];

	expect_hello(f);
	hdr(msg, 4, 5, 8, 3); /* FEATURES_REQUEST */
	peer_send(f, msg, sizeof(msg));
	peer_recv(f, buf, sizeof(buf));
	assert_int_equal(buf[1], 1);
	assert_int_equal(ntohs(*(uint16_t *)(buf + 8)), 0);
	assert_true(ofconn_is_dead(f->c));
	assert_int_equal(f->n_recv, 0);
}

static void test_echo(void **state)
{
	struct fixture *f = *state;
	uint8_t req[11], buf[64];

	make_up(f);
	hdr(req, 4, 2, sizeof(req), 77);
	memcpy(req + 8, "abc", 3);
	peer_send(f, req, sizeof(req));
	assert_int_equal(peer_recv(f, buf, sizeof(buf)), sizeof(req));
	assert_int_equal(buf[1], 3);
	assert_int_equal(ntohl(*(uint32_t *)(buf + 4)), 77);
	assert_memory_equal(buf + 8, "abc", 3);
	assert_int_equal(f->n_recv, 0);
}

/* Corked sends only queue; uncork writes them all, in order, at once. */
static void test_cork(void **state)
{
	struct fixture *f = *state;
	struct pollfd pfd = {.fd = f->peer, .events = POLLIN};
	uint8_t buf[64];

	make_up(f);
	ofconn_cork(f->c);
	for (uint32_t xid = 1; xid <= 3; xid++) {
		struct ofpbuf b;

		ofpbuf_init(&b, 8);
		hdr(ofpbuf_put_zeros(&b, 8), 4, 10, 8, xid);
		assert_int_equal(ofconn_send(f->c, &b, true), 0);
	}
	assert_int_equal(ofconn_tx_queued(f->c), 24);
	assert_int_equal(poll(&pfd, 1, 0), 0);
	ofconn_uncork(f->c);
	assert_int_equal(ofconn_tx_queued(f->c), 0);
	assert_int_equal(read(f->peer, buf, sizeof(buf)), 24);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(ntohl(*(uint32_t *)(buf + 8 * i + 4)), i + 1);
	/* Uncorked again: a send goes out at once. */
	{
		struct ofpbuf b;

		ofpbuf_init(&b, 8);
		hdr(ofpbuf_put_zeros(&b, 8), 4, 10, 8, 9);
		assert_int_equal(ofconn_send(f->c, &b, true), 0);
		assert_int_equal(ofconn_tx_queued(f->c), 0);
	}
}

/* A message split over several writes arrives once, whole; two in one
 * write arrive as two in one batch. */
static void test_framing(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[24];

	make_up(f);
	hdr(msg, 4, 14, 24, 8);
	memset(msg + 8, 0xab, 16);
	peer_send(f, msg, 5);
	assert_int_equal(f->n_recv, 0);
	peer_send(f, msg + 5, 10);
	assert_int_equal(f->n_recv, 0);
	peer_send(f, msg + 15, 9);
	assert_int_equal(f->n_recv, 1);
	assert_int_equal(f->last_len, 24);
	assert_memory_equal(f->last, msg, 24);

	{
		uint8_t two[16];

		hdr(two, 4, 20, 8, 1);
		hdr(two + 8, 4, 20, 8, 2);
		f->n_batches = 0;
		peer_send(f, two, sizeof(two));
		assert_int_equal(f->n_recv, 3);
		assert_int_equal(f->n_batches, 1);
	}
}

static void test_bad_length(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[8], buf[128];

	make_up(f);
	hdr(msg, 4, 14, 4, 42);
	peer_send(f, msg, sizeof(msg));
	assert_int_equal(peer_recv(f, buf, sizeof(buf)), 12 + 8);
	assert_int_equal(buf[1], 1);
	assert_int_equal(ntohl(*(uint32_t *)(buf + 4)), 42);
	assert_int_equal(ntohs(*(uint16_t *)(buf + 8)), 1);  /* BAD_REQUEST */
	assert_int_equal(ntohs(*(uint16_t *)(buf + 10)), 6); /* BAD_LEN */
	assert_true(peer_closed(f));
	assert_true(ofconn_is_dead(f->c));
	assert_int_equal(f->n_down, 1);
}

static void test_bad_version(void **state)
{
	struct fixture *f = *state;
	uint8_t msg[8], buf[128];

	make_up(f);
	hdr(msg, 1, 5, 8, 11);
	peer_send(f, msg, sizeof(msg));
	peer_recv(f, buf, sizeof(buf));
	assert_int_equal(ntohs(*(uint16_t *)(buf + 8)), 1);  /* BAD_REQUEST */
	assert_int_equal(ntohs(*(uint16_t *)(buf + 10)), 0); /* BAD_VERSION */
	assert_true(ofconn_is_up(f->c));
	assert_int_equal(f->n_recv, 0);
}

static void test_keepalive(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[64];
	uint64_t now;

	make_up(f);
	now = time_msec();
	ofconn_run(f->c, now + 1000);
	ofconn_run(f->c, now + OFCONN_PROBE_MSEC + 10);
	assert_int_equal(peer_recv(f, buf, sizeof(buf)), 8);
	assert_int_equal(buf[1], 2); /* ECHO_REQUEST */
	assert_true(ofconn_is_up(f->c));
	ofconn_run(f->c, now + 2 * OFCONN_PROBE_MSEC + 20);
	assert_true(ofconn_is_dead(f->c));
	assert_non_null(strstr(ofconn_last_error(f->c), "inactivity probe"));
}

/* A controller that is not there: backoff 1 s, 2 s, 4 s, 8 s, 8 s. */
static void test_active_backoff(void **state)
{
	struct fixture *f = *state;
	struct ofstream_target t;
	struct ofconn *c;
	uint64_t now;
	unsigned int expect[] = {1000, 2000, 4000, 8000, 8000};

	assert_int_equal(
	        ofstream_parse("unix:/nonexistent-pb-test/c.sock", OFSTREAM_ACTIVE, &t, NULL), 0);
	c = ofconn_create_active(&t, f->epfd, &ops, f);
	assert_int_equal(ofconn_state(c), OFCONN_BACKOFF);
	assert_string_equal(ofconn_state_name(c), "backoff");
	assert_non_null(strstr(ofconn_last_error(c), "connection failed"));
	assert_int_equal(ofconn_backoff_ms(c), expect[0]);
	for (size_t i = 1; i < ARRAY_SIZE(expect); i++) {
		now = time_msec();
		ofconn_run(c, now + expect[i - 1] / 2); /* not yet */
		assert_int_equal(ofconn_backoff_ms(c), expect[i - 1]);
		ofconn_run(c, now + expect[i - 1] + 5); /* tries again, fails, waits longer */
		assert_int_equal(ofconn_state(c), OFCONN_BACKOFF);
		assert_int_equal(ofconn_backoff_ms(c), expect[i]);
	}
	assert_false(ofconn_is_dead(c));
	ofconn_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_hello_plain, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hello_bitmap, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hello_incompatible, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hello_bitmap_without_13, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_not_hello_first, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_echo, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_cork, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_framing, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_length, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_bad_version, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_keepalive, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_active_backoff, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
