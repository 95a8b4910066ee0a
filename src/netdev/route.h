/* route.h - IPv4 route and neighbour lookups over rtnetlink for the tunnel
 * ports' outer headers, with a small per-user cache.
 *
 * route_lookup()/neigh_lookup() each open a NETLINK_ROUTE socket in the
 * calling thread's network namespace and block for the kernel's answer
 * (microseconds); any thread.  A 'struct route_cache' belongs to one thread
 * (a tunnel port's transmit path): no locking.  Errors are negative errno:
 * -ENETUNREACH (no route), -ENOENT (no complete neighbour entry), or the
 * kernel's / socket's.
 *
 * Staleness: a cached entry is at most ROUTE_CACHE_TTL_MS old; a route or
 * neighbour change is followed within that bound (or at once after
 * route_cache_invalidate()). */
#ifndef PB_NETDEV_ROUTE_H
#define PB_NETDEV_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

/* What the kernel would do with a packet to one destination (host order). */
struct route_info {
	int ifindex;      /* output device */
	uint32_t gateway; /* next hop, 0 when the destination is on-link */
	uint32_t prefsrc; /* preferred source address, 0 if the route has none */
	int mtu;          /* route MTU (RTAX_MTU) or else the device's MTU */
	bool local;       /* a local address (RTN_LOCAL): delivered through loopback */
};

/* RTM_GETROUTE for 'dst' (as `ip route get`). */
int route_lookup(uint32_t dst, struct route_info *info);

/* RTM_GETNEIGH: the MAC of 'ip' on 'ifindex' when the entry is usable
 * (REACHABLE, STALE, DELAY, PROBE, PERMANENT or NOARP), and its NUD_* state
 * in '*state' (may be NULL).  -ENOENT when there is no usable entry
 * (none, INCOMPLETE, FAILED). */
int neigh_lookup(int ifindex, uint32_t ip, uint8_t mac[6], uint16_t *state);

/* RTM_GETLINK for 'ifindex': the ARPHRD_* type, IFF_* flags and address
 * (zeroes if the device has none of 6 bytes).  -ENODEV if there is none. */
int route_link_get(int ifindex, uint16_t *type, unsigned *flags, uint8_t mac[6]);

/* The link layer of the next hop of a route: what an Ethernet header for a
 * frame sent on the route's device itself (AF_PACKET) needs. */
struct route_l2 {
	uint8_t dst_mac[6]; /* the next hop's MAC: the gateway's, or the destination's */
	uint8_t src_mac[6]; /* the output device's MAC */
	bool confirmed;     /* neighbour REACHABLE, PERMANENT or NOARP; false for
	                     * STALE, DELAY, PROBE (the kernel has to re-verify) */
};

/* Fills 'l2' for sending to 'dst' along 'info' (a route_lookup() result).
 * -EOPNOTSUPP when frames cannot be built: a local destination, an output
 * device that is not an up Ethernet device, no source address in 'info';
 * -ENOENT when the next hop's neighbour entry is not usable (yet); or a
 * netlink error. */
int route_l2_lookup(uint32_t dst, const struct route_info *info, struct route_l2 *l2);

#define ROUTE_CACHE_SIZE 16
/* Entries are looked up again after this long; failures (no route, an
 * unresolved neighbour) after 1/10 of it. */
#define ROUTE_CACHE_TTL_MS 2000

struct route_cache_entry {
	uint32_t dst;
	int error; /* of route_lookup() */
	uint64_t expires_ms;
	struct route_info info;
	/* With 'l2' lookups (route_cache_find()): */
	int l2_error; /* of route_l2_lookup(); 'l2' is valid when 0 */
	struct route_l2 l2;
	bool l2_probe;   /* set at each refresh with an unconfirmed neighbour;
	                  * the user clears it (see netdev-tunnel.c) */
	bool l2_changed; /* set when a lookup changes 'l2_error' or 'l2' (or the
	                  * entry is new); the user clears it */
};

struct route_cache {
	struct route_cache_entry e[ROUTE_CACHE_SIZE];
	unsigned next; /* round-robin victim */
};

void route_cache_init(struct route_cache *c);
/* The entry for 'dst' at time 'now_ms', looked up again when it has expired
 * (the route, and with 'l2' its next hop's link layer; without, 'l2_error' is
 * -EOPNOTSUPP).  Never NULL; valid until the next call. */
struct route_cache_entry *route_cache_find(struct route_cache *c, uint32_t dst, uint64_t now_ms,
                                           bool l2);
/* Makes the entry for 'dst' (if any) expire now. */
void route_cache_invalidate(struct route_cache *c, uint32_t dst);

#endif
