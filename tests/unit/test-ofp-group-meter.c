/* test-ofp-group-meter.c - unit tests for the group and meter models
 * (ofp-group.h, ofp-meter.h): the ovs-ofctl text syntax parsed into what
 * ovs-ofctl 3.1 dump-groups / dump-meters prints (the expected strings are
 * its real output), parse(format(x)) == x, clone, the checks with their
 * OpenFlow error codes, and the error messages of bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "openflow/ofp-group.h"
#include "openflow/ofp-meter.h"

static int test_name_to_port(const char *name, uint32_t *port, void *aux)
{
	(void)aux;
	if (name[0] == 'p' && name[1] >= '1' && name[1] <= '9' && !name[2]) {
		*port = (uint32_t)(name[1] - '0');
		return 0;
	}
	return -1;
}

static const char *test_port_to_name(uint32_t port, void *aux)
{
	static const char *const names[] = {"p0", "p1", "p2", "p3", "p4",
	                                    "p5", "p6", "p7", "p8", "p9"};

	(void)aux;
	return port >= 1 && port <= 9 ? names[port] : NULL;
}

static const struct ofp_port_names test_names = {test_name_to_port, test_port_to_name, NULL};

/* ---- Groups ---- */

struct group_case {
	const char *in;  /* what the user gives add-group */
	const char *out; /* what ovs-ofctl dump-groups prints */
};

static const struct group_case group_cases[] = {
        {"group_id=1,type=select,bucket=weight:10,output:1,bucket=weight:20,actions=output:2",
         "group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,"
         "actions=output:2"},
        {"group_id=2,type=ff,bucket=watch_port:1,output:1,bucket=watch_port:2,watch_group:1,"
         "output:2",
         "group_id=2,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:2,"
         "watch_group:1,actions=output:2"},
        {"group_id=3,type=indirect,bucket=set_field:00:00:00:00:00:01->eth_dst,output:1",
         "group_id=3,type=indirect,bucket=actions=set_field:00:00:00:00:00:01->eth_dst,"
         "output:1"},
        {"group_id=4,type=all,bucket=output:1,bucket=output:2",
         "group_id=4,type=all,bucket=actions=output:1,bucket=actions=output:2"},
        {"group_id=5,type=select,bucket=output:1",
         "group_id=5,type=select,bucket=actions=output:1"},
        {"group_id=6,type=all", "group_id=6,type=all"},
        {"group_id=7,type=all,bucket=actions=drop", "group_id=7,type=all,bucket=actions=drop"},
        {"group_id=9,type=select,bucket=bucket_id:5,output:1",
         "group_id=9,type=select,bucket=actions=output:1"},
        /* Spaces, fast_failover spelling, weight 1 (the default). */
        {"group_id=10 type=fast_failover bucket=watch_group:3 actions=output:4",
         "group_id=10,type=ff,bucket=watch_group:3,actions=output:4"},
        {"type=select,group_id=0x10,bucket=weight:1,actions=output:1",
         "group_id=16,type=select,bucket=actions=output:1"},
        {"group_id=11,type=all,bucket=output:1,output:2,bucket=output:3",
         "group_id=11,type=all,bucket=actions=output:1,output:2,bucket=actions=output:3"},
};

