/* test-pcap-write.c - unit tests for lib/pcap-write: what is written is
 * parsed back here block by block (pcapng) or record by record (pcap) and
 * compared with what went in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/pcap-write.h"
#include "lib/util.h"

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* One parsed pcapng option. */
struct opt {
	uint16_t code, len;
	const uint8_t *val;
};

/* Parses the options in [p, end); checks the 32-bit padding and the end
 * marker.  Returns how many. */
static size_t parse_opts(const uint8_t *p, const uint8_t *end, struct opt *opts, size_t max)
{
	size_t n = 0;

	for (;;) {
		assert_true(p + 4 <= end);
		uint16_t code = rd16(p), len = rd16(p + 2);

		if (code == 0) {
			assert_int_equal(len, 0);
			assert_ptr_equal(p + 4, end);
			return n;
		}
		assert_true(p + 4 + ((len + 3u) & ~3u) <= end);
		assert_true(n < max);
		opts[n].code = code;
		opts[n].len = len;
		opts[n].val = p + 4;
		n++;
		p += 4 + ((len + 3u) & ~3u);
	}
}

static const struct opt *find_opt(const struct opt *opts, size_t n, uint16_t code)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i].code == code)
			return &opts[i];
	return NULL;
}

/* Checks one block's framing at 'p' and returns its type and body. */
static uint32_t block(const uint8_t *p, const uint8_t *end, const uint8_t **body,
                      const uint8_t **next)
{
	uint32_t total;

	assert_true(p + 12 <= end);
	total = rd32(p + 4);
	assert_int_equal(total % 4, 0);
	assert_true(total >= 12 && p + total <= end);
	assert_int_equal(rd32(p + total - 4), total);
	*body = p + 8;
	*next = p + total;
	return rd32(p);
}

static const uint8_t frame1[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0,
                                   0,    0,    1,    0x08, 0x06, 1,    2,    3};
static const uint8_t frame2[] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45};

