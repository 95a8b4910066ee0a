/* test-vlan.c - unit tests for src/ofproto/vlan.c: VLAN lists, port
 * settings and their checks, the ingress and egress decisions of every
 * mode (against the OVS semantics written out as tables), and the tag
 * emitter, whose actions are executed on real frames and compared with the
 * frames each port must send. */
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
#include "ofproto/mirror.h"
#include "ofproto/vlan.h"

static struct vlan_port_cfg cfg_of(const char *const *kv)
{
	struct vlan_port_cfg cfg;
	struct errmsg err;

	vlan_port_cfg_init(&cfg);
	for (; kv[0]; kv += 2)
		if (vlan_port_cfg_set(&cfg, kv[0], kv[1], &err))
			fail_msg("%s=%s: %s", kv[0], kv[1], err.msg);
	if (vlan_port_cfg_check(&cfg, &err))
		fail_msg("check: %s", err.msg);
	return cfg;
}

static void test_lists(void **state)
{
	struct vlan_bitmap bm;
	struct errmsg err;
	char *s;

	assert_int_equal(vlan_list_parse("10,20-23,4095,0", &bm, &err), 0);
	assert_true(vlan_bitmap_test(&bm, 0));
	assert_true(vlan_bitmap_test(&bm, 21));
	assert_false(vlan_bitmap_test(&bm, 24));
	assert_true(vlan_bitmap_test(&bm, 4095));
	s = vlan_list_format(&bm);
	assert_string_equal(s, "0,10,20-23,4095");
	free(s);
	assert_int_equal(vlan_list_parse("5,5,4-6", &bm, &err), 0);
	s = vlan_list_format(&bm);
	assert_string_equal(s, "4-6");
	free(s);

	static const char *const bad[] = {"",  ",",   "1,", ",1", "1,,2", "4096", "-1",
	                                  "a", "5-3", "1-", "-",  "1 ,2", "0x10", "1-2-3"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		assert_int_equal(vlan_list_parse(bad[i], &bm, &err), -EINVAL);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_cfg_set_and_check(void **state)
{
	struct vlan_port_cfg cfg, before;
	struct errmsg err;

	vlan_port_cfg_init(&cfg);
	assert_true(vlan_port_cfg_is_default(&cfg));
	assert_int_equal(vlan_port_cfg_mode(&cfg), VLAN_MODE_TRUNK);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), 0);

	/* Bad values leave the settings alone. */
	before = cfg;
	assert_int_equal(vlan_port_cfg_set(&cfg, "tag", "4096", &err), -EINVAL);
	assert_int_equal(vlan_port_cfg_set(&cfg, "tag", "-1", &err), -EINVAL);
	assert_int_equal(vlan_port_cfg_set(&cfg, "vlan-mode", "hybrid", &err), -EINVAL);
	assert_int_equal(vlan_port_cfg_set(&cfg, "trunks", "1,x", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "trunks"));
	assert_int_equal(vlan_port_cfg_set(&cfg, "colour", "red", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown port setting"));
	assert_true(vlan_port_cfg_equal(&cfg, &before));

	/* A tag alone is access. */
	assert_int_equal(vlan_port_cfg_set(&cfg, "tag", "10", &err), 0);
	assert_int_equal(vlan_port_cfg_mode(&cfg), VLAN_MODE_ACCESS);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), 0);
	/* ... and takes no trunks. */
	assert_int_equal(vlan_port_cfg_set(&cfg, "trunks", "10,20", &err), 0);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), -EINVAL);
	assert_int_equal(vlan_port_cfg_set(&cfg, "vlan-mode", "native-untagged", &err), 0);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), 0);
	/* A trunk takes no tag. */
	assert_int_equal(vlan_port_cfg_set(&cfg, "vlan-mode", "trunk", &err), 0);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), -EINVAL);
	assert_int_equal(vlan_port_cfg_set(&cfg, "tag", "", &err), 0);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), 0);
	/* cvlans only for dot1q-tunnel, which needs a tag. */
	assert_int_equal(vlan_port_cfg_set(&cfg, "cvlans", "5", &err), 0);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), -EINVAL);
	assert_int_equal(vlan_port_cfg_set(&cfg, "vlan-mode", "dot1q-tunnel", &err), 0);
	assert_int_equal(vlan_port_cfg_set(&cfg, "trunks", "", &err), 0);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), -EINVAL); /* no tag */
	assert_int_equal(vlan_port_cfg_set(&cfg, "tag", "100", &err), 0);
	assert_int_equal(vlan_port_cfg_check(&cfg, &err), 0);
	/* Unsetting everything gives the default back. */
	assert_int_equal(vlan_port_cfg_set(&cfg, "vlan-mode", "", &err), 0);
	assert_int_equal(vlan_port_cfg_set(&cfg, "tag", "", &err), 0);
	assert_int_equal(vlan_port_cfg_set(&cfg, "cvlans", "", &err), 0);
	assert_true(vlan_port_cfg_is_default(&cfg));
	assert_int_equal(vlan_mode_from_name("native-tagged"), VLAN_MODE_NATIVE_TAGGED);
	assert_int_equal(vlan_mode_from_name(""), -1);
}

