/* test-xlate.c - unit tests for ofproto's translation and tables: the
 * megaflow mask is exactly the bits consulted (classifier lookups minus
 * bits set by earlier actions, NORMAL's fields, derived fields after
 * dec_ttl / push_vlan), the datapath actions, NORMAL learning, trace
 * reports, and OpenFlow 1.3 flow_mod semantics.  Bridges get port records
 * without devices (ofproto_port_attach), so no privileges are needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/csum.h"
#include "lib/dp-actions.h"
#include "lib/eth.h"
#include "lib/flow.h"
#include "ofproto/ofproto-private.h"
#include "ofproto/xlate.h"
#include "openflow/flow-text.h"
#include "bridge-fixture.h"
#include "pkt-build.h"

#define DP_BASE 11 /* port pN (ofport N) is datapath port DP_BASE + N - 1 */

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};

static int setup(void **state)
{
	return bridge_fixture_setup(state, 4, DP_BASE);
}

static int teardown(void **state)
{
	return bridge_fixture_teardown(state);
}

static int flow_mod(struct ofproto *br, enum flow_text_cmd cmd, bool strict, const char *text,
                    struct errmsg *err)
{
	struct flow_text_mod fm;
	struct errmsg perr;
	int error = flow_text_parse(text, cmd, ofproto_port_names(br), &fm, &perr);

	if (error)
		fail_msg("cannot parse '%s': %s", text, perr.msg);
	error = ofproto_flow_mod(br, cmd, strict, &fm, err);
	flow_text_mod_uninit(&fm);
	return error;
}

static void add(struct ofproto *br, const char *text)
{
	struct errmsg err;
	int error = flow_mod(br, FLOW_TEXT_ADD, false, text, &err);

	if (error)
		fail_msg("add '%s': %s", text, err.msg);
}

static void del_all(struct ofproto *br)
{
	struct errmsg err;

	assert_int_equal(flow_mod(br, FLOW_TEXT_DELETE, false, "", &err), 0);
}

/* An IPv4/UDP packet's flow as flow_extract would give it. */
static void udp_flow(struct flow *f, uint32_t in_port, uint32_t nw_dst)
{
	memset(f, 0, sizeof *f);
	f->in_port = in_port;
	memcpy(f->dl_src, mac_a, 6);
	memcpy(f->dl_dst, mac_b, 6);
	f->dl_type = 0x0800;
	f->nw_src = 0x0a000001;
	f->nw_dst = nw_dst;
	f->nw_proto = 17;
	f->nw_ttl = 64;
	f->tp_src = 1234;
	f->tp_dst = 53;
}

/* Translates without learning; returns the datapath actions as text. */
static void xl(struct ofproto *br, const struct flow *f, enum xlate_learn learn, struct flow_wc *wc,
               char *acts_text, size_t len, bool *mac_changed)
{
	struct dp_actions acts;
	struct xlate_out xo;

	dp_actions_init(&acts);
	memset(wc, 0, sizeof *wc);
	xlate_out_init(&xo, &acts, wc);
	pthread_mutex_lock(&br->mutex);
	xlate_flow(br, f, learn, NULL, &xo);
	pthread_mutex_unlock(&br->mutex);
	dp_actions_format(&acts, acts_text, len);
	if (mac_changed)
		*mac_changed = xo.mac_changed;
	xlate_out_uninit(&xo);
	dp_actions_uninit(&acts);
}

static void assert_mask(const struct flow_wc *wc, const struct flow *expected)
{
	if (memcmp(&wc->masks, expected, sizeof *expected)) {
		char got[1024], want[1024];
		struct flow ones;

		memset(&ones, 0xff, sizeof ones);
		flow_format(&wc->masks, &wc->masks, got, sizeof got);
		flow_format(expected, expected, want, sizeof want);
		fail_msg("mask\n  got:  %s\n  want: %s", got, want);
	}
}

static void mask_init(struct flow *m)
{
	memset(m, 0, sizeof *m);
	m->in_port = UINT32_MAX;
}

