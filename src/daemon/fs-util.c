/* fs-util.c - mkdir -p for the daemon's files (see fs-util.h). */
#include "daemon/fs-util.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int fs_mkdirs(const char *dir, mode_t mode, struct errmsg *err)
{
	char *copy = xstrdup(dir);
	int error = 0;

	for (char *p = copy + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			struct stat st;

			*p = '\0';
			if (mkdir(copy, mode) < 0 && errno != EEXIST) {
				error = errmsg_set(err, -errno, "cannot create directory %s: %s",
				                   copy, strerror(errno));
				break;
			}
			if (stat(copy, &st) < 0 || !S_ISDIR(st.st_mode)) {
				error = errmsg_set(err, -ENOTDIR, "%s: not a directory", copy);
				break;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	free(copy);
	return error;
}

int fs_mkdirs_parent(const char *path, mode_t mode, struct errmsg *err)
{
	char *copy = xstrdup(path);
	int error = fs_mkdirs(dirname(copy), mode, err);

	free(copy);
	return error;
}
