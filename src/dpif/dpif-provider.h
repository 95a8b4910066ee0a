/* dpif-provider.h - the interface each data plane implements (socket now;
 * bypass and xdp later).  dpif.c dispatches on 'struct dpif_class'. */
#ifndef PB_DPIF_PROVIDER_H
#define PB_DPIF_PROVIDER_H

#include "dpif/dpif.h"

struct dpif {
	const struct dpif_class *class;
	dpif_upcall_fn *upcall;
	void *upcall_aux;
	void *priv; /* provider state */
};

struct dpif_class {
	const char *type;
	/* Allocates provider state in dpif->priv and starts threads.  Required. */
	int (*open)(struct dpif *dpif, struct errmsg *err);
	/* Stops threads and frees provider state.  Required. */
	void (*close)(struct dpif *dpif);
	/* See dpif_port_add / dpif_port_del.  Required. */
	int (*port_add)(struct dpif *dpif, struct netdev *dev, uint32_t *port_no);
	int (*port_del)(struct dpif *dpif, uint32_t port_no);
};

#endif
