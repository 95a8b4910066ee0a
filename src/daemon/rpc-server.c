/* rpc-server.c - Unix socket listener, nonblocking clients, line framing
 * and the JSON-RPC 2.0 envelope (see rpc-server.h). */
#include "daemon/rpc-server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/fs-util.h"
#include "daemon/watch.h"
#include "lib/vlog.h"

#define VLOG_MODULE "rpc"

#define RPC_READ_CHUNK 65536u
/* Stop reading a client's requests while this much output waits for it. */
#define RPC_OUT_HIGH    (1u << 20)
#define RPC_MAX_CLIENTS 256

struct rpc_client {
	struct pbd_watch watch;
	struct rpc_server *server;
	struct rpc_client *prev, *next;
	int fd;
	uint32_t events; /* currently registered with epoll */
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_off, out_len, out_cap; /* pending bytes: out[out_off..out_len) */
	bool eof;                         /* peer finished sending */
	bool closing; /* handle no more requests; close once the output is sent */
	/* After an error response: our side is shut down, and input is read
	 * and dropped until EOF, so that a client still sending its request
	 * gets to read the error instead of EPIPE. */
	bool draining;
	size_t drained;
	/* rpc_server_handoff(): where the connection goes once the response
	 * is sent. */
	rpc_handoff_fn *handoff;
	void *handoff_aux;
};

struct rpc_server {
	struct pbd_watch watch;
	int fd, epfd;
	char *path;
	rpc_handler_fn *handler;
	void *aux;
	struct rpc_client *clients;
	size_t n_clients;
	struct rpc_client *current; /* whose request the handler runs */
};

/* ---- clients ----------------------------------------------------------- */

/* Removes 'c' from the server and frees it; closes its fd unless it was
 * handed off. */
static void client_free(struct rpc_client *c, bool close_fd)
{
	struct rpc_server *s = c->server;

	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	if (close_fd)
		close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->n_clients--;
	free(c->in);
	free(c->out);
	free(c);
}

/* A pending handoff that will not happen is told with fd -1. */
static void client_cancel_handoff(struct rpc_client *c)
{
	rpc_handoff_fn *fn = c->handoff;

	c->handoff = NULL;
	if (fn)
		fn(c->handoff_aux, -1);
}

static void client_destroy(struct rpc_client *c)
{
	client_cancel_handoff(c);
	client_free(c, true);
}

static size_t client_pending(const struct rpc_client *c)
{
	return c->out_len - c->out_off;
}

static void client_update_events(struct rpc_client *c)
{
	uint32_t events = 0;

	if ((!c->closing && !c->eof && client_pending(c) < RPC_OUT_HIGH) || c->draining)
		events |= EPOLLIN;
	if (client_pending(c))
		events |= EPOLLOUT;
	if (events != c->events) {
		struct epoll_event ev = {.events = events, .data.ptr = &c->watch};

		epoll_ctl(c->server->epfd, EPOLL_CTL_MOD, c->fd, &ev);
		c->events = events;
	}
}

static void client_queue(struct rpc_client *c, const char *text, size_t len)
{
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len + 1 > c->out_cap && c->out_off) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + len + 1 > c->out_cap) {
		c->out_cap = PB_MAX(c->out_cap * 2, c->out_len + len + 1);
		c->out = xrealloc(c->out, c->out_cap);
	}
	memcpy(c->out + c->out_len, text, len);
	c->out_len += len;
	c->out[c->out_len++] = '\n';
}

/* Messages are one line of printable text. */
static void sanitize(char *msg)
{
	for (; *msg; msg++)
		if ((unsigned char)*msg < 0x20 || *msg == 0x7f)
			*msg = '?';
}

static void client_respond(struct rpc_client *c, json_t *id, json_t *result, int code,
                           const char *message)
{
	json_t *resp;
	char *text;

	if (result) {
		resp = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(),
		                 "result", result);
	} else {
		char *msg = xstrdup(message && *message ? message : "unknown error");

		sanitize(msg);
		resp = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id",
		                 id ? id : json_null(), "error", "code", code, "message", msg);
		free(msg);
	}
	text = resp ? json_dumps(resp, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
	if (!text)
		abort(); /* only on out of memory: the values were checked */
	client_queue(c, text, strlen(text));
	free(text);
	json_decref(resp);
}

/* Malformed input: answer with an error and close after sending it. */
static void client_reject(struct rpc_client *c, json_t *id, int code, const char *message)
{
	VLOG_DBG("client %d: %s", c->fd, message);
	client_respond(c, id, NULL, code, message);
	c->closing = true;
}

static bool id_valid(const json_t *id)
{
	return json_is_string(id) || json_is_integer(id) || json_is_null(id);
}

