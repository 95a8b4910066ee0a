/* ofp-group.c - OpenFlow 1.3 groups: the group_mod model's life cycle, the
 * checks every group passes whatever its source, and the ovs-ofctl text
 * syntax of add-group / mod-group / del-groups / dump-groups. */
#include "openflow/ofp-group.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/meta-flow.h"

void ofp_group_mod_init(struct ofp_group_mod *gm)
{
	memset(gm, 0, sizeof *gm);
	gm->command = OFPGC_ADD;
	gm->type = OFPGT_ALL;
}

void ofp_group_mod_uninit(struct ofp_group_mod *gm)
{
	if (!gm)
		return;
	for (size_t i = 0; i < gm->n_buckets; i++)
		free(gm->buckets[i].ofpacts);
	free(gm->buckets);
	gm->buckets = NULL;
	gm->n_buckets = 0;
}

void ofp_group_mod_clone(struct ofp_group_mod *dst, const struct ofp_group_mod *src)
{
	*dst = *src;
	dst->buckets = NULL;
	if (!src->n_buckets)
		return;
	dst->buckets = xcalloc(src->n_buckets, sizeof *dst->buckets);
	for (size_t i = 0; i < src->n_buckets; i++) {
		struct ofp_bucket *d = &dst->buckets[i];
		const struct ofp_bucket *s = &src->buckets[i];

		*d = *s;
		d->ofpacts = NULL;
		if (s->ofpacts_len) {
			d->ofpacts = xmalloc(s->ofpacts_len);
			memcpy(d->ofpacts, s->ofpacts, s->ofpacts_len);
		}
	}
}

static const char *group_type_name(enum ofp_group_type type)
{
	switch (type) {
	case OFPGT_ALL:
		return "all";
	case OFPGT_SELECT:
		return "select";
	case OFPGT_INDIRECT:
		return "indirect";
	case OFPGT_FF:
		return "ff";
	}
	return "?";
}

static int gfail(struct ofperr *oe, struct errmsg *err, uint16_t type, uint16_t code,
                 const char *msg, size_t bucket)
{
	ofperr_set(oe, type, code);
	if (bucket == SIZE_MAX)
		return errmsg_set(err, -EINVAL, "group: %s", msg);
	return errmsg_set(err, -EINVAL, "group: bucket %zu: %s", bucket + 1, msg);
}

static bool watch_port_ok(uint32_t port)
{
	return port == OFPP_ANY || (port && port <= OFPP_MAX) || port == OFPP_LOCAL;
}

int ofp_group_mod_check(struct ofp_group_mod *gm, struct ofperr *oe, struct errmsg *err)
{
	const size_t none = SIZE_MAX;

	if (gm->command > OFPGC_DELETE)
		return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_COMMAND,
		             "unknown command", none);
	if (gm->command == OFPGC_DELETE) {
		if (gm->group_id > OFPG_MAX && gm->group_id != OFPG_ALL)
			return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_INVALID_GROUP,
			             "group_id must be at most 4294967040 (0xffffff00) or all",
			             none);
		return 0;
	}
	if (gm->group_id > OFPG_MAX)
		return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_INVALID_GROUP,
		             "group_id must be at most 4294967040 (0xffffff00)", none);
	if ((unsigned)gm->type > OFPGT_FF)
		return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_TYPE, "unknown type",
		             none);
	if (gm->n_buckets > OFP_GROUP_MAX_BUCKETS)
		return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_OUT_OF_BUCKETS,
		             "too many buckets (at most 64)", none);
	if (gm->type == OFPGT_INDIRECT && gm->n_buckets != 1)
		return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_BUCKET,
		             "an indirect group has exactly one bucket", none);

	for (size_t i = 0; i < gm->n_buckets; i++) {
		struct ofp_bucket *b = &gm->buckets[i];
		const struct ofpact *a;
		struct ofperr check_oe;
		struct errmsg check_err;

		b->bucket_id = (uint32_t)i;
		/* Weights mean something only in select groups and watches only
		 * in fast-failover groups: elsewhere the wire's values are
		 * ignored (the text parser refuses them). */
		if (gm->type != OFPGT_SELECT)
			b->weight = 0;
		if (gm->type != OFPGT_FF) {
			b->watch_port = OFPP_ANY;
			b->watch_group = OFPG_ANY;
		} else {
			if (!watch_port_ok(b->watch_port))
				return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_WATCH,
				             "watch_port must be a port", i);
			if (b->watch_group > OFPG_MAX && b->watch_group != OFPG_ANY)
				return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_WATCH,
				             "watch_group must be a group", i);
			if (b->watch_port == OFPP_ANY && b->watch_group == OFPG_ANY)
				return gfail(oe, err, OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_WATCH,
				             "a fast_failover bucket needs watch_port or "
				             "watch_group",
				             i);
		}
		OFPACT_FOR_EACH(a, b->ofpacts, b->ofpacts_len)
		{
			if (ofpact_is_instruction((enum ofpact_type)a->type))
				return gfail(oe, err, OFPET_BAD_ACTION, OFPBAC_BAD_TYPE,
				             "instructions are not allowed in buckets", i);
		}
		/* No prerequisites: a bucket has no match, and a set_field
		 * the packet cannot take is skipped when it runs (xlate.c). */
		check_err.msg[0] = '\0';
		check_oe.set = false;
		if (ofpacts_check_unmatched(b->ofpacts, b->ofpacts_len, &check_oe, &check_err) < 0)
			return gfail(oe, err, OFPET_BAD_ACTION,
			             check_oe.set ? check_oe.code : OFPBAC_BAD_ARGUMENT,
			             check_err.msg, i);
	}
	return 0;
}

