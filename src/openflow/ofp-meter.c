/* ofp-meter.c - OpenFlow 1.3 meters: the checks every meter_mod passes
 * whatever its source, and the ovs-ofctl text syntax of add-meter /
 * mod-meter / del-meters / dump-meters. */
#include "openflow/ofp-meter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int mfail(struct ofperr *oe, struct errmsg *err, uint16_t code, const char *msg)
{
	ofperr_set(oe, OFPET_METER_MOD_FAILED, code);
	return errmsg_set(err, -EINVAL, "meter: %s", msg);
}

int ofp_meter_mod_check(const struct ofp_meter_mod *mm, struct ofperr *oe, struct errmsg *err)
{
	const uint16_t all_flags = OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS;
	bool kbps, pktps;

	if ((unsigned)mm->command > OFPMC_DELETE)
		return mfail(oe, err, OFPMMFC_BAD_COMMAND, "unknown command");
	if (mm->command == OFPMC_DELETE) {
		if (mm->meter_id == 0 || (mm->meter_id > OFPM_MAX && mm->meter_id != OFPM_ALL))
			return mfail(oe, err, OFPMMFC_INVALID_METER,
			             "meter id must be 1..4294901760 (0xffff0000) or all");
		return 0;
	}
	if (mm->meter_id == 0 || mm->meter_id > OFPM_MAX)
		return mfail(oe, err, OFPMMFC_INVALID_METER,
		             "meter id must be 1..4294901760 (0xffff0000)");
	if (mm->flags & ~all_flags)
		return mfail(oe, err, OFPMMFC_BAD_FLAGS, "unknown flags");
	kbps = mm->flags & OFPMF_KBPS;
	pktps = mm->flags & OFPMF_PKTPS;
	if (kbps == pktps)
		return mfail(oe, err, OFPMMFC_BAD_FLAGS, "give exactly one of kbps and pktps");
	if (mm->n_bands == 0)
		return mfail(oe, err, OFPMMFC_BAD_BAND, "at least one band is required");
	if (mm->n_bands > OFP_METER_MAX_BANDS)
		return mfail(oe, err, OFPMMFC_OUT_OF_BANDS, "too many bands (at most 8)");
	for (size_t i = 0; i < mm->n_bands; i++) {
		const struct ofp_meter_band *b = &mm->bands[i];

		if (b->type != OFPMBT_DROP && b->type != OFPMBT_DSCP_REMARK)
			return mfail(oe, err, OFPMMFC_BAD_BAND,
			             "band type must be drop or dscp_remark");
		if (b->rate == 0)
			return mfail(oe, err, OFPMMFC_BAD_RATE, "band rate must be positive");
		if (b->burst_size && !(mm->flags & OFPMF_BURST))
			return mfail(oe, err, OFPMMFC_BAD_BURST,
			             "burst_size needs the 'burst' flag");
		if (b->type == OFPMBT_DROP && b->prec_level)
			return mfail(oe, err, OFPMMFC_BAD_BAND_VALUE,
			             "prec_level is only for dscp_remark bands");
	}
	return 0;
}

/* ---- Text ---- */

static int parse_u32(const char *what, const char *s, unsigned long long max, uint32_t *out,
                     struct errmsg *err)
{
	unsigned long long x;

	if (ofp_text_parse_u64(s, max, &x) < 0)
		return errmsg_set(err, -EINVAL, "%s: '%s' is not a number in 0..%llu", what, s,
		                  max);
	*out = (uint32_t)x;
	return 0;
}

int ofp_meter_mod_parse(const char *s, enum ofp_meter_mod_command command, struct ofp_meter_mod *mm,
                        struct errmsg *err)
{
	char *copy = xstrdup(s), *pos = copy, *key, *value;
	struct ofp_meter_band *band = NULL;
	bool has_burst[OFP_METER_MAX_BANDS] = {false};
	bool has_id = false, in_bands = false;
	int error = 0, terr;

	memset(mm, 0, sizeof *mm);
	mm->command = command;
	if (command == OFPMC_DELETE)
		mm->meter_id = OFPM_ALL;

