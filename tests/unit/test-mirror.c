/* test-mirror.c - NORMAL with port VLAN settings and mirrors on a bridge of
 * device-less ports: frames are run through the datapath's caches
 * (dpif_receive) and the frames each port gets are checked: VLAN isolation,
 * tagging per port mode, QinQ, the VLAN-hopping drop and its exact counter,
 * SPAN and RSPAN copies (unaltered originals, exact counters), and a
 * random test that the fast path always agrees with a fresh translation
 * while settings and mirrors change. */
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
#include "ofproto/mirror.h"
#include "ofproto/ofproto-private.h"
#include "ofproto/xlate.h"
#include "pkt-fixture.h"
#include "test-rand.h"

#define DP_BASE 31
#define N_PORTS 5

static int setup(void **state)
{
	return bridge_fixture_setup(state, N_PORTS, DP_BASE);
}

static int teardown(void **state)
{
	return bridge_fixture_teardown(state);
}

/* "key=value key=value" applied to port 'port' (checked). */
static void set_vlan(struct ofproto *br, const char *port, const char *settings)
{
	char buf[200], *save = NULL, *kv;
	struct vlan_port_cfg cfg;
	struct errmsg err;

	vlan_port_cfg_init(&cfg);
	snprintf(buf, sizeof buf, "%s", settings);
	for (kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(kv, '=');

		assert_non_null(eq);
		*eq = '\0';
		if (vlan_port_cfg_set(&cfg, kv, eq + 1, &err))
			fail_msg("%s: %s", kv, err.msg);
	}
	if (vlan_port_cfg_check(&cfg, &err))
		fail_msg("%s: %s", settings, err.msg);
	ofproto_port_set_vlan(br, port, &cfg);
}

static void add_mirror(struct ofproto *br, const char *name, const char *options)
{
	char buf[200], *save = NULL, *kv;
	struct mirror_cfg m;
	struct errmsg err;

	mirror_cfg_init(&m, name);
	snprintf(buf, sizeof buf, "%s", options);
	for (kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(kv, '=');

		assert_non_null(eq);
		*eq = '\0';
		if (mirror_cfg_set(&m, kv, eq + 1, &err))
			fail_msg("%s: %s", kv, err.msg);
	}
	if (mirror_cfg_check(&m, &err) || ofproto_mirror_set(br, &m, &err))
		fail_msg("%s: %s", options, err.msg);
	mirror_cfg_uninit(&m);
}

/* ---- frames and what ports got ---- */

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* An IPv4/UDP frame src -> dst with tags ((tpid, tci) pairs). */
static void build(struct tb *t, const uint8_t *src, const uint8_t *dst, int n_tags,
                  const uint16_t *tags, uint16_t payload_id)
{
	uint16_t tpids[2], tcis[2];

	for (int i = 0; i < n_tags; i++) {
		tpids[i] = tags[2 * i];
		tcis[i] = tags[2 * i + 1];
	}
	tb_eth(t, n_tags, tpids, tcis, 0x0800);
	memcpy(t->b, dst, 6);
	memcpy(t->b + 6, src, 6);
	tb_ipv4(t, 17, 0x0a000001, 0x0a000002, 0, 64, 0, 8 + 2, 0);
	tb_udp(t, payload_id, 2000, 2);
	tb_l4_csum(t, 17);
}

/* Records OpenFlow ports. */
static void rec_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                       const struct dp_tunnel_md *tun)
{
	struct outs *o = aux;

	outs_record(aux, port, pkt, flags, tun);
	o->r[o->n - 1].port = port - DP_BASE + 1;
}

static const struct dp_exec_ops rec_ops = {.output = rec_output};

static int fast_path(struct fixture *fx, uint32_t ofport, const struct tb *t, struct outs *o)
{
	o->n = 0;
	return bridge_receive(fx, ofport, t, &rec_ops, o);
}

static void slow_path(struct fixture *fx, uint32_t ofport, const struct tb *t, struct outs *o)
{
	o->n = 0;
	bridge_slow_path(fx, ofport, t, &rec_ops, o);
}

/* The frame port 'port' got (asserting it got exactly one), or NULL if
 * 'want' is NULL and it got none. */
static void expect(const struct outs *o, uint32_t port, const struct tb *want)
{
	size_t n = 0, at = 0;

	for (size_t i = 0; i < o->n; i++)
		if (o->r[i].port == port) {
			n++;
			at = i;
		}
	if (!want) {
		if (n)
			fail_msg("port %u got %zu frame(s), expected none", port, n);
		return;
	}
	if (n != 1)
		fail_msg("port %u got %zu frames, expected 1", port, n);
	if (o->r[at].len != want->len || memcmp(o->r[at].bytes, want->b, want->len))
		fail_msg("port %u got a different frame (len %u, expected %zu)", port, o->r[at].len,
		         want->len);
}

