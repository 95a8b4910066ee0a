/* ofp-actions.c - the actions/instructions list: building, ovs-ofctl text
 * parsing and formatting, checking against a match, the action set. */
#include "openflow/ofp-actions.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OFPM_MAX         0xffff0000u
#define OFPCML_NO_BUFFER 0xffff

static const char *const type_names[OFPACT_N_TYPES] = {
        [OFPACT_OUTPUT] = "output",
        [OFPACT_GROUP] = "group",
        [OFPACT_SET_FIELD] = "set_field",
        [OFPACT_SET_VLAN_VID] = "mod_vlan_vid",
        [OFPACT_SET_VLAN_PCP] = "mod_vlan_pcp",
        [OFPACT_PUSH_VLAN] = "push_vlan",
        [OFPACT_POP_VLAN] = "pop_vlan",
        [OFPACT_SET_NW_TTL] = "mod_nw_ttl",
        [OFPACT_DEC_TTL] = "dec_ttl",
        [OFPACT_COPY_TTL_OUT] = "copy_ttl_out",
        [OFPACT_COPY_TTL_IN] = "copy_ttl_in",
        [OFPACT_METER] = "meter",
        [OFPACT_CLEAR_ACTIONS] = "clear_actions",
        [OFPACT_WRITE_ACTIONS] = "write_actions",
        [OFPACT_WRITE_METADATA] = "write_metadata",
        [OFPACT_GOTO_TABLE] = "goto_table",
};

const char *ofpact_type_name(enum ofpact_type type)
{
	return type < OFPACT_N_TYPES ? type_names[type] : "?";
}

bool ofpact_is_instruction(enum ofpact_type type)
{
	return type >= OFPACT_METER && type < OFPACT_N_TYPES;
}

/* Legacy (OpenFlow 1.0 ovs-ofctl) names of set_field on some fields. */
struct legacy_set {
	const char *name;
	enum mf_field_id field;
};

static const struct legacy_set legacy_sets[] = {
        {"mod_dl_src", MFF_ETH_SRC},  {"mod_dl_dst", MFF_ETH_DST}, {"mod_nw_src", MFF_IPV4_SRC},
        {"mod_nw_dst", MFF_IPV4_DST}, {"mod_nw_tos", MFF_NW_TOS},  {"mod_nw_ecn", MFF_IP_ECN},
        {"mod_tp_src", MFF_TCP_SRC},  {"mod_tp_dst", MFF_TCP_DST},
};

static const char *legacy_set_name(enum mf_field_id id)
{
	switch (id) {
	case MFF_UDP_SRC:
	case MFF_SCTP_SRC:
		id = MFF_TCP_SRC;
		break;
	case MFF_UDP_DST:
	case MFF_SCTP_DST:
		id = MFF_TCP_DST;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < ARRAY_SIZE(legacy_sets); i++)
		if (legacy_sets[i].field == id)
			return legacy_sets[i].name;
	return NULL;
}

/* ---- Building. ---- */

void ofpacts_buf_init(struct ofpacts_buf *b)
{
	b->data = NULL;
	b->size = b->alloc = 0;
}

void ofpacts_buf_uninit(struct ofpacts_buf *b)
{
	if (b) {
		free(b->data);
		ofpacts_buf_init(b);
	}
}

static void *buf_grow(struct ofpacts_buf *b, size_t n)
{
	void *p;

	if (b->size + n > b->alloc) {
		size_t alloc = b->alloc ? b->alloc : 64;

		while (alloc < b->size + n)
			alloc *= 2;
		b->data = xrealloc(b->data, alloc);
		b->alloc = alloc;
	}
	p = b->data + b->size;
	memset(p, 0, n);
	b->size += n;
	return p;
}

void *ofpact_put(struct ofpacts_buf *b, enum ofpact_type type, size_t size)
{
	size_t len = (size + OFPACT_ALIGN - 1) & ~(size_t)(OFPACT_ALIGN - 1);
	struct ofpact *a = buf_grow(b, len);

	a->type = (uint8_t)type;
	a->len = (uint16_t)len;
	return a;
}

void ofpacts_put_list(struct ofpacts_buf *b, const struct ofpact *a, size_t len)
{
	if (len)
		memcpy(buf_grow(b, len), a, len);
}

struct ofpact *ofpacts_buf_steal(struct ofpacts_buf *b, size_t *len)
{
	struct ofpact *a = NULL;

