/* ofagent.c - the OpenFlow agent: its epoll set and timer, the bridges'
 * connection managers, and the switch's events routed to them (see
 * ofagent.h). */
#include "ofagent/ofagent.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "ofagent/connmgr.h"

#define VLOG_MODULE "ofagent"

#define TICK_MSEC 200

struct ofagent {
	int epfd, timer_fd;
	struct ofconn_watch timer_watch, events_watch;
	struct ofswitch *sw;
	struct connmgr **cms;
	size_t n_cms;
	bool tick;
};

static struct connmgr *find_cm(const struct ofagent *agent, const struct ofproto *br, size_t *idx)
{
	for (size_t i = 0; i < agent->n_cms; i++) {
		if (connmgr_bridge(agent->cms[i]) == br) {
			if (idx)
				*idx = i;
			return agent->cms[i];
		}
	}
	return NULL;
}

/* ---- switch events ----------------------------------------------------- */

static void ev_packet_in(void *aux, struct ofproto *br, const struct ofproto_packet_in *pin)
{
	struct connmgr *cm = find_cm(aux, br, NULL);

	if (cm)
		connmgr_send_packet_in(cm, pin);
}

static void ev_flow_removed(void *aux, struct ofproto *br, const struct ofproto_flow_removed *fr)
{
	struct connmgr *cm = find_cm(aux, br, NULL);

	if (cm)
		connmgr_send_flow_removed(cm, fr);
}

static void ev_port_status(void *aux, struct ofproto *br, enum ofproto_port_reason reason,
                           const struct ofproto_port_desc *desc)
{
	struct connmgr *cm = find_cm(aux, br, NULL);

	if (cm)
		connmgr_send_port_status(cm, reason, desc);
}

static const struct ofproto_event_ops event_ops = {
        .packet_in = ev_packet_in,
        .flow_removed = ev_flow_removed,
        .port_status = ev_port_status,
};

/* ---- loop -------------------------------------------------------------- */

static void timer_cb(struct ofconn_watch *w, uint32_t events)
{
	struct ofagent *agent =
	        (struct ofagent *)((char *)w - offsetof(struct ofagent, timer_watch));
	uint64_t expirations;

	if (read(agent->timer_fd, &expirations, sizeof(expirations)) > 0)
		agent->tick = true;
}

static void events_cb(struct ofconn_watch *w, uint32_t events)
{
	struct ofagent *agent =
	        (struct ofagent *)((char *)w - offsetof(struct ofagent, events_watch));

	/* A burst of PACKET_INs goes out in one write per connection. */
	for (size_t i = 0; i < agent->n_cms; i++)
		connmgr_cork(agent->cms[i], true);
	ofswitch_events_run(agent->sw);
	for (size_t i = 0; i < agent->n_cms; i++)
		connmgr_cork(agent->cms[i], false);
}

