/* test-revalidate.c - the fast path never disagrees with the slow path:
 * random flow-table edits (add/modify/delete, strict or not), FDB and
 * megaflow flushes, interleaved with random packets run through the
 * datapath's caches (dpif_receive: EMC, megaflows, upcall, install), each
 * compared with a fresh translation executed on a copy of the packet
 * (rules may use groups whose buckets set fields without prerequisites).
 * Also: rule statistics come from megaflow statistics. */
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
#include "lib/flow.h"
#include "lib/packet-edit.h"
#include "ofproto/ofproto-ofp.h"
#include "ofproto/ofproto-private.h"
#include "ofproto/xlate.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-group.h"
#include "pkt-fixture.h"

#define DP_BASE 21 /* port pN (ofport N) is datapath port DP_BASE + N - 1 */
#define N_PORTS 4

static uint32_t rng_state = 0x2545f491;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static uint32_t pick(uint32_t n)
{
	return rng() % n;
}

static void rec_userspace(void *aux, uint64_t cookie, const struct pkt *pkt, unsigned flags,
                          const struct flow *flow)
{
	outs_record(aux, UINT32_MAX, pkt, flags, NULL); /* port UINT32_MAX: userspace */
}

static const struct dp_exec_ops rec_ops = {.output = outs_record, .userspace = rec_userspace};

static int setup(void **state)
{
	return bridge_fixture_setup(state, N_PORTS, DP_BASE);
}

static int teardown(void **state)
{
	return bridge_fixture_teardown(state);
}

/* Applies 'text' as 'cmd'; returns the error (parse errors included). */
static int try_mod(struct ofproto *br, enum flow_text_cmd cmd, bool strict, const char *text)
{
	struct flow_text_mod fm;
	struct errmsg err;
	int error = flow_text_parse(text, cmd, ofproto_port_names(br), &fm, &err);

	if (!error)
		error = ofproto_flow_mod(br, cmd, strict, &fm, &err);
	flow_text_mod_uninit(&fm);
	return error;
}

/* ---- random packets ---- */