#define UNTAGGED  0
#define TAGGED(v) (VLAN_CFI | (v))
#define PRIO(p)   (VLAN_CFI | (p) << VLAN_PCP_SHIFT)
#define DROP      -1

/* One row: frame's tci -> VLAN (or DROP), and whether its tag carries it. */
struct in_case {
	uint16_t tci;
	int vlan;
	bool svc_tagged;
};

static void check_ingress(const struct vlan_port_cfg *cfg, const struct in_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vlan_in in;

		vlan_ingress(cfg, cases[i].tci, &in);
		if (cases[i].vlan == DROP) {
			if (!in.drop)
				fail_msg("case %zu (tci %#x): accepted as VLAN %u", i, cases[i].tci,
				         in.vlan);
			continue;
		}
		if (in.drop)
			fail_msg("case %zu (tci %#x): dropped", i, cases[i].tci);
		assert_int_equal(in.vlan, cases[i].vlan);
		assert_int_equal(in.svc_tagged, cases[i].svc_tagged);
	}
}

static void test_ingress(void **state)
{
	{
		struct vlan_port_cfg c =
		        cfg_of((const char *[]){"vlan-mode", "access", "tag", "10", NULL});
		const struct in_case t[] = {
		        {UNTAGGED, 10, false},
		        {PRIO(5), 10, true},
		        {TAGGED(10), DROP, false}, /* even its own VLAN */
		        {TAGGED(20), DROP, false},
		};

		check_ingress(&c, t, ARRAY_SIZE(t));
	}
	{
		struct vlan_port_cfg c = cfg_of((const char *[]){"trunks", "10,20", NULL});
		const struct in_case t[] = {
		        {UNTAGGED, DROP, false}, /* VLAN 0 not trunked */
		        {TAGGED(10), 10, true},
		        {TAGGED(20), 20, true},
		        {TAGGED(30), DROP, false},
		};

		check_ingress(&c, t, ARRAY_SIZE(t));
	}
	{
		struct vlan_port_cfg c = cfg_of((const char *[]){"vlan-mode", "trunk", NULL});
		const struct in_case t[] = {
		        {UNTAGGED, 0, false},
		        {PRIO(3), 0, true},
		        {TAGGED(4095), 4095, true},
		};

		check_ingress(&c, t, ARRAY_SIZE(t));
	}
	{
		struct vlan_port_cfg c = cfg_of((const char *[]){
		        "vlan-mode", "native-tagged", "tag", "10", "trunks", "20", NULL});
		const struct in_case t[] = {
		        {UNTAGGED, 10, false},  {PRIO(1), 10, true},
		        {TAGGED(10), 10, true}, /* the native VLAN is always trunked */
		        {TAGGED(20), 20, true}, {TAGGED(30), DROP, false},
		};

		check_ingress(&c, t, ARRAY_SIZE(t));
	}
	{
		struct vlan_port_cfg c = cfg_of((const char *[]){"vlan-mode", "dot1q-tunnel", "tag",
		                                                 "100", "cvlans", "0,7", NULL});
		const struct in_case t[] = {
		        {UNTAGGED, 100, false},
		        {TAGGED(7), 100, false},
		        {TAGGED(8), DROP, false},
		};
		struct vlan_in in;

		check_ingress(&c, t, ARRAY_SIZE(t));
		vlan_ingress(&c, TAGGED(7), &in);
		assert_int_equal(in.push_tpid, 0x88a8);
	}
}

