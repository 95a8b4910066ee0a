# test_mirror.py - port mirrors with real namespaces: a SPAN copy of ping traffic to a
# sniffer namespace with exact counters, select-src vs select-dst, select-vlan, RSPAN to a
# VLAN, the original traffic unchanged, no normal traffic to the mirror port, restart, bad
# input.  Names: the conftest netns prefix (unique per test, cleaned up even on failure).
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import ARP, Dot1Q, Ether

from helpers import Capture, attach_host, ip4, ping, ping_count, send_frames, tagged

BCAST = "ff:ff:ff:ff:ff:ff"


def hosts(daemon, netns, bridge, n):
    return [attach_host(daemon, netns, bridge, i, ip4(i)) for i in range(1, n + 1)]


def mirrors(daemon, bridge):
    return {m["name"]: m for m in daemon.pbctl_json("list-mirrors", bridge)["mirrors"]}


def icmp(frames, typ):
    return [f for f in frames if ICMP in f and f[ICMP].type == typ]


def test_span_select_src_exact_counts(daemon, netns, bridge, workdir):
    h1, h2, sniffer = hosts(daemon, netns, bridge, 3)
    ping(h1.ns, h2.ip)  # ARP settled, MACs learned
    daemon.pbctl_ok("add-mirror", bridge, "m1", "select-src=" + h1.port,
                    "output-port=" + sniffer.port)
    cap = Capture(sniffer.ns, sniffer.ifname, workdir)
    cap2 = Capture(h2.ns, h2.ifname, workdir)
    assert ping_count(h1.ns, h2.ip, 5) == 5
    got, got2 = cap.stop(), cap2.stop()
    # Only what h1 sent, each once: 5 echo requests, no replies.
    from_h1 = [f for f in got if Ether in f and f[Ether].src == h1.mac]
    assert len(got) == len(from_h1), [f.summary() for f in got]
    assert len(icmp(got, 8)) == 5 and not icmp(got, 0), [f.summary() for f in got]
    # The copies are the frames h2 received, byte for byte.
    assert sorted(bytes(f) for f in icmp(got, 8)) == sorted(bytes(f) for f in icmp(got2, 8))
    m = mirrors(daemon, bridge)["m1"]
    assert m["packets"] == len(got), (m, len(got))
    assert m["bytes"] == sum(len(f) for f in got)
    assert m["select-src"] == [h1.port] and m["output-port"] == sniffer.port
    out = daemon.pbctl_ok("list-mirrors", bridge)
    assert out.splitlines()[0].split()[0] == "mirror" and "m1" in out


def test_select_dst_and_no_normal_traffic_to_mirror_port(daemon, netns, bridge, workdir):
    h1, h2, sniffer = hosts(daemon, netns, bridge, 3)
    ping(h1.ns, h2.ip)
    daemon.pbctl_ok("add-mirror", bridge, "m", "select-dst=" + h1.port,
                    "output-port=" + sniffer.port)
    cap = Capture(sniffer.ns, sniffer.ifname, workdir)
    assert ping_count(h1.ns, h2.ip, 4) == 4
    # A broadcast from h2 floods to h1 (mirrored: sent to h1) but not to the mirror port
    # as normal traffic: exactly one copy.
    tag = b"pb-mdst-" + netns.prefix.encode()
    send_frames(h2.ns, h2.ifname, [Ether(src=h2.mac, dst=BCAST) / IP(src=h2.ip) /
                                   UDP(dport=9) / tag])
    got = cap.stop()
    assert len(icmp(got, 0)) == 4 and not icmp(got, 8), [f.summary() for f in got]
    assert len(tagged(got, tag)) == 1
    # Frames sent by the mirror port are dropped by the switch.
    cap1 = Capture(h1.ns, h1.ifname, workdir)
    send_frames(sniffer.ns, sniffer.ifname, [Ether(src=sniffer.mac, dst=BCAST) /
                                             IP(src=sniffer.ip) / UDP(dport=9) / tag])
    assert not tagged(cap1.stop(), tag)
    m = mirrors(daemon, bridge)["m"]
    assert m["packets"] == len(got)


