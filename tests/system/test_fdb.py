# test_fdb.py - MAC learning as seen through fdb-show, fdb-flush and the set bridge
# mac-aging / mac-table-size options, each driven by real traffic between namespaces.
import time

from helpers import attach_host, ip4, run, wait_for


def _fdb(daemon, bridge):
    return daemon.pbctl_json("fdb-show", bridge)["entries"]


def _bridge(daemon, bridge):
    return [b for b in daemon.pbctl_json("show")["bridges"] if b["name"] == bridge][0]


def test_fdb_show_lists_learned_macs_and_flush_empties(daemon, netns, bridge):
    assert _fdb(daemon, bridge) == []
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1), ofport=7)
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    h1.ping(h2)
    entries = _fdb(daemon, bridge)
    by_mac = {e["mac"]: e for e in entries}
    assert h1.mac in by_mac and h2.mac in by_mac, entries
    assert (by_mac[h1.mac]["port"], by_mac[h1.mac]["ofport"]) == (h1.port, 7)
    ofport2 = {p["name"]: p["ofport"]
               for p in daemon.pbctl_json("dump-ports", bridge)["ports"]}[h2.port]
    assert (by_mac[h2.mac]["port"], by_mac[h2.mac]["ofport"]) == (h2.port, ofport2)
    for e in (by_mac[h1.mac], by_mac[h2.mac]):
        assert e["vlan"] == 0 and isinstance(e["age"], int) and 0 <= e["age"] < 60, e
    assert len(entries) == 2, "unexpected entries: %s" % entries
    text = daemon.pbctl_ok("fdb-show", bridge)
    rows = {line.split()[2]: line.split() for line in text.splitlines()[1:]}
    assert rows[h1.mac][0:2] == ["7", "0"] and rows[h2.mac][0:2] == [str(ofport2), "0"], text

    daemon.pbctl_ok("fdb-flush", bridge)
    assert _fdb(daemon, bridge) == []
    # Learning starts again with the next packets.
    h2.ping(h1, count=1)
    assert {e["mac"] for e in _fdb(daemon, bridge)} == {h1.mac, h2.mac}


def test_fdb_moves_with_the_station(daemon, netns, bridge):
    """A MAC seen on another port is re-learned there (a VM that migrated)."""
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    h3 = attach_host(daemon, netns, bridge, 3, ip4(3))
    h1.ping(h2)
    # h3 takes over h1's MAC and announces itself: the entry must move to h3's port.
    run(["ip", "-n", h1.ns, "link", "set", h1.ifname, "down"])
    run(["ip", "-n", h3.ns, "link", "set", h3.ifname, "down"])
    run(["ip", "-n", h3.ns, "link", "set", h3.ifname, "address", h1.mac])
    run(["ip", "-n", h3.ns, "link", "set", h3.ifname, "up"])
    run(["ip", "-n", h2.ns, "neigh", "flush", "all"])
    h3.ping(h2)
    port = {e["mac"]: e["port"] for e in _fdb(daemon, bridge)}
    assert port.get(h1.mac) == h3.port, _fdb(daemon, bridge)


def test_mac_table_size_one_keeps_one_entry(daemon, netns, bridge):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    h3 = attach_host(daemon, netns, bridge, 3, ip4(3))
    h1.ping(h2)
    assert len(_fdb(daemon, bridge)) == 2
    daemon.pbctl_ok("set", "bridge", bridge, "mac-table-size=1")
    assert _bridge(daemon, bridge)["mac-table-size"] == 1
    assert len(_fdb(daemon, bridge)) == 1, "shrinking did not evict: %s" % _fdb(daemon, bridge)
    # More stations talk; the bridge still forwards (flooding) and keeps one entry.
    h3.ping(h1)
    h2.ping(h3)
    entries = _fdb(daemon, bridge)
    assert len(entries) == 1, entries
    assert entries[0]["mac"] in {h1.mac, h2.mac, h3.mac}
    daemon.pbctl_ok("set", "bridge", bridge, "mac-table-size=8192")
    h1.ping(h2)
    h3.ping(h1)
    assert {e["mac"] for e in _fdb(daemon, bridge)} == {h1.mac, h2.mac, h3.mac}


def test_mac_aging_expires_entries(daemon, netns, bridge):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    daemon.pbctl_ok("set", "bridge", bridge, "mac-aging=10")
    assert _bridge(daemon, bridge)["mac-aging"] == 10
    h1.ping(h2, count=1)
    learned = time.monotonic()
    assert {e["mac"] for e in _fdb(daemon, bridge)} == {h1.mac, h2.mac}
    time.sleep(3)
    ages = [e["age"] for e in _fdb(daemon, bridge)]
    assert ages and all(a >= 2 for a in ages), "age does not advance: %s" % ages
    assert wait_for(lambda: _fdb(daemon, bridge) == [], timeout=20, interval=0.5), \
        "entries still there %.0f s after learning with mac-aging=10: %s" % (
            time.monotonic() - learned, _fdb(daemon, bridge))
    assert time.monotonic() - learned >= 9, "entries expired before mac-aging"
