/* dpif-socket.c - the "socket" data plane: one forwarding thread that waits
 * on epoll over its ports' netdev fds, receives batches, runs them through
 * the fast path (dp-fastpath.h: EMC, megaflows, upcall) and transmits
 * per-output-port batches.
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

#include "dpif/dp-capture.h"
#include "dpif/dp-fastpath.h"
#include "lib/packet-edit.h"
#include "lib/vlog.h"

#define VLOG_MODULE "dpif_socket"

#define DPS_EPOLL_EVENTS 64
#define DPS_WAKE_TAG     UINT32_MAX /* epoll data of the eventfd */
#define DPS_TX_POOL      256u       /* queued outputs before a forced flush */
#define DPS_COPY_SLOTS   32u        /* copies of packets edited after an output */
#define DPS_COPY_SIZE    (PKT_MAX_LEN + PKT_EDIT_HEADROOM)
#define DPS_EXEC_QUEUE   64u /* dpif_execute() packets waiting */

struct dps_port {
	struct netdev *dev;
	int fd;
	bool tunnel; /* transmits with per-packet tunnel metadata */
};

/* A packet queued by dpif_execute(). */
struct dps_exec {
	uint32_t in_port;
	uint32_t len;
	struct dp_actions actions;
	uint8_t buf[DPS_COPY_SIZE];
};

struct dps {
	struct dpif *dpif;
	pthread_t thread;
	int epfd;
	int wakefd;
	atomic_bool stop;
	struct dpfp *fp;

	/* Control thread only. */
	pthread_mutex_t ctl_mutex; /* serializes port_add/port_del */
	pthread_mutex_t rx_mutex;  /* dpif_receive() */
	struct dpfp_ctx *ctl_ctx;

	/* dpif_execute() queue, under 'exec_mutex'. */
	pthread_mutex_t exec_mutex;
	struct dps_exec *exec[DPS_EXEC_QUEUE];
	uint32_t n_exec;

	/* Written by the control thread (under ctl_mutex), read by the
	 * forwarding thread under rcu_read_lock. */
	struct dps_port *ports[DPIF_MAX_PORTS];

	/* Forwarding thread only. */
	struct dpfp_ctx *ctx;
	struct pkt_batch rx;
	uint32_t ready[DPIF_MAX_PORTS]; /* ports with work, by number */
	uint32_t n_ready;
	uint32_t touched[DPIF_MAX_PORTS]; /* output ports with queued packets */
	uint32_t n_touched;
	uint16_t out_n[DPIF_MAX_PORTS];
	struct pkt *out[DPIF_MAX_PORTS][PKT_BATCH_MAX];
	struct pkt pool[DPS_TX_POOL];         /* the queued packets */
	struct pkt_tnl pool_tnl[DPS_TX_POOL]; /* their tunnel metadata */
	uint32_t n_pool;
	uint8_t *copies; /* DPS_COPY_SLOTS * DPS_COPY_SIZE */
	uint32_t n_copies;
};

static struct dps *dps_cast(const struct dpif *dpif)
{
	return dpif->priv;
}

/* Transmits every queued output (forwarding thread, under rcu_read_lock). */
static void dps_tx_flush(struct dps *dps)
{
	for (uint32_t i = 0; i < dps->n_touched; i++) {
		uint32_t o = dps->touched[i];
		struct dps_port *out = rcu_dereference(dps->ports[o]);

		if (dpcap_active(dps->dpif->cap) && out)
			dpcap_tx(dps->dpif->cap, 0, o, dps->out[o], dps->out_n[o]);
		if (out && out->tunnel) {
			const struct pkt_tnl *md[PKT_BATCH_MAX];

			for (uint32_t j = 0; j < dps->out_n[o]; j++)
				md[j] = &dps->pool_tnl[dps->out[o][j] - dps->pool];
			netdev_tx_batch_tnl(out->dev, dps->out[o], md, dps->out_n[o]);
		} else if (out) {
			netdev_tx_batch(out->dev, dps->out[o], dps->out_n[o]);
		}
		dps->out_n[o] = 0;
	}
	dps->n_touched = 0;
	dps->n_pool = 0;
	dps->n_copies = 0;
}

/* dp_exec_ops.output: queue 'pkt' for port 'port', copying it if a later
 * action edits it. */