static void test_egress(void **state)
{
	struct vlan_port_cfg def, acc, trunk, nt, nu, tun;

	vlan_port_cfg_init(&def);
	acc = cfg_of((const char *[]){"tag", "10", NULL});
	trunk = cfg_of((const char *[]){"vlan-mode", "trunk", "trunks", "0,10,20", NULL});
	nt = cfg_of(
	        (const char *[]){"vlan-mode", "native-tagged", "tag", "10", "trunks", "20", NULL});
	nu = cfg_of((const char *[]){"vlan-mode", "native-untagged", "tag", "10", "trunks", "20",
	                             NULL});
	tun = cfg_of((const char *[]){"vlan-mode", "dot1q-tunnel", "tag", "100", NULL});

	assert_int_equal(vlan_egress(&def, 0), VLAN_OUT_ASIS);
	assert_int_equal(vlan_egress(&def, 10), VLAN_OUT_TAGGED);
	assert_int_equal(vlan_egress(&acc, 10), VLAN_OUT_UNTAGGED);
	assert_int_equal(vlan_egress(&acc, 0), VLAN_OUT_NONE);
	assert_int_equal(vlan_egress(&acc, 20), VLAN_OUT_NONE);
	assert_int_equal(vlan_egress(&trunk, 0), VLAN_OUT_UNTAGGED);
	assert_int_equal(vlan_egress(&trunk, 20), VLAN_OUT_TAGGED);
	assert_int_equal(vlan_egress(&trunk, 30), VLAN_OUT_NONE);
	assert_int_equal(vlan_egress(&nt, 10), VLAN_OUT_TAGGED);
	assert_int_equal(vlan_egress(&nt, 20), VLAN_OUT_TAGGED);
	assert_int_equal(vlan_egress(&nt, 30), VLAN_OUT_NONE);
	assert_int_equal(vlan_egress(&nu, 10), VLAN_OUT_UNTAGGED);
	assert_int_equal(vlan_egress(&nu, 20), VLAN_OUT_TAGGED);
	assert_int_equal(vlan_egress(&tun, 100), VLAN_OUT_UNTAGGED);
	assert_int_equal(vlan_egress(&tun, 10), VLAN_OUT_NONE);
	assert_true(vlan_port_carries(&trunk, 10));
	assert_false(vlan_port_carries(&acc, 11));
}

/* ---- the emitter, executed on frames ---- */

struct sent {
	size_t n;
	uint8_t bytes[8][128];
	uint32_t len[8];
};

static void rec_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                       const struct dp_tunnel_md *tun)
{
	struct sent *s = aux;

	assert_true(s->n < 8 && pkt->len <= 128);
	memcpy(s->bytes[s->n], pkt->data, pkt->len);
	s->len[s->n++] = pkt->len;
}

static const struct dp_exec_ops ops = {.output = rec_output};

/* A frame with the given tags ((tpid, tci) pairs, outermost first) and a
 * fixed payload. */
static size_t frame(uint8_t *b, int n_tags, const uint16_t *tags)
{
	size_t len = 12;

	memset(b, 0x02, 12);
	for (int i = 0; i < n_tags; i++) {
		b[len++] = (uint8_t)(tags[2 * i] >> 8);
		b[len++] = (uint8_t)tags[2 * i];
		b[len++] = (uint8_t)(tags[2 * i + 1] >> 8);
		b[len++] = (uint8_t)tags[2 * i + 1];
	}
	b[len++] = 0x08;
	b[len++] = 0x00;
	for (int i = 0; i < 30; i++)
		b[len++] = (uint8_t)i;
	return len;
}

