/* fuzz-flow-text.c - libFuzzer target for the ovs-ofctl flow syntax: any
 * input is parsed as add-flow, del-flows and trace strings and as an action
 * list; whatever parses must format to text that parses back to the same
 * match, priority and actions (and formats identically). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/flow-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_name_to_port(const char *name, uint32_t *port, void *aux)
{
	(void)aux;
	if (!strcmp(name, "eth0")) {
		*port = 7;
		return 0;
	}
	return -1;
}

static const char *fuzz_port_to_name(uint32_t port, void *aux)
{
	(void)aux;
	return port == 7 ? "eth0" : NULL;
}

static const struct ofp_port_names names = {fuzz_name_to_port, fuzz_port_to_name, NULL};

static void check_round_trip(const struct flow_text_mod *fm)
{
	struct flow_text_mod again;
	struct errmsg err;
	char *s = flow_text_format_rule(&fm->match, fm->priority, fm->ofpacts, fm->ofpacts_len,
	                                &names);
	char *s2;

	if (flow_text_parse(s, FLOW_TEXT_ADD, &names, &again, &err))
		abort();
	if (!match_equal(&fm->match, &again.match) || fm->priority != again.priority ||
	    !ofpacts_equal(fm->ofpacts, fm->ofpacts_len, again.ofpacts, again.ofpacts_len))
		abort();
	s2 = flow_text_format_rule(&again.match, again.priority, again.ofpacts, again.ofpacts_len,
	                           &names);
	if (strcmp(s, s2))
		abort();
	free(s);
	free(s2);
	flow_text_mod_uninit(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow_text_mod fm;
	struct ofpacts_buf b;
	struct errmsg err;
	struct flow flow;
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = 0;
	if (strlen(s) != size)
		goto out; /* embedded NUL: not a C string */

	if (!flow_text_parse(s, FLOW_TEXT_ADD, &names, &fm, &err))
		check_round_trip(&fm);
	flow_text_mod_uninit(&fm);
	flow_text_parse(s, FLOW_TEXT_DELETE, &names, &fm, &err);
	flow_text_mod_uninit(&fm);
	flow_text_parse_packet(s, &names, &flow, &err);

	ofpacts_buf_init(&b);
	if (!ofpacts_parse(s, &names, &b, &err))
		free(ofpacts_to_string((const struct ofpact *)(const void *)b.data, b.size,
		                       &names));
	ofpacts_buf_uninit(&b);
out:
	free(s);
	return 0;
}
