# test_bad_input.py - every refused request exits non-zero with one clear line and changes
# nothing (neither `pbctl -j show`, nor the config file, nor the kernel's devices); usage
# errors exit 2; a corrupt config file keeps the daemon from starting and is left untouched;
# bad patchbayd options exit 2.
import json
import os
import subprocess

import pytest

from helpers import attach_host, ip4, kernel_links, run

BR, BR2, PORT = "{br}", "{br2}", "{p1}"  # placeholders filled with the test's prefix

# (id, argv, expected exit status, text the message must contain)
REFUSED = [
    ("br-too-long", ["add-br", "b" * 16], 1, "too long"),
    ("br-bad-char", ["add-br", "br/0"], 1, "invalid character"),
    ("br-bad-start", ["add-br", ".br"], 1, "must not start"),
    ("br-empty", ["add-br", ""], 1, "empty"),
    ("br-exists", ["add-br", BR], 1, "already exists"),
    ("del-br-unknown", ["del-br", "nosuchbr"], 1, "no such bridge"),
    ("port-too-long", ["add-port", BR, "p" * 16, "type=internal"], 1, "too long"),
    ("port-bad-char", ["add-port", BR, "a:b", "type=internal"], 1, "invalid character"),
    ("peer-bad-char", ["add-port", BR, "{x}", "type=veth", "peer=a/b", "netns={n1}"], 1,
     "invalid character"),
    ("netns-bad-char", ["add-port", BR, "{x}", "type=veth", "peer={xn}", "netns=a b"], 1,
     "invalid character"),
    ("add-port-unknown-br", ["add-port", "nosuchbr", "{x}", "type=internal"], 1,
     "no such bridge"),
    ("del-port-unknown", ["del-port", BR, "{x}"], 1, "{x}"),
    ("del-port-wrong-br", ["del-port", BR2, PORT], 1, PORT),
    ("list-ports-unknown-br", ["list-ports", "nosuchbr"], 1, "no such bridge"),
    ("dump-ports-unknown-br", ["dump-ports", "nosuchbr"], 1, "no such bridge"),
    ("fdb-show-unknown-br", ["fdb-show", "nosuchbr"], 1, "no such bridge"),
    ("fdb-flush-unknown-br", ["fdb-flush", "nosuchbr"], 1, "no such bridge"),
    ("unknown-type", ["add-port", BR, "{x}", "type=bogus"], 1,
     "unknown port type 'bogus' (allowed: system, veth, tap, internal, vxlan, geneve, gre, tun)"),
    ("unknown-option", ["add-port", BR, "{x}", "type=internal", "foo=1"], 1,
     "unknown option 'foo' for add-port (allowed: type, peer, netns, ofport, remote_ip, "
     "local_ip, key, dst_port, ttl, tos, tx_path, mac, ip)"),
    ("peer-without-veth", ["add-port", BR, "{x}", "type=tap", "peer={xn}"], 1, "peer"),
    ("netns-without-veth", ["add-port", BR, "{x}", "type=internal", "netns={n1}"], 1, "netns"),
    ("veth-without-peer", ["add-port", BR, "{x}", "type=veth", "netns={n1}"], 1, "peer"),
    ("duplicate-port", ["add-port", BR, PORT, "type=internal"], 1, PORT),
    ("duplicate-port-other-br", ["add-port", BR2, PORT, "type=internal"], 1, PORT),
    ("system-missing-device", ["add-port", BR, "{x}"], 1, "{x}"),
    ("system-missing-device-typed", ["add-port", BR, "{x}", "type=system"], 1, "{x}"),
    ("veth-missing-netns", ["add-port", BR, "{x}", "type=veth", "peer={xn}", "netns={nx}"], 1,
     "{nx}"),
    ("internal-device-exists", ["add-port", BR, "{dum}", "type=internal"], 1, "{dum}"),
    ("tap-device-exists", ["add-port", BR, "{dum}", "type=tap"], 1, "{dum}"),
    ("veth-device-exists", ["add-port", BR, "{dum}", "type=veth", "peer={xn}"], 1, "{dum}"),
    ("ofport-zero", ["add-port", BR, "{x}", "type=internal", "ofport=0"], 1, "ofport"),
    ("ofport-too-big", ["add-port", BR, "{x}", "type=internal", "ofport=65280"], 1, "ofport"),
    ("ofport-not-number", ["add-port", BR, "{x}", "type=internal", "ofport=1x"], 1, "ofport"),
    ("ofport-negative", ["add-port", BR, "{x}", "type=internal", "ofport=-1"], 1, "ofport"),
    ("ofport-taken", ["add-port", BR, "{x}", "type=internal", "ofport=5"], 1, "ofport"),
    ("set-unknown-key", ["set", "bridge", BR, "foo=1"], 1, "foo"),
    ("set-aging-too-small", ["set", "bridge", BR, "mac-aging=9"], 1, "mac-aging"),
    ("set-aging-too-big", ["set", "bridge", BR, "mac-aging=1000001"], 1, "mac-aging"),
    ("set-aging-not-number", ["set", "bridge", BR, "mac-aging=ten"], 1, "mac-aging"),
    ("set-size-zero", ["set", "bridge", BR, "mac-table-size=0"], 1, "mac-table-size"),
    ("set-size-too-big", ["set", "bridge", BR, "mac-table-size=1048577"], 1, "mac-table-size"),
    ("set-datapath", ["set", "bridge", BR, "datapath=xdp"], 1, "datapath"),
    ("set-one-bad-of-two", ["set", "bridge", BR, "mac-aging=100", "mac-table-size=0"], 1,
     "mac-table-size"),
    ("set-unknown-br", ["set", "bridge", "nosuchbr", "mac-aging=100"], 1, "no such bridge"),
    ("set-port-unknown-key", ["set", "port", PORT, "ofport=3"], 1, "unknown port setting 'ofport'"),
    ("set-port-bad-tag", ["set", "port", PORT, "tag=4096"], 1, "tag: expected an integer 0..4095"),
    ("set-port-access-trunks", ["set", "port", PORT, "tag=10", "trunks=1"], 1,
     "takes no trunks"),
    ("set-port-unknown-port", ["set", "port", "{x}", "tag=10"], 1, "no such port"),
    # usage errors: caught by pbctl itself, exit 2
    ("usage-no-command", [], 2, None),
    ("usage-unknown-command", ["frobnicate"], 2, None),
    ("usage-unknown-global-option", ["--frob", "show"], 2, None),
    ("usage-add-br-no-arg", ["add-br"], 2, None),
    ("usage-add-br-extra-arg", ["add-br", "{x}", "{xn}"], 2, None),
    ("usage-del-port-no-port", ["del-port", BR], 2, None),
    ("usage-option-without-value", ["add-port", BR, "{x}", "internal"], 2, None),
    ("usage-set-no-options", ["set", "bridge", BR], 2, None),
    ("usage-set-not-bridge-or-port", ["set", "interface", PORT, "ofport=3"], 2, None),
    ("usage-key-twice", ["add-port", BR, "{x}", "type=internal", "type=tap"], 2, None),
    ("usage-set-option-no-equals", ["set", "bridge", BR, "mac-aging"], 2, None),
]


