/* cmd-ofp.c - pbctl's OpenFlow agent commands: set-controller,
 * del-controller, get-controller, and groups and meters in ovs-ofctl
 * syntax (add-group, mod-group, del-groups, dump-groups, add-meter,
 * mod-meter, del-meters, dump-meters).  The daemon parses the text; pbctl
 * only carries it. */
#include "cli/pbctl.h"

#include <stdio.h>
#include <string.h>

int cmd_set_controller(struct pbctl_ctx *ctx, int argc, char **argv)
{
	json_t *params, *targets = json_array();
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], NULL);
	if (!params) {
		json_decref(targets);
		return status;
	}
	for (int i = 1; i < argc; i++) {
		json_t *s = json_string(argv[i]);

		if (!s) {
			json_decref(targets);
			json_decref(params);
			return pbctl_usage_error(ctx, "'%s' is not valid UTF-8", argv[i]);
		}
		json_array_append_new(targets, s);
	}
	json_object_set_new(params, "targets", targets);
	return pbctl_call_print(ctx, "set-controller", params, NULL);
}

int cmd_del_controller(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "del-controller", argv[0], NULL);
}

/* get-controller in text:
 *   controller tcp:127.0.0.1:6653: connected role=master version=0x04 for 12s
 *   listener ptcp:6653:0.0.0.0: listening on ptcp:6653:0.0.0.0, 1 connection(s)
 *   connection 127.0.0.1:40312 (via ptcp:6653:0.0.0.0): connected role=equal ...
 *   fail-mode: standalone
 *   datapath-id: 0000aabbccddeeff */
static int print_controllers(const json_t *result)
{
	const json_t *conns = json_object_get(result, "connections"), *c;
	size_t i;

	if (!json_is_array(conns))
		return output_bad_reply("no connection list");
	json_array_foreach(conns, i, c)
	{
		const char *kind = json_string_value(json_object_get(c, "kind")) ?: "?";
		const char *role = json_string_value(json_object_get(c, "role"));
		const char *error = json_string_value(json_object_get(c, "last_error"));
		const char *via = json_string_value(json_object_get(c, "listener"));
		const json_t *version = json_object_get(c, "version");
		char buf[2][32];

		printf("%s %s", kind, json_string_value(json_object_get(c, "target")) ?: "?");
		if (via)
			printf(" (via %s)", via);
		printf(": %s", json_string_value(json_object_get(c, "state")) ?: "?");
		if (!strcmp(kind, "listener")) {
			printf(" on %s, %s connection(s)",
			       json_string_value(json_object_get(c, "bound")) ?: "?",
			       output_scalar(json_object_get(c, "connections"), buf[0],
			                     sizeof(buf[0])));
		} else {
			if (role)
				printf(" role=%s", role);
			if (json_is_integer(version) && json_integer_value(version))
				printf(" version=0x%02x",
				       (unsigned int)json_integer_value(version));
		}
		printf(" for %ss",
		       output_scalar(json_object_get(c, "seconds"), buf[1], sizeof(buf[1])));
		if (error && *error)
			printf(" last_error=\"%s\"", error);
		putchar('\n');
	}
	printf("fail-mode: %s\n", json_string_value(json_object_get(result, "fail-mode")) ?: "?");
	printf("datapath-id: %s\n",
	       json_string_value(json_object_get(result, "datapath-id")) ?: "?");
	return 0;
}

int cmd_get_controller(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "get-controller", argv[0], print_controllers);
}

/* BRIDGE TEXT (TEXT optional for the del/dump commands) as params
 * {"bridge", key}. */
static int text_call(struct pbctl_ctx *ctx, const char *method, const char *key, int argc,
                     char **argv, output_text_fn *text)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", argv[0], key, argc > 1 ? argv[1] : "", NULL);
	if (!params)
		return status;
	return pbctl_call_print(ctx, method, params, text);
}

int cmd_add_group(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return text_call(ctx, "add-group", "group", argc, argv, NULL);
}

int cmd_mod_group(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return text_call(ctx, "mod-group", "group", argc, argv, NULL);
}

int cmd_del_groups(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return text_call(ctx, "del-groups", "group", argc, argv, NULL);
}

/* One " TEXT" line per entry of 'key' (as ovs-ofctl dump-groups). */
static int print_texts(const json_t *result, const char *key, const char *prefix)
{
	const json_t *list = json_object_get(result, key), *e;
	size_t i;

	if (!json_is_array(list))
		return output_bad_reply("no list");
	json_array_foreach(list, i, e)
	        printf("%s%s\n", prefix, json_string_value(json_object_get(e, "text")) ?: "?");
	return 0;
}

static int print_groups(const json_t *result)
{
	return print_texts(result, "groups", " ");
}

int cmd_dump_groups(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return text_call(ctx, "dump-groups", "group", argc, argv, print_groups);
}

int cmd_add_meter(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return text_call(ctx, "add-meter", "meter", argc, argv, NULL);
}

int cmd_mod_meter(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return text_call(ctx, "mod-meter", "meter", argc, argv, NULL);
}

int cmd_del_meters(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return text_call(ctx, "del-meters", "meter", argc, argv, NULL);
}

static int print_meters(const json_t *result)
{
	return print_texts(result, "meters", "");
}

int cmd_dump_meters(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return text_call(ctx, "dump-meters", "meter", argc, argv, print_meters);
}
