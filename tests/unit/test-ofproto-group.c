/* test-ofproto-group.c - OpenFlow groups on a device-less bridge, with
 * packets run through the real fast path (dpif_receive): ALL buckets on
 * their own copies, SELECT distribution by weight and its megaflow mask,
 * INDIRECT and chaining (loop, chained delete), FAST_FAILOVER following
 * port liveness (with revalidation of cached megaflows), group and bucket
 * counters, ref_count and group delete removing rules, group_mod errors,
 * and the datapath clone action itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/dp-actions.h"
#include "lib/packet-edit.h"
#include "ofproto/ofproto-ofp.h"
#include "ofproto/ofproto-private.h"
#include "ofproto/xlate.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-group.h"
#include "pkt-fixture.h"

#define DP_BASE  11 /* port pN is datapath port DP_BASE + N - 1 */
#define N_PORTS  4
#define HEADROOM 16

static const struct dp_exec_ops rec_ops = {.output = outs_record};

static int setup(void **state)
{
	return bridge_fixture_setup(state, N_PORTS, DP_BASE);
}

static int teardown(void **state)
{
	return bridge_fixture_teardown(state);
}

static uint32_t dp(uint32_t ofport)
{
	return DP_BASE + ofport - 1;
}

static uint32_t nw_dst_of(const struct out_rec *r)
{
	const uint8_t *p = r->bytes + 14 + 16;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_all(void **state)
{
	struct fixture *fx = *state;
	struct outs o;
	struct tb t;

	bridge_add_group(fx->br, "group_id=1,type=all,bucket=set_field:02:00:00:00:00:09->eth_dst,"
	                         "output:2,bucket=output:3");
	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "ip,actions=group:1,set_field:10.0.0.7->ip_dst,output:4");
	pkt_udp4(&t, 0, 1000, 53);
	for (int round = 0; round < 2; round++) { /* upcall, then the megaflow */
		outs_receive(fx, 1, &t, &o);
		assert_int_equal(o.n, 3);
		assert_int_equal(o.r[0].port, dp(2));
		assert_int_equal(o.r[0].bytes[5], 0x09);
		assert_memory_equal(o.r[0].bytes + 6, t.b + 6, t.len - 6);
		/* The second bucket and the actions after the group see the
		 * original packet. */
		assert_int_equal(o.r[1].port, dp(3));
		assert_memory_equal(o.r[1].bytes, t.b, t.len);
		assert_int_equal(o.r[2].port, dp(4));
		assert_int_equal(nw_dst_of(&o.r[2]), 0x0a000007);
		assert_memory_equal(o.r[2].bytes, t.b, 6);
	}
	bridge_del_flows(fx->br);
	bridge_del_groups(fx->br);
}

