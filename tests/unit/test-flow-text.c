/* test-flow-text.c - unit tests for the ovs-ofctl flow syntax: real flow
 * lines parsed, formatted and re-parsed (round trip), error messages for bad
 * items and unmet prerequisites, every field name, the meta-flow value
 * syntax and wire form, action checks and the action set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "lib/meta-flow.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-match.h"
#include "ofp-text-fixture.h"

/* Parsing accepts names; formatting with 'parse_names' prints numbers. */
static const struct ofp_port_names parse_names = {test_name_to_port, NULL, NULL};

struct round_trip {
	const char *in;
	const char *out; /* flow_text_format_rule() of the parse */
};

static const struct round_trip round_trips[] = {
        {"priority=100,ip,in_port=1,nw_dst=10.0.0.0/24,actions=output:2",
         "priority=100,ip,in_port=1,nw_dst=10.0.0.0/24 actions=output:2"},
        {"in_port=1 actions=NORMAL", "in_port=1 actions=NORMAL"},
        {"actions=drop", "actions=drop"},
        {"priority=0,actions=normal", "priority=0 actions=NORMAL"},
        {"tcp,tp_dst=80,actions=mod_dl_src:00:11:22:33:44:55,output:2",
         "tcp,tp_dst=80 actions=mod_dl_src:00:11:22:33:44:55,output:2"},
        {"udp, nw_src=192.168.1.0/255.255.255.0, tp_src=53 actions=set_field:10.0.0.1->ip_dst,3",
         "udp,nw_src=192.168.1.0/24,tp_src=53 actions=set_field:10.0.0.1->ip_dst,output:3"},
        {"arp,arp_tpa=10.0.0.1,arp_op=1,actions=FLOOD",
         "arp,arp_tpa=10.0.0.1,arp_op=1 actions=FLOOD"},
        {"arp,nw_dst=10.0.0.1,nw_proto=2,actions=all", "arp,arp_tpa=10.0.0.1,arp_op=2 actions=ALL"},
        {"dl_vlan=10,dl_vlan_pcp=3,actions=strip_vlan,output:1",
         "dl_vlan=10,dl_vlan_pcp=3 actions=strip_vlan,output:1"},
        {"dl_vlan=0xffff,actions=push_vlan:0x8100,set_field:4106->vlan_vid,output:1",
         "vlan_tci=0x0000 actions=push_vlan:0x8100,set_field:4106->vlan_vid,output:1"},
        {"vlan_tci=0x1000/0x1000,actions=mod_vlan_vid:5,mod_vlan_pcp:2,pop_vlan,output:4",
         "vlan_tci=0x1000/0x1000 actions=mod_vlan_vid:5,mod_vlan_pcp:2,pop_vlan,output:4"},
        {"icmp6,icmp_type=135,nd_target=fe80::1,actions=CONTROLLER:128",
         "icmp6,icmp_type=135,nd_target=fe80::1 actions=CONTROLLER:128"},
        {"icmp6,icmp_type=136,nd_tll=00:00:00:00:00:02,actions=drop",
         "icmp6,icmp_type=136,nd_tll=00:00:00:00:00:02 actions=drop"},
        {"ipv6,ipv6_src=2001:db8::/32,ipv6_label=0x12345,actions=dec_ttl,LOCAL",
         "ipv6,ipv6_src=2001:db8::/32,ipv6_label=0x12345 actions=dec_ttl,LOCAL"},
        {"table=1,priority=5,reg0=0x5/0xff,metadata=0x1,actions=meter:2,output:2,"
         "write_actions(output:3),write_metadata:0x1/0xff,goto_table:2",
         "priority=5,reg0=0x5/0xff,metadata=0x1 actions=meter:2,output:2,write_actions(output:3),"
         "write_metadata:0x1/0xff,goto_table:2"},
        {"tcp,tcp_flags=+syn-ack,actions=clear_actions,goto_table:1",
         "tcp,tcp_flags=+syn-ack actions=clear_actions,goto_table:1"},
        {"tcp,tcp_flags=0x002,actions=drop", "tcp,tcp_flags=0x002 actions=drop"},
        {"ip,nw_frag=later,nw_tos=16,nw_ecn=1,nw_ttl=64,actions=drop",
         "ip,nw_tos=16,nw_ecn=1,nw_ttl=64,nw_frag=later actions=drop"},
        {"ip,ip_dscp=46,actions=set_field:10->ip_dscp",
         "ip,nw_tos=184 actions=set_field:10->ip_dscp"},
        {"icmp,icmp_type=8,icmp_code=0,actions=output:1",
         "icmp,icmp_type=8,icmp_code=0 actions=output:1"},
        {"dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,dl_type=0x88cc,actions=controller",
         "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,dl_type=0x88cc actions=CONTROLLER:65535"},
        {"sctp6,tp_dst=0x1000/0xf000,actions=mod_tp_dst:99",
         "sctp6,tp_dst=0x1000/0xf000 actions=mod_tp_dst:99"},
        {"tun_id=0x10,tun_src=1.1.1.1,ip,actions=mod_nw_ttl:5,copy_ttl_out,copy_ttl_in,group:7",
         "ip,tun_id=0x10,tun_src=1.1.1.1 actions=mod_nw_ttl:5,copy_ttl_out,copy_ttl_in,group:7"},
        {"cookie=0x0, duration=1.234s, table=0, n_packets=3, n_bytes=180, idle_timeout=10, "
         "priority=100,ip,in_port=1,nw_dst=10.0.0.0/24 actions=output:2",
         "priority=100,ip,in_port=1,nw_dst=10.0.0.0/24 actions=output:2"},
        {"in_port=LOCAL,actions=in_port", "in_port=LOCAL actions=IN_PORT"},
        {"udp,tp_dst=53 actions=apply_actions(output:1,output:2)",
         "udp,tp_dst=53 actions=output:1,output:2"},
        {"in_port=p1,actions=output:p2,p3", "in_port=1 actions=output:2,output:3"},
        {"ipv6,actions=set_field:00:00:00:00:00:01->eth_dst",
         "ipv6 actions=set_field:00:00:00:00:00:01->eth_dst"},
        {"rarp,actions=drop", "rarp actions=drop"},
        {"ip,nw_src=10.0.3.1/255.0.255.0,actions=mod_nw_src:1.2.3.4,mod_nw_tos:8",
         "ip,nw_src=10.0.3.0/255.0.255.0 actions=mod_nw_src:1.2.3.4,mod_nw_tos:8"},
        {"reg7=0xffffffff,actions=set_field:0x5/0xf->reg3,set_field:0x1->tun_id",
         "reg7=0xffffffff actions=set_field:0x5/0xf->reg3,set_field:0x1->tun_id"},
        {"tcp6,ipv6_dst=::1,tp_src=1,actions=write_actions(group:1,set_field:2->tcp_dst)",
         "tcp6,ipv6_dst=::1,tp_src=1 actions=write_actions(group:1,set_field:2->tcp_dst)"},
        {"priority=65535,ip,nw_frag=not_later,actions=drop",
         "priority=65535,ip,nw_frag=not_later actions=drop"},
        {"dl_type=0x0800,nw_proto=6,tp_dst=22,actions=drop", "tcp,tp_dst=22 actions=drop"},
        {"inner_vlan_tci=0x1005,dl_vlan=7,actions=drop",
         "dl_vlan=7,inner_vlan_tci=0x1005 actions=drop"},
        /* After a pop the inner tag is the outermost: a match that knows
         * there is one allows setting its VID; push keeps a tag outermost. */
        {"dl_vlan=7,inner_vlan_tci=0x1000/0x1000,actions=pop_vlan,set_field:4101->vlan_vid",
         "dl_vlan=7,inner_vlan_tci=0x1000/0x1000 actions=pop_vlan,set_field:4101->vlan_vid"},
        {"actions=push_vlan:0x88a8,pop_vlan,pop_vlan,push_vlan:0x8100,set_field:4101->vlan_vid",
         "actions=push_vlan:0x88a8,pop_vlan,pop_vlan,push_vlan:0x8100,set_field:4101->vlan_vid"},
};

