/* ofproto-capture.c - the switch-side lookups of the capture taps (see
 * ofproto-capture.h). */
#include "ofproto/ofproto-capture.h"

#include <string.h>

#include "ofproto/ofproto-private.h"

struct dpcap *ofswitch_capture(struct ofswitch *sw)
{
	return dpif_capture(sw->dpif);
}

void ofproto_capture_ports(struct ofproto *br, struct ofproto_capture_port **ports, size_t *n)
{
	struct ofproto_capture_port *v = xcalloc(br->n_ports ? br->n_ports : 1, sizeof *v);
	size_t k = 0;

	for (size_t i = 0; i < br->n_ports; i++) {
		const struct of_port *p = br->ports[i];

		if (!p->dev || p->dp_port == DPIF_PORT_NONE)
			continue;
		memcpy(v[k].name, p->name, sizeof v[k].name);
		v[k].ofport = p->ofport;
		v[k].dp_port = p->dp_port;
		k++;
	}
	*ports = v;
	*n = k;
}
