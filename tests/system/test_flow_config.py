# test_flow_config.py - the flow tables as configuration: refused flow text changes nothing
# (tables, config file, traffic), add-flows is all or nothing, a full table gives a clear
# error, and flows survive a daemon restart (SIGTERM and kill -9) and still act on traffic.
import os
import signal

import pytest

from helpers import attach_host, flows_view, ip4, ping_count, sock_echo

# (flow text, text the one-line error must contain: the offending token)
BAD_FLOWS = [
    ("priority=200,icmp,nw_dstt=1.2.3.4,actions=drop", "nw_dstt"),
    ("priority=200,icmp,nw_dst=1.2.3.4,actions=frob", "frob"),
    ("priority=200,icmp,nw_dst=1.2.3.999,actions=drop", "1.2.3.999"),
    ("ip,nw_dst=1.2.3.4/33,actions=drop", "1.2.3.4/33"),
    ("icmp,actions=output:nosuchport", "nosuchport"),
    ("priority=70000,ip,actions=drop", "70000"),
    ("table=64,actions=drop", "64"),
    ("table=1,actions=goto_table:0", "goto_table:0"),
    ("priority=5,ip", "actions"),
    ("ip,actions=drop,output:1", "drop"),
    ("ip,actions=mod_tp_dst:80", "mod_tp_dst"),
    ("dl_vlan=5000,actions=drop", "5000"),
    ("ip,idle_timeout=70000,actions=drop", "70000"),
    ("ip,nw_dst=1.2.3.4,nw_dst=1.2.3.5,actions=drop", "nw_dst"),
    ("ip,actions=drop junk", "junk"),
    ("garbage", "garbage"),
]


@pytest.fixture
def two_hosts(daemon, netns, bridge):
    return [attach_host(daemon, netns, bridge, i, ip4(i)) for i in (1, 2)]


def _refused(daemon, args, token):
    rc, out, err = daemon.pbctl(*args)
    assert rc == 1, "pbctl %s -> %d (want 1): %r %r" % (args, rc, out, err)
    assert out == "" and err.startswith("pbctl: ") and err.count("\n") == 1, repr(err)
    assert token in err, "error %r does not name %r" % (err, token)
    return err


def test_bad_flow_text_changes_nothing(daemon, bridge, two_hosts, workdir):
    h1, h2 = two_hosts
    acl = "priority=200,icmp,nw_dst=%s,actions=drop" % h2.ip
    daemon.pbctl_ok("add-flow", bridge, acl)
    view, db = flows_view(daemon, bridge), daemon.db_bytes()
    for text, token in BAD_FLOWS:
        _refused(daemon, ["add-flow", bridge, text], token)
    _refused(daemon, ["mod-flows", bridge, "icmp,actions=bogus"], "bogus")
    _refused(daemon, ["mod-flows", bridge, "icmp,actions=output:nosuchport", "--strict"],
             "nosuchport")
    _refused(daemon, ["del-flows", bridge, "ip,nw_dst=bad"], "bad")
    _refused(daemon, ["del-flows", bridge, "ip,actions=drop"], "actions")
    _refused(daemon, ["dump-flows", bridge, "tablee=1"], "tablee")
    _refused(daemon, ["trace", bridge, "in_port=nosuchport,ip"], "nosuchport")
    _refused(daemon, ["trace", bridge, "ip,nw_dst=1.2.3.4/24"], "1.2.3.4/24")
    _refused(daemon, ["add-flow", "nosuchbr", "actions=drop"], "nosuchbr")
    # add-flows: checked completely first, the error names the line, nothing is added.
    path = os.path.join(workdir, "flows.txt")
    with open(path, "w") as f:
        f.write("priority=5,ip,actions=drop\n# comment\n\n"
                "priority=6,ip,nw_src=1.2.3.4,actions=output:nosuchport\n")
    _refused(daemon, ["add-flows", bridge, path], "line 4")
    _refused(daemon, ["add-flows", bridge, os.path.join(workdir, "missing.txt")], "missing.txt")
    assert flows_view(daemon, bridge) == view
    assert daemon.db_bytes() == db, "a refused request rewrote the config file"
    # ... and the tables still act as before.
    assert ping_count(h1.ns, h2.ip, 2) == 0
    assert sock_echo(h1, h2, "tcp")


