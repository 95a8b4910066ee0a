/* cmd-bridge.c - pbctl's bridge commands: add-br, del-br, list-br, show and
 * set bridge, with the text forms of list-br and show. */
#include "cli/pbctl.h"

#include <stdio.h>
#include <string.h>

int cmd_add_br(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "add-br", argv[0], NULL);
}

int cmd_del_br(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "del-br", argv[0], NULL);
}

static int print_bridge_names(const json_t *result)
{
	const json_t *bridges = json_object_get(result, "bridges"), *name;
	size_t i;

	if (!json_is_array(bridges))
		return output_bad_reply("no bridge list");
	json_array_foreach(bridges, i, name) if (json_is_string(name))
	        puts(json_string_value(name));
	return 0;
}

int cmd_list_br(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_call_print(ctx, "list-br", NULL, print_bridge_names);
}

/* One port of 'show':
 *     1(p1): type=veth peer=p1-ns netns=ns1 link=up mac=aa:bb:cc:dd:ee:ff mtu=1500 */
static void print_port(const json_t *port)
{
	const json_t *options = json_object_get(port, "options"), *value, *error;
	static const char *const keys[] = {"link", "mac", "mtu"};
	char buf[64], buf2[64];
	const char *key;

	printf("    %s(%s): type=%s",
	       output_scalar(json_object_get(port, "ofport"), buf, sizeof(buf)),
	       json_string_value(json_object_get(port, "name")) ?: "?",
	       output_scalar(json_object_get(port, "type"), buf2, sizeof(buf2)));
	json_object_foreach((json_t *)options, key, value) if (!json_is_null(value))
	        printf(" %s=%s", key, output_scalar(value, buf, sizeof(buf)));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		value = json_object_get(port, keys[i]);
		if (value && !json_is_null(value))
			printf(" %s=%s", keys[i], output_scalar(value, buf, sizeof(buf)));
	}
	error = json_object_get(port, "error");
	if (json_is_string(error) && json_string_length(error))
		printf(" error=\"%s\"", json_string_value(error));
	putchar('\n');
}

/* 'show' in text:
 * br0: datapath=socket mac-aging=300 mac-table-size=8192 flow-limit=1000000
 *     1(p1): type=veth ...                                          */
static int print_show(const json_t *result)
{
	const json_t *bridges = json_object_get(result, "bridges"), *bridge, *ports, *port;
	char buf[4][64];
	size_t i, j;

	if (!json_is_array(bridges))
		return output_bad_reply("no bridge list");
	json_array_foreach(bridges, i, bridge)
	{
		printf("%s: datapath=%s mac-aging=%s mac-table-size=%s flow-limit=%s\n",
		       json_string_value(json_object_get(bridge, "name")) ?: "?",
		       output_scalar(json_object_get(bridge, "datapath"), buf[0], sizeof(buf[0])),
		       output_scalar(json_object_get(bridge, "mac-aging"), buf[1], sizeof(buf[1])),
		       output_scalar(json_object_get(bridge, "mac-table-size"), buf[2],
		                     sizeof(buf[2])),
		       output_scalar(json_object_get(bridge, "flow-limit"), buf[3],
		                     sizeof(buf[3])));
		ports = json_object_get(bridge, "ports");
		json_array_foreach(ports, j, port) print_port(port);
	}
	return 0;
}

int cmd_show(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_call_print(ctx, "show", NULL, print_show);
}

/* set bridge BRIDGE KEY=VALUE... */
int cmd_set(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params, *options;
	int status;

	if (!strcmp(argv[0], "port"))
		return cmd_set_port(ctx, argc - 1, argv + 1);
	if (strcmp(argv[0], "bridge"))
		return pbctl_usage_error(ctx, "cannot set '%s' (allowed: bridge, port)", argv[0]);
	params = pbctl_params(ctx, &status, "bridge", argv[1], NULL);
	if (!params)
		return status;
	status = pbctl_parse_options(ctx, argc - 2, argv + 2, &options);
	if (status) {
		json_decref(params);
		return status;
	}
	json_object_set_new(params, "options", options);
	return pbctl_call_print(ctx, "set-bridge", params, NULL);
}
