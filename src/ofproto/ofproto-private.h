/* ofproto-private.h - the live state behind ofproto.h, shared by ofproto.c
 * (switch, bridges, ports) and normal.c (the NORMAL learning switch).
 *
 * Ownership and threads: every field is written on the control thread.  The
 * datapath thread (the upcall) reads ofswitch.by_dp with acquire loads and,
 * under ofproto.mutex, the bridge's MAC table and flood list.  A port struct
 * stays valid for the upcall until dpif_port_del() of its datapath port has
 * returned; a bridge outlives all its ports. */
#ifndef PB_OFPROTO_PRIVATE_H
#define PB_OFPROTO_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "dpif/dpif.h"
#include "lib/mac-table.h"
#include "ofproto/ofproto.h"

struct of_port {
	char name[16];
	uint32_t ofport;
	uint32_t dp_port; /* datapath port number */
	struct netdev *dev;
	struct ofproto *br;
};

struct ofproto {
	char name[16];
	struct ofswitch *sw;

	/* Control thread only: ports ordered by ofport. */
	struct of_port **ports;
	size_t n_ports;
	unsigned int mac_aging; /* seconds */

	/* Taken by the upcall for every packet and by the control thread for
	 * table maintenance; never held across dpif calls. */
	pthread_mutex_t mutex;
	struct mac_table *macs; /* values are datapath port numbers */
	uint32_t *flood;        /* datapath ports of this bridge */
	size_t n_flood;
};

struct ofswitch {
	struct dpif *dpif;
	struct ofproto **bridges; /* control thread only */
	size_t n_bridges;
	/* Datapath port -> port, published for the upcall. */
	struct of_port *_Atomic by_dp[DPIF_MAX_PORTS];
};

/* The clock for MAC learning, in milliseconds (coarse: cheap per packet). */
static inline uint64_t ofproto_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* NORMAL: learns the source of 'pkt' received on 'in' and fills 'actions'
 * with the datapath ports to forward it to.  Runs on the datapath thread;
 * takes in->br->mutex. */
void ofproto_normal(struct of_port *in, const struct pkt *pkt, struct dp_actions *actions);

#endif
