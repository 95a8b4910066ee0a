# test_port_types.py - the port kinds other than veth: a `tap` port driven by a process that
# opens the TAP like QEMU does, an `internal` port used by the root namespace's stack, and a
# `system` port on a device the switch did not create.
import fcntl
import os
import select
import struct
import threading

from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import ARP, Ether

from helpers import attach_host, ip4, kernel_links, link_mac, ping, run

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def _open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), IFF_TAP | IFF_NO_PI))
    except OSError:
        os.close(fd)
        raise
    return fd


class GuestStub(threading.Thread):
    """Plays a VM behind a TAP fd: answers ARP requests and ICMP echo requests for 'ip'."""

    def __init__(self, fd, mac, ip):
        super().__init__(daemon=True)
        self.fd, self.mac, self.ip = fd, mac, ip
        self.stop = threading.Event()
        self.rx = []
        self.tx = 0

    def run(self):
        while not self.stop.is_set():
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if not r:
                continue
            pkt = Ether(os.read(self.fd, 65536))
            self.rx.append(pkt)
            reply = None
            if ARP in pkt and pkt[ARP].op == 1 and pkt[ARP].pdst == self.ip:
                reply = Ether(dst=pkt.src, src=self.mac) / ARP(
                    op=2, hwsrc=self.mac, psrc=self.ip, hwdst=pkt[ARP].hwsrc, pdst=pkt[ARP].psrc)
            elif IP in pkt and ICMP in pkt and pkt[IP].dst == self.ip and pkt[ICMP].type == 8:
                reply = Ether(dst=pkt.src, src=self.mac) / IP(src=self.ip, dst=pkt[IP].src) / \
                    ICMP(type=0, id=pkt[ICMP].id, seq=pkt[ICMP].seq) / bytes(pkt[ICMP].payload)
            if reply is not None:
                os.write(self.fd, bytes(reply))
                self.tx += 1


def test_tap_port_talks_to_a_qemu_like_process(daemon, netns, bridge):
    tap = netns.name("tap")
    daemon.pbctl_ok("add-port", bridge, tap, "type=tap")
    assert tap in kernel_links(), "tap port created no kernel device"
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    fd = _open_tap(tap)
    guest = GuestStub(fd, "02:00:00:c0:00:02", ip4(50))
    guest.start()
    try:
        h1.ping(ip4(50), count=3)
    finally:
        guest.stop.set()
        guest.join()
        os.close(fd)
    echoes = [p for p in guest.rx if ICMP in p and p[ICMP].type == 8 and p[IP].src == h1.ip]
    assert len(echoes) >= 3 and guest.tx >= 4
    fdb = {e["mac"]: e["port"] for e in daemon.pbctl_json("fdb-show", bridge)["entries"]}
    assert fdb.get("02:00:00:c0:00:02") == tap and fdb.get(h1.mac) == h1.port, fdb
    types = {p["name"]: p["type"] for p in daemon.pbctl_json("show")["bridges"][0]["ports"]}
    assert types == {tap: "tap", h1.port: "veth"}
    daemon.pbctl_ok("del-port", bridge, tap)
    assert tap not in kernel_links(), "del-port left the TAP device behind"


def test_internal_port_carries_host_traffic(daemon, netns, bridge):
    # A /30 of TEST-NET-2 picked by pid: the root namespace is shared with other test runs.
    base = 4 * (os.getpid() % 64)
    host_ip, ns_ip = "198.51.100.%d" % (base + 1), "198.51.100.%d" % (base + 2)
    internal = netns.name("int")
    daemon.pbctl_ok("add-port", bridge, internal, "type=internal")
    assert internal in kernel_links(), "internal port created no kernel device"
    run(["ip", "addr", "add", host_ip + "/30", "dev", internal])
    run(["ip", "link", "set", internal, "up"])
    h1 = attach_host(daemon, netns, bridge, 1, ns_ip, prefixlen=30)
    ping(None, ns_ip, iface=internal)
    h1.ping(host_ip)
    fdb = {e["mac"]: e["port"] for e in daemon.pbctl_json("fdb-show", bridge)["entries"]}
    assert fdb.get(link_mac(internal)) == internal, fdb
    port = [p for p in daemon.pbctl_json("show")["bridges"][0]["ports"] if p["name"] == internal]
    assert port[0]["type"] == "internal" and port[0]["mac"] == link_mac(internal)
    daemon.pbctl_ok("del-port", bridge, internal)
    assert internal not in kernel_links(), "del-port left the internal device behind"


def test_system_port_on_existing_device(daemon, netns, bridge):
    ns = netns.add("sys")
    dev, peer = netns.name("s1"), netns.name("s1n")
    run(["ip", "link", "add", dev, "type", "veth", "peer", "name", peer, "netns", ns])
    run(["ip", "-n", ns, "addr", "add", ip4(9) + "/24", "dev", peer])
    run(["ip", "-n", ns, "link", "set", peer, "up"])
    daemon.pbctl_ok("add-port", bridge, dev)  # type=system is the default
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h1.ping(ip4(9))
    ping(ns, h1.ip)
    port = daemon.pbctl_json("show")["bridges"][0]["ports"][0]
    assert (port["name"], port["type"], port["link"]) == (dev, "system", "up")
    daemon.pbctl_ok("del-port", bridge, dev)
    assert dev in kernel_links(), "del-port deleted a system device it did not create"