static char *format_fm(const struct flow_text_mod *fm, const struct ofp_port_names *names)
{
	return flow_text_format_rule(&fm->match, fm->priority, fm->ofpacts, fm->ofpacts_len, names);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof round_trips / sizeof round_trips[0]; i++) {
		struct flow_text_mod a, b;
		struct errmsg err = {{0}};
		char *s, *s2;

		if (flow_text_parse(round_trips[i].in, FLOW_TEXT_ADD, &parse_names, &a, &err)) {
			fprintf(stderr, "parse '%s': %s\n", round_trips[i].in, err.msg);
			fail();
		}
		s = format_fm(&a, &parse_names);
		if (strcmp(s, round_trips[i].out))
			fprintf(stderr, "in:   %s\nout:  %s\nwant: %s\n", round_trips[i].in, s,
			        round_trips[i].out);
		assert_string_equal(s, round_trips[i].out);
		/* Re-parse the output: same match and actions, same text. */
		if (flow_text_parse(s, FLOW_TEXT_ADD, &parse_names, &b, &err)) {
			fprintf(stderr, "re-parse '%s': %s\n", s, err.msg);
			fail();
		}
		assert_true(match_equal(&a.match, &b.match));
		assert_int_equal(a.priority, b.priority);
		assert_true(ofpacts_equal(a.ofpacts, a.ofpacts_len, b.ofpacts, b.ofpacts_len));
		s2 = format_fm(&b, &parse_names);
		assert_string_equal(s, s2);
		free(s);
		free(s2);
		flow_text_mod_uninit(&a);
		flow_text_mod_uninit(&b);
	}
}

