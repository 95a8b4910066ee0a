# test_ofp_conn.py - the OpenFlow agent's connections, driven by raw Python clients that speak
# OpenFlow 1.3 bytes (built and parsed with os-ken's ofproto_v1_3_parser, or struct.pack for
# malformed ones): HELLO negotiation, ECHO, FEATURES, GET/SET_CONFIG, roles with generation
# ids, async config filtering, an active connection to a Python controller with reconnect
# backoff, fail-mode standalone vs secure, malformed messages, the pbctl commands
# (set-controller, get-controller, del-controller), ofp-listen errors and persistence.
# Names: the per-test prefix of the conftest "netns" fixture (namespaces, ports, bridges);
# TCP ports are ephemeral ones the kernel picks (ptcp:0), Unix sockets live in the workdir.
import json
import os
import socket
import struct
import time

import pytest

from helpers import attach_host, ip4, ping_count, wait_for

from os_ken.ofproto import ofproto_parser
from os_ken.ofproto import ofproto_v1_3 as ofp
from os_ken.ofproto import ofproto_v1_3_parser as parser


class _DP:
    """What os-ken's message classes need to serialize and parse."""
    ofproto = ofp
    ofproto_parser = parser


DP = _DP()


def hello_bytes(version=4, bitmap=(1 << 4), xid=1):
    if bitmap is None:
        return struct.pack("!BBHI", version, 0, 8, xid)
    return struct.pack("!BBHIHHI", version, 0, 16, xid, 1, 8, bitmap)


class OFClient:
    """One OpenFlow connection to the switch (a socket we accepted or connected)."""

    def __init__(self, sock, hello=True):
        self.s = sock
        self.s.settimeout(5)
        self.buf = b""
        self.xid = 1000
        self.pending = []  # asynchronous messages recv() stepped over
        if hello:
            v, t, _, body = self.recv_raw()
            assert (v, t) == (4, 0), "expected the switch's HELLO, got %r" % ((v, t),)
            # The switch offers exactly OpenFlow 1.3 in a version bitmap.
            assert body[8:16] == struct.pack("!HHI", 1, 8, 1 << 4), body.hex()
            self.send_raw(hello_bytes())

    @classmethod
    def connect(cls, port, **kw):
        return cls(socket.create_connection(("127.0.0.1", port), timeout=5), **kw)

    def close(self):
        self.s.close()

    def send_raw(self, data):
        self.s.sendall(data)

    def send(self, msg):
        self.xid += 1
        msg.xid = self.xid
        msg.serialize()
        self.send_raw(bytes(msg.buf))
        return self.xid

    def recv_raw(self, timeout=5):
        """(version, type, xid, whole message bytes); raises on timeout/EOF."""
        self.s.settimeout(timeout)
        while True:
            if len(self.buf) >= 8:
                v, t, length, xid = struct.unpack("!BBHI", self.buf[:8])
                if len(self.buf) >= length:
                    m, self.buf = self.buf[:length], self.buf[length:]
                    return v, t, xid, m
            data = self.s.recv(65536)
            if not data:
                raise EOFError("connection closed by the switch")
            self.buf += data

    def recv(self, timeout=5, skip_async=True):
        """The next parsed message, answering ECHO_REQUESTs and (optionally) skipping
        asynchronous messages."""
        while True:
            v, t, xid, m = self.recv_raw(timeout)
            if t == ofp.OFPT_ECHO_REQUEST:
                self.send_raw(struct.pack("!BBHI", 4, ofp.OFPT_ECHO_REPLY, 8, xid))
                continue
            if skip_async and t in (ofp.OFPT_PACKET_IN, ofp.OFPT_FLOW_REMOVED,
                                    ofp.OFPT_PORT_STATUS):
                self.pending.append(ofproto_parser.msg(DP, v, t, len(m), xid, m))
                continue
            return ofproto_parser.msg(DP, v, t, len(m), xid, m)

    def request(self, msg, timeout=5):
        xid = self.send(msg)
        reply = self.recv(timeout)
        assert reply.xid == xid, "reply %r to xid %d" % (reply, xid)
        return reply

    def barrier(self):
        """Sends a BARRIER_REQUEST; returns the ERRORs received before its reply."""
        xid = self.send(parser.OFPBarrierRequest(DP))
        errors = []
        while True:
            m = self.recv()
            if isinstance(m, parser.OFPErrorMsg):
                errors.append(m)
            elif isinstance(m, parser.OFPBarrierReply) and m.xid == xid:
                return errors

    def expect_error(self, data, etype, code, timeout=5):
        self.send_raw(data)
        m = self.recv(timeout)
        assert isinstance(m, parser.OFPErrorMsg), "expected an ERROR, got %r" % m
        assert (m.type, m.code) == (etype, code), "ERROR %d/%d, expected %d/%d" % (
            m.type, m.code, etype, code)
        return m

    def async_msgs(self, seconds):
        """Every asynchronous message received within 'seconds' (types and messages)."""
        got, self.pending = self.pending, []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                v, t, xid, m = self.recv_raw(max(deadline - time.monotonic(), 0.01))
            except socket.timeout:
                break
            if t == ofp.OFPT_ECHO_REQUEST:
                self.send_raw(struct.pack("!BBHI", 4, ofp.OFPT_ECHO_REPLY, 8, xid))
                continue
            got.append(ofproto_parser.msg(DP, v, t, len(m), xid, m))
        return got


