/* ofproto-capture.h - what the capture taps (dpif/dp-capture.h) need from
 * the switch: its datapath's tap hub and the datapath port numbers behind a
 * bridge's ports.  Control thread only. */
#ifndef PB_OFPROTO_CAPTURE_H
#define PB_OFPROTO_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ofproto/ofproto.h"

struct dpcap;

/* The switch datapath's capture hub, or NULL if the data plane cannot
 * capture. */
struct dpcap *ofswitch_capture(struct ofswitch *sw);

struct ofproto_capture_port {
	char name[16];
	uint32_t ofport;
	uint32_t dp_port; /* datapath port number */
};

/* The live ports of 'br' with a datapath port, ordered by ofport.
 * '*ports' is malloc'd (caller frees). */
void ofproto_capture_ports(struct ofproto *br, struct ofproto_capture_port **ports, size_t *n);

#endif