	*len = b->size;
	if (b->size) {
		a = xmalloc(b->size);
		memcpy(a, b->data, b->size);
	}
	ofpacts_buf_uninit(b);
	return a;
}

/* ---- Parsing. ---- */

static int parse_num(const char *act, const char *s, unsigned long long min, unsigned long long max,
                     unsigned long long *out, struct errmsg *err)
{
	if (ofp_text_parse_u64(s, max, out) || *out < min)
		return errmsg_set(err, -EINVAL, "%s: '%s' is not a valid value (%llu..%llu)", act,
		                  s, min, max);
	return 0;
}

static int no_value(const char *act, const char *value, struct errmsg *err)
{
	if (*value)
		return errmsg_set(err, -EINVAL, "%s: takes no argument (got '%s')", act, value);
	return 0;
}

bool ofpact_output_port_ok(uint32_t port)
{
	switch (port) {
	case OFPP_IN_PORT:
	case OFPP_TABLE:
	case OFPP_NORMAL:
	case OFPP_FLOOD:
	case OFPP_ALL:
	case OFPP_CONTROLLER:
	case OFPP_LOCAL:
		return true;
	default:
		return port != 0 && port <= OFPP_MAX;
	}
}

static int put_output(struct ofpacts_buf *b, const char *act, uint32_t port, uint16_t max_len,
                      struct errmsg *err)
{
	struct ofpact_output *o;

	if (!ofpact_output_port_ok(port))
		return errmsg_set(err, -EINVAL, "%s: %u is not a valid output port", act, port);
	o = ofpact_put(b, OFPACT_OUTPUT, sizeof *o);
	o->port = port;
	o->max_len = port == OFPP_CONTROLLER ? max_len : 0;
	return 0;
}

static int parse_controller(struct ofpacts_buf *b, const char *value, struct errmsg *err)
{
	unsigned long long max_len = OFPCML_NO_BUFFER;
	const char *v = value;

	if (!strncmp(v, "max_len=", 8))
		v += 8;
	if (*v && parse_num("controller", v, 0, 0xffff, &max_len, err))
		return -EINVAL;
	return put_output(b, "controller", OFPP_CONTROLLER, (uint16_t)max_len, err);
}

static int put_set_field(struct ofpacts_buf *b, const char *act, const struct mf_field *mf,
                         const char *value, bool legacy, struct errmsg *err)
{
	struct ofpact_set_field *sf;
	union mf_value v, m;
	struct errmsg e;

	if (!mf->writable)
		return errmsg_set(err, -EINVAL, "%s: field '%s' is not writable", act, mf->name);
	if (mf_parse(mf, value, &v, &m, &e))
		return errmsg_set(err, -EINVAL, "%s: %s", act, e.msg);
	if (legacy && !mf_mask_is_exact(mf, &m))
		return errmsg_set(err, -EINVAL, "%s: '%s': a mask is not allowed here", act, value);
	sf = ofpact_put(b, OFPACT_SET_FIELD, sizeof *sf);
	sf->ofpact.raw = legacy ? OFPACT_RAW_LEGACY : 0;
	sf->field = (uint16_t)mf->id;
	for (size_t i = 0; i < sizeof v.bytes; i++)
		v.bytes[i] &= m.bytes[i];
	sf->value = v;
	sf->mask = m;
	return 0;
}

static int parse_set_field(struct ofpacts_buf *b, char *value, struct errmsg *err)
{
	char *arrow = strstr(value, "->");
	const struct mf_field *mf;

	if (!arrow)
		return errmsg_set(err, -EINVAL, "set_field: '%s' is not VALUE->FIELD", value);
	*arrow = 0;
	mf = mf_from_name(arrow + 2);
	if (!mf)
		return errmsg_set(err, -EINVAL, "set_field: unknown field '%s'", arrow + 2);
	return put_set_field(b, "set_field", mf, value, false, err);
}

static int ofpacts_parse__(char *s, const struct ofp_port_names *names, struct ofpacts_buf *b,
                           bool nested, struct errmsg *err);

