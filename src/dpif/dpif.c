/* dpif.c - datapath interface dispatch: picks the provider for a type name
 * and forwards calls to its 'struct dpif_class'. */
#include "dpif/dpif-provider.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

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

static __thread bool dpif_thread_registered;

void dpif_register_thread(void)
{
	if (!dpif_thread_registered) {
		rcu_register_thread();
		dpif_thread_registered = true;
	}
}

int dpif_open(const char *type, dpif_upcall_fn *upcall, dpif_userdata_free_fn *free_userdata,
              void *aux, struct dpif **out, struct errmsg *err)
{
	const struct dpif_class *class = dpif_class_find(type ? type : "");
	struct dpif *dpif;
	int error;

	*out = NULL;
	dpif_register_thread();
	if (!class)
		return errmsg_set(err, -ENOENT, "unknown datapath type '%s' (allowed: socket)",
		                  type ? type : "");
	dpif = xzalloc(sizeof *dpif);
	dpif->class = class;
	dpif->upcall = upcall;
	dpif->free_userdata = free_userdata;
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

size_t dpif_flow_sweep(struct dpif *dpif, dpif_sweep_fn *fn, void *aux, unsigned flags)
{
	return dpif->class->flow_sweep(dpif, fn, aux, flags);
}

void dpif_flow_flush(struct dpif *dpif)
{
	dpif->class->flow_flush(dpif);
}

int dpif_flow_put(struct dpif *dpif, const struct flow *key, const struct flow *mask,
                  const struct dp_actions *actions, void *userdata)
{
	return dpif->class->flow_put(dpif, key, mask, actions, userdata);
}

int dpif_flow_del(struct dpif *dpif, const struct flow *key, const struct flow *mask)
{
	return dpif->class->flow_del(dpif, key, mask);
}

int dpif_flow_set_actions(struct dpif *dpif, const struct flow *key, const struct flow *mask,
                          const struct dp_actions *actions)
{
	return dpif->class->flow_set_actions(dpif, key, mask, actions);
}

size_t dpif_flow_count(struct dpif *dpif)
{
	return dpif->class->flow_count(dpif);
}

void dpif_flow_quiesce(struct dpif *dpif)
{
	dpif->class->flow_quiesce(dpif);
}

int dpif_execute(struct dpif *dpif, uint32_t in_port, const struct pkt *pkt,
                 const struct dp_actions *actions)
{
	return dpif->class->execute(dpif, in_port, pkt, actions);
}

int dpif_receive(struct dpif *dpif, uint32_t in_port, struct pkt *pkt,
                 const struct dp_exec_ops *ops, void *aux)
{
	return dpif->class->receive(dpif, in_port, pkt, ops, aux);
}

void dpif_get_stats(struct dpif *dpif, struct dpif_stats *stats)
{
	dpif->class->get_stats(dpif, stats);
}