def test_flow_limit_full_table(daemon, bridge, two_hosts):
    h1, h2 = two_hosts
    daemon.pbctl_ok("set", "bridge", bridge, "flow-limit=3")
    assert "flow-limit=3" in daemon.pbctl_ok("show")
    daemon.pbctl_ok("add-flow", bridge, "priority=10,udp,actions=NORMAL")
    daemon.pbctl_ok("add-flow", bridge, "priority=200,icmp,nw_dst=%s,actions=drop" % h2.ip)
    view, db = flows_view(daemon, bridge), daemon.db_bytes()
    assert len(view) == 3
    err = _refused(daemon, ["add-flow", bridge, "priority=11,tcp,actions=NORMAL"], "full")
    assert "table 0 is full (limit 3 flows)" in err, err
    # add-flows that overflows half-way is taken back: the table=1 flow before it is not kept.
    path = os.path.join(daemon.dir, "more.txt")
    with open(path, "w") as f:
        f.write("table=1,priority=1,actions=drop\npriority=12,tcp,actions=NORMAL\n")
    err = _refused(daemon, ["add-flows", bridge, path], "line 2")
    assert "table 0 is full (limit 3 flows)" in err, err
    assert flows_view(daemon, bridge) == view
    assert daemon.db_bytes() == db
    # Replacing a flow (same match and priority) is not a new flow; other tables have room.
    daemon.pbctl_ok("add-flow", bridge, "priority=200,icmp,nw_dst=%s,actions=NORMAL" % h2.ip)
    assert ping_count(h1.ns, h2.ip, 2) == 2
    daemon.pbctl_ok("add-flow", bridge, "table=1,priority=1,actions=drop")
    # Raising the limit lets the table grow again.
    daemon.pbctl_ok("set", "bridge", bridge, "flow-limit=4")
    daemon.pbctl_ok("add-flow", bridge, "priority=11,tcp,actions=NORMAL")
    assert len(flows_view(daemon, bridge)) == 5


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill9"])
def test_flows_survive_restart(daemon, netns, bridge, sig):
    h1, h2, h3 = [attach_host(daemon, netns, bridge, i, ip4(i)) for i in (1, 2, 3)]
    flows = [
        "priority=200,icmp,nw_dst=%s,actions=drop" % h2.ip,
        "cookie=0x1234,priority=150,idle_timeout=1000,ip,nw_dst=%s,actions=goto_table:3" % h3.ip,
        "table=3,priority=7,ip,actions=write_metadata:0x9/0xff,goto_table:4",
        "table=4,metadata=0x9/0xff,actions=output:%s" % h3.port,
    ]
    for f in flows:
        daemon.pbctl_ok("add-flow", bridge, f)
    assert ping_count(h1.ns, h2.ip, 2) == 0
    assert ping_count(h1.ns, h3.ip, 2) == 2
    view = flows_view(daemon, bridge)
    assert len(view) == 5 and view[1][2:4] == ("0x1234", 1000), view

    daemon.stop(sig)
    daemon.start()
    assert flows_view(daemon, bridge) == view
    assert ping_count(h1.ns, h2.ip, 2) == 0, "the drop rule does not act after the restart"
    assert ping_count(h1.ns, h3.ip, 2) == 2
    assert sock_echo(h1, h2, "tcp")
    # Changes after the restart are kept too.
    daemon.pbctl_ok("del-flows", bridge, "priority=200,icmp,nw_dst=%s" % h2.ip, "--strict")
    daemon.stop(sig)
    daemon.start()
    assert flows_view(daemon, bridge) == view[1:]
    assert ping_count(h1.ns, h2.ip, 2) == 2
