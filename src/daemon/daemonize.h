/* daemonize.h - --detach and --pidfile for patchbayd.
 *
 * daemonize_start() forks; the parent waits and exits 0 only once the child
 * calls daemonize_complete() (socket listening), or with the child's exit
 * status if the child dies first, so that `patchbayd --detach` reports a
 * failed start.  Errors before completion go to the original stderr. */
#ifndef PB_DAEMONIZE_H
#define PB_DAEMONIZE_H

#include "lib/util.h"

/* In the parent: never returns.  In the child (new session): returns 0.
 * -errno if fork/pipe failed (still in the original process). */
int daemonize_start(void);
/* Child ready: chdir /, stdin/stdout/stderr to /dev/null, release the
 * parent.  Does nothing if daemonize_start() was not called. */
void daemonize_complete(void);

/* Writes our pid to 'path' (creating its directory).  0 or -errno. */
int pidfile_write(const char *path, struct errmsg *err);
/* Removes 'path' if it still holds our pid.  NULL is fine. */
void pidfile_remove(const char *path);

#endif