def test_select_vlan(daemon, netns, bridge, workdir):
    h1, h2, h3, h4, sniffer = hosts(daemon, netns, bridge, 5)
    for h, vid in ((h1, 10), (h2, 10), (h3, 20), (h4, 20)):
        daemon.pbctl_ok("set", "port", h.port, "tag=%d" % vid)
    ping(h1.ns, h2.ip)
    ping(h3.ns, h4.ip)
    daemon.pbctl_ok("add-mirror", bridge, "v10", "select-all", "select-vlan=10",
                    "output-port=" + sniffer.port)
    cap = Capture(sniffer.ns, sniffer.ifname, workdir)
    assert ping_count(h1.ns, h2.ip, 3) == 3
    assert ping_count(h3.ns, h4.ip, 3) == 3
    got = cap.stop()
    macs = {h1.mac, h2.mac}
    assert len(icmp(got, 8)) == 3 and len(icmp(got, 0)) == 3, [f.summary() for f in got]
    assert all(f[Ether].src in macs for f in got), [f.summary() for f in got]
    assert mirrors(daemon, bridge)["v10"]["packets"] == len(got)


def test_rspan_output_vlan(daemon, netns, bridge, workdir):
    h1, h2, remote = hosts(daemon, netns, bridge, 3)
    daemon.pbctl_ok("set", "port", h1.port, "tag=10")
    daemon.pbctl_ok("set", "port", h2.port, "tag=10")
    daemon.pbctl_ok("set", "port", remote.port, "vlan-mode=trunk", "trunks=10,999")
    ping(h1.ns, h2.ip)
    daemon.pbctl_ok("add-mirror", bridge, "r", "select-src=" + h1.port, "output-vlan=999")
    cap, cap2 = Capture(remote.ns, remote.ifname, workdir), Capture(h2.ns, h2.ifname, workdir)
    assert ping_count(h1.ns, h2.ip, 3) == 3
    got, got2 = cap.stop(), cap2.stop()
    copies = [f for f in got if Dot1Q in f and f[Dot1Q].vlan == 999]
    assert len(icmp(copies, 8)) == 3 and not icmp(copies, 0), [f.summary() for f in got]
    # The originals reached h2 untagged and unchanged.
    reqs = icmp(got2, 8)
    assert len(reqs) == 3 and all(Dot1Q not in f for f in reqs)
    want = sorted(bytes(f) for f in reqs)
    assert sorted(bytes(f[Dot1Q].payload) for f in icmp(copies, 8)) == \
        sorted(w[14:] for w in want)
    assert mirrors(daemon, bridge)["r"]["packets"] == len(copies)


def test_restart_keeps_mirrors_and_bad_input(pbd, netns):
    pbd.start()
    br = netns.name("br")
    pbd.pbctl_ok("add-br", br)
    a, b, c = netns.name("a"), netns.name("b"), netns.name("c")
    for p in (a, b, c):
        pbd.pbctl_ok("add-port", br, p, "type=internal")
    pbd.pbctl_ok("add-mirror", br, "m1", "select-src=%s,%s" % (a, b), "select-vlan=10-12",
                 "output-port=" + c)
    pbd.pbctl_ok("add-mirror", br, "m2", "select-all", "output-vlan=99")
    before = pbd.db_bytes()
    for args, msg in [
        (("m3", "output-port=" + c), "selects nothing"),
        (("m3", "select-all"), "exactly one of output-port and output-vlan"),
        (("m3", "select-all", "output-vlan=0"), "1..4095"),
        (("m3", "select-all", "output-vlan=99", "output-port=" + c), "exactly one"),
        (("m3", "select-src=" + c, "output-port=" + c), "cannot also be selected"),
        (("m3", "select-src=nosuchport", "output-port=" + c), "has no port nosuchport"),
        (("m3", "select-all", "select-vlan=4096", "output-port=" + c), "select-vlan"),
        (("m3", "select-all", "bogus=1", "output-port=" + c), "unknown mirror option"),
        (("m1", "select-all", "output-port=" + c), "already has a mirror m1"),
        (("bad name", "select-all", "output-port=" + c), "mirror name"),
    ]:
        rc, _, err = pbd.pbctl("add-mirror", br, *args)
        assert rc == 1 and msg in err, (args, rc, err)
    rc, _, err = pbd.pbctl("del-mirror", br, "nosuch")
    assert rc == 1 and "no mirror nosuch" in err
    assert pbd.db_bytes() == before
    def settings(view):
        # Counters restart at zero; the host stack may send on internal ports meanwhile.
        return {m: {k: v for k, v in d.items() if k not in ("packets", "bytes")}
                for m, d in view.items()}

    view = mirrors(pbd, br)
    pbd.stop()
    pbd.start()
    assert settings(mirrors(pbd, br)) == settings(view)
    assert view["m1"]["select-vlan"] == "10-12" and view["m2"]["select-all"] is True
    pbd.pbctl_ok("del-mirror", br, "m1")
    assert list(mirrors(pbd, br)) == ["m2"]
    pbd.stop()
    pbd.start()
    assert list(mirrors(pbd, br)) == ["m2"]
    pbd.pbctl_ok("del-br", br)
