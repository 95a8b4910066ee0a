# test_flows.py - OpenFlow tables acting on real traffic between namespaces: ACL drop rules
# over NORMAL, revalidation of cached megaflows when flows change, goto_table pipelines with
# metadata, the action set (write_actions/clear_actions), trace and megaflow dumps, rule and
# port counters, idle and hard timeouts.
import os
import subprocess
import time

from scapy.layers.inet import UDP
from scapy.layers.l2 import Ether

from helpers import (Capture, flows_view, ping_count, send_frames, sock_echo, tagged, udp_frame,
                     wait_for)


def flow_stats(daemon, bridge, text_part):
    """(packets, bytes) of the one flow whose dump-flows text contains 'text_part'."""
    found = [f for f in daemon.pbctl_json("dump-flows", bridge)["flows"] if text_part in f["text"]]
    assert len(found) == 1, "want one flow with %r, got %s" % (text_part, found)
    return found[0]["packets"], found[0]["bytes"]


def megaflows(daemon, bridge):
    return daemon.pbctl_json("dump-megaflows", bridge)["megaflows"]


def test_acl_drop_over_normal_and_del_flows(daemon, bridge, three_hosts):
    h1, h2, h3 = three_hosts
    # Traffic first, so that NORMAL megaflows (which do not look at IP fields) are cached.
    assert ping_count(h1.ns, h2.ip, 3) == 3
    assert ping_count(h1.ns, h3.ip, 2) == 2
    assert sock_echo(h1, h2, "tcp") and sock_echo(h1, h2, "udp")
    assert any("actions" in m and m["packets"] > 0 for m in megaflows(daemon, bridge))

    acl = "priority=200,icmp,nw_dst=%s" % h2.ip
    daemon.pbctl_ok("add-flow", bridge, acl + ",actions=drop")
    # At once: no cached megaflow may still forward ICMP towards h2.
    assert ping_count(h1.ns, h2.ip, 3) == 0, "ICMP to h2 passed the drop rule"
    assert ping_count(h3.ns, h2.ip, 2) == 0, "ICMP from h3 to h2 passed the drop rule"
    assert ping_count(h2.ns, h1.ip, 2) == 0, "echo replies towards h2 passed the drop rule"
    # Everything else still goes through NORMAL.
    assert ping_count(h1.ns, h3.ip, 3) == 3
    assert ping_count(h3.ns, h1.ip, 2) == 2
    assert sock_echo(h1, h2, "tcp"), "TCP to h2 was dropped by an ICMP rule"
    assert sock_echo(h3, h2, "udp"), "UDP to h2 was dropped by an ICMP rule"
    assert wait_for(lambda: flow_stats(daemon, bridge, "nw_dst=%s " % h2.ip)[0] >= 7, 5), \
        "drop rule counted %d packets, want >= 7" % flow_stats(daemon, bridge, h2.ip)[0]

    daemon.pbctl_ok("del-flows", bridge, acl, "--strict")
    assert [f[5] for f in flows_view(daemon, bridge)] == ["priority=0 actions=NORMAL"]
    # At once: no cached drop megaflow may survive the deletion.
    assert ping_count(h1.ns, h2.ip, 3) == 3, "ICMP to h2 still dropped after del-flows"
    assert ping_count(h3.ns, h2.ip, 2) == 2


