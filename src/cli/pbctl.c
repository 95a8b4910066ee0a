/* pbctl.c - pbctl's entry point: global options, the command table and its
 * dispatch, and the commands that need no daemon state (help, version). */
#include "cli/pbctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PB_VERSION
#define PB_VERSION "unknown"
#endif

#define PBCTL_DEFAULT_TIMEOUT_MS 10000

static int cmd_help(struct pbctl_ctx *ctx, int argc, char **argv);
static int cmd_version(struct pbctl_ctx *ctx, int argc, char **argv);

const struct pbctl_command pbctl_commands[] = {
        {"Bridges", "add-br", "BRIDGE", "create a bridge", NULL, 1, 1, cmd_add_br},
        {"Bridges", "del-br", "BRIDGE", "delete a bridge and all of its ports", NULL, 1, 1,
         cmd_del_br},
        {"Bridges", "list-br", "", "print the bridge names, one per line", NULL, 0, 0, cmd_list_br},
        {"Bridges", "show", "", "show every bridge and its ports", NULL, 0, 0, cmd_show},
        {"Bridges", "set", "bridge BRIDGE|port PORT KEY=VALUE...", "change bridge or port settings",
         "Keys: mac-aging=SECONDS (10..1000000), mac-table-size=N (1..1048576),\n"
         "flow-limit=N (flows per OpenFlow table, 1..16000000), datapath=socket,\n"
         "fail-mode=standalone|secure, ofp-listen=ptcp:PORT[:IP]|punix:PATH[,...] ('' for\n"
         "none), datapath-id=HEX (1..16 hex digits; 0 = derived from the name).\n"
         "Port keys (an empty value unsets; see docs/vlan-mirror.md):\n"
         "vlan-mode=access|trunk|native-tagged|native-untagged|dot1q-tunnel,\n"
         "tag=N (0..4095), trunks=LIST, cvlans=LIST (e.g. 10,20-30).",
         3, -1, cmd_set},
        {"Ports", "add-port", "BRIDGE PORT [KEY=VALUE]...", "add a port to a bridge",
         "Keys: type=system|tap|internal|veth (default system: an existing device),\n"
         "peer=NAME (veth only, required there), netns=NS (veth only: the peer's\n"
         "namespace), ofport=N (1..65279; default the lowest free number).",
         2, -1, cmd_add_port},
        {"Ports", "del-port", "BRIDGE PORT", "remove a port from a bridge", NULL, 2, 2,
         cmd_del_port},
        {"Ports", "list-ports", "BRIDGE", "print a bridge's port names, one per line", NULL, 1, 1,
         cmd_list_ports},
        {"Ports", "dump-ports", "BRIDGE", "print packet counters of a bridge's ports", NULL, 1, 1,
         cmd_dump_ports},
        {"VLANs and mirrors", "add-mirror", "BRIDGE NAME [select-all] [KEY=VALUE]...",
         "mirror traffic to a port (SPAN) or a VLAN (RSPAN)",
         "Keys: select-src=PORT[,PORT...], select-dst=PORT[,PORT...], select-vlan=LIST,\n"
         "and exactly one of output-port=PORT or output-vlan=N (1..4095).",
         2, -1, cmd_add_mirror},
        {"VLANs and mirrors", "del-mirror", "BRIDGE NAME", "delete a mirror", NULL, 2, 2,
         cmd_del_mirror},
        {"VLANs and mirrors", "list-mirrors", "BRIDGE", "print a bridge's mirrors and counters",
         NULL, 1, 1, cmd_list_mirrors},
        {"MAC learning", "fdb-show", "BRIDGE", "print a bridge's learned MAC addresses", NULL, 1, 1,
         cmd_fdb_show},
        {"MAC learning", "fdb-flush", "BRIDGE", "forget a bridge's learned MAC addresses", NULL, 1,
         1, cmd_fdb_flush},
        {"OpenFlow", "add-flow", "BRIDGE FLOW", "add a flow (ovs-ofctl syntax)",
         "FLOW: [table=N,][priority=N,][cookie=V,][idle_timeout=S,][hard_timeout=S,]\n"
         "MATCH...,actions=ACTIONS, e.g. 'priority=100,ip,nw_dst=10.0.0.0/24,actions=output:2'.\n"
         "Ports may be given by name or number.  See docs/pbctl.md.",
         2, 2, cmd_add_flow},
        {"OpenFlow", "add-flows", "BRIDGE FILE", "add the flows of FILE ('-' = stdin), all or none",
         "One flow per line; blank lines and lines starting with '#' are skipped.\n"
         "Every line is checked before any is added; an error names the line.",
         2, 2, cmd_add_flows},
        {"OpenFlow", "mod-flows", "BRIDGE FLOW [--strict]", "change the actions of matching flows",
         "Without --strict every flow that the match covers is changed; with --strict\n"
         "only the one with exactly this match and priority.",
         2, 2, cmd_mod_flows},
        {"OpenFlow", "del-flows", "BRIDGE [MATCH] [--strict]",
         "delete matching flows (all without MATCH)", NULL, 1, 2, cmd_del_flows},
        {"OpenFlow", "dump-flows", "BRIDGE [MATCH]", "print flows with their counters",
         "MATCH may include table=N to show one table.", 1, 2, cmd_dump_flows},
        {"OpenFlow", "dump-megaflows", "BRIDGE", "print the datapath's megaflows for a bridge",
         NULL, 1, 1, cmd_dump_megaflows},
        {"OpenFlow", "flush-megaflows", "BRIDGE", "remove a bridge's megaflows from the datapath",
         NULL, 1, 1, cmd_flush_megaflows},
        {"OpenFlow", "trace", "BRIDGE PACKET", "show how the tables would handle a packet",
         "PACKET: match syntax with exact values, e.g.\n"
         "'in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,ip,nw_dst=10.0.0.2'.\n"
         "Nothing is forwarded and nothing is learned.",
         2, 2, cmd_trace},
        {"OpenFlow agent", "set-controller", "BRIDGE TARGET...",
         "connect a bridge to OpenFlow controllers",
         "TARGET: tcp:IP[:PORT] (default port 6653; IPv6 as tcp:[::1]:6653) or\n"
         "unix:/ABSOLUTE/PATH.  Replaces the bridge's controllers; connections to\n"
         "targets that stay are kept.  Listeners for tools such as ovs-ofctl are set\n"
         "with 'pbctl set bridge BRIDGE ofp-listen=ptcp:PORT[:IP]'.",
         2, -1, cmd_set_controller},
        {"OpenFlow agent", "del-controller", "BRIDGE", "disconnect a bridge from its controllers",
         NULL, 1, 1, cmd_del_controller},
        {"OpenFlow agent", "get-controller", "BRIDGE",
         "show a bridge's controllers, listeners and their state",
         "Each line: controller, listener or (accepted) connection, its state\n"
         "(connected, connecting, backoff, listening), role and last error.",
         1, 1, cmd_get_controller},
        {"OpenFlow agent", "add-group", "BRIDGE GROUP", "add a group (ovs-ofctl syntax)",
         "GROUP: group_id=N,type=all|select|indirect|fast_failover,bucket=[weight:W,]\n"
         "[watch_port:P,]actions=ACTIONS[,bucket=...], e.g.\n"
         "'group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=actions=output:2'.",
         2, 2, cmd_add_group},
        {"OpenFlow agent", "mod-group", "BRIDGE GROUP", "replace a group's type and buckets", NULL,
         2, 2, cmd_mod_group},
        {"OpenFlow agent", "del-groups", "BRIDGE [GROUP]",
         "delete a group (group_id=N) or all, with the flows using them", NULL, 1, 2,
         cmd_del_groups},
        {"OpenFlow agent", "dump-groups", "BRIDGE [GROUP]", "print groups (or group_id=N)", NULL, 1,
         2, cmd_dump_groups},
        {"OpenFlow agent", "add-meter", "BRIDGE METER", "add a meter (ovs-ofctl syntax)",
         "METER: meter=N,kbps|pktps[,burst][,stats],bands=type=drop|dscp_remark,rate=R\n"
         "[,burst_size=B][,prec_level=P], e.g. 'meter=1,kbps,bands=type=drop,rate=1000'.",
         2, 2, cmd_add_meter},
        {"OpenFlow agent", "mod-meter", "BRIDGE METER", "replace a meter's flags and bands", NULL,
         2, 2, cmd_mod_meter},
        {"OpenFlow agent", "del-meters", "BRIDGE [METER]",
         "delete a meter (meter=N) or all, with the flows using them", NULL, 1, 2, cmd_del_meters},
        {"OpenFlow agent", "dump-meters", "BRIDGE [METER]", "print meters (or meter=N)", NULL, 1, 2,
         cmd_dump_meters},
        {"Capture", "capture", "BRIDGE -w FILE [OPTION]...",
         "capture a bridge's frames to a pcapng or pcap file",
         "Options: --port PORT (repeatable or comma-separated; default every port),\n"
         "--direction in|out|both, --count N, --duration SECS, --snaplen BYTES,\n"
         "--format pcapng|pcap (default pcapng), -w FILE ('-' = stdout).\n"
         "Stops at --count/--duration or on Ctrl-C; prints the loss counts on stderr.\n"
         "See docs/capture.md.",
         1, -1, cmd_capture},
        {"Other", "version", "", "print the versions of pbctl and patchbayd", NULL, 0, 0,
         cmd_version},
        {"Other", "help", "[COMMAND]", "print this help, or a command's", NULL, 0, 1, cmd_help},
        {NULL, NULL, NULL, NULL, NULL, 0, 0, NULL},
};

