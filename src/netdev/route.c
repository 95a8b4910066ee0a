/* route.c - rtnetlink RTM_GETROUTE / RTM_GETNEIGH / RTM_GETLINK lookups, the
 * next hop's link layer for whole-frame sends, and the small route cache of
 * the tunnel ports (see route.h). */
#include "netdev/route.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
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
	info->local = r.type == RTN_LOCAL;
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
	uint16_t state;
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

	struct neigh_reply *r = data;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || !(ndm->ndm_state & usable))
		return MNL_CB_OK;
	r->state = ndm->ndm_state;
	mnl_attr_parse(nlh, sizeof *ndm, neigh_attr_cb, data);
	return MNL_CB_OK;
}

int neigh_lookup(int ifindex, uint32_t ip, uint8_t mac[6], uint16_t *state)
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
		return error == -ENOENT || error == -ENODATA ? -ENOENT : error;
	if (state)
		*state = r.state;
	return r.found ? 0 : -ENOENT;
}

struct link_reply {
	uint16_t type;
	unsigned flags;
	uint8_t *mac;
	bool found;
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct link_reply *r = data;

	if (mnl_attr_get_type(attr) == IFLA_ADDRESS && mnl_attr_get_payload_len(attr) == 6)
		memcpy(r->mac, mnl_attr_get_payload(attr), 6);
	return MNL_CB_OK;
}

static int link_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_reply *r = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	r->found = true;
	r->type = ifi->ifi_type;
	r->flags = ifi->ifi_flags;
	mnl_attr_parse(nlh, sizeof *ifi, link_attr_cb, data);
	return MNL_CB_OK;
}

int route_link_get(int ifindex, uint16_t *type, unsigned *flags, uint8_t mac[6])
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct link_reply r = {.mac = mac};
	struct ifinfomsg *ifi;
	int error;

	memset(mac, 0, 6);
	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	error = nl_transact(nlh, link_msg_cb, &r);
	if (error)
		return error;
	if (!r.found)
		return -ENODEV;
	*type = r.type;
	*flags = r.flags;
	return 0;
}

int route_l2_lookup(uint32_t dst, const struct route_info *info, struct route_l2 *l2)
{
	static const uint8_t zero[6];
	uint16_t type = 0, state = 0;
	unsigned flags = 0;
	int error;

	memset(l2, 0, sizeof *l2);
	if (info->local || !info->prefsrc || info->ifindex <= 0)
		return -EOPNOTSUPP;
	error = route_link_get(info->ifindex, &type, &flags, l2->src_mac);
	if (error)
		return error;
	if (type != ARPHRD_ETHER || (flags & (IFF_UP | IFF_LOOPBACK)) != IFF_UP ||
	    !memcmp(l2->src_mac, zero, 6))
		return -EOPNOTSUPP;
	error = neigh_lookup(info->ifindex, info->gateway ? info->gateway : dst, l2->dst_mac,
	                     &state);
	if (error)
		return error;
	if (!memcmp(l2->dst_mac, zero, 6))
		return -ENOENT;
	l2->confirmed = (state & (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP)) != 0;
	return 0;
}

void route_cache_init(struct route_cache *c)
{
	memset(c, 0, sizeof *c);
}

struct route_cache_entry *route_cache_find(struct route_cache *c, uint32_t dst, uint64_t now_ms,
                                           bool l2)
{
	struct route_cache_entry *e = NULL, old;
	uint64_t ttl = ROUTE_CACHE_TTL_MS;

	for (unsigned i = 0; i < ROUTE_CACHE_SIZE; i++) {
		if (c->e[i].expires_ms && c->e[i].dst == dst) {
			e = &c->e[i];
			break;
		}
	}
	if (e && now_ms < e->expires_ms)
		return e;
	if (!e) {
		e = &c->e[c->next];
		c->next = (c->next + 1) % ROUTE_CACHE_SIZE;
		e->expires_ms = 0;
	}
	old = *e;
	e->dst = dst;
	e->error = route_lookup(dst, &e->info);
	e->l2_error = -EOPNOTSUPP;
	e->l2_probe = false;
	memset(&e->l2, 0, sizeof e->l2);
	if (e->error)
		ttl /= 10;
	else if (l2) {
		e->l2_error = route_l2_lookup(dst, &e->info, &e->l2);
		if (e->l2_error == -ENOENT)
			ttl /= 10; /* pick the MAC up soon after the kernel resolves it */
		e->l2_probe = !e->l2_error && !e->l2.confirmed;
	}
	e->l2_changed = !old.expires_ms || old.dst != dst || old.l2_error != e->l2_error ||
	                memcmp(old.l2.dst_mac, e->l2.dst_mac, 6) ||
	                memcmp(old.l2.src_mac, e->l2.src_mac, 6) ||
	                old.info.ifindex != e->info.ifindex;
	e->expires_ms = now_ms + ttl;
	return e;
}

void route_cache_invalidate(struct route_cache *c, uint32_t dst)
{
	for (unsigned i = 0; i < ROUTE_CACHE_SIZE; i++)
		if (c->e[i].expires_ms && c->e[i].dst == dst)
			c->e[i].expires_ms = 1;
}
