/* dpif.c - datapath interface dispatch: picks the provider for a type name
 * and forwards calls to its 'struct dpif_class'. */
#include "dpif/dpif-provider.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Providers (each defined in its own dpif-TYPE.c). */
extern const struct dpif_class dpif_socket_class;

static const struct dpif_class *const dpif_classes[] = {
        &dpif_socket_class,
};

static const struct dpif_class *dpif_class_find(const char *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(dpif_classes); i++)
		if (!strcmp(dpif_classes[i]->type, type))
			return dpif_classes[i];
	return NULL;
}

int dpif_open(const char *type, dpif_upcall_fn *upcall, void *aux, struct dpif **out,
              struct errmsg *err)
{
	const struct dpif_class *class = dpif_class_find(type ? type : "");
	struct dpif *dpif;
	int error;

	*out = NULL;
	if (!class)
		return errmsg_set(err, -ENOENT, "unknown datapath type '%s' (allowed: socket)",
		                  type ? type : "");
	dpif = xzalloc(sizeof *dpif);
	dpif->class = class;
	dpif->upcall = upcall;
	dpif->upcall_aux = aux;
	error = class->open(dpif, err);
	if (error) {
		free(dpif);
		return error;
	}
	*out = dpif;
	return 0;
}

void dpif_close(struct dpif *dpif)
{
	if (!dpif)
		return;
	dpif->class->close(dpif);
	free(dpif);
}

int dpif_port_add(struct dpif *dpif, struct netdev *dev, uint32_t *port_no)
{
	return dpif->class->port_add(dpif, dev, port_no);
}

int dpif_port_del(struct dpif *dpif, uint32_t port_no)
{
	return dpif->class->port_del(dpif, port_no);
}

const char *dpif_type(const struct dpif *dpif)
{
	return dpif->class->type;
}