static void client_handle_line(struct rpc_client *c, const char *line, size_t len)
{
	struct errmsg err = {""};
	json_t *req, *id, *params, *result;
	const char *method;
	json_error_t jerr;
	bool own_params = false;
	int code = 0;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (!len)
		return;
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req) {
		errmsg_set(&err, 0, "parse error: %s", jerr.text);
		client_reject(c, NULL, RPC_PARSE_ERROR, err.msg);
		return;
	}
	if (!json_is_object(req)) {
		client_reject(c, NULL, RPC_INVALID_REQUEST, "invalid request: not a JSON object");
		goto out;
	}
	id = json_object_get(req, "id");
	if (id && !id_valid(id)) {
		client_reject(c, NULL, RPC_INVALID_REQUEST,
		              "invalid request: 'id' must be a string, an integer or null");
		goto out;
	}
	if (!json_is_string(json_object_get(req, "jsonrpc")) ||
	    strcmp(json_string_value(json_object_get(req, "jsonrpc")), "2.0")) {
		client_reject(c, id, RPC_INVALID_REQUEST,
		              "invalid request: 'jsonrpc' must be \"2.0\"");
		goto out;
	}
	if (!json_is_string(json_object_get(req, "method"))) {
		client_reject(c, id, RPC_INVALID_REQUEST,
		              "invalid request: 'method' must be a string");
		goto out;
	}
	method = json_string_value(json_object_get(req, "method"));
	{
		const char *key;
		json_t *value;

		json_object_foreach(req, key, value)
		{
			if (strcmp(key, "jsonrpc") && strcmp(key, "id") && strcmp(key, "method") &&
			    strcmp(key, "params")) {
				errmsg_set(&err, 0, "invalid request: unknown member '%.32s'", key);
				client_reject(c, id, RPC_INVALID_REQUEST, err.msg);
				goto out;
			}
		}
	}
	params = json_object_get(req, "params");
	if (!params) {
		params = json_object();
		own_params = true;
	} else if (!json_is_object(params)) {
		/* A well-formed request with parameters we cannot take: answer it
		 * and keep the connection. */
		client_respond(c, id, NULL, RPC_INVALID_PARAMS,
		               "invalid params: 'params' must be an object");
		goto out;
	}

	c->server->current = c;
	result = c->server->handler(c->server->aux, method, params, &code, &err);
	c->server->current = NULL;
	if (!result)
		client_cancel_handoff(c);
	if (result)
		VLOG_DBG("client %d: %s: ok", c->fd, method);
	else
		VLOG_INFO("%s: %s", method, err.msg);
	if (id) /* not a notification */
		client_respond(c, id, result, code, err.msg);
	else
		json_decref(result);
	if (own_params)
		json_decref(params);
out:
	json_decref(req);
}

/* Handles the complete lines in the input buffer (and, at EOF, a last line
 * without '\n') as long as the client is not closing or backed up. */
static void client_process(struct rpc_client *c)
{
	size_t start = 0;

	while (!c->closing && (c->eof || client_pending(c) < RPC_OUT_HIGH)) {
		char *nl = memchr(c->in + start, '\n', c->in_len - start);
		size_t len = nl ? (size_t)(nl - (c->in + start)) : c->in_len - start;

		if (len > RPC_MAX_REQUEST) {
			client_reject(c, NULL, RPC_INVALID_REQUEST,
			              "invalid request: longer than 1 MiB");
			break;
		}
		if (!nl) {
			if (c->eof && len) {
				client_handle_line(c, c->in + start, len);
				start = c->in_len;
			}
			break;
		}
		client_handle_line(c, c->in + start, len);
		start += len + 1;
	}
	if (start) {
		memmove(c->in, c->in + start, c->in_len - start);
		c->in_len -= start;
	}
}

/* Sends what it can; destroys the client when it is done or broken.
 * Returns false if the client is gone. */
static bool client_flush(struct rpc_client *c)
{
	if (pbd_watch_send(c->fd, c->out, c->out_len, &c->out_off)) {
		client_destroy(c);
		return false;
	}
	if (c->handoff && !client_pending(c)) {
		rpc_handoff_fn *fn = c->handoff;
		void *aux = c->handoff_aux;
		int fd = c->fd;

		c->handoff = NULL;
		client_free(c, false);
		fn(aux, fd);
		return false;
	}
	if (!client_pending(c) && c->closing && !c->eof && !c->draining) {
		shutdown(c->fd, SHUT_WR);
		c->draining = true;
	} else if (!client_pending(c) && (c->closing || c->eof) && !c->draining) {
		client_destroy(c);
		return false;
	}
	return true;
}

/* Drops input after an error; true once the client should be closed. */
static bool client_drain(struct rpc_client *c)
{
	char buf[65536];

	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;
		c->drained += (size_t)n;
		if (n == 0 || c->drained > 16 * RPC_MAX_REQUEST)
			return true;
	}
}

static void client_read(struct rpc_client *c)
{
	while (!c->closing && !c->eof && client_pending(c) < RPC_OUT_HIGH) {
		ssize_t n;

		if (c->in_cap - c->in_len < RPC_READ_CHUNK) {
			c->in_cap = c->in_len + 2 * RPC_READ_CHUNK;
			c->in = xrealloc(c->in, c->in_cap);
		}
		n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			c->eof = true;
			c->closing = true; /* broken: nothing more will arrive */
			return;
		}
		if (n == 0)
			c->eof = true;
		c->in_len += (size_t)n;
		client_process(c);
	}
}

