/* capture-session.c - the "capture" method and the capture sessions that
 * stream a datapath tap to pbctl (see capture-session.h and
 * docs/capture.md). */
#include "daemon/capture-session.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/rpc-methods.h"
#include "daemon/rpc-server.h"
#include "daemon/watch.h"
#include "dpif/dp-capture.h"
#include "lib/capture-stream.h"
#include "lib/vlog.h"
#include "ofproto/ofproto-capture.h"

#define VLOG_MODULE "capture"

/* A session that ended keeps its client this long to deliver the END
 * record before it gives up. */
#define CAPTURE_LINGER_MS 10000u
#define CAPTURE_SNDBUF    (4 << 20)

struct capture_iface {
	uint64_t captured;    /* frames queued for the client */
	uint64_t daemon_lost; /* dropped: the client did not keep up */
};

struct capture_session {
	struct pbd_watch watch; /* the client connection */
	struct pbd_captures *set;
	struct capture_session *next;
	unsigned id;
	char bridge[16];
	int fd; /* -1 until the RPC server hands the connection over */
	uint32_t events;
	bool eof;  /* the client shut down its side */
	bool dead; /* waiting to be freed */
	uint64_t dead_tick;

	struct dpcap *hub;
	struct dpcap_tap *tap;
	bool attached;
	uint32_t n_ifaces;
	struct capture_iface *ifaces;
	uint64_t count;       /* frames to send (0: no limit) */
	uint64_t sent;        /* frames queued */
	uint64_t deadline_ms; /* time_msec() (0: none) */
	uint64_t start_ns, end_ns;
	bool ending;        /* END queued: close once it is sent */
	uint64_t linger_ms; /* give up on the client at this time_msec() */

	char *out;
	size_t out_off, out_len, out_cap;
};

struct pbd_captures {
	struct pbd *d;
	struct pbd_watch timer_watch;
	int timer_fd;
	bool armed;
	uint64_t tick;
	unsigned next_id;
	struct capture_session *sessions; /* alive and dead */
};

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- output ------------------------------------------------------------ */

static size_t out_pending(const struct capture_session *s)
{
	return s->out_len - s->out_off;
}

static uint8_t *out_reserve(struct capture_session *s, size_t n)
{
	if (s->out_off == s->out_len)
		s->out_off = s->out_len = 0;
	if (s->out_len + n > s->out_cap && s->out_off) {
		memmove(s->out, s->out + s->out_off, s->out_len - s->out_off);
		s->out_len -= s->out_off;
		s->out_off = 0;
	}
	if (s->out_len + n > s->out_cap) {
		s->out_cap = PB_MAX(s->out_cap * 2, s->out_len + n + 65536);
		s->out = xrealloc(s->out, s->out_cap);
	}
	return (uint8_t *)s->out + s->out_len;
}

static void out_record(struct capture_session *s, uint32_t type, const void *a, size_t alen,
                       const void *b, size_t blen)
{
	struct capstream_hdr h = {.type = type, .len = (uint32_t)(alen + blen)};
	uint8_t *p = out_reserve(s, sizeof h + alen + blen);

	memcpy(p, &h, sizeof h);
	memcpy(p + sizeof h, a, alen);
	if (blen)
		memcpy(p + sizeof h + alen, b, blen);
	s->out_len += sizeof h + alen + blen;
}

static void session_kill(struct capture_session *s, const char *why);

static void session_set_events(struct capture_session *s)
{
	uint32_t events = (s->eof ? 0 : EPOLLIN) | (out_pending(s) ? EPOLLOUT : 0);

	if (s->fd >= 0 && events != s->events) {
		struct epoll_event ev = {.events = events, .data.ptr = &s->watch};

		epoll_ctl(s->set->d->epfd, EPOLL_CTL_MOD, s->fd, &ev);
		s->events = events;
	}
}

/* Sends what the socket takes; kills the session on a broken connection and
 * once the END record is out. */
static void session_flush(struct capture_session *s)
{
	int error;

	if (s->fd < 0 || s->dead)
		return;
	error = pbd_watch_send(s->fd, s->out, s->out_len, &s->out_off);
	if (error) {
		session_kill(s, strerror(-error));
		return;
	}
	if (s->ending && !out_pending(s)) {
		session_kill(s, NULL);
		return;
	}
	session_set_events(s);
}