static void test_port_names(void **state)
{
	struct flow_text_mod fm;
	struct errmsg err;
	char *s;

	(void)state;
	assert_int_equal(flow_text_parse("in_port=p1,actions=output:p2,p3,output:12,LOCAL",
	                                 FLOW_TEXT_ADD, &test_names, &fm, &err),
	                 0);
	s = format_fm(&fm, &test_names);
	assert_string_equal(s, "in_port=p1 actions=output:p2,output:p3,output:12,LOCAL");
	free(s);
	s = flow_text_format_match(&fm.match, 10, NULL);
	assert_string_equal(s, "priority=10,in_port=1");
	free(s);
	flow_text_mod_uninit(&fm);
	/* Without callbacks, names are not accepted. */
	assert_int_equal(flow_text_parse("in_port=p1,actions=drop", FLOW_TEXT_ADD, NULL, &fm, &err),
	                 -EINVAL);
	assert_string_equal(err.msg, "in_port: 'p1' is not a valid port number or name");
	flow_text_mod_uninit(&fm);
}

static void test_attributes(void **state)
{
	struct flow_text_mod fm;
	struct errmsg err;
	const struct ofpact *a;

	(void)state;
	assert_int_equal(flow_text_parse("table=3,priority=7,cookie=0x1f,idle_timeout=10,"
	                                 "hard_timeout=20,importance=5,send_flow_rem,check_overlap,"
	                                 "reset_counts,no_packet_counts,no_byte_counts,ip,"
	                                 "actions=output:1",
	                                 FLOW_TEXT_ADD, NULL, &fm, &err),
	                 0);
	assert_int_equal(fm.table_id, 3);
	assert_int_equal(fm.priority, 7);
	assert_true(fm.has_priority);
	assert_true(fm.new_cookie == 0x1f);
	assert_int_equal(fm.idle_timeout, 10);
	assert_int_equal(fm.hard_timeout, 20);
	assert_int_equal(fm.importance, 5);
	assert_int_equal(fm.flags, OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP | OFPFF_RESET_COUNTS |
	                                   OFPFF_NO_PKT_COUNTS | OFPFF_NO_BYT_COUNTS);
	assert_int_equal(fm.match.flow.dl_type, 0x0800);
	a = fm.ofpacts;
	assert_int_equal(a->type, OFPACT_OUTPUT);
	assert_int_equal(((const struct ofpact_output *)(const void *)a)->port, 1);
	flow_text_mod_uninit(&fm);

	/* Defaults. */
	assert_int_equal(flow_text_parse("actions=drop", FLOW_TEXT_ADD, NULL, &fm, &err), 0);
	assert_int_equal(fm.table_id, 0);
	assert_int_equal(fm.priority, OFP_DEFAULT_PRIORITY);
	assert_false(fm.has_priority);
	assert_int_equal(fm.ofpacts_len, 0);
	assert_null(fm.ofpacts);
	assert_true(match_is_catchall(&fm.match));
	flow_text_mod_uninit(&fm);

	/* del-flows: cookie mask, out_port, out_group, every table by default. */
	assert_int_equal(flow_text_parse("cookie=0x12/0xf0 out_port=p4 out_group=9 tcp",
	                                 FLOW_TEXT_DELETE, &test_names, &fm, &err),
	                 0);
	assert_int_equal(fm.table_id, FLOW_TEXT_TABLE_ALL);
	assert_true(fm.cookie == 0x10 && fm.cookie_mask == 0xf0);
	assert_int_equal(fm.out_port, 4);
	assert_int_equal(fm.out_group, 9);
	assert_int_equal(fm.match.flow.nw_proto, 6);
	flow_text_mod_uninit(&fm);

	/* mod-flows: cookie=V sets, V/-1 selects. */
	assert_int_equal(
	        flow_text_parse("cookie=0x5,actions=drop", FLOW_TEXT_MODIFY, NULL, &fm, &err), 0);
	assert_true(fm.modify_cookie && fm.new_cookie == 5 && fm.cookie_mask == 0);
	flow_text_mod_uninit(&fm);
	assert_int_equal(
	        flow_text_parse("cookie=0x5/-1,actions=drop", FLOW_TEXT_MODIFY, NULL, &fm, &err),
	        0);
	assert_true(!fm.modify_cookie && fm.cookie == 5 && fm.cookie_mask == UINT64_MAX);
	flow_text_mod_uninit(&fm);
}

