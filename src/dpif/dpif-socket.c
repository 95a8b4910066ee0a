/* dpif-socket.c - the "socket" data plane: one forwarding thread that waits
 * on epoll over its ports' netdev fds, receives batches, asks the upcall
 * where each packet goes and transmits per-output-port batches.
 *
 * Ports live in an RCU-protected array (liburcu, memb flavor): the thread
 * reads it inside one read-side section per polling round; the control
 * thread publishes/unpublishes ports and waits for a grace period before
 * freeing, so port_del returns only once the thread no longer touches the
 * port.  No per-packet syscalls or allocations. */
#include "dpif/dpif-provider.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <urcu.h>

#include "lib/vlog.h"

#define VLOG_MODULE "dpif_socket"

#define DPS_EPOLL_EVENTS 64
#define DPS_WAKE_TAG     UINT32_MAX /* epoll data of the eventfd */

struct dps_port {
	struct netdev *dev;
	int fd;
};

struct dps {
	struct dpif *dpif;
	pthread_t thread;
	int epfd;
	int wakefd;
	atomic_bool stop;

	/* Control thread only. */
	pthread_mutex_t ctl_mutex; /* serializes port_add/port_del */

	/* Written by the control thread (under ctl_mutex), read by the
	 * forwarding thread under rcu_read_lock. */
	struct dps_port *ports[DPIF_MAX_PORTS];

	/* Forwarding thread only. */
	struct pkt_batch rx;
	struct dp_actions actions;
	uint32_t ready[DPIF_MAX_PORTS]; /* ports with work, by number */
	uint32_t n_ready;
	uint32_t touched[DPIF_MAX_PORTS]; /* output ports used by this rx batch */
	uint16_t out_n[DPIF_MAX_PORTS];
	struct pkt *out[DPIF_MAX_PORTS][PKT_BATCH_MAX];
};

static struct dps *dps_cast(const struct dpif *dpif)
{
	return dpif->priv;
}

/* Receives one batch on 'in' (port 'in_no'), runs the upcall for each packet
 * and transmits the per-port output batches before returning, so the rx
 * buffers may be reused by the next receive.  Returns the rx count or a
 * negative errno. */
static int dps_poll_port(struct dps *dps, uint32_t in_no, struct dps_port *in)
{
	struct dpif *dpif = dps->dpif;
	uint32_t n_touched = 0;
	int n;

	pkt_batch_init(&dps->rx);
	n = netdev_rx_batch(in->dev, &dps->rx);
	if (n <= 0)
		return n;

	for (int i = 0; i < n; i++) {
		struct pkt *pkt = &dps->rx.pkts[i];
		struct dp_actions *a = &dps->actions;

		a->n_outputs = 0;
		dpif->upcall(dpif->upcall_aux, in_no, pkt, a);
		for (uint32_t j = 0; j < a->n_outputs && j < DPIF_MAX_PORTS; j++) {
			uint32_t o = a->outputs[j];

			if (o >= DPIF_MAX_PORTS || dps->out_n[o] >= PKT_BATCH_MAX)
				continue;
			if (!dps->out_n[o])
				dps->touched[n_touched++] = o;
			dps->out[o][dps->out_n[o]++] = pkt;
		}
	}

	for (uint32_t i = 0; i < n_touched; i++) {
		uint32_t o = dps->touched[i];
		struct dps_port *out = rcu_dereference(dps->ports[o]);

		if (out)
			netdev_tx_batch(out->dev, dps->out[o], dps->out_n[o]);
		dps->out_n[o] = 0;
	}
	return n;
}

/* Clears a pending socket error so that a level-triggered EPOLLERR does not
 * spin the thread (e.g. ENETDOWN after the device went down). */
static void dps_clear_error(struct dps *dps, uint32_t port_no)
{
	struct dps_port *p;
	int soerr = 0;
	socklen_t len = sizeof soerr;

	rcu_read_lock();
	p = rcu_dereference(dps->ports[port_no]);
	if (p && !getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) && soerr)
		VLOG_DBG("port %s: %s", netdev_get_name(p->dev), strerror(soerr));
	rcu_read_unlock();
}

/* Polls every ready port once per round (fairness) until all are drained. */
static void dps_drain(struct dps *dps)
{
	while (dps->n_ready && !atomic_load_explicit(&dps->stop, memory_order_relaxed)) {
		uint32_t keep = 0;

		rcu_read_lock();
		for (uint32_t i = 0; i < dps->n_ready; i++) {
			uint32_t no = dps->ready[i];
			struct dps_port *p = rcu_dereference(dps->ports[no]);

			if (p && dps_poll_port(dps, no, p) > 0)
				dps->ready[keep++] = no;
		}
		rcu_read_unlock();
		dps->n_ready = keep;
	}
}