static const struct pbctl_command *find_command(const char *name)
{
	for (const struct pbctl_command *cmd = pbctl_commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

static void print_usage(FILE *stream)
{
	const char *group = NULL;

	fprintf(stream, "Usage: pbctl [OPTION]... COMMAND [ARG]...\n"
	                "Configure and inspect the Patchbay virtual switch through patchbayd.\n");
	for (const struct pbctl_command *cmd = pbctl_commands; cmd->name; cmd++) {
		char *synopsis = xasprintf("%s%s%s", cmd->name, *cmd->args ? " " : "", cmd->args);

		if (!group || strcmp(group, cmd->group)) {
			group = cmd->group;
			fprintf(stream, "\n%s:\n", group);
		}
		fprintf(stream, "  %-36s %s\n", synopsis, cmd->summary);
		free(synopsis);
	}
	fprintf(stream,
	        "\nOptions (allowed anywhere on the line):\n"
	        "  --socket PATH     patchbayd's socket (default: $PATCHBAY_SOCKET, else\n"
	        "                    " RPC_DEFAULT_SOCKET ")\n"
	        "  --timeout SECS    wait at most SECS seconds for the daemon (default 10)\n"
	        "  -j, --json        print the daemon's result as one line of JSON\n"
	        "  -p, --pretty      print the daemon's result as indented JSON\n"
	        "  -h, --help        print this help, or the command's\n"
	        "  --strict          mod-flows, del-flows: exact match and priority only\n"
	        "\nExit status: 0 success, 1 error, 2 usage error.\n");
}

static void print_command_help(const struct pbctl_command *cmd)
{
	printf("Usage: pbctl %s%s%s\n%c%s.\n", cmd->name, *cmd->args ? " " : "", cmd->args,
	       cmd->summary[0] - 'a' + 'A', cmd->summary + 1);
	if (cmd->details)
		printf("%s\n", cmd->details);
}

static int cmd_help(struct pbctl_ctx *ctx, int argc, char **argv)
{
	const struct pbctl_command *cmd;

	if (!argc) {
		print_usage(stdout);
		return PBCTL_EXIT_OK;
	}
	cmd = find_command(argv[0]);
	if (!cmd)
		return pbctl_usage_error(ctx, "unknown command '%s'", argv[0]);
	print_command_help(cmd);
	return PBCTL_EXIT_OK;
}

static int cmd_version(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *result = NULL, *daemon_version = NULL, *out;
	int status;

	if (ctx->format == OUTPUT_TEXT) {
		printf("pbctl %s\n", PB_VERSION);
		fflush(stdout);
	}
	status = pbctl_call(ctx, "version", NULL, &result);
	if (!status) {
		daemon_version = json_object_get(result, "version");
		if (!json_is_string(daemon_version)) {
			status = output_bad_reply("no version");
			daemon_version = NULL;
		}
	}
	if (ctx->format == OUTPUT_TEXT) {
		if (daemon_version)
			printf("patchbayd %s\n", json_string_value(daemon_version));
	} else {
		out = json_pack("{s:s, s:O?}", "client", PB_VERSION, "daemon", daemon_version);
		output_json(ctx->format, out);
		json_decref(out);
	}
	json_decref(result);
	return status;
}

/* Usage errors that are not about one command's operands. */
static int usage_error(const char *fmt, ...) PB_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pbctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; try 'pbctl help'\n", stderr);
	return PBCTL_EXIT_USAGE;
}

/* Matches "--NAME VALUE" and "--NAME=VALUE" at argv[*i]; on a match stores
 * the value (or NULL if missing) in '*value' and advances '*i' past it. */
static bool match_long_value(const char *name, int argc, char **argv, int *i, const char **value)
{
	const char *arg = argv[*i] + 2;
	size_t len = strlen(name);

	if (strncmp(arg, name, len) || (arg[len] && arg[len] != '='))
		return false;
	if (arg[len] == '=')
		*value = arg + len + 1;
	else
		*value = *i + 1 < argc ? argv[++*i] : NULL;
	return true;
}

struct global_opts {
	bool json, pretty, help, strict;
};

/* Parses one option argv[*i] (which starts with '-').  Returns 0 or a usage
 * exit status. */
static int parse_option(struct pbctl_ctx *ctx, struct global_opts *opts, int argc, char **argv,
                        int *i)
{
	const char *arg = argv[*i], *value;
	uint64_t secs;

	if (arg[1] != '-') {
		/* Short options may be bundled: -jp. */
		for (const char *c = arg + 1; *c; c++) {
			if (*c == 'j')
				opts->json = true;
			else if (*c == 'p')
				opts->pretty = true;
			else if (*c == 'h')
				opts->help = true;
			else
				return usage_error("unknown option '%s'", arg);
		}
		return 0;
	}
	if (!strcmp(arg, "--json")) {
		opts->json = true;
	} else if (!strcmp(arg, "--pretty")) {
		opts->pretty = true;
	} else if (!strcmp(arg, "--help")) {
		opts->help = true;
	} else if (!strcmp(arg, "--strict")) {
		opts->strict = true;
	} else if (match_long_value("socket", argc, argv, i, &value)) {
		if (!value || !*value)
			return usage_error("option '%s' needs a PATH", arg);
		ctx->socket_path = value;
	} else if (match_long_value("timeout", argc, argv, i, &value)) {
		if (!value || parse_uint(value, 1, 3600, &secs))
			return usage_error("option '%s' needs SECS, 1..3600", arg);
		ctx->timeout_ms = (int)secs * 1000;
	} else {
		return usage_error("unknown option '%s'", arg);
	}
	return 0;
}

/* Commands whose synopsis says "[OPTION]..." parse their own options: the
 * ones that are not global options reach them as operands. */
static bool command_takes_options(const char *name)
{
	const struct pbctl_command *cmd = find_command(name);

	return cmd && strstr(cmd->args, "[OPTION]...");
}

static bool is_global_option(const char *arg)
{
	static const char *const longs[] = {"--json",   "--pretty", "--help",
	                                    "--strict", "--socket", "--timeout"};

	if (arg[1] != '-')
		return arg[1] && strspn(arg + 1, "jph") == strlen(arg + 1);
	for (size_t i = 0; i < ARRAY_SIZE(longs); i++) {
		size_t len = strlen(longs[i]);

		if (!strncmp(arg, longs[i], len) && (!arg[len] || arg[len] == '='))
			return true;
	}
	return false;
}

/* Names the first missing operand after 'given' ones, from the synopsis. */
static int missing_operand(const struct pbctl_ctx *ctx, int given)
{
	const char *p = ctx->cmd->args;
	size_t len;

	for (int i = 0; i < given && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || !*p)
		return pbctl_usage_error(ctx, "missing arguments");
	len = strcspn(p, " ");
	return pbctl_usage_error(ctx, "missing %.*s", (int)len, p);
}

static int run(int argc, char **argv)
{
	struct pbctl_ctx ctx = {.socket_path = getenv("PATCHBAY_SOCKET"),
	                        .timeout_ms = PBCTL_DEFAULT_TIMEOUT_MS};
	struct global_opts opts = {false, false, false, false};
	char **operands = xcalloc((size_t)argc + 1, sizeof(*operands));
	bool end_of_options = false;
	int n = 0, status = 0;

	if (!ctx.socket_path || !*ctx.socket_path)
		ctx.socket_path = RPC_DEFAULT_SOCKET;
	for (int i = 1; i < argc && !status; i++) {
		if (end_of_options || argv[i][0] != '-' || !argv[i][1])
			operands[n++] = argv[i];
		else if (!strcmp(argv[i], "--"))
			end_of_options = true;
		else if (n && command_takes_options(operands[0]) && !is_global_option(argv[i]))
			operands[n++] = argv[i]; /* the command parses it */
		else
			status = parse_option(&ctx, &opts, argc, argv, &i);
	}
	if (status)
		goto out;
	ctx.format = opts.pretty ? OUTPUT_JSON_PRETTY : opts.json ? OUTPUT_JSON : OUTPUT_TEXT;

	if (!n) {
		if (opts.help) {
			print_usage(stdout);
			goto out;
		}
		status = usage_error("missing command");
		goto out;
	}
	ctx.cmd = find_command(operands[0]);
	if (!ctx.cmd) {
		status = usage_error("unknown command '%s'", operands[0]);
		goto out;
	}
	if (opts.help) {
		print_command_help(ctx.cmd);
		goto out;
	}
	/* Commands that take --strict say so in their synopsis. */
	ctx.strict = opts.strict;
	if (opts.strict && !strstr(ctx.cmd->args, "--strict"))
		status = pbctl_usage_error(&ctx, "option '--strict' is not allowed here");
	else if (n - 1 < ctx.cmd->min_args)
		status = missing_operand(&ctx, n - 1);
	else if (ctx.cmd->max_args >= 0 && n - 1 > ctx.cmd->max_args)
		status = pbctl_usage_error(&ctx, "unexpected argument '%s'",
		                           operands[1 + ctx.cmd->max_args]);
	else
		status = ctx.cmd->run(&ctx, n - 1, operands + 1);
	rpc_client_close(ctx.rpc);
out:
	free(operands);
	return status;
}

int main(int argc, char **argv)
{
	int status = run(argc, argv);

	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "pbctl: cannot write output: %s\n", strerror(errno));
		status = PBCTL_EXIT_ERROR;
	}
	return status;
}