static void test_select(void **state)
{
	struct fixture *fx = *state;
	unsigned count[N_PORTS + 1] = {0};
	struct ofp_group_mod *gms;
	struct ofp_group_stats *st;
	struct dp_actions acts;
	struct xlate_out xo;
	struct flow_wc wc;
	struct flow f;
	struct outs o;
	struct tb t;
	size_t n;

	bridge_add_group(fx->br, "group_id=5,type=select,bucket=weight:1,output:2,"
	                         "bucket=weight:3,output:3");
	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "udp,actions=group:5");
	for (unsigned i = 0; i < 2000; i++) {
		pkt_udp4(&t, 0, (uint16_t)(1000 + i), 53);
		outs_receive(fx, 1, &t, &o);
		assert_int_equal(o.n, 1);
		assert_true(o.r[0].port == dp(2) || o.r[0].port == dp(3));
		count[o.r[0].port - DP_BASE + 1]++;
		/* The same flow always picks the same bucket. */
		outs_receive(fx, 1, &t, &o);
		assert_int_equal(o.n, 1);
	}
	/* 1:3 within a generous margin. */
	assert_in_range(count[2], 350, 650);
	assert_in_range(count[3], 1350, 1650);

	/* The megaflow holds exactly the hashed fields (and what the rule's
	 * lookup consulted). */
	pkt_udp4(&t, 0, 1234, 53);
	{
		struct pkt pkt = {.data = t.b, .len = (uint32_t)t.len};

		flow_extract(&pkt, 1, &f);
	}
	dp_actions_init(&acts);
	memset(&wc, 0, sizeof wc);
	xlate_out_init(&xo, &acts, &wc);
	pthread_mutex_lock(&fx->br->mutex);
	xlate_flow(fx->br, &f, XLATE_LEARN_NONE, NULL, &xo);
	pthread_mutex_unlock(&fx->br->mutex);
	assert_int_equal(wc.masks.in_port, UINT32_MAX);
	assert_int_equal(wc.masks.dl_type, 0xffff);
	assert_int_equal(wc.masks.nw_proto, 0xff);
	assert_int_equal(wc.masks.nw_src, UINT32_MAX);
	assert_int_equal(wc.masks.nw_dst, UINT32_MAX);
	assert_int_equal(wc.masks.tp_src, 0xffff);
	assert_int_equal(wc.masks.tp_dst, 0xffff);
	assert_int_equal(wc.masks.nw_ttl, 0);
	assert_int_equal(wc.masks.nw_tos, 0);
	assert_int_equal(wc.masks.vlan_tci, 0);
	assert_int_equal(xo.n_groups, 2); /* the group and one bucket */
	xlate_out_uninit(&xo);
	dp_actions_uninit(&acts);

	/* Counters: 4000 packets through the group, by bucket. */
	ofproto_group_dump(fx->br, 5, &gms, &st, &n);
	assert_int_equal(n, 1);
	assert_int_equal(st[0].group_id, 5);
	assert_int_equal(st[0].ref_count, 1);
	assert_int_equal(st[0].packets, 4000);
	assert_int_equal(st[0].n_buckets, 2);
	assert_int_equal(st[0].buckets[0].packets, 2 * count[2]);
	assert_int_equal(st[0].buckets[1].packets, 2 * count[3]);
	assert_int_equal(st[0].bytes, 4000 * t.len);
	assert_int_equal(gms[0].type, OFPGT_SELECT);
	assert_int_equal(gms[0].n_buckets, 2);
	assert_int_equal(gms[0].buckets[1].weight, 3);
	for (size_t i = 0; i < n; i++)
		ofp_group_mod_uninit(&gms[i]);
	free(gms);
	free(st);
	bridge_del_flows(fx->br);
	bridge_del_groups(fx->br);
}

static void test_indirect_chain(void **state)
{
	struct fixture *fx = *state;
	struct ofperr oe = {0};
	struct outs o;
	struct tb t;

	bridge_add_group(fx->br, "group_id=1,type=all,bucket=output:2,bucket=output:3");
	bridge_add_group(
	        fx->br,
	        "group_id=2,type=indirect,bucket=set_field:02:00:00:00:00:99->eth_dst,group:1");
	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "udp,actions=group:2,output:4");
	pkt_udp4(&t, 0, 7, 53);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.r[0].port, dp(2));
	assert_int_equal(o.r[1].port, dp(3));
	assert_int_equal(o.r[0].bytes[5], 0x99);
	assert_int_equal(o.r[1].bytes[5], 0x99);
	assert_int_equal(o.r[2].port, dp(4));
	assert_memory_equal(o.r[2].bytes, t.b, t.len);

	/* 1 -> 2 -> 1 would loop. */
	assert_int_equal(bridge_group_mod(fx->br, OFPGC_MODIFY,
	                                  "group_id=1,type=all,bucket=output:2,bucket=group:2",
	                                  &oe),
	                 -ELOOP);
	assert_true(oe.set);
	assert_int_equal(oe.type, OFPET_GROUP_MOD_FAILED);
	assert_int_equal(oe.code, OFPGMFC_LOOP);
	/* Group 1 is used by group 2. */
	oe.set = false;
	assert_int_equal(bridge_group_mod(fx->br, OFPGC_DELETE, "group_id=1", &oe), -EBUSY);
	assert_int_equal(oe.code, OFPGMFC_CHAINED_GROUP);
	/* A bucket naming a missing group. */
	oe.set = false;
	assert_int_equal(bridge_group_mod(fx->br, OFPGC_ADD,
	                                  "group_id=3,type=indirect,bucket=group:77", &oe),
	                 -ENOENT);
	assert_int_equal(oe.type, OFPET_BAD_ACTION);
	assert_int_equal(oe.code, OFPBAC_BAD_OUT_GROUP);
	/* Unchanged: still forwards as before. */
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 3);
	bridge_del_flows(fx->br);
	bridge_del_groups(fx->br);
}

