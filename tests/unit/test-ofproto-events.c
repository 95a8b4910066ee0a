/* test-ofproto-events.c - what the OpenFlow agent gets from a bridge:
 * PACKET_IN through the datapath's userspace queue (reasons, table, cookie,
 * metadata, the events descriptor, NO_PACKET_IN, a full queue dropping and
 * counting), FLOW_REMOVED reasons (delete, idle/hard timeout, group and
 * meter delete), PORT_STATUS (add, delete, port_mod), port descriptions,
 * fail mode, datapath id, table statistics, PACKET_OUT (to the controller,
 * through the tables, errors) and batched revalidation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <poll.h>

#include "lib/dp-actions.h"
#include "ofproto/ofproto-ofp.h"
#include "ofproto/ofproto-private.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-actions.h"
#include "pkt-fixture.h"

#define DP_BASE 41
#define N_PORTS 3

struct events {
	size_t n_pin;
	struct ofproto_packet_in pin; /* the last one (packet copied) */
	uint8_t packet[256];
	size_t n_fr;
	struct ofproto_flow_removed fr[8];
	size_t n_ps;
	enum ofproto_port_reason ps_reason[8];
	struct ofproto_port_desc ps[8];
};

static struct events ev;

static void on_packet_in(void *aux, struct ofproto *br, const struct ofproto_packet_in *pin)
{
	ev.n_pin++;
	ev.pin = *pin;
	memcpy(ev.packet, pin->packet, pin->packet_len < 256 ? pin->packet_len : 256);
}

static void on_flow_removed(void *aux, struct ofproto *br, const struct ofproto_flow_removed *fr)
{
	if (ev.n_fr < 8)
		ev.fr[ev.n_fr] = *fr;
	ev.n_fr++;
}

static void on_port_status(void *aux, struct ofproto *br, enum ofproto_port_reason reason,
                           const struct ofproto_port_desc *desc)
{
	if (ev.n_ps < 8) {
		ev.ps_reason[ev.n_ps] = reason;
		ev.ps[ev.n_ps] = *desc;
	}
	ev.n_ps++;
}

static const struct ofproto_event_ops ops = {
        .packet_in = on_packet_in,
        .flow_removed = on_flow_removed,
        .port_status = on_port_status,
};

static int setup(void **state)
{
	int r = bridge_fixture_setup(state, N_PORTS, DP_BASE);
	struct fixture *fx = *state;

	ofswitch_set_event_ops(fx->sw, &ops, NULL);
	memset(&ev, 0, sizeof ev);
	return r;
}

static int teardown(void **state)
{
	return bridge_fixture_teardown(state);
}

struct port_outs {
	size_t n;
	uint32_t ports[16];
};

static void rec_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                       const struct dp_tunnel_md *tun)
{
	struct port_outs *o = aux;

	if (o->n < 16)
		o->ports[o->n] = port;
	o->n++;
}

static const struct dp_exec_ops rec_ops = {.output = rec_output};

static size_t receive(struct fixture *fx, uint32_t ofport, const struct tb *t)
{
	struct port_outs o = {.n = 0};

	assert_true(bridge_receive(fx, ofport, t, &rec_ops, &o) >= 0);
	return o.n;
}

static bool fd_readable(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, timeout_ms) == 1;
}

