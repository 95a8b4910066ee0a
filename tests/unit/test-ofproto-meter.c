/* test-ofproto-meter.c - OpenFlow meters executed in the fast path: packets
 * run through dpif_receive with the meters' clock frozen
 * (dpif_meter_set_clock), so that token buckets give exact counts: drop
 * bands in packets/s and kbit/s, the default burst, DSCP remark of AF
 * classes with a valid IPv4 checksum, meter statistics, flow_count, meter
 * delete removing rules, meter_mod and flow_mod errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/dp-actions.h"
#include "ofproto/ofproto-ofp.h"
#include "ofproto/ofproto-private.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-meter.h"
#include "pkt-fixture.h"

#define DP_BASE 31
#define N_PORTS 3
#define T0      1000000000000ull /* frozen clock, ns */

struct last_out {
	size_t n;
	uint8_t last[256];
	uint32_t last_len;
};

static void rec_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                       const struct dp_tunnel_md *tun)
{
	struct last_out *o = aux;

	o->n++;
	o->last_len = pkt->len;
	memcpy(o->last, pkt->data, pkt->len < sizeof o->last ? pkt->len : sizeof o->last);
}

static const struct dp_exec_ops rec_ops = {.output = rec_output};

static int setup(void **state)
{
	int r = bridge_fixture_setup(state, N_PORTS, DP_BASE);
	struct fixture *fx = *state;

	dpif_meter_set_clock(fx->sw->dpif, T0);
	return r;
}

static int teardown(void **state)
{
	return bridge_fixture_teardown(state);
}

static int meter(struct ofproto *br, enum ofp_meter_mod_command cmd, uint32_t id, uint16_t flags,
                 enum ofp_meter_band_type type, uint32_t rate, uint32_t burst, uint8_t prec,
                 struct ofperr *oe)
{
	struct ofp_meter_mod mm;
	struct errmsg err;

	memset(&mm, 0, sizeof mm);
	mm.command = cmd;
	mm.flags = flags;
	mm.meter_id = id;
	mm.n_bands = 1;
	mm.bands[0].type = type;
	mm.bands[0].rate = rate;
	mm.bands[0].burst_size = burst;
	mm.bands[0].prec_level = prec;
	return ofproto_meter_mod(br, &mm, oe, &err);
}

/* Sends 'n' copies of 't' on p1; returns how many came out. */
static size_t send_n(struct fixture *fx, const struct tb *t, size_t n, struct last_out *o)
{
	o->n = 0;
	for (size_t i = 0; i < n; i++)
		assert_true(bridge_receive(fx, 1, t, &rec_ops, o) >= 0);
	return o->n;
}

static void test_pktps_drop(void **state)
{
	struct fixture *fx = *state;
	struct ofp_meter_mod *mms;
	struct ofp_meter_stats *st;
	struct ofperr oe = {0};
	struct last_out o;
	struct tb t;
	size_t n;

	assert_int_equal(meter(fx->br, OFPMC_ADD, 1, OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS,
	                       OFPMBT_DROP, 1000, 100, 0, &oe),
	                 0);
	bridge_add_flow(fx->br, "priority=10,udp,actions=meter:1,output:2");
	pkt_udp4(&t, 0, 1, 53);
	/* A full bucket of 100 packets, then drops. */
	assert_int_equal(send_n(fx, &t, 300, &o), 100);
	/* 50 ms at 1000 packets/s: 50 more. */
	dpif_meter_set_clock(fx->sw->dpif, T0 + 50000000ull);
	assert_int_equal(send_n(fx, &t, 300, &o), 50);
	/* A long pause refills only up to the burst. */
	dpif_meter_set_clock(fx->sw->dpif, T0 + 60000000000ull);
	assert_int_equal(send_n(fx, &t, 300, &o), 100);

	ofproto_meter_dump(fx->br, OFPM_ALL, &mms, &st, &n);
	assert_int_equal(n, 1);
	assert_int_equal(mms[0].meter_id, 1);
	assert_int_equal(mms[0].flags, OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS);
	assert_int_equal(st[0].flow_count, 1);
	assert_int_equal(st[0].packets_in, 900);
	assert_int_equal(st[0].bytes_in, 900 * t.len);
	assert_int_equal(st[0].n_bands, 1);
	assert_int_equal(st[0].bands[0].packets, 650);
	free(mms);
	free(st);

	/* MODIFY keeps the counters and applies the new rate. */
	assert_int_equal(meter(fx->br, OFPMC_MODIFY, 1, OFPMF_PKTPS | OFPMF_BURST, OFPMBT_DROP, 10,
	                       5, 0, &oe),
	                 0);
	assert_int_equal(send_n(fx, &t, 20, &o), 5);
	ofproto_meter_dump(fx->br, 1, &mms, &st, &n);
	assert_int_equal(n, 1);
	assert_int_equal(st[0].packets_in, 920);
	assert_int_equal(mms[0].bands[0].rate, 10);
	free(mms);
	free(st);

	/* DELETE removes the rule that uses it. */
	assert_int_equal(meter(fx->br, OFPMC_DELETE, 1, 0, OFPMBT_DROP, 1, 0, 0, &oe), 0);
	{
		struct ofproto_flow_info *flows;

		ofproto_flow_dump(fx->br, NULL, &flows, &n);
		for (size_t i = 0; i < n; i++)
			assert_int_not_equal(flows[i].priority, 10);
		ofproto_flow_info_free(flows, n);
	}
	ofproto_meter_dump(fx->br, OFPM_ALL, &mms, NULL, &n);
	assert_int_equal(n, 0);
	free(mms);
}

