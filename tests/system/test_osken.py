# test_osken.py - Patchbay as the switch of a real OpenFlow 1.3 controller: os-ken
# (Debian python3-os-ken, osken-manager) running tests/system/osken_l2_app.py, an L2-learning
# app.  The bridge connects to the controller ("pbctl set-controller BR tcp:127.0.0.1:PORT"),
# the app installs a table-miss flow, learns from PACKET_INs and namespaces ping through the
# switch; then the controller is killed and the fail mode decides what still forwards
# (standalone: NORMAL; secure: only the installed flows).  Two controllers with master/slave
# roles: the slave's FLOW_MOD is refused with OFPBRC_IS_SLAVE.
# Names: the per-test prefix of the conftest 'netns' fixture (tests in this file: "pbosk").
import os
import signal
import socket
import subprocess

import pytest

from helpers import PYTHON, flows_view, free_port, ping, ping_count, require_tool, wait_for

OSKEN = "/usr/bin/osken-manager"
APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "osken_l2_app.py")
OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE = 1, 10


@pytest.fixture(autouse=True)
def _require_osken():
    require_tool(OSKEN, "osken-manager (Debian python3-os-ken)")


class Controller:
    """One osken-manager running the L2 app on 127.0.0.1:port."""

    def __init__(self, workdir, name, role=""):
        self.port = free_port()
        self.events_path = os.path.join(workdir, name + ".events")
        self.log_path = os.path.join(workdir, name + ".log")
        open(self.events_path, "w").close()
        env = dict(os.environ, PBOSK_EVENTS=self.events_path, PBOSK_ROLE=role)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [PYTHON, OSKEN, "--ofp-listen-host", "127.0.0.1",
                 "--ofp-tcp-listen-port", str(self.port), APP],
                stdout=log, stderr=subprocess.STDOUT, env=env)
        ok = wait_for(self._listening, 20)
        assert ok, "osken-manager does not listen on %d:\n%s" % (self.port, self.log())

    def _listening(self):
        assert self.proc.poll() is None, "osken-manager exited:\n" + self.log()
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", self.port))
        except OSError:
            return False
        finally:
            s.close()
        return True

    @property
    def target(self):
        return "tcp:127.0.0.1:%d" % self.port

    def events(self):
        with open(self.events_path) as f:
            return [ln.strip() for ln in f if ln.strip()]

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def wait_event(self, prefix, timeout=10):
        ok = wait_for(lambda: [e for e in self.events() if e.startswith(prefix)], timeout)
        assert ok, "controller never recorded %r; events %s\nlog:\n%s" % (
            prefix, self.events(), self.log())
        return ok

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def controllers(workdir):
    started = []

    def start(name, role=""):
        c = Controller(workdir, name, role)
        started.append(c)
        return c

    yield start
    for c in started:
        c.kill()


def connect(daemon, bridge, *ctls):
    daemon.pbctl_ok("set-controller", bridge, *[c.target for c in ctls])
    for c in ctls:
        c.wait_event("connected", 15)
    # the daemon's view agrees: every controller is shown connected
    ok = wait_for(lambda: daemon.pbctl_ok("get-controller", bridge).count("connected") >=
                  len(ctls) and "not connected" not in daemon.pbctl_ok("get-controller", bridge),
                  10)
    assert ok, daemon.pbctl_ok("get-controller", bridge)


def table_miss_installed(daemon, bridge):
    texts = [f[5] for f in flows_view(daemon, bridge)]
    return any(t.startswith("priority=0 ") and "CONTROLLER" in t for t in texts) and \
        not any("NORMAL" in t for t in texts)


def learned_flows(daemon, bridge):
    return [f[5] for f in flows_view(daemon, bridge) if f[1] == 1]