static void test_packet_in(void **state)
{
	struct fixture *fx = *state;
	int fd = ofswitch_events_fd(fx->sw);
	struct dpif_stats st;
	struct tb t;

	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "table=0,priority=0,cookie=0x11,actions=CONTROLLER:128");
	pkt_udp4(&t, 0, 1, 53);
	assert_false(fd_readable(fd, 0));
	receive(fx, 1, &t);
	assert_true(fd_readable(fd, 0));
	ofswitch_events_run(fx->sw);
	assert_false(fd_readable(fd, 0));
	assert_int_equal(ev.n_pin, 1);
	assert_int_equal(ev.pin.reason, OFPROTO_PIN_NO_MATCH);
	assert_int_equal(ev.pin.table_id, 0);
	assert_int_equal(ev.pin.cookie, 0x11);
	assert_int_equal(ev.pin.max_len, 128);
	assert_int_equal(ev.pin.flow.in_port, 1);
	assert_int_equal(ev.pin.packet_len, t.len);
	assert_memory_equal(ev.packet, t.b, t.len);
	/* The cached megaflow: same again. */
	receive(fx, 1, &t);
	ofswitch_events_run(fx->sw);
	assert_int_equal(ev.n_pin, 2);

	/* An action in a later table, after metadata and an edit. */
	bridge_add_flow(fx->br,
	                "table=0,priority=5,udp,cookie=0x22,actions=write_metadata:0x5/0xff,"
	                "goto_table:3");
	bridge_add_flow(fx->br, "table=3,priority=9,cookie=0x33,"
	                        "actions=set_field:02:00:00:00:00:42->eth_dst,CONTROLLER");
	receive(fx, 2, &t);
	ofswitch_events_run(fx->sw);
	assert_int_equal(ev.n_pin, 3);
	assert_int_equal(ev.pin.reason, OFPROTO_PIN_ACTION);
	assert_int_equal(ev.pin.table_id, 3);
	assert_int_equal(ev.pin.cookie, 0x33);
	assert_int_equal(ev.pin.max_len, 0xffff);
	assert_int_equal(ev.pin.flow.in_port, 2);
	assert_int_equal(ev.pin.flow.metadata, 5);
	assert_int_equal(ev.packet[5], 0x42); /* as edited so far */

	/* NO_PACKET_IN on the ingress port. */
	{
		static const uint8_t zero[6] = {0};
		struct ofperr oe = {0};
		struct errmsg err;

		assert_int_equal(ofproto_port_mod(fx->br, 2, zero, OFPPC_NO_PACKET_IN,
		                                  OFPPC_NO_PACKET_IN, &oe, &err),
		                 0);
		receive(fx, 2, &t);
		ofswitch_events_run(fx->sw);
		assert_int_equal(ev.n_pin, 3);
		receive(fx, 1, &t); /* port 1 still sends */
		ofswitch_events_run(fx->sw);
		assert_int_equal(ev.n_pin, 4);
		assert_int_equal(
		        ofproto_port_mod(fx->br, 2, zero, 0, OFPPC_NO_PACKET_IN, &oe, &err), 0);
	}

	/* A full queue drops and counts; the datapath never waits. */
	for (unsigned i = 0; i < DPIF_USERSPACE_QUEUE + 100; i++)
		receive(fx, 1, &t);
	dpif_get_stats(fx->sw->dpif, &st);
	assert_int_equal(st.userspace_dropped, 100);
	ofswitch_events_run(fx->sw);
	assert_int_equal(ev.n_pin, 4 + DPIF_USERSPACE_QUEUE);
	assert_false(fd_readable(fd, 0));
	bridge_del_flows(fx->br);
}

static void test_flow_removed(void **state)
{
	struct fixture *fx = *state;
	struct ofperr oe = {0};
	struct errmsg err;
	struct tb t;

	bridge_del_flows(fx->br);
	ev.n_fr = 0;
	bridge_add_flow(fx->br, "priority=3,udp,cookie=0x5,send_flow_rem,actions=output:2");
	bridge_add_flow(fx->br, "priority=4,tcp,actions=output:2"); /* no send_flow_rem */
	pkt_udp4(&t, 0, 9, 53);
	receive(fx, 1, &t);
	receive(fx, 1, &t);
	bridge_del_flows(fx->br);
	assert_int_equal(ev.n_fr, 1);
	assert_int_equal(ev.fr[0].reason, OFPROTO_FR_DELETE);
	assert_int_equal(ev.fr[0].priority, 3);
	assert_int_equal(ev.fr[0].cookie, 0x5);
	assert_int_equal(ev.fr[0].packets, 2); /* fresh counters */
	assert_int_equal(ev.fr[0].bytes, 2 * t.len);
	assert_int_equal(ev.fr[0].match.flow.nw_proto, 17);

	/* Timeouts. */
	bridge_add_flow(fx->br, "priority=3,udp,idle_timeout=5,send_flow_rem,actions=output:2");
	bridge_add_flow(fx->br, "priority=4,tcp,hard_timeout=7,idle_timeout=100,send_flow_rem,"
	                        "actions=output:2");
	assert_int_equal(ofproto_expire_rules(fx->br, time_msec() + 8000), 2);
	ofswitch_events_flush(fx->sw);
	assert_int_equal(ev.n_fr, 3);
	assert_int_equal(ev.fr[1].reason + ev.fr[2].reason,
	                 OFPROTO_FR_IDLE_TIMEOUT + OFPROTO_FR_HARD_TIMEOUT);
	assert_int_equal(ev.fr[1].priority == 3 ? ev.fr[1].reason : ev.fr[2].reason,
	                 OFPROTO_FR_IDLE_TIMEOUT);

	/* Group and meter delete. */
	{
		struct ofp_group_mod gm;
		struct ofp_meter_mod mm;

		assert_int_equal(ofp_group_mod_parse("group_id=4,type=all,bucket=output:3",
		                                     OFPGC_ADD, NULL, &gm, &err),
		                 0);
		assert_int_equal(ofproto_group_mod(fx->br, &gm, &oe, &err), 0);
		ofp_group_mod_uninit(&gm);
		bridge_add_flow(fx->br, "priority=6,udp,send_flow_rem,actions=group:4");
		ofp_group_mod_init(&gm);
		gm.command = OFPGC_DELETE;
		gm.group_id = 4;
		assert_int_equal(ofproto_group_mod(fx->br, &gm, &oe, &err), 0);
		assert_int_equal(ev.n_fr, 4);
		assert_int_equal(ev.fr[3].reason, OFPROTO_FR_GROUP_DELETE);

		memset(&mm, 0, sizeof mm);
		mm.command = OFPMC_ADD;
		mm.flags = OFPMF_PKTPS;
		mm.meter_id = 8;
		mm.n_bands = 1;
		mm.bands[0].type = OFPMBT_DROP;
		mm.bands[0].rate = 100;
		assert_int_equal(ofproto_meter_mod(fx->br, &mm, &oe, &err), 0);
		bridge_add_flow(fx->br, "priority=6,udp,send_flow_rem,actions=meter:8,output:2");
		mm.command = OFPMC_DELETE;
		assert_int_equal(ofproto_meter_mod(fx->br, &mm, &oe, &err), 0);
		assert_int_equal(ev.n_fr, 5);
		assert_int_equal(ev.fr[4].reason, OFPROTO_FR_METER_DELETE);
	}
}

