/* test-util.c - unit tests for lib/util: name_check, parse_uint,
 * eth_addr_parse/format, errmsg_set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/util.h"

static void test_name_check_ok(void **state)
{
	const char *ok[] = {"br0", "a", "p1-ns", "x_y.z", "123456789012345", "A.-_", "0"};

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		assert_int_equal(name_check(ok[i], "port name", NULL), 0);
}

static void test_name_check_bad(void **state)
{
	const char *bad[] = {
	        "",    "1234567890123456", "-p", ".p", ".", "..", "a b", "a/b", "a:b", "é", "p\n",
	        "br0!"};
	struct errmsg err;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = 0;
		assert_int_equal(name_check(bad[i], "port name", &err), -EINVAL);
		assert_non_null(strstr(err.msg, "port name"));
	}
	assert_int_equal(name_check(NULL, "bridge name", &err), -EINVAL);
	assert_int_equal(name_check("a b", "bridge name", NULL), -EINVAL);
}

static void test_name_check_message(void **state)
{
	struct errmsg err;

	assert_int_equal(name_check("averyveryverylongname", "bridge name", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "too long"));
	assert_int_equal(name_check("a$", "bridge name", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "invalid character"));
}

static void test_parse_uint(void **state)
{
	uint64_t v = 12345;

	assert_int_equal(parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_uint("65279", 1, 65279, &v), 0);
	assert_int_equal(v, 65279);
	assert_int_equal(parse_uint("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);

	v = 777;
	assert_int_equal(parse_uint("65280", 1, 65279, &v), -EINVAL);
	assert_int_equal(parse_uint("0", 1, 10, &v), -EINVAL);
	assert_int_equal(parse_uint("", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_uint(NULL, 0, 10, &v), -EINVAL);
	assert_int_equal(parse_uint("-1", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(parse_uint("+1", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_uint(" 1", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_uint("1 ", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_uint("1x", 0, 10, &v), -EINVAL);
	assert_int_equal(parse_uint("0x10", 0, 100, &v), -EINVAL);
	assert_int_equal(parse_uint("18446744073709551616", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(v, 777); /* untouched on failure */
}

static void test_eth_addr_parse(void **state)
{
	const uint8_t want[6] = {0xaa, 0xbb, 0x0c, 0x00, 0xee, 0xff};
	uint8_t mac[6];
	char buf[18];

	assert_int_equal(eth_addr_parse("aa:bb:0c:00:ee:ff", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(eth_addr_parse("AA:BB:0C:00:EE:FF", mac), 0);
	assert_memory_equal(mac, want, 6);
	eth_addr_format(mac, buf);
	assert_string_equal(buf, "aa:bb:0c:00:ee:ff");

	assert_int_equal(eth_addr_parse("", mac), -EINVAL);
	assert_int_equal(eth_addr_parse("aa:bb:cc:dd:ee", mac), -EINVAL);
	assert_int_equal(eth_addr_parse("aa:bb:cc:dd:ee:ff:00", mac), -EINVAL);
	assert_int_equal(eth_addr_parse("aa:bb:cc:dd:ee:ff ", mac), -EINVAL);
	assert_int_equal(eth_addr_parse("a:b:c:d:e:f", mac), -EINVAL);
	assert_int_equal(eth_addr_parse("aa-bb-cc-dd-ee-ff", mac), -EINVAL);
	assert_int_equal(eth_addr_parse("gg:bb:cc:dd:ee:ff", mac), -EINVAL);
	assert_int_equal(eth_addr_parse("aabbccddeeff", mac), -EINVAL);
}

/* Exactly two hex digits per byte: no signs, no blanks (sscanf's %x alone
 * would accept these). */
static void test_eth_addr_parse_strict(void **state)
{
	const char *bad[] = {" a:bb:cc:dd:ee:ff", "+a:bb:cc:dd:ee:ff", "-1:bb:cc:dd:ee:ff",
	                     "aa:bb:cc:dd:ee:+f", "aa:bb: c:dd:ee:ff", "0xaa:bb:cc:dd:ee"};
	uint8_t mac[6];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(eth_addr_parse(bad[i], mac), -EINVAL);
}

static void test_errmsg_set(void **state)
{
	struct errmsg err;

	assert_int_equal(errmsg_set(&err, -ENOENT, "bridge %s: no such bridge", "br9"), -ENOENT);
	assert_string_equal(err.msg, "bridge br9: no such bridge");
	assert_int_equal(errmsg_set(NULL, -EEXIST, "x"), -EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_name_check_ok),
	        cmocka_unit_test(test_name_check_bad),
	        cmocka_unit_test(test_name_check_message),
	        cmocka_unit_test(test_parse_uint),
	        cmocka_unit_test(test_eth_addr_parse),
	        cmocka_unit_test(test_eth_addr_parse_strict),
	        cmocka_unit_test(test_errmsg_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
