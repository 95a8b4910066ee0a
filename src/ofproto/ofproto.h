/* ofproto.h - bridges: ports, the MAC learning (NORMAL) behaviour, and the
 * slow path that tells the datapath what to do with a packet.
 *
 * A 'struct ofswitch' is every bridge of one daemon plus the one datapath
 * (dpif) they share.  A 'struct ofproto' is one bridge.  Configuration
 * (which bridges and ports exist, their options) belongs to the caller (the
 * daemon's config store): ofproto holds the live state made from it.
 *
 * Threads: every function here runs on the control thread.  The datapath
 * thread enters only through the upcall, which takes the bridge's lock. */
#ifndef PB_OFPROTO_H
#define PB_OFPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "netdev/netdev.h"

struct ofswitch;
struct ofproto;

#define OFPROTO_OFPORT_MAX             65279u /* OFPP_MAX in OpenFlow 1.3 is 0xffffff00 */
#define OFPROTO_MAC_AGING_DEFAULT      300u
#define OFPROTO_MAC_TABLE_SIZE_DEFAULT 8192u

/* Creates the switch and its datapath of type 'dp_type' ("socket").
 * 0 or -errno with 'err' filled. */
int ofswitch_create(const char *dp_type, struct ofswitch **out, struct errmsg *err);
/* Closes every bridge and port without removing kernel devices (daemon
 * shutdown) and frees 'sw' (NULL is fine). */
void ofswitch_destroy(struct ofswitch *sw);

/* Runs periodic work (MAC aging).  Call about once a second. */
void ofswitch_run(struct ofswitch *sw);

/* Bridges.  Names are validated by the caller. */
int ofswitch_bridge_add(struct ofswitch *sw, const char *name, struct ofproto **out,
                        struct errmsg *err);
/* Deletes the bridge and all its ports, removing the kernel devices that
 * its ports created.  0 or -ENOENT. */
int ofswitch_bridge_del(struct ofswitch *sw, const char *name, struct errmsg *err);
struct ofproto *ofswitch_bridge_find(const struct ofswitch *sw, const char *name);

const char *ofproto_name(const struct ofproto *br);

/* MAC learning settings.  0 or -EINVAL.  Shrinking the table evicts the
 * oldest entries at once. */
int ofproto_set_mac_aging(struct ofproto *br, unsigned int seconds);
int ofproto_set_mac_table_size(struct ofproto *br, unsigned int entries);

/* Opens the netdev (see netdev_open; 'netdev_flags' NETDEV_OPEN_*) and
 * attaches it to the bridge as OpenFlow port 'ofport' (1..OFPROTO_OFPORT_MAX,
 * chosen by the caller).  Fails with -EEXIST if the name or ofport is used
 * on any bridge of the switch.  On failure nothing is left behind. */
int ofproto_port_add(struct ofproto *br, const struct netdev_args *args, uint32_t ofport,
                     unsigned int netdev_flags, struct errmsg *err);
/* Detaches and closes the port; 'remove_device' as in netdev_close.  Its MAC
 * table entries are flushed.  0 or -ENOENT. */
int ofproto_port_del(struct ofproto *br, const char *name, bool remove_device, struct errmsg *err);

struct ofproto_port_info {
	char name[16];
	char type[16];
	uint32_t ofport;
	int ifindex;
	bool link_up;
	uint8_t mac[6];
	int mtu;
	struct netdev_stats stats;
};
/* Live ports of 'br' ordered by ofport; '*ports' is malloc'd (caller frees). */
void ofproto_port_list(struct ofproto *br, struct ofproto_port_info **ports, size_t *n);

struct ofproto_fdb_entry {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t ofport;
	unsigned int age; /* seconds since last seen */
};
/* Snapshot of the MAC table ordered by (vlan, mac); '*entries' malloc'd. */
void ofproto_fdb_dump(struct ofproto *br, struct ofproto_fdb_entry **entries, size_t *n);
void ofproto_fdb_flush(struct ofproto *br);

#endif