static void test_ports(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t zero[6] = {0};
	static const uint8_t other[6] = {2, 0, 0, 0, 0, 1};
	struct ofproto_port_desc *d;
	struct ofperr oe = {0};
	struct errmsg err;
	size_t n;

	ev.n_ps = 0;
	assert_int_equal(ofproto_port_attach(fx->br, "p9", 9, DP_BASE + 20, NULL), 0);
	assert_int_equal(ev.n_ps, 1);
	assert_int_equal(ev.ps_reason[0], OFPROTO_PORT_ADD);
	assert_int_equal(ev.ps[0].port_no, 9);
	assert_string_equal(ev.ps[0].name, "p9");
	assert_int_equal(ev.ps[0].state, OFPPS_LIVE);

	ofproto_port_descs(fx->br, &d, &n);
	assert_int_equal(n, N_PORTS + 1);
	assert_int_equal(d[0].port_no, 1);
	assert_int_equal(d[n - 1].port_no, 9);
	assert_int_equal(d[0].curr_speed, 10000000);
	free(d);

	/* port_mod: config bits, errors. */
	assert_int_equal(ofproto_port_mod(fx->br, 9, zero, OFPPC_PORT_DOWN | OFPPC_NO_FWD,
	                                  OFPPC_PORT_DOWN | OFPPC_NO_FWD, &oe, &err),
	                 0);
	assert_int_equal(ev.n_ps, 2);
	assert_int_equal(ev.ps_reason[1], OFPROTO_PORT_MODIFY);
	assert_int_equal(ev.ps[1].config, OFPPC_PORT_DOWN | OFPPC_NO_FWD);
	assert_int_equal(ev.ps[1].state, 0); /* no longer live */
	assert_int_equal(ofproto_port_mod(fx->br, 77, zero, 0, OFPPC_NO_FWD, &oe, &err), -ENOENT);
	assert_int_equal(oe.code, OFPPMFC_BAD_PORT);
	oe.set = false;
	assert_int_equal(ofproto_port_mod(fx->br, 9, other, 0, OFPPC_NO_FWD, &oe, &err), -EINVAL);
	assert_int_equal(oe.code, OFPPMFC_BAD_HW_ADDR);
	oe.set = false;
	assert_int_equal(ofproto_port_mod(fx->br, 9, zero, 0, 0x2, &oe, &err), -EINVAL);
	assert_int_equal(oe.code, OFPPMFC_BAD_CONFIG);

	assert_int_equal(ofproto_port_del(fx->br, "p9", false, &err), 0);
	assert_int_equal(ev.n_ps, 3);
	assert_int_equal(ev.ps_reason[2], OFPROTO_PORT_DELETE);
	assert_int_equal(ev.ps[2].port_no, 9);
}

