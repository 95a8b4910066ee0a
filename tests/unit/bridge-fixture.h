/* bridge-fixture.h - a cmocka fixture for the ofproto unit tests: a switch
 * with bridge "br0" whose ports p1..pN are records without devices
 * (ofproto_port_attach), so translation and the datapath caches can be
 * tested without privileges.  Port pK is OpenFlow port K and datapath port
 * dp_base + K - 1.  Header-only; include it from one file of a test program. */
#ifndef PB_BRIDGE_FIXTURE_H
#define PB_BRIDGE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "ofproto/ofproto-private.h"

struct fixture {
	struct ofswitch *sw;
	struct ofproto *br;
};

static inline int bridge_fixture_setup(void **state, uint32_t n_ports, uint32_t dp_base)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	struct errmsg err;

	assert_non_null(fx);
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

#endif