def controllers(daemon, bridge):
    return daemon.pbctl_json("get-controller", bridge)


def listen(daemon, bridge, spec="ptcp:0:127.0.0.1"):
    """Sets the bridge's listener and returns the TCP port it got."""
    daemon.pbctl_ok("set", "bridge", bridge, "ofp-listen=" + spec)
    for c in controllers(daemon, bridge)["connections"]:
        if c["kind"] == "listener":
            return int(c["bound"].split(":")[1])
    raise AssertionError("no listener in get-controller")


@pytest.fixture
def port(daemon, bridge):
    return listen(daemon, bridge)


def flow_mod(**kw):
    args = dict(command=ofp.OFPFC_ADD, priority=100, match=parser.OFPMatch(), instructions=[])
    args.update(kw)
    return parser.OFPFlowMod(DP, **args)


def out_actions(port_no):
    return [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS,
                                         [parser.OFPActionOutput(port_no)])]


# ---- hello, echo, features, config -------------------------------------------------------


def test_hello_features_echo(daemon, bridge, port):
    c = OFClient.connect(port)
    f = c.request(parser.OFPFeaturesRequest(DP))
    assert isinstance(f, parser.OFPSwitchFeatures)
    assert f.n_tables == 64 and f.n_buffers == 0
    dpid = controllers(daemon, bridge)["datapath-id"]
    assert f.datapath_id == int(dpid, 16)
    e = c.request(parser.OFPEchoRequest(DP, data=b"patchbay"))
    assert isinstance(e, parser.OFPEchoReply) and e.data == b"patchbay"
    # The accepted connection shows in get-controller.
    conns = [x for x in controllers(daemon, bridge)["connections"] if x["kind"] == "connection"]
    assert len(conns) == 1 and conns[0]["state"] == "connected" and conns[0]["role"] == "equal"
    assert conns[0]["version"] == 4


def test_hello_versions(daemon, bridge, port):
    # A newer peer that offers 1.0, 1.3 and 1.5 in its bitmap gets 1.3.
    c = OFClient(socket.create_connection(("127.0.0.1", port)), hello=False)
    c.recv_raw()
    c.send_raw(hello_bytes(version=6, bitmap=(1 << 1) | (1 << 4) | (1 << 6)))
    assert isinstance(c.request(parser.OFPBarrierRequest(DP)), parser.OFPBarrierReply)
    # A header-only HELLO of a newer version negotiates down to 1.3 too.
    c = OFClient(socket.create_connection(("127.0.0.1", port)), hello=False)
    c.recv_raw()
    c.send_raw(hello_bytes(version=5, bitmap=None))
    assert isinstance(c.request(parser.OFPBarrierRequest(DP)), parser.OFPBarrierReply)


