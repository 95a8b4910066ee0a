/* stream.c - OpenFlow connection targets: parsing "tcp:", "unix:", "ptcp:"
 * and "punix:" strings and the non-blocking sockets behind them (see
 * stream.h). */
#include "ofagent/stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Parses an IPv4 address or a bracketed IPv6 address ('s', 'len' bytes)
 * into 'ss' with port 'port'. */
static int parse_ip(const char *s, size_t len, unsigned int port, struct sockaddr_storage *ss,
                    socklen_t *sslen)
{
	char buf[INET6_ADDRSTRLEN + 2];

	memset(ss, 0, sizeof(*ss));
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (len > 2 && buf[0] == '[' && buf[len - 1] == ']') {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		buf[len - 1] = '\0';
		if (inet_pton(AF_INET6, buf + 1, &sin6->sin6_addr) != 1)
			return -EINVAL;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*sin6);
		return 0;
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1)
			return -EINVAL;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*sin);
		return 0;
	}
}

/* Splits "IP[:PORT]" where IP may be "[v6]". */
static const char *ip_end(const char *s)
{
	if (*s == '[') {
		const char *close = strchr(s, ']');

		return close ? close + 1 : s + strlen(s);
	}
	return s + strcspn(s, ":");
}

static int parse_port(const char *s, unsigned int min, unsigned int *port)
{
	uint64_t v;

	if (parse_uint(s, min, 65535, &v))
		return -EINVAL;
	*port = (unsigned int)v;
	return 0;
}

static void format_ip(const struct sockaddr_storage *ss, char *buf, size_t size, unsigned int *port)
{
	char ip[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, size, "[%s]", ip);
		*port = ntohs(sin6->sin6_port);
	} else {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(buf, size, "%s", ip);
		*port = ntohs(sin->sin_port);
	}
}

static void set_name(struct ofstream_target *t)
{
	char ip[INET6_ADDRSTRLEN + 2];
	unsigned int port;

	switch (t->kind) {
	case OFSTREAM_TCP:
		format_ip(&t->ss, ip, sizeof(ip), &port);
		snprintf(t->name, sizeof(t->name), "tcp:%s:%u", ip, port);
		break;
	case OFSTREAM_PTCP:
		format_ip(&t->ss, ip, sizeof(ip), &port);
		snprintf(t->name, sizeof(t->name), "ptcp:%u:%s", port, ip);
		break;
	case OFSTREAM_UNIX:
	case OFSTREAM_PUNIX:
		snprintf(t->name, sizeof(t->name), "%s:%s",
		         t->kind == OFSTREAM_UNIX ? "unix" : "punix",
		         ((const struct sockaddr_un *)&t->ss)->sun_path);
		break;
	}
}

static int parse_unix(const char *orig, const char *path, struct ofstream_target *t,
                      struct errmsg *err)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&t->ss;

	if (!*path)
		return errmsg_set(err, -EINVAL, "'%.64s': missing the socket path", orig);
	if (path[0] != '/')
		return errmsg_set(err, -EINVAL, "'%.64s': the socket path must be absolute", orig);
	if (strlen(path) >= sizeof(sun->sun_path) || strlen(path) + 8 >= OFSTREAM_NAME_MAX)
		return errmsg_set(err, -EINVAL,
		                  "'%.64s': the socket path is too long (at most %zu bytes)", orig,
		                  PB_MIN(sizeof(sun->sun_path), (size_t)OFSTREAM_NAME_MAX - 8) - 1);
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return errmsg_set(err, -EINVAL, "'%.64s': control character in the path",
			                  orig);
	memset(&t->ss, 0, sizeof(t->ss));
	sun->sun_family = AF_UNIX;
	strcpy(sun->sun_path, path);
	t->sslen = sizeof(*sun);
	return 0;
}

static int parse__(const char *s, unsigned int allowed, struct ofstream_target *t,
                   struct errmsg *err)
{
	const char *colon = strchr(s, ':'), *rest, *end;
	unsigned int port = OFSTREAM_DEFAULT_PORT;
	size_t mlen = colon ? (size_t)(colon - s) : strlen(s);
	const char *hint = allowed == OFSTREAM_ACTIVE    ? "tcp:IP[:PORT] or unix:PATH"
	                   : allowed == OFSTREAM_PASSIVE ? "ptcp:[PORT][:IP] or punix:PATH"
	                                                 : "tcp:, unix:, ptcp: or punix:";
	int error;