/* NORMAL consults in_port, dl_src, dl_dst and the VLAN presence + VID of
 * the outermost tag; nothing else. */
static void test_normal_mask(void **state)
{
	struct fixture *fx = *state;
	struct flow f, m;
	struct flow_wc wc;
	char acts[256];

	udp_flow(&f, 1, 0x0a000002);
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	mask_init(&m);
	memset(m.dl_src, 0xff, 6);
	memset(m.dl_dst, 0xff, 6);
	m.vlan_tci = VLAN_CFI | VLAN_VID_BITS;
	assert_mask(&wc, &m);
	assert_string_equal(acts, "output:12,output:13,output:14"); /* flood */
}

/* Learning on one port makes unicast to that MAC go there only. */
static void test_normal_learning(void **state)
{
	struct fixture *fx = *state;
	struct flow f;
	struct flow_wc wc;
	char acts[256];
	bool changed;

	udp_flow(&f, 1, 0x0a000002); /* a -> b from p1: learn a on p1 */
	xl(fx->br, &f, XLATE_LEARN, &wc, acts, sizeof acts, &changed);
	assert_true(changed);
	xl(fx->br, &f, XLATE_LEARN, &wc, acts, sizeof acts, &changed);
	assert_false(changed); /* refreshed only */

	memcpy(f.dl_src, mac_b, 6); /* b -> a from p3 */
	memcpy(f.dl_dst, mac_a, 6);
	f.in_port = 3;
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_string_equal(acts, "output:11");
	f.in_port = 1; /* a's own port: never back out */
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_string_equal(acts, "drop");
	/* Tagged traffic learns and floods per VLAN: a is unknown in VLAN 10. */
	f.in_port = 3;
	f.vlan_tci = VLAN_CFI | 10;
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_string_equal(acts, "output:11,output:12,output:14");
}

/* One rule on nw_dst=10.0.0.0/24: in_port + dl_type + the /24 bits, for a
 * hit and for a miss, IP or not. */
static void test_prefix_mask(void **state)
{
	struct fixture *fx = *state;
	struct flow f, m;
	struct flow_wc wc;
	char acts[256];

	del_all(fx->br);
	add(fx->br, "priority=10,ip,nw_dst=10.0.0.0/24,actions=output:2");
	mask_init(&m);
	m.dl_type = 0xffff;
	m.nw_dst = 0xffffff00;

	udp_flow(&f, 1, 0x0a000005);
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "output:12");

	udp_flow(&f, 1, 0x0b000005); /* miss: drop, same bits consulted */
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "drop");

	f.dl_type = 0x0806; /* ARP */
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "drop");
}

/* Two priorities: a lookup that hits the higher one never probes the
 * lower; a miss of the higher one probes both. */
static void test_priority_mask(void **state)
{
	struct fixture *fx = *state;
	struct flow f, m;
	struct flow_wc wc;
	char acts[256];

	del_all(fx->br);
	add(fx->br, "priority=20,udp,tp_dst=53,actions=output:3");
	add(fx->br, "priority=10,ip,actions=output:2");
	mask_init(&m);
	m.dl_type = 0xffff;
	m.nw_proto = 0xff;
	m.tp_dst = 0xffff;

	udp_flow(&f, 1, 0x0a000005);
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "output:13");

	f.tp_dst = 54;
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "output:12");
}

/* A field set by an action is not consulted by a later table's lookup;
 * other fields are. */
static void test_set_field_then_lookup(void **state)
{
	struct fixture *fx = *state;
	struct flow f, m;
	struct flow_wc wc;
	char acts[256];

	del_all(fx->br);
	add(fx->br, "table=0,ip,actions=set_field:10.0.0.9->nw_dst,goto_table:1");
	add(fx->br, "table=1,priority=5,ip,nw_dst=10.0.0.9,actions=output:2");
	mask_init(&m);
	m.dl_type = 0xffff;
	udp_flow(&f, 1, 0x01020304);
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "set(ipv4(dst=10.0.0.9)),output:12");

	/* Masked set: only the written bits are constants. */
	del_all(fx->br);
	add(fx->br, "table=0,ip,actions=set_field:10.0.0.0/255.255.255.0->nw_dst,goto_table:1");
	add(fx->br, "table=1,priority=5,ip,nw_dst=10.0.0.9,actions=output:2");
	m.nw_dst = 0x000000ff;
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "set(ipv4(dst=10.0.0.0/255.255.255.0))");
}

