/* pkt-fixture.h - packets through a bridge-fixture.h bridge for the
 * ofproto unit tests: recording the datapath's outputs, running a packet
 * through the fast path (the datapath's caches and upcall, dpif_receive) or
 * through a fresh translation (the slow path), and a stock UDP packet.
 * Header-only; include it from one file of a test program, after cmocka.h. */
#ifndef PB_PKT_FIXTURE_H
#define PB_PKT_FIXTURE_H

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/dp-actions.h"
#include "lib/flow.h"
#include "ofproto/xlate.h"
#include "bridge-fixture.h"
#include "pkt-build.h"

#define PKT_FIXTURE_HEADROOM 16

/* One packet a port (or userspace) got. */
struct out_rec {
	uint32_t port; /* datapath port, unless the recorder says otherwise */
	uint32_t len;
	uint8_t bytes[300];
};

struct outs {
	struct out_rec r[32];
	size_t n;
};

/* A dp_exec_ops output callback appending to the struct outs 'aux'. */
static inline void outs_record(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                               const struct dp_tunnel_md *tun)
{
	struct outs *o = aux;
	struct out_rec *r;

	(void)flags;
	(void)tun;
	assert_true(o->n < ARRAY_SIZE(o->r));
	r = &o->r[o->n++];
	r->port = port;
	r->len = pkt->len;
	assert_true(pkt->len <= sizeof r->bytes);
	memcpy(r->bytes, pkt->data, pkt->len);
}

/* A UDP packet 10.0.0.1:sport -> 10.0.0.2:dport, TOS 'tos', 10 bytes of
 * data. */
static inline void pkt_udp4(struct tb *t, uint8_t tos, uint16_t sport, uint16_t dport)
{
	tb_eth(t, 0, NULL, NULL, 0x0800);
	tb_ipv4(t, 17, 0x0a000001, 0x0a000002, tos, 64, 0, 8 + 10, 0);
	tb_udp(t, sport, dport, 10);
	tb_l4_csum(t, 17);
}

/* Runs a copy of 't' received on 'ofport' through the datapath's caches
 * with 'ops' and 'aux', waiting out the upcall rate limit.  Returns
 * dpif_receive's answer (1: a cache hit, 0: an upcall). */
static inline int bridge_receive(struct fixture *fx, uint32_t ofport, const struct tb *t,
                                 const struct dp_exec_ops *ops, void *aux)
{
	uint8_t buf[PKT_FIXTURE_HEADROOM + sizeof t->b];
	int r;

	for (;;) {
		struct pkt pkt = {.data = buf + PKT_FIXTURE_HEADROOM,
		                  .len = (uint32_t)t->len,
		                  .headroom = PKT_FIXTURE_HEADROOM};

		memcpy(pkt.data, t->b, t->len);
		r = dpif_receive(fx->sw->dpif, bridge_fixture_dp(fx, ofport), &pkt, ops, aux);
		if (r != -EAGAIN)
			return r;
		usleep(20000); /* upcall rate limit: let tokens refill */
	}
}

/* bridge_receive() of 't' into 'o' (emptied first), asserting success. */
static inline void outs_receive(struct fixture *fx, uint32_t ofport, const struct tb *t,
                                struct outs *o)
{
	static const struct dp_exec_ops ops = {.output = outs_record};

	o->n = 0;
	assert_true(bridge_receive(fx, ofport, t, &ops, o) >= 0);
}

/* Runs a copy of 't' received on 'ofport' through a fresh translation
 * (xlate_flow, no learning) executed with 'ops' and 'aux'. */
static inline void bridge_slow_path(struct fixture *fx, uint32_t ofport, const struct tb *t,
                                    const struct dp_exec_ops *ops, void *aux)
{
	uint8_t buf[PKT_FIXTURE_HEADROOM + sizeof t->b];
	struct pkt pkt = {.data = buf + PKT_FIXTURE_HEADROOM,
	                  .len = (uint32_t)t->len,
	                  .headroom = PKT_FIXTURE_HEADROOM};
	struct dp_actions acts;
	struct xlate_out xo;
	struct flow_wc wc;
	struct flow flow;

	memcpy(pkt.data, t->b, t->len);
	flow_extract(&pkt, bridge_fixture_dp(fx, ofport), &flow);
	flow.in_port = ofport;
	dp_actions_init(&acts);
	memset(&wc, 0, sizeof wc);
	xlate_out_init(&xo, &acts, &wc);
	pthread_mutex_lock(&fx->br->mutex);
	xlate_flow(fx->br, &flow, XLATE_LEARN_NONE, NULL, &xo);
	pthread_mutex_unlock(&fx->br->mutex);
	dp_execute(&pkt, NULL, &acts, ops, aux);
	xlate_out_uninit(&xo);
	dp_actions_uninit(&acts);
}

#endif