static int parse_write_actions(struct ofpacts_buf *b, char *value,
                               const struct ofp_port_names *names, struct errmsg *err)
{
	size_t ofs = b->size;
	struct ofpact *nest;
	const struct ofpact *a, *c;
	size_t len;
	int error;

	ofpact_put(b, OFPACT_WRITE_ACTIONS, sizeof(struct ofpact_nest));
	error = ofpacts_parse__(value, names, b, true, err);
	if (error)
		return error;
	len = b->size - ofs;
	if (len > UINT16_MAX - OFPACT_ALIGN)
		return errmsg_set(err, -EINVAL, "write_actions: too many actions");
	nest = (struct ofpact *)(void *)(b->data + ofs);
	nest->len = (uint16_t)len;
	/* An action set holds at most one action of each type. */
	OFPACT_FOR_EACH(a, ofpact_nest_actions(nest), ofpact_nest_len(nest))
	{
		for (c = ofpact_nest_actions(nest); c < a; c = ofpact_next(c)) {
			bool same = c->type == a->type;

			if (same && a->type == OFPACT_SET_FIELD)
				same = ((const struct ofpact_set_field *)(const void *)a)->field ==
				       ((const struct ofpact_set_field *)(const void *)c)->field;
			if (same)
				return errmsg_set(
				        err, -EINVAL,
				        "write_actions: more than one %s action (an action "
				        "set holds at most one of each type)",
				        ofpact_type_name(a->type));
		}
	}
	return 0;
}