/* write_metadata: a later match on metadata consults nothing; NORMAL
 * after set_field of dl_dst consults the original dl_src only. */
static void test_metadata_and_normal_after_set(void **state)
{
	struct fixture *fx = *state;
	struct flow f, m;
	struct flow_wc wc;
	char acts[256];

	del_all(fx->br);
	add(fx->br, "table=0,actions=write_metadata:0x5/0xff,goto_table:1");
	add(fx->br, "table=1,metadata=0x5/0xff,actions=output:2");
	mask_init(&m);
	udp_flow(&f, 1, 0x01020304);
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "output:12");

	del_all(fx->br);
	add(fx->br, "actions=set_field:02:00:00:00:00:99->eth_dst,NORMAL");
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	memset(m.dl_src, 0xff, 6);
	m.vlan_tci = VLAN_CFI | VLAN_VID_BITS;
	assert_mask(&wc, &m);
	assert_string_equal(acts, "set(eth(dst=02:00:00:00:00:99)),output:12,output:13,output:14");
}

/* dec_ttl then a TTL match consults the whole original TTL; push_vlan then
 * a VLAN match consults the whole original tag fields. */
static void test_derived_fields(void **state)
{
	struct fixture *fx = *state;
	struct flow f, m;
	struct flow_wc wc;
	char acts[256];

	del_all(fx->br);
	add(fx->br, "table=0,ip,actions=dec_ttl,goto_table:1");
	add(fx->br, "table=1,ip,nw_ttl=63,actions=output:2");
	mask_init(&m);
	m.dl_type = 0xffff;
	m.nw_ttl = 0xff;
	udp_flow(&f, 1, 0x01020304);
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "dec_ttl,output:12");

	del_all(fx->br);
	add(fx->br, "table=0,actions=push_vlan:0x8100,goto_table:1");
	add(fx->br, "table=1,dl_vlan=0,actions=output:3");
	mask_init(&m);
	m.vlan_tci = 0xffff;
	m.vlan_tpid = 0xffff;
	m.inner_vlan_tci = 0xffff;
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "push_vlan(vid=0,pcp=0),output:13");

	/* mod_vlan_vid on an untagged packet pushes a tag: it consults the
	 * tag presence only. */
	del_all(fx->br);
	add(fx->br, "actions=mod_vlan_vid:7,output:2");
	mask_init(&m);
	m.vlan_tci = VLAN_CFI;
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_mask(&wc, &m);
	assert_string_equal(acts, "push_vlan(vid=7,pcp=0),output:12");
}

/* Records the packets a dp_execute() outputs (at most 4, 128 bytes). */
struct out_rec {
	int n;
	uint32_t ports[4];
	uint8_t bytes[4][128];
	uint32_t lens[4];
};

static void out_rec_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                           const struct dp_tunnel_md *tun)
{
	struct out_rec *r = aux;

	assert_true(r->n < 4 && pkt->len <= sizeof r->bytes[0]);
	r->ports[r->n] = port;
	r->lens[r->n] = pkt->len;
	memcpy(r->bytes[r->n++], pkt->data, pkt->len);
}

/* Builds a double-tagged (802.1ad VID 'outer', 802.1Q VID 'inner') IPv4/UDP
 * frame a -> b into 'buf' after 8 bytes of headroom; returns the packet. */
static struct pkt qinq_packet(uint8_t buf[128], uint16_t outer, uint16_t inner)
{
	static const uint8_t ip_udp[28] = {
	        0x45, 0,    0, 28, 0,  0, 0, 0, 64, 17, 0, 0, /* IPv4, 28 bytes, TTL 64, UDP */
	        10,   0,    0, 1,  10, 0, 0, 2,               /* 10.0.0.1 -> 10.0.0.2 */
	        0x04, 0xd2, 0, 53, 0,  8, 0, 0,               /* UDP 1234 -> 53, no checksum */
	};
	uint8_t *p = buf + 8;

