/* dpif.c - datapath interface dispatch: picks the provider for a type name
 * and forwards calls to its 'struct dpif_class'. */
#include "dpif/dpif-provider.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "dpif/dp-capture.h"
#include "dpif/dp-meter.h"
#include "dpif/dp-uqueue.h"

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
	dpif->meters = dp_meters_create();
	dpif->uqueue = dp_uqueue_create();
	if (!dpif->uqueue) {
		error = errmsg_set(err, -errno, "datapath: eventfd: %s", strerror(errno));
		dp_meters_destroy(dpif->meters);
		free(dpif);
		return error;
	}
	error = class->open(dpif, err);
	if (error) {
		dpcap_destroy(dpif->cap);
		dp_uqueue_destroy(dpif->uqueue);
		dp_meters_destroy(dpif->meters);
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
	dpcap_destroy(dpif->cap);
	rcu_barrier(); /* meters replaced or deleted earlier */
	dp_uqueue_destroy(dpif->uqueue);
	dp_meters_destroy(dpif->meters);
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

struct dpcap *dpif_capture(struct dpif *dpif)
{
	return dpif->cap;
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
	stats->userspace_dropped = dp_uqueue_dropped(dpif->uqueue);
}

int dpif_meter_set(struct dpif *dpif, uint32_t id, const struct dpif_meter_config *cfg)
{
	return dp_meters_set(dpif->meters, id, cfg);
}

int dpif_meter_del(struct dpif *dpif, uint32_t id)
{
	return dp_meters_del(dpif->meters, id);
}

int dpif_meter_get_stats(struct dpif *dpif, uint32_t id, struct dpif_meter_stats *stats)
{
	return dp_meters_get_stats(dpif->meters, id, stats);
}

void dpif_meter_set_clock(struct dpif *dpif, uint64_t now_ns)
{
	dp_meters_set_clock(dpif->meters, now_ns);
}

void dpif_userspace_enable(struct dpif *dpif, bool enable)
{
	dp_uqueue_enable(dpif->uqueue, enable);
}

int dpif_userspace_fd(const struct dpif *dpif)
{
	return dp_uqueue_fd(dpif->uqueue);
}

size_t dpif_userspace_recv(struct dpif *dpif, struct dpif_userspace_packet **pkts, size_t max)
{
	return dp_uqueue_recv(dpif->uqueue, pkts, max);
}