@pytest.mark.parametrize("hello", [hello_bytes(version=1, bitmap=None),
                                   hello_bytes(version=4, bitmap=(1 << 1) | (1 << 2))])
def test_hello_incompatible(daemon, bridge, port, hello):
    c = OFClient(socket.create_connection(("127.0.0.1", port)), hello=False)
    c.recv_raw()
    c.send_raw(hello)
    v, t, xid, m = c.recv_raw()
    assert t == ofp.OFPT_ERROR
    etype, code = struct.unpack("!HH", m[8:12])
    assert (etype, code) == (ofp.OFPET_HELLO_FAILED, ofp.OFPHFC_INCOMPATIBLE)
    assert b"1.3" in m[12:], m[12:]  # the text says what we speak
    with pytest.raises((EOFError, ConnectionResetError)):
        c.recv_raw()
    assert daemon.alive()


def test_get_set_config(daemon, bridge, port):
    c = OFClient.connect(port)
    cfg = c.request(parser.OFPGetConfigRequest(DP))
    # A connection accepted by a listener starts with miss_send_len 0 (no async messages).
    assert (cfg.flags, cfg.miss_send_len) == (0, 0)
    c.send(parser.OFPSetConfig(DP, ofp.OFPC_FRAG_DROP, 200))
    cfg = c.request(parser.OFPGetConfigRequest(DP))
    assert (cfg.flags, cfg.miss_send_len) == (ofp.OFPC_FRAG_DROP, 200)
    # REASM is not supported.
    bad = struct.pack("!BBHIHH", 4, ofp.OFPT_SET_CONFIG, 12, 7, ofp.OFPC_FRAG_REASM, 128)
    c.expect_error(bad, ofp.OFPET_SWITCH_CONFIG_FAILED, ofp.OFPSCFC_BAD_FLAGS)
    cfg = c.request(parser.OFPGetConfigRequest(DP))
    assert (cfg.flags, cfg.miss_send_len) == (ofp.OFPC_FRAG_DROP, 200)


# ---- roles ----------------------------------------------------------------------------------


def role(c, r, gen=0):
    return c.request(parser.OFPRoleRequest(DP, r, gen))


def test_roles_and_slave_refused(daemon, bridge, port):
    a, b = OFClient.connect(port), OFClient.connect(port)
    r = role(a, ofp.OFPCR_ROLE_MASTER, 10)
    assert (r.role, r.generation_id) == (ofp.OFPCR_ROLE_MASTER, 10)
    r = role(b, ofp.OFPCR_ROLE_MASTER, 11)
    assert (r.role, r.generation_id) == (ofp.OFPCR_ROLE_MASTER, 11)
    # One master: A was demoted.
    r = role(a, ofp.OFPCR_ROLE_NOCHANGE)
    assert (r.role, r.generation_id) == (ofp.OFPCR_ROLE_SLAVE, 11)
    roles = sorted(x["role"] for x in controllers(daemon, bridge)["connections"]
                   if x["kind"] == "connection")
    assert roles == ["master", "slave"]
    # A stale generation id is refused and changes nothing.
    xid = a.send(parser.OFPRoleRequest(DP, ofp.OFPCR_ROLE_MASTER, 5))
    m = a.recv()
    assert isinstance(m, parser.OFPErrorMsg) and m.xid == xid
    assert (m.type, m.code) == (ofp.OFPET_ROLE_REQUEST_FAILED, ofp.OFPRRFC_STALE)
    assert role(a, ofp.OFPCR_ROLE_NOCHANGE).role == ofp.OFPCR_ROLE_SLAVE
    # A slave may not change the tables; the master may.
    a.send(flow_mod(priority=7, match=parser.OFPMatch(eth_type=0x800), instructions=[]))
    errs = a.barrier()
    assert [(e.type, e.code) for e in errs] == [(ofp.OFPET_BAD_REQUEST, ofp.OFPBRC_IS_SLAVE)]
    b.send(flow_mod(priority=8, match=parser.OFPMatch(eth_type=0x800), instructions=[]))
    assert b.barrier() == []
    texts = [f["text"] for f in daemon.pbctl_json("dump-flows", bridge)["flows"]]
    assert any(t.startswith("priority=8,ip") for t in texts), texts
    assert not any(t.startswith("priority=7") for t in texts), texts
    # Wrapping generation ids compare by signed difference; EQUAL needs none.
    assert role(a, ofp.OFPCR_ROLE_EQUAL).role == ofp.OFPCR_ROLE_EQUAL
    bad = struct.pack("!BBHII4xQ", 4, ofp.OFPT_ROLE_REQUEST, 24, 9, 7, 0)
    a.expect_error(bad, ofp.OFPET_ROLE_REQUEST_FAILED, ofp.OFPRRFC_BAD_ROLE)