def test_mod_flows_redirects_cached_traffic(daemon, netns, bridge, three_hosts, workdir):
    h1, h2, h3 = three_hosts
    tag = b"pb-mod-" + netns.prefix.encode()
    daemon.pbctl_ok("add-flow", bridge,
                    "priority=100,udp,in_port=%s,tp_dst=6000,actions=output:%s" % (h1.port,
                                                                                    h2.port))

    def burst(n):
        cap2, cap3 = Capture(h2.ns, h2.ifname, workdir), Capture(h3.ns, h3.ifname, workdir)
        send_frames(h1.ns, h1.ifname,
                    [udp_frame(h1, h2.mac, h2.ip, 6000, tag + b"%d" % i) for i in range(n)])
        return len(tagged(cap2.stop(), tag)), len(tagged(cap3.stop(), tag))

    assert burst(5) == (5, 0)
    assert any(m["actions"] == "output:2" and m["packets"] >= 4
               for m in megaflows(daemon, bridge)), megaflows(daemon, bridge)
    # Same match, new output: the cached megaflow must follow without waiting.
    daemon.pbctl_ok("mod-flows", bridge, "udp,tp_dst=6000,actions=output:%s" % h3.port)
    assert burst(5) == (0, 5)
    daemon.pbctl_ok("mod-flows", bridge,
                    "priority=100,udp,in_port=%s,tp_dst=6000,actions=output:%s,output:%s" % (
                        h1.port, h2.port, h3.port), "--strict")
    assert burst(3) == (3, 3)
    # mod-flows --strict with another priority selects nothing and changes nothing.
    daemon.pbctl_ok("mod-flows", bridge, "priority=99,udp,in_port=%s,tp_dst=6000,actions=drop"
                    % h1.port, "--strict")
    assert burst(2) == (2, 2)


def test_goto_table_pipeline_with_metadata(daemon, bridge, three_hosts, workdir):
    h1, h2, h3 = three_hosts
    flows = """
        # table 0 classifies by ingress port and marks the packet in the metadata
        table=0,priority=10,arp,actions=NORMAL
        table=0,priority=5,ip,in_port={p1},actions=write_metadata:0x1/0xff,goto_table:1
        table=0,priority=5,ip,in_port={p3},actions=write_metadata:0x3/0xff,goto_table:1
        table=0,priority=5,ip,in_port={p2},actions=goto_table:2

        # table 1: ICMP from port 3's class is refused, anything else goes on
        table=1,priority=5,metadata=0x3/0xff,icmp,actions=drop
        table=1,priority=1,actions=goto_table:2
        # table 2 routes by destination address
        table=2,ip,nw_dst={ip1},actions=output:{p1}
        table=2,ip,nw_dst={ip2},actions=output:{p2}
        table=2,ip,nw_dst={ip3},actions=output:{p3}
    """.format(p1=h1.port, p2=h2.port, p3=h3.port, ip1=h1.ip, ip2=h2.ip, ip3=h3.ip)
    path = os.path.join(workdir, "flows.txt")
    with open(path, "w") as f:
        f.write(flows)
    daemon.pbctl_ok("del-flows", bridge)
    daemon.pbctl_ok("add-flows", bridge, path)
    view = flows_view(daemon, bridge)
    assert [(t, p) for t, p, *_ in view] == [(0, 10), (0, 5), (0, 5), (0, 5), (1, 5), (1, 1),
                                            (2, 32768), (2, 32768), (2, 32768)], view

    assert ping_count(h1.ns, h2.ip, 3) == 3
    assert ping_count(h2.ns, h1.ip, 2) == 2
    assert sock_echo(h1, h3, "tcp")
    assert ping_count(h3.ns, h2.ip, 3) == 0, "ICMP of class 3 was not dropped in table 1"
    assert ping_count(h2.ns, h3.ip, 2) == 0, "echo replies of class 3 were not dropped"
    assert sock_echo(h3, h2, "tcp"), "TCP of class 3 should pass table 1"
    assert sock_echo(h3, h1, "udp")

    # The trace walks the same tables.
    pkt = "in_port=%s,dl_src=%s,dl_dst=%s,icmp,nw_src=%s,nw_dst=%s" % (h3.port, h3.mac, h2.mac,
                                                                      h3.ip, h2.ip)
    report = daemon.pbctl_json("trace", bridge, pkt)["report"]
    assert "table 0: matched 'priority=5,ip,in_port=%s" % h3.port in report, report
    assert "table 1: matched 'priority=5,icmp,metadata=0x3/0xff" in report, report
    assert "table 2" not in report, report
    assert "datapath actions: drop" in report, report
    pkt = "in_port=%s,dl_src=%s,dl_dst=%s,tcp,nw_src=%s,nw_dst=%s" % (h3.port, h3.mac, h2.mac,
                                                                     h3.ip, h2.ip)
    report = daemon.pbctl_json("trace", bridge, pkt)["report"]
    lines = report.splitlines()
    tables = [ln.split(":")[0] for ln in lines if ln.startswith("table ")]
    assert tables == ["table 0", "table 1", "table 2"], report
    assert "nw_dst=%s actions=output:%s" % (h2.ip, h2.port) in report, report
    assert "datapath actions: output:2" in report, report
    megaflow = [ln for ln in lines if ln.startswith("megaflow: ")]
    assert len(megaflow) == 1 and "in_port=3" in megaflow[0], report

    # The per-rule counters saw the refused pings.
    assert wait_for(lambda: flow_stats(daemon, bridge, "metadata=0x3/0xff")[0] >= 3, 5)
    # Removing table 1's drop lets class 3 ICMP through at once.
    daemon.pbctl_ok("del-flows", bridge, "table=1,icmp")
    assert ping_count(h3.ns, h2.ip, 2) == 2