static void test_group_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof group_cases / sizeof *group_cases; i++) {
		struct errmsg err = {{0}};
		struct ofp_group_mod gm, gm2, clone;
		struct strbuf sb, sb2;

		if (ofp_group_mod_parse(group_cases[i].in, OFPGC_ADD, NULL, &gm, &err))
			fail_msg("'%s': %s", group_cases[i].in, err.msg);
		strbuf_init(&sb);
		ofp_group_format(&gm, NULL, &sb);
		assert_string_equal(sb.s, group_cases[i].out);

		/* parse(format(x)) == x */
		if (ofp_group_mod_parse(sb.s, OFPGC_ADD, NULL, &gm2, &err))
			fail_msg("'%s': %s", sb.s, err.msg);
		assert_int_equal(gm.group_id, gm2.group_id);
		assert_int_equal(gm.type, gm2.type);
		assert_int_equal(gm.n_buckets, gm2.n_buckets);
		for (size_t j = 0; j < gm.n_buckets; j++) {
			const struct ofp_bucket *a = &gm.buckets[j], *b = &gm2.buckets[j];

			assert_int_equal(a->weight, b->weight);
			assert_int_equal(a->watch_port, b->watch_port);
			assert_int_equal(a->watch_group, b->watch_group);
			assert_int_equal(a->bucket_id, j);
			assert_true(ofpacts_equal(a->ofpacts, a->ofpacts_len, b->ofpacts,
			                          b->ofpacts_len));
		}

		/* clone is deep and equal. */
		ofp_group_mod_clone(&clone, &gm);
		ofp_group_mod_uninit(&gm);
		strbuf_init(&sb2);
		ofp_group_format(&clone, NULL, &sb2);
		assert_string_equal(sb2.s, group_cases[i].out);
		strbuf_uninit(&sb);
		strbuf_uninit(&sb2);
		ofp_group_mod_uninit(&clone);
		ofp_group_mod_uninit(&gm2);
	}
}

static void test_group_names(void **state)
{
	struct errmsg err = {{0}};
	struct ofp_group_mod gm;
	struct strbuf sb;

	(void)state;
	assert_int_equal(ofp_group_mod_parse("group_id=2,type=ff,bucket=watch_port:p1,output:p1,"
	                                     "bucket=watch_port:p2,watch_group:1,output:p2",
	                                     OFPGC_ADD, &test_names, &gm, &err),
	                 0);
	strbuf_init(&sb);
	ofp_group_format(&gm, &test_names, &sb);
	/* As ovs-ofctl --names dump-groups prints it. */
	assert_string_equal(sb.s, "group_id=2,type=ff,bucket=watch_port:p1,actions=output:p1,"
	                          "bucket=watch_port:p2,watch_group:1,actions=output:p2");
	strbuf_uninit(&sb);
	assert_int_equal(gm.buckets[1].watch_port, 2);
	ofp_group_mod_uninit(&gm);
}

static void test_group_modify_delete(void **state)
{
	struct errmsg err = {{0}};
	struct ofp_group_mod gm;

	(void)state;
	assert_int_equal(ofp_group_mod_parse("group_id=4,type=all,bucket=output:1", OFPGC_MODIFY,
	                                     NULL, &gm, &err),
	                 0);
	assert_int_equal(gm.command, OFPGC_MODIFY);
	ofp_group_mod_uninit(&gm);
	assert_int_equal(ofp_group_mod_parse("group_id=4", OFPGC_DELETE, NULL, &gm, &err), 0);
	assert_int_equal(gm.command, OFPGC_DELETE);
	assert_int_equal(gm.group_id, 4);
	ofp_group_mod_uninit(&gm);
	assert_int_equal(ofp_group_mod_parse("", OFPGC_DELETE, NULL, &gm, &err), 0);
	assert_int_equal(gm.group_id, OFPG_ALL);
	ofp_group_mod_uninit(&gm);
	assert_int_equal(ofp_group_mod_parse("group_id=all", OFPGC_DELETE, NULL, &gm, &err), 0);
	assert_int_equal(gm.group_id, OFPG_ALL);
	ofp_group_mod_uninit(&gm);
}

struct bad_case {
	const char *in;
	const char *msg; /* expected substring of the message */
};

static const struct bad_case bad_groups[] = {
        {"type=all,bucket=output:1", "group_id is required"},
        {"group_id=1,bucket=output:1", "type is required"},
        {"group_id=1,type=fancy", "type: 'fancy' is not a group type"},
        {"group_id=x,type=all", "group_id:"},
        {"group_id=all,type=all", "'all' is not allowed here"},
        {"group_id=1,type=all,color=red", "unknown group field 'color'"},
        {"group_id=1,type=all,bucket=weight:5,output:1", "bucket 1: weight is only allowed in "
                                                         "select groups"},
        {"group_id=1,type=select,bucket=weight:70000,output:1", "bucket 1: weight:"},
        {"group_id=1,type=select,bucket=watch_port:1,output:1", "only allowed in fast_failover"},
        {"group_id=1,type=ff,bucket=output:1", "bucket 1: a fast_failover bucket needs"},
        {"group_id=1,type=ff,bucket=watch_port:nope,output:1", "bucket 1: watch_port:"},
        {"group_id=1,type=indirect,bucket=output:1,bucket=output:2", "exactly one bucket"},
        {"group_id=1,type=indirect", "exactly one bucket"},
        {"group_id=1,type=all,bucket=output:1,bucket=frobnicate:3", "bucket 2:"},
        {"group_id=1,type=all,bucket=goto_table:1", "bucket 1:"},
        {"group_id=1,type=all,bucket=set_field:10.0.0.1->ip_dst,output:1", "bucket 1:"},
};