static void test_port_config_in_translation(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t zero[6] = {0};
	struct ofperr oe = {0};
	struct errmsg err;
	struct tb t;

	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "actions=FLOOD");
	pkt_udp4(&t, 0, 3, 53);
	assert_int_equal(receive(fx, 1, &t), 2);
	/* NO_FWD on port 2: the cached flood megaflow follows. */
	assert_int_equal(ofproto_port_mod(fx->br, 2, zero, OFPPC_NO_FWD, OFPPC_NO_FWD, &oe, &err),
	                 0);
	assert_int_equal(receive(fx, 1, &t), 1);
	/* NO_RECV on port 1. */
	assert_int_equal(ofproto_port_mod(fx->br, 1, zero, OFPPC_NO_RECV, OFPPC_NO_RECV, &oe, &err),
	                 0);
	assert_int_equal(receive(fx, 1, &t), 0);
	assert_int_equal(receive(fx, 3, &t), 1);
	assert_int_equal(ofproto_port_mod(fx->br, 1, zero, 0, OFPPC_NO_RECV, &oe, &err), 0);
	assert_int_equal(ofproto_port_mod(fx->br, 2, zero, 0, OFPPC_NO_FWD, &oe, &err), 0);
	assert_int_equal(receive(fx, 1, &t), 2);
	bridge_del_flows(fx->br);
}

static void test_fail_mode_dpid_tables(void **state)
{
	struct fixture *fx = *state;
	struct ofproto_table_stats ts[OFPROTO_N_TABLES];
	struct ofproto *br2;
	struct errmsg err;
	uint64_t dpid;
	struct tb t;

	bridge_del_flows(fx->br);
	pkt_udp4(&t, 0, 4, 53);
	assert_int_equal(receive(fx, 1, &t), 0); /* empty tables drop */
	/* Controllers configured, none connected, standalone: NORMAL. */
	ofproto_set_controller_state(fx->br, true, false);
	assert_int_equal(receive(fx, 1, &t), 2);
	ofproto_set_fail_mode(fx->br, OFPROTO_FAIL_SECURE);
	assert_int_equal(receive(fx, 1, &t), 0);
	ofproto_set_fail_mode(fx->br, OFPROTO_FAIL_STANDALONE);
	assert_int_equal(receive(fx, 1, &t), 2);
	ofproto_set_controller_state(fx->br, true, true);
	assert_int_equal(receive(fx, 1, &t), 0);
	ofproto_set_controller_state(fx->br, false, false);

	/* Datapath id: derived from the name (stable, 48 bits), or set. */
	dpid = ofproto_datapath_id(fx->br);
	assert_true(dpid && dpid < (1ull << 48));
	assert_int_equal(ofswitch_bridge_add(fx->sw, "br1", &br2, &err), 0);
	assert_int_not_equal(ofproto_datapath_id(br2), dpid);
	assert_int_equal(ofswitch_bridge_del(fx->sw, "br1", &err), 0);
	assert_int_equal(ofswitch_bridge_add(fx->sw, "br1", &br2, &err), 0);
	assert_int_not_equal(ofproto_datapath_id(br2), dpid);
	ofproto_set_datapath_id(fx->br, 0x1234);
	assert_int_equal(ofproto_datapath_id(fx->br), 0x1234);
	ofproto_set_datapath_id(fx->br, 0);
	assert_int_equal(ofproto_datapath_id(fx->br), dpid);
	assert_int_equal(ofswitch_bridge_del(fx->sw, "br1", &err), 0);

	/* Table statistics (counted per upcall). */
	bridge_add_flow(fx->br, "table=0,udp,actions=goto_table:1");
	bridge_add_flow(fx->br, "table=1,priority=1,udp,tp_src=77,actions=output:2");
	ofproto_table_stats(fx->br, ts);
	pkt_udp4(&t, 0, 78, 53); /* misses table 1 */
	receive(fx, 1, &t);
	{
		struct ofproto_table_stats ts2[OFPROTO_N_TABLES];

		ofproto_table_stats(fx->br, ts2);
		assert_int_equal(ts2[0].active_count, 1);
		assert_int_equal(ts2[1].active_count, 1);
		assert_int_equal(ts2[0].lookup_count - ts[0].lookup_count, 1);
		assert_int_equal(ts2[0].matched_count - ts[0].matched_count, 1);
		assert_int_equal(ts2[1].lookup_count - ts[1].lookup_count, 1);
		assert_int_equal(ts2[1].matched_count - ts[1].matched_count, 0);
	}
	assert_int_equal(ofproto_flow_limit(fx->br), OFPROTO_FLOW_LIMIT_DEFAULT);
	bridge_del_flows(fx->br);
}

