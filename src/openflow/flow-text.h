/* flow-text.h - the flow syntax of ovs-ofctl: parsing what add-flow,
 * mod-flows, del-flows, dump-flows and ofproto/trace take, and formatting
 * a rule the way dump-flows prints it.
 *
 *   table=0,priority=100,cookie=0x1,idle_timeout=10,send_flow_rem,
 *   in_port=1,tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=output:2
 *
 * Items are separated by commas and/or spaces; "actions=" comes last and
 * takes the rest of the string.  Protocol shorthands (ip, ipv6, arp, rarp,
 * icmp, icmp6, tcp, tcp6, udp, udp6, sctp, sctp6) set dl_type/nw_proto.
 * Context names follow ovs-ofctl: nw_src/nw_dst/nw_proto mean
 * arp_spa/arp_tpa/arp_op for ARP; tp_src/tp_dst mean the TCP, UDP, SCTP
 * port or ICMP type/code of the rule's protocol; icmp_type/icmp_code work
 * for ICMPv4 and ICMPv6.  Prerequisites are checked once the whole string
 * is read, so the order of items does not matter.
 *
 * Errors are one line naming the offending item, e.g.
 *   unknown field 'nw_dstt'
 *   tp_dst: 'abc' is not a valid port number
 *   tcp_dst requires ip_proto=6 (e.g. 'tcp,tp_dst=80')
 *
 * Pure functions; port names go through the caller's callbacks. */
#ifndef PB_FLOW_TEXT_H
#define PB_FLOW_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/meta-flow.h"
#include "lib/util.h"
#include "openflow/ofp-actions.h"
#include "openflow/ofp-match.h"
#include "openflow/ofp-port.h"

/* What the string is for; decides which items are allowed. */
enum flow_text_cmd {
	FLOW_TEXT_ADD,    /* add-flow: actions required; cookie without mask */
	FLOW_TEXT_MODIFY, /* mod-flows: actions required; cookie=V sets, V/M selects */
	FLOW_TEXT_DELETE, /* del-flows: no actions; cookie=V/M, out_port, out_group */
	FLOW_TEXT_MATCH,  /* dump-flows filter: like delete */
};

/* OpenFlow 1.3 flow_mod flags (OFPFF_*). */
#define OFPFF_SEND_FLOW_REM 0x0001
#define OFPFF_CHECK_OVERLAP 0x0002
#define OFPFF_RESET_COUNTS  0x0004
#define OFPFF_NO_PKT_COUNTS 0x0008
#define OFPFF_NO_BYT_COUNTS 0x0010

#define FLOW_TEXT_TABLE_ALL 0xff

struct flow_text_mod {
	struct match match;   /* normalized, prerequisites checked */
	uint16_t priority;    /* OFP_DEFAULT_PRIORITY unless given */
	bool has_priority;    /* "priority=" was given (strict commands) */
	uint8_t table_id;     /* add: default 0; others: default TABLE_ALL */
	uint64_t new_cookie;  /* add: the rule's cookie; modify: see below */
	bool modify_cookie;   /* modify: "cookie=V" given: set cookies to V */
	uint64_t cookie;      /* "cookie=V/M" filter: rules whose cookie & M */
	uint64_t cookie_mask; /* equals V & M (mask 0 = no filter) */
	uint16_t idle_timeout;
	uint16_t hard_timeout;
	uint16_t importance;
	uint16_t flags;         /* OFPFF_* */
	uint32_t out_port;      /* OFPP_ANY = no filter */
	uint32_t out_group;     /* OFPG_ANY = no filter */
	struct ofpact *ofpacts; /* heap (NULL when none / drop); owned */
	size_t ofpacts_len;
};

/* Parses 's' for 'cmd' into 'fm' (which the caller later releases with
 * flow_text_mod_uninit(), also after a failure).  Port names are resolved
 * by 'names' (may be NULL).  Returns 0 or -EINVAL with a message. */
int flow_text_parse(const char *s, enum flow_text_cmd cmd, const struct ofp_port_names *names,
                    struct flow_text_mod *fm, struct errmsg *err);
void flow_text_mod_uninit(struct flow_text_mod *fm);

/* Parses a match alone (same syntax, match fields and shorthands only).
 * Returns 0 or -EINVAL. */
int flow_text_parse_match(const char *s, const struct ofp_port_names *names, struct match *match,
                          struct errmsg *err);

/* Parses a packet description for a trace ("in_port=1,dl_src=...,ip,
 * nw_dst=10.0.0.1"): the match syntax with exact values only; fields not
 * given are 0.  Returns 0 or -EINVAL. */
int flow_text_parse_packet(const char *s, const struct ofp_port_names *names, struct flow *flow,
                           struct errmsg *err);

/* "priority=100,ip,in_port=1,nw_dst=10.0.0.0/24" (priority omitted when
 * negative or the default); "" for a catch-all.  Heap string. */
char *flow_text_format_match(const struct match *match, int priority,
                             const struct ofp_port_names *names);
/* "<match> actions=<actions>" as dump-flows prints after the statistics
 * ("actions=drop" alone for a catch-all).  Heap string. */
char *flow_text_format_rule(const struct match *match, int priority, const struct ofpact *ofpacts,
                            size_t ofpacts_len, const struct ofp_port_names *names);

#endif
