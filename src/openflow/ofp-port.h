/* ofp-port.h - OpenFlow 1.3 port and group numbers in ovs-ofctl text:
 * reserved ports (IN_PORT, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL, ANY...)
 * and port names, which only the caller (the bridge) can resolve, through
 * the callbacks in 'struct ofp_port_names'. */
#ifndef PB_OFP_PORT_H
#define PB_OFP_PORT_H

#include <stdint.h>

#include "lib/util.h"

/* OpenFlow 1.3 port numbers (ofp_port_no). */
#define OFPP_MAX        0xffffff00u /* highest ordinary port */
#define OFPP_IN_PORT    0xfffffff8u
#define OFPP_TABLE      0xfffffff9u
#define OFPP_NORMAL     0xfffffffau
#define OFPP_FLOOD      0xfffffffbu
#define OFPP_ALL        0xfffffffcu
#define OFPP_CONTROLLER 0xfffffffdu
#define OFPP_LOCAL      0xfffffffeu
#define OFPP_ANY        0xffffffffu

/* OpenFlow 1.3 group numbers. */
#define OFPG_MAX 0xffffff00u
#define OFPG_ALL 0xfffffffcu
#define OFPG_ANY 0xffffffffu

/* Port names known to the caller.  Either callback may be NULL (and the
 * whole struct pointer may be NULL): names are then neither accepted nor
 * printed.  name_to_port returns 0 and sets *port, or a negative errno if
 * there is no such port; port_to_name returns the name (owned by the
 * caller, valid until the formatting call returns) or NULL to print the
 * number. */
struct ofp_port_names {
	int (*name_to_port)(const char *name, uint32_t *port, void *aux);
	const char *(*port_to_name)(uint32_t port, void *aux);
	void *aux;
};

/* Longest formatted port, including the NUL (port names are < 16 bytes;
 * longer names from the callback are printed as numbers). */
#define OFP_PORT_STRLEN 24

/* Parses a port: a number 0..0xffffffff (decimal or 0x hex), a reserved
 * name (case-insensitive: IN_PORT TABLE NORMAL FLOOD ALL CONTROLLER LOCAL
 * ANY, NONE = ANY), or a name resolved by 'names'.  Returns 0 or -EINVAL
 * with "'x' is not a valid port number or name". */
int ofp_port_parse(const char *s, const struct ofp_port_names *names, uint32_t *port,
                   struct errmsg *err);
/* Formats 'port': a reserved name, the caller's name for it, or the number. */
void ofp_port_format(uint32_t port, const struct ofp_port_names *names, char buf[OFP_PORT_STRLEN]);
/* The reserved name of 'port' ("NORMAL"), or NULL for ordinary ports. */
const char *ofp_port_reserved_name(uint32_t port);

/* Parses a group id: a number 0..OFPG_MAX, "all" or "any" (any case). */
int ofp_group_parse(const char *s, uint32_t *group, struct errmsg *err);

#endif
