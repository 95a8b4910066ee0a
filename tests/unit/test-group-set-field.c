/* test-group-set-field.c - group buckets that set fields without match
 * prerequisites (as OVS accepts them): IPv4, ARP and IPv6 packets through
 * the real fast path (dpif_receive) get the set only where the packet has
 * the field, the megaflow holds the bits the prerequisite checks read (so a
 * packet of another kind never reuses it), ctx->flow follows the datapath
 * (ip_dst on ARP leaves arp_tpa alone), and legacy mod_tp_dst follows the
 * packet's L4 protocol. */
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
#include "lib/flow.h"
#include "ofproto/ofproto-ofp.h"
#include "ofproto/ofproto-private.h"
#include "ofproto/xlate.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-group.h"
#include "pkt-fixture.h"

#define DP_BASE 31 /* port pN is datapath port DP_BASE + N - 1 */
#define N_PORTS 4

static const uint8_t ip6_a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t ip6_b[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

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

static void add_flow(struct ofproto *br, const char *text)
{
	struct flow_text_mod fm;
	struct errmsg err;

	if (flow_text_parse(text, FLOW_TEXT_ADD, ofproto_port_names(br), &fm, &err))
		fail_msg("%s: %s", text, err.msg);
	if (ofproto_flow_mod(br, FLOW_TEXT_ADD, false, &fm, &err))
		fail_msg("%s: %s", text, err.msg);
	flow_text_mod_uninit(&fm);
}

/* Empties the tables and the group table (and so the datapath caches). */
static void reset(struct ofproto *br)
{
	struct flow_text_mod fm;
	struct errmsg err;

	assert_int_equal(flow_text_parse("", FLOW_TEXT_DELETE, NULL, &fm, &err), 0);
	assert_int_equal(ofproto_flow_mod(br, FLOW_TEXT_DELETE, false, &fm, &err), 0);
	flow_text_mod_uninit(&fm);
	bridge_del_groups(br);
}

/* ---- packets ---- */

/* UDP (or TCP) 10.0.0.1 -> 'dst', with 'n_tags' 802.1Q tag of VID 10. */
static void ipv4_packet(struct tb *t, int n_tags, uint8_t proto, uint32_t dst)
{
	const uint16_t tpid = 0x8100, tci = 10;

	tb_eth(t, n_tags, &tpid, &tci, 0x0800);
	tb_ipv4(t, proto, 0x0a000001, dst, 0, 64, 0, proto == 6 ? 20 : 8 + 4, 0);
	if (proto == 6)
		tb_tcp(t, 1000, 80, 0x02, 0);
	else
		tb_udp(t, 1000, 53, 4);
	tb_l4_csum(t, proto);
}

/* ARP request from 10.0.0.1 for 'tpa'. */
static void arp_packet(struct tb *t, int n_tags, uint32_t tpa)
{
	const uint16_t tpid = 0x8100, tci = 10;

	tb_eth(t, n_tags, &tpid, &tci, 0x0806);
	tb_u16(t, 1);
	tb_u16(t, 0x0800);
	tb_u8(t, 6);
	tb_u8(t, 4);
	tb_u16(t, 1);
	tb_bytes(t, tb_src, 6);
	tb_u32(t, 0x0a000001);
	tb_fill(t, 0, 6);
	tb_u32(t, tpa);
}

/* UDP over IPv6, 2001:db8::1 -> 2001:db8::2. */
static void ipv6_packet(struct tb *t, int n_tags)
{
	const uint16_t tpid = 0x8100, tci = 10;

	tb_eth(t, n_tags, &tpid, &tci, 0x86dd);
	tb_ipv6(t, 17, ip6_a, ip6_b, 0, 0, 64, 8 + 4);
	tb_udp(t, 1000, 53, 4);
	tb_l4_csum(t, 17);
}

/* ---- running them ---- */

static void flow_of(const struct tb *t, uint32_t ofport, struct flow *f)
{
	struct pkt pkt = {.data = (uint8_t *)(uintptr_t)t->b, .len = (uint32_t)t->len};

	flow_extract(&pkt, dp(ofport), f);
	f->in_port = ofport;
}

/* Translates 't' from 'ofport': the datapath actions as text, the mask. */
static void xlate_text(struct fixture *fx, const struct tb *t, uint32_t ofport, char *acts_text,
                       size_t len, struct flow_wc *wc)
{
	struct dp_actions acts;
	struct xlate_out xo;
	struct flow f;

	flow_of(t, ofport, &f);
	dp_actions_init(&acts);
	memset(wc, 0, sizeof *wc);
	xlate_out_init(&xo, &acts, wc);
	pthread_mutex_lock(&fx->br->mutex);
	xlate_flow(fx->br, &f, XLATE_LEARN_NONE, NULL, &xo);
	pthread_mutex_unlock(&fx->br->mutex);
	dp_actions_format(&acts, acts_text, len);
	xlate_out_uninit(&xo);
	dp_actions_uninit(&acts);
}

static void assert_mask(const struct flow_wc *wc, const struct flow *want)
{
	if (memcmp(&wc->masks, want, sizeof *want)) {
		char got[1024], exp[1024];

		flow_format(&wc->masks, &wc->masks, got, sizeof got);
		flow_format(want, want, exp, sizeof exp);
		fail_msg("mask\n  got:  %s\n  want: %s", got, exp);
	}
}

/* The packet 'r' equals 't' with the IPv4 destination 'dst' (checksums
 * recomputed by the reference builder) and 'n_tags' tags of VID 'vid'. */
static void assert_ipv4_out(const struct out_rec *r, const struct tb *t, uint8_t proto,
                            uint32_t dst, int n_tags, uint16_t vid)
{
	const uint16_t tpid = 0x8100;
	struct tb want;

	tb_eth(&want, n_tags, &tpid, &vid, 0x0800);
	tb_ipv4(&want, proto, 0x0a000001, dst, 0, 64, 0, proto == 6 ? 20 : 8 + 4, 0);
	memcpy(want.b + want.len, t->b + t->l4, t->len - t->l4);
	want.len += t->len - t->l4;
	tb_l4_csum(&want, proto);
	assert_int_equal(r->len, want.len);
	assert_memory_equal(r->bytes, want.b, want.len);
}

/* 'r' equals 't' but for its tag's VID ('vid'; untagged stays untagged). */
static void assert_same_but_vid(const struct out_rec *r, const struct tb *t, int n_tags,
                                uint16_t vid)
{
	assert_int_equal(r->len, t->len);
	if (!n_tags) {
		assert_memory_equal(r->bytes, t->b, t->len);
		return;
	}
	assert_memory_equal(r->bytes, t->b, 14);
	assert_int_equal((r->bytes[14] << 8 | r->bytes[15]) & 0xfff, vid);
	assert_memory_equal(r->bytes + 16, t->b + 16, t->len - 16);
}

/* ---- tests ---- */

/* A select group rewriting the IPv4 destination and the VID: IPv4 gets
 * both (tagged) or the address only (untagged); ARP and IPv6 keep their
 * addresses; the same flow always picks the same bucket, from the upcall
 * and from the megaflow. */
static void test_select_fast_path(void **state)
{
	struct fixture *fx = *state;
	unsigned seen[2] = {0, 0};
	struct outs o;
	struct tb t;

	reset(fx->br);
	bridge_add_group(fx->br,
	                 "group_id=1,type=select,"
	                 "bucket=set_field:10.0.0.100->ip_dst,set_field:5->vlan_vid,output:2,"
	                 "bucket=set_field:10.0.0.101->ip_dst,set_field:6->vlan_vid,output:3");
	add_flow(fx->br, "actions=group:1");
	for (int n_tags = 0; n_tags < 2; n_tags++) {
		for (uint32_t i = 0; i < 32; i++) {
			uint32_t dst = 0x0a000200 + i;

			ipv4_packet(&t, n_tags, 17, dst);
			for (int round = 0; round < 2; round++) { /* upcall, megaflow */
				int b;

				outs_receive(fx, 1, &t, &o);
				assert_int_equal(o.n, 1);
				assert_true(o.r[0].port == dp(2) || o.r[0].port == dp(3));
				b = o.r[0].port == dp(3);
				seen[b]++;
				assert_ipv4_out(&o.r[0], &t, 17, 0x0a000064 + (uint32_t)b, n_tags,
				                (uint16_t)(5 + b));
			}
			arp_packet(&t, n_tags, dst);
			for (int round = 0; round < 2; round++) {
				outs_receive(fx, 1, &t, &o);
				assert_int_equal(o.n, 1);
				assert_same_but_vid(&o.r[0], &t, n_tags,
				                    o.r[0].port == dp(2) ? 5 : 6);
			}
		}
		ipv6_packet(&t, n_tags);
		for (int round = 0; round < 2; round++) {
			outs_receive(fx, 1, &t, &o);
			assert_int_equal(o.n, 1);
			assert_same_but_vid(&o.r[0], &t, n_tags, o.r[0].port == dp(2) ? 5 : 6);
		}
	}
	/* Both buckets served IPv4 packets. */
	assert_true(seen[0] > 0 && seen[1] > 0);
	reset(fx->br);
}

/* An indirect group (no hash): the megaflow holds exactly what the
 * prerequisite checks read, whether the set happens or not. */
static void test_megaflow_masks(void **state)
{
	struct fixture *fx = *state;
	struct flow_wc wc;
	struct flow m;
	char acts[256];
	struct tb t;

	reset(fx->br);
	bridge_add_group(fx->br,
	                 "group_id=2,type=indirect,"
	                 "bucket=set_field:10.0.0.100->ip_dst,set_field:5->vlan_vid,output:2");
	add_flow(fx->br, "actions=group:2");
	memset(&m, 0, sizeof m);
	m.in_port = UINT32_MAX;
	m.dl_type = 0xffff;    /* ip_dst needs IPv4 */
	m.vlan_tci = VLAN_CFI; /* vlan_vid needs a tag */

	ipv4_packet(&t, 0, 17, 0x0a000002);
	xlate_text(fx, &t, 1, acts, sizeof acts, &wc);
	assert_string_equal(acts, "clone(set(ipv4(dst=10.0.0.100)),output:32)");
	assert_mask(&wc, &m);
	ipv4_packet(&t, 1, 17, 0x0a000002);
	xlate_text(fx, &t, 1, acts, sizeof acts, &wc);
	assert_string_equal(acts, "clone(set(ipv4(dst=10.0.0.100)),set(vlan(vid=5)),output:32)");
	assert_mask(&wc, &m);
	arp_packet(&t, 0, 0x0a000002);
	xlate_text(fx, &t, 1, acts, sizeof acts, &wc);
	assert_string_equal(acts, "clone(output:32)");
	assert_mask(&wc, &m);
	ipv6_packet(&t, 1);
	xlate_text(fx, &t, 1, acts, sizeof acts, &wc);
	assert_string_equal(acts, "clone(set(vlan(vid=5)),output:32)");
	assert_mask(&wc, &m);

	/* An L4 port: IP, then the protocol, then not a later fragment. */
	reset(fx->br);
	bridge_add_group(fx->br, "group_id=3,type=all,bucket=set_field:8080->tcp_dst,output:2");
	add_flow(fx->br, "actions=group:3");
	ipv4_packet(&t, 0, 6, 0x0a000002);
	xlate_text(fx, &t, 1, acts, sizeof acts, &wc);
	assert_string_equal(acts, "clone(set(tcp(dst=8080)),output:32)");
	m.vlan_tci = 0;
	m.nw_proto = 0xff;
	m.nw_frag = FLOW_NW_FRAG_LATER;
	assert_mask(&wc, &m);
	ipv4_packet(&t, 0, 17, 0x0a000002); /* UDP: no tcp_dst, fragment unread */
	xlate_text(fx, &t, 1, acts, sizeof acts, &wc);
	assert_string_equal(acts, "clone(output:32)");
	m.nw_frag = 0;
	assert_mask(&wc, &m);
	arp_packet(&t, 0, 0x0a000002); /* not IP: the protocol is not read */
	xlate_text(fx, &t, 1, acts, sizeof acts, &wc);
	assert_string_equal(acts, "clone(output:32)");
	m.nw_proto = 0;
	assert_mask(&wc, &m);
	reset(fx->br);
}

/* Through the fast path, a megaflow installed for one kind of packet is
 * never reused for another: ARP first (no set), then IPv4 (set); untagged
 * first (no VID set), then tagged (VID set). */
static void test_no_megaflow_reuse(void **state)
{
	struct fixture *fx = *state;
	struct outs o;
	struct tb t;

	reset(fx->br);
	bridge_add_group(fx->br,
	                 "group_id=4,type=all,"
	                 "bucket=set_field:10.0.0.100->ip_dst,set_field:5->vlan_vid,output:2");
	add_flow(fx->br, "actions=group:4");
	arp_packet(&t, 0, 0x0a000002);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 1);
	assert_memory_equal(o.r[0].bytes, t.b, t.len);
	ipv4_packet(&t, 0, 17, 0x0a000002);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 1);
	assert_ipv4_out(&o.r[0], &t, 17, 0x0a000064, 0, 0);
	ipv4_packet(&t, 1, 17, 0x0a000002);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 1);
	assert_ipv4_out(&o.r[0], &t, 17, 0x0a000064, 1, 5);
	arp_packet(&t, 1, 0x0a000002);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 1);
	assert_same_but_vid(&o.r[0], &t, 1, 5);
	reset(fx->br);
}

