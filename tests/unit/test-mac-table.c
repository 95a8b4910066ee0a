/* test-mac-table.c - unit tests for lib/mac-table: learning, refresh, MAC
 * moves, aging, eviction of the least recently seen entry, resize, flushes
 * and the ordered dump. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/mac-table.h"

static void mac_n(uint32_t n, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static uint32_t lookup_n(const struct mac_table *t, uint16_t vlan, uint32_t n)
{
	uint8_t mac[6];

	mac_n(n, mac);
	return mac_table_lookup(t, vlan, mac);
}

static enum mac_learn_result learn_n(struct mac_table *t, uint16_t vlan, uint32_t n, uint32_t port,
                                     uint64_t now)
{
	uint8_t mac[6];

	mac_n(n, mac);
	return mac_table_learn(t, vlan, mac, port, now);
}

static void test_learn_lookup(void **state)
{
	struct mac_table *t = mac_table_create(16);

	assert_int_equal(lookup_n(t, 0, 1), MAC_TABLE_PORT_NONE);
	assert_int_equal(learn_n(t, 0, 1, 7, 100), MAC_LEARN_NEW);
	assert_int_equal(lookup_n(t, 0, 1), 7);
	/* Same MAC on another VLAN is a different entry. */
	assert_int_equal(lookup_n(t, 5, 1), MAC_TABLE_PORT_NONE);
	assert_int_equal(learn_n(t, 5, 1, 8, 100), MAC_LEARN_NEW);
	assert_int_equal(lookup_n(t, 5, 1), 8);
	assert_int_equal(lookup_n(t, 0, 1), 7);
	assert_int_equal(learn_n(t, 0, 1, 7, 200), MAC_LEARN_REFRESHED);
	assert_int_equal(mac_table_count(t), 2);
	mac_table_destroy(t);
	mac_table_destroy(NULL);
}

static void test_move(void **state)
{
	struct mac_table *t = mac_table_create(16);

	learn_n(t, 0, 1, 1, 10);
	assert_int_equal(learn_n(t, 0, 1, 2, 20), MAC_LEARN_MOVED);
	assert_int_equal(lookup_n(t, 0, 1), 2);
	assert_int_equal(learn_n(t, 0, 1, 2, 30), MAC_LEARN_REFRESHED);
	assert_int_equal(mac_table_count(t), 1);
	mac_table_destroy(t);
}

static void test_aging(void **state)
{
	struct mac_table *t = mac_table_create(16);

	learn_n(t, 0, 1, 1, 0);
	learn_n(t, 0, 2, 1, 100);
	learn_n(t, 0, 3, 1, 200);
	/* Refreshing 1 at 250 makes it the newest. */
	learn_n(t, 0, 1, 1, 250);

	assert_int_equal(mac_table_expire(t, 399, 300), 0);
	assert_int_equal(mac_table_expire(t, 400, 300), 1); /* 2 is exactly 300 old */
	assert_int_equal(lookup_n(t, 0, 2), MAC_TABLE_PORT_NONE);
	assert_int_equal(lookup_n(t, 0, 3), 1);
	assert_int_equal(mac_table_expire(t, 549, 300), 1); /* 3 */
	assert_int_equal(lookup_n(t, 0, 1), 1);
	assert_int_equal(mac_table_expire(t, 550, 300), 1); /* 1 */
	assert_int_equal(mac_table_count(t), 0);
	assert_int_equal(mac_table_expire(t, 10000, 300), 0);
	mac_table_destroy(t);
}

static void test_evict_oldest(void **state)
{
	struct mac_table *t = mac_table_create(4);

	for (uint32_t i = 1; i <= 4; i++)
		learn_n(t, 0, i, i, i);
	/* Refresh 1, so 2 is now the least recently seen. */
	learn_n(t, 0, 1, 1, 10);
	assert_int_equal(learn_n(t, 0, 5, 5, 11), MAC_LEARN_NEW);
	assert_int_equal(mac_table_count(t), 4);
	assert_int_equal(lookup_n(t, 0, 2), MAC_TABLE_PORT_NONE);
	assert_int_equal(lookup_n(t, 0, 1), 1);
	assert_int_equal(lookup_n(t, 0, 3), 3);
	assert_int_equal(lookup_n(t, 0, 5), 5);
	/* Next eviction takes 3, then 4. */
	learn_n(t, 0, 6, 6, 12);
	assert_int_equal(lookup_n(t, 0, 3), MAC_TABLE_PORT_NONE);
	learn_n(t, 0, 7, 7, 13);
	assert_int_equal(lookup_n(t, 0, 4), MAC_TABLE_PORT_NONE);
	assert_int_equal(lookup_n(t, 0, 1), 1);
	mac_table_destroy(t);
}