static void test_group_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_groups / sizeof *bad_groups; i++) {
		struct errmsg err = {{0}};
		struct ofp_group_mod gm;

		assert_int_equal(ofp_group_mod_parse(bad_groups[i].in, OFPGC_ADD, NULL, &gm, &err),
		                 -EINVAL);
		if (!strstr(err.msg, bad_groups[i].msg))
			fail_msg("'%s': got '%s', want '%s'", bad_groups[i].in, err.msg,
			         bad_groups[i].msg);
		ofp_group_mod_uninit(&gm); /* harmless after failure */
	}
	{
		struct errmsg err = {{0}};
		struct ofp_group_mod gm;

		assert_int_equal(ofp_group_mod_parse("group_id=1,bucket=output:1", OFPGC_DELETE,
		                                     NULL, &gm, &err),
		                 -EINVAL);
		assert_non_null(strstr(err.msg, "del-groups takes no buckets"));
		assert_int_equal(
		        ofp_group_mod_parse("group_id=1,type=all", OFPGC_DELETE, NULL, &gm, &err),
		        -EINVAL);
	}
}

static void test_group_check(void **state)
{
	struct ofp_group_mod gm;
	struct ofperr oe = {0};
	struct errmsg err;

	(void)state;
	assert_int_equal(ofp_group_mod_parse("group_id=1,type=select,bucket=output:1,"
	                                     "bucket=output:2",
	                                     OFPGC_ADD, NULL, &gm, NULL),
	                 0);
	gm.type = (enum ofp_group_type)7;
	assert_int_equal(ofp_group_mod_check(&gm, &oe, &err), -EINVAL);
	assert_int_equal(oe.type, OFPET_GROUP_MOD_FAILED);
	assert_int_equal(oe.code, OFPGMFC_BAD_TYPE);
	gm.type = OFPGT_SELECT;
	gm.group_id = OFPG_MAX + 1;
	memset(&oe, 0, sizeof oe);
	assert_int_equal(ofp_group_mod_check(&gm, &oe, &err), -EINVAL);
	assert_int_equal(oe.code, OFPGMFC_INVALID_GROUP);
	gm.group_id = 1;
	gm.command = (enum ofp_group_mod_command)3;
	memset(&oe, 0, sizeof oe);
	assert_int_equal(ofp_group_mod_check(&gm, &oe, &err), -EINVAL);
	assert_int_equal(oe.code, OFPGMFC_BAD_COMMAND);
	gm.command = OFPGC_ADD;
	/* Wire values a type does not use are ignored (normalized). */
	gm.type = OFPGT_ALL;
	gm.buckets[0].weight = 5;
	gm.buckets[0].watch_port = 3;
	assert_int_equal(ofp_group_mod_check(&gm, NULL, NULL), 0);
	assert_int_equal(gm.buckets[0].weight, 0);
	assert_int_equal(gm.buckets[0].watch_port, OFPP_ANY);
	ofp_group_mod_uninit(&gm);
	ofp_group_mod_uninit(NULL);
}

/* ---- Meters ---- */

struct meter_case {
	const char *in;
	const char *out; /* ovs-ofctl dump-meters */
};