# ---- async config ---------------------------------------------------------------------------


def flow_removed_cycle(c, cookie):
    """Adds a flow with SEND_FLOW_REM and deletes it; returns the FLOW_REMOVEDs seen."""
    match = parser.OFPMatch(eth_type=0x800, ipv4_dst="192.0.2.%d" % cookie)
    c.send(flow_mod(cookie=cookie, priority=50, match=match, instructions=[],
                    flags=ofp.OFPFF_SEND_FLOW_REM))
    c.send(flow_mod(command=ofp.OFPFC_DELETE_STRICT, priority=50, match=match,
                    table_id=0, out_port=ofp.OFPP_ANY, out_group=ofp.OFPG_ANY))
    assert c.barrier() == []
    return [m for m in c.async_msgs(0.5) if isinstance(m, parser.OFPFlowRemoved)]


def test_async_config(daemon, bridge, port):
    c = OFClient.connect(port)
    # A listener's connection gets nothing asynchronous until miss_send_len is set.
    assert flow_removed_cycle(c, 1) == []
    c.send(parser.OFPSetConfig(DP, 0, 128))
    frs = flow_removed_cycle(c, 2)
    assert [(f.cookie, f.reason) for f in frs] == [(2, ofp.OFPRR_DELETE)]
    # The spec's defaults, then a mask without DELETE.
    a = c.request(parser.OFPGetAsyncRequest(DP))
    assert a.packet_in_mask == [3, 0] and a.port_status_mask == [7, 7]
    assert a.flow_removed_mask == [15, 0]
    c.send(parser.OFPSetAsync(DP, [3, 0], [7, 7], [0x1 | 0x2, 0]))
    assert c.request(parser.OFPGetAsyncRequest(DP)).flow_removed_mask == [3, 0]
    assert flow_removed_cycle(c, 3) == []
    # Slaves get no FLOW_REMOVED by default (mask [1] is 0) but PORT_STATUS.
    c.send(parser.OFPSetAsync(DP, [3, 0], [7, 7], [15, 0]))
    assert role(c, ofp.OFPCR_ROLE_SLAVE, 1).role == ofp.OFPCR_ROLE_SLAVE
    d = OFClient.connect(port)
    assert role(d, ofp.OFPCR_ROLE_MASTER, 2).role == ofp.OFPCR_ROLE_MASTER
    d.send(parser.OFPSetConfig(DP, 0, 128))
    assert len(flow_removed_cycle(d, 4)) == 1
    assert [m for m in c.async_msgs(0.3) if isinstance(m, parser.OFPFlowRemoved)] == []


def test_port_status(daemon, netns, bridge, port):
    c = OFClient.connect(port)
    c.send(parser.OFPSetConfig(DP, 0, 128))
    c.barrier()
    name = netns.name("i1")
    daemon.pbctl_ok("add-port", bridge, name, "type=internal", "ofport=5")
    msgs = [m for m in c.async_msgs(1.0) if isinstance(m, parser.OFPPortStatus)]
    assert msgs and msgs[0].reason == ofp.OFPPR_ADD and msgs[0].desc.port_no == 5
    assert msgs[0].desc.name.rstrip(b"\0").decode() == name


# ---- malformed messages -------------------------------------------------------------------


