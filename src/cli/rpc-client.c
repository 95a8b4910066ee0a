/* rpc-client.c - connects to patchbayd's Unix socket, sends JSON-RPC 2.0
 * requests as single lines and reads the matching reply line, with a timeout
 * and tolerance for replies that arrive in pieces. */
#include "cli/rpc-client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* A reply larger than this is refused (a full 1M-entry FDB is ~100 MB). */
#define RPC_MAX_REPLY (512u << 20)

struct rpc_client {
	int fd;
	json_int_t next_id;
	char *buf; /* Received bytes not yet consumed. */
	size_t len, cap;
};

static int set_timeouts(int fd, int timeout_ms)
{
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};

	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

static const char *connect_hint(int error)
{
	switch (error) {
	case ENOENT:
	case ECONNREFUSED:
		return " (is patchbayd running?)";
	case EACCES:
	case EPERM:
		return " (pbctl usually needs to run as root)";
	default:
		return "";
	}
}

int rpc_client_open(const char *path, int timeout_ms, struct rpc_client **clientp,
                    struct errmsg *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct rpc_client *client;
	int fd, error;

	*clientp = NULL;
	if (!*path)
		return errmsg_set(err, -EINVAL, "cannot connect: the socket path is empty");
	if (strlen(path) >= sizeof(sun.sun_path))
		return errmsg_set(err, -ENAMETOOLONG, "cannot connect to %s: socket path too long",
		                  path);
	memcpy(sun.sun_path, path, strlen(path) + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errmsg_set(err, -errno, "cannot create socket: %s", strerror(errno));
	/* On a blocking Unix socket the send timeout also bounds connect(). */
	error = set_timeouts(fd, timeout_ms);
	if (error) {
		errmsg_set(err, error, "cannot set socket timeout: %s", strerror(-error));
		goto out;
	}
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (errno == EINTR)
			continue;
		error = errno == EAGAIN ? -ETIMEDOUT : -errno;
		errmsg_set(err, error, "cannot connect to %s: %s%s", path, strerror(-error),
		           connect_hint(-error));
		goto out;
	}

	client = xzalloc(sizeof(*client));
	client->fd = fd;
	client->next_id = 1;
	*clientp = client;
	return 0;

out:
	close(fd);
	return error;
}

static int send_all(struct rpc_client *client, const char *data, size_t size, struct errmsg *err)
{
	while (size) {
		ssize_t n = send(client->fd, data, size, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return errmsg_set(err, -ETIMEDOUT,
				                  "timed out sending a request to patchbayd");
			return errmsg_set(err, -errno, "cannot send to patchbayd: %s",
			                  strerror(errno));
		}
		data += n;
		size -= (size_t)n;
	}
	return 0;
}

/* Reads until the buffer holds a complete line (or the daemon closes the
 * connection after sending something) and returns its length, excluding the
 * '\n', in '*line_len'; '*consumed' is what to drop from the buffer after. */
static int read_line(struct rpc_client *client, size_t *line_len, size_t *consumed,
                     struct errmsg *err)
{
	size_t scanned = 0;

	for (;;) {
		char *nl = client->len > scanned
		                   ? memchr(client->buf + scanned, '\n', client->len - scanned)
		                   : NULL;
		ssize_t n;

		if (nl) {
			*line_len = (size_t)(nl - client->buf);
			*consumed = *line_len + 1;
			return 0;
		}
		scanned = client->len;
		if (client->len >= RPC_MAX_REPLY)
			return errmsg_set(err, -EPROTO,
			                  "invalid reply from patchbayd: longer than %u MiB",
			                  RPC_MAX_REPLY >> 20);
		if (client->cap - client->len < 4096) {
			client->cap = client->cap ? client->cap * 2 : 65536;
			client->buf = xrealloc(client->buf, client->cap);
		}
		n = recv(client->fd, client->buf + client->len, client->cap - client->len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return errmsg_set(err, -ETIMEDOUT,
				                  "timed out waiting for a reply from patchbayd");
			return errmsg_set(err, -errno, "cannot read from patchbayd: %s",
			                  strerror(errno));
		}
		if (n == 0) {
			/* Be lenient about a missing final newline. */
			if (client->len && client->buf[0] != '\n') {
				*line_len = *consumed = client->len;
				return 0;
			}
			return errmsg_set(err, -ECONNRESET,
			                  "patchbayd closed the connection without replying");
		}
		client->len += (size_t)n;
	}
}