static void test_pcapng_roundtrip(void **state)
{
	struct pcapw *w = pcapw_create(PCAPW_PCAPNG, 65535, "patchbay test");
	const uint8_t *p, *end, *body, *next;
	struct pcapw_stats st = {.start_ns = 1000000000123456789ull,
	                         .end_ns = 1000000001000000000ull,
	                         .received = 10,
	                         .dropped = 3,
	                         .os_dropped = 2,
	                         .delivered = 5,
	                         .comment = "lost 5"};
	struct opt opts[16];
	uint32_t i0, i1;
	size_t len, n;

	assert_non_null(w);
	assert_int_equal(pcapw_add_iface(w, "p1", &i0), 0);
	assert_int_equal(pcapw_add_iface(w, "veth-long-name", &i1), 0);
	assert_int_equal(i0, 0);
	assert_int_equal(i1, 1);
	assert_int_equal(pcapw_n_ifaces(w), 2);
	assert_int_equal(pcapw_packet(w, 1, 1700000000123456789ull, PCAPW_DIR_IN, frame1, 60, 60),
	                 0);
	assert_int_equal(pcapw_packet(w, 0, 1700000000987654321ull, PCAPW_DIR_OUT, frame2,
	                              sizeof frame2, 1514),
	                 0);
	assert_int_equal(pcapw_packet(w, 0, 5, PCAPW_DIR_UNKNOWN, frame2, 3, 3), 0);
	assert_int_equal(pcapw_stats(w, 0, &st), 0);

	p = pcapw_data(w, &len);
	end = p + len;

	/* SHB */
	assert_int_equal(block(p, end, &body, &next), PCAPNG_BT_SHB);
	assert_int_equal(rd32(body), PCAPNG_BYTE_ORDER);
	assert_int_equal(rd16(body + 4), 1);
	assert_int_equal(rd16(body + 6), 0);
	assert_int_equal(rd64(body + 8), UINT64_MAX);
	n = parse_opts(body + 16, next - 4, opts, 16);
	assert_int_equal(n, 1);
	assert_int_equal(opts[0].code, PCAPNG_SHB_USERAPPL);
	assert_memory_equal(opts[0].val, "patchbay test", 13);
	p = next;

	/* Two IDBs */
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "veth-long-name" : "p1";
		const struct opt *o;

		assert_int_equal(block(p, end, &body, &next), PCAPNG_BT_IDB);
		assert_int_equal(rd16(body), PCAP_LINKTYPE_ETHERNET);
		assert_int_equal(rd32(body + 4), 65535);
		n = parse_opts(body + 8, next - 4, opts, 16);
		o = find_opt(opts, n, PCAPNG_IF_NAME);
		assert_non_null(o);
		assert_int_equal(o->len, strlen(name));
		assert_memory_equal(o->val, name, strlen(name));
		o = find_opt(opts, n, PCAPNG_IF_TSRESOL);
		assert_non_null(o);
		assert_int_equal(o->len, 1);
		assert_int_equal(o->val[0], 9);
		p = next;
	}

	/* EPB 1: inbound on iface 1 */
	assert_int_equal(block(p, end, &body, &next), PCAPNG_BT_EPB);
	assert_int_equal(rd32(body), 1);
	assert_int_equal(((uint64_t)rd32(body + 4) << 32 | rd32(body + 8)), 1700000000123456789ull);
	assert_int_equal(rd32(body + 12), 60);
	assert_int_equal(rd32(body + 16), 60);
	assert_memory_equal(body + 20, frame1, 60);
	n = parse_opts(body + 20 + 60, next - 4, opts, 16);
	assert_int_equal(n, 1);
	assert_int_equal(opts[0].code, PCAPNG_EPB_FLAGS);
	assert_int_equal(rd32(opts[0].val), 1);
	p = next;

	/* EPB 2: outbound, cut (15 of 1514 bytes, padded to 16) */
	assert_int_equal(block(p, end, &body, &next), PCAPNG_BT_EPB);
	assert_int_equal(rd32(body), 0);
	assert_int_equal(rd32(body + 12), sizeof frame2);
	assert_int_equal(rd32(body + 16), 1514);
	assert_memory_equal(body + 20, frame2, sizeof frame2);
	assert_int_equal(body[20 + 15], 0);
	n = parse_opts(body + 20 + 16, next - 4, opts, 16);
	assert_int_equal(n, 1);
	assert_int_equal(rd32(opts[0].val), 2);
	p = next;

	/* EPB 3: no direction, no options at all */
	assert_int_equal(block(p, end, &body, &next), PCAPNG_BT_EPB);
	assert_int_equal(rd32(body + 8), 5);
	assert_ptr_equal(body + 20 + 4, next - 4);
	p = next;

	/* ISB */
	assert_int_equal(block(p, end, &body, &next), PCAPNG_BT_ISB);
	assert_int_equal(rd32(body), 0);
	assert_int_equal(((uint64_t)rd32(body + 4) << 32 | rd32(body + 8)), st.end_ns);
	n = parse_opts(body + 12, next - 4, opts, 16);
	assert_int_equal(n, 7);
	assert_memory_equal(find_opt(opts, n, PCAPNG_OPT_COMMENT)->val, "lost 5", 6);
	assert_int_equal(((uint64_t)rd32(find_opt(opts, n, PCAPNG_ISB_START)->val) << 32 |
	                  rd32(find_opt(opts, n, PCAPNG_ISB_START)->val + 4)),
	                 st.start_ns);
	assert_int_equal(rd64(find_opt(opts, n, PCAPNG_ISB_IFRECV)->val), 10);
	assert_int_equal(rd64(find_opt(opts, n, PCAPNG_ISB_IFDROP)->val), 3);
	assert_int_equal(rd64(find_opt(opts, n, PCAPNG_ISB_OSDROP)->val), 2);
	assert_int_equal(rd64(find_opt(opts, n, PCAPNG_ISB_USRDELIV)->val), 5);
	assert_ptr_equal(next, end);

	pcapw_destroy(w);
}

