# test_tun_port.py - the "tun" port type: a kernel TUN device (IP packets) on a bridge.  The
# daemon runs in a namespace that plays the host; the TUN device gets an address there and a
# guest namespace on the bridge pings it (ARP answered by the port) and talks TCP to it.
# Names start with "pbtu".
import os
import time

import pytest

import helpers
from helpers import ns_exec, run, wait_for
from test_tunnel import NsDaemon, Topo, guest, iperf, ping, ping_until, port_stats

import test_tunnel


@pytest.fixture
def topo(monkeypatch):
    monkeypatch.setattr(test_tunnel, "PREFIX_BASE", "pbtu")
    t = Topo()
    try:
        yield t
    finally:
        t.close()


def test_tun_port_ping_tcp(topo):
    t = topo
    h = t.ns("h")
    d = t.daemon(h)
    d.pbctl_ok("add-br", "br0")
    g = guest(t, d, "br0", h, "g1", "10.2.0.1")
    tun = t.name("tun")
    d.pbctl_ok("add-port", "br0", tun, "type=tun", "mac=02:00:00:00:aa:01")
    links = helpers.kernel_links(h)
    assert tun in links, links
    ns_exec(h, "ip", "addr", "add", "10.2.0.254/24", "dev", tun)
    ping_until(g, "10.2.0.254")
    # The port answered ARP with its MAC.
    neigh = ns_exec(g, "ip", "neigh", "show", "10.2.0.254").stdout
    assert "02:00:00:00:aa:01" in neigh, neigh
    ping(h, "10.2.0.1")
    iperf(t, h, "10.2.0.254", g)
    iperf(t, g, "10.2.0.1", h)
    s = port_stats(d, "br0", tun)
    assert s["rx_packets"] > 0 and s["tx_packets"] > 0
    show = d.pbctl_json("show")
    port = [p for p in show["bridges"][0]["ports"] if p["name"] == tun][0]
    assert port["type"] == "tun" and port["mac"] == "02:00:00:00:aa:01", port
    # del-port removes the device.
    d.pbctl_ok("del-port", "br0", tun)
    assert wait_for(lambda: tun not in helpers.kernel_links(h), 5)


def test_tun_port_ip_option_and_bad_options(topo):
    t = topo
    h = t.ns("h")
    d = t.daemon(h)
    d.pbctl_ok("add-br", "br0")
    g = guest(t, d, "br0", h, "g1", "10.2.0.1")
    tun = t.name("tun")
    for bad, needle in ((["mac=01:00:00:00:00:01"], "mac"), (["ip=1.2.3"], "ip"),
                        (["key=1"], "key")):
        rc, out, err = d.pbctl("add-port", "br0", tun, "type=tun", *bad)
        assert rc != 0 and needle in err, (bad, err)
    assert tun not in helpers.kernel_links(h)
    # ip= given: ARP is answered for it even before the device has an address.
    d.pbctl_ok("add-port", "br0", tun, "type=tun", "ip=10.2.0.200")
    ns_exec(h, "ip", "addr", "add", "10.2.0.200/24", "dev", tun)
    ping_until(g, "10.2.0.200")