static int packet_out(struct fixture *fx, uint32_t in_port, const struct tb *t, const char *actions,
                      struct ofperr *oe)
{
	struct ofpacts_buf b;
	struct errmsg err;
	int error;

	ofpacts_buf_init(&b);
	assert_int_equal(ofpacts_parse(actions, ofproto_port_names(fx->br), &b, &err), 0);
	error = ofproto_packet_out(fx->br, in_port, t->b, t->len,
	                           (const struct ofpact *)(const void *)b.data, b.size, oe, &err);
	ofpacts_buf_uninit(&b);
	return error;
}

/* Waits for the datapath thread to run a PACKET_OUT, then delivers. */
static void wait_packet_in(struct fixture *fx, size_t want)
{
	for (int i = 0; i < 100 && ev.n_pin < want; i++) {
		fd_readable(ofswitch_events_fd(fx->sw), 20);
		ofswitch_events_run(fx->sw);
	}
	assert_int_equal(ev.n_pin, want);
}

static void test_packet_out(void **state)
{
	struct fixture *fx = *state;
	struct ofperr oe = {0};
	size_t n0 = ev.n_pin;
	struct tb t;

	pkt_udp4(&t, 0, 5, 53);
	assert_int_equal(packet_out(fx, OFPP_CONTROLLER, &t,
	                            "set_field:02:00:00:00:00:55->eth_dst,CONTROLLER:64", &oe),
	                 0);
	wait_packet_in(fx, n0 + 1);
	assert_int_equal(ev.pin.reason, OFPROTO_PIN_ACTION);
	assert_int_equal(ev.pin.max_len, 64);
	assert_int_equal(ev.pin.flow.in_port, OFPP_CONTROLLER);
	assert_int_equal(ev.packet[5], 0x55);

	/* output:TABLE runs the tables with the given in_port. */
	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "table=0,in_port=2,cookie=0x99,actions=CONTROLLER");
	assert_int_equal(packet_out(fx, 2, &t, "TABLE", &oe), 0);
	wait_packet_in(fx, n0 + 2);
	assert_int_equal(ev.pin.cookie, 0x99);
	assert_int_equal(ev.pin.flow.in_port, 2);
	assert_memory_equal(ev.packet, t.b, t.len);

	/* Errors. */
	assert_int_equal(packet_out(fx, 55, &t, "output:1", &oe), -EINVAL);
	assert_int_equal(oe.type, OFPET_BAD_REQUEST);
	assert_int_equal(oe.code, OFPBRC_BAD_PORT);
	oe.set = false;
	assert_int_equal(packet_out(fx, 1, &t, "output:66", &oe), -EINVAL);
	assert_int_equal(oe.type, OFPET_BAD_ACTION);
	assert_int_equal(oe.code, OFPBAC_BAD_OUT_PORT);
	oe.set = false;
	assert_int_equal(packet_out(fx, 1, &t, "group:66", &oe), -EINVAL);
	assert_int_equal(oe.code, OFPBAC_BAD_OUT_GROUP);
	bridge_del_flows(fx->br);
}

static void test_deferred_revalidation(void **state)
{
	struct fixture *fx = *state;
	struct tb t;

	bridge_del_flows(fx->br);
	bridge_add_flow(fx->br, "udp,actions=output:2");
	pkt_udp4(&t, 0, 6, 53);
	assert_int_equal(receive(fx, 1, &t), 1);
	ofproto_defer_revalidation(fx->br, true);
	bridge_add_flow(fx->br, "priority=40000,udp,actions=output:2,output:3");
	/* The cached megaflow still forwards by the old rule... */
	assert_int_equal(receive(fx, 1, &t), 1);
	/* ...until deferral ends. */
	ofproto_defer_revalidation(fx->br, false);
	assert_int_equal(receive(fx, 1, &t), 2);
	bridge_del_flows(fx->br);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_packet_in, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_flow_removed, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_port_config_in_translation, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_fail_mode_dpid_tables, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_packet_out, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_deferred_revalidation, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