def test_action_set_write_and_clear(daemon, netns, bridge, three_hosts, workdir):
    h1, h2, h3 = three_hosts
    p1, p2, p3 = h1.port, h2.port, h3.port
    daemon.pbctl_ok("del-flows", bridge)
    for f in [
        "priority=5,udp,in_port=%s,actions=write_actions(output:%s),goto_table:1" % (p1, p2),
        # The action set (output:p2) runs when the pipeline ends here.
        "table=1,udp,tp_dst=1001,actions=write_metadata:0x1/0x1",
        "table=1,udp,tp_dst=1002,actions=clear_actions",
        "table=1,udp,tp_dst=1003,actions=write_actions(output:%s)" % p3,  # replaces the output
        "table=1,udp,tp_dst=1004,actions=output:%s" % p3,  # applied now, p2 still at the end
        # The action set runs set_field before output, whatever the order of writing.
        "table=1,udp,tp_dst=1005,actions=write_actions(set_field:7777->udp_dst)",
        "table=1,udp,tp_dst=1007,actions=clear_actions,write_actions(output:%s)" % p3,
        # tp_dst=1006: no rule in table 1, the packet and its action set are dropped
    ]:
        daemon.pbctl_ok("add-flow", bridge, f)
    tag = b"pb-aset-" + netns.prefix.encode()
    cap2, cap3 = Capture(h2.ns, h2.ifname, workdir), Capture(h3.ns, h3.ifname, workdir)
    send_frames(h1.ns, h1.ifname, [udp_frame(h1, h2.mac, h2.ip, port, tag + b"%d" % port)
                                   for port in range(1001, 1008)])
    got2, got3 = tagged(cap2.stop(), tag), tagged(cap3.stop(), tag)

    def sent(frames):
        return sorted(int(bytes(f[UDP].payload)[len(tag):]) for f in frames)

    assert sent(got2) == [1001, 1004, 1005], "h2 got %s" % [f.summary() for f in got2]
    assert sent(got3) == [1003, 1004, 1007], "h3 got %s" % [f.summary() for f in got3]
    rewritten = [f for f in got2 if bytes(f[UDP].payload).endswith(b"1005")][0]
    assert rewritten[UDP].dport == 7777
    chk = rewritten[UDP].chksum
    del rewritten[UDP].chksum
    assert Ether(bytes(rewritten))[UDP].chksum == chk, "bad UDP checksum after set_field"


