# test_ofctl.py - Patchbay's OpenFlow 1.3 agent driven by a real client, ovs-ofctl (Debian
# openvswitch-common; no OVS daemon runs), over a passive TCP listener on 127.0.0.1
# ("pbctl set bridge BR ofp-listen=ptcp:PORT:127.0.0.1").  Port names are used as ovs-ofctl
# resolves them (no --no-names), and every command is checked by its effect on traffic
# between namespaces or on the daemon's own view, not only by its exit status.
# Names: the per-test prefix of the conftest 'netns' fixture (tests in this file: "pbofl").
import os
import re
import shutil
import subprocess
import time

import pytest
from scapy.layers.inet import UDP

from helpers import (Capture, flows_view, free_port, ping_count, require_tool, run, send_frames,
                     tagged, udp_frame, wait_for)

OFCTL = shutil.which("ovs-ofctl") or "/usr/bin/ovs-ofctl"


@pytest.fixture(autouse=True)
def _require_ofctl():
    require_tool(OFCTL, "ovs-ofctl (Debian openvswitch-common)")


class Ofctl:
    """ovs-ofctl -O OpenFlow13 against one bridge's listener."""

    def __init__(self, target):
        self.target = target

    def run(self, cmd, *args, opts=(), check=True, timeout=30):
        argv = [OFCTL, "-O", "OpenFlow13", *opts, cmd, self.target, *args]
        return run(argv, check=check, timeout=timeout)

    def out(self, cmd, *args, **kw):
        return self.run(cmd, *args, **kw).stdout

    def flows(self, *match):
        """dump-flows lines without the changing fields (duration, counters); port names as
        ovs-ofctl shows them on a terminal (--names: it looks them up in PORT_DESC)."""
        lines = [ln for ln in self.out("dump-flows", *match, opts=("--names",)).splitlines()
                 if not ln.startswith("OFPST_FLOW")]
        keep = []
        for line in lines:
            # names with characters such as '-' are printed in double quotes
            line = re.sub(r"duration=[0-9.]+s, ", "", line.strip()).replace('"', "")
            line = re.sub(r"n_packets=\d+, n_bytes=\d+, ", "", line)
            keep.append(line)
        return keep

    def flow_packets(self, needle):
        found = [ln for ln in self.out("dump-flows").splitlines() if needle in ln]
        assert len(found) == 1, "want one flow with %r: %s" % (needle, found)
        return int(re.search(r"n_packets=(\d+)", found[0]).group(1))


@pytest.fixture
def ofctl(daemon, bridge):
    port = free_port()
    daemon.pbctl_ok("set", "bridge", bridge, "ofp-listen=ptcp:%d:127.0.0.1" % port)
    o = Ofctl("tcp:127.0.0.1:%d" % port)
    ok = wait_for(lambda: o.run("probe", check=False, timeout=10).returncode == 0, 10)
    assert ok, "no OpenFlow listener on 127.0.0.1:%d:\n%s" % (port, daemon.log_text())
    return o


def names_view(daemon, bridge):
    return [f[5] for f in flows_view(daemon, bridge)]


