/* rpc-methods.h - the patchbayd methods of docs/rpc.md: validation, the
 * live change through ofproto, and the config store.
 *
 * Every mutating method validates everything first (nothing changes when
 * a request is refused) and keeps the live switch and the stored file in
 * step: additions are applied live, then saved, and undone live if the
 * save fails; deletions are saved first and then applied (deleting from
 * the switch cannot fail once validated), so an unsaved deletion never
 * destroys kernel devices. */
#ifndef PB_RPC_METHODS_H
#define PB_RPC_METHODS_H

#include <jansson.h>

#include "daemon/daemon-state.h"
#include "daemon/rpc-server.h"

/* The rpc_handler_fn of patchbayd; 'aux' is the 'struct pbd'. */
json_t *rpcm_dispatch(void *aux, const char *method, json_t *params, int *code, struct errmsg *err);

/* ---- shared by the rpc-*-methods.c files ---- */

/* Fails the request: sets '*code', formats 'err', returns NULL. */
json_t *rpcm_fail(int *code, int rpc_code, struct errmsg *err, const char *fmt, ...)
        PB_PRINTF(4, 5);

/* Gets string parameter 'key' (present: the dispatcher checked) into
 * '*out'.  false with the request failed if it is not a string. */
bool rpcm_get_string(json_t *params, const char *key, const char **out, int *code,
                     struct errmsg *err);
/* Validates the bridge name parameter and finds the bridge in the config
 * and the switch.  false with the request failed otherwise. */
bool rpcm_get_bridge(struct pbd *d, json_t *params, struct config_bridge **cb, struct ofproto **br,
                     int *code, struct errmsg *err);
/* Checks that 'options' (may be NULL) is an object of strings whose keys
 * are among the NULL-terminated 'allowed' of 'method'. */
bool rpcm_check_options(json_t *options, const char *method, const char *const *allowed, int *code,
                        struct errmsg *err);

json_t *rpcm_add_port(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_del_port(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_list_ports(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_dump_ports(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_show(struct pbd *d, json_t *params, int *code, struct errmsg *err);

/* rpc-vlan-mirror-methods.c */
json_t *rpcm_set_port(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_add_mirror(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_del_mirror(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_list_mirrors(struct pbd *d, json_t *params, int *code, struct errmsg *err);
/* Adds the port's VLAN settings (only those set) to its 'options' in show. */
void pbd_port_l2_json(const struct config_port *p, json_t *options);

/* rpc-flow-methods.c */
json_t *rpcm_add_flow(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_add_flows(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_mod_flows(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_del_flows(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_dump_flows(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_dump_megaflows(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_flush_megaflows(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_trace(struct pbd *d, json_t *params, int *code, struct errmsg *err);

/* rpc-ofp-methods.c: controllers, listeners, groups, meters. */
json_t *rpcm_set_controller(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_del_controller(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_get_controller(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_add_group(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_mod_group(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_del_groups(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_dump_groups(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_add_meter(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_mod_meter(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_del_meters(struct pbd *d, json_t *params, int *code, struct errmsg *err);
json_t *rpcm_dump_meters(struct pbd *d, json_t *params, int *code, struct errmsg *err);
/* set-bridge's OpenFlow keys (fail-mode, ofp-listen, datapath-id): checks
 * them in 'options' and writes them into 'ncb' (the bridge of the new
 * config).  false with the request failed. */
bool rpcm_ofp_bridge_options(json_t *options, struct config_bridge *ncb, int *code,
                             struct errmsg *err);

#endif