	memset(buf, 0, 128);
	memcpy(p, mac_b, 6);
	memcpy(p + 6, mac_a, 6);
	pb_put_be16(p + 12, ETH_TYPE_VLAN_8021AD);
	pb_put_be16(p + 14, outer);
	pb_put_be16(p + 16, ETH_TYPE_VLAN);
	pb_put_be16(p + 18, inner);
	pb_put_be16(p + 20, ETH_TYPE_IPV4);
	memcpy(p + 22, ip_udp, sizeof ip_udp);
	return (struct pkt){.data = p, .len = 22 + sizeof ip_udp, .headroom = 8};
}

/* Translates the flow of 'pkt' (from ofport 1) and runs the datapath
 * actions on it; returns the actions as text in 'acts_text'. */
static void xl_run(struct ofproto *br, struct pkt *pkt, struct flow_wc *wc, char *acts_text,
                   size_t len, struct out_rec *r)
{
	static const struct dp_exec_ops ops = {.output = out_rec_output};
	struct dp_actions acts;
	struct xlate_out xo;
	struct flow f;

	flow_extract(pkt, 1, &f);
	dp_actions_init(&acts);
	memset(wc, 0, sizeof *wc);
	xlate_out_init(&xo, &acts, wc);
	pthread_mutex_lock(&br->mutex);
	xlate_flow(br, &f, XLATE_LEARN_NONE, NULL, &xo);
	pthread_mutex_unlock(&br->mutex);
	dp_actions_format(&acts, acts_text, len);
	memset(r, 0, sizeof *r);
	assert_int_equal(dp_execute(pkt, &f, &acts, &ops, r), 0);
	xlate_out_uninit(&xo);
	dp_actions_uninit(&acts);
}

/* On a double-tagged frame dl_vlan / vlan_vid match the OUTERMOST tag, the
 * one set_field:...->vlan_vid rewrites on the wire: matching a VID, setting
 * it and matching the new value in the next table all see the same tag, and
 * the inner tag is only inner_vlan_tci.  Push and pop shift the tags the
 * way the wire does. */