static void test_fast_failover(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t zero[6] = {0};
	struct ofperr oe = {0};
	struct errmsg err;
	struct outs o;
	struct tb t;

	bridge_add_group(fx->br, "group_id=7,type=ff,bucket=watch_port:2,output:2,"
	                         "bucket=watch_port:3,output:3");
	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "udp,actions=group:7");
	pkt_udp4(&t, 0, 1, 2);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.r[0].port, dp(2));

	/* Port 2 goes down: the cached megaflow follows at once. */
	assert_int_equal(
	        ofproto_port_mod(fx->br, 2, zero, OFPPC_PORT_DOWN, OFPPC_PORT_DOWN, &oe, &err), 0);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.r[0].port, dp(3));
	/* Both down: nothing is live. */
	assert_int_equal(
	        ofproto_port_mod(fx->br, 3, zero, OFPPC_PORT_DOWN, OFPPC_PORT_DOWN, &oe, &err), 0);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 0);
	/* Back up. */
	assert_int_equal(ofproto_port_mod(fx->br, 2, zero, 0, OFPPC_PORT_DOWN, &oe, &err), 0);
	assert_int_equal(ofproto_port_mod(fx->br, 3, zero, 0, OFPPC_PORT_DOWN, &oe, &err), 0);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.r[0].port, dp(2));
	bridge_del_flows(fx->br);
	bridge_del_groups(fx->br);
}

static void test_delete_and_errors(void **state)
{
	struct fixture *fx = *state;
	struct ofp_group_mod *gms;
	struct ofp_group_stats *st;
	struct ofperr oe = {0};
	struct ofproto_flow_info *flows;
	size_t n;

	bridge_add_group(fx->br, "group_id=9,type=all,bucket=output:2");
	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "priority=5,udp,actions=group:9");
	bridge_add_flow(fx->br, "priority=6,tcp,actions=write_actions(group:9)");
	bridge_add_flow(fx->br, "priority=7,arp,actions=output:3");
	ofproto_group_dump(fx->br, OFPG_ALL, &gms, &st, &n);
	assert_int_equal(n, 1);
	assert_int_equal(st[0].ref_count, 2);
	ofp_group_mod_uninit(&gms[0]);
	free(gms);
	free(st);

	/* Errors. */
	assert_int_equal(
	        bridge_group_mod(fx->br, OFPGC_ADD, "group_id=9,type=all,bucket=output:3", &oe),
	        -EEXIST);
	assert_int_equal(oe.type, OFPET_GROUP_MOD_FAILED);
	assert_int_equal(oe.code, OFPGMFC_GROUP_EXISTS);
	oe.set = false;
	assert_int_equal(
	        bridge_group_mod(fx->br, OFPGC_MODIFY, "group_id=10,type=all,bucket=output:3", &oe),
	        -ENOENT);
	assert_int_equal(oe.code, OFPGMFC_UNKNOWN_GROUP);
	oe.set = false;
	assert_int_equal(bridge_flow_mod(fx->br, FLOW_TEXT_ADD, "priority=8,actions=group:10", &oe),
	                 -ENOENT);
	assert_int_equal(oe.type, OFPET_BAD_ACTION);
	assert_int_equal(oe.code, OFPBAC_BAD_OUT_GROUP);
	/* Deleting a missing group is fine. */
	oe.set = false;
	assert_int_equal(bridge_group_mod(fx->br, OFPGC_DELETE, "group_id=10", &oe), 0);
	assert_false(oe.set);

	/* Deleting the group removes the two rules that use it. */
	assert_int_equal(bridge_group_mod(fx->br, OFPGC_DELETE, "group_id=9", &oe), 0);
	ofproto_flow_dump(fx->br, NULL, &flows, &n);
	assert_int_equal(n, 1);
	assert_int_equal(flows[0].priority, 7);
	ofproto_flow_info_free(flows, n);
	ofproto_group_dump(fx->br, OFPG_ALL, &gms, NULL, &n);
	assert_int_equal(n, 0);
	free(gms);
	bridge_del_flows(fx->br);
}