static const struct meter_case meter_cases[] = {
        {"meter=1,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=100",
         "meter=1 kbps burst stats bands=\ntype=drop rate=1000 burst_size=100"},
        {"meter=2,pktps,bands=type=dscp_remark,rate=50,prec_level=1",
         "meter=2 pktps bands=\ntype=dscp_remark rate=50 prec_level=1"},
        {"meter=3,kbps,bands=type=drop,rate=10,type=dscp_remark,rate=20,prec_level=2",
         "meter=3 kbps bands=\ntype=drop rate=10\ntype=dscp_remark rate=20 prec_level=2"},
        {"meter=4,pktps,stats,bands=type=drop,rate=5", "meter=4 pktps stats bands=\ntype=drop "
                                                       "rate=5"},
        {"meter=5 kbps bands=type=drop rate=7", "meter=5 kbps bands=\ntype=drop rate=7"},
        {"meter=6,burst,pktps,bands=type=drop,rate=5,burst_size=0",
         "meter=6 pktps burst bands=\ntype=drop rate=5 burst_size=0"},
        /* ovs-ofctl dump-meters output, verbatim. */
        {"meter=8 kbps burst bands=\ntype=dscp_remark rate=5 burst_size=9 prec_level=2",
         "meter=8 kbps burst bands=\ntype=dscp_remark rate=5 burst_size=9 prec_level=2"},
};

static void test_meter_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof meter_cases / sizeof *meter_cases; i++) {
		struct errmsg err = {{0}};
		struct ofp_meter_mod mm, mm2;
		struct strbuf sb;

		if (ofp_meter_mod_parse(meter_cases[i].in, OFPMC_ADD, &mm, &err))
			fail_msg("'%s': %s", meter_cases[i].in, err.msg);
		strbuf_init(&sb);
		ofp_meter_format(&mm, &sb);
		assert_string_equal(sb.s, meter_cases[i].out);
		if (ofp_meter_mod_parse(sb.s, OFPMC_ADD, &mm2, &err))
			fail_msg("'%s': %s", sb.s, err.msg);
		assert_memory_equal(&mm, &mm2, sizeof mm);
		strbuf_uninit(&sb);
	}
}

static void test_meter_delete(void **state)
{
	struct errmsg err = {{0}};
	struct ofp_meter_mod mm;

	(void)state;
	assert_int_equal(ofp_meter_mod_parse("meter=2", OFPMC_DELETE, &mm, &err), 0);
	assert_int_equal(mm.command, OFPMC_DELETE);
	assert_int_equal(mm.meter_id, 2);
	assert_int_equal(ofp_meter_mod_parse("", OFPMC_DELETE, &mm, &err), 0);
	assert_int_equal(mm.meter_id, OFPM_ALL);
	assert_int_equal(ofp_meter_mod_parse("meter=ALL", OFPMC_DELETE, &mm, &err), 0);
	assert_int_equal(mm.meter_id, OFPM_ALL);
	assert_int_equal(ofp_meter_mod_parse("meter=2,kbps", OFPMC_DELETE, &mm, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "del-meters takes only meter="));
	assert_int_equal(
	        ofp_meter_mod_parse("meter=1,kbps,bands=type=drop,rate=5", OFPMC_MODIFY, &mm, &err),
	        0);
	assert_int_equal(mm.command, OFPMC_MODIFY);
}

