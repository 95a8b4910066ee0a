// SPDX-License-Identifier: GPL-2.0
/*
 * XDP programs for bench/e2e.sh: the sink's frame counter and a pass-through that turns on a
 * veth's NAPI receive path. One program per object, chosen at compile time (see below).
 *
 *   -DPBB_SINK  pbb_sink: counts every frame in a per-CPU array (index 0) and drops the
 *               benchmark stream (UDP over IPv4 or IPv6 to port PBB_PORT) right there, so
 *               the sink never limits the measurement; ARP, ICMP, etc. go on to the stack.
 *   -DPBB_PASS  pbb_pass: XDP_PASS. A veth only takes frames XDP_REDIRECTed into its peer
 *               when it has an XDP program (xdp-trafficgen sends that way).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef PBB_PORT
#define PBB_PORT 9
#endif

#if defined(PBB_SINK)
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pbb_frames SEC(".maps");

/* Returns the UDP header of an IPv4 (no options) or IPv6 (no extension headers) frame, or
 * NULL for anything else. */
static __always_inline struct udphdr *pbb_udp(void *data, void *end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return NULL;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip4 = (void *)(eth + 1);

		if ((void *)(ip4 + 1) > end || ip4->ihl != 5 || ip4->protocol != IPPROTO_UDP)
			return NULL;
		return (void *)(ip4 + 1);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP)
			return NULL;
		return (void *)(ip6 + 1);
	}
	return NULL;
}

SEC("xdp")
int pbb_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct udphdr *udp;
	__u32 key = 0;
	__u64 *n;

	n = bpf_map_lookup_elem(&pbb_frames, &key);
	if (n)
		(*n)++;
	udp = pbb_udp(data, end);
	if (udp && (void *)(udp + 1) <= end && udp->dest == bpf_htons(PBB_PORT))
		return XDP_DROP;
	return XDP_PASS;
}

#elif defined(PBB_PASS)
SEC("xdp")
int pbb_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

#else
#error "compile with -DPBB_SINK or -DPBB_PASS"
#endif

char _license[] SEC("license") = "GPL";
