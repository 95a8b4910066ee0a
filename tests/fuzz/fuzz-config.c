/* fuzz-config.c - libFuzzer target for the config parser: any input must
 * either be refused with a one-line message or parse into a config that
 * formats and parses back to the same text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config-store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL, *again = NULL;
	struct errmsg err = {""};
	char *text, *text2;

	if (config_parse((const char *)data, size, &cfg, &err)) {
		if (cfg || !err.msg[0] || strchr(err.msg, '\n'))
			abort();
		return 0;
	}
	text = config_format(cfg);
	if (config_parse(text, strlen(text), &again, &err))
		abort();
	text2 = config_format(again);
	if (strcmp(text, text2))
		abort();
	free(text);
	free(text2);
	config_free(again);
	config_free(cfg);
	return 0;
}