struct bad {
	enum flow_text_cmd cmd;
	const char *in;
	const char *msg;
};

static const struct bad bads[] = {
        {FLOW_TEXT_ADD, "nw_dstt=1,actions=drop", "unknown field 'nw_dstt'"},
        {FLOW_TEXT_ADD, "tcp,tp_dst=abc,actions=drop", "tp_dst: 'abc' is not a valid port number"},
        {FLOW_TEXT_ADD, "tp_dst=80,actions=drop",
         "tcp_dst requires ip_proto=6 (e.g. 'tcp,tp_dst=80')"},
        {FLOW_TEXT_ADD, "ipv6,tcp_src=1,actions=drop",
         "tcp_src requires ip_proto=6 (e.g. 'tcp6,tcp_src=1')"},
        {FLOW_TEXT_ADD, "nw_src=10.0.0.1,actions=drop",
         "ip_src requires dl_type=0x0800 (e.g. 'ip,nw_src=10.0.0.1')"},
        {FLOW_TEXT_ADD, "arp_sha=00:00:00:00:00:01,actions=drop",
         "arp_sha requires dl_type=0x0806 or dl_type=0x8035 (e.g. "
         "'arp,arp_sha=00:00:00:00:00:01')"},
        {FLOW_TEXT_ADD, "icmp6,nd_target=fe80::1,actions=drop",
         "nd_target requires icmp6 with icmp_type=135 or icmp_type=136 "
         "(e.g. 'icmp6,icmp_type=135,nd_target=fe80::1')"},
        {FLOW_TEXT_ADD, "ip,icmp_type=3,actions=drop",
         "icmp_type requires dl_type=0x0800 and ip_proto=1 (e.g. 'icmp,icmp_type=3')"},
        {FLOW_TEXT_ADD, "ip", "must specify an action (actions=...)"},
        {FLOW_TEXT_ADD, "tcp,tp_dst=70000,actions=drop",
         "tp_dst: '70000' is out of range (max 65535)"},
        {FLOW_TEXT_ADD, "ip,nw_dst=10.0.0.300,actions=drop",
         "nw_dst: '10.0.0.300' is not a valid IPv4 address"},
        {FLOW_TEXT_ADD, "ip,nw_dst=10.0.0.1/33,actions=drop",
         "nw_dst: '10.0.0.1/33' has an invalid mask"},
        {FLOW_TEXT_ADD, "dl_type=0x0800/0xff00,actions=drop",
         "dl_type: '0x0800/0xff00': this field cannot be masked"},
        {FLOW_TEXT_ADD, "tcp,nw_proto=17,actions=drop",
         "nw_proto: conflicts with an earlier value for nw_proto"},
        {FLOW_TEXT_ADD, "ip,arp,actions=drop", "arp: conflicts with an earlier value for eth_type"},
        {FLOW_TEXT_ADD, "in_port=1,actions=output:0",
         "actions: output: 0 is not a valid output port"},
        {FLOW_TEXT_ADD, "actions=foo", "actions: unknown action 'foo'"},
        {FLOW_TEXT_ADD, "actions=goto_table:1,output:2",
         "actions: an action may not follow goto_table (order: meter, actions, clear_actions, "
         "write_actions, write_metadata, goto_table; each once)"},
        {FLOW_TEXT_ADD, "actions=goto_table:1,goto_table:2",
         "actions: goto_table may not follow goto_table (order: meter, actions, clear_actions, "
         "write_actions, write_metadata, goto_table; each once)"},
        {FLOW_TEXT_ADD, "table=3,actions=goto_table:2",
         "actions: goto_table:2 must go to a later table than 3"},
        {FLOW_TEXT_ADD, "actions=set_field:10.0.0.1->ip_dst",
         "actions: set_field:...->ip_dst: ip_dst requires dl_type=0x0800 in the match (e.g. 'ip')"},
        {FLOW_TEXT_ADD, "ip,actions=mod_tp_dst:80",
         "actions: mod_tp_dst: tcp_dst requires ip_proto=6 in the match (e.g. 'tcp')"},
        {FLOW_TEXT_ADD, "actions=set_field:5->vlan_vid",
         "actions: set_field:...->vlan_vid needs a VLAN tag: match one (e.g. 'dl_vlan=10') or "
         "push_vlan first"},
        {FLOW_TEXT_ADD, "dl_vlan=7,actions=pop_vlan,set_field:5->vlan_vid",
         "actions: set_field:...->vlan_vid needs a VLAN tag: match one (e.g. 'dl_vlan=10') or "
         "push_vlan first"},
        {FLOW_TEXT_ADD, "dl_vlan=7,inner_vlan_tci=0,actions=pop_vlan,set_field:4101->vlan_vid",
         "actions: set_field:...->vlan_vid needs a VLAN tag: match one (e.g. 'dl_vlan=10') or "
         "push_vlan first"},
        {FLOW_TEXT_ADD, "actions=push_vlan:0x8100,pop_vlan,set_field:4101->vlan_vid",
         "actions: set_field:...->vlan_vid needs a VLAN tag: match one (e.g. 'dl_vlan=10') or "
         "push_vlan first"},
        {FLOW_TEXT_ADD, "actions=write_actions(output:1,output:2)",
         "actions: write_actions: more than one output action (an action set holds at most one of "
         "each type)"},
        {FLOW_TEXT_ADD, "actions=write_actions(goto_table:1)",
         "actions: goto_table: an instruction is not allowed inside an action list"},
        {FLOW_TEXT_ADD, "cookie=0x1/0xff,actions=drop",
         "cookie: flow additions cannot use a cookie mask"},
        {FLOW_TEXT_ADD, "out_port=1,actions=drop", "out_port: not allowed for add-flow"},
        {FLOW_TEXT_DELETE, "in_port=1,actions=drop", "actions are not allowed here"},
        {FLOW_TEXT_DELETE, "idle_timeout=5", "idle_timeout: only for add-flow and mod-flows"},
        {FLOW_TEXT_DELETE, "cookie=5", "cookie: give a mask to select flows (cookie=0x5/-1)"},
        {FLOW_TEXT_ADD, "in_port=nosuch,actions=drop",
         "in_port: 'nosuch' is not a valid port number or name"},
        {FLOW_TEXT_ADD, "actions=output:1,drop", "actions: drop must be the only action"},
        {FLOW_TEXT_ADD, "actions=write_actions(output:1",
         "actions: unbalanced parentheses in actions"},
        {FLOW_TEXT_ADD, "ip,nw_tos=5,actions=drop",
         "nw_tos: '5' is not a valid TOS value (multiple of 4)"},
        {FLOW_TEXT_ADD, "tcp,tcp_flags=+syn+bogus,actions=drop",
         "tcp_flags: '+syn+bogus': unknown TCP flag 'bogus'"},
        {FLOW_TEXT_ADD, "actions=set_field:0x800->eth_type",
         "actions: set_field: field 'eth_type' is not writable"},
        {FLOW_TEXT_ADD, "ip,nw_proto,actions=drop", "nw_proto: missing value (nw_proto=VALUE)"},
        {FLOW_TEXT_ADD, "table=255,actions=drop", "table: '255' is not a table id (0..254)"},
        {FLOW_TEXT_ADD, "priority=65536,actions=drop",
         "priority: '65536' is not a number in 0..65535"},
        {FLOW_TEXT_ADD, "dl_vlan=4096,actions=drop", "dl_vlan: '4096' is not a valid VLAN ID"},
        {FLOW_TEXT_ADD, "dl_src=00:11:22:33:44,actions=drop",
         "dl_src: '00:11:22:33:44' is not a valid Ethernet address"},
        {FLOW_TEXT_ADD, "actions=push_vlan:0x800",
         "actions: push_vlan: '0x800' is not a VLAN ethertype "
         "(0x8100 or 0x88a8)"},
        {FLOW_TEXT_ADD, "actions=meter:0",
         "actions: meter: '0' is not a valid value (1..4294901760)"},
        {FLOW_TEXT_ADD, "ip,actions=mod_nw_src:10.0.0.0/8",
         "actions: mod_nw_src: '10.0.0.0/8': a mask is not allowed here"},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		struct flow_text_mod fm;
		struct errmsg err = {{0}};
		int error = flow_text_parse(bads[i].in, bads[i].cmd, &test_names, &fm, &err);

		if (!error || strcmp(err.msg, bads[i].msg))
			fprintf(stderr, "in: %s\ngot:  %d %s\nwant: %s\n", bads[i].in, error,
			        err.msg, bads[i].msg);
		assert_int_equal(error, -EINVAL);
		assert_string_equal(err.msg, bads[i].msg);
		flow_text_mod_uninit(&fm);
	}
}

