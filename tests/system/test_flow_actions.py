# test_flow_actions.py - OpenFlow actions that edit packets, checked on the frames captured in
# the receiving namespace: VLAN push/pop, MAC/IP/port rewrites with valid checksums (also
# through real kernel TCP/UDP connections), dec_ttl.
import pytest
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Dot1AD, Dot1Q, Ether

from helpers import Capture, ip4, run, send_frames, sock_echo, tagged, udp_frame

OTHER_MAC = "02:00:5e:00:53:01"  # a destination no namespace answers to


def checksums_ok(frame):
    """True if the IPv4 and TCP/UDP checksums of 'frame' are what scapy computes."""
    rebuilt = Ether(bytes(frame))
    del rebuilt[IP].chksum
    layers = [IP] + [lyr for lyr in (TCP, UDP) if lyr in rebuilt]
    for lyr in layers[1:]:
        del rebuilt[lyr].chksum
    rebuilt = Ether(bytes(rebuilt))
    return all(rebuilt[lyr].chksum == frame[lyr].chksum for lyr in layers)


def test_push_vlan_seen_on_far_side(daemon, netns, bridge, three_hosts, workdir):
    h1, h2, _ = three_hosts
    p1, p2 = h1.port, h2.port
    for f in [
        "udp,in_port=%s,tp_dst=3001,actions=push_vlan:0x8100,set_field:100->vlan_vid,output:%s",
        # OpenFlow 1.3 spelling, with the OFPVID_PRESENT bit (0x1000 | 200)
        "udp,in_port=%s,tp_dst=3002,actions=push_vlan:0x8100,set_field:4296->vlan_vid,output:%s",
        "udp,in_port=%s,tp_dst=3003,actions=mod_vlan_vid:300,mod_vlan_pcp:5,output:%s",
    ]:
        daemon.pbctl_ok("add-flow", bridge, "priority=100," + f % (p1, p2))
    tag = b"pb-push-" + netns.prefix.encode()
    sent = {port: udp_frame(h1, OTHER_MAC, h2.ip, port, tag + b"%d" % port)
            for port in (3001, 3002, 3003)}
    cap = Capture(h2.ns, h2.ifname, workdir)
    send_frames(h1.ns, h1.ifname, list(sent.values()) * 2)  # twice: upcall, then megaflow
    got = tagged(cap.stop(), tag)
    assert len(got) == 6, [f.summary() for f in got]
    want = {3001: (100, 0), 3002: (200, 0), 3003: (300, 5)}
    for f in got:
        assert Dot1Q in f and f[Ether].type == 0x8100, "untagged: %s" % f.summary()
        dport = f[UDP].dport
        assert (f[Dot1Q].vlan, f[Dot1Q].prio) == want[dport], f.summary()
        assert f[Dot1Q].type == 0x0800
        # Below the tag the frame is unchanged.
        assert bytes(f[IP]) == bytes(sent[dport][IP]), f.summary()
        assert (f[Ether].src, f[Ether].dst) == (h1.mac, OTHER_MAC)


def test_pop_vlan_on_tagged_frames(daemon, netns, bridge, three_hosts, workdir):
    h1, h2, h3 = three_hosts
    daemon.pbctl_ok("add-flow", bridge, "priority=100,in_port=%s,dl_vlan=100,actions=pop_vlan,"
                    "output:%s" % (h1.port, h2.port))
    daemon.pbctl_ok("add-flow", bridge, "priority=100,in_port=%s,dl_vlan=200,actions=output:%s"
                    % (h1.port, h3.port))
    tag = b"pb-pop-" + netns.prefix.encode()

    def frame(vid, n):
        return Ether(src=h1.mac, dst=OTHER_MAC) / Dot1Q(vlan=vid, prio=3) / \
            IP(src=h1.ip, dst=h2.ip) / UDP(sport=4000, dport=3010) / (tag + b"%d-%d" % (vid, n))

    cap2, cap3 = Capture(h2.ns, h2.ifname, workdir), Capture(h3.ns, h3.ifname, workdir)
    send_frames(h1.ns, h1.ifname, [frame(100, i) for i in range(3)] +
                [frame(200, i) for i in range(3)])
    got2, got3 = tagged(cap2.stop(), tag), tagged(cap3.stop(), tag)
    # The switch saw the tags (dl_vlan matched) ...
    assert len(got2) == 3 and len(got3) == 3, ([f.summary() for f in got2],
                                               [f.summary() for f in got3])
    for f in got2:
        # ... removed VID 100 ...
        assert Dot1Q not in f and f[Ether].type == 0x0800, "still tagged: %s" % f.summary()
        assert bytes(f[UDP].payload).startswith(tag + b"100-")
        assert checksums_ok(f)
    for f in got3:
        # ... and kept VID 200.
        assert Dot1Q in f and f[Dot1Q].vlan == 200 and f[Dot1Q].prio == 3, f.summary()