/* Legacy mod_tp_dst in a bucket sets the port of whichever L4 protocol the
 * packet carries (TCP, UDP), and nothing on ARP. */
static void test_legacy_tp(void **state)
{
	struct fixture *fx = *state;
	struct outs o;
	struct tb t;

	reset(fx->br);
	bridge_add_group(fx->br, "group_id=5,type=all,bucket=mod_tp_dst:8080,output:2");
	add_flow(fx->br, "actions=group:5");
	for (uint8_t proto = 6; proto <= 17; proto += 11) {
		struct tb want;

		ipv4_packet(&t, 0, proto, 0x0a000002);
		outs_receive(fx, 1, &t, &o);
		assert_int_equal(o.n, 1);
		want = t;
		want.b[want.l4 + 2] = 8080 >> 8;
		want.b[want.l4 + 3] = 8080 & 0xff;
		tb_l4_csum(&want, proto);
		assert_int_equal(o.r[0].len, want.len);
		assert_memory_equal(o.r[0].bytes, want.b, want.len);
	}
	arp_packet(&t, 0, 0x0a000002);
	outs_receive(fx, 1, &t, &o);
	assert_int_equal(o.n, 1);
	assert_memory_equal(o.r[0].bytes, t.b, t.len);
	reset(fx->br);
}

