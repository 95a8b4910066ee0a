/* flowmod.c - bench/flowmod: how many OpenFlow flow_mods per second a
 * bridge applies (ofproto_flow_mod_ofp on a device-less bridge, the call
 * the OpenFlow agent makes for each FLOW_MOD), with revalidation deferred
 * around batches as the agent does.  The flow_mods (distinct
 * "ip,nw_dst=X,tp... actions=output:N" adds) are decoded beforehand, so
 * only the bridge's work is timed.
 * Usage: flowmod [N_FLOWS] [BATCH]  (defaults 100000 and 500; BATCH 0:
 * one batch for everything). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofproto/ofproto-ofp.h"
#include "ofproto/ofproto-private.h"
#include "openflow/flow-text.h"

static double now_s(void)
{
	return (double)time_ns() / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	size_t batch = argc > 2 ? strtoul(argv[2], NULL, 10) : 500;
	struct flow_text_mod *fms = xcalloc(n ? n : 1, sizeof *fms);
	struct ofswitch *sw;
	struct ofproto *br;
	struct errmsg err;
	double t0, t1, t2;

	if (ofswitch_create("socket", &sw, &err) || ofswitch_bridge_add(sw, "br0", &br, &err)) {
		fprintf(stderr, "flowmod: %s\n", err.msg);
		return 1;
	}
	for (uint32_t p = 1; p <= 4; p++) {
		char name[16];

		snprintf(name, sizeof name, "p%u", p);
		ofproto_port_attach(br, name, p, p, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		char text[160];

		snprintf(text, sizeof text,
		         "table=%zu,priority=%zu,ip,nw_dst=10.%zu.%zu.%zu,actions=output:%zu",
		         i % 4, 100 + i % 7, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff,
		         1 + i % 4);
		if (flow_text_parse(text, FLOW_TEXT_ADD, ofproto_port_names(br), &fms[i], &err)) {
			fprintf(stderr, "flowmod: %s: %s\n", text, err.msg);
			return 1;
		}
	}

	t0 = now_s();
	ofproto_defer_revalidation(br, true);
	for (size_t i = 0; i < n; i++) {
		struct ofperr oe = {0};

		if (ofproto_flow_mod_ofp(br, FLOW_TEXT_ADD, false, &fms[i], &oe, &err)) {
			fprintf(stderr, "flowmod: add %zu: %s\n", i, err.msg);
			return 1;
		}
		if (batch && (i + 1) % batch == 0) { /* the agent's end of batch */
			ofproto_defer_revalidation(br, false);
			ofproto_defer_revalidation(br, true);
		}
	}
	ofproto_defer_revalidation(br, false);
	t1 = now_s();

	/* The same adds again replace the rules (OpenFlow ADD of an
	 * identical match). */
	ofproto_defer_revalidation(br, true);
	for (size_t i = 0; i < n; i++) {
		struct ofperr oe = {0};

		ofproto_flow_mod_ofp(br, FLOW_TEXT_ADD, false, &fms[i], &oe, &err);
		if (batch && (i + 1) % batch == 0) {
			ofproto_defer_revalidation(br, false);
			ofproto_defer_revalidation(br, true);
		}
	}
	ofproto_defer_revalidation(br, false);
	t2 = now_s();

	printf("flowmod: %zu adds into an empty bridge (batches of %zu): %.3f s, %.0f adds/s\n", n,
	       batch, t1 - t0, (double)n / (t1 - t0));
	printf("flowmod: %zu replacing adds: %.3f s, %.0f adds/s\n", n, t2 - t1,
	       (double)n / (t2 - t1));
	for (size_t i = 0; i < n; i++)
		flow_text_mod_uninit(&fms[i]);
	free(fms);
	ofswitch_destroy(sw);
	return 0;
}