def test_malformed_messages(daemon, bridge, port):
    before = daemon.db_bytes()
    c = OFClient.connect(port)
    # Wrong version after negotiation: BAD_VERSION, the connection stays.
    c.expect_error(struct.pack("!BBHI", 1, ofp.OFPT_FEATURES_REQUEST, 8, 3),
                   ofp.OFPET_BAD_REQUEST, ofp.OFPBRC_BAD_VERSION)
    # Unknown type, EXPERIMENTER, a FEATURES_REQUEST with a body, a truncated FLOW_MOD.
    c.expect_error(struct.pack("!BBHI", 4, 99, 8, 4), ofp.OFPET_BAD_REQUEST,
                   ofp.OFPBRC_BAD_TYPE)
    c.expect_error(struct.pack("!BBHIII", 4, ofp.OFPT_EXPERIMENTER, 16, 5, 0x2320, 1),
                   ofp.OFPET_BAD_REQUEST, ofp.OFPBRC_BAD_EXPERIMENTER)
    c.expect_error(struct.pack("!BBHII", 4, ofp.OFPT_FEATURES_REQUEST, 12, 6, 0),
                   ofp.OFPET_BAD_REQUEST, ofp.OFPBRC_BAD_LEN)
    c.expect_error(struct.pack("!BBHI12x", 4, ofp.OFPT_FLOW_MOD, 20, 7),
                   ofp.OFPET_BAD_REQUEST, ofp.OFPBRC_BAD_LEN)
    # A message only switches send.
    c.expect_error(struct.pack("!BBHI", 4, ofp.OFPT_BARRIER_REPLY, 8, 8),
                   ofp.OFPET_BAD_REQUEST, ofp.OFPBRC_BAD_TYPE)
    assert isinstance(c.request(parser.OFPEchoRequest(DP, data=b"x")), parser.OFPEchoReply)
    # A length below the header: BAD_LEN, then the switch closes (no resync possible).
    c.send_raw(struct.pack("!BBHI", 4, ofp.OFPT_FLOW_MOD, 4, 9))
    v, t, xid, m = c.recv_raw()
    assert t == ofp.OFPT_ERROR and struct.unpack("!HH", m[8:12]) == (
        ofp.OFPET_BAD_REQUEST, ofp.OFPBRC_BAD_LEN)
    with pytest.raises((EOFError, ConnectionResetError)):
        c.recv_raw()
    # Garbage instead of HELLO.
    g = OFClient(socket.create_connection(("127.0.0.1", port)), hello=False)
    g.send_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(200))
    with pytest.raises((EOFError, ConnectionResetError)):
        for _ in range(10):
            g.recv_raw()
    # Nothing changed and the daemon still answers.
    assert daemon.alive()
    assert daemon.db_bytes() == before
    c2 = OFClient.connect(port)
    assert isinstance(c2.request(parser.OFPBarrierRequest(DP)), parser.OFPBarrierReply)
    daemon.pbctl_ok("show")


# ---- active connections -----------------------------------------------------------------


def tcp_listener():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    s.settimeout(15)
    return s, s.getsockname()[1]


def test_active_controller_backoff(daemon, bridge):
    srv, cport = tcp_listener()
    target = "tcp:127.0.0.1:%d" % cport
    daemon.pbctl_ok("set-controller", bridge, target)
    # Accept and close at once (no HELLO) three times: the waits grow 1 s, 2 s, 4 s.
    times = []
    for _ in range(4):
        conn, _ = srv.accept()
        times.append(time.monotonic())
        conn.close()
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert 0.7 < gaps[0] < 1.8, gaps
    assert gaps[1] > gaps[0] * 1.5 and gaps[2] > gaps[1] * 1.5, gaps
    st = [x for x in controllers(daemon, bridge)["connections"] if x["kind"] == "controller"]
    assert st[0]["target"] == target
    assert st[0]["state"] in ("backoff", "connecting")
    # A real HELLO exchange: connected, role equal, and the backoff starts over.
    conn, _ = srv.accept()
    c = OFClient(conn)
    assert isinstance(c.request(parser.OFPFeaturesRequest(DP)), parser.OFPSwitchFeatures)
    st = controllers(daemon, bridge)["connections"]
    assert [(x["kind"], x["state"], x["role"]) for x in st] == [
        ("controller", "connected", "equal")]
    # Controllers get PORT_STATUS etc. by default (miss_send_len 128).
    cfg = c.request(parser.OFPGetConfigRequest(DP))
    assert cfg.miss_send_len == 128
    c.close()
    conn, _ = srv.accept()  # reconnects about 1 s later
    conn.close()
    srv.close()
    daemon.pbctl_ok("del-controller", bridge)
    assert controllers(daemon, bridge)["connections"] == []


