/* cmd-capture.c - `pbctl capture`: asks patchbayd to tap a bridge's ports,
 * reads the frames it streams back (lib/capture-stream.h) and writes them
 * as pcapng or pcap (lib/pcap-write.h) to a file or stdout, then prints the
 * end-of-capture summary with the loss counts on stderr.  See
 * docs/capture.md. */
#include "cli/pbctl.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/capture-stream.h"
#include "lib/pcap-write.h"

#define CAPTURE_READ_CHUNK (1u << 20)

struct capture_args {
	const char *bridge;
	const char *file;
	json_t *ports; /* array of names, or NULL */
	const char *direction;
	uint64_t count;
	double duration;
	uint64_t snaplen;
	uint64_t ring_size;
	enum pcapw_format format;
};

/* Returns the value of option argv[*i] ("--name VALUE", "--name=VALUE",
 * "-w VALUE"), advancing '*i', or NULL (usage error printed in '*status'). */
static const char *opt_value(const struct pbctl_ctx *ctx, int argc, char **argv, int *i,
                             const char *name, int *status)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');

	if (arg[1] == '-' && eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		*status = pbctl_usage_error(ctx, "option '%s' needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

/* Does argv[i] name option 'name' (with or without "=VALUE")? */
static bool is_opt(const char *arg, const char *name)
{
	size_t len = strlen(name);

	return !strncmp(arg, name, len) && (!arg[len] || (arg[len] == '=' && name[1] == '-'));
}

static int add_ports(const struct pbctl_ctx *ctx, json_t **ports, const char *list)
{
	char *copy = xstrdup(list), *save = NULL, *name;
	int status = 0;

	if (!*ports)
		*ports = json_array();
	if (!*list)
		status = pbctl_usage_error(ctx, "option '--port' needs a port name");
	for (name = strtok_r(copy, ",", &save); name && !status;
	     name = strtok_r(NULL, ",", &save)) {
		struct errmsg err;

		if (name_check(name, "port name", &err))
			status = pbctl_usage_error(ctx, "%s", err.msg);
		else
			json_array_append_new(*ports, json_string(name));
	}
	free(copy);
	return status;
}

static int parse_args(const struct pbctl_ctx *ctx, int argc, char **argv, struct capture_args *a)
{
	int status = 0;

	a->format = PCAPW_PCAPNG;
	for (int i = 0; i < argc && !status; i++) {
		const char *arg = argv[i], *v;
		char *end;

		if (arg[0] != '-' || !arg[1]) {
			if (a->bridge)
				return pbctl_usage_error(ctx, "unexpected argument '%s'", arg);
			a->bridge = arg;
		} else if (is_opt(arg, "-w") || is_opt(arg, "--write")) {
			if ((v = opt_value(ctx, argc, argv, &i, "-w", &status)))
				a->file = v;
		} else if (is_opt(arg, "--port")) {
			if ((v = opt_value(ctx, argc, argv, &i, "--port", &status)))
				status = add_ports(ctx, &a->ports, v);
		} else if (is_opt(arg, "--direction")) {
			if (!(v = opt_value(ctx, argc, argv, &i, "--direction", &status)))
				break;
			if (strcmp(v, "in") && strcmp(v, "out") && strcmp(v, "both"))
				status = pbctl_usage_error(
				        ctx, "invalid direction '%s' (use in, out or both)", v);
			a->direction = v;
		} else if (is_opt(arg, "--count")) {
			if (!(v = opt_value(ctx, argc, argv, &i, "--count", &status)))
				break;
			if (parse_uint(v, 1, INT64_MAX, &a->count))
				status = pbctl_usage_error(
				        ctx, "invalid count '%s' (a number of packets, 1 or more)",
				        v);
		} else if (is_opt(arg, "--duration")) {
			if (!(v = opt_value(ctx, argc, argv, &i, "--duration", &status)))
				break;
			errno = 0;
			a->duration = strtod(v, &end);
			if (errno || end == v || *end || !isfinite(a->duration) ||
			    a->duration <= 0 || a->duration > 31536000)
				status = pbctl_usage_error(
				        ctx, "invalid duration '%s' (seconds, > 0, e.g. 2.5)", v);
		} else if (is_opt(arg, "--snaplen")) {
			if (!(v = opt_value(ctx, argc, argv, &i, "--snaplen", &status)))
				break;
			if (parse_uint(v, 1, PCAPW_SNAPLEN_MAX, &a->snaplen))
				status = pbctl_usage_error(ctx,
				                           "invalid snaplen '%s' (bytes, 1..%u)", v,
				                           PCAPW_SNAPLEN_MAX);
		} else if (is_opt(arg, "--format")) {
			if (!(v = opt_value(ctx, argc, argv, &i, "--format", &status)))
				break;
			if (!strcmp(v, "pcapng"))
				a->format = PCAPW_PCAPNG;
			else if (!strcmp(v, "pcap"))
				a->format = PCAPW_PCAP;
			else
				status = pbctl_usage_error(
				        ctx, "invalid format '%s' (use pcapng or pcap)", v);
		} else if (is_opt(arg, "--ring-size")) { /* debugging: docs/capture.md */
			if (!(v = opt_value(ctx, argc, argv, &i, "--ring-size", &status)))
				break;
			if (parse_uint(v, 4096, 256u << 20, &a->ring_size))
				status = pbctl_usage_error(
				        ctx, "invalid ring size '%s' (bytes, 4096..268435456)", v);
		} else {
			status = pbctl_usage_error(ctx, "unknown option '%s'", arg);
		}
	}
	if (status)
		return status;
	if (!a->bridge)
		return pbctl_usage_error(ctx, "missing BRIDGE");
	if (!a->file)
		return pbctl_usage_error(ctx, "missing '-w FILE' (use '-w -' for stdout)");
	return 0;
}

static json_t *build_params(const struct capture_args *a)
{
	json_t *p = json_pack("{s:s}", "bridge", a->bridge);

	if (a->ports)
		json_object_set(p, "ports", a->ports);
	if (a->direction)
		json_object_set_new(p, "direction", json_string(a->direction));
	if (a->count)
		json_object_set_new(p, "count", json_integer((json_int_t)a->count));
	if (a->duration > 0)
		json_object_set_new(p, "duration", json_real(a->duration));
	if (a->snaplen)
		json_object_set_new(p, "snaplen", json_integer((json_int_t)a->snaplen));
	if (a->ring_size)
		json_object_set_new(p, "ring_size", json_integer((json_int_t)a->ring_size));
	return p;
}

/* ---- the stream -------------------------------------------------------- */

struct capture_run {
	struct pcapw *w;
	const char *file;
	int out_fd;
	bool out_broken; /* the reader of our output went away (EPIPE) */
	int out_errno;   /* another write error */
	uint32_t snaplen;
	uint32_t n_ifaces;
	uint64_t written; /* frames written */
	json_t *end;      /* the END record's summary */
	char *buf;
	size_t len, cap;
};

/* Writes what the encoder holds.  A reader that went away (EPIPE) only
 * stops the output; other errors are remembered. */
static void run_write(struct capture_run *r)
{
	size_t len;
	const char *p = pcapw_data(r->w, &len);
	size_t done = 0;

	while (done < len && !r->out_broken && !r->out_errno) {
		ssize_t n = write(r->out_fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE)
			r->out_broken = true;
		else if (n < 0)
			r->out_errno = errno;
		else
			done += (size_t)n;
	}
	pcapw_consume(r->w, len);
}

/* Parses the complete records in r->buf.  0, or PBCTL_EXIT_ERROR after a
 * message if the stream is malformed. */
static int run_parse(struct capture_run *r)
{
	size_t off = 0;
	int status = 0;

	while (!r->end && r->len - off >= sizeof(struct capstream_hdr)) {
		struct capstream_hdr h;
		const char *payload;

		memcpy(&h, r->buf + off, sizeof h);
		if (h.len > CAPSTREAM_MAX_PAYLOAD) {
			fprintf(stderr,
			        "pbctl: capture: invalid stream from patchbayd (record of "
			        "%u bytes)\n",
			        h.len);
			status = PBCTL_EXIT_ERROR;
			break;
		}
		if (r->len - off - sizeof h < h.len)
			break;
		payload = r->buf + off + sizeof h;
		if (h.type == CAPSTREAM_PACKET) {
			struct capstream_packet pk;
			uint32_t cap_len;

			if (h.len < sizeof pk)
				goto bad;
			memcpy(&pk, payload, sizeof pk);
			cap_len = h.len - (uint32_t)sizeof pk;
			if (pk.iface >= r->n_ifaces || cap_len > r->snaplen ||
			    cap_len > pk.orig_len)
				goto bad;
			pcapw_packet(r->w, pk.iface, pk.ts_ns,
			             pk.dir == CAPSTREAM_DIR_IN ? PCAPW_DIR_IN : PCAPW_DIR_OUT,
			             payload + sizeof pk, cap_len, pk.orig_len);
			r->written++;
		} else if (h.type == CAPSTREAM_END) {
			r->end = json_loadb(payload, h.len, 0, NULL);
			if (!json_is_object(r->end))
				goto bad;
		} else {
			goto bad;
		}
		off += sizeof h + h.len;
	}
	if (off) {
		memmove(r->buf, r->buf + off, r->len - off);
		r->len -= off;
	}
	return status;
bad:
	fprintf(stderr, "pbctl: capture: invalid stream from patchbayd\n");
	json_decref(r->end);
	r->end = NULL;
	return PBCTL_EXIT_ERROR;
}

static uint64_t jget(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v)
	                                                       : 0;
}

/* Interface statistics into the file (pcapng) and the summary on stderr. */
static void run_finish(struct capture_run *r, const char *bridge)
{
	json_t *ifaces = json_object_get(r->end, "interfaces");
	const char *reason = json_string_value(json_object_get(r->end, "reason"));
	uint64_t ring = jget(r->end, "ring_lost"), daemon = jget(r->end, "daemon_lost");

	for (uint32_t i = 0; i < r->n_ifaces; i++) {
		json_t *o = json_array_get(ifaces, i);
		uint64_t c = jget(o, "captured"), rl = jget(o, "ring_lost"),
		         dl = jget(o, "daemon_lost");
		char comment[160];
		struct pcapw_stats st = {.start_ns = jget(r->end, "start_ns"),
		                         .end_ns = jget(r->end, "end_ns"),
		                         .received = c + rl + dl,
		                         .dropped = rl,
		                         .os_dropped = dl,
		                         .delivered = c,
		                         .comment = comment};

		snprintf(
		        comment, sizeof comment,
		        "patchbay: %llu captured, %llu lost in the datapath ring, %llu lost in the "
		        "daemon",
		        (unsigned long long)c, (unsigned long long)rl, (unsigned long long)dl);
		pcapw_stats(r->w, i, &st);
	}
	fprintf(stderr,
	        "pbctl: capture on %s ended (%s): %llu packets captured, %llu lost in the "
	        "datapath ring, %llu lost in the daemon\n",
	        bridge, reason ? reason : "?", (unsigned long long)r->written,
	        (unsigned long long)ring, (unsigned long long)daemon);
}

/* Reads the stream until the END record.  SIGINT/SIGTERM/SIGHUP (through
 * 'sfd') ask the daemon to stop by shutting down our sending side; a
 * second one stops reading at once. */
static int run_loop(struct capture_run *r, int fd, int sfd)
{
	struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
	bool stopping = false;
	int status;

	if ((status = run_parse(r)))
		return status;
	run_write(r);
	while (!r->end) {
		ssize_t n;

		if ((r->out_broken || r->out_errno) && !stopping) {
			shutdown(fd, SHUT_WR);
			stopping = true;
		}
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "pbctl: capture: poll: %s\n", strerror(errno));
			return PBCTL_EXIT_ERROR;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof si) == sizeof si) {
				if (stopping) {
					fprintf(stderr, "pbctl: capture: interrupted again: not "
					                "waiting for the end of the capture\n");
					return PBCTL_EXIT_ERROR;
				}
				shutdown(fd, SHUT_WR);
				stopping = true;
			}
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (r->cap - r->len < CAPTURE_READ_CHUNK) {
			r->cap = PB_MAX(r->cap * 2, r->len + 2 * CAPTURE_READ_CHUNK);
			r->buf = xrealloc(r->buf, r->cap);
		}
		n = recv(fd, r->buf + r->len, r->cap - r->len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			fprintf(stderr,
			        "pbctl: capture: patchbayd closed the connection before the end "
			        "of the capture%s%s\n",
			        n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return PBCTL_EXIT_ERROR;
		}
		r->len += (size_t)n;
		if ((status = run_parse(r)))
			return status;
		run_write(r);
	}
	return 0;
}

