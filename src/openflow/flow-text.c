/* flow-text.c - parser and formatter of ovs-ofctl flow strings: rule
 * attributes (table, priority, cookie, timeouts, flags, out_port...), the
 * match with its shorthands and context names, and the actions. */
#include "openflow/flow-text.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Internal modes beyond the public commands. */
enum mode {
	MODE_ADD = FLOW_TEXT_ADD,
	MODE_MODIFY = FLOW_TEXT_MODIFY,
	MODE_DELETE = FLOW_TEXT_DELETE,
	MODE_MATCH = FLOW_TEXT_MATCH,
	MODE_MATCH_ONLY, /* flow_text_parse_match(): fields only */
	MODE_PACKET,     /* flow_text_parse_packet(): fields only, exact */
};

/* A field item the user wrote, kept to check prerequisites at the end. */
struct item {
	const struct mf_field *mf;
	const char *name;  /* as written */
	const char *value; /* as written */
};

/* Names whose field depends on the protocol: candidates in order. */
struct context_name {
	const char *name;
	int level; /* resolved after dl_type (1) or after nw_proto (2) */
	enum mf_field_id fields[5];
	int n;
};

static const struct context_name context_names[] = {
        {"nw_src", 1, {MFF_IPV4_SRC, MFF_ARP_SPA}, 2},
        {"nw_dst", 1, {MFF_IPV4_DST, MFF_ARP_TPA}, 2},
        {"nw_proto", 1, {MFF_IP_PROTO, MFF_ARP_OP}, 2},
        {"tp_src",
         2,
         {MFF_TCP_SRC, MFF_UDP_SRC, MFF_SCTP_SRC, MFF_ICMPV4_TYPE, MFF_ICMPV6_TYPE},
         5},
        {"tp_dst",
         2,
         {MFF_TCP_DST, MFF_UDP_DST, MFF_SCTP_DST, MFF_ICMPV4_CODE, MFF_ICMPV6_CODE},
         5},
        {"icmp_type", 2, {MFF_ICMPV4_TYPE, MFF_ICMPV6_TYPE}, 2},
        {"icmp_code", 2, {MFF_ICMPV4_CODE, MFF_ICMPV6_CODE}, 2},
};

struct protocol {
	const char *name;
	uint16_t dl_type;
	uint8_t nw_proto; /* 0 = none */
};

static const struct protocol protocols[] = {
        {"ip", 0x0800, 0},   {"ipv6", 0x86dd, 0},   {"arp", 0x0806, 0},    {"rarp", 0x8035, 0},
        {"icmp", 0x0800, 1}, {"icmp6", 0x86dd, 58}, {"tcp", 0x0800, 6},    {"tcp6", 0x86dd, 6},
        {"udp", 0x0800, 17}, {"udp6", 0x86dd, 17},  {"sctp", 0x0800, 132}, {"sctp6", 0x86dd, 132},
};

struct parser {
	enum mode mode;
	const struct ofp_port_names *names;
	struct match *match;
	struct item items[64];
	size_t n_items;
	struct {
		const struct context_name *cn;
		const char *name, *value;
	} deferred[16];
	size_t n_deferred;
	struct errmsg *err;
};

static bool fields_only(enum mode mode)
{
	return mode == MODE_MATCH_ONLY || mode == MODE_PACKET;
}

/* Fails if 'mf' is already matched with bits that disagree with the new
 * value, e.g. "tcp,nw_proto=17". */
static int check_conflict(struct parser *p, const char *name, const struct mf_field *mf,
                          const union mf_value *value, const union mf_value *mask)
{
	union mf_value old_v, old_m;

	if (mf->id == MFF_DL_VLAN || mf->id == MFF_DL_VLAN_PCP || mf->id == MFF_VLAN_PCP)
		return 0;
	mf_get(mf, p->match, &old_v, &old_m);
	for (unsigned i = 0; i < mf->n_bytes; i++)
		if ((old_v.bytes[i] ^ value->bytes[i]) & old_m.bytes[i] & mask->bytes[i])
			return errmsg_set(p->err, -EINVAL,
			                  "%s: conflicts with an earlier value for %s", name,
			                  mf->name);
	return 0;
}

