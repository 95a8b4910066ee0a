/* test-eth.c - unit tests for lib/eth: untagged, single and double tagged
 * frames, 802.3 lengths, and truncation at every length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/eth.h"

static const uint8_t dst_mac[6] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
static const uint8_t src_mac[6] = {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};

/* Builds dst, src, then 'n_words' big-endian 16-bit words, then 'payload'
 * bytes of 0xee.  Returns the length. */
static size_t build(uint8_t *buf, const uint16_t *words, size_t n_words, size_t payload)
{
	size_t ofs = 12;

	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	for (size_t i = 0; i < n_words; i++) {
		buf[ofs++] = (uint8_t)(words[i] >> 8);
		buf[ofs++] = (uint8_t)words[i];
	}
	memset(buf + ofs, 0xee, payload);
	return ofs + payload;
}

/* Parses every prefix of buf[0..len) from a fresh heap copy of exactly that
 * size (so ASan catches over-reads), expecting -EINVAL below 'min_len'. */
static void check_truncations(const uint8_t *buf, size_t len, size_t min_len)
{
	for (size_t l = 0; l <= len; l++) {
		uint8_t *copy = malloc(l ? l : 1);
		struct eth_info info;
		int r;

		memcpy(copy, buf, l);
		r = eth_parse(copy, l, &info);
		if (l < min_len)
			assert_int_equal(r, -EINVAL);
		else
			assert_int_equal(r, 0);
		free(copy);
	}
}

static void test_untagged(void **state)
{
	uint16_t w[] = {ETH_TYPE_IPV4};
	uint8_t buf[64];
	size_t len = build(buf, w, 1, 20);
	struct eth_info info;

	assert_int_equal(eth_parse(buf, len, &info), 0);
	assert_memory_equal(info.dst, dst_mac, 6);
	assert_memory_equal(info.src, src_mac, 6);
	assert_int_equal(info.n_vlans, 0);
	assert_int_equal(info.ethertype, ETH_TYPE_IPV4);
	assert_int_equal(info.l3_ofs, 14);
	check_truncations(buf, len, 14);
}

static void test_single_tag(void **state)
{
	/* pcp 5, dei 1, vid 100 */
	uint16_t w[] = {ETH_TYPE_VLAN, (5 << 13) | (1 << 12) | 100, ETH_TYPE_ARP};
	uint8_t buf[64];
	size_t len = build(buf, w, 3, 28);
	struct eth_info info;

	assert_int_equal(eth_parse(buf, len, &info), 0);
	assert_int_equal(info.n_vlans, 1);
	assert_int_equal(info.vlans[0].tpid, ETH_TYPE_VLAN);
	assert_int_equal(info.vlans[0].vid, 100);
	assert_int_equal(info.vlans[0].pcp, 5);
	assert_int_equal(info.vlans[0].dei, 1);
	assert_int_equal(info.ethertype, ETH_TYPE_ARP);
	assert_int_equal(info.l3_ofs, 18);
	check_truncations(buf, len, 18);
}

static void test_double_tag(void **state)
{
	uint16_t w[] = {ETH_TYPE_VLAN_8021AD, (7 << 13) | 4095, ETH_TYPE_VLAN, 1, ETH_TYPE_IPV6};
	uint8_t buf[80];
	size_t len = build(buf, w, 5, 40);
	struct eth_info info;

	assert_int_equal(eth_parse(buf, len, &info), 0);
	assert_int_equal(info.n_vlans, 2);
	assert_int_equal(info.vlans[0].tpid, ETH_TYPE_VLAN_8021AD);
	assert_int_equal(info.vlans[0].vid, 4095);
	assert_int_equal(info.vlans[0].pcp, 7);
	assert_int_equal(info.vlans[0].dei, 0);
	assert_int_equal(info.vlans[1].tpid, ETH_TYPE_VLAN);
	assert_int_equal(info.vlans[1].vid, 1);
	assert_int_equal(info.vlans[1].pcp, 0);
	assert_int_equal(info.ethertype, ETH_TYPE_IPV6);
	assert_int_equal(info.l3_ofs, 22);
	check_truncations(buf, len, 22);
}

/* A third tag is left unparsed: its TPID becomes the ethertype. */
static void test_triple_tag(void **state)
{
	uint16_t w[] = {ETH_TYPE_VLAN, 10, ETH_TYPE_VLAN, 20, ETH_TYPE_VLAN, 30, ETH_TYPE_IPV4};
	uint8_t buf[80];
	size_t len = build(buf, w, 7, 20);
	struct eth_info info;

	assert_int_equal(eth_parse(buf, len, &info), 0);
	assert_int_equal(info.n_vlans, 2);
	assert_int_equal(info.vlans[0].vid, 10);
	assert_int_equal(info.vlans[1].vid, 20);
	assert_int_equal(info.ethertype, ETH_TYPE_VLAN);
	assert_int_equal(info.l3_ofs, 22);
	check_truncations(buf, len, 22);
}

/* A tag header with no room for the inner type is truncated, even with the
 * TCI present. */
static void test_tag_without_inner_type(void **state)
{
	uint16_t w[] = {ETH_TYPE_VLAN, 42};
	uint8_t buf[32];
	size_t len = build(buf, w, 2, 0);
	struct eth_info info;

	assert_int_equal(len, 16);
	assert_int_equal(eth_parse(buf, len, &info), -EINVAL);
	assert_int_equal(eth_parse(buf, 17, &info), -EINVAL);
}

static void test_8023_length(void **state)
{
	uint16_t w[] = {46};
	uint8_t buf[64];
	size_t len = build(buf, w, 1, 46);
	struct eth_info info;

	assert_int_equal(eth_parse(buf, len, &info), 0);
	assert_int_equal(info.n_vlans, 0);
	assert_int_equal(info.ethertype, 46);
	assert_true(info.ethertype < ETH_TYPE_MIN);
	assert_int_equal(info.l3_ofs, 14);
}

static void test_addr_predicates(void **state)
{
	const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	const uint8_t ucast[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
	const uint8_t almost[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
	const uint8_t zero[6] = {0};

	assert_true(eth_addr_is_broadcast(bcast));
	assert_true(eth_addr_is_multicast(bcast));
	assert_true(eth_addr_is_multicast(mcast));
	assert_false(eth_addr_is_broadcast(mcast));
	assert_false(eth_addr_is_multicast(ucast));
	assert_false(eth_addr_is_broadcast(almost));
	assert_true(eth_addr_is_zero(zero));
	assert_false(eth_addr_is_zero(ucast));
	assert_true(eth_type_is_vlan(ETH_TYPE_VLAN));
	assert_true(eth_type_is_vlan(ETH_TYPE_VLAN_8021AD));
	assert_false(eth_type_is_vlan(ETH_TYPE_IPV4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_untagged),
	        cmocka_unit_test(test_single_tag),
	        cmocka_unit_test(test_double_tag),
	        cmocka_unit_test(test_triple_tag),
	        cmocka_unit_test(test_tag_without_inner_type),
	        cmocka_unit_test(test_8023_length),
	        cmocka_unit_test(test_addr_predicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
