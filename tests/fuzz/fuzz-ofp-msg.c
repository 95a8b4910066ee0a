/* fuzz-ofp-msg.c - libFuzzer target for the OpenFlow 1.3 message codec
 * (ofp-msgs.h) and the group/meter text syntax (ofp-group.h, ofp-meter.h).
 *
 * Binary inputs become a message (version 0x04 and the header's length
 * fixed up, so most inputs reach the body decoders) fed to
 * ofpmsg_decode_any(); FLOW_MOD, GROUP_MOD and METER_MOD that decode are
 * re-encoded and must decode to the same model.  Inputs starting with 'T'
 * are text: the rest is parsed as a group and as a meter, and whatever
 * parses must format to text that parses back to the same model. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openflow/ofp-msgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_flow_mod(const uint8_t *p, size_t len)
{
	struct flow_text_mod fm, fm2;
	enum flow_text_cmd cmd, cmd2;
	bool strict, strict2;
	struct ofpbuf b;

	if (ofpmsg_decode_flow_mod(p, len, &fm, &cmd, &strict, NULL, NULL) == 0) {
		ofpbuf_init(&b, 0);
		ofpmsg_encode_flow_mod(&b, 1, cmd, strict, &fm);
		if (ofpmsg_decode_flow_mod(b.data, b.size, &fm2, &cmd2, &strict2, NULL, NULL) ||
		    cmd != cmd2 || strict != strict2 ||
		    memcmp(&fm.match, &fm2.match, sizeof fm.match) || fm.priority != fm2.priority ||
		    fm.table_id != fm2.table_id)
			abort();
		flow_text_mod_uninit(&fm2);
		ofpbuf_uninit(&b);
	}
	flow_text_mod_uninit(&fm);
}

static void check_group_mod(const uint8_t *p, size_t len)
{
	struct ofp_group_mod gm, gm2;
	struct strbuf s1, s2;
	struct ofpbuf b;

	if (ofpmsg_decode_group_mod(p, len, &gm, NULL, NULL) == 0) {
		ofpbuf_init(&b, 0);
		ofpmsg_encode_group_mod(&b, 1, &gm);
		if (ofpmsg_decode_group_mod(b.data, b.size, &gm2, NULL, NULL))
			abort();
		strbuf_init(&s1);
		strbuf_init(&s2);
		ofp_group_format(&gm, NULL, &s1);
		ofp_group_format(&gm2, NULL, &s2);
		if (gm.command != gm2.command || strcmp(s1.s, s2.s))
			abort();
		strbuf_uninit(&s1);
		strbuf_uninit(&s2);
		ofp_group_mod_uninit(&gm2);
		ofpbuf_uninit(&b);
	}
	ofp_group_mod_uninit(&gm);
}

static void check_meter_mod(const uint8_t *p, size_t len)
{
	struct ofp_meter_mod mm, mm2;
	struct ofpbuf b;

	if (ofpmsg_decode_meter_mod(p, len, &mm, NULL, NULL) == 0) {
		ofpbuf_init(&b, 0);
		ofpmsg_encode_meter_mod(&b, 1, &mm);
		if (ofpmsg_decode_meter_mod(b.data, b.size, &mm2, NULL, NULL) ||
		    memcmp(&mm, &mm2, sizeof mm))
			abort();
		ofpbuf_uninit(&b);
	}
}

static void fuzz_text(const char *s)
{
	struct ofp_group_mod gm, gm2;
	struct ofp_meter_mod mm, mm2;
	struct strbuf sb, sb2;

	if (ofp_group_mod_parse(s, OFPGC_ADD, NULL, &gm, NULL) == 0) {
		strbuf_init(&sb);
		ofp_group_format(&gm, NULL, &sb);
		if (ofp_group_mod_parse(sb.s, OFPGC_ADD, NULL, &gm2, NULL))
			abort();
		strbuf_init(&sb2);
		ofp_group_format(&gm2, NULL, &sb2);
		if (strcmp(sb.s, sb2.s))
			abort();
		strbuf_uninit(&sb);
		strbuf_uninit(&sb2);
		ofp_group_mod_uninit(&gm2);
	}
	ofp_group_mod_uninit(&gm);
	(void)ofp_group_mod_parse(s, OFPGC_DELETE, NULL, &gm, NULL);
	ofp_group_mod_uninit(&gm);

	if (ofp_meter_mod_parse(s, OFPMC_ADD, &mm, NULL) == 0) {
		strbuf_init(&sb);
		ofp_meter_format(&mm, &sb);
		if (ofp_meter_mod_parse(sb.s, OFPMC_ADD, &mm2, NULL) ||
		    memcmp(&mm, &mm2, sizeof mm))
			abort();
		strbuf_uninit(&sb);
	}
	(void)ofp_meter_mod_parse(s, OFPMC_DELETE, &mm, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p;

	if (size > 70000)
		return 0;
	if (size >= 1 && data[0] == 'T') {
		char *s = malloc(size);

		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		fuzz_text(s);
		free(s);
		return 0;
	}

	/* An exact-size copy so that ASan catches any over-read. */
	p = malloc(size ? size : 1);
	memcpy(p, data, size);
	if (size >= 4 && size <= 0xffff) {
		if (!(p[0] & 0x80))
			p[0] = OFP13_VERSION;
		p[2] = (uint8_t)(size >> 8);
		p[3] = (uint8_t)size;
	}
	(void)ofpmsg_decode_any(p, size, NULL);
	if (size >= 8 && p[0] == OFP13_VERSION) {
		switch (p[1]) {
		case OFPT_FLOW_MOD:
			check_flow_mod(p, size);
			break;
		case OFPT_GROUP_MOD:
			check_group_mod(p, size);
			break;
		case OFPT_METER_MOD:
			check_meter_mod(p, size);
			break;
		default:
			break;
		}
	}
	free(p);
	return 0;
}
