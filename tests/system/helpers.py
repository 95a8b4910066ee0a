# helpers.py - building blocks for the Patchbay system tests: locating the binaries, running
# pbctl, a patchbayd instance with private files, network namespaces with a per-test name
# prefix, packet capture inside a namespace, and raw frame injection.
import contextlib
import ipaddress
import json
import os
import select
import signal
import socket
import subprocess
import tempfile
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON = "/usr/bin/python3"  # Debian's interpreter: the one with scapy


def build_dir():
    d = os.environ.get("PB_BUILD", "build")
    return d if os.path.isabs(d) else os.path.join(REPO, d)


def patchbayd_bin():
    return os.path.join(build_dir(), "src", "daemon", "patchbayd")


def pbctl_bin():
    return os.path.join(build_dir(), "src", "cli", "pbctl")


def run(cmd, check=True, timeout=30, **kw):
    """Runs 'cmd' (a list), returns CompletedProcess with text output."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(
            "command failed (%d): %s\nstdout: %s\nstderr: %s"
            % (p.returncode, " ".join(cmd), p.stdout, p.stderr)
        )
    return p


def kernel_links(netns=None):
    """Names of the network devices in the root namespace (or 'netns')."""
    cmd = ["ip", "-j", "link", "show"]
    if netns:
        cmd = ["ip", "-n", netns, "-j", "link", "show"]
    return [link["ifname"] for link in json.loads(run(cmd).stdout or "[]")]


def link_info(ifname, netns=None):
    cmd = ["ip", "-j", "link", "show", "dev", ifname]
    if netns:
        cmd[1:1] = ["-n", netns]
    return json.loads(run(cmd).stdout)[0]


def link_mac(ifname, netns=None):
    return link_info(ifname, netns)["address"]


def _pick_subnet():
    """A /24 for the test namespaces that the root namespace does not use: a switch port is
    also a root-namespace device, and the host would answer ARP on it for its own addresses."""
    used = []
    for r in json.loads(run(["ip", "-j", "-4", "route", "show", "table", "all"]).stdout or "[]"):
        if r.get("dst") not in (None, "default"):
            used.append(ipaddress.ip_network(r["dst"], strict=False))
    for a in json.loads(run(["ip", "-j", "-4", "addr", "show"]).stdout or "[]"):
        for info in a.get("addr_info", []):
            used.append(ipaddress.ip_network(info["local"]))
    for cand in ("198.18.213.0/24", "10.213.37.0/24", "172.31.213.0/24", "198.19.37.0/24"):
        net = ipaddress.ip_network(cand)
        if not any(net.overlaps(u) for u in used if u.prefixlen > 0):
            return str(net.network_address).rsplit(".", 1)[0]
    raise AssertionError("no free IPv4 /24 for the test namespaces")


_SUBNET = None


def ip4(host):
    """Address 'host' (1..254) of the namespaces' /24."""
    global _SUBNET
    if _SUBNET is None:
        _SUBNET = _pick_subnet()
    return "%s.%d" % (_SUBNET, host)


def pid_alive(pid):
    """True while any thread of 'pid' has not finished exiting.  A detached daemon is not our
    child, so it may stay a zombie for a while: the process is gone for our purposes once
    every thread is a zombie (its files, e.g. the listening socket, are closed by then)."""
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except FileNotFoundError:
        return False
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                stat = f.read()
        except FileNotFoundError:
            continue
        if stat[stat.rindex(")") + 2] not in "ZX":
            return True
    return False