	while (ofp_text_next(&pos, &key, &value, &terr)) {
		/* "bands=type=drop" carries the first band field in its value. */
		if (!strcmp(key, "bands")) {
			if (command == OFPMC_DELETE) {
				error = errmsg_set(err, -EINVAL, "del-meters takes only meter=");
				goto out;
			}
			if (in_bands) {
				error = errmsg_set(err, -EINVAL, "bands= given twice");
				goto out;
			}
			in_bands = true;
			if (!*value)
				continue;
			key = value;
			value = strchr(value, '=');
			if (!value) {
				error = errmsg_set(err, -EINVAL,
				                   "bands: expected 'type=...', got '%s'", key);
				goto out;
			}
			*value++ = '\0';
		}
		if (in_bands) {
			if (!strcmp(key, "type")) {
				if (mm->n_bands >= OFP_METER_MAX_BANDS) {
					error = errmsg_set(err, -EINVAL,
					                   "too many bands (at most %d)",
					                   OFP_METER_MAX_BANDS);
					goto out;
				}
				band = &mm->bands[mm->n_bands++];
				if (!strcmp(value, "drop")) {
					band->type = OFPMBT_DROP;
				} else if (!strcmp(value, "dscp_remark")) {
					band->type = OFPMBT_DSCP_REMARK;
				} else {
					error = errmsg_set(err, -EINVAL,
					                   "type: '%s' is not a band type (drop, "
					                   "dscp_remark)",
					                   value);
					goto out;
				}
				continue;
			}
			if (!band) {
				error = errmsg_set(
				        err, -EINVAL,
				        "bands: each band starts with 'type=' (got '%s')", key);
				goto out;
			}
			if (!strcmp(key, "rate")) {
				error = parse_u32("rate", value, 0xffffffffull, &band->rate, err);
			} else if (!strcmp(key, "burst_size")) {
				error = parse_u32("burst_size", value, 0xffffffffull,
				                  &band->burst_size, err);
				has_burst[band - mm->bands] = true;
			} else if (!strcmp(key, "prec_level")) {
				uint32_t x = 0;

				error = parse_u32("prec_level", value, 0xff, &x, err);
				if (!error && band->type != OFPMBT_DSCP_REMARK)
					error = errmsg_set(err, -EINVAL,
					                   "prec_level is only for dscp_remark "
					                   "bands");
				band->prec_level = (uint8_t)x;
			} else {
				error = errmsg_set(err, -EINVAL, "unknown band field '%s'", key);
			}
			if (error)
				goto out;
			continue;
		}

		if (!strcmp(key, "meter")) {
			if (!strcasecmp(value, "all")) {
				if (command != OFPMC_DELETE) {
					error = errmsg_set(err, -EINVAL,
					                   "meter: 'all' is only for del-meters");
					goto out;
				}
				mm->meter_id = OFPM_ALL;
			} else {
				error = parse_u32("meter", value, OFPM_MAX, &mm->meter_id, err);
				if (error)
					goto out;
				if (!mm->meter_id) {
					error = errmsg_set(err, -EINVAL, "meter: ids start at 1");
					goto out;
				}
			}
			has_id = true;
		} else if (command == OFPMC_DELETE) {
			error = errmsg_set(err, -EINVAL, "del-meters takes only meter= (got '%s')",
			                   key);
			goto out;
		} else if (*value) {
			error = errmsg_set(err, -EINVAL, "unknown meter field '%s'", key);
			goto out;
		} else if (!strcmp(key, "kbps")) {
			mm->flags |= OFPMF_KBPS;
		} else if (!strcmp(key, "pktps")) {
			mm->flags |= OFPMF_PKTPS;
		} else if (!strcmp(key, "burst")) {
			mm->flags |= OFPMF_BURST;
		} else if (!strcmp(key, "stats")) {
			mm->flags |= OFPMF_STATS;
		} else {
			error = errmsg_set(err, -EINVAL,
			                   "unknown meter flag '%s' (kbps, pktps, burst, stats)",
			                   key);
			goto out;
		}
	}
	if (terr) {
		error = errmsg_set(err, -EINVAL, "unbalanced parentheses");
		goto out;
	}
	if (command == OFPMC_DELETE)
		goto out;
	if (!has_id) {
		error = errmsg_set(err, -EINVAL, "meter= is required");
		goto out;
	}
	if (!in_bands) {
		error = errmsg_set(err, -EINVAL, "bands= is required");
		goto out;
	}
	/* As ovs-ofctl: the unit is explicit, and so is every band's burst
	 * size under 'burst'. */
	if (!(mm->flags & (OFPMF_KBPS | OFPMF_PKTPS))) {
		error = errmsg_set(err, -EINVAL, "meter must specify either 'kbps' or 'pktps'");
		goto out;
	}
	if (mm->flags & OFPMF_BURST) {
		for (size_t i = 0; i < mm->n_bands; i++) {
			if (!has_burst[i]) {
				error = errmsg_set(err, -EINVAL,
				                   "band must have 'burst_size' when 'burst' flag "
				                   "is set");
				goto out;
			}
		}
	}
	error = ofp_meter_mod_check(mm, NULL, err);
out:
	free(copy);
	return error;
}

void ofp_meter_format(const struct ofp_meter_mod *m, struct strbuf *sb)
{
	strbuf_printf(sb, "meter=%u", m->meter_id);
	if (m->flags & OFPMF_KBPS)
		strbuf_puts(sb, " kbps");
	if (m->flags & OFPMF_PKTPS)
		strbuf_puts(sb, " pktps");
	if (m->flags & OFPMF_BURST)
		strbuf_puts(sb, " burst");
	if (m->flags & OFPMF_STATS)
		strbuf_puts(sb, " stats");
	strbuf_puts(sb, " bands=");
	for (size_t i = 0; i < m->n_bands && i < OFP_METER_MAX_BANDS; i++) {
		const struct ofp_meter_band *b = &m->bands[i];

		if (b->type == OFPMBT_DROP)
			strbuf_puts(sb, "\ntype=drop");
		else if (b->type == OFPMBT_DSCP_REMARK)
			strbuf_puts(sb, "\ntype=dscp_remark");
		else
			strbuf_printf(sb, "\ntype=%u", (unsigned)b->type);
		strbuf_printf(sb, " rate=%u", b->rate);
		if (m->flags & OFPMF_BURST)
			strbuf_printf(sb, " burst_size=%u", b->burst_size);
		if (b->type == OFPMBT_DSCP_REMARK)
			strbuf_printf(sb, " prec_level=%u", b->prec_level);
	}
}