/* ---- draining the tap -------------------------------------------------- */

static void session_frame(void *s_, const struct dpcap_frame *f)
{
	struct capture_session *s = s_;
	struct capstream_packet pk;

	if ((s->count && s->sent >= s->count) || f->iface >= s->n_ifaces)
		return;
	if (out_pending(s) >= CAPTURE_OUT_MAX) {
		s->ifaces[f->iface].daemon_lost++;
		return;
	}
	pk.ts_ns = f->ts_ns;
	pk.orig_len = f->orig_len;
	pk.iface = f->iface;
	pk.dir = f->dir == DPCAP_RX ? CAPSTREAM_DIR_IN : CAPSTREAM_DIR_OUT;
	pk.pad = 0;
	out_record(s, CAPSTREAM_PACKET, &pk, sizeof pk, f->data, f->cap_len);
	s->ifaces[f->iface].captured++;
	s->sent++;
}

static void session_drain(struct capture_session *s)
{
	if (s->tap)
		dpcap_tap_read(s->tap, session_frame, s, SIZE_MAX);
}

/* Stops the tap, queues the END record with the counts, and closes once it
 * is sent. */
static void session_end(struct capture_session *s, const char *reason)
{
	json_t *sum, *list;
	uint64_t captured = 0, ring_lost = 0, daemon_lost = 0;
	char *text;

	if (s->ending || s->dead)
		return;
	if (s->attached) {
		dpcap_tap_detach(s->hub, s->tap);
		s->attached = false;
	}
	session_drain(s);
	s->end_ns = realtime_ns();
	list = json_array();
	for (uint32_t i = 0; i < s->n_ifaces; i++) {
		uint64_t lost = dpcap_tap_lost(s->tap, (uint16_t)i);

		captured += s->ifaces[i].captured;
		ring_lost += lost;
		daemon_lost += s->ifaces[i].daemon_lost;
		json_array_append_new(list, json_pack("{s:I, s:I, s:I}", "captured",
		                                      (json_int_t)s->ifaces[i].captured,
		                                      "ring_lost", (json_int_t)lost, "daemon_lost",
		                                      (json_int_t)s->ifaces[i].daemon_lost));
	}
	sum = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "reason", reason, "start_ns",
	                (json_int_t)s->start_ns, "end_ns", (json_int_t)s->end_ns, "captured",
	                (json_int_t)captured, "ring_lost", (json_int_t)ring_lost, "daemon_lost",
	                (json_int_t)daemon_lost, "interfaces", list);
	text = sum ? json_dumps(sum, JSON_COMPACT) : NULL;
	if (!text)
		abort(); /* out of memory only */
	out_record(s, CAPSTREAM_END, text, strlen(text), NULL, 0);
	VLOG_INFO("capture %u on %s ended (%s): %llu captured, %llu lost in the ring, %llu lost "
	          "in the daemon",
	          s->id, s->bridge, reason, (unsigned long long)captured,
	          (unsigned long long)ring_lost, (unsigned long long)daemon_lost);
	free(text);
	json_decref(sum);
	s->ending = true;
	s->linger_ms = time_msec() + CAPTURE_LINGER_MS;
	session_flush(s);
}

/* ---- lifetime ---------------------------------------------------------- */

/* Stops everything now; the memory goes at a later timer tick. */
static void session_kill(struct capture_session *s, const char *why)
{
	if (s->dead)
		return;
	if (why)
		VLOG_INFO("capture %u on %s: client gone (%s)", s->id, s->bridge, why);
	if (s->attached) {
		dpcap_tap_detach(s->hub, s->tap);
		s->attached = false;
	}
	if (s->fd >= 0) {
		epoll_ctl(s->set->d->epfd, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
		s->fd = -1;
	}
	s->dead = true;
	s->dead_tick = s->set->tick;
}

static void session_free(struct capture_session *s)
{
	dpcap_tap_destroy(s->tap);
	free(s->ifaces);
	free(s->out);
	free(s);
}

static void session_cb(struct pbd_watch *w, uint32_t events)
{
	struct capture_session *s = (struct capture_session *)w;
	char buf[256];

	if (s->dead)
		return;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		for (;;) {
			ssize_t n = recv(s->fd, buf, sizeof buf, MSG_DONTWAIT);

			if (n > 0)
				continue; /* the client has nothing to say: ignored */
			if (n == 0) {
				/* The client shut down its side: stop, send END. */
				if (events & EPOLLHUP) {
					session_kill(s, "connection closed");
					return;
				}
				s->eof = true; /* EOF stays readable: stop asking */
				session_end(s, "stopped");
				if (!s->dead)
					session_set_events(s);
				return;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				session_kill(s, strerror(errno));
				return;
			}
			break;
		}
	}
	if (events & EPOLLOUT)
		session_flush(s);
}

