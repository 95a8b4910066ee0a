/* pbctl.h - what pbctl's command files share: the run context, the
 * command-table entry, the command functions, and helpers that turn failures
 * into pbctl's exit statuses (0 success, 1 error, 2 usage). */
#ifndef PB_CLI_PBCTL_H
#define PB_CLI_PBCTL_H

#include <jansson.h>

#include "cli/output.h"
#include "cli/rpc-client.h"
#include "lib/util.h"

enum {
	PBCTL_EXIT_OK = 0,
	PBCTL_EXIT_ERROR = 1,
	PBCTL_EXIT_USAGE = 2,
};

struct pbctl_command;

/* Everything a command needs; filled by main() from the global options. */
struct pbctl_ctx {
	const char *socket_path;
	int timeout_ms;
	enum output_format format;
	bool strict;                     /* --strict (mod-flows, del-flows). */
	const struct pbctl_command *cmd; /* The command being run. */
	struct rpc_client *rpc;          /* Connected by the first pbctl_call(). */
};

/* A command runs with the operands that follow its name (options such as -j
 * already removed) and returns an exit status.  main() has already checked
 * that there are between 'min_args' and 'max_args' (-1: no limit) of them. */
typedef int pbctl_run_fn(struct pbctl_ctx *ctx, int argc, char **argv);

struct pbctl_command {
	const char *group; /* Heading in 'pbctl help', e.g. "Bridges". */
	const char *name;
	const char *args;    /* Synopsis of the operands, e.g. "BRIDGE PORT". */
	const char *summary; /* One line for 'pbctl help'. */
	const char *details; /* More lines for 'pbctl help COMMAND', or NULL. */
	int min_args, max_args;
	pbctl_run_fn *run;
};

/* Sends 'method' with 'params' (stolen; NULL for none) to the daemon,
 * connecting first if needed.  Returns 0 with the result in '*resultp' (to be
 * json_decref'd), or prints "pbctl: MESSAGE" to stderr and returns
 * PBCTL_EXIT_ERROR. */
int pbctl_call(struct pbctl_ctx *ctx, const char *method, json_t *params, json_t **resultp);

/* Calls 'method' and prints its result through output_result() with 'text'.
 * Returns the exit status. */
int pbctl_call_print(struct pbctl_ctx *ctx, const char *method, json_t *params,
                     output_text_fn *text);

/* pbctl_call_print() for the many methods whose only param is "bridge". */
int pbctl_bridge_call(struct pbctl_ctx *ctx, const char *method, const char *bridge,
                      output_text_fn *text);

/* Prints "pbctl: COMMAND: MESSAGE (usage: ...; try 'pbctl help')" for the
 * running command and returns PBCTL_EXIT_USAGE. */
int pbctl_usage_error(const struct pbctl_ctx *ctx, const char *fmt, ...) PB_PRINTF(2, 3);

/* Builds a params object from NULL-terminated pairs of string keys and
 * values.  Returns it, or NULL with a usage message printed and '*statusp'
 * set to PBCTL_EXIT_USAGE if a value is not valid UTF-8. */
json_t *pbctl_params(const struct pbctl_ctx *ctx, int *statusp, ...) __attribute__((sentinel));

/* Collects KEY=VALUE operands into a new JSON object of strings in
 * '*optionsp'.  Checks only the shape (an '=' after a non-empty key, no key
 * twice); the daemon judges keys and values.  Returns 0 or, after a usage
 * message, PBCTL_EXIT_USAGE. */
int pbctl_parse_options(const struct pbctl_ctx *ctx, int argc, char **argv, json_t **optionsp);

/* The command table (pbctl.c), ending with a NULL name. */
extern const struct pbctl_command pbctl_commands[];

/* The commands (cmd-bridge.c, cmd-port.c, cmd-fdb.c, cmd-flow.c). */
int cmd_add_br(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_del_br(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_list_br(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_show(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_set(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_add_port(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_del_port(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_list_ports(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_dump_ports(struct pbctl_ctx *ctx, int argc, char **argv);
/* cmd-vlan-mirror.c; cmd_set_port gets PORT KEY=VALUE... (from cmd_set). */
int cmd_set_port(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_add_mirror(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_del_mirror(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_list_mirrors(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_fdb_show(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_fdb_flush(struct pbctl_ctx *ctx, int argc, char **argv);
/* cmd-flow.c */
int cmd_add_flow(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_add_flows(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_mod_flows(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_del_flows(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_dump_flows(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_dump_megaflows(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_flush_megaflows(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_trace(struct pbctl_ctx *ctx, int argc, char **argv);
/* cmd-ofp.c */
int cmd_set_controller(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_del_controller(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_get_controller(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_add_group(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_mod_group(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_del_groups(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_dump_groups(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_add_meter(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_mod_meter(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_del_meters(struct pbctl_ctx *ctx, int argc, char **argv);
int cmd_dump_meters(struct pbctl_ctx *ctx, int argc, char **argv);
/* cmd-capture.c */
int cmd_capture(struct pbctl_ctx *ctx, int argc, char **argv);

#endif