static int set_field(struct parser *p, const struct mf_field *mf, const char *name,
                     const char *value)
{
	union mf_value v, m;
	struct errmsg e;
	int error;

	if (!*value)
		return errmsg_set(p->err, -EINVAL, "%s: missing value (%s=VALUE)", name, name);
	if (mf->string == MFS_OFP_PORT) {
		uint32_t port;

		if (ofp_port_parse(value, p->names, &port, &e))
			return errmsg_set(p->err, -EINVAL, "%s: %s", name, e.msg);
		memset(&v, 0, sizeof v);
		memset(&m, 0, sizeof m);
		v.u32 = port;
		m.u32 = UINT32_MAX;
	} else if (mf_parse(mf, value, &v, &m, &e)) {
		return errmsg_set(p->err, -EINVAL, "%s: %s", name, e.msg);
	}
	if (p->mode == MODE_PACKET && !mf_mask_is_exact(mf, &m))
		return errmsg_set(p->err, -EINVAL, "%s: a packet takes exact values, not '%s'",
		                  name, value);
	error = check_conflict(p, name, mf, &v, &m);
	if (error)
		return error;
	error = match_set_field(p->match, mf, &v, &m, p->err);
	if (error)
		return error;
	if (p->n_items == ARRAY_SIZE(p->items))
		return errmsg_set(p->err, -EINVAL, "too many fields");
	p->items[p->n_items++] = (struct item){mf, name, value};
	return 0;
}

static int set_protocol(struct parser *p, const struct protocol *proto)
{
	union mf_value v, m;
	int error;

	memset(&v, 0, sizeof v);
	memset(&m, 0, sizeof m);
	v.u16 = proto->dl_type;
	m.u16 = 0xffff;
	error = check_conflict(p, proto->name, mf_from_id(MFF_ETH_TYPE), &v, &m);
	if (error)
		return error;
	mf_set(mf_from_id(MFF_ETH_TYPE), &v, NULL, p->match);
	if (proto->nw_proto) {
		memset(&v, 0, sizeof v);
		v.u8 = proto->nw_proto;
		m.u8 = 0xff;
		error = check_conflict(p, proto->name, mf_from_id(MFF_IP_PROTO), &v, &m);
		if (error)
			return error;
		mf_set(mf_from_id(MFF_IP_PROTO), &v, NULL, p->match);
	}
	return 0;
}

static int parse_u16_item(struct parser *p, const char *name, const char *value, uint16_t *out)
{
	unsigned long long v;

	if (ofp_text_parse_u64(value, UINT16_MAX, &v))
		return errmsg_set(p->err, -EINVAL, "%s: '%s' is not a number in 0..65535", name,
		                  value);
	*out = (uint16_t)v;
	return 0;
}

/* Rule attributes: returns 1 if 'key' was one, 0 if not, negative on error. */
static int parse_attribute(struct parser *p, struct flow_text_mod *fm, const char *key, char *value)
{
	static const struct {
		const char *name;
		uint16_t flag;
	} flags[] = {
	        {"send_flow_rem", OFPFF_SEND_FLOW_REM},  {"check_overlap", OFPFF_CHECK_OVERLAP},
	        {"reset_counts", OFPFF_RESET_COUNTS},    {"no_packet_counts", OFPFF_NO_PKT_COUNTS},
	        {"no_byte_counts", OFPFF_NO_BYT_COUNTS},
	};
	static const char *const ignored[] = {"duration", "n_packets", "n_bytes", "idle_age",
	                                      "hard_age"};
	bool modifies = p->mode == MODE_ADD || p->mode == MODE_MODIFY;
	unsigned long long n;
	struct errmsg e;
	int error;

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		if (!strcmp(key, flags[i].name)) {
			if (*value)
				return errmsg_set(p->err, -EINVAL, "%s: takes no value", key);
			fm->flags |= flags[i].flag;
			return 1;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(ignored); i++)
		if (!strcmp(key, ignored[i]))
			return 1; /* dump-flows output fed back in */
	if (!strcmp(key, "table")) {
		unsigned long long max = p->mode == MODE_ADD ? 254 : 255;

		if (p->mode != MODE_ADD && !strcmp(value, "all"))
			n = FLOW_TEXT_TABLE_ALL;
		else if (ofp_text_parse_u64(value, max, &n))
			return errmsg_set(p->err, -EINVAL,
			                  "table: '%s' is not a table id (0..%llu)", value, max);
		fm->table_id = (uint8_t)n;
		return 1;
	}
	if (!strcmp(key, "priority")) {
		error = parse_u16_item(p, key, value, &fm->priority);
		fm->has_priority = true;
		return error ? error : 1;
	}
	if (!strcmp(key, "idle_timeout") || !strcmp(key, "hard_timeout") ||
	    !strcmp(key, "importance")) {
		if (!modifies)
			return errmsg_set(p->err, -EINVAL, "%s: only for add-flow and mod-flows",
			                  key);
		error = parse_u16_item(p, key, value,
		                       key[0] == 'i' && key[1] == 'd' ? &fm->idle_timeout
		                       : key[0] == 'h'                ? &fm->hard_timeout
		                                                      : &fm->importance);
		return error ? error : 1;
	}
	if (!strcmp(key, "cookie")) {
		char *slash = strchr(value, '/');
		unsigned long long v, m;

		if (slash)
			*slash = 0;
		error = ofp_text_parse_u64(value, UINT64_MAX, &v);
		if (!error && slash && !strcmp(slash + 1, "-1"))
			m = UINT64_MAX;
		else if (!error && slash)
			error = ofp_text_parse_u64(slash + 1, UINT64_MAX, &m);
		if (slash)
			*slash = '/';
		if (error)
			return errmsg_set(p->err, -EINVAL, "cookie: '%s' is not a 64-bit number",
			                  value);
		if (slash) {
			if (p->mode == MODE_ADD)
				return errmsg_set(
				        p->err, -EINVAL,
				        "cookie: flow additions cannot use a cookie mask");
			fm->cookie = v & m;
			fm->cookie_mask = m;
		} else {
			if (!modifies)
				return errmsg_set(p->err, -EINVAL,
				                  "cookie: give a mask to select flows "
				                  "(cookie=0x%llx/-1)",
				                  v);
			fm->new_cookie = v;
			fm->modify_cookie = true;
		}
		return 1;
	}
	if (!strcmp(key, "out_port") || !strcmp(key, "out_group")) {
		if (p->mode == MODE_ADD)
			return errmsg_set(p->err, -EINVAL, "%s: not allowed for add-flow", key);
		if (key[4] == 'p' ? ofp_port_parse(value, p->names, &fm->out_port, &e)
		                  : ofp_group_parse(value, &fm->out_group, &e))
			return errmsg_set(p->err, -EINVAL, "%s: %s", key, e.msg);
		return 1;
	}
	return 0;
}