/* The RPC server hands us the connection (or -1: it will not). */
static void session_handoff(void *s_, int fd)
{
	struct capture_session *s = s_;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &s->watch};
	int sndbuf = CAPTURE_SNDBUF;

	if (s->dead) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fd < 0) {
		session_kill(s, "no connection");
		return;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	s->fd = fd;
	s->events = EPOLLIN;
	if (epoll_ctl(s->set->d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		session_kill(s, strerror(errno));
		return;
	}
	session_flush(s);
}

static void captures_arm(struct pbd_captures *set, bool on)
{
	struct itimerspec its = {{0, 0}, {0, 0}};

	if (set->armed == on)
		return;
	if (on)
		its.it_interval.tv_nsec = its.it_value.tv_nsec = CAPTURE_TICK_MS * 1000000L;
	if (timerfd_settime(set->timer_fd, 0, &its, NULL) < 0)
		VLOG_ERR("timerfd_settime: %s", strerror(errno));
	set->armed = on;
}

static void captures_timer_cb(struct pbd_watch *w, uint32_t events)
{
	struct pbd_captures *set =
	        (struct pbd_captures *)((char *)w - offsetof(struct pbd_captures, timer_watch));
	struct capture_session **sp;
	uint64_t expirations, now = time_msec();

	if (read(set->timer_fd, &expirations, sizeof expirations) < 0)
		return;
	set->tick++;
	for (sp = &set->sessions; *sp;) {
		struct capture_session *s = *sp;

		/* Dead before this tick: no event of it can still be pending. */
		if (s->dead && s->dead_tick < set->tick) {
			*sp = s->next;
			session_free(s);
			continue;
		}
		sp = &s->next;
		if (s->dead)
			continue;
		if (s->ending) {
			if (now >= s->linger_ms)
				session_kill(s, "did not read the end of the capture");
			continue;
		}
		session_drain(s);
		if (s->count && s->sent >= s->count)
			session_end(s, "count");
		else if (s->deadline_ms && now >= s->deadline_ms)
			session_end(s, "duration");
		else if (!ofswitch_bridge_find(set->d->sw, s->bridge))
			session_end(s, "bridge deleted");
		else
			session_flush(s);
	}
	if (!set->sessions)
		captures_arm(set, false);
}

static struct pbd_captures *captures_get(struct pbd *d, struct errmsg *err)
{
	struct pbd_captures *set = d->captures;
	struct epoll_event ev = {.events = EPOLLIN};

	if (set)
		return set;
	set = xzalloc(sizeof *set);
	set->d = d;
	set->timer_watch.cb = captures_timer_cb;
	set->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ev.data.ptr = &set->timer_watch;
	if (set->timer_fd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, set->timer_fd, &ev) < 0) {
		errmsg_set(err, -errno, "cannot create the capture timer: %s", strerror(errno));
		if (set->timer_fd >= 0)
			close(set->timer_fd);
		free(set);
		return NULL;
	}
	d->captures = set;
	return set;
}

void capture_close_all(struct pbd *d)
{
	struct pbd_captures *set = d->captures;

	if (!set)
		return;
	for (struct capture_session *s = set->sessions; s; s = s->next) {
		session_end(s, "daemon shutting down");
		session_kill(s, NULL);
	}
	while (set->sessions) {
		struct capture_session *s = set->sessions;

		set->sessions = s->next;
		session_free(s);
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, set->timer_fd, NULL);
	close(set->timer_fd);
	free(set);
	d->captures = NULL;
}