static int parse_one(struct ofpacts_buf *b, char *key, char *value,
                     const struct ofp_port_names *names, bool nested, struct errmsg *err)
{
	unsigned long long n;
	uint32_t port;

	if (!strcasecmp(key, "output")) {
		struct errmsg e;

		if (ofp_port_parse(value, names, &port, &e))
			return errmsg_set(err, -EINVAL, "output: %s", e.msg);
		return put_output(b, "output", port, OFPCML_NO_BUFFER, err);
	}
	if (!strcasecmp(key, "controller"))
		return parse_controller(b, value, err);
	if (!strcasecmp(key, "group")) {
		struct ofpact_group *g;
		uint32_t group;
		struct errmsg e;

		if (ofp_group_parse(value, &group, &e) || group > OFPG_MAX)
			return errmsg_set(err, -EINVAL, "group: '%s' is not a valid group id",
			                  value);
		g = ofpact_put(b, OFPACT_GROUP, sizeof *g);
		g->group_id = group;
		return 0;
	}
	if (!strcasecmp(key, "set_field"))
		return parse_set_field(b, value, err);
	for (size_t i = 0; i < ARRAY_SIZE(legacy_sets); i++)
		if (!strcasecmp(key, legacy_sets[i].name))
			return put_set_field(b, legacy_sets[i].name,
			                     mf_from_id(legacy_sets[i].field), value, true, err);
	if (!strcasecmp(key, "mod_vlan_vid")) {
		struct ofpact_vlan_vid *v;

		if (parse_num(key, value, 0, VLAN_VID_BITS, &n, err))
			return -EINVAL;
		v = ofpact_put(b, OFPACT_SET_VLAN_VID, sizeof *v);
		v->vid = (uint16_t)n;
		return 0;
	}
	if (!strcasecmp(key, "mod_vlan_pcp")) {
		struct ofpact_vlan_pcp *v;

		if (parse_num(key, value, 0, 7, &n, err))
			return -EINVAL;
		v = ofpact_put(b, OFPACT_SET_VLAN_PCP, sizeof *v);
		v->pcp = (uint8_t)n;
		return 0;
	}
	if (!strcasecmp(key, "push_vlan")) {
		struct ofpact_push_vlan *v;

		if (ofp_text_parse_u64(value, 0xffff, &n) || (n != 0x8100 && n != 0x88a8))
			return errmsg_set(
			        err, -EINVAL,
			        "push_vlan: '%s' is not a VLAN ethertype (0x8100 or 0x88a8)",
			        value);
		v = ofpact_put(b, OFPACT_PUSH_VLAN, sizeof *v);
		v->tpid = (uint16_t)n;
		return 0;
	}
	if (!strcasecmp(key, "pop_vlan") || !strcasecmp(key, "strip_vlan")) {
		struct ofpact *a;

		if (no_value(key, value, err))
			return -EINVAL;
		a = ofpact_put(b, OFPACT_POP_VLAN, sizeof *a);
		a->raw = !strcasecmp(key, "strip_vlan") ? OFPACT_RAW_LEGACY : 0;
		return 0;
	}
	if (!strcasecmp(key, "mod_nw_ttl") || !strcasecmp(key, "set_nw_ttl")) {
		struct ofpact_nw_ttl *t;

		if (parse_num(key, value, 0, 255, &n, err))
			return -EINVAL;
		t = ofpact_put(b, OFPACT_SET_NW_TTL, sizeof *t);
		t->ttl = (uint8_t)n;
		return 0;
	}
	static const struct {
		const char *name;
		enum ofpact_type type;
	} simple[] = {
	        {"dec_ttl", OFPACT_DEC_TTL},
	        {"copy_ttl_out", OFPACT_COPY_TTL_OUT},
	        {"copy_ttl_in", OFPACT_COPY_TTL_IN},
	        {"clear_actions", OFPACT_CLEAR_ACTIONS},
	};
	for (size_t i = 0; i < ARRAY_SIZE(simple); i++) {
		if (!strcasecmp(key, simple[i].name)) {
			if (no_value(key, value, err))
				return -EINVAL;
			if (nested && ofpact_is_instruction(simple[i].type))
				goto not_nested;
			ofpact_put(b, simple[i].type, sizeof(struct ofpact));
			return 0;
		}
	}
	if (!strcasecmp(key, "meter")) {
		struct ofpact_meter *m;

		if (nested)
			goto not_nested;
		if (parse_num(key, value, 1, OFPM_MAX, &n, err))
			return -EINVAL;
		m = ofpact_put(b, OFPACT_METER, sizeof *m);
		m->meter_id = (uint32_t)n;
		return 0;
	}
	if (!strcasecmp(key, "goto_table")) {
		struct ofpact_goto_table *g;

		if (nested)
			goto not_nested;
		if (parse_num(key, value, 0, 254, &n, err))
			return -EINVAL;
		g = ofpact_put(b, OFPACT_GOTO_TABLE, sizeof *g);
		g->table_id = (uint8_t)n;
		return 0;
	}
	if (!strcasecmp(key, "write_metadata")) {
		struct ofpact_write_metadata *wm;
		unsigned long long v, m = UINT64_MAX;
		char *slash = strchr(value, '/');

		if (nested)
			goto not_nested;
		if (slash)
			*slash = 0;
		if (ofp_text_parse_u64(value, UINT64_MAX, &v) ||
		    (slash && ofp_text_parse_u64(slash + 1, UINT64_MAX, &m))) {
			if (slash)
				*slash = '/';
			return errmsg_set(err, -EINVAL, "write_metadata: '%s' is not VALUE[/MASK]",
			                  value);
		}
		wm = ofpact_put(b, OFPACT_WRITE_METADATA, sizeof *wm);
		wm->metadata = v & m;
		wm->mask = m;
		return 0;
	}
	if (!strcasecmp(key, "write_actions")) {
		if (nested)
			goto not_nested;
		return parse_write_actions(b, value, names, err);
	}
	if (!strcasecmp(key, "apply_actions")) {
		if (nested)
			goto not_nested;
		return ofpacts_parse__(value, names, b, true, err);
	}
	/* A bare port: "2", "NORMAL", "LOCAL", a port name. */
	if (!*value && !ofp_port_parse(key, names, &port, NULL))
		return put_output(b, key, port, OFPCML_NO_BUFFER, err);
	return errmsg_set(err, -EINVAL, "unknown action '%s'", key);

not_nested:
	return errmsg_set(err, -EINVAL, "%s: an instruction is not allowed inside an action list",
	                  key);
}

static int ofpacts_parse__(char *s, const struct ofp_port_names *names, struct ofpacts_buf *b,
                           bool nested, struct errmsg *err)
{
	char *pos = s, *key, *value;
	bool drop = false;
	size_t start = b->size;
	int n = 0, error;

	while (ofp_text_next(&pos, &key, &value, &error)) {
		n++;
		if (!strcasecmp(key, "drop")) {
			if (no_value(key, value, err))
				return -EINVAL;
			drop = true;
			continue;
		}
		error = parse_one(b, key, value, names, nested, err);
		if (error)
			return error;
	}
	if (error)
		return errmsg_set(err, -EINVAL, "unbalanced parentheses in actions");
	if (drop && n > 1)
		return errmsg_set(err, -EINVAL, "drop must be the only action");
	if (!nested && b->size > start) {
		/* Instruction order: meter, actions, clear, write, metadata, goto. */
		static const int rank[OFPACT_N_TYPES] = {
		        [OFPACT_METER] = 0,         [OFPACT_CLEAR_ACTIONS] = 2,
		        [OFPACT_WRITE_ACTIONS] = 3, [OFPACT_WRITE_METADATA] = 4,
		        [OFPACT_GOTO_TABLE] = 5,
		};
		const struct ofpact *a, *prev = NULL;
		int last = -1;

		OFPACT_FOR_EACH(a, (const struct ofpact *)(const void *)(b->data + start),
		                b->size - start)
		{
			int r = ofpact_is_instruction(a->type) ? rank[a->type] : 1;
			const char *what = r == 1 ? "an action" : ofpact_type_name(a->type);

			if (r < last || (r == last && r != 1))
				return errmsg_set(
				        err, -EINVAL,
				        "%s may not follow %s (order: meter, actions, "
				        "clear_actions, "
				        "write_actions, write_metadata, goto_table; each once)",
				        what,
				        last == 1 ? "an action" : ofpact_type_name(prev->type));
			last = r;
			prev = a;
		}
	}
	return 0;
}