/* Finds "actions=" (or "action=") at an item boundary; cuts the string
 * there and returns the text after '=', or NULL. */
static char *extract_actions(char *s)
{
	for (char *p = s; (p = strstr(p, "action")) != NULL; p++) {
		char *q = p + 6;

		if (p != s && !strchr(", \t\r\n", p[-1]))
			continue;
		if (*q == 's')
			q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=')
			continue;
		*p = 0;
		return q + 1;
	}
	return NULL;
}

static int parse_item(struct parser *p, struct flow_text_mod *fm, char *key, char *value)
{
	const struct mf_field *mf;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(protocols); i++) {
		if (!strcmp(key, protocols[i].name)) {
			if (*value)
				return errmsg_set(p->err, -EINVAL, "%s: takes no value", key);
			return set_protocol(p, &protocols[i]);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(context_names); i++) {
		if (!strcmp(key, context_names[i].name)) {
			if (p->n_deferred == ARRAY_SIZE(p->deferred))
				return errmsg_set(p->err, -EINVAL, "too many fields");
			p->deferred[p->n_deferred].cn = &context_names[i];
			p->deferred[p->n_deferred].name = key;
			p->deferred[p->n_deferred].value = value;
			p->n_deferred++;
			return 0;
		}
	}
	mf = mf_from_name(key);
	if (mf)
		return set_field(p, mf, key, value);
	if (!fields_only(p->mode)) {
		r = parse_attribute(p, fm, key, value);
		if (r)
			return r < 0 ? r : 0;
	}
	return errmsg_set(p->err, -EINVAL, "unknown field '%s'", key);
}

static int resolve_deferred(struct parser *p)
{
	for (int level = 1; level <= 2; level++) {
		for (size_t i = 0; i < p->n_deferred; i++) {
			const struct context_name *cn = p->deferred[i].cn;
			const struct mf_field *mf = mf_from_id(cn->fields[0]);
			int error;

			if (cn->level != level)
				continue;
			for (int j = 0; j < cn->n; j++) {
				if (mf_are_prereqs_ok(mf_from_id(cn->fields[j]), p->match)) {
					mf = mf_from_id(cn->fields[j]);
					break;
				}
			}
			error = set_field(p, mf, p->deferred[i].name, p->deferred[i].value);
			if (error)
				return error;
		}
	}
	return 0;
}

