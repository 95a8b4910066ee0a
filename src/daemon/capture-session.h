/* capture-session.h - the daemon side of `pbctl capture` (docs/capture.md):
 * the "capture" RPC method, one session per capture, streaming what the
 * datapath tap copies to the client.
 *
 * A session is born in the "capture" request: the parameters are checked,
 * a tap (dpif/dp-capture.h) is attached to the bridge's ports, and the
 * reply names the captured interfaces.  Once the reply is sent, the RPC
 * server hands the connection over (rpc_server_handoff()) and the session
 * writes capture-stream.h records on it: a PACKET record per frame, then
 * one END record with the counts, then it closes.  A shared timer (every
 * CAPTURE_TICK_MS) drains the taps' rings into each session's output
 * buffer; frames that do not fit in that buffer (the client reads too
 * slowly) are dropped and counted ("daemon_lost"), frames the datapath could
 * not put in the ring are counted by the tap ("ring_lost").
 *
 * A capture ends when --count frames were sent, --duration elapsed, the
 * client shut down its sending side (pbctl on Ctrl-C: the END record still
 * comes), the bridge is deleted, or the daemon shuts down.  A client that
 * goes away (connection reset or closed) ends it at once.
 *
 * Control thread only (the daemon's epoll loop).  Sessions are freed one
 * timer tick after they die, so an epoll event already fetched for a dead
 * session never touches freed memory. */
#ifndef PB_CAPTURE_SESSION_H
#define PB_CAPTURE_SESSION_H

#include <jansson.h>

#include "daemon/daemon-state.h"

#define CAPTURE_TICK_MS 5
/* Output waiting for a slow client before frames are dropped. */
#define CAPTURE_OUT_MAX (16u << 20)

/* The "capture" method (rpcm_fn): params bridge, and optionally ports
 * (array of names), direction ("in", "out", "both"), count, duration
 * (seconds), snaplen, ring_size (debugging).  Fails with RPC_INVALID_PARAMS
 * or RPC_FAILED and a one-line message; nothing is left behind then. */
json_t *capture_rpc_start(struct pbd *d, json_t *params, int *code, struct errmsg *err);

/* Ends every capture (each client is sent its END record if its socket
 * takes it) and frees the capture state.  Call before the switch is
 * destroyed. */
void capture_close_all(struct pbd *d);

#endif