/* A valid sample value for a field. */
static const char *sample_value(const struct mf_field *mf)
{
	switch (mf->string) {
	case MFS_ETHERNET:
		return "00:11:22:33:44:55";
	case MFS_IPV4:
		return "10.1.2.3";
	case MFS_IPV6:
		return "2001:db8::7";
	case MFS_FRAG:
		return "yes";
	case MFS_TCP_FLAGS:
		return "+syn";
	case MFS_OFP_PORT:
		return "5";
	default:
		return mf->id == MFF_NW_TOS ? "8" : "1";
	}
}

static void check_field_name(const struct mf_field *mf, const char *name)
{
	struct match catchall;
	const char *sh;
	char buf[256];
	struct flow_text_mod fm, fm2;
	struct errmsg err = {{0}};
	char *s;

	match_init_catchall(&catchall);
	sh = mf_prereq_shorthand(mf, &catchall);
	if (mf->prereq == MFP_IPV6 || mf->prereq == MFP_ICMPV6)
		sh = mf->prereq == MFP_IPV6 ? "ipv6" : "icmp6";
	snprintf(buf, sizeof buf, "%s%s%s=%s,actions=drop", sh ? sh : "", sh ? "," : "", name,
	         sample_value(mf));
	if (flow_text_parse(buf, FLOW_TEXT_ADD, NULL, &fm, &err)) {
		fprintf(stderr, "'%s': %s\n", buf, err.msg);
		fail();
	}
	assert_true(mf_is_set(mf, &fm.match));
	/* The formatted rule parses back to the same match. */
	s = format_fm(&fm, NULL);
	if (flow_text_parse(s, FLOW_TEXT_ADD, NULL, &fm2, &err)) {
		fprintf(stderr, "'%s' -> '%s': %s\n", buf, s, err.msg);
		fail();
	}
	assert_true(match_equal(&fm.match, &fm2.match));
	free(s);
	flow_text_mod_uninit(&fm);
	flow_text_mod_uninit(&fm2);
}

