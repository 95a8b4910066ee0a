/* test-dp-capture.c - unit tests for dpif/dp-capture: port and direction
 * filters, snaplen, ring wrap-around, loss counting when the ring is full,
 * the frame limit, and a producer thread racing the consumer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <pthread.h>

#include <urcu.h>

#include "dpif/dp-capture.h"
#include "dpif/dpif.h"
#include "lib/util.h"

struct seen {
	size_t n;
	struct dpcap_frame f[4096];
	uint8_t first_byte[4096];
	uint64_t next_seq; /* for the thread test */
	bool in_order;
};

static void collect(void *aux, const struct dpcap_frame *f)
{
	struct seen *s = aux;

	if (s->n < ARRAY_SIZE(s->f)) {
		s->f[s->n] = *f;
		s->first_byte[s->n] = f->cap_len ? f->data[0] : 0;
	}
	s->n++;
}

static uint8_t buf[PKT_MAX_LEN];

static struct pkt mkpkt(uint32_t len, uint8_t tag)
{
	struct pkt p = {.data = buf, .len = len};

	buf[0] = tag;
	return p;
}

static int setup(void **state)
{
	dpif_register_thread();
	return 0;
}

static void test_filter(void **state)
{
	struct dpcap *cap = dpcap_create(1);
	struct dpcap_tap_options o = {.snaplen = 100, .n_ifaces = 2};
	struct dpcap_tap *tap;
	struct seen *s = xzalloc(sizeof *s);
	struct pkt p = mkpkt(1500, 7);
	struct pkt *pp = &p;

	assert_false(dpcap_active(cap));
	assert_int_equal(dpcap_tap_create(cap, &o, &tap), 0);
	assert_int_equal(dpcap_tap_set_port(tap, 5, 0, DPCAP_RX), 0);
	assert_int_equal(dpcap_tap_set_port(tap, 9, 1, DPCAP_RX | DPCAP_TX), 0);
	assert_int_equal(dpcap_tap_set_port(tap, 9, 2, DPCAP_RX), -EINVAL);
	assert_int_equal(dpcap_tap_set_port(tap, DPIF_MAX_PORTS, 0, DPCAP_RX), -EINVAL);
	assert_int_equal(dpcap_tap_attach(cap, tap), 0);
	assert_true(dpcap_active(cap));

	rcu_read_lock();
	dpcap_rx(cap, 0, 5, &p, 1);  /* yes, iface 0 */
	dpcap_tx(cap, 0, 5, &pp, 1); /* no: rx only */
	dpcap_rx(cap, 0, 6, &p, 1);  /* no: not captured */
	dpcap_tx(cap, 0, 9, &pp, 1); /* yes, iface 1 */
	dpcap_rx(cap, 1, 9, &p, 1);  /* no such producer */
	rcu_read_unlock();

	assert_int_equal(dpcap_tap_read(tap, collect, s, 100), 2);
	assert_int_equal(s->f[0].iface, 0);
	assert_int_equal(s->f[0].dir, DPCAP_RX);
	assert_int_equal(s->f[0].cap_len, 100);
	assert_int_equal(s->f[0].orig_len, 1500);
	assert_int_equal(s->first_byte[0], 7);
	assert_true(s->f[0].ts_ns > 1600000000ull * 1000000000ull);
	assert_int_equal(s->f[1].iface, 1);
	assert_int_equal(s->f[1].dir, DPCAP_TX);
	assert_int_equal(dpcap_tap_lost_total(tap), 0);

	/* A removed port is forgotten. */
	dpcap_port_removed(cap, 9);
	rcu_read_lock();
	dpcap_rx(cap, 0, 9, &p, 1);
	rcu_read_unlock();
	assert_int_equal(dpcap_tap_read(tap, collect, s, 100), 0);

	dpcap_tap_detach(cap, tap);
	assert_false(dpcap_active(cap));
	dpcap_tap_destroy(tap);
	dpcap_destroy(cap);
	free(s);
}

static void test_loss_and_wrap(void **state)
{
	struct dpcap *cap = dpcap_create(1);
	/* Records of 24 + 100 -> 128 bytes: 32 fit in the smallest ring. */
	struct dpcap_tap_options o = {.snaplen = 100, .n_ifaces = 1, .ring_size = DPCAP_RING_MIN};
	struct dpcap_tap *tap;
	struct seen *s = xzalloc(sizeof *s);
	size_t total = 0;

	assert_int_equal(dpcap_tap_create(cap, &o, &tap), 0);
	assert_int_equal(dpcap_tap_set_port(tap, 1, 0, DPCAP_RX), 0);
	assert_int_equal(dpcap_tap_attach(cap, tap), 0);

	rcu_read_lock();
	for (int i = 0; i < 40; i++) {
		struct pkt p = mkpkt(200, (uint8_t)i);

		dpcap_rx(cap, 0, 1, &p, 1);
	}
	rcu_read_unlock();
	assert_int_equal(dpcap_tap_lost(tap, 0), 8);
	assert_int_equal(dpcap_tap_read(tap, collect, s, 1000), 32);
	for (int i = 0; i < 32; i++)
		assert_int_equal(s->first_byte[i], i);

	/* Odd sizes force padding at the end of the ring; everything read
	 * back in order. */
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(round % 7) + 1;

		s->n = 0;
		rcu_read_lock();
		for (size_t i = 0; i < n; i++) {
			struct pkt p =
			        mkpkt(13 + (uint32_t)(round * 17 % 80), (uint8_t)(round + i));

			dpcap_rx(cap, 0, 1, &p, 1);
		}
		rcu_read_unlock();
		assert_int_equal(dpcap_tap_read(tap, collect, s, 1000), n);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(s->first_byte[i], (uint8_t)(round + i));
			assert_int_equal(s->f[i].cap_len, 13 + (uint32_t)(round * 17 % 80));
		}
		total += n;
	}
	assert_true(total > 32 * 10);
	assert_int_equal(dpcap_tap_lost(tap, 0), 8);
	dpcap_tap_detach(cap, tap);
	dpcap_tap_destroy(tap);
	dpcap_destroy(cap);
	free(s);
}

