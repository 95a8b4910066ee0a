/* daemonize.c - detach from the terminal with a readiness handshake, and
 * the pidfile (see daemonize.h). */
#include "daemon/daemonize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/fs-util.h"

/* Write end of the pipe the parent waits on; -1 when not detaching. */
static int ready_fd = -1;

int daemonize_start(void)
{
	int fds[2], status;
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int error = -errno;

		close(fds[0]);
		close(fds[1]);
		return error;
	}
	if (pid > 0) {
		ssize_t n;

		close(fds[1]);
		do
			n = read(fds[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n == 1)
			_exit(0);
		/* The child exited (or closed the pipe) without becoming ready. */
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				_exit(1);
		if (WIFEXITED(status) && WEXITSTATUS(status))
			_exit(WEXITSTATUS(status));
		if (WIFSIGNALED(status))
			fprintf(stderr, "patchbayd: child died with signal %d\n", WTERMSIG(status));
		_exit(1);
	}
	close(fds[0]);
	ready_fd = fds[1];
	setsid();
	return 0;
}

void daemonize_complete(void)
{
	int null;

	if (ready_fd < 0)
		return;
	if (chdir("/") < 0) {
		/* "/" always exists; nothing sensible to do. */
	}
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	if (write(ready_fd, "R", 1) < 0) {
		/* The parent is gone: nobody to tell. */
	}
	close(ready_fd);
	ready_fd = -1;
}

int pidfile_write(const char *path, struct errmsg *err)
{
	char buf[32];
	int fd, error = 0, len;

	if ((error = fs_mkdirs_parent(path, 0755, err)))
		return error;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return errmsg_set(err, -errno, "%s: %s", path, strerror(errno));
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)len) != len)
		error = errmsg_set(err, -EIO, "%s: cannot write", path);
	if (close(fd) < 0 && !error)
		error = errmsg_set(err, -errno, "%s: %s", path, strerror(errno));
	return error;
}

void pidfile_remove(const char *path)
{
	char buf[32] = "";
	FILE *f;

	if (!path || !(f = fopen(path, "r")))
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (atol(buf) == (long)getpid())
		unlink(path);
}