def _state(daemon, netns, ns1):
    return (daemon.pbctl_json("show"), daemon.db_bytes(),
            sorted(d for d in kernel_links() if d.startswith(netns.prefix)),
            sorted(kernel_links(ns1)))


@pytest.mark.parametrize("argv,status,text", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_request_changes_nothing(daemon, netns, bridge, argv, status, text):
    br2 = netns.name("br2")
    daemon.pbctl_ok("add-br", br2)
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1), ofport=5)
    names = {"br": bridge, "br2": br2, "p1": h1.port, "n1": h1.ns, "x": netns.name("x"),
             "xn": netns.name("xn"), "nx": netns.name("nx"), "dum": netns.name("dum")}
    # An unrelated device that already exists (no dummy driver everywhere: a veth pair).
    run(["ip", "link", "add", names["dum"], "type", "veth", "peer", "name", names["dum"] + "x"])
    argv = [a.format(**names) for a in argv]
    text = text.format(**names) if text else None

    before = _state(daemon, netns, h1.ns)
    rc, out, err = daemon.pbctl(*argv)
    assert rc == status, "pbctl %s exited %d (want %d); stderr %r" % (argv, rc, status, err)
    assert err.strip(), "no message on stderr"
    if status == 1:
        lines = err.rstrip("\n").split("\n")
        assert len(lines) == 1 and lines[0].startswith("pbctl: "), repr(err)
        assert text in lines[0], "message %r does not mention %r" % (lines[0], text)
        assert out == ""
    else:
        lines = err.rstrip("\n").split("\n")
        assert len(lines) == 1 and "try 'pbctl help'" in lines[0], repr(err)
    after = _state(daemon, netns, h1.ns)
    assert after[0] == before[0], "`pbctl show` changed"
    assert after[1] == before[1], "config file changed"
    assert after[2] == before[2], "root namespace devices changed"
    assert after[3] == before[3], "namespace devices changed"
    assert names["dum"] in after[2]
    # The refused request did not break the daemon.
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    h1.ping(h2, count=1)


def test_json_error_output(daemon, netns):
    rc, out, err = daemon.pbctl("-j", "del-br", netns.name("none"))
    assert rc == 1 and out == "" and err.startswith("pbctl: ") and "no such bridge" in err


