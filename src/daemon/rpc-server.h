/* rpc-server.h - the JSON-RPC 2.0 listener of patchbayd (docs/rpc.md).
 *
 * Listens on a Unix stream socket, accepts many clients, reads
 * newline-delimited requests without blocking (at most RPC_MAX_REQUEST
 * bytes each), and answers each in order through the handler.  Malformed
 * input gets an error response and the connection is closed after it is
 * sent.  Single-threaded: everything runs from the daemon's epoll loop. */
#ifndef PB_RPC_SERVER_H
#define PB_RPC_SERVER_H

#include <jansson.h>

#include "lib/util.h"

#define RPC_MAX_REQUEST (1u << 20)

/* JSON-RPC error codes used by patchbayd. */
enum {
	RPC_PARSE_ERROR = -32700,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_INVALID_PARAMS = -32602,
	RPC_FAILED = -32000,
};

struct rpc_server;

/* Handles one request.  'params' is an object (empty when the request had
 * none).  Returns the result (a new reference) or NULL with '*code' set to
 * one of the codes above and 'err' filled. */
typedef json_t *rpc_handler_fn(void *aux, const char *method, json_t *params, int *code,
                               struct errmsg *err);

/* Creates the parent directory of 'path', removes a stale socket there,
 * binds (mode 0600) and listens, and registers with 'epfd'.  Fails with
 * -EADDRINUSE if another daemon answers on 'path', -EEXIST if 'path' is
 * something other than a socket.  0 or -errno with 'err' filled. */
int rpc_server_open(const char *path, int epfd, rpc_handler_fn *handler, void *aux,
                    struct rpc_server **out, struct errmsg *err);
/* Connection handoff (docs/rpc.md, "capture").  Called by a handler while
 * it runs: once the response to this request has been sent, the connection
 * leaves the server and 'fn' gets its file descriptor (nonblocking; 'fn'
 * owns it from then on).  Input the client sent after the request is
 * dropped.  If the handler fails the request, if the client goes away
 * first, or if the server closes, 'fn' is called with fd -1 instead
 * (possibly from inside the handler).  At most one per request. */
typedef void rpc_handoff_fn(void *aux, int fd);
void rpc_server_handoff(struct rpc_server *server, rpc_handoff_fn *fn, void *aux);

/* Closes every client and the listener and removes the socket file.  NULL
 * is fine. */
void rpc_server_close(struct rpc_server *server);

#endif
