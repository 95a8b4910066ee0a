/* fs-util.h - small file-system helpers shared by the config store and the
 * daemon (parent directories of the database, socket and pidfile). */
#ifndef PB_FS_UTIL_H
#define PB_FS_UTIL_H

#include <sys/types.h>

#include "lib/util.h"

/* Creates directory 'dir' and its missing parents with 'mode' (like
 * mkdir -p).  Existing directories are fine.  0 or -errno with 'err'
 * filled ("cannot create directory /run/x: Permission denied"). */
int fs_mkdirs(const char *dir, mode_t mode, struct errmsg *err);

/* Creates the parent directory of 'path' as fs_mkdirs() does. */
int fs_mkdirs_parent(const char *path, mode_t mode, struct errmsg *err);

#endif