static void test_every_field(void **state)
{
	(void)state;
	for (int i = 0; i < MFF_N_IDS; i++) {
		const struct mf_field *mf = mf_from_id(i);

		assert_int_equal(mf->id, i);
		assert_ptr_equal(mf_from_name(mf->name), mf);
		check_field_name(mf, mf->name);
		if (mf->extra_name) {
			assert_ptr_equal(mf_from_name(mf->extra_name), mf);
			check_field_name(mf, mf->extra_name);
		}
		/* Every OXM/NXM header maps back to a field sharing it. */
		if (mf->oxm.len) {
			assert_int_equal(mf->oxm.len, mf->n_bytes);
			assert_non_null(mf_from_oxm(mf->oxm.oxm_class, mf->oxm.field));
			assert_int_equal(mf_from_oxm(mf->oxm.oxm_class, mf->oxm.field)->n_bytes,
			                 mf->n_bytes);
		}
	}
	assert_null(mf_from_name("nw_dstt"));
	assert_int_equal(mf_from_oxm(OFPXMC_OPENFLOW_BASIC, 14)->id, MFF_TCP_DST);
	assert_int_equal(mf_from_oxm(OFPXMC_NXM_1, 3)->id, MFF_REG3);
	assert_int_equal(mf_from_oxm(OFPXMC_NXM_1, 16)->id, MFF_TUN_ID);
	assert_int_equal(mf_from_oxm(OFPXMC_OPENFLOW_BASIC, 38)->id, MFF_TUN_ID);
	assert_null(mf_from_oxm(OFPXMC_OPENFLOW_BASIC, 34)); /* MPLS: not supported */
}

struct value_case {
	enum mf_field_id id;
	const char *in;
	const char *out;
};

static const struct value_case value_cases[] = {
        {MFF_IPV4_DST, "10.0.0.0/8", "10.0.0.0/8"},
        {MFF_IPV4_DST, "10.1.2.3/255.255.0.0", "10.1.0.0/16"},
        {MFF_IPV4_DST, "10.1.2.3/0", "0.0.0.0/0"},
        {MFF_IPV4_DST, "10.1.2.3/255.0.255.0", "10.0.2.0/255.0.255.0"},
        {MFF_IPV6_SRC, "2001:db8::1/64", "2001:db8::/64"},
        {MFF_IPV6_SRC, "2001:db8::1/ffff::ffff", "2001::1/ffff::ffff"},
        {MFF_ETH_DST, "aa:bb:cc:dd:ee:ff/ff:ff:ff:00:00:00", "aa:bb:cc:00:00:00/ff:ff:ff:00:00:00"},
        {MFF_TCP_DST, "0x50", "80"},
        {MFF_TCP_DST, "80/0xfff0", "0x50/0xfff0"},
        {MFF_METADATA, "18446744073709551615", "0xffffffffffffffff"},
        {MFF_ETH_TYPE, "2048", "0x0800"},
        {MFF_VLAN_TCI, "0x1005/0x1fff", "0x1005/0x1fff"},
        {MFF_IP_FRAG, "first", "first"},
        {MFF_IP_FRAG, "0x0/0x3", "no"},
        {MFF_TCP_FLAGS, "-fin+rst+ns", "-fin+rst+ns"},
        {MFF_TCP_FLAGS, "0x3/0xf00", "0x000/0xf00"},
        {MFF_IP_DSCP, "63", "63"},
        {MFF_IPV6_LABEL, "0xfffff", "0xfffff"},
};

