/* vlog.c - leveled logging; see vlog.h for why this is the one global. */
#include "lib/vlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static struct {
	pthread_mutex_t lock;
	enum vlog_level level;
	int fd;
	char *path;
} vlog_state = {PTHREAD_MUTEX_INITIALIZER, VLL_INFO, STDERR_FILENO, NULL};

static const char *const level_names[] = {"ERR", "WARN", "INFO", "DBG"};

int vlog_level_parse(const char *s, enum vlog_level *out)
{
	static const struct {
		const char *name;
		enum vlog_level level;
	} names[] = {
	        {"err", VLL_ERR},   {"error", VLL_ERR}, {"warn", VLL_WARN}, {"warning", VLL_WARN},
	        {"info", VLL_INFO}, {"debug", VLL_DBG}, {"dbg", VLL_DBG},
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcasecmp(s, names[i].name)) {
			*out = names[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

void vlog_set_level(enum vlog_level level)
{
	vlog_state.level = level;
}

static int vlog_open_locked(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

	if (fd < 0)
		return -errno;
	if (vlog_state.fd != STDERR_FILENO)
		close(vlog_state.fd);
	vlog_state.fd = fd;
	return 0;
}

int vlog_open(const char *path)
{
	int error = 0;

	pthread_mutex_lock(&vlog_state.lock);
	if (path) {
		error = vlog_open_locked(path);
		if (!error) {
			free(vlog_state.path);
			vlog_state.path = xstrdup(path);
		}
	} else {
		if (vlog_state.fd != STDERR_FILENO)
			close(vlog_state.fd);
		vlog_state.fd = STDERR_FILENO;
		free(vlog_state.path);
		vlog_state.path = NULL;
	}
	pthread_mutex_unlock(&vlog_state.lock);
	return error;
}

int vlog_reopen(void)
{
	int error = 0;

	pthread_mutex_lock(&vlog_state.lock);
	if (vlog_state.path)
		error = vlog_open_locked(vlog_state.path);
	pthread_mutex_unlock(&vlog_state.lock);
	return error;
}

void vlog(enum vlog_level level, const char *module, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n;

	if (level > vlog_state.level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ|%s|%s|",
	             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	             ts.tv_nsec / 1000000, level_names[level], module);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	pthread_mutex_lock(&vlog_state.lock);
	if (write(vlog_state.fd, line, (size_t)n) < 0) {
		/* Nowhere left to report it. */
	}
	pthread_mutex_unlock(&vlog_state.lock);
}