static void test_limits(void **state)
{
	struct dpcap *cap = dpcap_create(1);
	struct dpcap_tap_options o = {.snaplen = 64, .n_ifaces = 1, .max_frames = 3};
	struct dpcap_tap *taps[DPCAP_MAX_TAPS + 1];
	struct seen *s = xzalloc(sizeof *s);
	struct pkt p = mkpkt(60, 1);

	assert_null(dpcap_create(0));
	assert_null(dpcap_create(DPCAP_MAX_PRODUCERS + 1));
	o.snaplen = 0;
	assert_int_equal(dpcap_tap_create(cap, &o, &taps[0]), -EINVAL);
	o.snaplen = 64;
	o.ring_size = 100;
	assert_int_equal(dpcap_tap_create(cap, &o, &taps[0]), -EINVAL);
	o.ring_size = DPCAP_RING_MIN;
	for (int i = 0; i <= DPCAP_MAX_TAPS; i++) {
		assert_int_equal(dpcap_tap_create(cap, &o, &taps[i]), 0);
		assert_int_equal(dpcap_tap_set_port(taps[i], 2, 0, DPCAP_TX), 0);
		assert_int_equal(dpcap_tap_attach(cap, taps[i]), i < DPCAP_MAX_TAPS ? 0 : -ENOSPC);
	}
	rcu_read_lock();
	for (int i = 0; i < 10; i++) {
		struct pkt *pp = &p;

		dpcap_tx(cap, 0, 2, &pp, 1);
	}
	rcu_read_unlock();
	/* Every attached tap got the first 3 frames; nothing counts as lost. */
	for (int i = 0; i < DPCAP_MAX_TAPS; i++) {
		s->n = 0;
		assert_int_equal(dpcap_tap_read(taps[i], collect, s, 100), 3);
		assert_int_equal(dpcap_tap_lost_total(taps[i]), 0);
	}
	assert_int_equal(dpcap_tap_read(taps[DPCAP_MAX_TAPS], collect, s, 100), 0);
	for (int i = 0; i <= DPCAP_MAX_TAPS; i++) {
		dpcap_tap_detach(cap, taps[i]);
		dpcap_tap_destroy(taps[i]);
	}
	dpcap_destroy(cap);
	free(s);
}

/* A producer thread writes numbered frames as fast as it can; the consumer
 * must see increasing numbers, and read + lost must equal written. */
struct race {
	struct dpcap *cap;
	atomic_bool done;
	uint64_t written;
};

static void *producer(void *r_)
{
	struct race *r = r_;

	rcu_register_thread();
	for (uint64_t i = 0; i < 200000; i++) {
		struct pkt p = {.data = (uint8_t *)&i, .len = sizeof i};

		rcu_read_lock();
		dpcap_rx(r->cap, 0, 3, &p, 1);
		rcu_read_unlock();
	}
	r->written = 200000;
	atomic_store(&r->done, true);
	rcu_unregister_thread();
	return NULL;
}

struct order {
	uint64_t n, last;
	bool ok;
};

static void check_order(void *aux, const struct dpcap_frame *f)
{
	struct order *o = aux;
	uint64_t v;

	memcpy(&v, f->data, sizeof v);
	if (o->n && v <= o->last)
		o->ok = false;
	o->last = v;
	o->n++;
}

static void test_race(void **state)
{
	struct race r = {.cap = dpcap_create(1)};
	struct dpcap_tap_options o = {.snaplen = 64, .n_ifaces = 1, .ring_size = 8192};
	struct order ord = {.ok = true};
	struct dpcap_tap *tap;
	pthread_t t;

	atomic_init(&r.done, false);
	assert_int_equal(dpcap_tap_create(r.cap, &o, &tap), 0);
	assert_int_equal(dpcap_tap_set_port(tap, 3, 0, DPCAP_RX), 0);
	assert_int_equal(dpcap_tap_attach(r.cap, tap), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
	while (!atomic_load(&r.done))
		dpcap_tap_read(tap, check_order, &ord, 64);
	pthread_join(t, NULL);
	dpcap_tap_detach(r.cap, tap);
	dpcap_tap_read(tap, check_order, &ord, SIZE_MAX);
	assert_true(ord.ok);
	assert_int_equal(ord.n + dpcap_tap_lost(tap, 0), r.written);
	dpcap_tap_destroy(tap);
	dpcap_destroy(r.cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_filter),
	        cmocka_unit_test(test_loss_and_wrap),
	        cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_race),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