static void test_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof value_cases / sizeof value_cases[0]; i++) {
		const struct mf_field *mf = mf_from_id(value_cases[i].id);
		union mf_value v, m;
		struct match match;
		struct errmsg err;
		char buf[MF_FORMAT_MAX];

		assert_int_equal(mf_parse(mf, value_cases[i].in, &v, &m, &err), 0);
		match_init_catchall(&match);
		mf_set(mf, &v, &m, &match);
		mf_get(mf, &match, &v, &m);
		mf_format(mf, &v, &m, buf, sizeof buf);
		assert_string_equal(buf, value_cases[i].out);
	}
}

static void test_field_bits(void **state)
{
	struct match m;
	union mf_value v;
	uint8_t wire[16];
	struct errmsg err;

	(void)state;
	/* ip_dscp is the top 6 bits of nw_tos; ECN stays. */
	match_init_catchall(&m);
	m.flow.nw_tos = 0x03;
	assert_int_equal(mf_parse_value(mf_from_id(MFF_IP_DSCP), "46", &v, &err), 0);
	mf_set_flow_value(mf_from_id(MFF_IP_DSCP), &v, &m.flow);
	assert_int_equal(m.flow.nw_tos, (46 << 2) | 3);
	mf_get_value(mf_from_id(MFF_IP_ECN), &m.flow, &v);
	assert_int_equal(v.u8, 3);

	/* vlan_pcp implies a tag; vlan_vid carries OFPVID_PRESENT. */
	match_init_catchall(&m);
	v.u8 = 5;
	mf_set(mf_from_id(MFF_VLAN_PCP), &v, NULL, &m);
	assert_int_equal(m.flow.vlan_tci, (5 << 13) | VLAN_CFI);
	assert_int_equal(m.mask.vlan_tci, VLAN_PCP_MASK | VLAN_CFI);
	assert_true(mf_are_prereqs_ok(mf_from_id(MFF_VLAN_PCP), &m));
	mf_get_value(mf_from_id(MFF_VLAN_VID), &m.flow, &v);
	assert_int_equal(v.u16, VLAN_CFI);

	/* Wire form is big-endian. */
	assert_int_equal(mf_parse_value(mf_from_id(MFF_IPV4_SRC), "10.0.0.1", &v, &err), 0);
	mf_value_to_wire(mf_from_id(MFF_IPV4_SRC), &v, wire);
	assert_memory_equal(wire, "\x0a\x00\x00\x01", 4);
	memset(&v, 0, sizeof v);
	mf_value_from_wire(mf_from_id(MFF_IPV4_SRC), wire, &v);
	assert_int_equal(v.u32, 0x0a000001);
	v.u16 = 0x1abc;
	mf_value_to_wire(mf_from_id(MFF_VLAN_VID), &v, wire);
	assert_memory_equal(wire, "\x1a\xbc", 2);

	/* Whole-match prerequisites: shared storage resolves by protocol. */
	match_init_catchall(&m);
	m.flow.dl_type = 0x0800;
	m.mask.dl_type = 0xffff;
	m.flow.tp_dst = 53;
	m.mask.tp_dst = 0xffff;
	assert_int_equal(match_check_prereqs(&m, &err), -EINVAL);
	assert_string_equal(err.msg, "tcp_dst requires ip_proto=6 (e.g. 'tcp')");
	m.flow.nw_proto = 17;
	m.mask.nw_proto = 0xff;
	assert_int_equal(match_check_prereqs(&m, &err), 0);
}