static void dps_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                       const struct dp_tunnel_md *tun)
{
	struct dps *dps = aux;
	bool copy = flags & DP_EXEC_EDITED_LATER;
	struct pkt *slot;

	if (port >= DPIF_MAX_PORTS || pkt->len > PKT_MAX_LEN)
		return;
	if (dps->out_n[port] >= PKT_BATCH_MAX || dps->n_pool >= DPS_TX_POOL ||
	    (copy && dps->n_copies >= DPS_COPY_SLOTS))
		dps_tx_flush(dps);
	slot = &dps->pool[dps->n_pool];
	if (tun)
		dps->pool_tnl[dps->n_pool] = (struct pkt_tnl){.tun_id = tun->tun_id,
		                                              .tun_src = tun->tun_src,
		                                              .tun_dst = tun->tun_dst,
		                                              .gnv_data = tun->gnv_data,
		                                              .gnv_class = tun->gnv_class,
		                                              .gnv_type = tun->gnv_type,
		                                              .gnv_len = tun->gnv_len};
	else
		memset(&dps->pool_tnl[dps->n_pool], 0, sizeof dps->pool_tnl[0]);
	dps->n_pool++;
	if (copy) {
		uint8_t *buf = dps->copies + (size_t)dps->n_copies++ * DPS_COPY_SIZE;

		memcpy(buf + PKT_EDIT_HEADROOM, pkt->data, pkt->len);
		slot->data = buf + PKT_EDIT_HEADROOM;
		slot->len = pkt->len;
		slot->headroom = PKT_EDIT_HEADROOM;
		slot->pad = 0;
	} else {
		*slot = *pkt;
	}
	if (!dps->out_n[port])
		dps->touched[dps->n_touched++] = port;
	dps->out[port][dps->out_n[port]++] = slot;
}

static const struct dp_exec_ops dps_exec_ops = {
        .output = dps_output,
        .userspace = NULL, /* the fast path queues them (dpif_userspace_recv) */
};

/* Receives one batch on 'in' (port 'in_no'), forwards it and transmits the
 * per-port output batches before returning, so the rx buffers may be reused
 * by the next receive.  Returns the rx count or a negative errno. */
static int dps_poll_port(struct dps *dps, uint32_t in_no, struct dps_port *in)
{
	int n;

	pkt_batch_init(&dps->rx);
	n = netdev_rx_batch(in->dev, &dps->rx);
	if (n <= 0)
		return n;
	if (dpcap_active(dps->dpif->cap))
		dpcap_rx(dps->dpif->cap, 0, in_no, dps->rx.pkts, (size_t)n);
	dpfp_process_tnl(dps->ctx, in_no, dps->rx.pkts, dps->rx.tnl, (size_t)n, &dps_exec_ops, dps,
	                 NULL);
	dps_tx_flush(dps);
	return n;
}

/* Runs the packets queued by dpif_execute(). */
static void dps_run_exec(struct dps *dps)
{
	struct dps_exec *q[DPS_EXEC_QUEUE];
	uint32_t n;

	pthread_mutex_lock(&dps->exec_mutex);
	n = dps->n_exec;
	memcpy(q, dps->exec, n * sizeof *q);
	dps->n_exec = 0;
	pthread_mutex_unlock(&dps->exec_mutex);
	if (!n)
		return;
	rcu_read_lock();
	for (uint32_t i = 0; i < n; i++) {
		struct pkt pkt = {.data = q[i]->buf + PKT_EDIT_HEADROOM,
		                  .len = q[i]->len,
		                  .headroom = PKT_EDIT_HEADROOM};

		/* Outputs are copied: the buffer is freed below. */
		dpfp_execute_actions(dps->ctx, q[i]->in_port, &pkt, &q[i]->actions, &dps_exec_ops,
		                     dps);
		dps_tx_flush(dps);
		dp_actions_uninit(&q[i]->actions);
		free(q[i]);
	}
	rcu_read_unlock();
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
				dps_run_exec(dps);
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
		rcu_read_lock();
		dpfp_ctx_sweep(dps->ctx);
		rcu_read_unlock();
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
	for (uint32_t i = 0; i < dps->n_exec; i++) {
		dp_actions_uninit(&dps->exec[i]->actions);
		free(dps->exec[i]);
	}
	dpfp_ctx_destroy(dps->ctx);
	dpfp_ctx_destroy(dps->ctl_ctx);
	dpfp_destroy(dps->fp);
	pthread_mutex_destroy(&dps->ctl_mutex);
	pthread_mutex_destroy(&dps->rx_mutex);
	pthread_mutex_destroy(&dps->exec_mutex);
	free(dps->copies);
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
	pthread_mutex_init(&dps->rx_mutex, NULL);
	pthread_mutex_init(&dps->exec_mutex, NULL);
	dps->fp = dpfp_create(dpif->upcall, dpif->free_userdata, dpif->upcall_aux);
	dpfp_set_services(dps->fp, dpif->meters, dpif->uqueue);
	dps->ctx = dpfp_ctx_create(dps->fp);
	dps->ctl_ctx = dpfp_ctx_create(dps->fp);
	dps->copies = xmalloc((size_t)DPS_COPY_SLOTS * DPS_COPY_SIZE);
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
	dpif->cap = dpcap_create(1); /* producer 0: the forwarding thread */
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
	p->tunnel = netdev_tnl_flow_fields(dev) != 0;
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
	if (dpif->cap)
		dpcap_port_removed(dpif->cap, port_no);
out:
	pthread_mutex_unlock(&dps->ctl_mutex);
	return error;
}