def test_show_desc_tables_features(daemon, bridge, three_hosts, ofctl):
    h1, h2, h3 = three_hosts
    show = ofctl.out("show")
    assert "OFPT_FEATURES_REPLY (OF1.3)" in show and "n_tables:" in show, show
    for i, h in enumerate(three_hosts, 1):
        # " 1(PORTNAME): addr:..." with the switch side's MAC
        mac = run(["cat", "/sys/class/net/%s/address" % h.port]).stdout.strip()
        assert re.search(r"^ %d\(%s\): addr:%s$" % (i, re.escape(h.port), mac), show, re.M), show
    desc = ofctl.out("dump-desc")
    assert "OFPST_DESC reply" in desc and re.search(r"^Manufacturer: \S", desc, re.M), desc
    assert ofctl.run("probe").returncode == 0

    # the default NORMAL flow counts lookups and matches in table 0
    before = ofctl.out("dump-tables")
    assert re.search(r"table 0:\s+active=1,", before), before
    assert ping_count(h1.ns, h2.ip, 3) == 3
    after = ofctl.out("dump-tables")
    m0 = re.search(r"table 0:\s+active=1, lookup=(\d+), matched=(\d+)", after)
    assert m0 and int(m0.group(2)) > 0, after

    feats = ofctl.out("dump-table-features")
    tables = re.findall(r"^  table (\d+)", feats, re.M)
    assert tables[0] == "0" and tables[-1] == "63", feats[:2000]
    assert "metadata: match=0xffffffffffffffff write=0xffffffffffffffff" in feats
    assert "max_entries=1000000" in feats
    assert "instructions: meter apply_actions clear_actions write_actions write_metadata " \
           "goto_table" in feats, feats[:3000]
    assert "next tables: 1-63" in feats, feats[:3000]
    assert re.search(r"actions: output group set_field strip_vlan push_vlan mod_nw_ttl dec_ttl",
                     feats), feats[:3000]
    assert re.search(r"arbitrary mask: .*\bip_\{src,dst\}", feats), feats[:3000]
    # the last table has no goto_table
    last = feats[feats.rindex("table 63"):]
    assert "goto_table" not in last, last
    # a flow limit shows up as max_entries
    daemon.pbctl_ok("set", "bridge", bridge, "flow-limit=5000")
    assert "max_entries=5000" in ofctl.out("dump-table-features")


def test_add_mod_del_flows(daemon, bridge, three_hosts, ofctl, workdir):
    h1, h2, h3 = three_hosts
    assert ping_count(h1.ns, h2.ip, 2) == 2
    drop = "priority=200,icmp,in_port=%s,nw_dst=%s" % (h1.port, h2.ip)
    ofctl.run("add-flow", drop + ",actions=drop")
    assert "priority=200,icmp,in_port=%s,nw_dst=%s actions=drop" % (h1.port, h2.ip) in \
        names_view(daemon, bridge)
    assert ping_count(h1.ns, h2.ip, 3) == 0, "add-flow drop rule did not drop"
    assert ping_count(h1.ns, h3.ip, 2) == 2
    assert ofctl.flow_packets("nw_dst=%s" % h2.ip) >= 3
    # ovs-ofctl shows the rule with the port name
    assert any("in_port=%s" % h1.port in f and "actions=drop" in f for f in ofctl.flows()), \
        ofctl.flows()

    # mod-flows rewrites the actions: the drop rule now forwards to h2 by name
    ofctl.run("mod-flows", "icmp,nw_dst=%s,actions=output:%s" % (h2.ip, h2.port))
    assert ping_count(h1.ns, h2.ip, 3) == 3, "mod-flows did not change the actions"
    assert any("actions=output:%s" % h2.port in f for f in ofctl.flows("icmp"))

    # strict delete needs the exact priority: a wrong one removes nothing
    ofctl.run("del-flows", "priority=199,icmp,in_port=%s,nw_dst=%s" % (h1.port, h2.ip),
              opts=("--strict",))
    assert len(ofctl.flows("icmp")) == 1
    ofctl.run("mod-flows", drop + ",actions=drop", opts=("--strict",))
    assert ping_count(h1.ns, h2.ip, 2) == 0
    ofctl.run("del-flows", drop, opts=("--strict",))
    assert names_view(daemon, bridge) == ["priority=0 actions=NORMAL"]
    assert ping_count(h1.ns, h2.ip, 2) == 2

    # add-flows from a file (one request per line, then a barrier); del-flows by match
    path = os.path.join(workdir, "flows.txt")
    with open(path, "w") as f:
        f.write("# drop ICMP to h3 from anyone, count UDP\n")
        f.write("priority=300,icmp,nw_dst=%s,actions=drop\n" % h3.ip)
        f.write("table=0,priority=10,udp,actions=NORMAL\n")
        for i in range(50):
            f.write("priority=20,udp,tp_dst=%d,actions=NORMAL\n" % (10000 + i))
    ofctl.run("add-flows", path)
    assert len(flows_view(daemon, bridge)) == 53
    assert ping_count(h1.ns, h3.ip, 2) == 0 and ping_count(h2.ns, h3.ip, 2) == 0
    assert ping_count(h1.ns, h2.ip, 2) == 2
    agg = ofctl.out("dump-aggregate")
    m = re.search(r"packet_count=(\d+) byte_count=(\d+) flow_count=(\d+)", agg)
    assert m and int(m.group(3)) == 53 and int(m.group(1)) > 0, agg
    agg = ofctl.out("dump-aggregate", "udp")
    assert "flow_count=51" in agg, agg
    ofctl.run("del-flows", "udp")
    assert len(flows_view(daemon, bridge)) == 2
    ofctl.run("del-flows", "icmp,nw_dst=%s" % h3.ip)
    assert ping_count(h1.ns, h3.ip, 2) == 2
    # del-flows without a match removes everything, then nothing forwards
    ofctl.run("del-flows")
    assert flows_view(daemon, bridge) == []
    assert ping_count(h1.ns, h2.ip, 2) == 0

    # a refused flow gets an error and changes nothing
    p = ofctl.run("add-flow", "table=64,actions=drop", check=False)
    assert p.returncode != 0
    p = ofctl.run("add-flow", "actions=group:77", check=False)
    assert p.returncode != 0 and "OFPBAC_BAD_OUT_GROUP" in p.stderr, p.stderr
    assert flows_view(daemon, bridge) == []