/* ---- Text ---- */

static bool is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset of the next top-level "bucket=" item at or after 'from', or -1. */
static long next_bucket(const char *s, size_t from)
{
	int depth = 0;

	for (size_t i = from; s[i]; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (!depth && (i == 0 || is_sep(s[i - 1])) && !strncmp(s + i, "bucket=", 7))
			return (long)i;
	}
	return -1;
}

/* Parses one bucket's text (after "bucket=", writable) into 'b'. */
static int parse_bucket(char *s, const struct ofp_port_names *names, size_t idx,
                        struct ofp_bucket *b, bool *has_weight, bool *has_watch, struct errmsg *err)
{
	struct ofpacts_buf ob;
	char *p = s;
	int error;

	for (;;) {
		char *key, *value, *end;
		unsigned long long x;
		char saved;

		while (is_sep(*p))
			p++;
		key = p;
		while (*p && !is_sep(*p) && *p != ':' && *p != '=' && *p != '(')
			p++;
		if (*p != ':' && *p != '=') {
			p = key;
			break;
		}
		if (!((p - key == 9 && !strncmp(key, "bucket_id", 9)) ||
		      (p - key == 6 && !strncmp(key, "weight", 6)) ||
		      (p - key == 10 && !strncmp(key, "watch_port", 10)) ||
		      (p - key == 11 && !strncmp(key, "watch_group", 11)))) {
			p = key;
			break;
		}
		*p++ = '\0';
		value = p;
		while (*p && !is_sep(*p))
			p++;
		end = p;
		saved = *end;
		*end = '\0';
		if (!strcmp(key, "bucket_id")) {
			if (ofp_text_parse_u64(value, 0xffffffffull, &x) < 0)
				return errmsg_set(err, -EINVAL,
				                  "bucket %zu: bucket_id: '%s' is not a valid "
				                  "number",
				                  idx + 1, value);
		} else if (!strcmp(key, "weight")) {
			if (ofp_text_parse_u64(value, 0xffff, &x) < 0)
				return errmsg_set(err, -EINVAL,
				                  "bucket %zu: weight: '%s' is not a number in "
				                  "0..65535",
				                  idx + 1, value);
			b->weight = (uint16_t)x;
			*has_weight = true;
		} else if (!strcmp(key, "watch_port")) {
			struct errmsg perr;

			if (ofp_port_parse(value, names, &b->watch_port, &perr) < 0)
				return errmsg_set(err, -EINVAL, "bucket %zu: watch_port: %s",
				                  idx + 1, perr.msg);
			*has_watch = true;
		} else {
			struct errmsg perr;

			if (ofp_group_parse(value, &b->watch_group, &perr) < 0)
				return errmsg_set(err, -EINVAL, "bucket %zu: watch_group: %s",
				                  idx + 1, perr.msg);
			*has_watch = true;
		}
		*end = saved;
	}

	while (is_sep(*p))
		p++;
	if (!strncmp(p, "actions=", 8))
		p += 8;
	ofpacts_buf_init(&ob);
	error = 0;
	if (*p) {
		struct errmsg aerr;

		aerr.msg[0] = '\0';
		error = ofpacts_parse(p, names, &ob, &aerr);
		if (error)
			errmsg_set(err, error, "bucket %zu: %s", idx + 1, aerr.msg);
	}
	if (!error)
		b->ofpacts = ofpacts_buf_steal(&ob, &b->ofpacts_len);
	ofpacts_buf_uninit(&ob);
	return error;
}

static int parse_group_type(const char *s, enum ofp_group_type *type)
{
	if (!strcasecmp(s, "all"))
		*type = OFPGT_ALL;
	else if (!strcasecmp(s, "select"))
		*type = OFPGT_SELECT;
	else if (!strcasecmp(s, "indirect"))
		*type = OFPGT_INDIRECT;
	else if (!strcasecmp(s, "ff") || !strcasecmp(s, "fast_failover"))
		*type = OFPGT_FF;
	else
		return -EINVAL;
	return 0;
}