static void test_kbps_default_burst(void **state)
{
	struct fixture *fx = *state;
	struct ofperr oe = {0};
	struct last_out o;
	struct tb t;
	size_t bits, first;

	dpif_meter_set_clock(fx->sw->dpif, T0);
	/* 800 kbit/s, no burst given: 80 kbit (a tenth of a second). */
	assert_int_equal(meter(fx->br, OFPMC_ADD, 2, OFPMF_KBPS, OFPMBT_DROP, 800, 0, 0, &oe), 0);
	bridge_add_flow(fx->br, "priority=10,udp,actions=meter:2,output:2");
	pkt_udp4(&t, 0, 2, 53);
	bits = t.len * 8;
	first = send_n(fx, &t, 1000, &o);
	assert_int_equal(first, 80000 / bits);
	/* 10 ms: 8 kbit more (plus what was left over). */
	dpif_meter_set_clock(fx->sw->dpif, T0 + 10000000ull);
	assert_int_equal(send_n(fx, &t, 1000, &o), (80000 - first * bits + 8000) / bits);
	assert_int_equal(meter(fx->br, OFPMC_DELETE, 2, 0, OFPMBT_DROP, 1, 0, 0, &oe), 0);
}

static uint16_t ipv4_csum_ok(const uint8_t *ip)
{
	return ref_fold(ref_sum(ip, 20, 0)) == 0xffff;
}

static void test_dscp_remark(void **state)
{
	struct fixture *fx = *state;
	struct ofperr oe = {0};
	struct last_out o;
	struct tb t;

	dpif_meter_set_clock(fx->sw->dpif, T0);
	assert_int_equal(meter(fx->br, OFPMC_ADD, 3, OFPMF_PKTPS | OFPMF_BURST, OFPMBT_DSCP_REMARK,
	                       10, 10, 1, &oe),
	                 0);
	bridge_add_flow(fx->br, "priority=10,udp,actions=meter:3,output:2");
	pkt_udp4(&t, 10 << 2 | 1, 3, 53); /* AF11, ECN 1 */
	assert_int_equal(send_n(fx, &t, 10, &o), 10);
	assert_int_equal(o.last[15], 10 << 2 | 1);
	/* Over the rate: passed with AF12, ECN kept, checksum right. */
	assert_int_equal(send_n(fx, &t, 5, &o), 5);
	assert_int_equal(o.last[15], 12 << 2 | 1);
	assert_true(ipv4_csum_ok(o.last + 14));
	/* A non-AF DSCP (EF) is left alone. */
	pkt_udp4(&t, 46 << 2, 4, 53);
	assert_int_equal(send_n(fx, &t, 3, &o), 3);
	assert_int_equal(o.last[15], 46 << 2);

	assert_int_equal(dp_dscp_raise_prec(10, 1), 12);
	assert_int_equal(dp_dscp_raise_prec(10, 2), 14);
	assert_int_equal(dp_dscp_raise_prec(14, 1), 14);
	assert_int_equal(dp_dscp_raise_prec(34, 5), 38);
	assert_int_equal(dp_dscp_raise_prec(0, 1), 0);
	assert_int_equal(dp_dscp_raise_prec(46, 1), 46);
	assert_int_equal(meter(fx->br, OFPMC_DELETE, OFPM_ALL, 0, OFPMBT_DROP, 1, 0, 0, &oe), 0);
}

static void test_errors(void **state)
{
	struct fixture *fx = *state;
	struct ofperr oe = {0};

	assert_int_equal(bridge_flow_mod(fx->br, FLOW_TEXT_ADD, "actions=meter:9,output:2", &oe),
	                 -ENOENT);
	assert_int_equal(oe.type, OFPET_METER_MOD_FAILED);
	assert_int_equal(oe.code, OFPMMFC_UNKNOWN_METER);
	oe.set = false;
	assert_int_equal(meter(fx->br, OFPMC_ADD, 9, OFPMF_PKTPS, OFPMBT_DROP, 5, 0, 0, &oe), 0);
	assert_int_equal(meter(fx->br, OFPMC_ADD, 9, OFPMF_PKTPS, OFPMBT_DROP, 5, 0, 0, &oe),
	                 -EEXIST);
	assert_int_equal(oe.code, OFPMMFC_METER_EXISTS);
	oe.set = false;
	assert_int_equal(meter(fx->br, OFPMC_MODIFY, 10, OFPMF_PKTPS, OFPMBT_DROP, 5, 0, 0, &oe),
	                 -ENOENT);
	assert_int_equal(oe.code, OFPMMFC_UNKNOWN_METER);
	oe.set = false;
	assert_int_equal(meter(fx->br, OFPMC_DELETE, 10, 0, OFPMBT_DROP, 5, 0, 0, &oe), -ENOENT);
	assert_int_equal(oe.code, OFPMMFC_UNKNOWN_METER);
	/* Bad meters are refused by ofp_meter_mod_check (rate 0). */
	oe.set = false;
	assert_true(meter(fx->br, OFPMC_ADD, 11, OFPMF_PKTPS, OFPMBT_DROP, 0, 0, 0, &oe) < 0);
	assert_true(oe.set);
	assert_int_equal(oe.type, OFPET_METER_MOD_FAILED);
	oe.set = false;
	assert_int_equal(bridge_flow_mod(fx->br, FLOW_TEXT_ADD, "actions=meter:9,output:2", &oe),
	                 0);
	assert_int_equal(meter(fx->br, OFPMC_DELETE, 9, 0, OFPMBT_DROP, 5, 0, 0, &oe), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pktps_drop),
	        cmocka_unit_test(test_kbps_default_burst),
	        cmocka_unit_test(test_dscp_remark),
	        cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