static void test_packet_and_match(void **state)
{
	struct flow flow;
	struct match match;
	struct errmsg err;
	const uint8_t mac[6] = {0, 0, 0, 0, 0, 1};

	(void)state;
	assert_int_equal(flow_text_parse_packet("in_port=p1,dl_src=00:00:00:00:00:01,ip,"
	                                        "nw_dst=10.0.0.1,nw_ttl=3",
	                                        &test_names, &flow, &err),
	                 0);
	assert_int_equal(flow.in_port, 1);
	assert_memory_equal(flow.dl_src, mac, 6);
	assert_int_equal(flow.dl_type, 0x0800);
	assert_int_equal(flow.nw_dst, 0x0a000001);
	assert_int_equal(flow.nw_ttl, 3);
	assert_int_equal(flow_text_parse_packet("ip,nw_dst=10.0.0.0/8", NULL, &flow, &err),
	                 -EINVAL);
	assert_string_equal(err.msg, "nw_dst: a packet takes exact values, not '10.0.0.0/8'");
	assert_int_equal(flow_text_parse_packet("priority=1", NULL, &flow, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown field 'priority'");

	assert_int_equal(flow_text_parse_match("udp6 tp_src=7", NULL, &match, &err), 0);
	assert_int_equal(match.flow.tp_src, 7);
	assert_int_equal(match.mask.tp_src, 0xffff);
	assert_int_equal(flow_text_parse_match("udp,actions=drop", NULL, &match, &err), -EINVAL);
}

static void test_action_set(void **state)
{
	struct ofpacts_buf set, w1, w2, out;
	struct errmsg err;
	char *s;

	(void)state;
	ofpacts_buf_init(&set);
	ofpacts_buf_init(&w1);
	ofpacts_buf_init(&w2);
	ofpacts_buf_init(&out);
	assert_int_equal(ofpacts_parse("output:1,set_field:10.0.0.1->ip_dst,set_field:1->reg0",
	                               NULL, &w1, &err),
	                 0);
	assert_int_equal(ofpacts_parse("set_field:10.0.0.2->ip_dst,dec_ttl,pop_vlan,output:2", NULL,
	                               &w2, &err),
	                 0);
	ofpact_set_write(&set, (const struct ofpact *)(const void *)w1.data, w1.size);
	ofpact_set_write(&set, (const struct ofpact *)(const void *)w2.data, w2.size);
	ofpact_set_ordered(&set, &out);
	s = ofpacts_to_string((const struct ofpact *)(const void *)out.data, out.size, NULL);
	assert_string_equal(s, "pop_vlan,dec_ttl,set_field:0x1->reg0,set_field:10.0.0.2->ip_dst,"
	                       "output:2");
	free(s);

	/* A group in the set suppresses output. */
	ofpacts_buf_uninit(&w1);
	assert_int_equal(ofpacts_parse("group:4,push_vlan:0x88a8,copy_ttl_in", NULL, &w1, &err), 0);
	ofpact_set_write(&set, (const struct ofpact *)(const void *)w1.data, w1.size);
	out.size = 0;
	ofpact_set_ordered(&set, &out);
	s = ofpacts_to_string((const struct ofpact *)(const void *)out.data, out.size, NULL);
	assert_string_equal(s, "copy_ttl_in,pop_vlan,push_vlan:0x88a8,dec_ttl,set_field:0x1->reg0,"
	                       "set_field:10.0.0.2->ip_dst,group:4");
	free(s);

	ofpact_set_clear(&set);
	out.size = 0;
	ofpact_set_ordered(&set, &out);
	assert_int_equal(out.size, 0);
	ofpacts_buf_uninit(&set);
	ofpacts_buf_uninit(&w1);
	ofpacts_buf_uninit(&w2);
	ofpacts_buf_uninit(&out);
}

static void test_action_queries(void **state)
{
	struct flow_text_mod fm;
	struct errmsg err;
	const struct ofpact *a;

	(void)state;
	assert_int_equal(flow_text_parse("udp,actions=mod_tp_src:5,write_actions(output:7,group:3),"
	                                 "goto_table:4",
	                                 FLOW_TEXT_ADD, NULL, &fm, &err),
	                 0);
	/* The legacy mod_tp_src was re-targeted to UDP by the match. */
	a = fm.ofpacts;
	assert_int_equal(a->type, OFPACT_SET_FIELD);
	assert_int_equal(((const struct ofpact_set_field *)(const void *)a)->field, MFF_UDP_SRC);
	assert_true(ofpacts_output_to_port(fm.ofpacts, fm.ofpacts_len, 7));
	assert_false(ofpacts_output_to_port(fm.ofpacts, fm.ofpacts_len, 8));
	assert_true(ofpacts_output_to_port(fm.ofpacts, fm.ofpacts_len, OFPP_ANY));
	assert_true(ofpacts_output_to_group(fm.ofpacts, fm.ofpacts_len, 3));
	assert_false(ofpacts_output_to_group(fm.ofpacts, fm.ofpacts_len, 4));
	assert_int_equal(ofpacts_goto_table(fm.ofpacts, fm.ofpacts_len), 4);
	flow_text_mod_uninit(&fm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_attributes),
	        cmocka_unit_test(test_errors),           cmocka_unit_test(test_every_field),
	        cmocka_unit_test(test_values),           cmocka_unit_test(test_field_bits),
	        cmocka_unit_test(test_packet_and_match), cmocka_unit_test(test_action_set),
	        cmocka_unit_test(test_action_queries),   cmocka_unit_test(test_port_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
