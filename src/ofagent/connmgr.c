/* connmgr.c - one bridge's OpenFlow connections: controllers, listeners
 * and what they accepted, roles, async fan-out and fail-mode bookkeeping
 * (see connmgr.h). */
#include "ofagent/connmgr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lib/vlog.h"
#include "openflow/ofp-msgs.h"

#define VLOG_MODULE "connmgr"

struct cm_listener {
	struct ofconn_watch watch; /* first: the loop's data.ptr */
	struct connmgr *cm;
	struct ofstream_target target;
	int fd;
	char bound[OFSTREAM_NAME_MAX];
	size_t n_conns;
	uint64_t since_ms;
	uint64_t refused; /* connections closed at once: over the limit */
};

struct connmgr {
	struct ofproto *br;
	int epfd;
	struct ofconn **ctrls; /* active, one per controller target */
	size_t n_ctrls;
	struct cm_listener **listeners;
	size_t n_listeners;
	struct ofconn **svcs; /* accepted; owner = their cm_listener (NULL once it is gone) */
	size_t n_svcs;
	bool gen_defined;
	uint64_t gen_id;
	bool dirty;
	bool deferring;
	bool reported, reported_has, reported_connected;
};

static void cm_recv(void *aux, struct ofconn *c, const uint8_t *msg, size_t len)
{
	ofagent_handle_msg(aux, c, msg, len);
}

static void cm_batch_end(void *aux, struct ofconn *c)
{
	connmgr_defer_end(aux);
}

/* Tells ofproto whether controllers are configured and one is connected
 * (fail mode), when that changes. */
static void update_controller_state(struct connmgr *cm)
{
	bool has = cm->n_ctrls > 0, connected = false;

	for (size_t i = 0; i < cm->n_ctrls; i++)
		connected |= ofconn_is_up(cm->ctrls[i]);
	if (cm->reported && has == cm->reported_has && connected == cm->reported_connected)
		return;
	cm->reported = true;
	cm->reported_has = has;
	cm->reported_connected = connected;
	ofproto_set_controller_state(cm->br, has, connected);
}

static void cm_changed(void *aux, struct ofconn *c, bool up)
{
	struct connmgr *cm = aux;

	if (ofconn_type(c) == OFCONN_ACTIVE)
		update_controller_state(cm);
}

static const struct ofconn_ops cm_ops = {
        .recv = cm_recv,
        .batch_end = cm_batch_end,
        .changed = cm_changed,
};

struct connmgr *connmgr_create(struct ofproto *br, int epfd)
{
	struct connmgr *cm = xzalloc(sizeof(*cm));

	cm->br = br;
	cm->epfd = epfd;
	return cm;
}

static void listener_close(struct connmgr *cm, struct cm_listener *l)
{
	/* Its accepted connections go with it. */
	for (size_t i = 0; i < cm->n_svcs; i++) {
		if (ofconn_owner(cm->svcs[i]) == l) {
			ofconn_disconnect(cm->svcs[i], "listener removed");
			ofconn_set_owner(cm->svcs[i], NULL);
		}
	}
	if (l->fd >= 0)
		epoll_ctl(cm->epfd, EPOLL_CTL_DEL, l->fd, NULL);
	ofstream_listen_close(&l->target, l->fd);
	free(l);
}

void connmgr_destroy(struct connmgr *cm)
{
	if (!cm)
		return;
	connmgr_defer_end(cm);
	for (size_t i = 0; i < cm->n_listeners; i++)
		listener_close(cm, cm->listeners[i]);
	for (size_t i = 0; i < cm->n_svcs; i++)
		ofconn_destroy(cm->svcs[i]);
	for (size_t i = 0; i < cm->n_ctrls; i++)
		ofconn_destroy(cm->ctrls[i]);
	free(cm->listeners);
	free(cm->svcs);
	free(cm->ctrls);
	free(cm);
}

struct ofproto *connmgr_bridge(const struct connmgr *cm)
{
	return cm->br;
}

/* ---- controllers ------------------------------------------------------- */