/* Sends 't' until a copy is a cache hit (the first upcall may race with
 * the revalidation its learning triggers and stay uninstalled) and checks
 * that every copy was handled the same. */
static unsigned send2(struct fixture *fx, uint32_t in, const struct tb *t, struct outs *o)
{
	struct outs again;
	unsigned sent = 1;
	int r = 0;

	fast_path(fx, in, t, o);
	for (int tries = 0; tries < 10 && r != 1; tries++) {
		ofswitch_revalidate_pending(fx->sw);
		r = fast_path(fx, in, t, &again);
		sent++;
		assert_int_equal(again.n, o->n);
		for (size_t i = 0; i < o->n; i++) {
			assert_int_equal(again.r[i].port, o->r[i].port);
			assert_memory_equal(again.r[i].bytes, o->r[i].bytes, o->r[i].len);
		}
	}
	assert_int_equal(r, 1);
	return sent;
}

#define Q(v)  0x8100, (v)
#define AD(v) 0x88a8, (v)

static void test_access_trunk(void **state)
{
	struct fixture *fx = *state;
	struct tb in, untagged, t10, t20;
	struct outs o;

	set_vlan(fx->br, "p1", "vlan-mode=access tag=10");
	set_vlan(fx->br, "p2", "tag=10");
	set_vlan(fx->br, "p3", "vlan-mode=access tag=20");
	set_vlan(fx->br, "p4", "vlan-mode=trunk trunks=10,20");
	/* p5: nothing set (a trunk of every VLAN) */

	build(&in, mac_a, bcast, 0, NULL, 1);
	untagged = in;
	build(&t10, mac_a, bcast, 1, (uint16_t[]){Q(10)}, 1);
	send2(fx, 1, &in, &o);
	assert_int_equal(o.n, 3);
	expect(&o, 2, &untagged);
	expect(&o, 3, NULL); /* another VLAN */
	expect(&o, 4, &t10);
	expect(&o, 5, &t10);

	/* VLAN 20 from the trunk: untagged to p3, tagged to p5 only. */
	build(&t20, mac_b, bcast, 1, (uint16_t[]){Q(20)}, 2);
	build(&untagged, mac_b, bcast, 0, NULL, 2);
	send2(fx, 4, &t20, &o);
	assert_int_equal(o.n, 2);
	expect(&o, 3, &untagged);
	expect(&o, 5, &t20);

	/* Learned per VLAN: a in VLAN 10 is on p1, so unicast from p4 in VLAN
	 * 10 goes to p1 only, untagged; in VLAN 20 the same MAC is unknown. */
	build(&in, mac_b, mac_a, 1, (uint16_t[]){Q(10)}, 3);
	build(&untagged, mac_b, mac_a, 0, NULL, 3);
	send2(fx, 4, &in, &o);
	assert_int_equal(o.n, 1);
	expect(&o, 1, &untagged);
	build(&in, mac_b, mac_a, 1, (uint16_t[]){Q(20)}, 4);
	send2(fx, 4, &in, &o);
	build(&untagged, mac_b, mac_a, 0, NULL, 4);
	assert_int_equal(o.n, 2);
	expect(&o, 3, &untagged);
	expect(&o, 5, &in);
}

/* Frames an access port must refuse, a VLAN a trunk does not carry: no
 * output at all, and counted exactly although later copies hit the cache. */