def test_set_field_rewrites_with_valid_checksums(daemon, netns, bridge, three_hosts, workdir):
    h1, h2, _ = three_hosts
    vip, vmac = ip4(50), "02:00:5e:00:53:50"
    # The OpenFlow 1.3 spelling for UDP, the legacy ovs-ofctl names for TCP.
    for proto, set_ip in (("udp", "set_field:%s->ip_dst"), ("tcp", "mod_nw_dst:%s")):
        daemon.pbctl_ok(
            "add-flow", bridge,
            "priority=100,%s,in_port=%s,nw_dst=%s,tp_dst=5000,actions=mod_dl_dst:%s,"
            "mod_dl_src:%s,%s,mod_tp_dst:9999,output:%s"
            % (proto, h1.port, vip, h2.mac, vmac, set_ip % h2.ip, h2.port))
    tag = b"pb-nat-" + netns.prefix.encode()
    sent = [Ether(src=h1.mac, dst=vmac) / IP(src=h1.ip, dst=vip, ttl=33, id=7) /
            UDP(sport=4444, dport=5000) / (tag + b"u"),
            Ether(src=h1.mac, dst=vmac) / IP(src=h1.ip, dst=vip, ttl=33, id=8) /
            TCP(sport=4445, dport=5000, flags="S", seq=1234) / (tag + b"t")]
    cap = Capture(h2.ns, h2.ifname, workdir)
    send_frames(h1.ns, h1.ifname, sent)
    got = [f for f in cap.stop() if IP in f and (UDP in f or TCP in f) and
           bytes(f[IP].payload.payload).startswith(tag)]
    assert len(got) == 2, [f.summary() for f in got]
    for f in got:
        assert (f[Ether].dst, f[Ether].src) == (h2.mac, vmac), f.summary()
        assert (f[IP].src, f[IP].dst, f[IP].ttl) == (h1.ip, h2.ip, 33), f.summary()
        l4 = f[UDP] if UDP in f else f[TCP]
        assert l4.dport == 9999 and l4.sport in (4444, 4445), f.summary()
        assert checksums_ok(f), "bad checksum after rewrite: %s" % f.show(dump=True)


@pytest.mark.parametrize("proto", ["tcp", "udp"])
def test_set_field_nat_with_kernel_sockets(daemon, bridge, three_hosts, proto):
    """h1 talks to a virtual address; the flows rewrite both directions so that h2's server
    answers.  The kernels drop anything with a bad checksum, offloaded ones included."""
    h1, h2, _ = three_hosts
    vip, vmac = ip4(60), "02:00:5e:00:53:60"
    run(["ip", "-n", h1.ns, "neigh", "replace", vip, "lladdr", vmac, "dev", h1.ifname])
    fwd = ("priority=100,%s,in_port=%s,nw_dst=%s,tp_dst=5000,actions=mod_dl_dst:%s,"
           "set_field:%s->ip_dst,mod_tp_dst:6000,output:%s"
           % (proto, h1.port, vip, h2.mac, h2.ip, h2.port))
    rev = ("priority=100,%s,in_port=%s,nw_src=%s,tp_src=6000,actions=mod_dl_src:%s,"
           "set_field:%s->ip_src,mod_tp_src:5000,output:%s"
           % (proto, h2.port, h2.ip, vmac, vip, h1.port))
    daemon.pbctl_ok("add-flow", bridge, fwd)
    daemon.pbctl_ok("add-flow", bridge, rev)
    assert sock_echo(h1, h2, proto, port=5000, addr=vip, server_port=6000), \
        "%s exchange through the address rewrite failed" % proto
    # Again on the cached megaflows.
    assert sock_echo(h1, h2, proto, port=5000, addr=vip, server_port=6000)