int ofpacts_parse(const char *s, const struct ofp_port_names *names, struct ofpacts_buf *b,
                  struct errmsg *err)
{
	char *copy = xstrdup(s);
	size_t start = b->size;
	int error = ofpacts_parse__(copy, names, b, false, err);

	free(copy);
	if (error)
		b->size = start;
	return error;
}

/* ---- Formatting. ---- */

static void format_list(const struct ofpact *list, size_t len, const struct ofp_port_names *names,
                        struct strbuf *sb);

static void format_one(const struct ofpact *a, const struct ofp_port_names *names,
                       struct strbuf *sb)
{
	char buf[MF_FORMAT_MAX];

	switch ((enum ofpact_type)a->type) {
	case OFPACT_OUTPUT: {
		const struct ofpact_output *o = (const void *)a;
		char port[OFP_PORT_STRLEN];

		if (o->port == OFPP_CONTROLLER) {
			strbuf_printf(sb, "CONTROLLER:%u", o->max_len);
		} else if (ofp_port_reserved_name(o->port)) {
			strbuf_puts(sb, ofp_port_reserved_name(o->port));
		} else {
			ofp_port_format(o->port, names, port);
			strbuf_printf(sb, "output:%s", port);
		}
		break;
	}
	case OFPACT_GROUP:
		strbuf_printf(sb, "group:%u",
		              ((const struct ofpact_group *)(const void *)a)->group_id);
		break;
	case OFPACT_SET_FIELD: {
		const struct ofpact_set_field *sf = (const void *)a;
		const struct mf_field *mf = mf_from_id(sf->field);
		const char *legacy = legacy_set_name(mf->id);

		if (a->raw == OFPACT_RAW_LEGACY && legacy) {
			mf_format(mf, &sf->value, NULL, buf, sizeof buf);
			strbuf_printf(sb, "%s:%s", legacy, buf);
		} else {
			mf_format(mf, &sf->value, &sf->mask, buf, sizeof buf);
			strbuf_printf(sb, "set_field:%s->%s", buf, mf->name);
		}
		break;
	}
	case OFPACT_SET_VLAN_VID:
		strbuf_printf(sb, "mod_vlan_vid:%u",
		              ((const struct ofpact_vlan_vid *)(const void *)a)->vid);
		break;
	case OFPACT_SET_VLAN_PCP:
		strbuf_printf(sb, "mod_vlan_pcp:%u",
		              ((const struct ofpact_vlan_pcp *)(const void *)a)->pcp);
		break;
	case OFPACT_PUSH_VLAN:
		strbuf_printf(sb, "push_vlan:0x%04x",
		              ((const struct ofpact_push_vlan *)(const void *)a)->tpid);
		break;
	case OFPACT_POP_VLAN:
		strbuf_puts(sb, a->raw == OFPACT_RAW_LEGACY ? "strip_vlan" : "pop_vlan");
		break;
	case OFPACT_SET_NW_TTL:
		strbuf_printf(sb, "mod_nw_ttl:%u",
		              ((const struct ofpact_nw_ttl *)(const void *)a)->ttl);
		break;
	case OFPACT_METER:
		strbuf_printf(sb, "meter:%u",
		              ((const struct ofpact_meter *)(const void *)a)->meter_id);
		break;
	case OFPACT_WRITE_ACTIONS:
		strbuf_puts(sb, "write_actions(");
		format_list(ofpact_nest_actions(a), ofpact_nest_len(a), names, sb);
		strbuf_putc(sb, ')');
		break;
	case OFPACT_WRITE_METADATA: {
		const struct ofpact_write_metadata *wm = (const void *)a;

		if (wm->mask == UINT64_MAX)
			strbuf_printf(sb, "write_metadata:0x%" PRIx64, wm->metadata);
		else
			strbuf_printf(sb, "write_metadata:0x%" PRIx64 "/0x%" PRIx64, wm->metadata,
			              wm->mask);
		break;
	}
	case OFPACT_GOTO_TABLE:
		strbuf_printf(sb, "goto_table:%u",
		              ((const struct ofpact_goto_table *)(const void *)a)->table_id);
		break;
	case OFPACT_DEC_TTL:
	case OFPACT_COPY_TTL_OUT:
	case OFPACT_COPY_TTL_IN:
	case OFPACT_CLEAR_ACTIONS:
	case OFPACT_N_TYPES:
		strbuf_puts(sb, ofpact_type_name(a->type));
		break;
	}
}

