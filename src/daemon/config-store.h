/* config-store.h - the daemon's persistent configuration: bridges, their
 * settings and their ports, as one JSON document (schema in docs/rpc.md).
 *
 * A 'struct config' is a plain in-memory model.  The daemon changes a clone
 * (config_clone) and swaps it in only once the live switch and the file
 * both accepted the change.  Everything here runs on the daemon's control
 * thread; nothing here touches the switch or the kernel.
 *
 * Ownership: a config owns its bridges, a bridge owns its ports, and every
 * string in them.  Pointers returned by the find/add helpers stay valid
 * until that element (or the config) is removed or freed. */
#ifndef PB_CONFIG_STORE_H
#define PB_CONFIG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "ofproto/mirror.h"

#define CONFIG_FORMAT                 "patchbay-config"
#define CONFIG_VERSION                1
#define CONFIG_DATAPATH_DEFAULT       "socket"
#define CONFIG_OFPORT_MAX             65279u
#define CONFIG_MAC_AGING_MIN          10u
#define CONFIG_MAC_AGING_MAX          1000000u
#define CONFIG_MAC_AGING_DEFAULT      300u
#define CONFIG_MAC_TABLE_SIZE_MIN     1u
#define CONFIG_MAC_TABLE_SIZE_MAX     1048576u
#define CONFIG_MAC_TABLE_SIZE_DEFAULT 8192u
#define CONFIG_FLOW_LIMIT_MIN         1u
#define CONFIG_FLOW_LIMIT_MAX         16000000u
#define CONFIG_FLOW_LIMIT_DEFAULT     1000000u
#define CONFIG_OFP_TARGETS_MAX        16u /* controllers, listeners per bridge */

struct config_port {
	char *name;
	uint32_t ofport; /* 1..CONFIG_OFPORT_MAX, unique across the switch */
	char *type;      /* "system", "veth", "tap", "internal" */
	char *peer;      /* veth only (required there), else NULL */
	char *netns;     /* veth only, may be NULL */
	/* vxlan, geneve, gre, tun: "key=value,..." as given to add-port (see
	 * docs/tunnels.md), NULL if none; the other types have none. */
	char *options;
	struct vlan_port_cfg vlan; /* VLAN settings (config-l2.c; default: none) */
};

struct config_bridge {
	char *name;
	char *datapath; /* "socket" */
	unsigned int mac_aging;
	unsigned int mac_table_size;
	unsigned int flow_limit;    /* per OpenFlow table */
	struct config_port **ports; /* ordered by ofport */
	size_t n_ports;
	/* The OpenFlow rules as ofproto_flow_save() formats them (port numbers,
	 * no counters).  'has_flows' false: the document had no "flows" key
	 * (written before flows existed), meaning the bridge's default rules. */
	bool has_flows;
	char **flows;
	size_t n_flows;
	/* OpenFlow agent (docs/config.md): controller targets ("tcp:IP:PORT",
	 * "unix:PATH"), listeners ("ptcp:PORT[:IP]", "punix:PATH"), fail mode,
	 * datapath id (0: derived from the name), and the groups and meters as
	 * ovs-ofctl add-group / add-meter lines with port numbers. */
	char **controllers;
	size_t n_controllers;
	char **ofp_listen;
	size_t n_ofp_listen;
	bool fail_secure; /* false: standalone (the default) */
	uint64_t datapath_id;
	char **groups;
	size_t n_groups;
	char **meters;
	size_t n_meters;
	/* Port mirrors, ordered by name (config-l2.c). */
	struct mirror_cfg *mirrors;
	size_t n_mirrors;
};

struct config {
	struct config_bridge **bridges; /* ordered by name */
	size_t n_bridges;
};

/* Port types a config may name, NULL-terminated, and whether 'type' is one. */
extern const char *const config_port_types[];
bool config_port_type_valid(const char *type);

/* --- model ------------------------------------------------------------ */

struct config *config_create(void);
void config_free(struct config *cfg); /* NULL is fine */
/* Deep copy. */
struct config *config_clone(const struct config *cfg);

struct config_bridge *config_find_bridge(const struct config *cfg, const char *name);
/* Finds port 'name' on any bridge; '*brp' (if not NULL) gets its bridge. */
struct config_port *config_find_port(const struct config *cfg, const char *name,
                                     struct config_bridge **brp);
/* The port numbered 'ofport' on any bridge, or NULL ('*brp' as above). */
struct config_port *config_find_ofport(const struct config *cfg, uint32_t ofport,
                                       struct config_bridge **brp);
