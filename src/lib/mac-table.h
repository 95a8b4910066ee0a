/* mac-table.h - the MAC learning table: (vlan, mac) -> port, with aging, a
 * size limit that evicts the least recently seen entry, and flushes.
 *
 * Lookup and learning are O(1) (hash table plus an LRU list ordered by
 * last-seen time).  There is no clock inside: callers pass 'now' and the
 * aging time in one unit of their choice (ofproto uses milliseconds), so
 * tests are deterministic.  'now' must not go backwards.
 *
 * Threads: no locking inside; the owner (a bridge) serializes all calls. */
#ifndef PB_MAC_TABLE_H
#define PB_MAC_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct mac_table;

#define MAC_TABLE_SIZE_DEFAULT 8192u
#define MAC_TABLE_PORT_NONE    UINT32_MAX

enum mac_learn_result {
	MAC_LEARN_REFRESHED, /* known on the same port; last-seen updated */
	MAC_LEARN_NEW,       /* added (possibly evicting the oldest entry) */
	MAC_LEARN_MOVED,     /* known on another port; now on 'port' */
};

/* Creates an empty table holding at most 'max_entries' (>= 1) entries. */
struct mac_table *mac_table_create(size_t max_entries);
/* Frees 't' and its entries (NULL is fine). */
void mac_table_destroy(struct mac_table *t);

/* Records that 'mac' on 'vlan' was seen on 'port' at 'now'.  A new entry
 * beyond the size limit evicts the least recently seen one.  Allocates only
 * when the table grows past its high-water mark. */
enum mac_learn_result mac_table_learn(struct mac_table *t, uint16_t vlan, const uint8_t mac[6],
                                      uint32_t port, uint64_t now);

/* Returns the port 'mac' on 'vlan' was learned on, or MAC_TABLE_PORT_NONE. */
uint32_t mac_table_lookup(const struct mac_table *t, uint16_t vlan, const uint8_t mac[6]);

/* Removes entries not seen for 'max_age' or longer (now - last_seen >=
 * max_age).  Returns how many were removed. */
size_t mac_table_expire(struct mac_table *t, uint64_t now, uint64_t max_age);

/* Changes the size limit (>= 1); shrinking evicts the oldest entries at
 * once.  Returns how many were evicted. */
size_t mac_table_set_max(struct mac_table *t, size_t max_entries);
size_t mac_table_get_max(const struct mac_table *t);
size_t mac_table_count(const struct mac_table *t);

/* Remove every entry / every entry on 'port'.  Return how many. */
size_t mac_table_flush(struct mac_table *t);
size_t mac_table_flush_port(struct mac_table *t, uint32_t port);

struct mac_table_entry_info {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t port;
	uint64_t last_seen;
};
/* Snapshot of every entry, least recently seen first.  '*entries' is
 * malloc'd (the caller frees it, also when '*n' is 0).  O(n) so that the
 * owner's lock is held briefly; sort outside the lock if needed. */
void mac_table_dump(const struct mac_table *t, struct mac_table_entry_info **entries, size_t *n);
/* Sorts a dump by (vlan, mac). */
void mac_table_dump_sort(struct mac_table_entry_info *entries, size_t n);

#endif