/* ---- the "capture" method ---------------------------------------------- */

struct capture_request {
	const char *bridge;
	unsigned dirs;
	const char *direction;
	uint64_t count;
	double duration;
	uint32_t snaplen;
	uint32_t ring_size;
	json_t *ports; /* array of names or NULL */
};

static bool get_uint(json_t *params, const char *key, uint64_t min, uint64_t max, uint64_t *out,
                     int *code, struct errmsg *err)
{
	json_t *v = json_object_get(params, key);

	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) < min || (uint64_t)json_integer_value(v) > max) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err,
		          "parameter '%s' must be an integer %llu..%llu", key,
		          (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = (uint64_t)json_integer_value(v);
	return true;
}

static bool capture_parse(json_t *params, struct capture_request *req, int *code,
                          struct errmsg *err)
{
	json_t *dir = json_object_get(params, "direction");
	json_t *dur = json_object_get(params, "duration");
	uint64_t v;

	req->dirs = DPCAP_RX | DPCAP_TX;
	req->direction = "both";
	if (dir) {
		const char *d = json_string_value(dir);

		if (!d || (strcmp(d, "in") && strcmp(d, "out") && strcmp(d, "both"))) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "parameter 'direction' must be \"in\", \"out\" or \"both\"");
			return false;
		}
		req->direction = d;
		req->dirs = !strcmp(d, "in") ? DPCAP_RX : !strcmp(d, "out") ? DPCAP_TX : req->dirs;
	}
	if (!get_uint(params, "count", 1, INT64_MAX, &req->count, code, err))
		return false;
	if (dur) {
		if (!json_is_number(dur) || json_number_value(dur) <= 0 ||
		    json_number_value(dur) > 31536000) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "parameter 'duration' must be a number of seconds, > 0 and <= "
			          "31536000");
			return false;
		}
		req->duration = json_number_value(dur);
	}
	v = DPCAP_SNAPLEN_MAX;
	if (!get_uint(params, "snaplen", 1, DPCAP_SNAPLEN_MAX, &v, code, err))
		return false;
	req->snaplen = (uint32_t)v;
	v = 0;
	if (!get_uint(params, "ring_size", DPCAP_RING_MIN, DPCAP_RING_MAX, &v, code, err))
		return false;
	req->ring_size = (uint32_t)v;
	req->ports = json_object_get(params, "ports");
	if (req->ports && (!json_is_array(req->ports) || !json_array_size(req->ports))) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err,
		          "parameter 'ports' must be a non-empty array of port names");
		return false;
	}
	return true;
}

/* Picks the captured ports: all live ports of the bridge, or the named ones
 * (each once, each live on this bridge).  '*sel' gets indexes into 'all'. */
static bool capture_select(struct pbd *d, const struct capture_request *req,
                           const struct ofproto_capture_port *all, size_t n_all, size_t *sel,
                           size_t *n_sel, int *code, struct errmsg *err)
{
	size_t i;
	json_t *v;

	*n_sel = 0;
	if (!req->ports) {
		for (i = 0; i < n_all; i++)
			sel[(*n_sel)++] = i;
		if (!n_all) {
			rpcm_fail(code, RPC_FAILED, err, "bridge %s has no port to capture",
			          req->bridge);
			return false;
		}
		return true;
	}
	json_array_foreach(req->ports, i, v)
	{
		const char *name = json_string_value(v);
		size_t k;

		if (!name) {
			rpcm_fail(code, RPC_INVALID_PARAMS, err,
			          "parameter 'ports' must be a non-empty array of port names");
			return false;
		}
		if (name_check(name, "port name", err)) {
			*code = RPC_INVALID_PARAMS;
			return false;
		}
		for (k = 0; k < n_all && strcmp(all[k].name, name); k++)
			continue;
		if (k == n_all) {
			const char *absent = pbd_absent_error(d, name);

			if (absent)
				rpcm_fail(code, RPC_FAILED, err, "port %s is absent (%s)", name,
				          absent);
			else
				rpcm_fail(code, RPC_FAILED, err,
				          "port %s: no such port on bridge %s", name, req->bridge);
			return false;
		}
		for (size_t j = 0; j < *n_sel; j++) {
			if (sel[j] == k) {
				rpcm_fail(code, RPC_INVALID_PARAMS, err, "port %s given twice",
				          name);
				return false;
			}
		}
		if (*n_sel >= n_all) /* cannot happen: duplicates are refused */
			break;
		sel[(*n_sel)++] = k;
	}
	return true;
}