static int check_prereqs(struct parser *p)
{
	for (size_t i = 0; i < p->n_items; i++) {
		const struct item *it = &p->items[i];
		const char *sh;

		if (mf_are_prereqs_ok(it->mf, p->match))
			continue;
		sh = mf_prereq_shorthand(it->mf, p->match);
		if (sh)
			return errmsg_set(p->err, -EINVAL, "%s requires %s (e.g. '%s,%s=%s')",
			                  it->mf->name, mf_prereq_text(it->mf), sh, it->name,
			                  it->value);
		return errmsg_set(p->err, -EINVAL, "%s requires %s", it->mf->name,
		                  mf_prereq_text(it->mf));
	}
	return 0;
}

static int parse__(const char *s, enum mode mode, const struct ofp_port_names *names,
                   struct flow_text_mod *fm, struct errmsg *err)
{
	struct parser *p = xzalloc(sizeof *p);
	char *copy = xstrdup(s);
	char *actions, *pos, *key, *value;
	int error = 0;

	memset(fm, 0, sizeof *fm);
	match_init_catchall(&fm->match);
	fm->priority = OFP_DEFAULT_PRIORITY;
	fm->table_id = mode == MODE_ADD ? 0 : FLOW_TEXT_TABLE_ALL;
	fm->out_port = OFPP_ANY;
	fm->out_group = OFPG_ANY;
	p->mode = mode;
	p->names = names;
	p->match = &fm->match;
	p->err = err;

	actions = extract_actions(copy);
	pos = copy;
	while (ofp_text_next(&pos, &key, &value, &error)) {
		error = parse_item(p, fm, key, value);
		if (error)
			goto out;
	}
	if (error) {
		error = errmsg_set(err, -EINVAL, "unbalanced parentheses in '%s'", s);
		goto out;
	}
	error = resolve_deferred(p);
	if (!error)
		error = check_prereqs(p);
	if (error)
		goto out;
	match_normalize(&fm->match);

	if (mode == MODE_ADD || mode == MODE_MODIFY) {
		struct ofpacts_buf b;
		struct errmsg e;

		if (!actions) {
			error = errmsg_set(err, -EINVAL, "must specify an action (actions=...)");
			goto out;
		}
		ofpacts_buf_init(&b);
		error = ofpacts_parse(actions, names, &b, &e);
		if (!error) {
			fm->ofpacts = ofpacts_buf_steal(&b, &fm->ofpacts_len);
			error = ofpacts_check(
			        fm->ofpacts, fm->ofpacts_len, &fm->match,
			        fm->table_id == FLOW_TEXT_TABLE_ALL ? 0 : fm->table_id, &e);
		}
		ofpacts_buf_uninit(&b);
		if (error)
			error = errmsg_set(err, -EINVAL, "actions: %s", e.msg);
	} else if (actions) {
		error = errmsg_set(err, -EINVAL, "actions are not allowed here");
	}
out:
	free(copy);
	free(p);
	return error;
}

int flow_text_parse(const char *s, enum flow_text_cmd cmd, const struct ofp_port_names *names,
                    struct flow_text_mod *fm, struct errmsg *err)
{
	return parse__(s, (enum mode)cmd, names, fm, err);
}

void flow_text_mod_uninit(struct flow_text_mod *fm)
{
	if (fm) {
		free(fm->ofpacts);
		fm->ofpacts = NULL;
		fm->ofpacts_len = 0;
	}
}

int flow_text_parse_match(const char *s, const struct ofp_port_names *names, struct match *match,
                          struct errmsg *err)
{
	struct flow_text_mod fm;
	int error = parse__(s, MODE_MATCH_ONLY, names, &fm, err);

	if (!error)
		*match = fm.match;
	flow_text_mod_uninit(&fm);
	return error;
}

int flow_text_parse_packet(const char *s, const struct ofp_port_names *names, struct flow *flow,
                           struct errmsg *err)
{
	struct flow_text_mod fm;
	int error = parse__(s, MODE_PACKET, names, &fm, err);

	if (!error)
		*flow = fm.match.flow;
	flow_text_mod_uninit(&fm);
	return error;
}

char *flow_text_format_match(const struct match *match, int priority,
                             const struct ofp_port_names *names)
{
	struct strbuf sb;

	strbuf_init(&sb);
	match_format(match, priority, names, &sb);
	return sb.s;
}

char *flow_text_format_rule(const struct match *match, int priority, const struct ofpact *ofpacts,
                            size_t ofpacts_len, const struct ofp_port_names *names)
{
	struct strbuf sb;

	strbuf_init(&sb);
	match_format(match, priority, names, &sb);
	if (sb.len)
		strbuf_putc(&sb, ' ');
	strbuf_puts(&sb, "actions=");
	ofpacts_format(ofpacts, ofpacts_len, names, &sb);
	return sb.s;
}
