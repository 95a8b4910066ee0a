/* cmd-port.c - pbctl's port commands: add-port, del-port, list-ports and
 * dump-ports, with the text forms of list-ports and dump-ports. */
#include "cli/pbctl.h"

#include <stdio.h>

/* add-port BRIDGE PORT [KEY=VALUE]... */
int cmd_add_port(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params, *options;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], "port", argv[1], NULL);
	if (!params)
		return status;
	status = pbctl_parse_options(ctx, argc - 2, argv + 2, &options);
	if (status) {
		json_decref(params);
		return status;
	}
	json_object_set_new(params, "options", options);
	return pbctl_call_print(ctx, "add-port", params, NULL);
}

int cmd_del_port(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], "port", argv[1], NULL);
	if (!params)
		return status;
	return pbctl_call_print(ctx, "del-port", params, NULL);
}

static int print_port_names(const json_t *result)
{
	const json_t *ports = json_object_get(result, "ports"), *name;
	size_t i;

	if (!json_is_array(ports))
		return output_bad_reply("no port list");
	json_array_foreach(ports, i, name) if (json_is_string(name)) puts(json_string_value(name));
	return 0;
}

int cmd_list_ports(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "list-ports", argv[0], print_port_names);
}

/* dump-ports: one row per port, counters right-aligned. */
static const struct output_column counter_columns[] = {
        {"port", false},   {"ofport", true}, {"rx_pkts", true},   {"rx_bytes", true},
        {"rx_drop", true}, {"rx_err", true}, {"tx_pkts", true},   {"tx_bytes", true},
        {"tx_drop", true}, {"tx_err", true}, {"vlan_drop", true},
};

/* The JSON member behind each column of counter_columns. */
static const char *const counter_keys[] = {
        "name",       "ofport",   "rx_packets", "rx_bytes",  "rx_dropped", "rx_errors",
        "tx_packets", "tx_bytes", "tx_dropped", "tx_errors", "vlan_drops",
};

static int print_port_counters(const json_t *result)
{
	const json_t *ports = json_object_get(result, "ports"), *port;
	char bufs[ARRAY_SIZE(counter_keys)][32];
	const char *cells[ARRAY_SIZE(counter_keys)];
	struct output_table *table;
	size_t i;

	if (!json_is_array(ports))
		return output_bad_reply("no port list");
	table = output_table_create(counter_columns, ARRAY_SIZE(counter_columns));
	json_array_foreach(ports, i, port)
	{
		for (size_t c = 0; c < ARRAY_SIZE(counter_keys); c++)
			cells[c] = output_scalar(json_object_get(port, counter_keys[c]), bufs[c],
			                         sizeof(bufs[c]));
		output_table_add_row(table, cells);
	}
	output_table_print(table, stdout);
	output_table_destroy(table);
	return 0;
}

int cmd_dump_ports(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "dump-ports", argv[0], print_port_counters);
}