void connmgr_set_controllers(struct connmgr *cm, const struct ofstream_target *t, size_t n)
{
	struct ofconn **next = xcalloc(n ? n : 1, sizeof(*next));

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < cm->n_ctrls; j++) {
			if (cm->ctrls[j] && !strcmp(ofconn_name(cm->ctrls[j]), t[i].name)) {
				next[i] = cm->ctrls[j];
				cm->ctrls[j] = NULL;
				break;
			}
		}
	}
	for (size_t j = 0; j < cm->n_ctrls; j++) {
		if (cm->ctrls[j]) {
			VLOG_INFO("bridge %s: controller %s removed", ofproto_name(cm->br),
			          ofconn_name(cm->ctrls[j]));
			ofconn_destroy(cm->ctrls[j]);
		}
	}
	free(cm->ctrls);
	cm->ctrls = next;
	cm->n_ctrls = n;
	for (size_t i = 0; i < n; i++) {
		if (!next[i]) {
			VLOG_INFO("bridge %s: controller %s added", ofproto_name(cm->br),
			          t[i].name);
			next[i] = ofconn_create_active(&t[i], cm->epfd, &cm_ops, cm);
		}
	}
	update_controller_state(cm);
}

/* ---- listeners --------------------------------------------------------- */

static void accept_cb(struct ofconn_watch *w, uint32_t events)
{
	struct cm_listener *l = (struct cm_listener *)w;
	struct connmgr *cm = l->cm;

	for (int i = 0; i < 16; i++) {
		char peer[OFSTREAM_NAME_MAX];
		struct ofconn *c;
		int fd, error = ofstream_accept(l->fd, &fd, peer, sizeof(peer));

		if (error) {
			if (error != -EAGAIN && error != -EINTR)
				VLOG_WARN("bridge %s: %s: accept failed: %s", ofproto_name(cm->br),
				          l->bound, strerror(-error));
			return;
		}
		if (l->n_conns >= OFAGENT_MAX_SERVICE_CONNS) {
			if (!l->refused++)
				VLOG_WARN(
				        "bridge %s: %s: more than %d connections, closing new ones",
				        ofproto_name(cm->br), l->bound, OFAGENT_MAX_SERVICE_CONNS);
			close(fd);
			continue;
		}
		c = ofconn_create_service(fd, peer, cm->epfd, &cm_ops, cm);
		ofconn_set_owner(c, l);
		l->n_conns++;
		cm->svcs = xrealloc(cm->svcs, (cm->n_svcs + 1) * sizeof(*cm->svcs));
		cm->svcs[cm->n_svcs++] = c;
		VLOG_DBG("bridge %s: %s: accepted %s", ofproto_name(cm->br), l->bound, peer);
	}
}

static int listener_open(struct connmgr *cm, const struct ofstream_target *t,
                         struct cm_listener **out, struct errmsg *err)
{
	struct cm_listener *l = xzalloc(sizeof(*l));
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &l->watch};
	int error;

	l->watch.cb = accept_cb;
	l->cm = cm;
	l->target = *t;
	if ((error = ofstream_listen(t, &l->fd, err))) {
		free(l);
		return error;
	}
	if (epoll_ctl(cm->epfd, EPOLL_CTL_ADD, l->fd, &ev) < 0) {
		error = errmsg_set(err, -errno, "%s: cannot poll: %s", t->name, strerror(errno));
		ofstream_listen_close(t, l->fd);
		free(l);
		return error;
	}
	ofstream_listen_name(t, l->fd, l->bound, sizeof(l->bound));
	l->since_ms = time_msec();
	*out = l;
	return 0;
}

