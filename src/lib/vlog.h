/* vlog.h - leveled logging to a file or stderr.
 *
 * The one piece of process-wide state under src/lib: a process has one log.
 * The daemon configures it once at start (vlog_open) and on SIGHUP
 * (vlog_reopen); library code only calls the VLOG_* macros, which are safe
 * from any thread (each line is one write(2)). */
#ifndef PB_VLOG_H
#define PB_VLOG_H

#include "lib/util.h"

enum vlog_level { VLL_ERR, VLL_WARN, VLL_INFO, VLL_DBG };

/* Parses "err|error|warn|warning|info|debug|dbg"; returns 0 or -EINVAL. */
int vlog_level_parse(const char *s, enum vlog_level *out);
void vlog_set_level(enum vlog_level level);
/* Logs to 'path' (appending, created 0640) or to stderr if 'path' is NULL.
 * Returns 0 or a negative errno (the previous destination stays). */
int vlog_open(const char *path);
/* Reopens the log file by name (after logrotate moved it).  0 or -errno. */
int vlog_reopen(void);
void vlog(enum vlog_level level, const char *module, const char *fmt, ...) PB_PRINTF(3, 4);

#define VLOG_ERR(...)  vlog(VLL_ERR, VLOG_MODULE, __VA_ARGS__)
#define VLOG_WARN(...) vlog(VLL_WARN, VLOG_MODULE, __VA_ARGS__)
#define VLOG_INFO(...) vlog(VLL_INFO, VLOG_MODULE, __VA_ARGS__)
#define VLOG_DBG(...)  vlog(VLL_DBG, VLOG_MODULE, __VA_ARGS__)

#endif