static void test_qinq_match_and_set_agree(void **state)
{
	struct fixture *fx = *state;
	struct flow_wc wc;
	struct out_rec r;
	struct flow m;
	uint8_t buf[128];
	char acts[256];
	struct pkt pkt;

	del_all(fx->br);
	add(fx->br, "table=0,priority=20,dl_vlan=10,actions=set_field:4126->vlan_vid,goto_table:1");
	add(fx->br, "table=0,priority=10,dl_vlan=20,actions=output:4"); /* the inner VID */
	add(fx->br, "table=1,priority=20,dl_vlan=30,inner_vlan_tci=0x1014/0x1fff,actions=output:2");
	add(fx->br, "table=1,priority=10,actions=output:3");
	pkt = qinq_packet(buf, 0x2000 | 10, 20);
	xl_run(fx->br, &pkt, &wc, acts, sizeof acts, &r);
	assert_string_equal(acts, "set(vlan(vid=30)),output:12");
	assert_int_equal(r.n, 1);
	assert_int_equal(pb_get_be16(r.bytes[0] + 12), ETH_TYPE_VLAN_8021AD);
	assert_int_equal(pb_get_be16(r.bytes[0] + 14), 0x2000 | 30); /* PCP kept */
	assert_int_equal(pb_get_be16(r.bytes[0] + 16), ETH_TYPE_VLAN);
	assert_int_equal(pb_get_be16(r.bytes[0] + 18), 20);
	/* Table 0 consults the outer VID (the written bits are not consulted
	 * again by table 1), table 1 the inner tag's presence and VID. */
	mask_init(&m);
	m.vlan_tci = VLAN_CFI | VLAN_VID_BITS;
	m.inner_vlan_tci = VLAN_CFI | VLAN_VID_BITS;
	assert_mask(&wc, &m);

	/* A frame whose OUTER VID is 20 takes the dl_vlan=20 rule. */
	pkt = qinq_packet(buf, 20, 10);
	xl_run(fx->br, &pkt, &wc, acts, sizeof acts, &r);
	assert_string_equal(acts, "output:14");

	/* pop_vlan: the inner tag is the outermost one for the next table. */
	del_all(fx->br);
	add(fx->br, "table=0,dl_vlan=10,actions=pop_vlan,goto_table:1");
	add(fx->br, "table=1,priority=20,dl_vlan=20,inner_vlan_tci=0,actions=output:2");
	add(fx->br, "table=1,priority=10,actions=output:3");
	pkt = qinq_packet(buf, 10, 0x4000 | 20);
	xl_run(fx->br, &pkt, &wc, acts, sizeof acts, &r);
	assert_string_equal(acts, "pop_vlan,output:12");
	assert_int_equal(r.n, 1);
	assert_int_equal(r.lens[0], pkt.len);
	assert_int_equal(pb_get_be16(r.bytes[0] + 12), ETH_TYPE_VLAN);
	assert_int_equal(pb_get_be16(r.bytes[0] + 14), 0x4000 | 20);
	mask_init(&m);
	m.vlan_tci = 0xffff; /* shifted tag stack: whole fields */
	m.vlan_tpid = 0xffff;
	m.inner_vlan_tci = 0xffff;
	assert_mask(&wc, &m);

	/* push_vlan: the new outer tag copies the outer VID; the old outer tag
	 * becomes the inner one (the old inner one drops out of the flow). */
	del_all(fx->br);
	add(fx->br, "table=0,actions=push_vlan:0x88a8,set_field:4101->vlan_vid,goto_table:1");
	add(fx->br, "table=1,priority=20,dl_vlan=5,inner_vlan_tci=0x100a/0x1fff,"
	            "actions=output:2");
	add(fx->br, "table=1,priority=10,actions=output:3");
	pkt = qinq_packet(buf, 10, 20);
	xl_run(fx->br, &pkt, &wc, acts, sizeof acts, &r);
	assert_string_equal(acts, "push_vlan(tpid=0x88a8,vid=10,pcp=0),set(vlan(vid=5)),output:12");
	assert_int_equal(r.n, 1);
	assert_int_equal(pb_get_be16(r.bytes[0] + 12), ETH_TYPE_VLAN_8021AD);
	assert_int_equal(pb_get_be16(r.bytes[0] + 14), 5);
	assert_int_equal(pb_get_be16(r.bytes[0] + 16), ETH_TYPE_VLAN_8021AD);
	assert_int_equal(pb_get_be16(r.bytes[0] + 18), 10);
	assert_int_equal(pb_get_be16(r.bytes[0] + 20), ETH_TYPE_VLAN);
	assert_int_equal(pb_get_be16(r.bytes[0] + 22), 20);
}

/* set_field of nd_target / nd_sll / nd_tll: emitted as datapath sets (the
 * written fields are not consulted by a later lookup), rewritten on the
 * wire with the ICMPv6 checksum still valid. */
