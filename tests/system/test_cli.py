# test_cli.py - pbctl's informational commands and its text/JSON output for a small bridge
# with traffic, plus the behaviour when no daemon listens.
import os

from helpers import attach_host, ip4, pbctl_bin, run


def test_version_and_help(daemon):
    assert daemon.pbctl_json("version") == {"client": "0.1.0", "daemon": "0.1.0"}
    out = daemon.pbctl_ok("version")
    assert "pbctl 0.1.0" in out and "patchbayd 0.1.0" in out, out
    out = daemon.pbctl_ok("help")
    for cmd in ("add-br", "del-br", "list-br", "show", "add-port", "del-port", "list-ports",
                "dump-ports", "fdb-show", "fdb-flush", "set"):
        assert cmd in out, "help does not mention %s" % cmd


def test_show_and_lists(daemon, netns):
    brs = [netns.name(s) for s in ("zz", "aa", "mm")]
    for b in brs:
        daemon.pbctl_ok("add-br", b)
    assert daemon.pbctl_json("list-br") == {"bridges": sorted(brs)}
    assert daemon.pbctl_ok("list-br").split() == sorted(brs)
    br = brs[0]
    h1 = attach_host(daemon, netns, br, 1, ip4(1), ofport=20)
    h2 = attach_host(daemon, netns, br, 2, ip4(2), ofport=3)
    h1.ping(h2)
    assert daemon.pbctl_json("list-ports", br) == {"ports": [h2.port, h1.port]}
    assert daemon.pbctl_ok("list-ports", br).split() == [h2.port, h1.port]
    show = {b["name"]: b for b in daemon.pbctl_json("show")["bridges"]}
    assert set(show) == set(brs)
    b = show[br]
    assert (b["datapath"], b["mac-aging"], b["mac-table-size"]) == ("socket", 300, 8192)
    ports = {p["name"]: p for p in b["ports"]}
    p1 = ports[h1.port]
    assert (p1["ofport"], p1["type"], p1["link"], p1["error"]) == (20, "veth", "up", None)
    assert p1["options"] == {"peer": h1.ifname, "netns": h1.ns}
    mac = run(["cat", "/sys/class/net/%s/address" % h1.port]).stdout.strip()
    assert p1["mac"] == mac and p1["mtu"] == 1500
    text = daemon.pbctl_ok("show")
    for name in brs + [h1.port, h2.port]:
        assert name in text


def test_no_daemon_is_one_line_error(workdir):
    sock = os.path.join(workdir, "nobody.sock")
    p = run([pbctl_bin(), "--socket", sock, "list-br"], check=False)
    assert p.returncode == 1 and p.stdout == ""
    lines = p.stderr.rstrip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("pbctl: "), p.stderr