static void format_list(const struct ofpact *list, size_t len, const struct ofp_port_names *names,
                        struct strbuf *sb)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, list, len)
	{
		if (a != list)
			strbuf_putc(sb, ',');
		format_one(a, names, sb);
	}
}

void ofpacts_format(const struct ofpact *a, size_t len, const struct ofp_port_names *names,
                    struct strbuf *sb)
{
	if (!len)
		strbuf_puts(sb, "drop");
	else
		format_list(a, len, names, sb);
}

char *ofpacts_to_string(const struct ofpact *a, size_t len, const struct ofp_port_names *names)
{
	struct strbuf sb;

	strbuf_init(&sb);
	ofpacts_format(a, len, names, &sb);
	return sb.s;
}

/* ---- Checks and queries. ---- */

static enum mf_field_id retarget_l4(enum mf_field_id id, const struct match *m)
{
	bool src = id == MFF_TCP_SRC || id == MFF_UDP_SRC || id == MFF_SCTP_SRC;

	if (!src && id != MFF_TCP_DST && id != MFF_UDP_DST && id != MFF_SCTP_DST)
		return id;
	if (m->mask.nw_proto == 0xff && m->flow.nw_proto == 17)
		return src ? MFF_UDP_SRC : MFF_UDP_DST;
	if (m->mask.nw_proto == 0xff && m->flow.nw_proto == 132)
		return src ? MFF_SCTP_SRC : MFF_SCTP_DST;
	return src ? MFF_TCP_SRC : MFF_TCP_DST;
}

/* What a check demands beyond the list's structure. */
struct check_ctx {
	uint8_t table_id;
	bool prereqs;      /* set_field prerequisites must be met by the match */
	struct ofperr *oe; /* OFPBAC_* of a structural failure (may be NULL) */
};

/* Records the OpenFlow error of a structural failure. */
static void check_code(const struct check_ctx *c, uint16_t code)
{
	ofperr_set(c->oe, OFPET_BAD_ACTION, code);
}

/* The structure of a set_field: a known, writable field and a value that
 * fits it (masks are stored all-ones for an exact set, whatever the
 * field's width, so only the value is checked). */
static int check_set_field_structure(const struct ofpact_set_field *sf, const struct check_ctx *c,
                                     struct errmsg *err)
{
	const struct mf_field *mf;

	if (sf->field >= MFF_N_IDS) {
		check_code(c, OFPBAC_BAD_SET_TYPE);
		return errmsg_set(err, -EINVAL, "set_field: unknown field %u", sf->field);
	}
	mf = mf_from_id(sf->field);
	if (!mf->writable) {
		check_code(c, OFPBAC_BAD_SET_TYPE);
		return errmsg_set(err, -EINVAL, "set_field: field '%s' is not writable", mf->name);
	}
	if (!mf_value_check(mf, &sf->value)) {
		check_code(c, OFPBAC_BAD_SET_ARGUMENT);
		return errmsg_set(err, -EINVAL, "set_field: not a valid value for field '%s'",
		                  mf->name);
	}
	return 0;
}

/* A set_field's prerequisites against the match 'm' (legacy mod_tp_* are
 * re-targeted to the match's L4 protocol first). */
static int check_set_field_prereqs(struct ofpact_set_field *sf, const struct match *m,
                                   struct errmsg *err)
{
	const struct mf_field *mf;
	const char *legacy, *shorthand;

