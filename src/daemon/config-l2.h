/* config-l2.h - the JSON form of port VLAN settings and bridge mirrors in
 * the config store (config-l2.c), used by config-json.c.  Strict: unknown
 * keys, wrong types, bad values and inconsistent settings are errors naming
 * the place ("bridges[0].ports[1]: vlan-mode=access needs a tag"). */
#ifndef PB_CONFIG_L2_H
#define PB_CONFIG_L2_H

#include <jansson.h>

#include "daemon/config-store.h"

/* Keys a port object may have for its VLAN settings. */
#define CONFIG_L2_PORT_KEYS "vlan-mode", "tag", "trunks", "cvlans"

/* Reads the VLAN keys of port object 'jp' into p->vlan.  0 or -EINVAL. */
int config_json_parse_port_vlan(struct config_port *p, json_t *jp, const char *where,
                                struct errmsg *err);
/* Adds p's VLAN settings (only those set) to 'jp'. */
void config_json_port_vlan(const struct config_port *p, json_t *jp);
/* Reads the "mirrors" array (NULL: none) into 'br'.  0 or -EINVAL. */
int config_json_parse_mirrors(struct config_bridge *br, json_t *mirrors, const char *where,
                              struct errmsg *err);
/* Adds "mirrors" to bridge object 'jb' when there are any. */
void config_json_mirrors(const struct config_bridge *br, json_t *jb);
/* One mirror as stored (also used by list-mirrors). */
json_t *config_json_mirror(const struct mirror_cfg *m);

#endif
