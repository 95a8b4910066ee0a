/* ofp-port.c - parsing and formatting OpenFlow port and group numbers, with
 * the reserved names ovs-ofctl uses and caller-supplied port names. */
#include "openflow/ofp-port.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "openflow/ofp-text.h"

struct reserved_port {
	const char *name;
	uint32_t port;
};

static const struct reserved_port reserved_ports[] = {
        {"IN_PORT", OFPP_IN_PORT}, {"TABLE", OFPP_TABLE}, {"NORMAL", OFPP_NORMAL},
        {"FLOOD", OFPP_FLOOD},     {"ALL", OFPP_ALL},     {"CONTROLLER", OFPP_CONTROLLER},
        {"LOCAL", OFPP_LOCAL},     {"ANY", OFPP_ANY},     {"NONE", OFPP_ANY},
};

const char *ofp_port_reserved_name(uint32_t port)
{
	for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++)
		if (reserved_ports[i].port == port)
			return reserved_ports[i].name;
	return NULL;
}

int ofp_port_parse(const char *s, const struct ofp_port_names *names, uint32_t *port,
                   struct errmsg *err)
{
	unsigned long long v;

	if (!ofp_text_parse_u64(s, UINT32_MAX, &v)) {
		*port = (uint32_t)v;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++) {
		if (!strcasecmp(s, reserved_ports[i].name)) {
			*port = reserved_ports[i].port;
			return 0;
		}
	}
	if (names && names->name_to_port && *s && !names->name_to_port(s, port, names->aux))
		return 0;
	return errmsg_set(err, -EINVAL, "'%s' is not a valid port number or name", s);
}

static bool name_is_printable(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= OFP_PORT_STRLEN || isdigit((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++)
		if (!strcasecmp(name, reserved_ports[i].name))
			return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)name[i]) || strchr(",=:()", name[i]))
			return false;
	return true;
}

void ofp_port_format(uint32_t port, const struct ofp_port_names *names, char buf[OFP_PORT_STRLEN])
{
	const char *name = ofp_port_reserved_name(port);

	if (!name && names && names->port_to_name) {
		name = names->port_to_name(port, names->aux);
		if (name && !name_is_printable(name))
			name = NULL;
	}
	if (name)
		snprintf(buf, OFP_PORT_STRLEN, "%s", name);
	else
		snprintf(buf, OFP_PORT_STRLEN, "%u", port);
}

int ofp_group_parse(const char *s, uint32_t *group, struct errmsg *err)
{
	unsigned long long v;

	if (!strcasecmp(s, "all")) {
		*group = OFPG_ALL;
		return 0;
	}
	if (!strcasecmp(s, "any")) {
		*group = OFPG_ANY;
		return 0;
	}
	if (ofp_text_parse_u64(s, OFPG_MAX, &v))
		return errmsg_set(err, -EINVAL, "'%s' is not a valid group id", s);
	*group = (uint32_t)v;
	return 0;
}
