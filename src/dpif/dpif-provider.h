/* dpif-provider.h - the interface each data plane implements (socket now;
 * bypass and xdp later).  dpif.c dispatches on 'struct dpif_class'; the
 * semantics of each operation are those of the dpif.h function of the same
 * name.  Userspace data planes build theirs on dp-fastpath.h. */
#ifndef PB_DPIF_PROVIDER_H
#define PB_DPIF_PROVIDER_H

#include "dpif/dpif.h"

struct dpif {
	const struct dpif_class *class;
	dpif_upcall_fn *upcall;
	dpif_userdata_free_fn *free_userdata;
	void *upcall_aux;
	void *priv; /* provider state */
	/* Capture taps (dp-capture.h): created by a provider that supports
	 * them in 'open' (NULL otherwise), freed by dpif_close(). */
	struct dpcap *cap;
	/* The meter table and the userspace-action queue (dp-meter.h,
	 * dp-uqueue.h): created by dpif_open() before 'open', freed by
	 * dpif_close() after 'close'.  Userspace data planes hand them to
	 * their fast path (dpfp_set_services()). */
	struct dp_meters *meters;
	struct dp_uqueue *uqueue;
};

/* Every operation is required. */
struct dpif_class {
	const char *type;
	/* Allocates provider state in dpif->priv and starts threads. */
	int (*open)(struct dpif *dpif, struct errmsg *err);
	/* Stops threads and frees provider state and megaflows. */
	void (*close)(struct dpif *dpif);
	int (*port_add)(struct dpif *dpif, struct netdev *dev, uint32_t *port_no);
	int (*port_del)(struct dpif *dpif, uint32_t port_no);

	size_t (*flow_sweep)(struct dpif *dpif, dpif_sweep_fn *fn, void *aux, unsigned flags);
	void (*flow_flush)(struct dpif *dpif);
	int (*flow_put)(struct dpif *dpif, const struct flow *key, const struct flow *mask,
	                const struct dp_actions *actions, void *userdata);
	int (*flow_del)(struct dpif *dpif, const struct flow *key, const struct flow *mask);
	int (*flow_set_actions)(struct dpif *dpif, const struct flow *key, const struct flow *mask,
	                        const struct dp_actions *actions);
	size_t (*flow_count)(struct dpif *dpif);
	void (*flow_quiesce)(struct dpif *dpif);

	int (*execute)(struct dpif *dpif, uint32_t in_port, const struct pkt *pkt,
	               const struct dp_actions *actions);
	int (*receive)(struct dpif *dpif, uint32_t in_port, struct pkt *pkt,
	               const struct dp_exec_ops *ops, void *aux);
	void (*get_stats)(struct dpif *dpif, struct dpif_stats *stats);
};

#endif