static const uint8_t macs[4][6] = {
        {0x02, 0, 0, 0, 0, 0x01},
        {0x02, 0, 0, 0, 0, 0x02},
        {0x02, 0, 0, 0, 0, 0x03},
        {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
};

/* Builds a random packet into 't'; returns its ingress ofport. */
static uint32_t random_packet(struct tb *t)
{
	static const uint32_t dsts[] = {0x0a000001, 0x0a000002, 0x0a000101};
	static const uint8_t ttls[] = {1, 2, 64};
	uint16_t tpid = 0x8100, tci = (uint16_t)(pick(2) ? 10 : 20);
	int n_tags = pick(3) == 0;
	unsigned kind = pick(4);
	uint16_t type = kind == 3 ? 0x0806 : 0x0800;

	tb_eth(t, n_tags, &tpid, &tci, type);
	memcpy(t->b, macs[pick(4)], 6);
	memcpy(t->b + 6, macs[pick(3)], 6);
	if (kind == 3) { /* ARP request */
		tb_u16(t, 1);
		tb_u16(t, 0x0800);
		tb_u8(t, 6);
		tb_u8(t, 4);
		tb_u16(t, 1);
		tb_bytes(t, t->b + 6, 6);
		tb_u32(t, 0x0a000001);
		tb_fill(t, 0, 6);
		tb_u32(t, dsts[pick(3)]);
	} else if (kind == 2) {
		tb_ipv4(t, 6, 0x0a000003, dsts[pick(3)], 0, ttls[pick(3)], 0, 20, 0);
		tb_tcp(t, 1000, pick(2) ? 80 : 53, 0x02, 0);
		tb_l4_csum(t, 6);
	} else {
		tb_ipv4(t, 17, 0x0a000003, dsts[pick(3)], 0, ttls[pick(3)], 0, 8 + 4, 0);
		tb_udp(t, 1000, pick(2) ? 80 : 53, 4);
		tb_l4_csum(t, 17);
	}
	return 1 + pick(N_PORTS);
}

/* ---- random flow-table edits ---- */

static const char *const matches[] = {
        "",
        "in_port=1",
        "in_port=2",
        "ip",
        "ip,nw_dst=10.0.0.1",
        "ip,nw_dst=10.0.0.0/24",
        "udp,tp_dst=53",
        "tcp,tp_dst=80",
        "arp",
        "dl_dst=02:00:00:00:00:02",
        "dl_src=02:00:00:00:00:01",
        "dl_vlan=10",
        "vlan_tci=0/0x1000",
        "metadata=0x1/0x1",
        "ip,nw_ttl=63",
        "ip,nw_ttl=1",
};

static const char *const actions[] = {
        "drop",
        "output:1",
        "output:2",
        "output:3,output:4",
        "NORMAL",
        "FLOOD",
        "IN_PORT",
        "CONTROLLER",
        "mod_vlan_vid:10,output:2",
        "push_vlan:0x8100,output:3",
        "strip_vlan,output:4",
        "dec_ttl,output:2",
        "dec_ttl,NORMAL",
        "set_field:02:00:00:00:00:02->eth_dst,NORMAL",
        "output:1,set_field:02:00:00:00:00:07->eth_src,output:2",
        "write_actions(output:3)",
        "clear_actions",
        "set_field:10.0.0.2->nw_dst,GOTO",
        "set_field:63->nw_ttl,GOTO",
        "write_metadata:0x1/0x1,GOTO",
        "GOTO",
        "output:4,GOTO",
        "write_actions(set_field:5->vlan_pcp,output:1),GOTO",
        /* Groups whose buckets set fields without prerequisites
         * (add_groups()). */
        "group:1",
        "group:2",
        "dec_ttl,group:1,output:3",
        "write_actions(group:2)",
};

/* A random flow-mod string for 'cmd'. */
static void random_mod(char *buf, size_t len, enum flow_text_cmd cmd)
{
	static const unsigned prios[] = {0, 10, 20, 30};
	unsigned table = pick(3);
	const char *m = matches[pick(ARRAY_SIZE(matches))];
	char acts[200];
	size_t k;

	if (cmd == FLOW_TEXT_DELETE) {
		snprintf(buf, len, "table=%u,priority=%u%s%s", table, prios[pick(4)], *m ? "," : "",
		         m);
		return;
	}
	snprintf(acts, sizeof acts, "%s", actions[pick(ARRAY_SIZE(actions))]);
	{
		char *g = strstr(acts, "GOTO");

		if (g) {
			char tail[32];

			snprintf(tail, sizeof tail, "goto_table:%u", table + 1 + pick(2));
			*g = 0;
			k = strlen(acts);
			snprintf(acts + k, sizeof acts - k, "%s", tail);
		}
	}
	snprintf(buf, len, "table=%u,priority=%u%s%s,actions=%s", table, prios[pick(4)],
	         *m ? "," : "", m, acts);
}

static void random_edit(struct fixture *fx)
{
	char text[300];
	unsigned r = pick(100);

	if (r < 55) {
		random_mod(text, sizeof text, FLOW_TEXT_ADD);
		try_mod(fx->br, FLOW_TEXT_ADD, false, text);
	} else if (r < 70) {
		random_mod(text, sizeof text, FLOW_TEXT_MODIFY);
		try_mod(fx->br, FLOW_TEXT_MODIFY, r < 62, text);
	} else if (r < 90) {
		random_mod(text, sizeof text, FLOW_TEXT_DELETE);
		try_mod(fx->br, FLOW_TEXT_DELETE, r < 80, text);
	} else if (r < 94) {
		ofproto_fdb_flush(fx->br);
	} else if (r < 97) {
		ofproto_megaflow_flush(fx->br);
	} else {
		assert_int_equal(
		        try_mod(fx->br, FLOW_TEXT_ADD, false, "table=0,priority=0,actions=NORMAL"),
		        0);
	}
}

/* Groups for the "group:N" actions: buckets set fields the packet may not
 * have (IPv4 on ARP, a VID on an untagged packet, ports on ARP). */
static void add_groups(struct ofproto *br)
{
	static const char *const groups[] = {
	        "group_id=1,type=select,"
	        "bucket=set_field:10.0.0.9->ip_dst,set_field:5->vlan_vid,output:2,"
	        "bucket=mod_tp_dst:8080,set_field:3->vlan_pcp,output:3,"
	        "bucket=set_field:10.0.0.7->arp_tpa,pop_vlan,output:4",
	        "group_id=2,type=all,bucket=set_field:10.0.0.2->ip_dst,NORMAL,"
	        "bucket=mod_vlan_vid:9,set_field:63->nw_ttl,output:1,"
	        "bucket=set_field:2001:db8::1->ipv6_dst,set_field:7->udp_src,output:IN_PORT",
	};

	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		bridge_add_group(br, groups[i]);
}

/* ---- fast path vs slow path ---- */

static void slow_path(struct fixture *fx, uint32_t ofport, const struct tb *t, struct outs *o)
{
	bridge_slow_path(fx, ofport, t, &rec_ops, o);
}

/* Runs 't' through the datapath; returns 1 for a cache hit, 0 for an
 * upcall. */
static int fast_path(struct fixture *fx, uint32_t ofport, const struct tb *t, struct outs *o)
{
	o->n = 0;
	return bridge_receive(fx, ofport, t, &rec_ops, o);
}

static void compare(const struct outs *fast, const struct outs *slow, const struct tb *t,
                    unsigned iter)
{
	bool same = fast->n == slow->n;

	for (size_t i = 0; same && i < fast->n; i++)
		same = fast->r[i].port == slow->r[i].port && fast->r[i].len == slow->r[i].len &&
		       !memcmp(fast->r[i].bytes, slow->r[i].bytes, fast->r[i].len);
	if (!same) {
		char buf[512];
		struct pkt pkt = {.data = (uint8_t *)t->b, .len = (uint32_t)t->len};
		struct flow f;

		flow_extract(&pkt, 0, &f);
		flow_format(&f, NULL, buf, sizeof buf);
		fprintf(stderr, "iteration %u: packet %s\n", iter, buf);
		for (size_t i = 0; i < fast->n; i++)
			fprintf(stderr, "  fast: port %u len %u\n", fast->r[i].port,
			        fast->r[i].len);
		for (size_t i = 0; i < slow->n; i++)
			fprintf(stderr, "  slow: port %u len %u\n", slow->r[i].port,
			        slow->r[i].len);
		fail_msg("fast path and slow path disagree");
	}
}

static void test_random_equivalence(void **state)
{
	struct fixture *fx = *state;
	unsigned hits = 0, packets = 0;
	const unsigned iters = 6000;
	const char *seed = getenv("PB_TEST_SEED"); /* to explore other sequences */

	if (seed && atoi(seed))
		rng_state = (uint32_t)atoi(seed);
	add_groups(fx->br);

	for (unsigned i = 0; i < iters; i++) {
		if (pick(4) == 0) {
			random_edit(fx);
		} else {
			struct outs fast, slow;
			struct tb t;
			uint32_t in = random_packet(&t);
			int r = fast_path(fx, in, &t, &fast);

			/* MAC changes are revalidated asynchronously: wait for
			 * it as the datapath's next packet would (shortly). */
			ofswitch_revalidate_pending(fx->sw);
			slow.n = 0;
			slow_path(fx, in, &t, &slow);
			compare(&fast, &slow, &t, i);
			hits += r == 1;
			packets++;
		}
	}
	/* The caches answered a good share: the test exercised them. */
	print_message("%u packets, %u cache hits, %zu megaflows\n", packets, hits,
	              dpif_flow_count(fx->sw->dpif));
	assert_true(hits > packets / 4);
}

/* Megaflow statistics are credited to the rules the translation hit. */
static void test_stats_credit(void **state)
{
	struct fixture *fx = *state;
	struct ofproto_flow_info *flows;
	struct outs o;
	struct tb t;
	size_t n;
	int r;

	assert_int_equal(try_mod(fx->br, FLOW_TEXT_DELETE, false, ""), 0);
	assert_int_equal(try_mod(fx->br, FLOW_TEXT_ADD, false,
	                         "table=0,priority=10,ip,actions=goto_table:3"),
	                 0);
	assert_int_equal(
	        try_mod(fx->br, FLOW_TEXT_ADD, false, "table=3,priority=10,actions=output:2"), 0);
	tb_eth(&t, 0, NULL, NULL, 0x0800);
	tb_ipv4(&t, 17, 0x0a000003, 0x0a000001, 0, 64, 0, 8, 0);
	tb_udp(&t, 1, 2, 0);
	tb_l4_csum(&t, 17);
	for (int i = 0; i < 5; i++) {
		r = fast_path(fx, 1, &t, &o);
		assert_int_equal(r, i ? 1 : 0);
		assert_int_equal(o.n, 1);
		assert_int_equal(o.r[0].port, DP_BASE + 1);
	}
	ofproto_flow_dump(fx->br, NULL, &flows, &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(flows[i].packets, 5);
		assert_int_equal(flows[i].bytes, 5 * t.len);
	}
	ofproto_flow_info_free(flows, n);

	/* A change of the second table's actions repairs the megaflow: the
	 * next packet is a cache hit with the new output. */
	assert_int_equal(try_mod(fx->br, FLOW_TEXT_MODIFY, false, "table=3,actions=output:3"), 0);
	r = fast_path(fx, 1, &t, &o);
	assert_int_equal(r, 1);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.r[0].port, DP_BASE + 2);
	/* Deleting it makes a miss in table 3: drop. */
	assert_int_equal(try_mod(fx->br, FLOW_TEXT_DELETE, false, "table=3"), 0);
	r = fast_path(fx, 1, &t, &o);
	assert_int_equal(o.n, 0);
}