def test_trace_dump_and_flush_megaflows(daemon, bridge, three_hosts):
    h1, h2, _ = three_hosts
    assert ping_count(h1.ns, h2.ip, 3) == 3
    mfs = megaflows(daemon, bridge)
    to_h2 = [m for m in mfs if m["match"].startswith("in_port=1,") and
             "dl_dst=%s" % h2.mac in m["match"]]
    assert len(to_h2) == 1, mfs
    assert to_h2[0]["actions"] == "output:2" and to_h2[0]["packets"] >= 3, to_h2
    assert to_h2[0]["bytes"] >= 3 * 98 and to_h2[0]["used"] is not None, to_h2
    text = daemon.pbctl_ok("dump-megaflows", bridge)
    assert to_h2[0]["match"] in text and "actions:output:2" in text, text

    # The trace of an echo request predicts exactly the cached megaflow.
    pkt = "in_port=%s,dl_src=%s,dl_dst=%s,icmp,nw_src=%s,nw_dst=%s,icmp_type=8" % (
        h1.port, h1.mac, h2.mac, h1.ip, h2.ip)
    report = daemon.pbctl_ok("trace", bridge, pkt)
    assert "table 0: matched 'priority=0 actions=NORMAL'" in report, report
    assert "datapath actions: output:2" in report, report
    assert "megaflow: %s\n" % to_h2[0]["match"] in report, report
    # A trace neither forwards nor learns: a made-up source does not enter the FDB.
    ghost = "02:00:00:aa:bb:cc"
    daemon.pbctl_ok("trace", bridge, "in_port=%s,dl_src=%s,dl_dst=%s,ip" % (h1.port, ghost,
                                                                            h2.mac))
    assert ghost not in daemon.pbctl_ok("fdb-show", bridge)

    daemon.pbctl_ok("flush-megaflows", bridge)
    assert megaflows(daemon, bridge) == []
    assert daemon.pbctl_ok("dump-megaflows", bridge) == ""
    assert ping_count(h1.ns, h2.ip, 2) == 2
    assert wait_for(lambda: megaflows(daemon, bridge), 3), "no megaflow after new traffic"


def test_counters_match_packets_sent(daemon, netns, bridge, three_hosts):
    h1, h2, _ = three_hosts
    n, size = 17, 200
    rule = "priority=100,udp,in_port=%s,tp_dst=7000" % h1.port
    daemon.pbctl_ok("add-flow", bridge, rule + ",actions=output:%s" % h2.port)
    ports0 = {p["name"]: p for p in daemon.pbctl_json("dump-ports", bridge)["ports"]}
    normal0 = flow_stats(daemon, bridge, "actions=NORMAL")
    tag = b"pb-cnt-" + netns.prefix.encode()
    # Two sends: the first packet is an upcall, the rest hit the megaflow and the EMC.  To a
    # MAC that h2's stack ignores: no ICMP error comes back to disturb the counters.
    frames = [udp_frame(h1, "02:00:5e:00:70:00", h2.ip, 7000, tag, size=size)
              for _ in range(n)]
    send_frames(h1.ns, h1.ifname, frames[:10])
    send_frames(h1.ns, h1.ifname, frames[10:])

    # Counters are credited from megaflow statistics, about once a second.
    got = wait_for(lambda: flow_stats(daemon, bridge, "tp_dst=7000") == (n, n * size), 5)
    assert got, "flow counters %s, want (%d, %d)" % (flow_stats(daemon, bridge, "tp_dst=7000"),
                                                     n, n * size)
    text = daemon.pbctl_ok("dump-flows", bridge)
    assert "n_packets=%d, n_bytes=%d, priority=100,udp," % (n, n * size) in text, text
    assert flow_stats(daemon, bridge, "actions=NORMAL") == normal0
    mfs = [m for m in megaflows(daemon, bridge) if m["actions"] == "output:2"]
    assert sum(m["packets"] for m in mfs) == n and sum(m["bytes"] for m in mfs) == n * size, mfs

    ports = {p["name"]: p for p in daemon.pbctl_json("dump-ports", bridge)["ports"]}
    d1 = {k: ports[h1.port][k] - ports0[h1.port][k] for k in ports0[h1.port] if k != "name"}
    d2 = {k: ports[h2.port][k] - ports0[h2.port][k] for k in ports0[h2.port] if k != "name"}
    assert d1["rx_packets"] == n and d1["rx_bytes"] == n * size, d1
    assert d2["tx_packets"] == n and d2["tx_bytes"] == n * size, d2
    assert d1["tx_packets"] == 0 and d2["rx_packets"] == 0, (d1, d2)

    # A later statistics sweep must not credit the same packets again.
    time.sleep(1.2)
    assert flow_stats(daemon, bridge, "tp_dst=7000") == (n, n * size)