/* Emits outputs in the shapes 'hows' (VLAN 'vlan') for a frame received
 * with 'in_tags' on a port with 'cfg', executes them, and checks each sent
 * frame against the frame built from the expected tags. */
struct shape {
	enum vlan_out how;
	int n_tags;
	uint16_t tags[4];
};

static void check_emit(const struct vlan_port_cfg *cfg, int n_in, const uint16_t *in_tags,
                       uint16_t vlan, const struct shape *shapes, size_t n_shapes)
{
	uint8_t raw[16 + 128];
	struct pkt pkt = {.data = raw + 16, .headroom = 16};
	struct dp_actions acts;
	struct vlan_emit e;
	struct vlan_in in;
	struct flow flow;
	struct sent s = {0};

	pkt.len = (uint32_t)frame(pkt.data, n_in, in_tags);
	flow_extract(&pkt, 1, &flow);
	vlan_ingress(cfg, flow.vlan_tci, &in);
	assert_false(in.drop);
	assert_int_equal(in.vlan, vlan);
	vlan_emit_init(&e, flow.vlan_tci, flow.vlan_tpid, &in);
	dp_actions_init(&acts);
	for (size_t i = 0; i < n_shapes; i++) {
		vlan_emit_to(&e, &acts, shapes[i].how, vlan);
		dp_actions_put_output(&acts, (uint32_t)i);
	}
	vlan_emit_restore(&e, &acts);
	dp_actions_put_output(&acts, 99); /* the packet is back as received */
	assert_int_equal(dp_execute(&pkt, NULL, &acts, &ops, &s), 0);
	assert_int_equal(s.n, n_shapes + 1);
	for (size_t i = 0; i <= n_shapes; i++) {
		uint8_t want[128];
		size_t len = i < n_shapes ? frame(want, shapes[i].n_tags, shapes[i].tags)
		                          : frame(want, n_in, in_tags);

		if (s.len[i] != len || memcmp(s.bytes[i], want, len)) {
			char text[256];

			dp_actions_format(&acts, text, sizeof text);
			fail_msg("output %zu differs (actions %s)", i, text);
		}
	}
	dp_actions_uninit(&acts);
}

static void test_emit(void **state)
{
	struct vlan_port_cfg acc = cfg_of((const char *[]){"tag", "10", NULL});
	struct vlan_port_cfg trunk = cfg_of((const char *[]){"vlan-mode", "trunk", NULL});
	struct vlan_port_cfg tun =
	        cfg_of((const char *[]){"vlan-mode", "dot1q-tunnel", "tag", "100", NULL});

	/* Untagged on an access port: tagged for trunks, untagged for access. */
	check_emit(&acc, 0, NULL, 10,
	           (const struct shape[]){{VLAN_OUT_TAGGED, 1, {0x8100, 10}},
	                                  {VLAN_OUT_UNTAGGED, 0, {0}},
	                                  {VLAN_OUT_TAGGED, 1, {0x8100, 10}}},
	           3);
	/* A priority tag is rewritten (PCP kept) or removed. */
	check_emit(&acc, 1, (const uint16_t[]){0x8100, 5 << 13}, 10,
	           (const struct shape[]){{VLAN_OUT_UNTAGGED, 0, {0}},
	                                  {VLAN_OUT_TAGGED, 1, {0x8100, 5 << 13 | 10}}},
	           2);
	/* Tagged on a trunk, 802.1ad outer tag kept on trunks, popped to
	 * expose the customer tag. */
	check_emit(&trunk, 2, (const uint16_t[]){0x88a8, 3 << 13 | 100, 0x8100, 7}, 100,
	           (const struct shape[]){{VLAN_OUT_UNTAGGED, 1, {0x8100, 7}},
	                                  {VLAN_OUT_TAGGED, 2, {0x88a8, 3 << 13 | 100, 0x8100, 7}},
	                                  {VLAN_OUT_UNTAGGED, 1, {0x8100, 7}}},
	           3);
	/* dot1q-tunnel: the service tag goes over the customer's. */
	check_emit(&tun, 1, (const uint16_t[]){0x8100, 7}, 100,
	           (const struct shape[]){{VLAN_OUT_TAGGED, 2, {0x88a8, 100, 0x8100, 7}},
	                                  {VLAN_OUT_UNTAGGED, 1, {0x8100, 7}}},
	           2);
	/* RSPAN-like VID changes on a trunk frame, restored at the end. */
	check_emit(&trunk, 1, (const uint16_t[]){0x8100, 2 << 13 | 20}, 20,
	           (const struct shape[]){{VLAN_OUT_TAGGED, 1, {0x8100, 2 << 13 | 20}},
	                                  {VLAN_OUT_UNTAGGED, 0, {0}},
	                                  {VLAN_OUT_TAGGED, 1, {0x8100, 2 << 13 | 20}},
	                                  {VLAN_OUT_ASIS, 1, {0x8100, 2 << 13 | 20}}},
	           4);
}

