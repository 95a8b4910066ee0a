/* cmd-flow.c - pbctl's OpenFlow commands, in the manner of ovs-ofctl:
 * add-flow, add-flows, mod-flows, del-flows, dump-flows, and the datapath
 * views dump-megaflows, flush-megaflows and trace.  The daemon parses the
 * flow text; pbctl only carries it. */
#include "cli/pbctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The daemon refuses requests longer than this (docs/rpc.md). */
#define FLOW_REQUEST_MAX (1u << 20)

int cmd_add_flow(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], "flow", argv[1], NULL);
	if (!params)
		return status;
	return pbctl_call_print(ctx, "add-flow", params, NULL);
}

/* Reads all of 'path' ("-" = stdin) into a NUL-terminated heap buffer.
 * NULL with "pbctl: PATH: REASON" printed on failure. */
static char *read_all(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t len = 0, cap = 4096;
	char *buf;

	if (!f) {
		fprintf(stderr, "pbctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(cap);
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (len + 1 < cap)
			break;
		cap *= 2;
		buf = xrealloc(buf, cap);
	}
	if (ferror(f)) {
		fprintf(stderr, "pbctl: %s: %s\n", path, strerror(errno));
		free(buf);
		buf = NULL;
	} else {
		buf[len] = '\0';
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* add-flows BRIDGE FILE: every line of FILE goes to the daemon, which skips
 * blank lines and comments and names bad lines by their number. */
int cmd_add_flows(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params, *lines;
	char *text, *line, *next;
	size_t lineno = 0;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], NULL);
	if (!params)
		return status;
	text = read_all(argv[1]);
	if (!text) {
		json_decref(params);
		return PBCTL_EXIT_ERROR;
	}
	lines = json_array();
	for (line = text; *line; line = next) {
		size_t len = strcspn(line, "\n");
		json_t *s;

		next = line + len + (line[len] == '\n');
		if (len && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		lineno++;
		s = json_string(line);
		if (!s) {
			fprintf(stderr, "pbctl: %s: line %zu is not valid UTF-8\n", argv[1],
			        lineno);
			status = PBCTL_EXIT_ERROR;
			break;
		}
		json_array_append_new(lines, s);
	}
	free(text);
	json_object_set_new(params, "flows", lines);
	if (!status) {
		char *dump = json_dumps(params, JSON_COMPACT);

		if (dump && strlen(dump) >= FLOW_REQUEST_MAX - 256) {
			fprintf(stderr,
			        "pbctl: %s: too large for one request (at most 1 MiB); split it "
			        "into several files\n",
			        argv[1]);
			status = PBCTL_EXIT_ERROR;
		}
		free(dump);
	}
	if (status) {
		json_decref(params);
		return status;
	}
	return pbctl_call_print(ctx, "add-flows", params, NULL);
}

int cmd_mod_flows(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], "flow", argv[1], NULL);
	if (!params)
		return status;
	json_object_set_new(params, "strict", json_boolean(ctx->strict));
	return pbctl_call_print(ctx, "mod-flows", params, NULL);
}

int cmd_del_flows(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], "match", argc > 1 ? argv[1] : "",
	                      NULL);
	if (!params)
		return status;
	json_object_set_new(params, "strict", json_boolean(ctx->strict));
	return pbctl_call_print(ctx, "del-flows", params, NULL);
}

/* One rule as ovs-ofctl dump-flows prints it:
 *  cookie=0x0, duration=12.345s, table=0, n_packets=3, n_bytes=180,
 *  idle_timeout=10, priority=100,ip,nw_dst=10.0.0.0/24 actions=output:2 */
static void print_flow(const json_t *f)
{
	const json_t *idle = json_object_get(f, "idle_timeout");
	const json_t *hard = json_object_get(f, "hard_timeout");
	const json_t *duration = json_object_get(f, "duration");
	char b_cookie[32], b_table[16], b_pkts[32], b_bytes[32];

	printf(" cookie=%s, duration=%.3fs, table=%s, n_packets=%s, n_bytes=%s, ",
	       output_scalar(json_object_get(f, "cookie"), b_cookie, sizeof(b_cookie)),
	       json_is_number(duration) ? json_number_value(duration) : 0.0,
	       output_scalar(json_object_get(f, "table"), b_table, sizeof(b_table)),
	       output_scalar(json_object_get(f, "packets"), b_pkts, sizeof(b_pkts)),
	       output_scalar(json_object_get(f, "bytes"), b_bytes, sizeof(b_bytes)));
	if (json_is_integer(idle) && json_integer_value(idle))
		printf("idle_timeout=%" JSON_INTEGER_FORMAT ", ", json_integer_value(idle));
	if (json_is_integer(hard) && json_integer_value(hard))
		printf("hard_timeout=%" JSON_INTEGER_FORMAT ", ", json_integer_value(hard));
	puts(json_string_value(json_object_get(f, "text")) ?: "?");
}

static int print_flows(const json_t *result)
{
	const json_t *flows = json_object_get(result, "flows"), *f;
	size_t i;

	if (!json_is_array(flows))
		return output_bad_reply("no flow list");
	json_array_foreach(flows, i, f) print_flow(f);
	return 0;
}

int cmd_dump_flows(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], "match", argc > 1 ? argv[1] : "",
	                      NULL);
	if (!params)
		return status;
	return pbctl_call_print(ctx, "dump-flows", params, print_flows);
}

/* One megaflow as ovs-appctl dpctl/dump-flows prints it:
 * MATCH, packets:N, bytes:N, used:1.234s, actions:ACTIONS */
static int print_megaflows(const json_t *result)
{
	const json_t *mfs = json_object_get(result, "megaflows"), *m;
	char b_pkts[32], b_bytes[32], b_used[32];
	size_t i;

	if (!json_is_array(mfs))
		return output_bad_reply("no megaflow list");
	json_array_foreach(mfs, i, m)
	{
		const json_t *used = json_object_get(m, "used");

		if (json_is_number(used))
			snprintf(b_used, sizeof(b_used), "%.3fs", json_number_value(used));
		else
			snprintf(b_used, sizeof(b_used), "never");
		printf("%s, packets:%s, bytes:%s, used:%s, actions:%s\n",
		       json_string_value(json_object_get(m, "match")) ?: "?",
		       output_scalar(json_object_get(m, "packets"), b_pkts, sizeof(b_pkts)),
		       output_scalar(json_object_get(m, "bytes"), b_bytes, sizeof(b_bytes)), b_used,
		       json_string_value(json_object_get(m, "actions")) ?: "?");
	}
	return 0;
}

int cmd_dump_megaflows(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "dump-megaflows", argv[0], print_megaflows);
}

int cmd_flush_megaflows(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "flush-megaflows", argv[0], NULL);
}

static int print_report(const json_t *result)
{
	const char *report = json_string_value(json_object_get(result, "report"));
	size_t len;

	if (!report)
		return output_bad_reply("no trace report");
	len = strlen(report);
	fputs(report, stdout);
	if (len && report[len - 1] != '\n')
		putchar('\n');
	return 0;
}

int cmd_trace(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], "packet", argv[1], NULL);
	if (!params)
		return status;
	return pbctl_call_print(ctx, "trace", params, print_report);
}