/* The datapath clone action on its own. */
static void test_clone_action(void **state)
{
	struct dp_actions a;
	struct outs o = {.n = 0};
	uint8_t buf[HEADROOM + 512];
	struct pkt pkt;
	struct tb t;
	char s[256];
	size_t ofs, ofs2;
	uint8_t mac[6] = {2, 0, 0, 0, 0, 0x77};

	(void)state;
	dp_actions_init(&a);
	/* clone(clone()) is dropped entirely. */
	ofs = dp_actions_start_clone(&a);
	ofs2 = dp_actions_start_clone(&a);
	assert_true(dp_actions_end_clone(&a, ofs2));
	assert_true(dp_actions_end_clone(&a, ofs));
	assert_int_equal(a.size, 0);

	dp_actions_put_output(&a, 1);
	ofs = dp_actions_start_clone(&a);
	dp_actions_put_set_bytes(&a, DP_FIELD_ETH_DST, mac, NULL);
	dp_actions_put_output(&a, 2);
	assert_true(dp_actions_end_clone(&a, ofs));
	ofs = dp_actions_start_clone(&a);
	dp_actions_put_output(&a, 3);
	assert_true(dp_actions_end_clone(&a, ofs));
	dp_actions_put_pop_vlan(&a);
	dp_actions_put_output(&a, 4);
	assert_int_equal(dp_actions_validate(a.data, a.size), 0);
	dp_actions_format(&a, s, sizeof s);
	assert_string_equal(s, "output:1,clone(set(eth(dst=02:00:00:00:00:77)),output:2),"
	                       "clone(output:3),pop_vlan,output:4");

	pkt_udp4(&t, 0, 1, 2);
	pkt = (struct pkt){.data = buf + HEADROOM, .len = (uint32_t)t.len, .headroom = HEADROOM};
	memcpy(pkt.data, t.b, t.len);
	assert_int_equal(dp_execute(&pkt, NULL, &a, &rec_ops, &o), 0);
	assert_int_equal(o.n, 4);
	assert_memory_equal(o.r[0].bytes, t.b, t.len);
	assert_memory_equal(o.r[1].bytes, mac, 6);
	assert_memory_equal(o.r[2].bytes, t.b, t.len);
	assert_memory_equal(o.r[3].bytes, t.b, t.len); /* untagged: pop does nothing */
	assert_memory_equal(pkt.data, t.b, t.len);     /* the clone edited a copy */
	dp_actions_uninit(&a);

	/* Malformed nesting is refused. */
	{
		union {
			uint64_t align;
			struct dp_action a[2];
		} bad;

		memset(&bad, 0, sizeof bad);
		bad.a[0].type = DP_ACTION_CLONE;
		bad.a[0].len = 16;
		bad.a[1].type = DP_ACTION_OUTPUT;
		bad.a[1].len = 16; /* runs past the clone */
		assert_int_equal(dp_actions_validate(bad.a, sizeof bad.a), -EINVAL);
		bad.a[1].len = 8;
		assert_int_equal(dp_actions_validate(bad.a, sizeof bad.a), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_all),
	        cmocka_unit_test(test_select),
	        cmocka_unit_test(test_indirect_chain),
	        cmocka_unit_test(test_fast_failover),
	        cmocka_unit_test(test_delete_and_errors),
	        cmocka_unit_test(test_clone_action),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