def wait_for(pred, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            return v
        time.sleep(interval)


class Daemon:
    """One patchbayd with its own --db/--socket/--pidfile/--log-file in a private directory."""

    def __init__(self, workdir):
        self.dir = workdir
        self.db = os.path.join(workdir, "conf.json")
        self.socket = os.path.join(workdir, "pb.sock")
        self.pidfile = os.path.join(workdir, "patchbayd.pid")
        self.log = os.path.join(workdir, "patchbayd.log")
        self.pid = None

    def argv(self):
        return [patchbayd_bin(), "--db", self.db, "--socket", self.socket,
                "--pidfile", self.pidfile, "--log-file", self.log]

    def start(self):
        p = run(self.argv() + ["--detach"], check=False, timeout=20)
        assert p.returncode == 0, "patchbayd --detach exited %d: %s\nlog:\n%s" % (
            p.returncode, p.stderr, self.log_text())
        assert wait_for(lambda: os.path.exists(self.pidfile), 10), "no pidfile"
        self.pid = wait_for(self._read_pid, 5)
        assert self.pid, "pidfile %s is empty" % self.pidfile
        ok = wait_for(lambda: self.pbctl("version")[0] == 0, 10)
        assert ok, "patchbayd does not answer on %s\nlog:\n%s" % (self.socket, self.log_text())

    def _read_pid(self):
        try:
            with open(self.pidfile) as f:
                return int(f.read().strip() or 0)
        except (OSError, ValueError):
            return 0

    def alive(self):
        return self.pid is not None and pid_alive(self.pid)

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Sends 'sig' and waits for the process to go away."""
        assert self.alive(), "patchbayd (pid %s) is not running\nlog:\n%s" % (
            self.pid, self.log_text())
        os.kill(self.pid, sig)
        gone = wait_for(lambda: not pid_alive(self.pid), timeout)
        assert gone, "patchbayd did not exit %ds after signal %d" % (timeout, sig)
        self.pid = None

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return "(no log)"

    def db_bytes(self):
        try:
            with open(self.db, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    # pbctl bound to this daemon's socket
    def pbctl(self, *args, timeout=20):
        p = subprocess.run([pbctl_bin(), "--socket", self.socket, *args],
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def pbctl_ok(self, *args):
        rc, out, err = self.pbctl(*args)
        assert rc == 0, "pbctl %s -> %d: %s" % (" ".join(args), rc, err.strip())
        assert err == "", "pbctl %s wrote to stderr: %r" % (" ".join(args), err)
        return out

    def pbctl_json(self, *args):
        rc, out, err = self.pbctl("-j", *args)
        assert rc == 0, "pbctl -j %s -> %d: %s" % (" ".join(args), rc, err.strip())
        try:
            return json.loads(out)
        except ValueError as e:
            raise AssertionError("pbctl -j %s printed invalid JSON (%s): %r" %
                                 (" ".join(args), e, out))


def config_view(show):
    """The configuration part of `pbctl -j show` (what must survive a restart)."""
    view = []
    for b in show["bridges"]:
        ports = [(p["name"], p["ofport"], p["type"], dict(p.get("options") or {}))
                 for p in b["ports"]]
        view.append((b["name"], b["datapath"], b["mac-aging"], b["mac-table-size"], ports))
    return view


def require_tool(path, what):
    """Skips the calling test if 'path' is not executable ('what' says which package has it),
    or fails it when CI is set."""
    if not os.access(path, os.X_OK):
        msg = "%s is not installed" % what
        if os.environ.get("CI"):
            pytest.fail(msg + " and CI is set")
        pytest.skip(msg)


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@contextlib.contextmanager
def netns_scope(prefix):
    """A Netns for names starting with 'prefix'; on exit everything named so is deleted and
    the cleanup must have worked."""
    ns = Netns(prefix)
    try:
        yield ns
    finally:
        errors = ns.cleanup()
        assert not errors, "cleanup failed: %s" % errors


class Netns:
    """Names and cleans up everything one test creates: namespaces and root-namespace
    devices all start with 'prefix'."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.created = []

    def name(self, suffix):
        n = self.prefix + suffix
        assert len(n) <= 15, n
        return n

    def add(self, suffix):
        ns = self.name(suffix)
        run(["ip", "netns", "add", ns])
        self.created.append(ns)
        # No IPv6: keeps the namespace silent so MAC tables hold only what a test sends.
        run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
             "net.ipv6.conf.default.disable_ipv6=1"])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
        return ns

    def cleanup(self):
        errors = []
        for ns in run(["ip", "netns", "list"]).stdout.split("\n"):
            ns = ns.split(" ")[0]
            if ns.startswith(self.prefix):
                p = run(["ip", "netns", "del", ns], check=False)
                if p.returncode:
                    errors.append(p.stderr)
        for dev in kernel_links():
            if dev.startswith(self.prefix):
                p = run(["ip", "link", "del", "dev", dev], check=False)
                if p.returncode and dev in kernel_links():
                    errors.append(p.stderr)
        return errors