static void test_set_nd_fields(void **state)
{
	static const uint8_t src[16] = {0xfe, 0x80, [15] = 1}, dst[16] = {0xfe, 0x80, [15] = 2};
	static const uint8_t new_target[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
	static const uint8_t new_mac[6] = {0x02, 0, 0, 0, 0, 0x99};
	struct fixture *fx = *state;
	struct flow_wc wc;
	struct out_rec r;
	struct flow m, after;
	struct tb t;
	uint8_t buf[8 + 128];
	char acts[256];
	struct pkt pkt;

	for (int na = 0; na < 2; na++) {
		memset(&t, 0, sizeof t);
		tb_eth(&t, 0, NULL, NULL, ETH_TYPE_IPV6);
		tb_ipv6(&t, 58, src, dst, 0, 0, 255, 32);
		tb_u8(&t, na ? 136 : 135);
		tb_u8(&t, 0);
		tb_u16(&t, 0);
		tb_u32(&t, 0);
		tb_bytes(&t, dst, 16);
		tb_u8(&t, na ? 2 : 1); /* TLL / SLL option */
		tb_u8(&t, 1);
		tb_bytes(&t, mac_a, 6);
		tb_l4_csum(&t, 58);
		memcpy(buf + 8, t.b, t.len);
		pkt = (struct pkt){.data = buf + 8, .len = (uint32_t)t.len, .headroom = 8};

		del_all(fx->br);
		add(fx->br,
		    na ? "table=0,icmp6,icmp_type=136,actions=set_field:2001:db8::9->nd_target,"
		         "set_field:02:00:00:00:00:99->nd_tll,goto_table:1"
		       : "table=0,icmp6,icmp_type=135,actions=set_field:2001:db8::9->nd_target,"
		         "set_field:02:00:00:00:00:99->nd_sll,goto_table:1");
		add(fx->br, na ? "table=1,icmp6,icmp_type=136,nd_target=2001:db8::9,"
		                 "nd_tll=02:00:00:00:00:99,actions=output:2"
		               : "table=1,icmp6,icmp_type=135,nd_target=2001:db8::9,"
		                 "nd_sll=02:00:00:00:00:99,actions=output:2");
		xl_run(fx->br, &pkt, &wc, acts, sizeof acts, &r);
		assert_string_equal(acts, na ? "set(nd(target=2001:db8::9)),"
		                               "set(nd(tll=02:00:00:00:00:99)),output:12"
		                             : "set(nd(target=2001:db8::9)),"
		                               "set(nd(sll=02:00:00:00:00:99)),output:12");
		/* Both tables consult the prerequisites only: the ND fields were
		 * constants by the time table 1 looked at them.  Setting an ND
		 * field also checks what the datapath needs to find it: not a
		 * later fragment, ICMPv6 code 0. */
		mask_init(&m);
		m.dl_type = 0xffff;
		m.nw_proto = 0xff;
		m.nw_frag = FLOW_NW_FRAG_LATER;
		m.tp_src = 0xff; /* icmp_type */
		m.tp_dst = 0xff; /* icmp_code */
		assert_mask(&wc, &m);

		assert_int_equal(r.n, 1);
		assert_int_equal(r.lens[0], t.len);
		assert_memory_equal(r.bytes[0] + t.l4 + 8, new_target, 16);
		assert_memory_equal(r.bytes[0] + t.l4 + 26, new_mac, 6);
		memcpy(t.b, r.bytes[0], t.len); /* the checksum equals a recomputation */
		tb_l4_csum(&t, 58);
		assert_memory_equal(t.b, r.bytes[0], t.len);
		pkt = (struct pkt){.data = r.bytes[0], .len = r.lens[0]};
		flow_extract(&pkt, 1, &after);
		assert_memory_equal(after.nd_target, new_target, 16);
		assert_memory_equal(na ? after.arp_tha : after.arp_sha, new_mac, 6);
	}
}

/* Action set, clear_actions, output rules and reserved ports. */
static void test_actions(void **state)
{
	struct fixture *fx = *state;
	struct flow f;
	struct flow_wc wc;
	char acts[256];

	del_all(fx->br);
	add(fx->br, "table=0,actions=output:3,write_actions(output:2),goto_table:1");
	add(fx->br, "table=1,udp,actions=write_actions(set_field:7->udp_dst),goto_table:2");
	add(fx->br, "table=2,actions=output:1,output:IN_PORT,FLOOD,LOCAL,CONTROLLER,group:1");
	udp_flow(&f, 1, 0x01020304);
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	/* output:1 to the ingress port is skipped; IN_PORT is not. */
	assert_string_equal(acts, "output:13,output:11,output:12,output:13,output:14,"
	                          "userspace(cookie=0x1),set(udp(dst=7)),output:12");

	del_all(fx->br);
	add(fx->br, "table=0,actions=write_actions(output:2),goto_table:1");
	add(fx->br, "table=1,actions=clear_actions");
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_string_equal(acts, "drop");

	/* A miss in a later table drops, action set included. */
	del_all(fx->br);
	add(fx->br, "table=0,actions=output:4,write_actions(output:2),goto_table:5");
	xl(fx->br, &f, XLATE_LEARN_NONE, &wc, acts, sizeof acts, NULL);
	assert_string_equal(acts, "output:14");
}

static void test_trace(void **state)
{
	struct fixture *fx = *state;
	struct flow f, m, key;
	char *report;
	char want[1024], line[1100];
	struct errmsg err;

	del_all(fx->br);
	add(fx->br, "priority=10,ip,nw_dst=10.0.0.0/24,actions=output:2");
	udp_flow(&f, 1, 0x0a000005);
	assert_int_equal(ofproto_trace(fx->br, &f, &report, &err), 0);
	assert_non_null(strstr(report, "table 0: matched 'priority=10,ip,nw_dst=10.0.0.0/24 "
	                               "actions=output:p2'"));
	/* Ports as OpenFlow numbers, as in the megaflow's in_port. */
	assert_non_null(strstr(report, "datapath actions: output:2\n"));
	mask_init(&m);
	m.dl_type = 0xffff;
	m.nw_dst = 0xffffff00;
	flow_apply_mask(&key, &f, &m);
	flow_format(&key, &m, want, sizeof want);
	snprintf(line, sizeof line, "megaflow: %s\n", want);
	assert_non_null(strstr(report, line));
	assert_non_null(strstr(want, "nw_dst=10.0.0.0/255.255.255.0"));
	free(report);

	udp_flow(&f, 1, 0x0b000005);
	assert_int_equal(ofproto_trace(fx->br, &f, &report, &err), 0);
	assert_non_null(strstr(report, "table 0: miss -> drop"));
	assert_non_null(strstr(report, "datapath actions: drop"));
	free(report);
}

static size_t count_flows(struct ofproto *br, const char *filter)
{
	struct ofproto_flow_info *flows;
	struct flow_text_mod fm;
	struct errmsg err;
	size_t n;

	assert_int_equal(flow_text_parse(filter, FLOW_TEXT_MATCH, NULL, &fm, &err), 0);
	ofproto_flow_dump(br, &fm, &flows, &n);
	flow_text_mod_uninit(&fm);
	ofproto_flow_info_free(flows, n);
	return n;
}

static void test_flow_mod_semantics(void **state)
{
	struct fixture *fx = *state;
	struct ofproto_flow_info *flows;
	struct errmsg err;
	char **lines;
	size_t n;

	/* A new bridge has the NORMAL rule. */
	ofproto_flow_save(fx->br, &lines, &n);
	assert_int_equal(n, 1);
	assert_string_equal(lines[0], "table=0,priority=0,actions=NORMAL");
	free(lines[0]);
	free(lines);

	del_all(fx->br);
	add(fx->br, "table=1,priority=5,cookie=0x10,ip,actions=output:2");
	add(fx->br, "table=1,priority=5,cookie=0x20,arp,actions=output:3");
	add(fx->br, "table=0,priority=7,idle_timeout=30,in_port=1,actions=goto_table:1");
	assert_int_equal(count_flows(fx->br, ""), 3);

	/* Replace: same match and priority. */
	add(fx->br, "table=1,priority=5,cookie=0x11,ip,actions=output:4");
	assert_int_equal(count_flows(fx->br, ""), 3);
	assert_int_equal(count_flows(fx->br, "cookie=0x11/-1"), 1);

	/* check_overlap. */
	assert_int_equal(flow_mod(fx->br, FLOW_TEXT_ADD, false,
	                          "table=1,priority=5,check_overlap,ip,nw_dst=1.2.3.4,actions=drop",
	                          &err),
	                 -EEXIST);
	add(fx->br, "table=1,priority=6,check_overlap,ip,nw_dst=1.2.3.4,actions=drop");

	/* Modify: cookie filter; nothing selected = nothing happens. */
	assert_int_equal(flow_mod(fx->br, FLOW_TEXT_MODIFY, false,
	                          "table=1,cookie=0x99/-1,actions=output:1", &err),
	                 0);
	assert_int_equal(count_flows(fx->br, "out_port=1"), 0);
	assert_int_equal(flow_mod(fx->br, FLOW_TEXT_MODIFY, false,
	                          "table=1,cookie=0x20/-1,actions=output:1", &err),
	                 0);
	assert_int_equal(count_flows(fx->br, "out_port=1"), 1);
	/* Modify refusing the actions for one rule (goto_table:1 from table
	 * 1) changes nothing. */
	assert_int_equal(flow_mod(fx->br, FLOW_TEXT_MODIFY, false, "actions=goto_table:1", &err),
	                 -EINVAL);
	assert_int_equal(count_flows(fx->br, "out_port=1"), 1);

	/* Strict delete needs the priority; out_port filter. */
	assert_int_equal(flow_mod(fx->br, FLOW_TEXT_DELETE, true, "table=1,ip", &err), 0);
	assert_int_equal(count_flows(fx->br, ""), 4);
	assert_int_equal(flow_mod(fx->br, FLOW_TEXT_DELETE, true, "table=1,priority=5,ip", &err),
	                 0);
	assert_int_equal(count_flows(fx->br, ""), 3);
	assert_int_equal(flow_mod(fx->br, FLOW_TEXT_DELETE, false, "out_port=1", &err), 0);
	assert_int_equal(count_flows(fx->br, ""), 2);

	/* Dump order: table, then priority descending. */
	ofproto_flow_dump(fx->br, NULL, &flows, &n);
	assert_int_equal(n, 2);
	assert_int_equal(flows[0].table_id, 0);
	assert_int_equal(flows[1].table_id, 1);
	assert_int_equal(flows[0].idle_timeout, 30);
	ofproto_flow_info_free(flows, n);

	ofproto_flow_save(fx->br, &lines, &n);
	assert_int_equal(n, 2);
	assert_string_equal(lines[0], "table=0,priority=7,idle_timeout=30,in_port=1,"
	                              "actions=goto_table:1");
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);

	/* Table limit. */
	assert_int_equal(ofproto_set_flow_limit(fx->br, 2), 0);
	assert_int_equal(
	        flow_mod(fx->br, FLOW_TEXT_ADD, false, "table=1,priority=1,actions=drop", &err), 0);
	assert_int_equal(
	        flow_mod(fx->br, FLOW_TEXT_ADD, false, "table=1,priority=2,actions=drop", &err),
	        -ENOSPC);
	assert_string_equal(err.msg, "table 1 is full (limit 2 flows)");
	/* Replacing in a full table is fine. */
	add(fx->br, "table=1,priority=1,actions=output:2");
}

/* Idle and hard timeouts expire rules; idle is reset by traffic credited
 * through megaflow statistics (here: the rule's used time). */
static void test_timeouts(void **state)
{
	struct fixture *fx = *state;
	uint64_t now = time_msec();

	del_all(fx->br);
	add(fx->br, "priority=1,hard_timeout=5,actions=drop");
	add(fx->br, "priority=2,idle_timeout=3,actions=drop");
	add(fx->br, "priority=3,actions=drop");
	assert_int_equal(ofproto_expire_rules(fx->br, now + 1000), 0);
	assert_int_equal(ofproto_expire_rules(fx->br, now + 3500), 1);
	assert_int_equal(count_flows(fx->br, ""), 2);
	assert_int_equal(ofproto_expire_rules(fx->br, now + 5500), 1);
	assert_int_equal(count_flows(fx->br, "priority=3"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_normal_mask, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_normal_learning, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_prefix_mask, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_priority_mask, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_set_field_then_lookup, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_set_nd_fields, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_metadata_and_normal_after_set, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_derived_fields, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_qinq_match_and_set_agree, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_trace, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_flow_mod_semantics, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_timeouts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
