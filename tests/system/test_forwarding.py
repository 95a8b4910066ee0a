# test_forwarding.py - traffic through a bridge of veth ports: reachability, flooding of
# broadcast, no flooding of learned unicast, and port counters.
import time

from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import ARP, Ether

from helpers import Capture, attach_host, ip4, kernel_links, run, send_frames, wait_for


def test_ping_two_namespaces(daemon, netns, bridge):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    h1.ping(h2)
    h2.ping(h1)


def test_ping_three_namespaces(daemon, netns, bridge):
    hosts = [attach_host(daemon, netns, bridge, i, ip4(i)) for i in (1, 2, 3)]
    for a in hosts:
        for b in hosts:
            if a is not b:
                a.ping(b)
    ports = daemon.pbctl_json("list-ports", bridge)["ports"]
    assert ports == [h.port for h in hosts]


def _bcast_probe(src, tag):
    return Ether(src=src.mac, dst="ff:ff:ff:ff:ff:ff") / IP(src=src.ip, dst="255.255.255.255") / \
        UDP(sport=4000, dport=4001) / tag


def _has_payload(frames, tag):
    return [f for f in frames if UDP in f and bytes(f[UDP].payload) == tag]


def test_broadcast_reaches_all_and_learned_unicast_stays_private(daemon, netns, bridge, workdir):
    h1, h2, h3 = [attach_host(daemon, netns, bridge, i, ip4(i)) for i in (1, 2, 3)]
    h1.ping(h2)  # ARP + ICMP both ways: the bridge has learned both MACs

    cap3 = Capture(h3.ns, h3.ifname, workdir)
    cap2 = Capture(h2.ns, h2.ifname, workdir)
    h1.ping(h2, count=5)
    tag = b"pb-broadcast-" + netns.prefix.encode()
    send_frames(h1.ns, h1.ifname, [_bcast_probe(h1, tag)])
    frames3, frames2 = cap3.stop(), cap2.stop()

    # The broadcast reached both other hosts (this also proves the capture on h3 works).
    assert _has_payload(frames3, tag), "broadcast from h1 not seen on h3"
    assert _has_payload(frames2, tag), "broadcast from h1 not seen on h2"
    # The learned unicast flow h1<->h2 was not copied to h3.
    leaked = [f for f in frames3 if ICMP in f and {f[Ether].src, f[Ether].dst} == {h1.mac, h2.mac}]
    assert not leaked, "%d frames of the h1<->h2 ICMP flow leaked to h3: %s" % (
        len(leaked), leaked[0].summary())
    seen2 = [f for f in frames2 if ICMP in f and f[ICMP].type == 8 and f[IP].src == h1.ip]
    assert len(seen2) >= 5, "h2 saw only %d echo requests" % len(seen2)


def test_unknown_unicast_is_flooded(daemon, netns, bridge, workdir):
    h1, h2, h3 = [attach_host(daemon, netns, bridge, i, ip4(i)) for i in (1, 2, 3)]
    tag = b"pb-unknown-" + netns.prefix.encode()
    frame = Ether(src=h1.mac, dst="02:00:5e:10:20:30") / IP(src=h1.ip, dst=ip4(99)) / \
        UDP(sport=4000, dport=4001) / tag
    cap2, cap3 = Capture(h2.ns, h2.ifname, workdir), Capture(h3.ns, h3.ifname, workdir)
    send_frames(h1.ns, h1.ifname, [frame])
    assert _has_payload(cap2.stop(), tag), "unknown unicast not flooded to h2"
    assert _has_payload(cap3.stop(), tag), "unknown unicast not flooded to h3"


def _counters(daemon, bridge):
    return {p["name"]: p for p in daemon.pbctl_json("dump-ports", bridge)["ports"]}


def test_dump_ports_counters_grow(daemon, netns, bridge):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    h1.ping(h2)
    before = _counters(daemon, bridge)
    assert set(before) == {h1.port, h2.port}
    keys = ("rx_packets", "rx_bytes", "rx_dropped", "rx_errors",
            "tx_packets", "tx_bytes", "tx_dropped", "tx_errors")
    for p in before.values():
        assert all(isinstance(p[k], int) and p[k] >= 0 for k in keys), p
        assert p["rx_packets"] > 0 and p["tx_packets"] > 0, p
    h1.ping(h2, count=20, deadline=15)

    def grown():
        now = _counters(daemon, bridge)
        ok = all(now[p][k] >= before[p][k] + 20 for p in (h1.port, h2.port)
                 for k in ("rx_packets", "tx_packets"))
        return now if ok else None

    after = wait_for(grown, timeout=3)
    assert after, "counters did not grow by 20 packets: before %s after %s" % (
        before, _counters(daemon, bridge))
    for p in (h1.port, h2.port):
        assert after[p]["rx_bytes"] >= before[p]["rx_bytes"] + 20 * 98
        assert after[p]["tx_bytes"] >= before[p]["tx_bytes"] + 20 * 98
    # Text output carries the same ports.
    text = daemon.pbctl_ok("dump-ports", bridge)
    assert h1.port in text and h2.port in text


def test_ping_after_del_port_and_readd(daemon, netns, bridge):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    h1.ping(h2)
    daemon.pbctl_ok("del-port", bridge, h2.port)
    assert h2.port not in daemon.pbctl_json("list-ports", bridge)["ports"]
    time.sleep(0.2)
    assert h2.port not in kernel_links(), "del-port left the kernel device behind"
    assert h2.ifname not in kernel_links(h2.ns), "del-port left the veth peer behind"
    assert not h1.ping(h2, count=1, deadline=2, check=False)
    daemon.pbctl_ok("add-port", bridge, h2.port, "type=veth", "peer=" + h2.ifname,
                    "netns=" + h2.ns)
    run(["ip", "-n", h2.ns, "addr", "add", h2.ip + "/24", "dev", h2.ifname])
    run(["ip", "-n", h2.ns, "link", "set", h2.ifname, "up"])
    run(["ip", "-n", h1.ns, "neigh", "flush", "all"])  # the new peer has a new MAC
    h1.ping(h2)


def test_host_stack_does_not_answer_on_switch_ports(daemon, netns, bridge, workdir):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    h1.ping(h2)
    # The host owns ip4(77) on a device that has nothing to do with the bridge.
    other = netns.name("hx")
    run(["ip", "link", "add", other, "type", "veth", "peer", "name", other + "p"])
    run(["ip", "addr", "add", ip4(77) + "/32", "dev", other])
    cap = Capture(h1.ns, h1.ifname, workdir)
    send_frames(h1.ns, h1.ifname, [Ether(src=h1.mac, dst="ff:ff:ff:ff:ff:ff") / ARP(
        op=1, hwsrc=h1.mac, psrc=h1.ip, pdst=ip4(77))])
    replies = [f for f in cap.stop() if ARP in f and f[ARP].op == 2 and f[ARP].psrc == ip4(77)]
    assert not replies, "the host answered ARP through a switch port: %s" % replies[0].summary()