	if (sf->ofpact.raw == OFPACT_RAW_LEGACY)
		sf->field = (uint16_t)retarget_l4(sf->field, m);
	mf = mf_from_id(sf->field);
	legacy = sf->ofpact.raw == OFPACT_RAW_LEGACY ? legacy_set_name(mf->id) : NULL;
	if ((mf->id == MFF_VLAN_VID || mf->id == MFF_VLAN_PCP) &&
	    !((m->mask.vlan_tci & VLAN_CFI) && (m->flow.vlan_tci & VLAN_CFI)))
		return errmsg_set(err, -EINVAL,
		                  "set_field:...->%s needs a VLAN tag: match one "
		                  "(e.g. 'dl_vlan=10') or push_vlan first",
		                  mf->name);
	if (!mf_are_prereqs_ok(mf, m)) {
		shorthand = mf_prereq_shorthand(mf, m);
		return errmsg_set(err, -EINVAL, "%s%s: %s requires %s in the match%s%s%s",
		                  legacy ? legacy : "set_field:...->", legacy ? "" : mf->name,
		                  mf->name, mf_prereq_text(mf), shorthand ? " (e.g. '" : "",
		                  shorthand ? shorthand : "", shorthand ? "')" : "");
	}
	return 0;
}

static int check_list(struct ofpact *list, size_t len, struct match *m, const struct check_ctx *c,
                      struct errmsg *err)
{
	struct ofpact *a;
	int error;

	if (!len)
		return 0;
	for (a = list; (uint8_t *)a < (uint8_t *)list + len;
	     a = (struct ofpact *)(void *)((uint8_t *)a + a->len)) {
		switch ((enum ofpact_type)a->type) {
		case OFPACT_SET_FIELD: {
			struct ofpact_set_field *sf = (void *)a;

			error = check_set_field_structure(sf, c, err);
			if (!error && c->prereqs)
				error = check_set_field_prereqs(sf, m, err);
			if (error)
				return error;
			break;
		}
		case OFPACT_PUSH_VLAN:
			/* The old outermost tag (or its absence) becomes the inner
			 * one; the new tag copies its VID and PCP. */
			m->flow.inner_vlan_tci = m->flow.vlan_tci;
			m->mask.inner_vlan_tci = m->mask.vlan_tci;
			/* fall through */
		case OFPACT_SET_VLAN_VID:
		case OFPACT_SET_VLAN_PCP:
			/* From here on the packet has a tag. */
			if (!((m->mask.vlan_tci & VLAN_CFI) && (m->flow.vlan_tci & VLAN_CFI))) {
				m->flow.vlan_tci = VLAN_CFI;
				m->mask.vlan_tci = 0xffff;
			}
			break;
		case OFPACT_POP_VLAN:
			/* The inner tag (whatever the match knows of it, possibly
			 * nothing) becomes the outermost. */
			m->flow.vlan_tci = m->flow.inner_vlan_tci;
			m->mask.vlan_tci = m->mask.inner_vlan_tci;
			m->flow.inner_vlan_tci = 0;
			m->mask.inner_vlan_tci = 0;
			break;
		case OFPACT_GOTO_TABLE: {
			const struct ofpact_goto_table *g = (const void *)a;

			if (g->table_id <= c->table_id)
				return errmsg_set(err, -EINVAL,
				                  "goto_table:%u must go to a later table than %u",
				                  g->table_id, c->table_id);
			break;
		}
		case OFPACT_WRITE_ACTIONS: {
			struct match copy = *m;

			error = check_list((struct ofpact *)(void *)((uint8_t *)a +
			                                             sizeof(struct ofpact_nest)),
			                   ofpact_nest_len(a), &copy, c, err);
			if (error)
				return error;
			break;
		}
		default:
			break;
		}
	}
	return 0;
}

int ofpacts_check(struct ofpact *a, size_t len, const struct match *match, uint8_t table_id,
                  struct errmsg *err)
{
	const struct check_ctx c = {.table_id = table_id, .prereqs = true};
	struct match m = *match;

	return check_list(a, len, &m, &c, err);
}

