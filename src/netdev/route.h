/* route.h - IPv4 route and neighbour lookups over rtnetlink for the tunnel
 * ports' outer headers, with a small per-user cache.
 *
 * route_lookup()/neigh_lookup() each open a NETLINK_ROUTE socket in the
 * calling thread's network namespace and block for the kernel's answer
 * (microseconds); any thread.  A 'struct route_cache' belongs to one thread
 * (a tunnel port's transmit path): no locking.  Errors are negative errno:
 * -ENETUNREACH (no route), -ENOENT (no complete neighbour entry), or the
 * kernel's / socket's. */
#ifndef PB_NETDEV_ROUTE_H
#define PB_NETDEV_ROUTE_H

#include <stdint.h>

/* What the kernel would do with a packet to one destination (host order). */
struct route_info {
	int ifindex;      /* output device */
	uint32_t gateway; /* next hop, 0 when the destination is on-link */
	uint32_t prefsrc; /* preferred source address, 0 if the route has none */
	int mtu;          /* route MTU (RTAX_MTU) or else the device's MTU */
};

/* RTM_GETROUTE for 'dst' (as `ip route get`). */
int route_lookup(uint32_t dst, struct route_info *info);

/* RTM_GETNEIGH: the MAC of 'ip' on 'ifindex' when the entry is usable
 * (REACHABLE, STALE, DELAY, PROBE, PERMANENT or NOARP). */
int neigh_lookup(int ifindex, uint32_t ip, uint8_t mac[6]);

#define ROUTE_CACHE_SIZE 16
/* Entries are looked up again after this long (and failures after 1/10). */
#define ROUTE_CACHE_TTL_MS 2000

struct route_cache_entry {
	uint32_t dst;
	int error;
	uint64_t expires_ms;
	struct route_info info;
};

struct route_cache {
	struct route_cache_entry e[ROUTE_CACHE_SIZE];
	unsigned next; /* round-robin victim */
};

void route_cache_init(struct route_cache *c);
/* The route to 'dst' at time 'now_ms' (from the cache while fresh). */
int route_cache_get(struct route_cache *c, uint32_t dst, uint64_t now_ms, struct route_info *info);

#endif
