/* fuzz-ofp-wire.c - libFuzzer target for the OpenFlow 1.3 wire codec of
 * matches, actions and instructions: any input is decoded as a struct
 * ofp_match, an action list and an instruction list; whatever decodes must
 * encode to bytes that decode back to the same match / ofpacts list (and
 * re-encode to the same bytes), and a decoded match must pass the
 * whole-match prerequisite check. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/ofp-match.h"
#include "openflow/ofp-oxm.h"
#include "openflow/ofp-wire-actions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_match(const uint8_t *data, size_t size)
{
	struct match m, again;
	struct ofpbuf b, b2;
	struct ofperr oe = {0};
	size_t consumed;

	if (oxm_match_decode(data, size, &m, &consumed, &oe)) {
		if (!oe.set || oe.type != OFPET_BAD_MATCH)
			abort();
		return;
	}
	if (consumed > size || consumed % 8 || match_check_prereqs(&m, NULL))
		abort();
	ofpbuf_init(&b, 64);
	ofpbuf_init(&b2, 64);
	oxm_match_encode(&m, &b);
	if (oxm_match_decode(b.data, b.size, &again, &consumed, &oe) || consumed != b.size ||
	    !match_equal(&m, &again))
		abort();
	oxm_match_encode(&again, &b2);
	if (b.size != b2.size || memcmp(b.data, b2.data, b.size))
		abort();
	ofpbuf_uninit(&b);
	ofpbuf_uninit(&b2);
}

static void check_list(const uint8_t *data, size_t size, bool inst)
{
	struct ofpacts_buf out, again;
	struct ofpbuf b, b2;
	struct ofperr oe = {0};
	int error;

	ofpacts_buf_init(&out);
	ofpacts_buf_init(&again);
	error = inst ? ofpacts_decode_instructions(data, size, &out, &oe)
	             : ofpacts_decode_actions(data, size, &out, &oe);
	if (error) {
		if (!oe.set || (oe.type != OFPET_BAD_ACTION && oe.type != OFPET_BAD_INSTRUCTION))
			abort();
		ofpacts_buf_uninit(&out);
		return;
	}
	ofpbuf_init(&b, 64);
	ofpbuf_init(&b2, 64);
	if (inst)
		ofpacts_encode_instructions((const struct ofpact *)(const void *)out.data, out.size,
		                            &b);
	else
		ofpacts_encode_actions((const struct ofpact *)(const void *)out.data, out.size, &b);
	error = inst ? ofpacts_decode_instructions(b.data, b.size, &again, &oe)
	             : ofpacts_decode_actions(b.data, b.size, &again, &oe);
	if (error || !ofpacts_equal((const struct ofpact *)(const void *)out.data, out.size,
	                            (const struct ofpact *)(const void *)again.data, again.size))
		abort();
	if (inst)
		ofpacts_encode_instructions((const struct ofpact *)(const void *)again.data,
		                            again.size, &b2);
	else
		ofpacts_encode_actions((const struct ofpact *)(const void *)again.data, again.size,
		                       &b2);
	if (b.size != b2.size || memcmp(b.data, b2.data, b.size))
		abort();
	ofpbuf_uninit(&b);
	ofpbuf_uninit(&b2);
	ofpacts_buf_uninit(&out);
	ofpacts_buf_uninit(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, so that reads past 'size' are caught by ASan. */
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	check_match(copy, size);
	check_list(copy, size, false);
	check_list(copy, size, true);
	free(copy);
	return 0;
}
