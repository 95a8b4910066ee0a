/* pbctl-common.c - helpers every pbctl command uses: calling the daemon with
 * its errors turned into "pbctl: MESSAGE", usage errors, and KEY=VALUE
 * operands. */
#include "cli/pbctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pbctl_call(struct pbctl_ctx *ctx, const char *method, json_t *params, json_t **resultp)
{
	struct errmsg err;
	int error;

	*resultp = NULL;
	if (!ctx->rpc) {
		error = rpc_client_open(ctx->socket_path, ctx->timeout_ms, &ctx->rpc, &err);
		if (error) {
			json_decref(params);
			goto out;
		}
	}
	error = rpc_client_call(ctx->rpc, method, params, resultp, &err);
out:
	if (error) {
		fprintf(stderr, "pbctl: %s\n", err.msg);
		return PBCTL_EXIT_ERROR;
	}
	return PBCTL_EXIT_OK;
}

int pbctl_call_print(struct pbctl_ctx *ctx, const char *method, json_t *params,
                     output_text_fn *text)
{
	json_t *result;
	int status;

	status = pbctl_call(ctx, method, params, &result);
	if (!status)
		status = output_result(ctx->format, result, text);
	json_decref(result);
	return status;
}

int pbctl_bridge_call(struct pbctl_ctx *ctx, const char *method, const char *bridge,
                      output_text_fn *text)
{
	json_t *params;
	int status;

	params = pbctl_params(ctx, &status, "bridge", bridge, NULL);
	if (!params)
		return status;
	return pbctl_call_print(ctx, method, params, text);
}

int pbctl_usage_error(const struct pbctl_ctx *ctx, const char *fmt, ...)
{
	const struct pbctl_command *cmd = ctx->cmd;
	va_list ap;

	fprintf(stderr, "pbctl: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (usage: pbctl %s%s%s); try 'pbctl help'\n", cmd->name,
	        *cmd->args ? " " : "", cmd->args);
	return PBCTL_EXIT_USAGE;
}

json_t *pbctl_params(const struct pbctl_ctx *ctx, int *statusp, ...)
{
	json_t *params = json_object();
	const char *key;
	va_list ap;

	*statusp = 0;
	va_start(ap, statusp);
	while ((key = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);

		if (json_object_set_new(params, key, json_string(value))) {
			*statusp = pbctl_usage_error(ctx, "'%s' is not valid UTF-8", value);
			break;
		}
	}
	va_end(ap);
	if (*statusp) {
		json_decref(params);
		params = NULL;
	}
	return params;
}

int pbctl_parse_options(const struct pbctl_ctx *ctx, int argc, char **argv, json_t **optionsp)
{
	json_t *options = json_object();
	int status = 0;

	for (int i = 0; i < argc && !status; i++) {
		const char *eq = strchr(argv[i], '=');
		char *key;

		if (!eq || eq == argv[i]) {
			status = pbctl_usage_error(ctx, "'%s' is not KEY=VALUE", argv[i]);
			break;
		}
		key = xasprintf("%.*s", (int)(eq - argv[i]), argv[i]);
		if (json_object_get(options, key))
			status = pbctl_usage_error(ctx, "option '%s' given twice", key);
		else if (json_object_set_new(options, key, json_string(eq + 1)))
			status = pbctl_usage_error(ctx, "'%s' is not valid UTF-8", argv[i]);
		free(key);
	}
	if (status) {
		json_decref(options);
		options = NULL;
	}
	*optionsp = options;
	return status;
}
