/* netlink.c - rtnetlink requests over libmnl: link lookup, bring-up, veth
 * creation and link deletion for the netdev providers, and the tc ingress
 * drop that detaches a port from the host stack (see netlink.h). */
#include "netdev/netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/bpf.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* NL_BUF_SIZE is fixed so that buffers are not VLAs (MNL_SOCKET_BUFFER_SIZE
 * is not constant). */

int nl_transact(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static _Atomic unsigned int seq_counter;
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
		errno = 0;
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

int nl_link_bring_up(const char *name, struct nl_link_info *info)
{
	int error = nl_link_get(name, info);

	if (!error && !(info->flags & IFF_UP))
		error = nl_link_set_up(info->ifindex);
	return error;
}

int nl_link_set_admin(int ifindex, bool up)
{
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;

	nlh = nl_put_link_header(buf, RTM_NEWLINK, 0, &ifm);
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = up ? IFF_UP : 0;
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

/* --- tc ingress drop --- */

#define NL_TC_DROP_NAME       "patchbay-drop"
#define NL_TC_DROP_NAME_OWNED "patchbay-drop+clsact"
/* Filters go to the ingress hook ("tc filter ... ingress"), which both the
 * clsact and the ingress qdisc accept. */
#define NL_TC_INGRESS_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define NL_TC_CLSACT_HANDLE  TC_H_MAKE(TC_H_CLSACT, 0)

static struct nlmsghdr *nl_put_tc_header(char *buf, uint16_t type, uint16_t flags, int ifindex,
                                         uint32_t parent, uint32_t handle, uint32_t info)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_handle = handle;
	tcm->tcm_info = info;
	return nlh;
}

/* A filter message for our priority, protocol "all" and handle. */
static struct nlmsghdr *nl_put_drop_filter_header(char *buf, uint16_t type, uint16_t flags,
                                                  int ifindex)
{
	return nl_put_tc_header(buf, type, flags, ifindex, NL_TC_INGRESS_PARENT, NL_TC_DROP_HANDLE,
	                        TC_H_MAKE((uint32_t)NL_TC_DROP_PRIO << 16, htons(ETH_P_ALL)));
}

/* Loads "return TC_ACT_SHOT" as a tc classifier.  Returns the program fd
 * (close-on-exec) or -errno. */
static int nl_tc_drop_prog_load(void)
{
	struct bpf_insn insns[] = {
	        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = TC_ACT_SHOT},
	        {.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (uint64_t)(uintptr_t) "GPL";
	memcpy(attr.prog_name, "patchbay_drop", sizeof("patchbay_drop"));
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return fd < 0 ? -errno : (int)fd;
}

/* What a dump of the ingress filters at our priority says. */
struct nl_drop_filter {
	bool found;   /* a filter with our handle */
	bool foreign; /* a filter that is not ours holds our priority */
	char name[64];
	char kind[16];
};

static bool nl_drop_name_is_ours(const char *name)
{
	return !strcmp(name, NL_TC_DROP_NAME) || !strcmp(name, NL_TC_DROP_NAME_OWNED);
}

static int nl_drop_filter_opt_cb(const struct nlattr *attr, void *data)
{
	struct nl_drop_filter *f = data;

	if (mnl_attr_get_type(attr) == TCA_BPF_NAME &&
	    mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
		snprintf(f->name, sizeof(f->name), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

static int nl_drop_filter_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_drop_filter *f = data;

	switch (mnl_attr_get_type(attr)) {
	case TCA_KIND:
		if (mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
			snprintf(f->kind, sizeof(f->kind), "%s", mnl_attr_get_str(attr));
		break;
	case TCA_OPTIONS:
		mnl_attr_parse_nested(attr, nl_drop_filter_opt_cb, f);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int nl_drop_filter_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct nl_drop_filter *f = data;

	if (nlh->nlmsg_type != RTM_NEWTFILTER)
		return MNL_CB_OK;
	f->kind[0] = f->name[0] = '\0';
	mnl_attr_parse(nlh, sizeof(*tcm), nl_drop_filter_attr_cb, f);
	/* Another kind at our priority would make the kernel refuse ours. */
	if (strcmp(f->kind, "bpf"))
		f->foreign = true;
	else if (tcm->tcm_handle == NL_TC_DROP_HANDLE && nl_drop_name_is_ours(f->name))
		f->found = true;
	else if (tcm->tcm_handle == NL_TC_DROP_HANDLE)
		f->foreign = true;
	return MNL_CB_OK;
}

/* Looks up the filter at our priority and handle: 0 with f->found false if
 * there is none.  A dump of the ingress filters at our priority, because a
 * plain get fails with a bare -EINVAL when the qdisc has no filters yet. */
static int nl_drop_filter_get(int ifindex, struct nl_drop_filter *f)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;

	memset(f, 0, sizeof(*f));
	nlh = nl_put_drop_filter_header(buf, RTM_GETTFILTER, NLM_F_DUMP, ifindex);
	return nl_transact(nlh, nl_drop_filter_msg_cb, f);
}

static int nl_drop_filter_add(int ifindex, bool owns_qdisc)
{
	char buf[NL_BUF_SIZE];
	struct nlattr *opts;
	struct nlmsghdr *nlh;
	int prog, error;

	prog = nl_tc_drop_prog_load();
	if (prog < 0)
		return prog;
	/* Without NLM_F_EXCL an existing filter with our handle is replaced. */
	nlh = nl_put_drop_filter_header(buf, RTM_NEWTFILTER, NLM_F_CREATE, ifindex);
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t)prog);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, owns_qdisc ? NL_TC_DROP_NAME_OWNED : NL_TC_DROP_NAME);
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
	error = nl_transact(nlh, NULL, NULL);
	close(prog); /* the filter holds its own reference */
	return error;
}

static int nl_clsact_add(int ifindex)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;

	nlh = nl_put_tc_header(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, TC_H_CLSACT,
	                       NL_TC_CLSACT_HANDLE, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	return nl_transact(nlh, NULL, NULL);
}

static int nl_clsact_del(int ifindex)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;

	nlh = nl_put_tc_header(buf, RTM_DELQDISC, 0, ifindex, TC_H_CLSACT, NL_TC_CLSACT_HANDLE, 0);
	return nl_transact(nlh, NULL, NULL);
}

int nl_tc_drop_install(int ifindex, bool *owns_qdisc)
{
	struct nl_drop_filter f;
	bool owns = false;
	int error;

	error = nl_clsact_add(ifindex);
	if (!error) {
		owns = true;
	} else if (error == -EEXIST) {
		/* A clsact/ingress qdisc is there: maybe with our filter from
		 * a run that ended without closing its ports. */
		error = nl_drop_filter_get(ifindex, &f);
		if (error)
			goto out;
		if (f.foreign) {
			error = -EBUSY; /* somebody else's filter in our place */
			goto out;
		}
		owns = f.found && !strcmp(f.name, NL_TC_DROP_NAME_OWNED);
	} else {
		goto out;
	}
	error = nl_drop_filter_add(ifindex, owns);
	if (error)
		nl_tc_drop_remove(ifindex, owns);
out:
	*owns_qdisc = !error && owns;
	return error;
}

int nl_tc_drop_remove(int ifindex, bool owns_qdisc)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	int error;

	nlh = nl_put_drop_filter_header(buf, RTM_DELTFILTER, 0, ifindex);
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	error = nl_transact(nlh, NULL, NULL);
	if (error == -ENOENT || error == -EINVAL) /* filter or qdisc already gone */
		error = 0;
	if (owns_qdisc) {
		int qerror = nl_clsact_del(ifindex);

		if (qerror != -ENOENT && qerror != -EINVAL && !error)
			error = qerror;
	}
	return error;
}