/* After a destination is learned, flood megaflows towards it are repaired
 * by the revalidator thread without help. */
static void test_learning_repairs_flood(void **state)
{
	struct fixture *fx = *state;
	struct outs o;
	struct tb a2b, b2a;
	int i;

	tb_eth(&a2b, 0, NULL, NULL, 0x0800);
	memcpy(a2b.b, macs[1], 6);
	memcpy(a2b.b + 6, macs[0], 6);
	tb_ipv4(&a2b, 17, 1, 2, 0, 64, 0, 8, 0);
	tb_udp(&a2b, 1, 2, 0);
	b2a = a2b;
	memcpy(b2a.b, macs[0], 6);
	memcpy(b2a.b + 6, macs[1], 6);

	fast_path(fx, 1, &a2b, &o); /* a on p1 -> b unknown: flood */
	assert_int_equal(o.n, N_PORTS - 1);
	fast_path(fx, 1, &a2b, &o);
	assert_int_equal(o.n, N_PORTS - 1);
	fast_path(fx, 2, &b2a, &o); /* b learned on p2 */
	assert_int_equal(o.n, 1);
	for (i = 0; i < 200; i++) {
		fast_path(fx, 1, &a2b, &o);
		if (o.n == 1)
			break;
		usleep(5000);
	}
	assert_int_equal(o.n, 1);
	assert_int_equal(o.r[0].port, DP_BASE + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_stats_credit, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_learning_repairs_flood, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_random_equivalence, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