static void test_resize(void **state)
{
	struct mac_table *t = mac_table_create(10);

	for (uint32_t i = 0; i < 10; i++)
		learn_n(t, 0, i, 1, i);
	assert_int_equal(mac_table_set_max(t, 3), 7);
	assert_int_equal(mac_table_get_max(t), 3);
	assert_int_equal(mac_table_count(t), 3);
	for (uint32_t i = 0; i < 7; i++)
		assert_int_equal(lookup_n(t, 0, i), MAC_TABLE_PORT_NONE);
	for (uint32_t i = 7; i < 10; i++)
		assert_int_equal(lookup_n(t, 0, i), 1);
	/* Growing keeps everything and allows more. */
	assert_int_equal(mac_table_set_max(t, 5), 0);
	learn_n(t, 0, 100, 2, 20);
	learn_n(t, 0, 101, 2, 21);
	assert_int_equal(mac_table_count(t), 5);
	assert_int_equal(lookup_n(t, 0, 7), 1);
	mac_table_destroy(t);
}

static void test_flush(void **state)
{
	struct mac_table *t = mac_table_create(100);

	for (uint32_t i = 0; i < 30; i++)
		learn_n(t, 0, i, i % 3, i);
	assert_int_equal(mac_table_flush_port(t, 1), 10);
	assert_int_equal(mac_table_count(t), 20);
	for (uint32_t i = 0; i < 30; i++)
		assert_int_equal(lookup_n(t, 0, i), i % 3 == 1 ? MAC_TABLE_PORT_NONE : i % 3);
	assert_int_equal(mac_table_flush_port(t, 1), 0);
	assert_int_equal(mac_table_flush(t), 20);
	assert_int_equal(mac_table_count(t), 0);
	assert_int_equal(lookup_n(t, 0, 0), MAC_TABLE_PORT_NONE);
	/* Usable again after a flush (entries come from the free list). */
	assert_int_equal(learn_n(t, 0, 0, 4, 50), MAC_LEARN_NEW);
	assert_int_equal(lookup_n(t, 0, 0), 4);
	mac_table_destroy(t);
}

static void test_dump_order(void **state)
{
	struct mac_table *t = mac_table_create(100);
	struct mac_table_entry_info *e;
	size_t n;

	learn_n(t, 20, 5, 1, 1);
	learn_n(t, 0, 9, 2, 2);
	learn_n(t, 20, 3, 3, 3);
	learn_n(t, 0, 1, 4, 4);
	learn_n(t, 20, 5, 1, 5); /* refresh: now the most recent */
	mac_table_dump(t, &e, &n);
	assert_int_equal(n, 4);
	/* Unsorted dumps come least recently seen first. */
	assert_int_equal(e[0].mac[5], 9);
	assert_int_equal(e[0].vlan, 0);
	assert_int_equal(e[3].mac[5], 5);
	assert_int_equal(e[3].last_seen, 5);
	mac_table_dump_sort(e, n);
	assert_int_equal(e[0].vlan, 0);
	assert_int_equal(e[0].mac[5], 1);
	assert_int_equal(e[0].port, 4);
	assert_int_equal(e[0].last_seen, 4);
	assert_int_equal(e[1].vlan, 0);
	assert_int_equal(e[1].mac[5], 9);
	assert_int_equal(e[2].vlan, 20);
	assert_int_equal(e[2].mac[5], 3);
	assert_int_equal(e[3].vlan, 20);
	assert_int_equal(e[3].mac[5], 5);
	assert_int_equal(e[3].mac[0], 0x02);
	free(e);

	mac_table_flush(t);
	mac_table_dump(t, &e, &n);
	assert_int_equal(n, 0);
	free(e);
	mac_table_destroy(t);
}

/* Many entries force bucket growth; all must stay reachable, and the
 * capacity limit holds across growth. */
static void test_many(void **state)
{
	struct mac_table *t = mac_table_create(MAC_TABLE_SIZE_DEFAULT);
	uint32_t n = MAC_TABLE_SIZE_DEFAULT + 1000;

	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(learn_n(t, (uint16_t)(i % 4095), i, i, i), MAC_LEARN_NEW);
	assert_int_equal(mac_table_count(t), MAC_TABLE_SIZE_DEFAULT);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(lookup_n(t, (uint16_t)(i % 4095), i), MAC_TABLE_PORT_NONE);
	for (uint32_t i = 1000; i < n; i++)
		assert_int_equal(lookup_n(t, (uint16_t)(i % 4095), i), i);
	assert_int_equal(mac_table_expire(t, n - 1, 100), MAC_TABLE_SIZE_DEFAULT - 100);
	assert_int_equal(mac_table_count(t), 100);
	mac_table_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_learn_lookup), cmocka_unit_test(test_move),
	        cmocka_unit_test(test_aging),        cmocka_unit_test(test_evict_oldest),
	        cmocka_unit_test(test_resize),       cmocka_unit_test(test_flush),
	        cmocka_unit_test(test_dump_order),   cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