int connmgr_set_listeners(struct connmgr *cm, const struct ofstream_target *t, size_t n,
                          struct errmsg *err)
{
	struct cm_listener **next = xcalloc(n ? n : 1, sizeof(*next));
	bool *kept = xcalloc(cm->n_listeners + 1, sizeof(*kept));
	int error = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < cm->n_listeners; j++) {
			struct cm_listener *l = cm->listeners[j];

			/* The same target, or the port an earlier "ptcp:0" got. */
			if (!kept[j] &&
			    (!strcmp(l->target.name, t[i].name) || !strcmp(l->bound, t[i].name))) {
				l->target = t[i];
				next[i] = l;
				kept[j] = true;
				break;
			}
		}
	}
	/* Bind every new one first: a failure changes nothing. */
	for (size_t i = 0; i < n && !error; i++)
		if (!next[i])
			error = listener_open(cm, &t[i], &next[i], err);
	if (error) {
		for (size_t i = 0; i < n; i++) {
			bool old = false;

			for (size_t j = 0; j < cm->n_listeners; j++)
				old |= next[i] == cm->listeners[j];
			if (next[i] && !old)
				listener_close(cm, next[i]);
		}
		goto out;
	}
	for (size_t j = 0; j < cm->n_listeners; j++) {
		if (!kept[j]) {
			VLOG_INFO("bridge %s: stopped listening on %s", ofproto_name(cm->br),
			          cm->listeners[j]->bound);
			listener_close(cm, cm->listeners[j]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		bool old = false;

		for (size_t j = 0; j < cm->n_listeners; j++)
			old |= kept[j] && next[i] == cm->listeners[j];
		if (!old)
			VLOG_INFO("bridge %s: listening on %s", ofproto_name(cm->br),
			          next[i]->bound);
	}
	free(cm->listeners);
	cm->listeners = next;
	cm->n_listeners = n;
	next = NULL;
out:
	free(next);
	free(kept);
	return error;
}

/* ---- run, status ------------------------------------------------------- */

void connmgr_run(struct connmgr *cm, uint64_t now, bool timers)
{
	size_t j = 0;

	if (timers) {
		for (size_t i = 0; i < cm->n_ctrls; i++)
			ofconn_run(cm->ctrls[i], now);
		for (size_t i = 0; i < cm->n_svcs; i++)
			ofconn_run(cm->svcs[i], now);
	}
	for (size_t i = 0; i < cm->n_svcs; i++) {
		struct ofconn *c = cm->svcs[i];

		if (ofconn_is_dead(c)) {
			struct cm_listener *l = ofconn_owner(c);

			if (l)
				l->n_conns--;
			ofconn_destroy(c);
		} else {
			cm->svcs[j++] = c;
		}
	}
	cm->n_svcs = j;
}

static const char *role_name(enum ofconn_role role)
{
	switch (role) {
	case OFCONN_ROLE_MASTER:
		return "master";
	case OFCONN_ROLE_SLAVE:
		return "slave";
	default:
		return "equal";
	}
}

static void conn_status(const struct ofconn *c, const char *kind, uint64_t now,
                        struct ofagent_conn_status *s)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	snprintf(s->target, sizeof(s->target), "%s", ofconn_name(c));
	s->state = ofconn_state_name(c);
	s->role = ofconn_is_up(c) ? role_name(ofconn_role(c)) : NULL;
	s->version = ofconn_version(c);
	s->seconds = ofconn_state_seconds(c, now);
	snprintf(s->last_error, sizeof(s->last_error), "%s", ofconn_last_error(c));
}

void connmgr_status(struct connmgr *cm, struct ofagent_conn_status **out, size_t *n)
{
	size_t k = 0, total = cm->n_ctrls + cm->n_listeners + cm->n_svcs;
	struct ofagent_conn_status *s = xcalloc(total ? total : 1, sizeof(*s));
	uint64_t now = time_msec();

	for (size_t i = 0; i < cm->n_ctrls; i++)
		conn_status(cm->ctrls[i], "controller", now, &s[k++]);
	for (size_t i = 0; i < cm->n_listeners; i++) {
		const struct cm_listener *l = cm->listeners[i];

		memset(&s[k], 0, sizeof(s[k]));
		s[k].kind = "listener";
		snprintf(s[k].target, sizeof(s[k].target), "%s", l->target.name);
		snprintf(s[k].bound, sizeof(s[k].bound), "%s", l->bound);
		s[k].state = "listening";
		s[k].seconds = (unsigned int)((now - l->since_ms) / 1000);
		s[k].connections = (unsigned int)l->n_conns;
		k++;
	}
	for (size_t i = 0; i < cm->n_svcs; i++) {
		const struct cm_listener *l = ofconn_owner(cm->svcs[i]);

		if (ofconn_is_dead(cm->svcs[i]))
			continue;
		conn_status(cm->svcs[i], "connection", now, &s[k]);
		if (l)
			snprintf(s[k].via, sizeof(s[k].via), "%s", l->target.name);
		k++;
	}
	*out = s;
	*n = k;
}

/* ---- roles ------------------------------------------------------------- */

int connmgr_role_request(struct connmgr *cm, struct ofconn *c, uint32_t role, uint64_t gen,
                         uint64_t *gen_out, struct ofperr *oe)
{
	if (role > OFPCR_ROLE_SLAVE)
		return ofperr_set(oe, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_BAD_ROLE);
	if (role == OFPCR_ROLE_MASTER || role == OFPCR_ROLE_SLAVE) {
		if (cm->gen_defined && (int64_t)(gen - cm->gen_id) < 0)
			return ofperr_set(oe, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_STALE);
		cm->gen_defined = true;
		cm->gen_id = gen;
	}
	if (role == OFPCR_ROLE_MASTER) {
		struct ofconn **lists[2] = {cm->ctrls, cm->svcs};
		size_t ns[2] = {cm->n_ctrls, cm->n_svcs};

		for (int l = 0; l < 2; l++)
			for (size_t i = 0; i < ns[l]; i++)
				if (lists[l][i] != c &&
				    ofconn_role(lists[l][i]) == OFCONN_ROLE_MASTER)
					ofconn_set_role(lists[l][i], OFCONN_ROLE_SLAVE);
	}
	ofconn_set_role(c, (enum ofconn_role)role);
	*gen_out = cm->gen_defined ? cm->gen_id : 0;
	return 0;
}

