/* cmd-vlan-mirror.c - pbctl's port VLAN and mirror commands: set port,
 * add-mirror, del-mirror and list-mirrors (with its text table). */
#include "cli/pbctl.h"

#include <stdio.h>
#include <string.h>

/* set port PORT KEY=VALUE... (argv[0] is PORT) */
int cmd_set_port(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params, *options;
	int status;

	params = pbctl_params(ctx, &status, "port", argv[0], NULL);
	if (!params)
		return status;
	status = pbctl_parse_options(ctx, argc - 1, argv + 1, &options);
	if (status) {
		json_decref(params);
		return status;
	}
	json_object_set_new(params, "options", options);
	return pbctl_call_print(ctx, "set-port", params, NULL);
}

/* add-mirror BRIDGE NAME [select-all] [KEY=VALUE]... */
int cmd_add_mirror(struct pbctl_ctx *ctx, int argc, char **argv)
{
	char *rest[64];
	int n_rest = 0, status;
	bool all = false;
	json_t *params, *options;

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "select-all")) {
			if (all)
				return pbctl_usage_error(ctx, "select-all given twice");
			all = true;
		} else if (n_rest < (int)ARRAY_SIZE(rest)) {
			rest[n_rest++] = argv[i];
		} else {
			return pbctl_usage_error(ctx, "too many options");
		}
	}
	params = pbctl_params(ctx, &status, "bridge", argv[0], "mirror", argv[1], NULL);
	if (!params)
		return status;
	status = pbctl_parse_options(ctx, n_rest, rest, &options);
	if (status) {
		json_decref(params);
		return status;
	}
	if (all) {
		if (json_object_get(options, "select-all")) {
			json_decref(options);
			json_decref(params);
			return pbctl_usage_error(ctx, "select-all given twice");
		}
		json_object_set_new(options, "select-all", json_string("true"));
	}
	json_object_set_new(params, "options", options);
	return pbctl_call_print(ctx, "add-mirror", params, NULL);
}

int cmd_del_mirror(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], "mirror", argv[1], NULL);
	if (!params)
		return status;
	return pbctl_call_print(ctx, "del-mirror", params, NULL);
}

/* "p1,p2" from a JSON array of names, "-" when absent. */
static const char *join(const json_t *arr, char *buf, size_t size)
{
	const json_t *v;
	size_t i, len = 0;

	if (!json_is_array(arr) || !json_array_size(arr))
		return "-";
	buf[0] = '\0';
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "",
			                        json_string_value(v));
	}
	return buf;
}

static const struct output_column mirror_columns[] = {
        {"mirror", false}, {"select-src", false}, {"select-dst", false}, {"select-vlan", false},
        {"output", false}, {"packets", true},     {"bytes", true},
};

static int print_mirrors(const json_t *result)
{
	const json_t *mirrors = json_object_get(result, "mirrors"), *m;
	struct output_table *table;
	size_t i;

	if (!json_is_array(mirrors))
		return output_bad_reply("no mirror list");
	table = output_table_create(mirror_columns, ARRAY_SIZE(mirror_columns));
	json_array_foreach(mirrors, i, m)
	{
		char src[256], dst[256], vlans[256], out[64], pk[32], by[32];
		const json_t *port = json_object_get(m, "output-port");
		const char *cells[ARRAY_SIZE(mirror_columns)];
		bool all = json_is_true(json_object_get(m, "select-all"));

		if (json_is_string(port))
			snprintf(out, sizeof out, "port %s", json_string_value(port));
		else
			snprintf(out, sizeof out, "vlan %s",
			         output_scalar(json_object_get(m, "output-vlan"), pk, sizeof pk));
		cells[0] = json_string_value(json_object_get(m, "name")) ?: "?";
		cells[1] = all ? "all" : join(json_object_get(m, "select-src"), src, sizeof src);
		cells[2] = all ? "all" : join(json_object_get(m, "select-dst"), dst, sizeof dst);
		cells[3] = output_scalar(json_object_get(m, "select-vlan"), vlans, sizeof vlans);
		cells[4] = out;
		cells[5] = output_scalar(json_object_get(m, "packets"), pk, sizeof pk);
		cells[6] = output_scalar(json_object_get(m, "bytes"), by, sizeof by);
		output_table_add_row(table, cells);
	}
	output_table_print(table, stdout);
	output_table_destroy(table);
	return 0;
}

int cmd_list_mirrors(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "list-mirrors", argv[0], print_mirrors);
}
