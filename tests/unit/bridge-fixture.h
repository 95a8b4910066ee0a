/* bridge-fixture.h - a cmocka fixture for the ofproto unit tests: a switch
 * with bridge "br0" whose ports p1..pN are records without devices
 * (ofproto_port_attach), so translation and the datapath caches can be
 * tested without privileges.  Port pK is OpenFlow port K and datapath port
 * dp_base + K - 1.  Also flow and group table edits in ovs-ofctl syntax
 * (pkt-fixture.h runs packets).  Header-only; include it from one file of a
 * test program, after cmocka.h. */
#ifndef PB_BRIDGE_FIXTURE_H
#define PB_BRIDGE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "ofproto/ofproto-ofp.h"
#include "ofproto/ofproto-private.h"
#include "openflow/flow-text.h"
#include "openflow/ofp-group.h"

struct fixture {
	struct ofswitch *sw;
	struct ofproto *br;
	uint32_t dp_base; /* datapath port of p1 */
};

static inline int bridge_fixture_setup(void **state, uint32_t n_ports, uint32_t dp_base)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	struct errmsg err;

	assert_non_null(fx);
	fx->dp_base = dp_base;
	assert_int_equal(ofswitch_create("socket", &fx->sw, &err), 0);
	assert_int_equal(ofswitch_bridge_add(fx->sw, "br0", &fx->br, &err), 0);
	for (uint32_t i = 1; i <= n_ports; i++) {
		char name[16];

		snprintf(name, sizeof name, "p%u", i);
		assert_int_equal(ofproto_port_attach(fx->br, name, i, dp_base + i - 1, NULL), 0);
	}
	*state = fx;
	return 0;
}

static inline int bridge_fixture_teardown(void **state)
{
	struct fixture *fx = *state;

	ofswitch_destroy(fx->sw);
	free(fx);
	return 0;
}

/* The datapath port of OpenFlow port 'ofport'. */
static inline uint32_t bridge_fixture_dp(const struct fixture *fx, uint32_t ofport)
{
	return fx->dp_base + ofport - 1;
}

/* Applies flow_mod 'text' (which must parse) as 'cmd' through the OpenFlow
 * path (ofproto_flow_mod_ofp, not strict); returns its answer, the OpenFlow
 * error in 'oe'. */
static inline int bridge_flow_mod(struct ofproto *br, enum flow_text_cmd cmd, const char *text,
                                  struct ofperr *oe)
{
	struct flow_text_mod fm;
	struct errmsg err;
	int error = flow_text_parse(text, cmd, ofproto_port_names(br), &fm, &err);

	assert_int_equal(error, 0);
	error = ofproto_flow_mod_ofp(br, cmd, false, &fm, oe, &err);
	flow_text_mod_uninit(&fm);
	return error;
}

static inline void bridge_add_flow(struct ofproto *br, const char *text)
{
	struct ofperr oe = {0};

	assert_int_equal(bridge_flow_mod(br, FLOW_TEXT_ADD, text, &oe), 0);
}

static inline void bridge_del_flows(struct ofproto *br)
{
	struct ofperr oe = {0};

	assert_int_equal(bridge_flow_mod(br, FLOW_TEXT_DELETE, "", &oe), 0);
}

/* Applies group_mod 'text' (which must parse) as 'cmd'; returns ofproto's
 * answer, the OpenFlow error in 'oe'. */
static inline int bridge_group_mod(struct ofproto *br, enum ofp_group_mod_command cmd,
                                   const char *text, struct ofperr *oe)
{
	struct ofp_group_mod gm;
	struct errmsg err;
	int error = ofp_group_mod_parse(text, cmd, ofproto_port_names(br), &gm, &err);

	if (error)
		fail_msg("%s: %s", text, err.msg);
	error = ofproto_group_mod(br, &gm, oe, &err);
	ofp_group_mod_uninit(&gm);
	return error;
}

/* Adds group 'text' (failing the test with the reason if refused). */
static inline void bridge_add_group(struct ofproto *br, const char *text)
{
	struct ofp_group_mod gm;
	struct ofperr oe = {0};
	struct errmsg err;

	if (ofp_group_mod_parse(text, OFPGC_ADD, ofproto_port_names(br), &gm, &err))
		fail_msg("%s: %s", text, err.msg);
	if (ofproto_group_mod(br, &gm, &oe, &err))
		fail_msg("%s: %s", text, err.msg);
	ofp_group_mod_uninit(&gm);
}

static inline void bridge_del_groups(struct ofproto *br)
{
	struct ofperr oe = {0};

	assert_int_equal(bridge_group_mod(br, OFPGC_DELETE, "", &oe), 0);
}

#endif