def test_dec_ttl(daemon, netns, bridge, three_hosts, workdir):
    h1, h2, _ = three_hosts
    daemon.pbctl_ok("add-flow", bridge, "priority=100,udp,in_port=%s,tp_dst=4001,actions=dec_ttl,"
                    "output:%s" % (h1.port, h2.port))
    tag = b"pb-ttl-" + netns.prefix.encode()
    cap = Capture(h2.ns, h2.ifname, workdir)
    send_frames(h1.ns, h1.ifname, [udp_frame(h1, OTHER_MAC, h2.ip, 4001, tag + b"%d" % ttl,
                                             ttl=ttl) for ttl in (64, 2, 1, 0, 255, 64)])
    got = tagged(cap.stop(), tag)
    seen = [(int(bytes(f[UDP].payload)[len(tag):]), f[IP].ttl) for f in got]
    assert seen == [(64, 63), (2, 1), (255, 254), (64, 63)], seen
    for f in got:
        assert checksums_ok(f), "bad IP checksum after dec_ttl: %s" % f.show(dump=True)


def test_push_vlan_on_tagged_frame_makes_qinq(daemon, netns, bridge, three_hosts, workdir):
    h1, h2, h3 = three_hosts
    # dl_vlan / vlan_vid are the OUTERMOST tag (as in OpenFlow and OVS), the one that
    # set_field:...->vlan_vid rewrites; inner_vlan_tci is the second tag of two (VLAN_CFI
    # 0x1000 = present).
    daemon.pbctl_ok("add-flow", bridge, "priority=100,in_port=%s,dl_vlan=10,actions=push_vlan:"
                    "0x88a8,set_field:20->vlan_vid,output:%s" % (h1.port, h2.port))
    # pop_vlan on a double-tagged frame removes the outer tag only.
    daemon.pbctl_ok("add-flow", bridge, "priority=100,in_port=%s,dl_vlan=30,"
                    "inner_vlan_tci=0x1028/0x1fff,actions=pop_vlan,output:%s"
                    % (h1.port, h3.port))
    # Matching and rewriting a double-tagged frame's VID both act on the outer tag.
    daemon.pbctl_ok("add-flow", bridge, "priority=100,in_port=%s,dl_vlan=50,"
                    "actions=set_field:4156->vlan_vid,output:%s" % (h1.port, h3.port))
    tag = b"pb-qinq-" + netns.prefix.encode()

    def inner(dport):
        return IP(src=h1.ip, dst=h2.ip) / UDP(sport=4000, dport=dport) / tag

    cap2, cap3 = Capture(h2.ns, h2.ifname, workdir), Capture(h3.ns, h3.ifname, workdir)
    send_frames(h1.ns, h1.ifname, [
        Ether(src=h1.mac, dst=OTHER_MAC) / Dot1Q(vlan=10, prio=2) / inner(3020),
        Ether(src=h1.mac, dst=OTHER_MAC, type=0x88a8) / Dot1Q(vlan=30) / Dot1Q(vlan=40)
        / inner(3021),
        # Inner VID 10 must not take the dl_vlan=10 rule: the outer VID 50 decides.
        Ether(src=h1.mac, dst=OTHER_MAC, type=0x88a8) / Dot1Q(vlan=50, prio=3) / Dot1Q(vlan=10)
        / inner(3022)])
    got2, got3 = tagged(cap2.stop(), tag), tagged(cap3.stop(), tag)
    assert len(got2) == 1 and len(got3) == 2, ([f.summary() for f in got2],
                                               [f.summary() for f in got3])
    f = got2[0]
    assert f[UDP].dport == 3020, f.summary()
    assert f[Ether].type == 0x88a8 and Dot1AD in f, f.summary()
    outer, in_tag = f[Dot1AD], f[Dot1AD].payload
    assert outer.vlan == 20 and outer.type == 0x8100, f.summary()
    # push_vlan copies the PCP of the existing tag into the new one.
    assert outer.prio == 2, f.summary()
    assert isinstance(in_tag, Dot1Q) and in_tag.vlan == 10 and in_tag.type == 0x0800, f.summary()
    by_port = {f[UDP].dport: f for f in got3}
    assert sorted(by_port) == [3021, 3022], [f.summary() for f in got3]
    f = by_port[3021]
    assert f[Ether].type == 0x8100 and Dot1AD not in f and f[Dot1Q].vlan == 40, f.summary()
    assert isinstance(f[Dot1Q].payload, IP), f.summary()
    f = by_port[3022]
    assert f[Ether].type == 0x88a8 and Dot1AD in f, f.summary()
    outer, in_tag = f[Dot1AD], f[Dot1AD].payload
    assert (outer.vlan, outer.prio, outer.type) == (60, 3, 0x8100), f.summary()
    assert isinstance(in_tag, Dot1Q) and in_tag.vlan == 10 and in_tag.type == 0x0800, f.summary()