/* The translated flow follows the datapath: a PACKET_OUT setting ip_dst
 * then resubmitting to the tables (output:TABLE) finds an ARP packet's
 * arp_tpa unchanged, an IPv4 packet's destination changed. */
static void test_flow_in_step(void **state)
{
	struct fixture *fx = *state;
	struct ofpacts_buf ob;
	struct errmsg err;
	struct ofpact *a;
	size_t len;

	reset(fx->br);
	add_flow(fx->br, "priority=10,arp,arp_tpa=10.0.0.2,actions=output:2");
	add_flow(fx->br, "priority=10,arp,arp_tpa=10.0.0.100,actions=output:3");
	add_flow(fx->br, "priority=10,ip,nw_dst=10.0.0.100,actions=output:4");
	ofpacts_buf_init(&ob);
	assert_int_equal(
	        ofpacts_parse("set_field:10.0.0.100->ip_dst,output:TABLE", NULL, &ob, &err), 0);
	a = ofpacts_buf_steal(&ob, &len);
	for (int kind = 0; kind < 2; kind++) {
		struct dp_actions acts;
		struct xlate_out xo;
		struct flow_wc wc;
		struct flow f;
		char text[256];
		struct tb t;

		if (kind)
			ipv4_packet(&t, 0, 17, 0x0a000002);
		else
			arp_packet(&t, 0, 0x0a000002);
		flow_of(&t, 1, &f);
		dp_actions_init(&acts);
		memset(&wc, 0, sizeof wc);
		xlate_out_init(&xo, &acts, &wc);
		pthread_mutex_lock(&fx->br->mutex);
		xlate_packet_out(fx->br, &f, a, len, XLATE_LEARN_NONE, &xo);
		pthread_mutex_unlock(&fx->br->mutex);
		dp_actions_format(&acts, text, sizeof text);
		assert_string_equal(text, kind ? "set(ipv4(dst=10.0.0.100)),clone(output:34)"
		                               : "clone(output:32)");
		xlate_out_uninit(&xo);
		dp_actions_uninit(&acts);
	}
	free(a);
	reset(fx->br);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_select_fast_path),  cmocka_unit_test(test_megaflow_masks),
	        cmocka_unit_test(test_no_megaflow_reuse), cmocka_unit_test(test_legacy_tp),
	        cmocka_unit_test(test_flow_in_step),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