/* Copies 'msg' into 'err' as one printable line. */
static int remote_error(struct errmsg *err, const char *msg)
{
	size_t i;

	errmsg_set(err, -EREMOTEIO, "%s", msg);
	if (err)
		for (i = 0; err->msg[i]; i++)
			if ((unsigned char)err->msg[i] < 0x20 || err->msg[i] == 0x7f)
				err->msg[i] = ' ';
	return -EREMOTEIO;
}

static int parse_reply(const char *line, size_t len, json_int_t id, json_t **resultp,
                       struct errmsg *err)
{
	json_t *reply, *error, *result, *reply_id;
	json_error_t jerr;
	int ret = 0;

	reply = json_loadb(line, len, 0, &jerr);
	if (!reply)
		return errmsg_set(err, -EPROTO, "invalid reply from patchbayd: not JSON (%s)",
		                  jerr.text);
	if (!json_is_object(reply)) {
		ret = errmsg_set(err, -EPROTO, "invalid reply from patchbayd: not a JSON object");
		goto out;
	}
	error = json_object_get(reply, "error");
	result = json_object_get(reply, "result");
	reply_id = json_object_get(reply, "id");
	if (error) {
		json_t *msg = json_object_get(error, "message");
		json_t *code = json_object_get(error, "code");

		if (json_is_string(msg) && json_string_length(msg))
			ret = remote_error(err, json_string_value(msg));
		else if (json_is_integer(code))
			ret = errmsg_set(err, -EREMOTEIO, "patchbayd error %" JSON_INTEGER_FORMAT,
			                 json_integer_value(code));
		else
			ret = errmsg_set(err, -EREMOTEIO, "patchbayd reported an error");
		goto out;
	}
	if (!result) {
		ret = errmsg_set(err, -EPROTO,
		                 "invalid reply from patchbayd: neither result nor error");
		goto out;
	}
	if (!json_is_integer(reply_id) || json_integer_value(reply_id) != id) {
		ret = errmsg_set(err, -EPROTO,
		                 "invalid reply from patchbayd: it answers another request");
		goto out;
	}
	*resultp = json_incref(result);
out:
	json_decref(reply);
	return ret;
}

int rpc_client_call(struct rpc_client *client, const char *method, json_t *params, json_t **resultp,
                    struct errmsg *err)
{
	json_int_t id = client->next_id++;
	size_t line_len = 0, consumed = 0;
	json_t *request;
	char *text;
	int ret;

	*resultp = NULL;
	request = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id", id, "method", method,
	                    "params", params ? params : json_object());
	if (!request)
		abort(); /* Only possible on allocation failure. */
	text = json_dumps(request, JSON_COMPACT);
	json_decref(request);
	if (!text)
		abort();

	ret = send_all(client, text, strlen(text), err);
	if (!ret)
		ret = send_all(client, "\n", 1, err);
	free(text);
	if (ret)
		return ret;

	ret = read_line(client, &line_len, &consumed, err);
	if (ret)
		return ret;
	ret = parse_reply(client->buf, line_len, id, resultp, err);
	memmove(client->buf, client->buf + consumed, client->len - consumed);
	client->len -= consumed;
	return ret;
}

int rpc_client_detach(struct rpc_client *client, char **bufp, size_t *lenp)
{
	int fd = client->fd;

	set_timeouts(fd, 0);
	*lenp = client->len;
	*bufp = client->len ? client->buf : NULL;
	if (!client->len)
		free(client->buf);
	free(client);
	return fd;
}

void rpc_client_close(struct rpc_client *client)
{
	if (!client)
		return;
	close(client->fd);
	free(client->buf);
	free(client);
}