static const struct bad_case bad_meters[] = {
        {"kbps,bands=type=drop,rate=5", "meter= is required"},
        {"meter=1,kbps", "bands= is required"},
        {"meter=1,kbps,bands=", "at least one band"},
        {"meter=0,kbps,bands=type=drop,rate=5", "ids start at 1"},
        {"meter=all,kbps,bands=type=drop,rate=5", "'all' is only for del-meters"},
        {"meter=x,kbps,bands=type=drop,rate=5", "meter: 'x' is not a number"},
        {"meter=1,fast,bands=type=drop,rate=5", "unknown meter flag 'fast'"},
        {"meter=1,kbps,pktps,bands=type=drop,rate=5", "exactly one of kbps and pktps"},
        {"meter=1,bands=type=drop,rate=5", "meter must specify either 'kbps' or 'pktps'"},
        {"meter=1,pktps,burst,bands=type=drop,rate=5", "band must have 'burst_size' when "
                                                       "'burst' flag is set"},
        {"meter=1,kbps,bands=type=drop,rate=0", "rate must be positive"},
        {"meter=1,kbps,bands=type=drop", "rate must be positive"},
        {"meter=1,kbps,bands=type=police,rate=5", "type: 'police' is not a band type"},
        {"meter=1,kbps,bands=rate=5", "each band starts with 'type='"},
        {"meter=1,kbps,bands=type=drop,rate=5,prec_level=1", "prec_level is only for "
                                                             "dscp_remark"},
        {"meter=1,kbps,bands=type=drop,rate=5,burst_size=10", "burst_size needs the 'burst' "
                                                              "flag"},
        {"meter=1,kbps,bands=type=drop,rate=5,color=red", "unknown band field 'color'"},
        {"meter=1,kbps,bands=type=dscp_remark,rate=5,prec_level=300", "prec_level:"},
        {"meter=1,kbps,bands=type=drop,rate=1,type=drop,rate=1,type=drop,rate=1,type=drop,"
         "rate=1,type=drop,rate=1,type=drop,rate=1,type=drop,rate=1,type=drop,rate=1,type=drop,"
         "rate=1",
         "too many bands"},
};

static void test_meter_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_meters / sizeof *bad_meters; i++) {
		struct errmsg err = {{0}};
		struct ofp_meter_mod mm;

		assert_int_equal(ofp_meter_mod_parse(bad_meters[i].in, OFPMC_ADD, &mm, &err),
		                 -EINVAL);
		if (!strstr(err.msg, bad_meters[i].msg))
			fail_msg("'%s': got '%s', want '%s'", bad_meters[i].in, err.msg,
			         bad_meters[i].msg);
	}
}

static void test_meter_check(void **state)
{
	struct ofp_meter_mod mm;
	struct ofperr oe = {0};

	(void)state;
	assert_int_equal(
	        ofp_meter_mod_parse("meter=1,kbps,bands=type=drop,rate=5", OFPMC_ADD, &mm, NULL),
	        0);
	mm.flags |= 0x10;
	assert_int_equal(ofp_meter_mod_check(&mm, &oe, NULL), -EINVAL);
	assert_int_equal(oe.type, OFPET_METER_MOD_FAILED);
	assert_int_equal(oe.code, OFPMMFC_BAD_FLAGS);
	mm.flags = OFPMF_KBPS;
	mm.meter_id = OFPM_CONTROLLER;
	memset(&oe, 0, sizeof oe);
	assert_int_equal(ofp_meter_mod_check(&mm, &oe, NULL), -EINVAL);
	assert_int_equal(oe.code, OFPMMFC_INVALID_METER);
	mm.meter_id = 1;
	mm.bands[0].type = (enum ofp_meter_band_type)0xffff;
	memset(&oe, 0, sizeof oe);
	assert_int_equal(ofp_meter_mod_check(&mm, &oe, NULL), -EINVAL);
	assert_int_equal(oe.code, OFPMMFC_BAD_BAND);
	mm.bands[0].type = OFPMBT_DROP;
	mm.bands[0].burst_size = 3;
	memset(&oe, 0, sizeof oe);
	assert_int_equal(ofp_meter_mod_check(&mm, &oe, NULL), -EINVAL);
	assert_int_equal(oe.code, OFPMMFC_BAD_BURST);
	mm.command = OFPMC_DELETE; /* delete ignores the rest */
	assert_int_equal(ofp_meter_mod_check(&mm, NULL, NULL), 0);
	mm.meter_id = 0;
	memset(&oe, 0, sizeof oe);
	assert_int_equal(ofp_meter_mod_check(&mm, &oe, NULL), -EINVAL);
	assert_int_equal(oe.code, OFPMMFC_INVALID_METER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_group_text),          cmocka_unit_test(test_group_names),
	        cmocka_unit_test(test_group_modify_delete), cmocka_unit_test(test_group_errors),
	        cmocka_unit_test(test_group_check),         cmocka_unit_test(test_meter_text),
	        cmocka_unit_test(test_meter_delete),        cmocka_unit_test(test_meter_errors),
	        cmocka_unit_test(test_meter_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