static int parse_header(char *s, enum ofp_group_mod_command command, struct ofp_group_mod *gm,
                        bool *has_id, bool *has_type, struct errmsg *err)
{
	char *pos = s, *key, *value;
	int error;

	while (ofp_text_next(&pos, &key, &value, &error)) {
		if (!strcmp(key, "group_id")) {
			struct errmsg gerr;

			if (ofp_group_parse(value, &gm->group_id, &gerr) < 0)
				return errmsg_set(err, -EINVAL, "group_id: %s", gerr.msg);
			if (gm->group_id == OFPG_ANY ||
			    (gm->group_id == OFPG_ALL && command != OFPGC_DELETE))
				return errmsg_set(err, -EINVAL,
				                  "group_id: '%s' is not allowed here (give a "
				                  "number)",
				                  value);
			*has_id = true;
		} else if (!strcmp(key, "type")) {
			if (command == OFPGC_DELETE)
				return errmsg_set(err, -EINVAL,
				                  "del-groups takes only group_id (got 'type')");
			if (parse_group_type(value, &gm->type) < 0)
				return errmsg_set(err, -EINVAL,
				                  "type: '%s' is not a group type (all, select, "
				                  "indirect, ff)",
				                  value);
			*has_type = true;
		} else {
			return errmsg_set(err, -EINVAL, "unknown group field '%s'", key);
		}
	}
	if (error)
		return errmsg_set(err, -EINVAL, "unbalanced parentheses");
	return 0;
}

int ofp_group_mod_parse(const char *s, enum ofp_group_mod_command command,
                        const struct ofp_port_names *names, struct ofp_group_mod *gm,
                        struct errmsg *err)
{
	bool has_id = false, has_type = false;
	char *copy = xstrdup(s);
	long at;
	int error;

	ofp_group_mod_init(gm);
	gm->command = command;
	if (command == OFPGC_DELETE)
		gm->group_id = OFPG_ALL;

	at = next_bucket(copy, 0);
	if (at >= 0)
		copy[at] = '\0';
	error = parse_header(copy, command, gm, &has_id, &has_type, err);
	if (error)
		goto out;
	if (command != OFPGC_DELETE && !has_id) {
		error = errmsg_set(err, -EINVAL, "group_id is required");
		goto out;
	}
	if (command != OFPGC_DELETE && !has_type) {
		error = errmsg_set(err, -EINVAL, "type is required (all, select, indirect or ff)");
		goto out;
	}
	if (at >= 0 && command == OFPGC_DELETE) {
		error = errmsg_set(err, -EINVAL, "del-groups takes no buckets");
		goto out;
	}

	while (at >= 0) {
		size_t start = (size_t)at + 7;
		long next = next_bucket(copy, start);
		bool has_weight = false, has_watch = false;
		struct ofp_bucket *b;

		if (next >= 0)
			copy[next] = '\0';
		if (gm->n_buckets >= OFP_GROUP_MAX_BUCKETS) {
			error = errmsg_set(err, -EINVAL, "too many buckets (at most %d)",
			                   OFP_GROUP_MAX_BUCKETS);
			goto out;
		}
		gm->buckets = xrealloc(gm->buckets, (gm->n_buckets + 1) * sizeof *gm->buckets);
		b = &gm->buckets[gm->n_buckets];
		memset(b, 0, sizeof *b);
		b->watch_port = OFPP_ANY;
		b->watch_group = OFPG_ANY;
		b->bucket_id = (uint32_t)gm->n_buckets;
		gm->n_buckets++;
		error = parse_bucket(copy + start, names, gm->n_buckets - 1, b, &has_weight,
		                     &has_watch, err);
		if (error)
			goto out;
		if (has_weight && gm->type != OFPGT_SELECT) {
			error = errmsg_set(err, -EINVAL,
			                   "bucket %zu: weight is only allowed in select groups",
			                   gm->n_buckets);
			goto out;
		}
		if (!has_weight && gm->type == OFPGT_SELECT)
			b->weight = 1;
		if (has_watch && gm->type != OFPGT_FF) {
			error = errmsg_set(err, -EINVAL,
			                   "bucket %zu: watch_port/watch_group are only allowed in "
			                   "fast_failover (ff) groups",
			                   gm->n_buckets);
			goto out;
		}
		at = next;
	}
	error = ofp_group_mod_check(gm, NULL, err);
out:
	free(copy);
	if (error)
		ofp_group_mod_uninit(gm);
	return error;
}

void ofp_group_format(const struct ofp_group_mod *g, const struct ofp_port_names *names,
                      struct strbuf *sb)
{
	strbuf_printf(sb, "group_id=%u,type=%s", g->group_id, group_type_name(g->type));
	for (size_t i = 0; i < g->n_buckets; i++) {
		const struct ofp_bucket *b = &g->buckets[i];

		strbuf_puts(sb, ",bucket=");
		if (g->type == OFPGT_SELECT && b->weight != 1)
			strbuf_printf(sb, "weight:%u,", b->weight);
		if (b->watch_port != OFPP_ANY) {
			char port[OFP_PORT_STRLEN];

			ofp_port_format(b->watch_port, names, port);
			strbuf_printf(sb, "watch_port:%s,", port);
		}
		if (b->watch_group != OFPG_ANY)
			strbuf_printf(sb, "watch_group:%u,", b->watch_group);
		strbuf_puts(sb, "actions=");
		ofpacts_format(b->ofpacts, b->ofpacts_len, names, sb);
	}
}
