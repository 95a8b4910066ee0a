/* trace.c - ofproto_trace(): runs a packet description through a bridge's
 * tables with the translation the upcall uses, but without learning or
 * forwarding, and reports each step, the datapath actions and the megaflow
 * an upcall would install. */
#include "ofproto/xlate.h"

#include <stdlib.h>
#include <string.h>

#include "openflow/ofp-text.h"

int ofproto_trace(struct ofproto *br, const struct flow *flow, char **report, struct errmsg *err)
{
	struct dp_actions acts;
	struct xlate_out xo;
	struct flow_wc wc;
	struct flow key;
	struct strbuf sb;
	char buf[2048];
	char m[2048];

	*report = NULL;
	strbuf_init(&sb);
	dp_actions_init(&acts);
	memset(&wc, 0, sizeof wc);
	xlate_out_init(&xo, &acts, &wc);

	flow_format(flow, NULL, buf, sizeof buf);
	strbuf_printf(&sb, "packet: %s\n", buf);
	pthread_mutex_lock(&br->mutex);
	if (!ofproto_port_by_ofport(br, flow->in_port))
		strbuf_printf(&sb, "note: in_port %u is not a port of bridge %s\n", flow->in_port,
		              br->name);
	xlate_flow(br, flow, XLATE_LEARN_NONE, &sb, &xo);
	pthread_mutex_unlock(&br->mutex);

	/* Output ports as OpenFlow port numbers, like in_port below. */
	xlate_format_actions(br->sw, acts.data, acts.size, buf, sizeof buf);
	strbuf_printf(&sb, "datapath actions: %s\n", buf);
	flow_apply_mask(&key, flow, &wc.masks);
	flow_format(&key, &wc.masks, m, sizeof m);
	strbuf_printf(&sb, "megaflow: %s\n", m);

	xlate_out_uninit(&xo);
	dp_actions_uninit(&acts);
	*report = strbuf_steal(&sb);
	strbuf_uninit(&sb);
	(void)err;
	return 0;
}