def _valid_doc(prefix):
    return {"format": "patchbay-config", "version": 1,
            "bridges": [{"name": prefix + "br", "datapath": "socket", "mac-aging": 60,
                         "mac-table-size": 100,
                         "ports": [{"name": prefix + "t1", "ofport": 3, "type": "tap"}]}]}


def test_valid_config_file_is_loaded(pbd, netns):
    doc = _valid_doc(netns.prefix)
    with open(pbd.db, "w") as f:
        json.dump(doc, f)
    pbd.start()
    br = pbd.pbctl_json("show")["bridges"]
    assert [(b["name"], b["mac-aging"], b["mac-table-size"]) for b in br] == \
        [(netns.prefix + "br", 60, 100)]
    assert [(p["name"], p["ofport"], p["type"]) for p in br[0]["ports"]] == \
        [(netns.prefix + "t1", 3, "tap")]
    assert netns.prefix + "t1" in kernel_links()


def _corrupt(prefix):
    def mutated(f):
        d = _valid_doc(prefix)
        f(d)
        return json.dumps(d).encode()

    b0 = lambda d: d["bridges"][0]  # noqa: E731
    p0 = lambda d: d["bridges"][0]["ports"][0]  # noqa: E731
    return {
        "empty": b"",
        "not-json": b'{"format": "patchbay-config", "version": 1, "bridges": [',
        "binary": bytes(range(256)),
        "not-object": b"[1, 2, 3]",
        "wrong-format": mutated(lambda d: d.update(format="other")),
        "wrong-version": mutated(lambda d: d.update(version=99)),
        "bridges-not-array": mutated(lambda d: d.update(bridges={})),
        "bad-bridge-name": mutated(lambda d: b0(d).update(name="bad/name")),
        "aging-out-of-range": mutated(lambda d: b0(d).update({"mac-aging": 1})),
        "aging-wrong-type": mutated(lambda d: b0(d).update({"mac-aging": "60"})),
        "bad-datapath": mutated(lambda d: b0(d).update(datapath="warp")),
        "duplicate-bridge": mutated(lambda d: d["bridges"].append(dict(b0(d), ports=[]))),
        "bad-port-type": mutated(lambda d: p0(d).update(type="bogus")),
        "ofport-out-of-range": mutated(lambda d: p0(d).update(ofport=70000)),
        "port-missing-name": mutated(lambda d: p0(d).pop("name")),
        "veth-without-peer": mutated(lambda d: p0(d).update(type="veth")),
    }


CORRUPT_IDS = sorted(_corrupt("x"))


@pytest.mark.parametrize("case", CORRUPT_IDS)
@pytest.mark.parametrize("detach", [False, True], ids=["foreground", "detach"])
def test_corrupt_config_refused(pbd, netns, case, detach):
    content = _corrupt(netns.prefix)[case]
    with open(pbd.db, "wb") as f:
        f.write(content)
    argv = pbd.argv() + (["--detach"] if detach else [])
    p = subprocess.run(argv, capture_output=True, timeout=15)
    err = p.stderr.decode(errors="replace")
    assert p.returncode == 1, "patchbayd exited %d on a %s config; stderr %r" % (
        p.returncode, case, err)
    assert ("patchbayd: %s: " % pbd.db) in err, repr(err)
    assert pbd.db_bytes() == content, "config file was modified"
    assert pbd.pbctl("version")[0] != 0, "a daemon answers although it refused to start"
    assert not [d for d in kernel_links() if d.startswith(netns.prefix)]


def test_config_path_is_a_directory(pbd, netns):
    os.mkdir(pbd.db)
    p = subprocess.run(pbd.argv(), capture_output=True, text=True, timeout=15)
    assert p.returncode == 1 and ("patchbayd: %s: " % pbd.db) in p.stderr, p.stderr
    assert os.path.isdir(pbd.db) and os.listdir(pbd.db) == []


BAD_DAEMON_OPTIONS = {
    "unknown-option": ["--frobnicate"],
    "bad-log-level": ["--log-level", "shouting"],
    "missing-value": ["--log-level"],
    "positional": ["extra"],
}


@pytest.mark.parametrize("case", sorted(BAD_DAEMON_OPTIONS))
def test_patchbayd_bad_options_exit_2(pbd, case):
    argv = pbd.argv() + BAD_DAEMON_OPTIONS[case]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("patchbayd %s kept running" % BAD_DAEMON_OPTIONS[case])
    assert p.returncode == 2, "exit %d, stderr %r" % (p.returncode, p.stderr)
    assert p.stderr.strip(), "no message"
    assert pbd.db_bytes() is None and not os.path.exists(pbd.socket)