static void test_hopping_dropped_and_counted(void **state)
{
	struct fixture *fx = *state;
	struct tb hop, prio, t30;
	struct outs o;

	set_vlan(fx->br, "p1", "vlan-mode=access tag=10");
	set_vlan(fx->br, "p2", "vlan-mode=access tag=20");
	set_vlan(fx->br, "p3", "vlan-mode=trunk trunks=10,20");
	/* Double tag: own VLAN outside, victim's inside. */
	build(&hop, mac_a, bcast, 2, (uint16_t[]){Q(10), Q(20)}, 1);
	for (int i = 0; i < 5; i++) {
		fast_path(fx, 1, &hop, &o);
		assert_int_equal(o.n, 0);
	}
	build(&t30, mac_b, bcast, 1, (uint16_t[]){Q(30)}, 2);
	for (int i = 0; i < 3; i++) {
		fast_path(fx, 3, &t30, &o);
		assert_int_equal(o.n, 0);
	}
	/* A priority-tagged frame is the access VLAN's: not dropped. */
	build(&prio, mac_a, bcast, 1, (uint16_t[]){Q(3 << 13)}, 3);
	fast_path(fx, 1, &prio, &o);
	assert_int_equal(o.n, 3); /* p3, and p4, p5 (nothing set: every VLAN) */
	for (size_t i = 0; i < o.n; i++) {
		assert_int_equal(o.r[i].bytes[14], 3 << 5); /* PCP kept, VID 10 */
		assert_int_equal(o.r[i].bytes[15], 10);
	}

	ofproto_l2_push_stats(fx->br);
	assert_int_equal(ofproto_port_vlan_drops(fx->br, "p1"), 5);
	assert_int_equal(ofproto_port_vlan_drops(fx->br, "p3"), 3);
	assert_int_equal(ofproto_port_vlan_drops(fx->br, "p2"), 0);
	/* No learning from refused frames. */
	assert_int_equal(mac_table_lookup(fx->br->macs, 30, mac_b), MAC_TABLE_PORT_NONE);
}

static void test_qinq_tunnel(void **state)
{
	struct fixture *fx = *state;
	struct tb cust, prov, back, cust_back;
	struct outs o;

	set_vlan(fx->br, "p1", "vlan-mode=dot1q-tunnel tag=100");
	set_vlan(fx->br, "p2", "vlan-mode=dot1q-tunnel tag=100 cvlans=7");
	set_vlan(fx->br, "p3", "vlan-mode=trunk trunks=100");
	set_vlan(fx->br, "p4", "vlan-mode=dot1q-tunnel tag=200");
	/* p5: nothing set */
	build(&cust, mac_a, bcast, 1, (uint16_t[]){Q(7)}, 1);
	build(&prov, mac_a, bcast, 2, (uint16_t[]){AD(100), Q(7)}, 1);
	send2(fx, 1, &cust, &o);
	assert_int_equal(o.n, 3);
	expect(&o, 2, &cust); /* customer tag preserved, service tag gone */
	expect(&o, 3, &prov);
	expect(&o, 5, &prov);
	expect(&o, 4, NULL);

	/* Back from the provider trunk. */
	build(&back, mac_b, mac_a, 2, (uint16_t[]){AD(100), Q(7)}, 2);
	build(&cust_back, mac_b, mac_a, 1, (uint16_t[]){Q(7)}, 2);
	send2(fx, 3, &back, &o);
	assert_int_equal(o.n, 1);
	expect(&o, 1, &cust_back);

	/* cvlans: customer VLAN 8 is refused on p2. */
	build(&cust, mac_b, bcast, 1, (uint16_t[]){Q(8)}, 3);
	fast_path(fx, 2, &cust, &o);
	assert_int_equal(o.n, 0);
	ofproto_l2_push_stats(fx->br);
	assert_int_equal(ofproto_port_vlan_drops(fx->br, "p2"), 1);
}

static void mirror_counts(struct ofproto *br, const char *name, uint64_t packets, uint64_t bytes)
{
	uint64_t p, b;

	ofproto_l2_push_stats(br);
	assert_int_equal(ofproto_mirror_stats(br, name, &p, &b), 0);
	assert_int_equal(p, packets);
	assert_int_equal(b, bytes);
}