/* Checks the reply and prepares the encoder with one interface per port. */
static int run_setup(struct capture_run *r, const json_t *reply, enum pcapw_format format)
{
	json_t *ifaces = json_object_get(reply, "interfaces"), *v;
	json_int_t snaplen = json_integer_value(json_object_get(reply, "snaplen"));
	size_t i;

	if (!json_is_array(ifaces) || !json_array_size(ifaces) || snaplen < 1 ||
	    snaplen > PCAPW_SNAPLEN_MAX)
		return output_bad_reply("no interface list or snaplen");
	r->snaplen = (uint32_t)snaplen;
	r->w = pcapw_create(format, r->snaplen, "patchbay pbctl " PB_VERSION);
	json_array_foreach(ifaces, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		uint32_t idx;

		if (!name || pcapw_add_iface(r->w, name, &idx))
			return output_bad_reply("bad interface name");
	}
	r->n_ifaces = (uint32_t)json_array_size(ifaces);
	return 0;
}

/* "pbctl: capturing on br0: p1, p2 (direction both, snaplen 262144)", like
 * tcpdump's "listening on": the tap is in place from here on. */
static void print_start(const json_t *reply, const char *bridge)
{
	json_t *ifaces = json_object_get(reply, "interfaces"), *v;
	const char *dir = json_string_value(json_object_get(reply, "direction"));
	size_t i;

	fprintf(stderr, "pbctl: capturing on %s:", bridge);
	json_array_foreach(ifaces, i, v)
	{
		fprintf(stderr, "%s %s", i ? "," : "",
		        json_string_value(json_object_get(v, "name")));
	}
	fprintf(stderr, " (direction %s, snaplen %u)\n", dir ? dir : "?",
	        (unsigned)json_integer_value(json_object_get(reply, "snaplen")));
}

