/* rpc-client.h - the client side of the pbctl <-> patchbayd control protocol
 * (docs/rpc.md): one Unix stream connection, JSON-RPC 2.0 requests and
 * replies, one JSON object per line. */
#ifndef PB_CLI_RPC_CLIENT_H
#define PB_CLI_RPC_CLIENT_H

#include <jansson.h>

#include "lib/util.h"

/* The socket patchbayd listens on unless told otherwise. */
#define RPC_DEFAULT_SOCKET "/run/patchbay/patchbayd.sock"

/* One connection to patchbayd.  Single-threaded; not shared. */
struct rpc_client;

/* Connects to the daemon's socket at 'path'.  'timeout_ms' bounds the
 * connect and every later wait for the daemon (time without progress while
 * sending a request or receiving a reply).  Returns 0 and stores a new client
 * in '*clientp', or a negative errno with a one-line reason in 'err' such as
 * "cannot connect to PATH: No such file or directory (is patchbayd
 * running?)". */
int rpc_client_open(const char *path, int timeout_ms, struct rpc_client **clientp,
                    struct errmsg *err);

/* Sends one request 'method' with 'params' (a JSON object, stolen; NULL sends
 * an empty object) and waits for its reply.
 *
 * Returns 0 and stores the reply's "result" (a new reference the caller must
 * json_decref) in '*resultp'.  On failure returns a negative errno and fills
 * 'err' with one line:
 *   -EREMOTEIO  the daemon answered with an error: 'err' is its message;
 *   -EPROTO     the reply is not JSON or not a JSON-RPC reply to this request;
 *   -ETIMEDOUT  the daemon did not answer within the timeout;
 *   -ECONNRESET the daemon closed the connection without answering;
 *   other       a socket error. */
int rpc_client_call(struct rpc_client *client, const char *method, json_t *params, json_t **resultp,
                    struct errmsg *err);

/* Ends the JSON-RPC use of the connection, for a method after whose reply
 * the daemon streams other data (docs/rpc.md, "capture").  Returns the
 * socket (blocking, without the timeouts; the caller owns it), puts the
 * bytes already received after the last reply in '*bufp' (malloc'd; NULL
 * when none) and '*lenp', and frees 'client'. */
int rpc_client_detach(struct rpc_client *client, char **bufp, size_t *lenp);

/* Closes the connection and frees 'client'.  Accepts NULL. */
void rpc_client_close(struct rpc_client *client);

#endif