json_t *capture_rpc_start(struct pbd *d, json_t *params, int *code, struct errmsg *err)
{
	struct capture_request req = {0};
	struct ofproto_capture_port *all = NULL;
	struct capture_session *s = NULL;
	struct dpcap_tap_options o;
	struct pbd_captures *set;
	struct config_bridge *cb;
	struct ofproto *br;
	json_t *reply = NULL, *list;
	size_t n_all, n_sel, *sel = NULL;
	struct dpcap *hub;
	int error;

	if (!rpcm_get_bridge(d, params, &cb, &br, code, err))
		return NULL;
	req.bridge = ofproto_name(br);
	if (!capture_parse(params, &req, code, err))
		return NULL;
	hub = ofswitch_capture(d->sw);
	if (!hub)
		return rpcm_fail(code, RPC_FAILED, err, "this datapath cannot capture");
	if (!d->rpc)
		return rpcm_fail(code, RPC_FAILED, err, "capture needs the daemon's RPC socket");
	ofproto_capture_ports(br, &all, &n_all);
	sel = xcalloc(n_all ? n_all : 1, sizeof *sel);
	if (!capture_select(d, &req, all, n_all, sel, &n_sel, code, err))
		goto out;
	set = captures_get(d, err);
	if (!set) {
		*code = RPC_FAILED;
		goto out;
	}

	s = xzalloc(sizeof *s);
	s->watch.cb = session_cb;
	s->set = set;
	s->fd = -1;
	s->hub = hub;
	s->n_ifaces = (uint32_t)n_sel;
	s->ifaces = xcalloc(n_sel, sizeof *s->ifaces);
	s->count = req.count;
	snprintf(s->bridge, sizeof s->bridge, "%s", req.bridge);
	o = (struct dpcap_tap_options){.snaplen = req.snaplen,
	                               .ring_size = req.ring_size,
	                               .max_frames = req.count,
	                               .n_ifaces = (uint32_t)n_sel};
	error = dpcap_tap_create(hub, &o, &s->tap);
	if (error) {
		rpcm_fail(code, RPC_INVALID_PARAMS, err, "invalid capture options");
		goto out;
	}
	list = json_array();
	for (size_t i = 0; i < n_sel; i++) {
		const struct ofproto_capture_port *p = &all[sel[i]];

		dpcap_tap_set_port(s->tap, p->dp_port, (uint16_t)i, req.dirs);
		json_array_append_new(list, json_pack("{s:s, s:I}", "name", p->name, "ofport",
		                                      (json_int_t)p->ofport));
	}
	reply = json_pack("{s:s, s:s, s:I, s:o}", "bridge", req.bridge, "direction", req.direction,
	                  "snaplen", (json_int_t)req.snaplen, "interfaces", list);
	if (dpcap_tap_attach(hub, s->tap)) {
		json_decref(reply);
		reply = NULL;
		rpcm_fail(code, RPC_FAILED, err, "too many captures at once (at most %d)",
		          DPCAP_MAX_TAPS);
		goto out;
	}
	s->attached = true;
	s->start_ns = realtime_ns();
	if (req.duration > 0)
		s->deadline_ms = time_msec() + (uint64_t)(req.duration * 1000.0 + 0.5);
	s->id = ++set->next_id;
	s->next = set->sessions;
	set->sessions = s;
	captures_arm(set, true);
	VLOG_INFO("capture %u on %s: %zu port(s), direction %s, snaplen %u", s->id, s->bridge,
	          n_sel, req.direction, req.snaplen);
	rpc_server_handoff(d->rpc, session_handoff, s);
	s = NULL;
out:
	if (s) {
		dpcap_tap_destroy(s->tap);
		free(s->ifaces);
		free(s);
	}
	free(sel);
	free(all);
	return reply;
}
