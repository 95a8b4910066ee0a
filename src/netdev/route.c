/* route.c - rtnetlink RTM_GETROUTE / RTM_GETNEIGH lookups and the small
 * route cache of the tunnel ports (see route.h). */
#include "netdev/route.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/csum.h"
#include "netdev/netlink.h"

struct route_reply {
	struct route_info *info;
	int mtu;
	bool found;
	uint8_t type;
};

static int route_metrics_cb(const struct nlattr *attr, void *data)
{
	struct route_reply *r = data;

	if (mnl_attr_get_type(attr) == RTAX_MTU && !mnl_attr_validate(attr, MNL_TYPE_U32))
		r->mtu = (int)mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	struct route_reply *r = data;

	switch (mnl_attr_get_type(attr)) {
	case RTA_OIF:
		if (!mnl_attr_validate(attr, MNL_TYPE_U32))
			r->info->ifindex = (int)mnl_attr_get_u32(attr);
		break;
	case RTA_GATEWAY:
		if (mnl_attr_get_payload_len(attr) == 4)
			r->info->gateway = pb_get_be32(mnl_attr_get_payload(attr));
		break;
	case RTA_PREFSRC:
		if (mnl_attr_get_payload_len(attr) == 4)
			r->info->prefsrc = pb_get_be32(mnl_attr_get_payload(attr));
		break;
	case RTA_METRICS:
		mnl_attr_parse_nested(attr, route_metrics_cb, r);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int route_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_reply *r = data;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	r->found = true;
	r->type = rtm->rtm_type;
	mnl_attr_parse(nlh, sizeof *rtm, route_attr_cb, r);
	return MNL_CB_OK;
}

int route_lookup(uint32_t dst, struct route_info *info)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route_reply r = {.info = info};
	struct rtmsg *rtm;
	uint8_t addr[4];
	int error;

	memset(info, 0, sizeof *info);
	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	pb_put_be32(addr, dst);
	mnl_attr_put(nlh, RTA_DST, 4, addr);
	error = nl_transact(nlh, route_msg_cb, &r);
	if (error)
		return error == -ENETUNREACH || error == -EHOSTUNREACH ? -ENETUNREACH : error;
	if (!r.found || !info->ifindex || (r.type != RTN_UNICAST && r.type != RTN_LOCAL))
		return -ENETUNREACH;
	info->mtu = r.mtu;
	if (!info->mtu) {
		char name[IF_NAMESIZE];
		struct nl_link_info li;

		if (if_indextoname((unsigned)info->ifindex, name) && !nl_link_get(name, &li))
			info->mtu = li.mtu;
		else
			info->mtu = 1500;
	}
	return 0;
}

struct neigh_reply {
	uint8_t *mac;
	bool found;
};

static int neigh_attr_cb(const struct nlattr *attr, void *data)
{
	struct neigh_reply *r = data;

	if (mnl_attr_get_type(attr) == NDA_LLADDR && mnl_attr_get_payload_len(attr) == 6) {
		memcpy(r->mac, mnl_attr_get_payload(attr), 6);
		r->found = true;
	}
	return MNL_CB_OK;
}

static int neigh_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const uint16_t usable =
	        NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || !(ndm->ndm_state & usable))
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof *ndm, neigh_attr_cb, data);
	return MNL_CB_OK;
}

int neigh_lookup(int ifindex, uint32_t ip, uint8_t mac[6])
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct neigh_reply r = {.mac = mac};
	struct ndmsg *ndm;
	uint8_t addr[4];
	int error;

	nlh->nlmsg_type = RTM_GETNEIGH;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof *ndm);
	ndm->ndm_family = AF_INET;
	ndm->ndm_ifindex = ifindex;
	pb_put_be32(addr, ip);
	mnl_attr_put(nlh, NDA_DST, 4, addr);
	error = nl_transact(nlh, neigh_msg_cb, &r);
	if (error)
		return error;
	return r.found ? 0 : -ENOENT;
}

void route_cache_init(struct route_cache *c)
{
	memset(c, 0, sizeof *c);
}

int route_cache_get(struct route_cache *c, uint32_t dst, uint64_t now_ms, struct route_info *info)
{
	struct route_cache_entry *e = NULL;

	for (unsigned i = 0; i < ROUTE_CACHE_SIZE; i++) {
		if (c->e[i].expires_ms && c->e[i].dst == dst) {
			e = &c->e[i];
			break;
		}
	}
	if (e && now_ms < e->expires_ms) {
		*info = e->info;
		return e->error;
	}
	if (!e) {
		e = &c->e[c->next];
		c->next = (c->next + 1) % ROUTE_CACHE_SIZE;
	}
	e->dst = dst;
	e->error = route_lookup(dst, &e->info);
	e->expires_ms = now_ms + (e->error ? ROUTE_CACHE_TTL_MS / 10 : ROUTE_CACHE_TTL_MS);
	*info = e->info;
	return e->error;
}