static void test_mirror_cfg(void **state)
{
	struct mirror_cfg m, copy;
	struct errmsg err;

	mirror_cfg_init(&m, "m1");
	assert_int_equal(mirror_cfg_check(&m, &err), -EINVAL); /* no output */
	assert_int_equal(mirror_cfg_set(&m, "output-port", "p3", &err), 0);
	assert_int_equal(mirror_cfg_check(&m, &err), -EINVAL); /* selects nothing */
	assert_int_equal(mirror_cfg_set(&m, "select-src", "p1,p2", &err), 0);
	assert_int_equal(mirror_cfg_check(&m, &err), 0);
	assert_int_equal(mirror_cfg_set(&m, "output-vlan", "5", &err), 0);
	assert_int_equal(mirror_cfg_check(&m, &err), -EINVAL); /* two outputs */
	assert_int_equal(mirror_cfg_set(&m, "output-vlan", "0", &err), -EINVAL);
	assert_int_equal(mirror_cfg_set(&m, "select-src", "p1,,p2", &err), -EINVAL);
	assert_int_equal(mirror_cfg_set(&m, "select-src", "p1,bad name", &err), -EINVAL);
	assert_int_equal(mirror_cfg_set(&m, "select-vlan", "1-", &err), -EINVAL);
	assert_int_equal(mirror_cfg_set(&m, "select-all", "yes", &err), -EINVAL);
	assert_int_equal(mirror_cfg_set(&m, "frobnicate", "1", &err), -EINVAL);
	assert_int_equal(m.n_src, 2);
	free(m.output_port);
	m.output_port = NULL;
	assert_int_equal(mirror_cfg_check(&m, &err), 0);
	assert_int_equal(mirror_cfg_set(&m, "select-dst", "p1,p1", &err), 0);
	assert_int_equal(mirror_cfg_check(&m, &err), -EINVAL); /* twice */
	assert_int_equal(mirror_cfg_set(&m, "select-dst", "p4", &err), 0);
	assert_int_equal(mirror_cfg_set(&m, "output-port", "p4", &err), 0);
	m.output_vlan = -1;
	assert_int_equal(mirror_cfg_check(&m, &err), -EINVAL); /* output selected */
	assert_true(mirror_cfg_uses_port(&m, "p2"));
	assert_false(mirror_cfg_uses_port(&m, "p9"));
	mirror_cfg_clone(&copy, &m);
	mirror_cfg_uninit(&m);
	assert_string_equal(copy.src[1], "p2");
	assert_string_equal(copy.output_port, "p4");
	mirror_cfg_uninit(&copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lists),   cmocka_unit_test(test_cfg_set_and_check),
	        cmocka_unit_test(test_ingress), cmocka_unit_test(test_egress),
	        cmocka_unit_test(test_emit),    cmocka_unit_test(test_mirror_cfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