def test_dump_ports_and_ports_desc(daemon, bridge, three_hosts, ofctl):
    h1, h2, h3 = three_hosts

    def counters(port):
        out = ofctl.out("dump-ports", port)
        rx = re.search(r"rx pkts=(\d+), bytes=(\d+)", out)
        tx = re.search(r"tx pkts=(\d+), bytes=(\d+)", out)
        assert rx and tx and "duration=" in out, out
        return int(rx.group(1)), int(tx.group(1))

    rx1, tx1 = counters(h1.port)
    rx2, tx2 = counters(h2.port)
    assert ping_count(h1.ns, h2.ip, 10, interval=0.05) == 10
    rx1b, tx1b = counters(h1.port)
    rx2b, tx2b = counters(h2.port)
    # h1's port received >= 10 requests and sent >= 10 replies; h2's the other way round
    assert rx1b - rx1 >= 10 and tx1b - tx1 >= 10, (rx1, rx1b, tx1, tx1b)
    assert rx2b - rx2 >= 10 and tx2b - tx2 >= 10, (rx2, rx2b, tx2, tx2b)
    everything = ofctl.out("dump-ports")
    assert "3 ports" in everything or everything.count("port ") >= 3, everything

    desc = ofctl.out("dump-ports-desc")
    for h in three_hosts:
        assert h.port in desc, desc
    # a port brought down shows LINK_DOWN (carrier lost when the peer goes down)
    run(["ip", "-n", h3.ns, "link", "set", h3.ifname, "down"])
    ok = wait_for(lambda: re.search(r"\(%s\):.*\n.*\n\s+state:\s+LINK_DOWN" % re.escape(h3.port),
                                    ofctl.out("dump-ports-desc")), 5)
    assert ok, ofctl.out("dump-ports-desc")

    # queues: none configured
    q = ofctl.out("queue-stats")
    assert "0 queues" in q, q
    # ovs-ofctl prints the error reply of a dump and exits 0
    p = ofctl.run("queue-stats", "999", check=False)
    assert "OFPQOFC_BAD_PORT" in p.stdout + p.stderr, (p.stdout, p.stderr)


def udp_to(src, dst, dport, tag, n=1, sport=None):
    return [udp_frame(src, dst.mac, dst.ip, dport, tag + b"-%d" % i,
                      sport=sport(i) if sport else 4000) for i in range(n)]