static int add_fd(struct ofagent *agent, int fd, struct ofconn_watch *w)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};

	return epoll_ctl(agent->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int ofagent_create(struct ofswitch *sw, struct ofagent **out, struct errmsg *err)
{
	struct itimerspec its = {.it_interval = {0, TICK_MSEC * 1000000L},
	                         .it_value = {0, TICK_MSEC * 1000000L}};
	struct ofagent *agent = xzalloc(sizeof(*agent));
	int error;

	*out = NULL;
	agent->sw = sw;
	agent->timer_fd = -1;
	agent->timer_watch.cb = timer_cb;
	agent->events_watch.cb = events_cb;
	agent->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (agent->epfd < 0) {
		error = errmsg_set(err, -errno, "OpenFlow agent: epoll: %s", strerror(errno));
		goto fail;
	}
	agent->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (agent->timer_fd < 0 || timerfd_settime(agent->timer_fd, 0, &its, NULL) < 0 ||
	    (error = add_fd(agent, agent->timer_fd, &agent->timer_watch)) < 0 ||
	    (error = add_fd(agent, ofswitch_events_fd(sw), &agent->events_watch)) < 0) {
		error = errmsg_set(err, -errno, "OpenFlow agent: timer: %s", strerror(errno));
		goto fail;
	}
	ofswitch_set_event_ops(sw, &event_ops, agent);
	*out = agent;
	return 0;
fail:
	ofagent_destroy(agent);
	return error;
}

void ofagent_destroy(struct ofagent *agent)
{
	if (!agent)
		return;
	if (agent->sw)
		ofswitch_set_event_ops(agent->sw, NULL, NULL);
	for (size_t i = 0; i < agent->n_cms; i++)
		connmgr_destroy(agent->cms[i]);
	free(agent->cms);
	if (agent->timer_fd >= 0)
		close(agent->timer_fd);
	if (agent->epfd >= 0)
		close(agent->epfd);
	free(agent);
}

int ofagent_fd(const struct ofagent *agent)
{
	return agent->epfd;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* One epoll batch: returns how many events, '*io' set if one was a
 * connection's or a listener's. */
static int run_batch(struct ofagent *agent, bool *io)
{
	struct epoll_event events[64];
	int n = epoll_wait(agent->epfd, events, ARRAY_SIZE(events), 0);

	for (int i = 0; i < n; i++) {
		struct ofconn_watch *w = events[i].data.ptr;

		if (w != &agent->timer_watch && w != &agent->events_watch)
			*io = true;
		w->cb(w, events[i].events);
	}
	/* Dead connections are freed only between batches: an event of
	 * this batch may still point at one. */
	if (n > 0)
		for (size_t i = 0; i < agent->n_cms; i++)
			connmgr_run(agent->cms[i], 0, false);
	return n;
}

void ofagent_run(struct ofagent *agent)
{
	bool io = false;
	uint64_t now;

	/* A few passes at most, so the daemon's other descriptors get their
	 * turn; level-triggered epoll brings back what is left. */
	for (int pass = 0; pass < 4; pass++)
		if (run_batch(agent, &io) < 64)
			break;
	/* Request/reply clients (ovs-ofctl: one FLOW_MOD + BARRIER per round
	 * trip) send their next request within microseconds of our reply:
	 * wait for it a little before going back to sleep, so that neither
	 * side's CPU goes idle in between (waking an idle CPU costs more
	 * than the whole request). */
	if (io) {
		uint64_t start = now_usec(), last = start;

		for (now = start; now - last < OFAGENT_BUSY_POLL_USEC &&
		                  now - start < OFAGENT_BUSY_POLL_MAX_USEC;
		     now = now_usec()) {
			bool more = false;

			sched_yield(); /* the client may share our CPU */
			if (run_batch(agent, &more) > 0 && more)
				last = now_usec();
		}
	}
	if (agent->tick) {
		agent->tick = false;
		now = time_msec();
		for (size_t i = 0; i < agent->n_cms; i++)
			connmgr_run(agent->cms[i], now, true);
		/* ofconn_run() may have closed connections: free them now (no
		 * epoll event refers to them any more). */
		for (size_t i = 0; i < agent->n_cms; i++)
			connmgr_run(agent->cms[i], 0, false);
	}
}

/* ---- bridges ----------------------------------------------------------- */

void ofagent_bridge_add(struct ofagent *agent, struct ofproto *br)
{
	if (find_cm(agent, br, NULL))
		return;
	agent->cms = xrealloc(agent->cms, (agent->n_cms + 1) * sizeof(*agent->cms));
	agent->cms[agent->n_cms++] = connmgr_create(br, agent->epfd);
}

void ofagent_bridge_del(struct ofagent *agent, struct ofproto *br)
{
	size_t i;
	struct connmgr *cm = find_cm(agent, br, &i);

	if (!cm)
		return;
	connmgr_destroy(cm);
	agent->cms[i] = agent->cms[--agent->n_cms];
}

int ofagent_check_targets(char *const *targets, size_t n, unsigned int allowed, struct errmsg *err)
{
	struct ofstream_target *t;
	int error = 0;

	if (n > OFAGENT_MAX_TARGETS)
		return errmsg_set(err, -EINVAL, "at most %d targets", OFAGENT_MAX_TARGETS);
	t = xcalloc(n ? n : 1, sizeof(*t));
	for (size_t i = 0; i < n && !error; i++) {
		error = ofstream_parse(targets[i], allowed, &t[i], err);
		for (size_t j = 0; j < i && !error; j++)
			if (!strcmp(t[i].name, t[j].name))
				error = errmsg_set(err, -EINVAL, "'%.64s': given twice (as '%s')",
				                   targets[i], t[j].name);
	}
	free(t);
	return error;
}

static int parse_targets(char *const *targets, size_t n, unsigned int allowed,
                         struct ofstream_target **out, struct errmsg *err)
{
	int error = ofagent_check_targets(targets, n, allowed, err);

	*out = NULL;
	if (error)
		return error;
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < n; i++)
		ofstream_parse(targets[i], allowed, &(*out)[i], NULL);
	return 0;
}

int ofagent_set_controllers(struct ofagent *agent, struct ofproto *br, char *const *targets,
                            size_t n, struct errmsg *err)
{
	struct connmgr *cm = find_cm(agent, br, NULL);
	struct ofstream_target *t;
	int error;

	if (!cm)
		return errmsg_set(err, -ENOENT, "bridge %s: not managed", ofproto_name(br));
	if ((error = parse_targets(targets, n, OFSTREAM_ACTIVE, &t, err)))
		return error;
	connmgr_set_controllers(cm, t, n);
	free(t);
	return 0;
}

int ofagent_set_listeners(struct ofagent *agent, struct ofproto *br, char *const *targets, size_t n,
                          struct errmsg *err)
{
	struct connmgr *cm = find_cm(agent, br, NULL);
	struct ofstream_target *t;
	int error;

	if (!cm)
		return errmsg_set(err, -ENOENT, "bridge %s: not managed", ofproto_name(br));
	if ((error = parse_targets(targets, n, OFSTREAM_PASSIVE, &t, err)))
		return error;
	error = connmgr_set_listeners(cm, t, n, err);
	free(t);
	return error;
}

void ofagent_status(struct ofagent *agent, struct ofproto *br, struct ofagent_conn_status **out,
                    size_t *n)
{
	struct connmgr *cm = find_cm(agent, br, NULL);

	*out = NULL;
	*n = 0;
	if (cm)
		connmgr_status(cm, out, n);
}

bool ofagent_take_dirty(struct ofagent *agent, struct ofproto *br)
{
	struct connmgr *cm = find_cm(agent, br, NULL);

	return cm && connmgr_take_dirty(cm);
}

void ofagent_mark_dirty(struct ofagent *agent, struct ofproto *br)
{
	struct connmgr *cm = find_cm(agent, br, NULL);

	if (cm)
		connmgr_mark_dirty(cm);
}