def test_fail_mode(daemon, netns, bridge):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    srv, cport = tcp_listener()
    daemon.pbctl_ok("set-controller", bridge, "tcp:127.0.0.1:%d" % cport)
    conn, _ = srv.accept()
    c = OFClient(conn)
    # The controller empties the tables: nothing forwards while it is connected.
    c.send(flow_mod(command=ofp.OFPFC_DELETE, table_id=ofp.OFPTT_ALL, out_port=ofp.OFPP_ANY,
                    out_group=ofp.OFPG_ANY))
    assert c.barrier() == []
    assert ping_count(h1.ns, h2.ip, 2) == 0
    # Standalone: once the controller is gone the bridge forwards by NORMAL.
    c.close()
    srv.close()
    assert wait_for(lambda: controllers(daemon, bridge)["connections"][0]["state"]
                    != "connected", 5)
    assert ping_count(h1.ns, h2.ip, 3) >= 2
    # Secure: only installed flows (none) forward.
    daemon.pbctl_ok("set", "bridge", bridge, "fail-mode=secure")
    assert controllers(daemon, bridge)["fail-mode"] == "secure"
    assert ping_count(h1.ns, h2.ip, 2) == 0
    daemon.pbctl_ok("add-flow", bridge, "priority=1,actions=NORMAL")
    assert ping_count(h1.ns, h2.ip, 3) >= 2


# ---- pbctl, config, persistence ----------------------------------------------------------


def test_pbctl_controller_commands(daemon, bridge):
    daemon.pbctl_ok("set-controller", bridge, "tcp:127.0.0.1:1", "unix:/nonexistent/pbofc.sock")
    out = daemon.pbctl_ok("get-controller", bridge)
    assert "controller tcp:127.0.0.1:1:" in out and "controller unix:/nonexistent/pbofc.sock" in out
    assert "fail-mode: standalone" in out
    j = controllers(daemon, bridge)
    assert j["controllers"] == ["tcp:127.0.0.1:1", "unix:/nonexistent/pbofc.sock"]
    assert all(x["state"] in ("backoff", "connecting") for x in j["connections"])
    assert wait_for(lambda: all(x["last_error"] for x in controllers(daemon, bridge)
                                ["connections"]), 5)
    doc = json.loads(daemon.db_bytes())
    assert doc["bridges"][0]["controllers"] == j["controllers"]
    # Bad targets: clear errors, nothing changes.
    before = daemon.db_bytes()
    for bad, msg in (("tcp:localhost:6653", "is not an IP address"),
                     ("ptcp:6653", "passive target is not allowed"),
                     ("udp:1.2.3.4", "unknown connection method"),
                     ("tcp:1.2.3.4:70000", "is not a port number")):
        rc, out, err = daemon.pbctl("set-controller", bridge, bad)
        assert rc == 1 and msg in err, (bad, err)
    rc, out, err = daemon.pbctl("set-controller", bridge, "tcp:1.2.3.4", "tcp:1.2.3.4:6653")
    assert rc == 1 and "given twice" in err
    rc, out, err = daemon.pbctl("set-controller", bridge)
    assert rc == 2
    assert daemon.db_bytes() == before
    # Restart: controllers, fail mode and datapath id come back.
    daemon.pbctl_ok("set", "bridge", bridge, "fail-mode=secure", "datapath-id=0xabc")
    daemon.stop()
    daemon.start()
    j = controllers(daemon, bridge)
    assert j["controllers"] == ["tcp:127.0.0.1:1", "unix:/nonexistent/pbofc.sock"]
    assert j["fail-mode"] == "secure" and j["datapath-id"] == "0000000000000abc"
    daemon.pbctl_ok("del-controller", bridge)
    assert controllers(daemon, bridge)["controllers"] == []
    assert "controllers" not in json.loads(daemon.db_bytes())["bridges"][0]


