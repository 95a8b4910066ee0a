/* daemon-state.c - restoring the stored configuration into the live switch,
 * absent ports, and committing changes to the store (see daemon-state.h). */
#include "daemon/daemon-state.h"
#include "daemon/daemon-flows.h"
#include "daemon/daemon-ofp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"
#include "ofagent/ofagent.h"

#define VLOG_MODULE "state"

static void pbd_absent_set(struct pbd *d, const char *port, const char *error)
{
	for (size_t i = 0; i < d->n_absent; i++) {
		if (!strcmp(d->absent[i].port, port)) {
			free(d->absent[i].error);
			d->absent[i].error = xstrdup(error);
			return;
		}
	}
	d->absent = xrealloc(d->absent, (d->n_absent + 1) * sizeof(*d->absent));
	d->absent[d->n_absent].port = xstrdup(port);
	d->absent[d->n_absent].error = xstrdup(error);
	d->n_absent++;
}

const char *pbd_absent_error(const struct pbd *d, const char *port)
{
	for (size_t i = 0; i < d->n_absent; i++)
		if (!strcmp(d->absent[i].port, port))
			return d->absent[i].error;
	return NULL;
}

static void pbd_absent_forget(struct pbd *d, const char *port)
{
	for (size_t i = 0; i < d->n_absent; i++) {
		if (!strcmp(d->absent[i].port, port)) {
			free(d->absent[i].port);
			free(d->absent[i].error);
			d->absent[i] = d->absent[--d->n_absent];
			return;
		}
	}
}

static int pbd_open_port(struct ofproto *br, const struct config_port *p, struct errmsg *err)
{
	struct netdev_args args = {
	        .name = p->name,
	        .type = p->type,
	        .peer = p->peer,
	        .netns = p->netns,
	        .options = p->options,
	};

	return ofproto_port_add(br, &args, p->ofport, NETDEV_OPEN_REUSE, err);
}

int pbd_restore(struct pbd *d, struct errmsg *err)
{
	for (size_t i = 0; i < d->cfg->n_bridges; i++) {
		const struct config_bridge *cb = d->cfg->bridges[i];
		struct ofproto *br;
		struct errmsg oerr = {""};
		int error;

		if ((error = ofswitch_bridge_add(d->sw, cb->name, &br, err)) ||
		    (error = ofproto_set_mac_aging(br, cb->mac_aging)) ||
		    (error = ofproto_set_mac_table_size(br, cb->mac_table_size)) ||
		    (error = ofproto_set_flow_limit(br, cb->flow_limit))) {
			if (error != -EEXIST && err && !err->msg[0])
				errmsg_set(err, error, "bridge %s: %s", cb->name, strerror(-error));
			return error;
		}
		VLOG_INFO("bridge %s restored", cb->name);
		if (d->agent)
			ofagent_bridge_add(d->agent, br);
		for (size_t j = 0; j < cb->n_ports; j++) {
			const struct config_port *p = cb->ports[j];
			struct errmsg perr = {""};

			if (pbd_open_port(br, p, &perr)) {
				VLOG_WARN("bridge %s: port %s (ofport %u) is absent: %s", cb->name,
				          p->name, p->ofport, perr.msg);
				pbd_absent_set(d, p->name, perr.msg);
			} else {
				VLOG_INFO("bridge %s: port %s restored as ofport %u", cb->name,
				          p->name, p->ofport);
			}
		}
		pbd_l2_apply(br, cb);
		/* Meters and groups before the flows that use them. */
		if ((error = pbd_ofp_load_tables(br, cb, &oerr)))
			return errmsg_set(err, error, "bridge %s: %s", cb->name, oerr.msg);
		/* Without a "flows" key the bridge keeps the default rules it was
		 * created with. */
		if (cb->has_flows) {
			struct errmsg ferr = {""};

			if ((error = pbd_flows_load(br, cb->flows, cb->n_flows, &ferr)))
				return errmsg_set(err, error, "bridge %s: %s", cb->name, ferr.msg);
			VLOG_INFO("bridge %s: %zu flow(s) restored", cb->name, cb->n_flows);
		}
		/* Listeners and controllers once the tables are in place.  A
		 * listener that cannot bind is logged, not fatal. */
		if (d->agent && pbd_ofp_apply(d, br, cb, true, &oerr))
			VLOG_ERR("bridge %s: %s", cb->name, oerr.msg);
	}
	return 0;
}

void pbd_retry_absent(struct pbd *d)
{
	for (size_t i = 0; i < d->n_absent;) {
		struct config_bridge *cb;
		struct config_port *p = config_find_port(d->cfg, d->absent[i].port, &cb);
		struct ofproto *br = p ? ofswitch_bridge_find(d->sw, cb->name) : NULL;
		struct errmsg err = {""};

		if (!br) {
			pbd_absent_forget(d, d->absent[i].port);
			continue;
		}
		if (pbd_open_port(br, p, &err)) {
			if (strcmp(err.msg, d->absent[i].error)) {
				VLOG_WARN("bridge %s: port %s is still absent: %s", cb->name,
				          p->name, err.msg);
				free(d->absent[i].error);
				d->absent[i].error = xstrdup(err.msg);
			}
			i++;
			continue;
		}
		VLOG_INFO("bridge %s: port %s is back as ofport %u", cb->name, p->name, p->ofport);
		pbd_absent_forget(d, p->name);
	}
}

int pbd_commit(struct pbd *d, struct config *new_cfg, struct errmsg *err)
{
	struct errmsg serr = {""};
	int error = config_save(d->db_path, new_cfg, &serr);

	if (error) {
		VLOG_ERR("%s: %s", d->db_path, serr.msg);
		config_free(new_cfg);
		return errmsg_set(err, error, "cannot save the configuration: %s", serr.msg);
	}
	config_free(d->cfg);
	d->cfg = new_cfg;
	/* Deleted ports are no longer absent. */
	for (size_t i = 0; i < d->n_absent;) {
		if (config_find_port(d->cfg, d->absent[i].port, NULL))
			i++;
		else
			pbd_absent_forget(d, d->absent[i].port);
	}
	return 0;
}

void pbd_clear(struct pbd *d)
{
	for (size_t i = 0; i < d->n_absent; i++) {
		free(d->absent[i].port);
		free(d->absent[i].error);
	}
	free(d->absent);
	d->absent = NULL;
	d->n_absent = 0;
	config_free(d->cfg);
	d->cfg = NULL;
}