	memset(t, 0, sizeof(*t));
	if (!colon || !mlen)
		return errmsg_set(err, -EINVAL, "'%.64s': expected %s", s, hint);
	rest = colon + 1;
	if (mlen == 3 && !strncmp(s, "tcp", 3))
		t->kind = OFSTREAM_TCP;
	else if (mlen == 4 && !strncmp(s, "unix", 4))
		t->kind = OFSTREAM_UNIX;
	else if (mlen == 4 && !strncmp(s, "ptcp", 4))
		t->kind = OFSTREAM_PTCP;
	else if (mlen == 5 && !strncmp(s, "punix", 5))
		t->kind = OFSTREAM_PUNIX;
	else
		return errmsg_set(err, -EINVAL,
		                  "'%.64s': unknown connection method '%.*s' (use %s)", s,
		                  (int)PB_MIN(mlen, 16), s, hint);
	if (!(allowed & (ofstream_kind_is_passive(t->kind) ? OFSTREAM_PASSIVE : OFSTREAM_ACTIVE)))
		return errmsg_set(err, -EINVAL, "'%.64s': %s target is not allowed here (use %s)",
		                  s, ofstream_kind_is_passive(t->kind) ? "a passive" : "an active",
		                  hint);

	switch (t->kind) {
	case OFSTREAM_TCP:
		end = ip_end(rest);
		if (end == rest)
			return errmsg_set(err, -EINVAL, "'%.64s': missing the IP address", s);
		if (*end) {
			if (*end != ':' || parse_port(end + 1, 1, &port))
				return errmsg_set(
				        err, -EINVAL,
				        "'%.64s': '%.16s' is not a port number (1..65535)", s,
				        *end == ':' ? end + 1 : end);
		}
		if (parse_ip(rest, (size_t)(end - rest), port, &t->ss, &t->sslen))
			return errmsg_set(err, -EINVAL, "'%.64s': '%.*s' is not an IP address", s,
			                  (int)PB_MIN((size_t)(end - rest), 48), rest);
		break;
	case OFSTREAM_PTCP: {
		const char *pend = rest + strcspn(rest, ":");
		char pbuf[8];

		if (pend != rest) {
			if ((size_t)(pend - rest) >= sizeof(pbuf))
				return errmsg_set(err, -EINVAL,
				                  "'%.64s': '%.*s' is not a port number (0..65535)",
				                  s, (int)PB_MIN((size_t)(pend - rest), 16), rest);
			memcpy(pbuf, rest, (size_t)(pend - rest));
			pbuf[pend - rest] = '\0';
			if (parse_port(pbuf, 0, &port))
				return errmsg_set(err, -EINVAL,
				                  "'%.64s': '%s' is not a port number (0..65535)",
				                  s, pbuf);
		}
		if (*pend) {
			const char *ip = pend + 1;

			if (!*ip || ip_end(ip) != ip + strlen(ip) ||
			    parse_ip(ip, strlen(ip), port, &t->ss, &t->sslen))
				return errmsg_set(err, -EINVAL,
				                  "'%.64s': '%.48s' is not an IP address", s, ip);
		} else {
			struct sockaddr_in *sin = (struct sockaddr_in *)&t->ss;

			sin->sin_family = AF_INET;
			sin->sin_port = htons((uint16_t)port);
			sin->sin_addr.s_addr = htonl(INADDR_ANY);
			t->sslen = sizeof(*sin);
		}
		break;
	}
	case OFSTREAM_UNIX:
	case OFSTREAM_PUNIX:
		if ((error = parse_unix(s, rest, t, err)))
			return error;
		break;
	}
	set_name(t);
	return 0;
}

int ofstream_parse(const char *s, unsigned int allowed, struct ofstream_target *t,
                   struct errmsg *err)
{
	int error = parse__(s, allowed, t, err);