/* ---- deferral, dirty --------------------------------------------------- */

void connmgr_defer_begin(struct connmgr *cm)
{
	if (!cm->deferring) {
		cm->deferring = true;
		ofproto_defer_revalidation(cm->br, true);
	}
}

void connmgr_defer_end(struct connmgr *cm)
{
	if (cm->deferring) {
		cm->deferring = false;
		ofproto_defer_revalidation(cm->br, false);
	}
}

void connmgr_mark_dirty(struct connmgr *cm)
{
	cm->dirty = true;
}

bool connmgr_take_dirty(struct connmgr *cm)
{
	bool dirty = cm->dirty;

	cm->dirty = false;
	return dirty;
}

/* ---- asynchronous messages --------------------------------------------- */

void connmgr_cork(struct connmgr *cm, bool cork)
{
	struct ofconn **lists[2] = {cm->ctrls, cm->svcs};
	size_t ns[2] = {cm->n_ctrls, cm->n_svcs};

	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < ns[l]; i++) {
			if (cork)
				ofconn_cork(lists[l][i]);
			else
				ofconn_uncork(lists[l][i]);
		}
	}
}

/* Sends the message built in 'b' to every UP connection that wants (kind,
 * reason); 'pin' (PACKET_IN only) is re-encoded per connection when the
 * length to send differs. */
static void fan_out(struct connmgr *cm, enum ofconn_async_kind kind, unsigned int reason,
                    const struct ofpbuf *b)
{
	struct ofconn **lists[2] = {cm->ctrls, cm->svcs};
	size_t ns[2] = {cm->n_ctrls, cm->n_svcs};

	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < ns[l]; i++) {
			struct ofconn *c = lists[l][i];
			struct ofpbuf copy;

			if (!ofconn_wants_async(c, kind, reason))
				continue;
			ofpbuf_init(&copy, b->size);
			ofpbuf_put(&copy, b->data, b->size);
			ofconn_send(c, &copy, true);
		}
	}
}

void connmgr_send_packet_in(struct connmgr *cm, const struct ofproto_packet_in *pin)
{
	struct ofconn **lists[2] = {cm->ctrls, cm->svcs};
	size_t ns[2] = {cm->n_ctrls, cm->n_svcs};

	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < ns[l]; i++) {
			struct ofconn *c = lists[l][i];
			uint16_t send_len;
			struct ofpbuf b;

			if (!ofconn_wants_async(c, OFCONN_ASYNC_PACKET_IN, pin->reason))
				continue;
			/* A table miss sends what SET_CONFIG's miss_send_len says, an
			 * output:CONTROLLER action its max_len. */
			send_len = pin->reason == OFPROTO_PIN_NO_MATCH ? ofconn_miss_send_len(c)
			                                               : pin->max_len;
			ofpbuf_init(&b, 128 + PB_MIN(pin->packet_len, (size_t)send_len));
			ofpmsg_encode_packet_in(&b, 0, pin, send_len);
			ofconn_send(c, &b, true);
		}
	}
}

void connmgr_send_flow_removed(struct connmgr *cm, const struct ofproto_flow_removed *fr)
{
	/* Reason 4 (meter delete) goes out as OFPRR_DELETE. */
	unsigned int reason = fr->reason == 4 ? OFPRR_DELETE : fr->reason;
	struct ofpbuf b;

	ofpbuf_init(&b, 128);
	ofpmsg_encode_flow_removed(&b, 0, fr);
	fan_out(cm, OFCONN_ASYNC_FLOW_REMOVED, reason, &b);
	ofpbuf_uninit(&b);
}

void connmgr_send_port_status(struct connmgr *cm, enum ofproto_port_reason reason,
                              const struct ofproto_port_desc *desc)
{
	struct ofpbuf b;

	ofpbuf_init(&b, 80);
	ofpmsg_encode_port_status(&b, 0, (uint8_t)reason, desc);
	fan_out(cm, OFCONN_ASYNC_PORT_STATUS, reason, &b);
	ofpbuf_uninit(&b);
}