def learn_pair(daemon, bridge, ctl, a, b):
    assert wait_for(lambda: table_miss_installed(daemon, bridge), 10), \
        flows_view(daemon, bridge)
    ping(a.ns, b.ip, count=3)  # ARP and the first echo go through the controller
    assert ping_count(a.ns, b.ip, 5, interval=0.1) == 5
    flows = learned_flows(daemon, bridge)
    # a flow per direction, as the app installs them: in_port, dl_src, dl_dst -> output
    for src, dst in ((a, b), (b, a)):
        want = [f for f in flows if "dl_src=%s" % src.mac in f and "dl_dst=%s" % dst.mac in f
                and "in_port=%s" % src.port in f and "output:%s" % dst.port in f]
        assert want, "no learned flow %s -> %s in %s" % (src.mac, dst.mac, flows)
    assert [e for e in ctl.events() if e.startswith("packet_in")], ctl.events()


def set_fail_mode(daemon, bridge, mode):
    daemon.pbctl_ok("set", "bridge", bridge, "fail-mode=" + mode)


def test_l2_learning_then_standalone(daemon, bridge, three_hosts, controllers):
    h1, h2, h3 = three_hosts
    set_fail_mode(daemon, bridge, "standalone")
    ctl = controllers("c1")
    connect(daemon, bridge, ctl)
    learn_pair(daemon, bridge, ctl, h1, h2)
    n_pin = len([e for e in ctl.events() if e.startswith("packet_in")])
    # installed flows carry the learned pair: no more PACKET_INs for it
    assert ping_count(h1.ns, h2.ip, 5, interval=0.1) == 5
    assert len([e for e in ctl.events() if e.startswith("packet_in")]) <= n_pin + 1

    ctl.kill()
    assert wait_for(lambda: "not connected" in daemon.pbctl_ok("get-controller", bridge) or
                    "connected" not in daemon.pbctl_ok("get-controller", bridge), 10)
    # standalone: with no controller reachable the bridge forwards by NORMAL, also for a
    # pair the controller never saw
    ping(h1.ns, h3.ip, count=3)
    assert ping_count(h3.ns, h2.ip, 3) == 3
    assert ping_count(h1.ns, h2.ip, 3) == 3


def test_l2_learning_then_secure(daemon, bridge, three_hosts, controllers):
    h1, h2, h3 = three_hosts
    set_fail_mode(daemon, bridge, "secure")
    ctl = controllers("c1")
    connect(daemon, bridge, ctl)
    learn_pair(daemon, bridge, ctl, h1, h2)
    flows_before = flows_view(daemon, bridge)

    ctl.kill()
    assert wait_for(lambda: "not connected" in daemon.pbctl_ok("get-controller", bridge) or
                    "connected" not in daemon.pbctl_ok("get-controller", bridge), 10)
    # secure: the tables stay as the controller left them and decide alone
    assert flows_view(daemon, bridge) == flows_before
    assert ping_count(h1.ns, h2.ip, 3) == 3, "learned pair stopped forwarding"
    assert ping_count(h1.ns, h3.ip, 3) == 0, "secure mode forwarded a pair no flow allows"
    assert ping_count(h3.ns, h2.ip, 2) == 0


def test_master_and_slave(daemon, bridge, three_hosts, controllers):
    h1, h2, h3 = three_hosts
    master = controllers("master", role="master")
    slave = controllers("slave", role="slave")
    connect(daemon, bridge, master, slave)
    master.wait_event("role master")
    slave.wait_event("role slave")
    # the slave's FLOW_MOD is refused; its barrier still completes
    slave.wait_event("error")
    errors = [e for e in slave.events() if e.startswith("error")]
    assert errors == ["error %d %d" % (OFPET_BAD_REQUEST, OFPBRC_IS_SLAVE)], slave.events()
    slave.wait_event("barrier")
    assert not [f for f in flows_view(daemon, bridge) if f[1] == 333], flows_view(daemon, bridge)
    # the master programs the switch and alone receives the PACKET_INs
    learn_pair(daemon, bridge, master, h1, h2)
    assert not [e for e in slave.events() if e.startswith("packet_in")], slave.events()
    assert not [e for e in master.events() if e.startswith("error")], master.events()