def test_ofp_listen_errors(daemon, netns, bridge):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    busy_port = busy.getsockname()[1]
    before = daemon.db_bytes()
    rc, out, err = daemon.pbctl("set", "bridge", bridge,
                                "ofp-listen=ptcp:%d:127.0.0.1" % busy_port)
    assert rc == 1 and "port %d is already in use" % busy_port in err, err
    for bad, msg in (("ofp-listen=tcp:1.2.3.4", "active target is not allowed"),
                     ("ofp-listen=ptcp:x", "is not a port number"),
                     ("ofp-listen=punix:rel", "must be absolute"),
                     ("fail-mode=open", "expected standalone or secure"),
                     ("datapath-id=xyz", "hex digits")):
        rc, out, err = daemon.pbctl("set", "bridge", bridge, bad)
        assert rc == 1 and msg in err, (bad, err)
    assert daemon.db_bytes() == before
    busy.close()
    # Two listeners; a second bridge cannot take the same port.
    port = listen(daemon, bridge, "ptcp:0:127.0.0.1")
    sock = os.path.join(daemon.dir, "of.sock")
    daemon.pbctl_ok("set", "bridge", bridge,
                    "ofp-listen=ptcp:%d:127.0.0.1,punix:%s" % (port, sock))
    OFClient.connect(port).request(parser.OFPBarrierRequest(DP))
    u = socket.socket(socket.AF_UNIX)
    u.connect(sock)
    OFClient(u).request(parser.OFPBarrierRequest(DP))
    br2 = netns.name("br2")
    daemon.pbctl_ok("add-br", br2)
    rc, out, err = daemon.pbctl("set", "bridge", br2, "ofp-listen=ptcp:%d:127.0.0.1" % port)
    assert rc == 1 and "already in use" in err
    daemon.pbctl_ok("set", "bridge", bridge, "ofp-listen=")
    assert not os.path.exists(sock)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2)


def test_openflow_changes_persist(daemon, bridge, port):
    c = OFClient.connect(port)
    c.send(flow_mod(priority=321, match=parser.OFPMatch(eth_type=0x800, ipv4_dst="10.9.9.9"),
                    instructions=out_actions(1)))
    assert c.barrier() == []
    # Saved by the daemon's timer within about a second, not per message.
    assert wait_for(lambda: b"priority=321" in (daemon.db_bytes() or b""), 5)
    daemon.pbctl_ok("add-group", bridge, "group_id=7,type=all,bucket=actions=output:1")
    daemon.pbctl_ok("add-meter", bridge, "meter=3,kbps,bands=type=drop,rate=1000")
    doc = json.loads(daemon.db_bytes())["bridges"][0]
    assert len(doc["groups"]) == 1 and "group_id=7" in doc["groups"][0]
    assert len(doc["meters"]) == 1 and doc["meters"][0].startswith("meter=3,kbps")
    daemon.stop()
    daemon.start()
    texts = [f["text"] for f in daemon.pbctl_json("dump-flows", bridge)["flows"]]
    assert any("priority=321" in t for t in texts), texts
    assert [g["group_id"] for g in daemon.pbctl_json("dump-groups", bridge)["groups"]] == [7]
    assert [m["meter_id"] for m in daemon.pbctl_json("dump-meters", bridge)["meters"]] == [3]
    daemon.pbctl_ok("del-groups", bridge)
    daemon.pbctl_ok("del-meters", bridge)
    doc = json.loads(daemon.db_bytes())["bridges"][0]
    assert "groups" not in doc and "meters" not in doc
