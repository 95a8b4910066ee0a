/* config-store.c - reading the configuration file, and replacing it
 * atomically (temp file, fsync, rename, fsync of the directory). */
#include "daemon/config-store.h"
#include "daemon/fs-util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The document is small; anything bigger than this is not ours. */
#define CONFIG_FILE_MAX (64u << 20)

int config_load(const char *path, struct config **out, struct errmsg *err)
{
	size_t len = 0, cap = 4096;
	char *text = NULL;
	struct stat st;
	int fd, error;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*out = config_create();
			return 0;
		}
		return errmsg_set(err, -errno, "cannot open: %s", strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error = errmsg_set(err, -EINVAL, "not a regular file");
		goto out;
	}
	text = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap >= CONFIG_FILE_MAX) {
				error = errmsg_set(err, -EFBIG, "file too large");
				goto out;
			}
			cap *= 2;
			text = xrealloc(text, cap);
		}
		n = read(fd, text + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = errmsg_set(err, -errno, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	error = config_parse(text, len, out, err);
out:
	free(text);
	close(fd);
	return error;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int config_save(const char *path, const struct config *cfg, struct errmsg *err)
{
	char *path_copy = xstrdup(path), *dir, *tmp = NULL, *text = NULL;
	int fd = -1, dfd = -1, error;
	struct stat st;

	dir = dirname(path_copy);
	if (stat(dir, &st) < 0) {
		if (errno != ENOENT) {
			error = errmsg_set(err, -errno, "%s: %s", dir, strerror(errno));
			goto out;
		}
		if ((error = fs_mkdirs(dir, 0755, err)))
			goto out;
	} else if (!S_ISDIR(st.st_mode)) {
		error = errmsg_set(err, -ENOTDIR, "%s: not a directory", dir);
		goto out;
	}

	tmp = xasprintf("%s.tmp.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		error = errmsg_set(err, -errno, "cannot create a temporary file in %s: %s", dir,
		                   strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	text = config_format(cfg);
	if (fchmod(fd, 0644) < 0)
		error = -errno;
	else if (!(error = write_all(fd, text, strlen(text))) && fsync(fd) < 0)
		error = -errno;
	if (error) {
		errmsg_set(err, error, "cannot write %s: %s", tmp, strerror(-error));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		error = errmsg_set(err, -errno, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		error = errmsg_set(err, -errno, "cannot rename %s to %s: %s", tmp, path,
		                   strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL; /* renamed: nothing to clean up any more */

	/* The new content is in place now: a failure to sync the directory
	 * cannot be reported as "nothing changed", so it is not an error. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		fsync(dfd);
	error = 0;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(text);
	free(path_copy);
	return error;
}