def ns_exec(ns, *cmd, check=True, timeout=30):
    return run(["ip", "netns", "exec", ns, *cmd], check=check, timeout=timeout)


def ping(ns, addr, count=3, deadline=10, check=True, iface=None):
    """Pings from 'ns' (None = root namespace); needs 'count' replies within 'deadline' s."""
    cmd = ["ping", "-n", "-q", "-c", str(count), "-i", "0.2", "-w", str(deadline)]
    if iface:
        cmd += ["-I", iface]
    cmd.append(addr)
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    p = run(cmd, check=False, timeout=deadline + 10)
    if check:
        assert p.returncode == 0, "ping %s from %s failed:\n%s%s" % (addr, ns or "root ns",
                                                                     p.stdout, p.stderr)
    return p.returncode == 0


class Host:
    """A namespace attached to a bridge through a `type=veth` port."""

    def __init__(self, ns, port, ifname, ip):
        self.ns, self.port, self.ifname, self.ip = ns, port, ifname, ip
        self.mac = link_mac(ifname, ns)

    def ping(self, other, **kw):
        return ping(self.ns, other.ip if isinstance(other, Host) else other, **kw)


def attach_host(daemon, netns, bridge, idx, ip, prefixlen=24, ofport=None):
    """Creates namespace nIDX and port pIDX (peer pIDXn inside the namespace) on 'bridge'."""
    ns = netns.add("n%d" % idx)
    port, peer = netns.name("p%d" % idx), netns.name("p%dn" % idx)
    args = ["add-port", bridge, port, "type=veth", "peer=" + peer, "netns=" + ns]
    if ofport is not None:
        args.append("ofport=%d" % ofport)
    daemon.pbctl_ok(*args)
    assert peer in kernel_links(ns), "veth peer %s not in namespace %s" % (peer, ns)
    run(["ip", "-n", ns, "addr", "add", "%s/%d" % (ip, prefixlen), "dev", peer])
    run(["ip", "-n", ns, "link", "set", peer, "up"])
    # Carrier comes a moment after both ends are up; frames sent before are dropped.
    up = wait_for(lambda: link_info(peer, ns)["operstate"] == "UP", timeout=5)
    assert up, "%s in %s has no carrier: %s" % (peer, ns, link_info(peer, ns))
    return Host(ns, port, peer, ip)


class Capture:
    """tcpdump inside a namespace writing a pcap; stop() returns the frames (scapy)."""

    def __init__(self, ns, iface, workdir, bpf=None):
        fd, self.path = tempfile.mkstemp(suffix=".pcap", dir=workdir)
        os.close(fd)
        # --immediate-mode: no TPACKET_V3 block timeout, so nothing is lost at SIGINT.
        cmd = ["tcpdump", "-Z", "root", "--immediate-mode", "-U", "-n", "-i", iface,
               "-w", self.path]
        if bpf:
            cmd += bpf.split()
        if ns:
            cmd = ["ip", "netns", "exec", ns] + cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        # tcpdump says "listening on IFACE" once its socket is bound.
        deadline = time.monotonic() + 10
        seen = ""
        while "listening on" not in seen:
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.proc.stderr], [], [], max(left, 0))
            if not r:
                self.proc.kill()
                raise AssertionError("tcpdump did not start: %r" % seen)
            line = self.proc.stderr.readline()
            if not line:
                raise AssertionError("tcpdump exited: %r" % seen)
            seen += line

    def stop(self):
        from scapy.utils import rdpcap

        time.sleep(0.3)  # let in-flight frames land
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return list(rdpcap(self.path))


