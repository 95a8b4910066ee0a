/* patchbayd.c - the Patchbay daemon: options, start-up (load the config,
 * restore the switch, listen), the single-threaded epoll main loop
 * (RPC clients, signals, a 1 s timer: aging, flow timeouts, absent ports)
 * and clean shutdown. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "daemon/capture-session.h"
#include "daemon/daemon-flows.h"
#include "daemon/daemon-ofp.h"
#include "daemon/daemon-state.h"
#include "daemon/daemonize.h"
#include "daemon/rpc-methods.h"
#include "daemon/rpc-server.h"
#include "daemon/watch.h"
#include "lib/vlog.h"
#include "ofagent/ofagent.h"

#define VLOG_MODULE "patchbayd"

#define DEFAULT_DB     "/var/lib/patchbay/conf.json"
#define DEFAULT_SOCKET "/run/patchbay/patchbayd.sock"
/* Absent ports are retried every this many timer ticks (seconds). */
#define RETRY_TICKS 5

struct options {
	char *db;
	char *socket;
	char *pidfile;
	char *log_file;
	enum vlog_level level;
	bool detach;
};

struct daemon {
	struct pbd state;
	struct rpc_server *server;
	int epfd;
	struct pbd_watch sig_watch;
	int sig_fd;
	struct pbd_watch timer_watch;
	struct pbd_watch agent_watch; /* the OpenFlow agent's epoll set */
	int timer_fd;
	unsigned int ticks;
	bool exiting;
	bool logging_to_file;
};

static struct daemon daemon_ = {.epfd = -1, .sig_fd = -1, .timer_fd = -1};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: patchbayd [OPTION]...\n"
	        "Patchbay virtual switch daemon.\n"
	        "\n"
	        "  --db FILE             configuration database (default %s)\n"
	        "  --socket PATH         control socket (default %s)\n"
	        "  --pidfile FILE        write the daemon's pid to FILE\n"
	        "  --detach              run in the background once ready\n"
	        "  --log-file FILE       log to FILE instead of stderr\n"
	        "  --log-level LEVEL     err, warn, info (default) or debug\n"
	        "  --help                show this help and exit\n"
	        "  --version             show the version and exit\n",
	        DEFAULT_DB, DEFAULT_SOCKET);
}

/* Paths are made absolute: a detached daemon runs in "/". */
static char *abs_path(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static void parse_options(int argc, char *argv[], struct options *o)
{
	enum {
		OPT_DB = 256,
		OPT_SOCKET,
		OPT_PIDFILE,
		OPT_DETACH,
		OPT_LOG_FILE,
		OPT_LOG_LEVEL,
		OPT_HELP,
		OPT_VERSION
	};
	static const struct option longopts[] = {
	        {"db", required_argument, NULL, OPT_DB},
	        {"socket", required_argument, NULL, OPT_SOCKET},
	        {"pidfile", required_argument, NULL, OPT_PIDFILE},
	        {"detach", no_argument, NULL, OPT_DETACH},
	        {"log-file", required_argument, NULL, OPT_LOG_FILE},
	        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	        {"help", no_argument, NULL, OPT_HELP},
	        {"version", no_argument, NULL, OPT_VERSION},
	        {NULL, 0, NULL, 0},
	};
	int c;

	o->level = VLL_INFO;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			free(o->db);
			o->db = abs_path(optarg);
			break;
		case OPT_SOCKET:
			free(o->socket);
			o->socket = abs_path(optarg);
			break;
		case OPT_PIDFILE:
			free(o->pidfile);
			o->pidfile = abs_path(optarg);
			break;
		case OPT_DETACH:
			o->detach = true;
			break;
		case OPT_LOG_FILE:
			free(o->log_file);
			o->log_file = abs_path(optarg);
			break;
		case OPT_LOG_LEVEL:
			if (vlog_level_parse(optarg, &o->level)) {
				fprintf(stderr,
				        "patchbayd: invalid log level '%s' (use err, warn, info or "
				        "debug)\n",
				        optarg);
				usage(stderr);
				exit(2);
			}
			break;
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("patchbayd %s\n", PB_VERSION);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "patchbayd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		exit(2);
	}
	if (!o->db)
		o->db = xstrdup(DEFAULT_DB);
	if (!o->socket)
		o->socket = xstrdup(DEFAULT_SOCKET);
}

/* A start-up failure: "patchbayd: MESSAGE" on stderr (which is still the
 * terminal when detaching), and in the log file if there is one. */
static void PB_PRINTF(1, 2) start_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "patchbayd: %s\n", msg);
	if (daemon_.logging_to_file)
		VLOG_ERR("%s", msg);
}

static void signal_cb(struct pbd_watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	while (read(daemon_.sig_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			VLOG_INFO("signal %u: shutting down", si.ssi_signo);
			daemon_.exiting = true;
			break;
		case SIGHUP:
			if (vlog_reopen())
				VLOG_WARN("cannot reopen the log file");
			else
				VLOG_INFO("SIGHUP: log file reopened");
			break;
		default:
			break;
		}
	}
}