def _wait_gone(daemon, bridge, part, timeout):
    def gone():
        return all(part not in f[5] for f in flows_view(daemon, bridge))
    return wait_for(gone, timeout, interval=0.1)


def test_idle_timeout_removes_flow(daemon, bridge, three_hosts):
    h1, h2, _ = three_hosts
    assert ping_count(h1.ns, h2.ip, 2) == 2
    daemon.pbctl_ok("add-flow", bridge,
                    "priority=300,idle_timeout=2,icmp,nw_dst=%s,actions=drop" % h2.ip)
    # 3.4 s of traffic: longer than the idle timeout, but the flow is in use all along.
    assert ping_count(h1.ns, h2.ip, 18, interval=0.2, wait=0.2) == 0
    stopped = time.monotonic()
    view = flows_view(daemon, bridge)
    assert any(f[3] == 2 and h2.ip in f[5] for f in view), "flow expired while in use: %s" % view
    assert _wait_gone(daemon, bridge, h2.ip, 8), "idle flow still listed 8 s after traffic"
    idle = time.monotonic() - stopped
    assert idle >= 1.0, "flow removed after only %.1f s idle" % idle
    # Traffic falls back to NORMAL, and the removal was saved.
    assert ping_count(h1.ns, h2.ip, 2) == 2
    assert wait_for(lambda: h2.ip not in daemon.db_bytes().decode(), 3)


def test_hard_timeout_removes_flow_in_use(daemon, bridge, three_hosts):
    h1, h2, _ = three_hosts
    assert ping_count(h1.ns, h2.ip, 2) == 2
    daemon.pbctl_ok("add-flow", bridge,
                    "priority=300,hard_timeout=2,icmp,nw_dst=%s,actions=drop" % h2.ip)
    added = time.monotonic()
    pinger = subprocess.Popen(["ip", "netns", "exec", h1.ns, "ping", "-n", "-i", "0.1", "-W",
                               "0.5", "-w", "8", h2.ip], stdout=subprocess.PIPE, text=True)
    try:
        assert _wait_gone(daemon, bridge, h2.ip, 6), "hard_timeout flow still listed after 6 s"
        age = time.monotonic() - added
        assert 1.5 <= age <= 5.0, "hard_timeout=2 flow removed after %.1f s" % age
        # Replies come back once the drop rule is gone.
        assert ping_count(h1.ns, h2.ip, 2) == 2
    finally:
        pinger.kill()
        pinger.wait()
    assert wait_for(lambda: h2.ip not in daemon.db_bytes().decode(), 3), "removal not saved"


def test_counters_across_tables(daemon, netns, bridge, three_hosts):
    """Every rule a packet went through counts it: one rule per table of a pipeline."""
    h1, _, h3 = three_hosts
    n, size = 9, 150
    for f in ["priority=100,udp,in_port=%s,actions=goto_table:1" % h1.port,
              "table=1,udp,tp_dst=7100,actions=write_metadata:0x2,goto_table:2",
              "table=1,udp,tp_dst=7200,actions=goto_table:2",
              "table=2,metadata=0x2,actions=output:%s" % h3.port,
              "table=2,priority=1,actions=drop"]:
        daemon.pbctl_ok("add-flow", bridge, f)
    tag = b"pb-cnt3-" + netns.prefix.encode()
    frames = [udp_frame(h1, "02:00:5e:00:71:00", h3.ip, 7100, tag, size=size)] * n + \
        [udp_frame(h1, "02:00:5e:00:71:00", h3.ip, 7200, tag, size=size)] * 2
    send_frames(h1.ns, h1.ifname, frames)

    def stats():
        return [(f["table"], f["packets"], f["bytes"])
                for f in daemon.pbctl_json("dump-flows", bridge)["flows"] if f["priority"] != 0]

    want = [(0, n + 2, (n + 2) * size), (1, n, n * size), (1, 2, 2 * size),
            (2, n, n * size), (2, 2, 2 * size)]
    assert wait_for(lambda: stats() == want, 5), "counters %s, want %s" % (stats(), want)