static int open_output(struct capture_run *r)
{
	if (!strcmp(r->file, "-")) {
		r->out_fd = STDOUT_FILENO;
		return 0;
	}
	r->out_fd = open(r->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (r->out_fd < 0) {
		fprintf(stderr, "pbctl: capture: cannot write %s: %s\n", r->file, strerror(errno));
		return PBCTL_EXIT_ERROR;
	}
	return 0;
}

int cmd_capture(struct pbctl_ctx *ctx, int argc, char **argv)
{
	struct capture_args a = {0};
	struct capture_run r = {.out_fd = -1};
	json_t *reply = NULL;
	sigset_t mask;
	int status, fd = -1, sfd = -1;

	status = parse_args(ctx, argc, argv, &a);
	if (status)
		goto out;
	r.file = a.file;

	/* Signals are read from a signalfd from here on, so that none is lost
	 * between checking and waiting; a closed reader is an EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL); /* kept blocked until exit */
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "pbctl: capture: signalfd: %s\n", strerror(errno));
		status = PBCTL_EXIT_ERROR;
		goto out;
	}

	status = pbctl_call(ctx, "capture", build_params(&a), &reply);
	if (status)
		goto out;
	fd = rpc_client_detach(ctx->rpc, &r.buf, &r.len);
	ctx->rpc = NULL;
	r.cap = r.len;
	if ((status = run_setup(&r, reply, a.format)))
		goto out;
	if ((status = open_output(&r)))
		goto out;
	print_start(reply, a.bridge);
	status = run_loop(&r, fd, sfd);
	if (r.end)
		run_finish(&r, a.bridge);
	run_write(&r);
	if (r.out_errno) {
		fprintf(stderr, "pbctl: capture: cannot write %s: %s\n",
		        strcmp(a.file, "-") ? a.file : "to stdout", strerror(r.out_errno));
		status = PBCTL_EXIT_ERROR;
	}
	if (r.out_fd >= 0 && r.out_fd != STDOUT_FILENO && close(r.out_fd) < 0 && !status) {
		fprintf(stderr, "pbctl: capture: cannot write %s: %s\n", a.file, strerror(errno));
		status = PBCTL_EXIT_ERROR;
	}
out:
	if (fd >= 0)
		close(fd);
	if (sfd >= 0)
		close(sfd);
	json_decref(r.end);
	json_decref(reply);
	json_decref(a.ports);
	pcapw_destroy(r.w);
	free(r.buf);
	return status;
}