static void timer_cb(struct pbd_watch *w, uint32_t events)
{
	uint64_t expirations;

	if (read(daemon_.timer_fd, &expirations, sizeof(expirations)) < 0)
		return;
	ofswitch_run(daemon_.state.sw);
	pbd_flows_sync(&daemon_.state); /* flows that timed out */
	/* Changes made by controllers (at most once a second). */
	pbd_ofp_save_changed(&daemon_.state, false);
	if (++daemon_.ticks % RETRY_TICKS == 0 && daemon_.state.n_absent)
		pbd_retry_absent(&daemon_.state);
}

static void agent_cb(struct pbd_watch *w, uint32_t events)
{
	ofagent_run(daemon_.state.agent);
}

static int add_watch(int fd, struct pbd_watch *w, void (*cb)(struct pbd_watch *, uint32_t))
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};

	w->cb = cb;
	return epoll_ctl(daemon_.epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int setup_loop(void)
{
	struct itimerspec its = {.it_interval = {1, 0}, .it_value = {1, 0}};
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	daemon_.sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	daemon_.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (daemon_.sig_fd < 0 || daemon_.timer_fd < 0 ||
	    timerfd_settime(daemon_.timer_fd, 0, &its, NULL) < 0 ||
	    add_watch(daemon_.sig_fd, &daemon_.sig_watch, signal_cb) < 0 ||
	    add_watch(daemon_.timer_fd, &daemon_.timer_watch, timer_cb) < 0)
		return -errno;
	return 0;
}

static void main_loop(void)
{
	struct epoll_event events[64];

	while (!daemon_.exiting) {
		int n = epoll_wait(daemon_.epfd, events, ARRAY_SIZE(events), -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			VLOG_ERR("epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			struct pbd_watch *w = events[i].data.ptr;

			w->cb(w, events[i].events);
		}
	}
}

int main(int argc, char *argv[])
{
	struct options o = {0};
	struct errmsg err = {""};
	struct pbd *d = &daemon_.state;
	int status = 1, error;
	sigset_t mask;

	parse_options(argc, argv, &o);
	vlog_set_level(o.level);
	if (o.log_file) {
		if ((error = vlog_open(o.log_file))) {
			fprintf(stderr, "patchbayd: %s: %s\n", o.log_file, strerror(-error));
			return 1;
		}
		daemon_.logging_to_file = true;
	}

	/* Signals are only taken through the signalfd. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	if (o.detach && (error = daemonize_start())) {
		start_error("cannot detach: %s", strerror(-error));
		return 1;
	}
	VLOG_INFO("patchbayd %s starting (db %s, socket %s)", PB_VERSION, o.db, o.socket);

	d->db_path = o.db;
	if ((error = config_load(o.db, &d->cfg, &err))) {
		start_error("%s: %s", o.db, err.msg);
		goto out;
	}
	daemon_.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (daemon_.epfd < 0 || setup_loop() < 0) {
		start_error("cannot set up the main loop: %s", strerror(errno));
		goto out;
	}
	/* Listen before touching the switch: this refuses to run beside
	 * another daemon.  Clients queue until the main loop runs. */
	if ((error = rpc_server_open(o.socket, daemon_.epfd, rpcm_dispatch, d, &daemon_.server,
	                             &err))) {
		start_error("%s", err.msg);
		goto out;
	}
	d->epfd = daemon_.epfd;
	d->rpc = daemon_.server;
	if ((error = ofswitch_create("socket", &d->sw, &err))) {
		start_error("cannot create the switch: %s", err.msg);
		goto out;
	}
	if ((error = ofagent_create(d->sw, &d->agent, &err)) ||
	    (error = add_watch(ofagent_fd(d->agent), &daemon_.agent_watch, agent_cb))) {
		start_error("cannot start the OpenFlow agent: %s",
		            err.msg[0] ? err.msg : strerror(errno));
		goto out;
	}
	if ((error = pbd_restore(d, &err))) {
		start_error("%s: %s", o.db, err.msg);
		goto out;
	}
	if (o.pidfile && (error = pidfile_write(o.pidfile, &err))) {
		start_error("%s", err.msg);
		goto out;
	}
	VLOG_INFO("ready: %zu bridge(s), %zu absent port(s)", d->cfg->n_bridges, d->n_absent);
	daemonize_complete();

	main_loop();
	status = daemon_.exiting ? 0 : 1;
out:
	rpc_server_close(daemon_.server);
	capture_close_all(d);
	if (d->agent && d->cfg && status == 0)
		pbd_ofp_save_changed(d, true);
	ofagent_destroy(d->agent);
	d->agent = NULL;
	ofswitch_destroy(d->sw);
	pidfile_remove(o.pidfile);
	pbd_clear(d);
	if (daemon_.sig_fd >= 0)
		close(daemon_.sig_fd);
	if (daemon_.timer_fd >= 0)
		close(daemon_.timer_fd);
	if (daemon_.epfd >= 0)
		close(daemon_.epfd);
	VLOG_INFO("exiting with status %d", status);
	free(o.db);
	free(o.socket);
	free(o.pidfile);
	free(o.log_file);
	return status;
}