static void test_pcap_roundtrip(void **state)
{
	struct pcapw *w = pcapw_create(PCAPW_PCAP, 100, NULL);
	struct pcapw_stats st = {0};
	const uint8_t *p;
	uint32_t idx;
	size_t len;

	assert_non_null(w);
	assert_int_equal(pcapw_format(w), PCAPW_PCAP);
	assert_int_equal(pcapw_add_iface(w, "p1", &idx), 0);
	assert_int_equal(pcapw_add_iface(w, "p2", &idx), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(pcapw_packet(w, 1, 1700000000123456789ull, PCAPW_DIR_IN, frame1, 60, 60),
	                 0);
	assert_int_equal(pcapw_stats(w, 0, &st), 0); /* no-op in pcap */
	p = pcapw_data(w, &len);
	assert_int_equal(len, 24 + 16 + 60);
	assert_int_equal(rd32(p), PCAP_MAGIC_NSEC);
	assert_int_equal(rd16(p + 4), 2);
	assert_int_equal(rd16(p + 6), 4);
	assert_int_equal(rd32(p + 16), 100);
	assert_int_equal(rd32(p + 20), PCAP_LINKTYPE_ETHERNET);
	assert_int_equal(rd32(p + 24), 1700000000u);
	assert_int_equal(rd32(p + 28), 123456789u);
	assert_int_equal(rd32(p + 32), 60);
	assert_int_equal(rd32(p + 36), 60);
	assert_memory_equal(p + 40, frame1, 60);
	pcapw_destroy(w);
}

static void test_bad_args(void **state)
{
	struct pcapw *w;
	uint32_t idx;
	char long_name[300];

	assert_null(pcapw_create(PCAPW_PCAPNG, 0, NULL));
	assert_null(pcapw_create(PCAPW_PCAPNG, PCAPW_SNAPLEN_MAX + 1, NULL));
	assert_null(pcapw_create((enum pcapw_format)7, 100, NULL));
	w = pcapw_create(PCAPW_PCAPNG, 20, NULL);
	assert_non_null(w);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = 0;
	assert_int_equal(pcapw_add_iface(w, "", &idx), -EINVAL);
	assert_int_equal(pcapw_add_iface(w, NULL, &idx), -EINVAL);
	assert_int_equal(pcapw_add_iface(w, long_name, &idx), -EINVAL);
	/* No interface yet. */
	assert_int_equal(pcapw_packet(w, 0, 1, PCAPW_DIR_IN, frame1, 10, 10), -EINVAL);
	assert_int_equal(pcapw_add_iface(w, "p1", &idx), 0);
	assert_int_equal(pcapw_packet(w, 0, 1, PCAPW_DIR_IN, frame1, 21, 60),
	                 -EINVAL); /* > snaplen */
	assert_int_equal(pcapw_packet(w, 0, 1, PCAPW_DIR_IN, frame1, 20, 19), -EINVAL);
	assert_int_equal(pcapw_packet(w, 1, 1, PCAPW_DIR_IN, frame1, 20, 60), -EINVAL);
	assert_int_equal(pcapw_stats(w, 1, &(struct pcapw_stats){0}), -EINVAL);
	assert_int_equal(pcapw_packet(w, 0, 1, PCAPW_DIR_IN, frame1, 20, 60), 0);
	pcapw_destroy(w);
	pcapw_destroy(NULL);
}

/* Consuming in pieces while writing keeps the stream intact. */
static void test_consume(void **state)
{
	struct pcapw *w = pcapw_create(PCAPW_PCAP, 65535, NULL);
	uint8_t *all = NULL;
	size_t all_len = 0, len;
	const uint8_t *p;
	uint32_t idx;

	assert_int_equal(pcapw_add_iface(w, "p1", &idx), 0);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(pcapw_packet(w, 0, (uint64_t)i * 1000000000u + 7, PCAPW_DIR_IN,
		                              frame1, 60, 60),
		                 0);
		p = pcapw_data(w, &len);
		len = i % 3 ? len / 2 : len;
		all = xrealloc(all, all_len + len);
		memcpy(all + all_len, p, len);
		all_len += len;
		pcapw_consume(w, len);
	}
	p = pcapw_data(w, &len);
	all = xrealloc(all, all_len + len);
	memcpy(all + all_len, p, len);
	all_len += len;
	pcapw_consume(w, len);
	pcapw_data(w, &len);
	assert_int_equal(len, 0);
	assert_int_equal(all_len, 24 + 1000 * (16 + 60));
	for (int i = 0; i < 1000; i++) {
		const uint8_t *r = all + 24 + (size_t)i * 76;

		assert_int_equal(rd32(r), (uint32_t)i);
		assert_int_equal(rd32(r + 4), 7);
		assert_memory_equal(r + 16, frame1, 60);
	}
	free(all);
	pcapw_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pcapng_roundtrip),
	        cmocka_unit_test(test_pcap_roundtrip),
	        cmocka_unit_test(test_bad_args),
	        cmocka_unit_test(test_consume),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
