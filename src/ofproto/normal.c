/* normal.c - the NORMAL action: a MAC learning switch.  Learn the source,
 * send known unicast to its port, flood the rest to every other port of the
 * bridge, never back out of the ingress port. */
#include "ofproto/ofproto-private.h"

#include "lib/eth.h"

void ofproto_normal(struct of_port *in, const struct pkt *pkt, struct dp_actions *actions)
{
	struct ofproto *br = in->br;
	struct eth_info eth;
	uint16_t vlan;
	uint64_t now;

	if (eth_parse(pkt->data, pkt->len, &eth))
		return; /* runt: drop */
	/* Untagged and priority-tagged frames are VLAN 0; tagged frames are
	 * learned and flooded within their outer VLAN (every port trunks). */
	vlan = eth.n_vlans ? eth.vlans[0].vid : 0;
	now = ofproto_now_ms();

	pthread_mutex_lock(&br->mutex);
	if (!eth_addr_is_multicast(eth.src) && !eth_addr_is_zero(eth.src))
		mac_table_learn(br->macs, vlan, eth.src, in->dp_port, now);

	if (!eth_addr_is_multicast(eth.dst)) {
		uint32_t out = mac_table_lookup(br->macs, vlan, eth.dst);

		if (out != MAC_TABLE_PORT_NONE) {
			if (out != in->dp_port)
				actions->outputs[actions->n_outputs++] = out;
			goto out;
		}
	}
	for (size_t i = 0; i < br->n_flood; i++)
		if (br->flood[i] != in->dp_port)
			actions->outputs[actions->n_outputs++] = br->flood[i];
out:
	pthread_mutex_unlock(&br->mutex);
}
