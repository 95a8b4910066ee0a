/* netlink.c - rtnetlink requests over libmnl: link lookup, bring-up, veth
 * creation and link deletion for the netdev providers (see netlink.h). */
#include "netdev/netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <time.h>

/* Fixed so that buffers are not VLAs (MNL_SOCKET_BUFFER_SIZE is not constant). */
#define NL_BUF_SIZE 8192

/* Sends 'nlh' (which must ask for an ACK) and processes replies with 'cb'
 * until the ACK or an error arrives. */
static int nl_transact(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static unsigned int seq_counter;
	char buf[NL_BUF_SIZE];
	struct mnl_socket *nl;
	unsigned int portid;
	int error = 0;
	ssize_t n;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		error = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned int)time(NULL) + ++seq_counter;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		error = -errno;
		goto out;
	}
	for (;;) {
		int ret;

		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			error = -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb, data);
		if (ret < 0) {
			error = errno ? -errno : -EPROTO;
			break;
		}
		if (ret == MNL_CB_STOP)
			break;
	}
out:
	mnl_socket_close(nl);
	return error;
}

static struct nlmsghdr *nl_put_link_header(char *buf, uint16_t type, uint16_t flags,
                                           struct ifinfomsg **ifmp)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (ifmp)
		*ifmp = ifm;
	return nlh;
}

static int nl_link_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_link_info *info = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			info->mtu = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == 6) {
			memcpy(info->mac, mnl_attr_get_payload(attr), 6);
			info->has_mac = true;
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int nl_link_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct nl_link_info *info = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	info->ifindex = ifm->ifi_index;
	info->flags = ifm->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifm), nl_link_attr_cb, info);
	return MNL_CB_OK;
}

int nl_link_get(const char *name, struct nl_link_info *info)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	int error;

	memset(info, 0, sizeof(*info));
	if (strlen(name) >= IFNAMSIZ)
		return -ENODEV;
	nlh = nl_put_link_header(buf, RTM_GETLINK, 0, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	error = nl_transact(nlh, nl_link_msg_cb, info);
	if (!error && !info->ifindex)
		error = -ENODEV;
	return error;
}

int nl_link_set_up(int ifindex)
{
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;

	nlh = nl_put_link_header(buf, RTM_NEWLINK, 0, &ifm);
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nl_transact(nlh, NULL, NULL);
}

int nl_veth_create(const char *name, const char *peer, int peer_netns_fd)
{
	struct nlattr *linkinfo, *infodata, *peerinfo;
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *pifm;
	struct nlmsghdr *nlh;

	nlh = nl_put_link_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	infodata = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own ifinfomsg.  (Its flags cannot
	 * bring it up: the kernel configures the peer before pairing it.) */
	pifm = mnl_nlmsg_get_payload_tail(nlh);
	memset(pifm, 0, MNL_ALIGN(sizeof(*pifm)));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	mnl_attr_nest_end(nlh, peerinfo);
	mnl_attr_nest_end(nlh, infodata);
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_transact(nlh, NULL, NULL);
}

int nl_link_del(int ifindex)
{
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;

	nlh = nl_put_link_header(buf, RTM_DELLINK, 0, &ifm);
	ifm->ifi_index = ifindex;
	return nl_transact(nlh, NULL, NULL);
}