def test_groups_all_select_ff(daemon, netns, bridge, three_hosts, ofctl, workdir):
    h1, h2, h3 = three_hosts
    tag = b"pbofl-g-" + netns.prefix.encode()
    ofctl.run("add-group", "group_id=1,type=all,bucket=output:%s,bucket=output:%s"
              % (h2.port, h3.port))
    ofctl.run("add-flow", "priority=100,udp,in_port=%s,tp_dst=7001,actions=group:1" % h1.port)
    groups = ofctl.out("dump-groups")
    # ports by number (h1..h3 are ofports 1..3; ovs-ofctl prints names only on a terminal)
    assert "group_id=1,type=all,bucket=actions=output:2,bucket=actions=output:3" in groups, \
        groups

    def deliver(frames):
        c2 = Capture(h2.ns, h2.ifname, workdir, "udp")
        c3 = Capture(h3.ns, h3.ifname, workdir, "udp")
        send_frames(h1.ns, h1.ifname, frames)
        return tagged(c2.stop(), tag), tagged(c3.stop(), tag)

    got2, got3 = deliver(udp_to(h1, h2, 7001, tag, 5))
    assert len(got2) == 5 and len(got3) == 5, "all group: %d/%d of 5" % (len(got2), len(got3))
    stats = ofctl.out("dump-group-stats")
    m = re.search(r"group_id=1,[^\n]*?packet_count=(\d+)", stats)
    assert m and int(m.group(1)) >= 5, stats

    # mod-group: one bucket left, to h3 only
    ofctl.run("mod-group", "group_id=1,type=all,bucket=output:%s" % h3.port)
    got2, got3 = deliver(udp_to(h1, h2, 7001, tag, 4))
    assert len(got2) == 0 and len(got3) == 4, "mod-group: %d/%d" % (len(got2), len(got3))

    # select: every packet leaves through exactly one bucket; flows are spread
    ofctl.run("add-group", "group_id=2,type=select,bucket=weight:50,output:%s,"
              "bucket=weight:50,output:%s" % (h2.port, h3.port))
    ofctl.run("add-flow", "priority=100,udp,in_port=%s,tp_dst=7002,actions=group:2" % h1.port)
    got2, got3 = deliver(udp_to(h1, h2, 7002, tag, 64, sport=lambda i: 20000 + i * 7))
    tags2 = {bytes(f[UDP].payload) for f in got2}
    tags3 = {bytes(f[UDP].payload) for f in got3}
    assert not tags2 & tags3, "select sent a packet to both buckets"
    # a burst of 64 frames: allow a socket-level loss or two, never duplicates
    assert 60 <= len(tags2 | tags3) <= 64, "select: %d + %d of 64" % (len(got2), len(got3))
    assert got2 and got3, "select used one bucket only: %d/%d" % (len(got2), len(got3))

    # fast failover: h2 while its port is live, else h3
    ofctl.run("add-group", "group_id=3,type=ff,bucket=watch_port:%s,output:%s,"
              "bucket=watch_port:%s,output:%s" % (h2.port, h2.port, h3.port, h3.port))
    ofctl.run("add-flow", "priority=100,udp,in_port=%s,tp_dst=7003,actions=group:3" % h1.port)
    got2, got3 = deliver(udp_to(h1, h2, 7003, tag, 3))
    assert len(got2) == 3 and len(got3) == 0, "ff, h2 live: %d/%d" % (len(got2), len(got3))
    # h2's port loses carrier when its peer goes down: traffic moves to h3
    run(["ip", "-n", h2.ns, "link", "set", h2.ifname, "down"])
    time.sleep(1.5)
    c3 = Capture(h3.ns, h3.ifname, workdir, "udp")
    send_frames(h1.ns, h1.ifname, udp_to(h1, h2, 7003, tag, 3))
    got3 = tagged(c3.stop(), tag)
    assert len(got3) == 3, "ff after h2 went down: %d of 3 at h3" % len(got3)
    run(["ip", "-n", h2.ns, "link", "set", h2.ifname, "up"])

    # del-groups removes the group and the flows that use it
    ofctl.run("del-groups", "group_id=2")
    assert "group_id=2" not in ofctl.out("dump-groups")
    assert not [f for f in names_view(daemon, bridge) if "group:2" in f]
    ofctl.run("del-groups")
    assert "group_id" not in ofctl.out("dump-groups")
    assert names_view(daemon, bridge) == ["priority=0 actions=NORMAL"]
    feats = ofctl.out("dump-group-features")
    assert "select group:" in feats and "fast failover group:" in feats, feats