/* Lowest ofport not used on any bridge, or 0 if all are taken. */
uint32_t config_next_ofport(const struct config *cfg);

/* Adds a bridge with default settings; the name must not exist yet (the
 * caller checks: this asserts). */
struct config_bridge *config_add_bridge(struct config *cfg, const char *name);
/* Removes and frees the bridge with its ports.  0 or -ENOENT. */
int config_remove_bridge(struct config *cfg, const char *name);
/* Adds a port (strings copied; 'peer'/'netns' may be NULL).  Name and ofport
 * must be free on the whole switch (the caller checks: this asserts). */
struct config_port *config_bridge_add_port(struct config_bridge *br, const char *name,
                                           uint32_t ofport, const char *type, const char *peer,
                                           const char *netns);
/* Replaces the port's options by a copy of 'options' (NULL or "" = none). */
void config_port_set_options(struct config_port *port, const char *options);
/* Checks 'options' of a port of 'type' without the system: allowed keys for
 * the type, "key=value" syntax, no duplicates.  0 or -EINVAL with 'err'
 * ("unknown option 'x' for type vxlan").  Values are checked when the port
 * is opened. */
int config_port_options_check(const char *type, const char *options, struct errmsg *err);
/* Removes and frees the port.  0 or -ENOENT. */
int config_bridge_remove_port(struct config_bridge *br, const char *name);
/* Replaces the bridge's rules by copies of 'lines' and sets has_flows. */
void config_bridge_set_flows(struct config_bridge *br, char *const *lines, size_t n);
/* True if the bridge's rules equal 'lines' (same strings, same order) and
 * has_flows is set. */
bool config_bridge_flows_equal(const struct config_bridge *br, char *const *lines, size_t n);
/* Replaces a list of strings (controllers, ofp_listen, groups, meters)
 * by copies of 'lines'. */
void config_strv_set(char ***list, size_t *n, char *const *lines, size_t n_lines);
bool config_strv_equal(char *const *a, size_t na, char *const *b, size_t nb);

/* Port VLAN settings and mirrors (config-l2.c).  Mirrors name ports that
 * need not exist (a deleted port's roles stay inactive). */
struct mirror_cfg *config_bridge_find_mirror(const struct config_bridge *br, const char *name);
/* Adds a copy of 'm' (the name must be new: the caller checks). */
void config_bridge_add_mirror(struct config_bridge *br, const struct mirror_cfg *m);
int config_bridge_remove_mirror(struct config_bridge *br, const char *name); /* 0 or -ENOENT */
/* Copies mirrors and port VLAN settings of 'src' into its clone 'dst'. */
void config_bridge_copy_l2(struct config_bridge *dst, const struct config_bridge *src);
void config_bridge_free_l2(struct config_bridge *br);
struct config_port *config_find_port_on(const struct config_bridge *br, const char *name);

/* --- JSON ------------------------------------------------------------- */

/* Parses and strictly checks 'len' bytes of 'text': unknown keys, wrong
 * types, out-of-range values, invalid names, duplicate bridge/port names
 * and duplicate ofports are all errors.  Every stored flow line is parsed
 * with flow_text_parse(FLOW_TEXT_ADD) without port names (the store holds
 * port numbers), so a bad line is refused here as
 * "bridges[0].flows[3]: unknown field 'x'".  Returns 0 and a new '*out', or
 * -EINVAL with 'err' naming the place ("bridges[0].ports[1].ofport:
 * expected an integer 1..65279"); '*out' is then NULL. */
int config_parse(const char *text, size_t len, struct config **out, struct errmsg *err);
/* Parses a datapath id: 1..16 hex digits, "0x" allowed.  0 or -EINVAL. */
int config_parse_datapath_id(const char *s, uint64_t *dpid);
/* Serializes 'cfg' (indented, ending in a newline).  Caller frees. */
char *config_format(const struct config *cfg);

/* --- file ------------------------------------------------------------- */

/* Reads 'path'.  A missing file is an empty config.  Unreadable, not JSON
 * or not the schema: a negative errno and 'err' says what is wrong (without
 * the path).  The file is never modified. */
int config_load(const char *path, struct config **out, struct errmsg *err);
/* Writes 'cfg' to 'path' atomically: a temporary file in the same
 * directory, written and fsync'd, renamed over 'path', then the directory
 * fsync'd.  Creates missing parent directories (0755).  On failure 'path'
 * keeps its old content, no temporary file is left, and a negative errno
 * is returned with 'err' filled.  Once the rename succeeded the call
 * succeeds (a failing directory fsync only weakens durability). */
int config_save(const char *path, const struct config *cfg, struct errmsg *err);

#endif