_SEND_CODE = r"""
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for h in sys.argv[2:]:
    s.send(bytes.fromhex(h))
"""


def send_frames(ns, iface, frames):
    """Transmits raw Ethernet frames (bytes or scapy packets) on 'iface' inside 'ns'."""
    hexes = [bytes(f).hex() for f in frames]
    ns_exec(ns, PYTHON, "-c", _SEND_CODE, iface, *hexes)


def ping_count(ns, addr, count, interval=0.2, wait=1):
    """Sends exactly 'count' echo requests from 'ns' (no retries, unlike ping()) and returns
    how many replies came back, each within 'wait' seconds."""
    cmd = ["ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", str(count), "-i", str(interval),
           "-W", str(wait), addr]
    p = run(cmd, check=False, timeout=count * interval + wait + 10)
    for line in p.stdout.splitlines():
        if " received" in line:  # "3 packets transmitted, 2 received, ..."
            return int(line.split(",")[1].split()[0])
    raise AssertionError("unexpected ping output: %r %r" % (p.stdout, p.stderr))


_PEER_SERVER = r"""
import socket, sys
proto, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
if proto == "tcp":
    s.listen(1)
print("ready", flush=True)
s.settimeout(float(sys.argv[4]))
try:
    if proto == "tcp":
        c, _ = s.accept()
        c.settimeout(float(sys.argv[4]))
        c.sendall(c.recv(100).upper())
        c.close()
    else:
        data, peer = s.recvfrom(100)
        s.sendto(data.upper(), peer)
except socket.timeout:
    print("timeout", flush=True)
"""

_PEER_CLIENT = r"""
import socket, sys
proto, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.settimeout(float(sys.argv[4]))
try:
    s.connect((addr, port))
    s.send(b"patchbay")
    print(s.recv(100).decode(), flush=True)
except (socket.timeout, OSError) as e:
    print("error", e, flush=True)
"""


def sock_echo(client, server, proto="tcp", port=5201, timeout=2.0, addr=None, server_port=None):
    """A real TCP connection (or UDP exchange) through the kernel stacks of two Hosts: the
    client sends a word to 'addr':'port' (default: the server's address), the server listens
    on its own address and 'server_port' (default 'port') and answers in upper case.  True if
    the answer came back within 'timeout' seconds."""
    srv = subprocess.Popen(["ip", "netns", "exec", server.ns, PYTHON, "-c", _PEER_SERVER, proto,
                            server.ip, str(server_port or port), str(timeout + 1)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = srv.stdout.readline()
        assert line.strip() == "ready", "echo server failed: %r %r" % (line, srv.stderr.read())
        p = ns_exec(client.ns, PYTHON, "-c", _PEER_CLIENT, proto, addr or server.ip, str(port),
                    str(timeout), timeout=timeout + 10)
        return p.stdout.strip() == "PATCHBAY"
    finally:
        srv.kill()
        srv.wait()


def flows_view(daemon, bridge, match=None):
    """dump-flows without the fields that change by themselves (duration, counters)."""
    args = ["dump-flows", bridge] + ([match] if match else [])
    return [(f["table"], f["priority"], f["cookie"], f["idle_timeout"], f["hard_timeout"],
             f["text"]) for f in daemon.pbctl_json(*args)["flows"]]


def udp_frame(src, dst_mac, dst_ip, dport, payload, size=None, sport=4000, ttl=64):
    """An Ethernet/IPv4/UDP frame (scapy) from Host 'src'; padded with zeros to 'size' bytes."""
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether

    f = Ether(src=src.mac, dst=dst_mac) / IP(src=src.ip, dst=dst_ip, ttl=ttl) / \
        UDP(sport=sport, dport=dport) / payload
    if size is not None:
        assert len(f) <= size
        f = f / (b"\0" * (size - len(f)))
    return f


def tagged(frames, tag):
    """The captured frames whose UDP payload starts with 'tag'."""
    from scapy.layers.inet import UDP

    return [f for f in frames if UDP in f and bytes(f[UDP].payload).startswith(tag)]