	/* The message quotes the input: keep it on one printable line. */
	for (char *p = error && err ? err->msg : NULL; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return error;
}

static int new_socket(int family)
{
	return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

static void tune_tcp(int fd, int family)
{
	int one = 1;

	if (family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int ofstream_connect(const struct ofstream_target *t, int *fdp)
{
	int fd = new_socket(t->ss.ss_family), error = 0;

	*fdp = -1;
	if (fd < 0)
		return -errno;
	tune_tcp(fd, t->ss.ss_family);
	if (connect(fd, (const struct sockaddr *)&t->ss, t->sslen) < 0) {
		error = -errno;
		if (error == -EAGAIN && t->ss.ss_family == AF_UNIX)
			error = -EINPROGRESS; /* a full backlog: wait for it like TCP */
		if (error != -EINPROGRESS) {
			close(fd);
			return error;
		}
	}
	*fdp = fd;
	return error;
}

int ofstream_connect_result(int fd)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return -errno;
	return -soerr;
}

/* A punix path: a socket file that refuses connections is stale and
 * removed; a live one or anything that is not a socket is an error. */
static int punix_prepare(const struct ofstream_target *t, struct errmsg *err)
{
	const char *path = ((const struct sockaddr_un *)&t->ss)->sun_path;
	struct stat st;
	int fd, error;

	if (lstat(path, &st) < 0)
		return errno == ENOENT
		               ? 0
		               : errmsg_set(err, -errno, "%s: %s", t->name, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return errmsg_set(err, -EEXIST, "%s: %s exists and is not a socket", t->name, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errmsg_set(err, -errno, "%s: %s", t->name, strerror(errno));
	error = connect(fd, (const struct sockaddr *)&t->ss, t->sslen) < 0 ? errno : 0;
	close(fd);
	if (!error)
		return errmsg_set(err, -EADDRINUSE, "%s: %s is in use by another process", t->name,
		                  path);
	if (error != ECONNREFUSED)
		return errmsg_set(err, -error, "%s: %s", t->name, strerror(error));
	if (unlink(path) < 0 && errno != ENOENT)
		return errmsg_set(err, -errno, "%s: cannot remove the stale socket: %s", t->name,
		                  strerror(errno));
	return 0;
}

int ofstream_listen(const struct ofstream_target *t, int *fdp, struct errmsg *err)
{
	int one = 1, fd, error;

	*fdp = -1;
	if (t->kind == OFSTREAM_PUNIX && (error = punix_prepare(t, err)))
		return error;
	fd = new_socket(t->ss.ss_family);
	if (fd < 0)
		return errmsg_set(err, -errno, "%s: %s", t->name, strerror(errno));
	if (t->kind == OFSTREAM_PTCP) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (t->ss.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (bind(fd, (const struct sockaddr *)&t->ss, t->sslen) < 0) {
		error = -errno;
		if (error == -EADDRINUSE && t->kind == OFSTREAM_PTCP) {
			unsigned int port;
			char ip[INET6_ADDRSTRLEN + 2];

			format_ip(&t->ss, ip, sizeof(ip), &port);
			errmsg_set(err, error, "%s: port %u is already in use", t->name, port);
		} else if (error == -EADDRNOTAVAIL) {
			errmsg_set(err, error, "%s: no local interface has this address", t->name);
		} else {
			errmsg_set(err, error, "%s: cannot bind: %s", t->name, strerror(-error));
		}
		close(fd);
		return error;
	}
	if (t->kind == OFSTREAM_PUNIX)
		chmod(((const struct sockaddr_un *)&t->ss)->sun_path, 0600);
	if (listen(fd, 64) < 0) {
		error = -errno;
		errmsg_set(err, error, "%s: cannot listen: %s", t->name, strerror(-error));
		ofstream_listen_close(t, fd);
		return error;
	}
	*fdp = fd;
	return 0;
}

void ofstream_listen_name(const struct ofstream_target *t, int fd, char *buf, size_t size)
{
	struct ofstream_target real = *t;
	socklen_t len = sizeof(real.ss);

	if (t->kind == OFSTREAM_PTCP && fd >= 0 &&
	    getsockname(fd, (struct sockaddr *)&real.ss, &len) == 0)
		set_name(&real);
	snprintf(buf, size, "%s", real.name);
}

void ofstream_listen_close(const struct ofstream_target *t, int fd)
{
	if (fd < 0)
		return;
	close(fd);
	if (t->kind == OFSTREAM_PUNIX)
		unlink(((const struct sockaddr_un *)&t->ss)->sun_path);
}

int ofstream_accept(int lfd, int *fdp, char *peer, size_t peer_size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

	*fdp = -1;
	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
		char ip[INET6_ADDRSTRLEN + 2];
		unsigned int port;

		format_ip(&ss, ip, sizeof(ip), &port);
		snprintf(peer, peer_size, "%s:%u", ip, port);
		tune_tcp(fd, ss.ss_family);
	} else {
		snprintf(peer, peer_size, "unix");
	}
	*fdp = fd;
	return 0;
}