static void client_cb(struct pbd_watch *w, uint32_t events)
{
	struct rpc_client *c = (struct rpc_client *)w;

	if (c->draining) {
		if (client_drain(c))
			client_destroy(c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		client_read(c);
	if (!client_pending(c) && (events & EPOLLERR)) {
		client_destroy(c);
		return;
	}
	if (!client_flush(c))
		return;
	/* Output drained below the mark: resume requests already buffered. */
	if (c->in_len && client_pending(c) < RPC_OUT_HIGH) {
		client_process(c);
		if (!client_flush(c))
			return;
	}
	client_update_events(c);
}

/* ---- listener ---------------------------------------------------------- */

static void server_accept(struct pbd_watch *w, uint32_t events)
{
	struct rpc_server *s = (struct rpc_server *)w;

	for (;;) {
		struct epoll_event ev = {.events = EPOLLIN};
		struct rpc_client *c;
		int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				VLOG_WARN("accept: %s", strerror(errno));
			return;
		}
		if (s->n_clients >= RPC_MAX_CLIENTS) {
			VLOG_WARN("too many clients (%d): refusing one", RPC_MAX_CLIENTS);
			close(fd);
			continue;
		}
		c = xzalloc(sizeof(*c));
		c->watch.cb = client_cb;
		c->server = s;
		c->fd = fd;
		c->events = EPOLLIN;
		ev.data.ptr = &c->watch;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			VLOG_WARN("epoll_ctl: %s", strerror(errno));
			close(fd);
			free(c);
			continue;
		}
		c->next = s->clients;
		if (s->clients)
			s->clients->prev = c;
		s->clients = c;
		s->n_clients++;
		VLOG_DBG("client %d connected", fd);
	}
}

/* Deals with whatever is at 'path' before we bind there. */
static int server_clear_path(const char *path, const struct sockaddr_un *sun, struct errmsg *err)
{
	struct stat st;
	int fd, error = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0
		                       : errmsg_set(err, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return errmsg_set(err, -EEXIST, "%s exists and is not a socket", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errmsg_set(err, -errno, "socket: %s", strerror(errno));
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0)
		error = errmsg_set(err, -EADDRINUSE, "another patchbayd is running on %s", path);
	else if (errno != ECONNREFUSED && errno != ENOENT)
		error = errmsg_set(err, -errno, "%s: %s", path, strerror(errno));
	close(fd);
	if (!error && unlink(path) < 0 && errno != ENOENT)
		error = errmsg_set(err, -errno, "cannot remove stale socket %s: %s", path,
		                   strerror(errno));
	if (!error)
		VLOG_INFO("removed stale socket %s", path);
	return error;
}

int rpc_server_open(const char *path, int epfd, rpc_handler_fn *handler, void *aux,
                    struct rpc_server **out, struct errmsg *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct epoll_event ev = {.events = EPOLLIN};
	struct rpc_server *s = NULL;
	bool bound = false;
	mode_t old_umask;
	int fd = -1, error;

	*out = NULL;
	if (strlen(path) >= sizeof(sun.sun_path))
		return errmsg_set(err, -ENAMETOOLONG, "socket path %s is too long", path);
	strcpy(sun.sun_path, path);
	if ((error = fs_mkdirs_parent(path, 0755, err)) ||
	    (error = server_clear_path(path, &sun, err)))
		return error;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errmsg_set(err, -errno, "socket: %s", strerror(errno));
	old_umask = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		error = errmsg_set(err, -errno, "cannot bind %s: %s", path, strerror(errno));
		umask(old_umask);
		goto out;
	}
	umask(old_umask);
	bound = true;
	if (chmod(path, 0600) < 0 || listen(fd, 64) < 0) {
		error = errmsg_set(err, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	s = xzalloc(sizeof(*s));
	s->watch.cb = server_accept;
	s->fd = fd;
	s->epfd = epfd;
	s->path = xstrdup(path);
	s->handler = handler;
	s->aux = aux;
	ev.data.ptr = &s->watch;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		error = errmsg_set(err, -errno, "epoll_ctl: %s", strerror(errno));
		goto out;
	}
	*out = s;
	return 0;
out:
	if (s) {
		free(s->path);
		free(s);
	}
	close(fd);
	if (bound)
		unlink(path);
	return error;
}

void rpc_server_handoff(struct rpc_server *s, rpc_handoff_fn *fn, void *aux)
{
	struct rpc_client *c = s->current;

	if (!c || c->handoff) {
		fn(aux, -1);
		return;
	}
	c->handoff = fn;
	c->handoff_aux = aux;
	c->closing = true; /* no more requests on this connection */
}

void rpc_server_close(struct rpc_server *s)
{
	if (!s)
		return;
	while (s->clients)
		client_destroy(s->clients);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	unlink(s->path);
	free(s->path);
	free(s);
}