static void test_span(void **state)
{
	struct fixture *fx = *state;
	struct tb in, from_mirror;
	struct outs o;
	size_t len1;
	unsigned n;

	add_mirror(fx->br, "m1", "select-src=p1 output-port=p5");
	build(&in, mac_a, mac_b, 1, (uint16_t[]){Q(10)}, 1);
	len1 = in.len;
	for (int i = 0; i < 4; i++) {
		fast_path(fx, 1, &in, &o);
		/* The copy comes first and is the frame as received. */
		assert_int_equal(o.n, 4);
		assert_int_equal(o.r[0].port, 5);
		expect(&o, 5, &in);
		expect(&o, 2, &in);
		expect(&o, 3, &in);
		expect(&o, 4, &in);
	}
	mirror_counts(fx->br, "m1", 4, 4 * len1);

	/* Not selected: p2's frames are not copied, and the mirror port gets no
	 * flooded traffic. */
	build(&in, mac_b, bcast, 0, NULL, 2);
	fast_path(fx, 2, &in, &o);
	assert_int_equal(o.n, 3);
	expect(&o, 5, NULL);
	/* What the mirror port sends is dropped and not learned. */
	build(&from_mirror, mac_b, bcast, 0, NULL, 3);
	memcpy(from_mirror.b + 6, (uint8_t[]){0x02, 0, 0, 0, 0, 0x55}, 6);
	fast_path(fx, 5, &from_mirror, &o);
	assert_int_equal(o.n, 0);
	assert_int_equal(mac_table_lookup(fx->br->macs, 0, from_mirror.b + 6), MAC_TABLE_PORT_NONE);
	mirror_counts(fx->br, "m1", 4, 4 * len1);

	/* Selected twice (source and destination, two mirrors to one port):
	 * still one copy; both mirrors count it. */
	add_mirror(fx->br, "m2", "select-dst=p2 output-port=p5");
	add_mirror(fx->br, "m1", "select-src=p1 select-dst=p2 output-port=p5");
	build(&in, mac_a, bcast, 0, NULL, 4);
	n = send2(fx, 1, &in, &o);
	assert_int_equal(o.n, 4);
	expect(&o, 5, &in);
	mirror_counts(fx->br, "m2", n, n * in.len);
	/* Deleting a mirror frees its output port for normal traffic. */
	assert_int_equal(ofproto_mirror_del(fx->br, "m1"), 0);
	assert_int_equal(ofproto_mirror_del(fx->br, "m1"), -ENOENT);
	assert_int_equal(ofproto_mirror_del(fx->br, "m2"), 0);
	fast_path(fx, 1, &in, &o);
	assert_int_equal(o.n, 4);
	expect(&o, 5, &in);
}

static void test_select_dst_vlan_and_rspan(void **state)
{
	struct fixture *fx = *state;
	struct tb in, untagged, t10, t999;
	struct outs o;
	unsigned n;

	set_vlan(fx->br, "p1", "tag=10");
	set_vlan(fx->br, "p2", "tag=10");
	set_vlan(fx->br, "p3", "tag=20");
	set_vlan(fx->br, "p4", "vlan-mode=trunk trunks=10,20,999");
	set_vlan(fx->br, "p5", "vlan-mode=trunk trunks=20");
	/* Egress selection of p2, VLAN 10 only, RSPAN on VLAN 999. */
	add_mirror(fx->br, "r", "select-dst=p2 select-vlan=10 output-vlan=999");
	build(&in, mac_a, bcast, 0, NULL, 1);
	build(&t10, mac_a, bcast, 1, (uint16_t[]){Q(10)}, 1);
	build(&t999, mac_a, bcast, 1, (uint16_t[]){Q(999)}, 1);
	n = send2(fx, 1, &in, &o);
	/* Originals: p2 untagged, p4 tagged 10; the copy: p4 tagged 999. */
	assert_int_equal(o.n, 3);
	expect(&o, 2, &in);
	for (size_t i = 0, n4 = 0; i < o.n; i++) {
		if (o.r[i].port != 4)
			continue;
		if (!n4++)
			assert_memory_equal(o.r[i].bytes, i < 2 ? t10.b : t999.b, t10.len);
	}
	{
		bool seen10 = false, seen999 = false;

		for (size_t i = 0; i < o.n; i++) {
			if (o.r[i].port != 4)
				continue;
			seen10 |= !memcmp(o.r[i].bytes, t10.b, t10.len);
			seen999 |= !memcmp(o.r[i].bytes, t999.b, t999.len);
		}
		assert_true(seen10 && seen999);
	}
	mirror_counts(fx->br, "r", n, n * in.len);

	/* VLAN 20 frames are not selected. */
	build(&untagged, mac_b, bcast, 0, NULL, 2);
	fast_path(fx, 3, &untagged, &o);
	assert_int_equal(o.n, 2); /* p4 and p5 tagged 20 */
	mirror_counts(fx->br, "r", n, n * in.len);
}

/* ---- random: fast path == slow path ---- */

static const char *const port_settings[] = {
        "",
        "tag=10",
        "tag=20",
        "vlan-mode=trunk",
        "vlan-mode=trunk trunks=10,20",
        "vlan-mode=trunk trunks=0,20",
        "vlan-mode=native-tagged tag=10 trunks=20",
        "vlan-mode=native-untagged tag=20",
        "vlan-mode=dot1q-tunnel tag=10",
        "vlan-mode=dot1q-tunnel tag=20 cvlans=0,5",
};

static const char *const mirror_settings[] = {
        "select-all=true output-port=p5",  "select-src=p1 output-port=p4",
        "select-dst=p2,p3 output-port=p5", "select-src=p1,p2 select-vlan=10 output-vlan=20",
        "select-dst=p3 output-vlan=10",    "select-all=true select-vlan=0,20 output-vlan=30",
};

