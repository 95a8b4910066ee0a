/* dpif.h - the datapath interface: where packets are forwarded.
 *
 * A dpif owns the forwarding thread(s) and a set of ports (netdevs it polls,
 * numbered with datapath port numbers).  It knows nothing of bridges or
 * OpenFlow: for each received packet it asks the slow path (the upcall
 * callback, implemented by ofproto) what to do and executes the answer.
 * Later data planes add a megaflow cache in front of the upcall; the
 * interface to ofproto stays this one.
 *
 * Threads and locking: dpif_open/close/port_add/port_del run on the control
 * thread.  The upcall callback runs on a datapath thread.  port_del waits
 * until no datapath thread uses the port any more, so the caller must not
 * hold any lock that the upcall callback takes (ofproto drops its own lock
 * before calling dpif_port_add/del). */
#ifndef PB_DPIF_H
#define PB_DPIF_H

#include <stdint.h>

#include "lib/packet.h"
#include "lib/util.h"
#include "netdev/netdev.h"

struct dpif;

#define DPIF_MAX_PORTS 1024
#define DPIF_PORT_NONE UINT32_MAX

/* The slow path's answer for one packet: the datapath ports to send it to
 * (never including the ingress port unless the slow path says so). */
struct dp_actions {
	uint32_t n_outputs;
	uint32_t outputs[DPIF_MAX_PORTS];
};

/* Called on a datapath thread for every received packet.  'aux' is the
 * pointer given to dpif_open().  Fills 'actions' (n_outputs starts at 0).
 * Must not block for long and must not call back into the dpif. */
typedef void dpif_upcall_fn(void *aux, uint32_t in_port, const struct pkt *pkt,
                            struct dp_actions *actions);

/* Opens a datapath of 'type' ("socket") and starts its thread.  Returns 0 or
 * -errno (-ENOENT for an unknown type) with 'err' filled. */
int dpif_open(const char *type, dpif_upcall_fn *upcall, void *aux, struct dpif **out,
              struct errmsg *err);
/* Stops the threads and frees the dpif (NULL is fine).  Ports must have been
 * deleted; netdevs are never closed by the dpif (the caller owns them). */
void dpif_close(struct dpif *dpif);

/* Adds 'dev' (owned by the caller, who keeps it open until port_del returns)
 * and returns its datapath port number in '*port_no'.  0 or -errno. */
int dpif_port_add(struct dpif *dpif, struct netdev *dev, uint32_t *port_no);
/* Stops polling and transmitting on 'port_no'; returns when no datapath
 * thread touches it any more.  0 or -ENOENT. */
int dpif_port_del(struct dpif *dpif, uint32_t port_no);

const char *dpif_type(const struct dpif *dpif);

#endif