static void *dps_thread(void *dps_)
{
	struct dps *dps = dps_;
	struct epoll_event evs[DPS_EPOLL_EVENTS];

	rcu_register_thread();
	while (!atomic_load(&dps->stop)) {
		int n = epoll_wait(dps->epfd, evs, DPS_EPOLL_EVENTS, -1);

		if (n < 0) {
			if (errno != EINTR) {
				VLOG_ERR("epoll_wait: %s", strerror(errno));
				usleep(10000);
			}
			continue;
		}
		dps->n_ready = 0;
		for (int i = 0; i < n; i++) {
			uint32_t no = evs[i].data.u32;

			if (no == DPS_WAKE_TAG) {
				uint64_t v;

				if (read(dps->wakefd, &v, sizeof v) < 0 && errno != EAGAIN)
					VLOG_ERR("eventfd read: %s", strerror(errno));
				continue;
			}
			if (no >= DPIF_MAX_PORTS)
				continue;
			if (evs[i].events & EPOLLERR)
				dps_clear_error(dps, no);
			if (evs[i].events & EPOLLIN)
				dps->ready[dps->n_ready++] = no;
		}
		dps_drain(dps);
	}
	rcu_unregister_thread();
	return NULL;
}

static void dps_destroy(struct dps *dps)
{
	if (dps->epfd >= 0)
		close(dps->epfd);
	if (dps->wakefd >= 0)
		close(dps->wakefd);
	for (size_t i = 0; i < DPIF_MAX_PORTS; i++)
		free(dps->ports[i]);
	pthread_mutex_destroy(&dps->ctl_mutex);
	free(dps);
}

static int dps_open(struct dpif *dpif, struct errmsg *err)
{
	struct dps *dps = xzalloc(sizeof *dps);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = DPS_WAKE_TAG};
	int error;

	dps->dpif = dpif;
	dps->wakefd = -1;
	atomic_init(&dps->stop, false);
	pthread_mutex_init(&dps->ctl_mutex, NULL);
	dps->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (dps->epfd < 0) {
		error = errmsg_set(err, -errno, "datapath: epoll_create1: %s", strerror(errno));
		goto out;
	}
	dps->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dps->wakefd < 0) {
		error = errmsg_set(err, -errno, "datapath: eventfd: %s", strerror(errno));
		goto out;
	}
	if (epoll_ctl(dps->epfd, EPOLL_CTL_ADD, dps->wakefd, &ev) < 0) {
		error = errmsg_set(err, -errno, "datapath: epoll_ctl: %s", strerror(errno));
		goto out;
	}
	error = -pthread_create(&dps->thread, NULL, dps_thread, dps);
	if (error) {
		errmsg_set(err, error, "datapath: cannot start thread: %s", strerror(-error));
		goto out;
	}
	pthread_setname_np(dps->thread, "pb-dp-socket");
	dpif->priv = dps;
	return 0;

out:
	dps_destroy(dps);
	return error;
}

static void dps_close(struct dpif *dpif)
{
	struct dps *dps = dps_cast(dpif);
	uint64_t one = 1;

	atomic_store(&dps->stop, true);
	if (write(dps->wakefd, &one, sizeof one) < 0)
		VLOG_ERR("eventfd write: %s", strerror(errno));
	pthread_join(dps->thread, NULL);
	for (size_t i = 0; i < DPIF_MAX_PORTS; i++)
		if (dps->ports[i])
			VLOG_WARN("port %s still in the datapath at close",
			          netdev_get_name(dps->ports[i]->dev));
	dps_destroy(dps);
	dpif->priv = NULL;
}

static int dps_port_add(struct dpif *dpif, struct netdev *dev, uint32_t *port_no)
{
	struct dps *dps = dps_cast(dpif);
	struct epoll_event ev = {.events = EPOLLIN};
	struct dps_port *p;
	uint32_t no;
	int fd = netdev_get_fd(dev);
	int error = 0;

	if (fd < 0)
		return fd;
	pthread_mutex_lock(&dps->ctl_mutex);
	for (no = 0; no < DPIF_MAX_PORTS && dps->ports[no]; no++)
		continue;
	if (no == DPIF_MAX_PORTS) {
		error = -ENOSPC;
		goto out;
	}
	p = xzalloc(sizeof *p);
	p->dev = dev;
	p->fd = fd;
	/* Publish before polling so that an event always finds its port. */
	rcu_assign_pointer(dps->ports[no], p);
	ev.data.u32 = no;
	if (epoll_ctl(dps->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		error = -errno;
		rcu_assign_pointer(dps->ports[no], NULL);
		synchronize_rcu();
		free(p);
		goto out;
	}
	*port_no = no;
out:
	pthread_mutex_unlock(&dps->ctl_mutex);
	return error;
}

static int dps_port_del(struct dpif *dpif, uint32_t port_no)
{
	struct dps *dps = dps_cast(dpif);
	struct dps_port *p;
	int error = 0;

	if (port_no >= DPIF_MAX_PORTS)
		return -ENOENT;
	pthread_mutex_lock(&dps->ctl_mutex);
	p = dps->ports[port_no];
	if (!p) {
		error = -ENOENT;
		goto out;
	}
	if (epoll_ctl(dps->epfd, EPOLL_CTL_DEL, p->fd, NULL) < 0)
		VLOG_WARN("port %s: epoll_ctl del: %s", netdev_get_name(p->dev), strerror(errno));
	rcu_assign_pointer(dps->ports[port_no], NULL);
	/* After the grace period no polling round can still hold 'p'. */
	synchronize_rcu();
	free(p);
out:
	pthread_mutex_unlock(&dps->ctl_mutex);
	return error;
}

const struct dpif_class dpif_socket_class = {
        .type = "socket",
        .open = dps_open,
        .close = dps_close,
        .port_add = dps_port_add,
        .port_del = dps_port_del,
};
