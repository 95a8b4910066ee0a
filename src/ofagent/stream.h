/* stream.h - the endpoints of OpenFlow connections: parsing the target
 * strings of set-controller and ofp-listen, and the non-blocking sockets
 * behind them.
 *
 *   active:   tcp:IP[:PORT]       (IPv6 in brackets: tcp:[::1]:6653)
 *             unix:PATH           (absolute path)
 *   passive:  ptcp:[PORT][:IP]    (PORT 0 lets the kernel choose one)
 *             punix:PATH
 *
 * PORT defaults to 6653 (OFP_TCP_PORT).  Names are IP addresses, never
 * host names: the daemon does not resolve anything.  Pure socket code, no
 * global state; every descriptor is non-blocking and close-on-exec. */
#ifndef PB_OFAGENT_STREAM_H
#define PB_OFAGENT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "lib/util.h"

#define OFSTREAM_DEFAULT_PORT 6653
/* Longest canonical target text, NUL included. */
#define OFSTREAM_NAME_MAX 128

enum ofstream_kind {
	OFSTREAM_TCP,
	OFSTREAM_UNIX,
	OFSTREAM_PTCP,
	OFSTREAM_PUNIX,
};

/* Which kinds ofstream_parse() accepts. */
#define OFSTREAM_ACTIVE  0x1
#define OFSTREAM_PASSIVE 0x2

struct ofstream_target {
	enum ofstream_kind kind;
	struct sockaddr_storage ss;
	socklen_t sslen;
	/* Canonical text: "tcp:10.0.0.1:6653", "ptcp:6653:0.0.0.0",
	 * "ptcp:6653:[::1]", "unix:/run/c.sock". */
	char name[OFSTREAM_NAME_MAX];
};

static inline bool ofstream_kind_is_passive(enum ofstream_kind kind)
{
	return kind == OFSTREAM_PTCP || kind == OFSTREAM_PUNIX;
}

/* Parses 's' into 't'; 'allowed' is OFSTREAM_ACTIVE and/or _PASSIVE.
 * Returns 0 or -EINVAL with a one-line message naming the problem, e.g.
 * "'tcp:1.2.3:80': '1.2.3' is not an IP address". */
int ofstream_parse(const char *s, unsigned int allowed, struct ofstream_target *t,
                   struct errmsg *err);

/* Starts connecting to active target 't'.  Returns 0 (connected at once),
 * -EINPROGRESS (wait for EPOLLOUT, then ofstream_connect_result()) -- both
 * with a new descriptor in '*fdp' -- or another -errno with no descriptor. */
int ofstream_connect(const struct ofstream_target *t, int *fdp);
/* The outcome of a pending connect on 'fd': 0 or -errno. */
int ofstream_connect_result(int fd);

/* Binds and listens on passive target 't' (SO_REUSEADDR for TCP; a stale
 * punix socket file that nobody answers on is replaced, anything else at
 * that path is an error).  Returns 0 with '*fdp', or -errno with a message
 * such as "ptcp:6653:0.0.0.0: port 6653 is already in use". */
int ofstream_listen(const struct ofstream_target *t, int *fdp, struct errmsg *err);
/* The address a listener really got, as a target name ("ptcp:45123:0.0.0.0"
 * after "ptcp:0"), into 'buf'. */
void ofstream_listen_name(const struct ofstream_target *t, int fd, char *buf, size_t size);
/* Closes a listener and removes a punix socket file.  fd < 0 is fine. */
void ofstream_listen_close(const struct ofstream_target *t, int fd);

/* Accepts one connection on listener 'lfd': 0 with '*fdp' (non-blocking)
 * and the peer's address in 'peer' ("127.0.0.1:40000", "unix"), -EAGAIN
 * when none is pending, or another -errno. */
int ofstream_accept(int lfd, int *fdp, char *peer, size_t peer_size);

#endif