def test_meter_drops_over_rate(daemon, netns, bridge, three_hosts, ofctl, workdir):
    h1, h2, h3 = three_hosts
    tag = b"pbofl-m-" + netns.prefix.encode()
    ofctl.run("add-meter", "meter=1,pktps,burst,stats,bands=type=drop,rate=10,burst_size=10")
    ofctl.run("add-flow", "priority=100,udp,in_port=%s,tp_dst=7100,actions=meter:1,output:%s"
              % (h1.port, h2.port))
    meters = ofctl.out("dump-meters")
    assert re.search(r"meter=1 pktps burst stats bands=\s*type=drop rate=10 burst_size=10",
                     meters), meters
    c2 = Capture(h2.ns, h2.ifname, workdir, "udp")
    send_frames(h1.ns, h1.ifname, udp_to(h1, h2, 7100, tag, 200))
    got = tagged(c2.stop(), tag)
    # 200 frames in well under a second against 10 pps + a burst of 10
    assert 1 <= len(got) <= 60, "meter let %d of 200 through" % len(got)
    stats = ofctl.out("meter-stats")
    m = re.search(r"meter:1 flow_count:1 packet_in_count:(\d+) .*\n\s*0: packet_count:(\d+)",
                  stats)
    assert m and int(m.group(1)) >= 200 and int(m.group(2)) >= 140, stats
    feats = ofctl.out("meter-features")
    assert "band_types: drop" in feats, feats


def test_packet_out(daemon, netns, bridge, three_hosts, ofctl, workdir):
    h1, h2, h3 = three_hosts
    tag = b"pbofl-po-" + netns.prefix.encode()
    frame = bytes(udp_frame(h1, h2.mac, h2.ip, 7200, tag))
    c2 = Capture(h2.ns, h2.ifname, workdir, "udp")
    c3 = Capture(h3.ns, h3.ifname, workdir, "udp")
    ofctl.run("packet-out", "in_port=controller,packet=%s,actions=output:%s"
              % (frame.hex(), h2.port))
    got2, got3 = tagged(c2.stop(), tag), tagged(c3.stop(), tag)
    assert len(got2) == 1 and not got3, (got2, got3)
    assert bytes(got2[0]) == frame

    # output:TABLE runs the packet through the tables (the NORMAL flow floods or forwards)
    c3 = Capture(h3.ns, h3.ifname, workdir, "udp")
    ofctl.run("add-flow", "priority=100,udp,tp_dst=7200,actions=output:%s" % h3.port)
    ofctl.run("packet-out", "in_port=%s,packet=%s,actions=table" % (h1.port, frame.hex()))
    assert len(tagged(c3.stop(), tag)) == 1


def test_monitor_packet_in(daemon, netns, bridge, three_hosts, ofctl, workdir):
    h1, h2, h3 = three_hosts
    tag = b"pbofl-mon-" + netns.prefix.encode()
    ofctl.run("add-flow", "priority=100,udp,tp_dst=7300,actions=controller")
    out_path = os.path.join(workdir, "monitor.txt")
    with open(out_path, "w") as out:
        # monitor opens a unixctl socket in OVS_RUNDIR (/var/run/openvswitch by default,
        # which does not exist without an OVS daemon)
        mon = subprocess.Popen([OFCTL, "-O", "OpenFlow13", "monitor", ofctl.target, "65535"],
                               stdout=out, stderr=subprocess.STDOUT,
                               env=dict(os.environ, OVS_RUNDIR=workdir))
    try:
        # monitor prints nothing until a message comes: give it time to set itself up
        # (SET_CONFIG, and experimenter requests that must get an error, not a hang-up)
        time.sleep(1.0)
        assert mon.poll() is None, "ovs-ofctl monitor exited:\n" + open(out_path).read()
        send_frames(h1.ns, h1.ifname, udp_to(h1, h2, 7300, tag, 1))

        def seen():
            text = open(out_path).read()
            return "PACKET_IN" in text and "tp_dst=7300" in text
        assert wait_for(seen, 5), open(out_path).read()
        text = open(out_path).read()
        assert "(via action)" in text and "dl_src=%s" % h1.mac in text, text
        assert "in_port=%s" % h1.port in text or "in_port=1" in text, text
        assert mon.poll() is None, "ovs-ofctl monitor exited:\n" + text
    finally:
        mon.terminate()
        mon.wait(timeout=10)
    assert ofctl.flow_packets("tp_dst=7300") == 1