static size_t dps_flow_sweep(struct dpif *dpif, dpif_sweep_fn *fn, void *aux, unsigned flags)
{
	return dpfp_flow_sweep(dps_cast(dpif)->fp, fn, aux, flags);
}

static void dps_flow_flush(struct dpif *dpif)
{
	dpfp_flow_flush(dps_cast(dpif)->fp);
}

static int dps_flow_put(struct dpif *dpif, const struct flow *key, const struct flow *mask,
                        const struct dp_actions *actions, void *userdata)
{
	return dpfp_flow_put(dps_cast(dpif)->fp, key, mask, actions, userdata);
}

static int dps_flow_del(struct dpif *dpif, const struct flow *key, const struct flow *mask)
{
	return dpfp_flow_del(dps_cast(dpif)->fp, key, mask);
}

static int dps_flow_set_actions(struct dpif *dpif, const struct flow *key, const struct flow *mask,
                                const struct dp_actions *actions)
{
	return dpfp_flow_set_actions(dps_cast(dpif)->fp, key, mask, actions);
}

static size_t dps_flow_count(struct dpif *dpif)
{
	return dpfp_flow_count(dps_cast(dpif)->fp);
}

static void dps_flow_quiesce(struct dpif *dpif)
{
	/* The forwarding thread holds one read-side section per round, from
	 * lookup to transmit. */
	synchronize_rcu();
}

static int dps_execute(struct dpif *dpif, uint32_t in_port, const struct pkt *pkt,
                       const struct dp_actions *actions)
{
	struct dps *dps = dps_cast(dpif);
	struct dps_exec *e;
	uint64_t one = 1;
	int error = 0;

	if (pkt->len > PKT_MAX_LEN)
		return -EINVAL;
	e = xmalloc(sizeof *e);
	e->in_port = in_port;
	e->len = pkt->len;
	memcpy(e->buf + PKT_EDIT_HEADROOM, pkt->data, pkt->len);
	dp_actions_clone(&e->actions, actions);
	pthread_mutex_lock(&dps->exec_mutex);
	if (dps->n_exec < DPS_EXEC_QUEUE)
		dps->exec[dps->n_exec++] = e;
	else
		error = -ENOBUFS;
	pthread_mutex_unlock(&dps->exec_mutex);
	if (error) {
		dp_actions_uninit(&e->actions);
		free(e);
		return error;
	}
	if (write(dps->wakefd, &one, sizeof one) < 0)
		VLOG_ERR("eventfd write: %s", strerror(errno));
	return 0;
}

static int dps_receive(struct dpif *dpif, uint32_t in_port, struct pkt *pkt,
                       const struct dp_exec_ops *ops, void *aux)
{
	struct dps *dps = dps_cast(dpif);
	int r;

	pthread_mutex_lock(&dps->rx_mutex);
	rcu_read_lock();
	r = dpfp_process_one(dps->ctl_ctx, in_port, pkt, ops, aux);
	rcu_read_unlock();
	pthread_mutex_unlock(&dps->rx_mutex);
	return r;
}

static void dps_get_stats(struct dpif *dpif, struct dpif_stats *stats)
{
	dpfp_get_stats(dps_cast(dpif)->fp, stats);
}

const struct dpif_class dpif_socket_class = {
        .type = "socket",
        .open = dps_open,
        .close = dps_close,
        .port_add = dps_port_add,
        .port_del = dps_port_del,
        .flow_sweep = dps_flow_sweep,
        .flow_flush = dps_flow_flush,
        .flow_put = dps_flow_put,
        .flow_del = dps_flow_del,
        .flow_set_actions = dps_flow_set_actions,
        .flow_count = dps_flow_count,
        .flow_quiesce = dps_flow_quiesce,
        .execute = dps_execute,
        .receive = dps_receive,
        .get_stats = dps_get_stats,
};