int ofpacts_check_unmatched(struct ofpact *a, size_t len, struct ofperr *oe, struct errmsg *err)
{
	const struct check_ctx c = {.prereqs = false, .oe = oe};
	const struct ofpact *x;
	struct match m;

	OFPACT_FOR_EACH(x, a, len)
	{
		if (ofpact_is_instruction((enum ofpact_type)x->type)) {
			check_code(&c, OFPBAC_BAD_TYPE);
			return errmsg_set(err, -EINVAL, "%s: an instruction is not allowed here",
			                  ofpact_type_name(x->type));
		}
	}
	match_init_catchall(&m);
	return check_list(a, len, &m, &c, err);
}

bool ofpacts_equal(const struct ofpact *a, size_t alen, const struct ofpact *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

bool ofpacts_output_to_port(const struct ofpact *list, size_t len, uint32_t port)
{
	const struct ofpact *a;

	if (port == OFPP_ANY)
		return true;
	OFPACT_FOR_EACH(a, list, len)
	{
		if (a->type == OFPACT_OUTPUT &&
		    ((const struct ofpact_output *)(const void *)a)->port == port)
			return true;
		if (a->type == OFPACT_WRITE_ACTIONS &&
		    ofpacts_output_to_port(ofpact_nest_actions(a), ofpact_nest_len(a), port))
			return true;
	}
	return false;
}

bool ofpacts_output_to_group(const struct ofpact *list, size_t len, uint32_t group)
{
	const struct ofpact *a;

	if (group == OFPG_ANY)
		return true;
	OFPACT_FOR_EACH(a, list, len)
	{
		if (a->type == OFPACT_GROUP &&
		    ((const struct ofpact_group *)(const void *)a)->group_id == group)
			return true;
		if (a->type == OFPACT_WRITE_ACTIONS &&
		    ofpacts_output_to_group(ofpact_nest_actions(a), ofpact_nest_len(a), group))
			return true;
	}
	return false;
}

int ofpacts_goto_table(const struct ofpact *list, size_t len)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, list, len)
	if (a->type == OFPACT_GOTO_TABLE)
		return ((const struct ofpact_goto_table *)(const void *)a)->table_id;
	return -1;
}

/* ---- The action set. ---- */

static bool same_kind(const struct ofpact *a, const struct ofpact *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == OFPACT_SET_FIELD)
		return ((const struct ofpact_set_field *)(const void *)a)->field ==
		       ((const struct ofpact_set_field *)(const void *)b)->field;
	return true;
}

void ofpact_set_write(struct ofpacts_buf *set, const struct ofpact *actions, size_t len)
{
	const struct ofpact *a;

	OFPACT_FOR_EACH(a, actions, len)
	{
		/* Remove the action of the same kind, then append. */
		size_t ofs = 0;

		while (ofs < set->size) {
			struct ofpact *old = (struct ofpact *)(void *)(set->data + ofs);

			if (same_kind(old, a)) {
				size_t n = old->len;

				memmove(old, (uint8_t *)old + n, set->size - ofs - n);
				set->size -= n;
				break;
			}
			ofs += old->len;
		}
		ofpacts_put_list(set, a, a->len);
	}
}

void ofpact_set_clear(struct ofpacts_buf *set)
{
	set->size = 0;
}

static int set_rank(enum ofpact_type type)
{
	switch (type) {
	case OFPACT_COPY_TTL_IN:
		return 0;
	case OFPACT_POP_VLAN:
		return 1;
	case OFPACT_PUSH_VLAN:
		return 2;
	case OFPACT_COPY_TTL_OUT:
		return 3;
	case OFPACT_DEC_TTL:
		return 4;
	case OFPACT_SET_FIELD:
	case OFPACT_SET_VLAN_VID:
	case OFPACT_SET_VLAN_PCP:
	case OFPACT_SET_NW_TTL:
		return 5;
	case OFPACT_GROUP:
		return 6;
	case OFPACT_OUTPUT:
		return 7;
	default:
		return 8; /* instructions never get into a set */
	}
}

void ofpact_set_ordered(const struct ofpacts_buf *set, struct ofpacts_buf *out)
{
	const struct ofpact *list = (const struct ofpact *)(const void *)set->data;
	const struct ofpact *a;
	bool has_group = false;

	if (!set->size)
		return;
	OFPACT_FOR_EACH(a, list, set->size)
	if (a->type == OFPACT_GROUP)
		has_group = true;
	for (int rank = 0; rank < 8; rank++) {
		if (rank == 7 && has_group)
			break;
		OFPACT_FOR_EACH(a, list, set->size)
		if (set_rank(a->type) == rank)
			ofpacts_put_list(out, a, a->len);
	}
}