static const char *const flows[] = {
        "table=0,priority=0,actions=NORMAL",
        "table=0,priority=5,dl_vlan=10,actions=pop_vlan,NORMAL",
        "table=0,priority=5,in_port=1,actions=output:2,NORMAL",
        "table=0,priority=5,udp,actions=NORMAL,mod_vlan_vid:30,output:3",
};

static void random_packet(struct tb *t, uint32_t *in)
{
	static const uint16_t vids[] = {0, 5, 10, 20, 30};
	static const uint8_t *const macs[] = {mac_a, mac_b, bcast};
	uint16_t tags[4];
	int n = (int)rnd_n(3);

	for (int i = 0; i < n; i++) {
		tags[2 * i] = rnd_n(3) ? 0x8100 : 0x88a8;
		tags[2 * i + 1] = (uint16_t)(vids[rnd_n(5)] | (rnd_n(2) ? 2 << 13 : 0));
	}
	build(t, macs[rnd_n(2)], macs[rnd_n(3)], n, tags, (uint16_t)rnd_n(1000));
	*in = 1 + rnd_n(N_PORTS);
}

static void random_change(struct fixture *fx)
{
	unsigned r = rnd_n(100);
	char port[8];

	snprintf(port, sizeof port, "p%u", 1 + rnd_n(N_PORTS));
	if (r < 40) {
		set_vlan(fx->br, port, port_settings[rnd_n(ARRAY_SIZE(port_settings))]);
	} else if (r < 60) {
		unsigned k = rnd_n(ARRAY_SIZE(mirror_settings));
		char name[8];

		snprintf(name, sizeof name, "m%u", k);
		add_mirror(fx->br, name, mirror_settings[k]);
	} else if (r < 75) {
		char name[8];

		snprintf(name, sizeof name, "m%u", rnd_n(ARRAY_SIZE(mirror_settings)));
		ofproto_mirror_del(fx->br, name);
	} else if (r < 85) {
		struct flow_text_mod fm;
		struct errmsg err;
		const char *text = flows[rnd_n(ARRAY_SIZE(flows))];

		assert_int_equal(
		        flow_text_parse(text, FLOW_TEXT_ADD, ofproto_port_names(fx->br), &fm, &err),
		        0);
		assert_int_equal(ofproto_flow_mod(fx->br, FLOW_TEXT_ADD, false, &fm, &err), 0);
		flow_text_mod_uninit(&fm);
	} else if (r < 90) {
		struct flow_text_mod fm;
		struct errmsg err;

		assert_int_equal(flow_text_parse("table=0,priority=5", FLOW_TEXT_DELETE,
		                                 ofproto_port_names(fx->br), &fm, &err),
		                 0);
		assert_int_equal(ofproto_flow_mod(fx->br, FLOW_TEXT_DELETE, true, &fm, &err), 0);
		flow_text_mod_uninit(&fm);
	} else {
		ofproto_fdb_flush(fx->br);
	}
}

static void test_random_equivalence(void **state)
{
	struct fixture *fx = *state;
	unsigned hits = 0, packets = 0;

	rng_state = 0x5eed1234;
	for (unsigned i = 0; i < 3000; i++) {
		struct outs fast, slow;
		struct tb t;
		uint32_t in;
		int r;

		if (rnd_n(6) == 0) {
			random_change(fx);
			continue;
		}
		random_packet(&t, &in);
		r = fast_path(fx, in, &t, &fast);
		ofswitch_revalidate_pending(fx->sw);
		slow_path(fx, in, &t, &slow);
		if (fast.n != slow.n)
			fail_msg("iteration %u: fast path %zu outputs, slow path %zu", i, fast.n,
			         slow.n);
		for (size_t k = 0; k < fast.n; k++) {
			if (fast.r[k].port != slow.r[k].port || fast.r[k].len != slow.r[k].len ||
			    memcmp(fast.r[k].bytes, slow.r[k].bytes, fast.r[k].len))
				fail_msg("iteration %u: output %zu differs (port %u vs %u)", i, k,
				         fast.r[k].port, slow.r[k].port);
		}
		hits += r == 1;
		packets++;
	}
	print_message("%u packets, %u cache hits\n", packets, hits);
	assert_true(hits > packets / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_access_trunk, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_hopping_dropped_and_counted, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_qinq_tunnel, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_span, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_select_dst_vlan_and_rspan, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_random_equivalence, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
