# test_capture.py - `pbctl capture`: ping traffic between two namespaces on a bridge captured
# to pcapng/pcap and checked with tshark and tcpdump (interfaces per port, directions, exact
# counts, snaplen, stdout streaming, filters, duration, Ctrl-C, loss reported, bad arguments).
# Names: namespaces and devices start with "pbcap" (see the netns fixture below).
import itertools
import os
import re
import shutil
import signal
import struct
import subprocess
import time

import pytest

import helpers
from helpers import attach_host, ip4, run

_counter = itertools.count()


@pytest.fixture
def netns():
    """As conftest's, with this file's prefix: pbcap + 2 chars of pid + counter + '-'."""
    b36 = "0123456789abcdefghijklmnopqrstuvwxyz"
    pid = os.getpid() % (36 * 36)
    prefix = "pbcap%s%s%s-" % (b36[pid // 36], b36[pid % 36], b36[next(_counter) % 36])
    with helpers.netns_scope(prefix) as ns:
        yield ns


@pytest.fixture(autouse=True)
def _tools():
    for tool in ("tshark", "tcpdump"):
        if not shutil.which(tool):
            pytest.fail("%s is not installed (scripts/deps.sh)" % tool)


@pytest.fixture
def hosts(daemon, netns, bridge):
    """Two namespaces on 'bridge' with static neighbours (no ARP during a capture) and
    MACs already learned (no flooding): one ping is exactly four frames on the bridge."""
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    for a, b in ((h1, h2), (h2, h1)):
        run(["ip", "-n", a.ns, "neigh", "replace", b.ip, "lladdr", b.mac, "dev", a.ifname,
             "nud", "permanent"])
    h1.ping(h2, count=2)
    return h1, h2


class CaptureProc:
    """A running `pbctl capture`; start() returns once the tap is in place."""

    def __init__(self, daemon, *args, stdout=subprocess.DEVNULL):
        self.proc = subprocess.Popen([helpers.pbctl_bin(), "--socket", daemon.socket,
                                      "capture", *args], stdout=stdout,
                                     stderr=subprocess.PIPE, text=True)
        self.err = ""
        line = self.proc.stderr.readline()
        self.err += line
        assert "capturing on" in line, "pbctl capture did not start: %r %r" % (
            line, self.proc.stderr.read() if self.proc.poll() is not None else "")

    def wait(self, timeout=15):
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise AssertionError("pbctl capture did not finish in %ds: %r" % (timeout, self.err))
        self.err += err
        return self.proc.returncode

    def summary(self):
        m = re.search(r"capture on \S+ ended \((.*?)\): (\d+) packets captured, (\d+) lost in "
                      r"the datapath ring, (\d+) lost in the daemon", self.err)
        assert m, "no end-of-capture summary: %r" % self.err
        return m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))


def tshark(path, *fields, extra=()):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=|"]
    for f in fields:
        cmd += ["-e", f]
    p = run(cmd + list(extra))
    rows = [line.split("|") for line in p.stdout.splitlines() if line]
    if "frame.packet_flags_direction" in fields:  # printed as 0x00000001: make it "1"
        i = fields.index("frame.packet_flags_direction")
        for r in rows:
            r[i] = str(int(r[i], 0))
    return rows


def pcapng_isbs(path):
    """Interface Statistics Blocks of a pcapng file: {iface: {option code: bytes}}."""
    with open(path, "rb") as f:
        data = f.read()
    out, off = {}, 0
    while off + 12 <= len(data):
        btype, total = struct.unpack_from("=II", data, off)
        if btype == 5:
            iface = struct.unpack_from("=I", data, off + 8)[0]
            opts, o = {}, off + 20
            while o + 4 <= off + total - 4:
                code, length = struct.unpack_from("=HH", data, o)
                if code == 0:
                    break
                opts[code] = data[o + 4:o + 4 + length]
                o += 4 + (length + 3) // 4 * 4
            out[iface] = opts
        off += total
    return out


def u64(b):
    return struct.unpack("=Q", b)[0]


def test_ping_to_pcapng_interfaces_directions_counts(daemon, workdir, bridge, hosts):
    h1, h2 = hosts
    path = os.path.join(workdir, "cap.pcapng")
    cap = CaptureProc(daemon, bridge, "--count", "4", "-w", path)
    h1.ping(h2, count=1)
    assert cap.wait() == 0, cap.err
    assert cap.summary() == ("count", 4, 0, 0)

    rows = tshark(path, "frame.interface_name", "frame.packet_flags_direction", "eth.src",
                  "icmp.type")
    # Request: in on p1, out on p2; reply: in on p2, out on p1 (inbound 1, outbound 2).
    assert rows == [
        [h1.port, "1", h1.mac, "8"],
        [h2.port, "2", h1.mac, "8"],
        [h2.port, "1", h2.mac, "0"],
        [h1.port, "2", h2.mac, "0"],
    ], rows
    # One IDB per port with nanosecond timestamps.
    info = run(["capinfos", "-M", path]).stdout
    assert "Number of interfaces in file: 2" in info, info
    assert info.count("Time precision = nanoseconds") == 2, info
    # Timestamps are wall-clock time, not monotonic.
    ts = [float(r[0]) for r in tshark(path, "frame.time_epoch")]
    assert all(abs(t - time.time()) < 60 for t in ts), ts
    # tcpdump reads it too.
    p = run(["tcpdump", "-n", "-r", path])
    assert p.stdout.count("ICMP echo request") == 2 and p.stdout.count("ICMP echo reply") == 2
    # The end-of-capture statistics are in the file.
    isbs = pcapng_isbs(path)
    assert sorted(isbs) == [0, 1], isbs
    for opts in isbs.values():
        assert u64(opts[4]) == 2 and u64(opts[5]) == 0 and u64(opts[7]) == 0, opts
        assert u64(opts[8]) == 2, opts
        assert b"lost in the datapath ring" in opts[1], opts


def test_classic_pcap_read_by_tshark_and_tcpdump(daemon, workdir, bridge, hosts):
    h1, h2 = hosts
    path = os.path.join(workdir, "cap.pcap")
    cap = CaptureProc(daemon, bridge, "--count", "4", "--format", "pcap", "-w", path)
    h1.ping(h2, count=1)
    assert cap.wait() == 0, cap.err
    with open(path, "rb") as f:
        assert f.read(4) == struct.pack("=I", 0xa1b23c4d)  # nanosecond pcap
    rows = tshark(path, "eth.src", "icmp.type")
    assert rows == [[h1.mac, "8"], [h1.mac, "8"], [h2.mac, "0"], [h2.mac, "0"]], rows
    p = run(["tcpdump", "-n", "-r", path])
    assert p.stdout.count("ICMP echo") == 4, p.stdout


def test_stream_to_stdout_into_tshark(daemon, bridge, hosts):
    h1, h2 = hosts
    ts = subprocess.Popen(["tshark", "-n", "-r", "-", "-T", "fields", "-e",
                           "frame.interface_name", "-e", "icmp.type"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    cap = CaptureProc(daemon, bridge, "--count", "4", "-w", "-", stdout=ts.stdin)
    ts.stdin.close()
    ts.stdin = None
    h1.ping(h2, count=1)
    assert cap.wait() == 0, cap.err
    out, err = ts.communicate(timeout=30)
    assert ts.returncode == 0, err
    assert out.split("\n")[:4] == ["%s\t8" % h1.port, "%s\t8" % h2.port,
                                   "%s\t0" % h2.port, "%s\t0" % h1.port], out


def test_port_and_direction_filters(daemon, workdir, bridge, hosts):
    h1, h2 = hosts
    path = os.path.join(workdir, "in.pcapng")
    cap = CaptureProc(daemon, bridge, "--port", h2.port, "--direction", "in", "--count", "2",
                      "-w", path)
    h1.ping(h2, count=2)
    assert cap.wait() == 0, cap.err
    rows = tshark(path, "frame.interface_name", "frame.packet_flags_direction", "icmp.type")
    assert rows == [[h2.port, "1", "0"], [h2.port, "1", "0"]], rows
    assert "Number of interfaces in file: 1" in run(["capinfos", "-M", path]).stdout

    path = os.path.join(workdir, "out.pcapng")
    cap = CaptureProc(daemon, bridge, "--port=%s,%s" % (h1.port, h2.port), "--direction=out",
                      "--count=2", "-w", path)
    h1.ping(h2, count=1)
    assert cap.wait() == 0, cap.err
    rows = tshark(path, "frame.interface_name", "frame.packet_flags_direction", "icmp.type")
    assert rows == [[h2.port, "2", "8"], [h1.port, "2", "0"]], rows


def test_snaplen_cuts_frames(daemon, workdir, bridge, hosts):
    h1, h2 = hosts
    path = os.path.join(workdir, "snap.pcapng")
    cap = CaptureProc(daemon, bridge, "--snaplen", "40", "--count", "4", "-w", path)
    h1.ping(h2, count=1)
    assert cap.wait() == 0, cap.err
    rows = tshark(path, "frame.cap_len", "frame.len")
    assert rows == [["40", "98"]] * 4, rows


def test_duration_stops_the_capture(daemon, workdir, bridge, hosts):
    path = os.path.join(workdir, "dur.pcapng")
    t0 = time.monotonic()
    cap = CaptureProc(daemon, bridge, "--duration", "0.7", "-w", path)
    assert cap.wait() == 0, cap.err
    elapsed = time.monotonic() - t0
    assert 0.6 < elapsed < 5, elapsed
    assert cap.summary() == ("duration", 0, 0, 0)
    assert run(["capinfos", "-c", "-M", path]).stdout.split()[-1] == "0"


def test_sigint_finishes_the_file(daemon, workdir, bridge, hosts):
    h1, h2 = hosts
    path = os.path.join(workdir, "int.pcapng")
    cap = CaptureProc(daemon, bridge, "-w", path)
    h1.ping(h2, count=3)
    time.sleep(0.2)
    cap.proc.send_signal(signal.SIGINT)
    assert cap.wait() == 0, cap.err
    assert cap.summary() == ("stopped", 12, 0, 0)
    assert len(tshark(path, "icmp.type")) == 12
    isbs = pcapng_isbs(path)
    assert sum(u64(o[8]) for o in isbs.values()) == 12, isbs


_BURST = r"""
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = bytes.fromhex(sys.argv[2])
for _ in range(int(sys.argv[3])):
    s.send(frame)
"""


def test_loss_is_counted_and_reported(daemon, workdir, bridge, hosts):
    """A tiny ring (the debugging option --ring-size) cannot hold a burst: the frames that
    did not fit are reported on stderr and in the file, and every frame is accounted for."""
    h1, h2 = hosts
    n = 3000
    path = os.path.join(workdir, "loss.pcapng")
    cap = CaptureProc(daemon, bridge, "--ring-size", "4096", "--snaplen", "64", "-w", path)
    # To h2's (learned) MAC with a local experimental EtherType: nobody answers.
    frame = bytes.fromhex(h2.mac.replace(":", "") + h1.mac.replace(":", "") + "88b5") + bytes(50)
    helpers.ns_exec(h1.ns, helpers.PYTHON, "-c", _BURST, h1.ifname, frame.hex(), str(n))
    time.sleep(0.3)
    cap.proc.send_signal(signal.SIGINT)
    assert cap.wait() == 0, cap.err
    reason, captured, ring_lost, daemon_lost = cap.summary()
    assert reason == "stopped"
    assert ring_lost > 0, cap.err
    # Each frame is received on p1 and transmitted on p2.
    assert captured + ring_lost + daemon_lost == 2 * n, cap.err
    assert len(tshark(path, "frame.number")) == captured
    isbs = pcapng_isbs(path)
    assert sum(u64(o[5]) for o in isbs.values()) == ring_lost, isbs
    assert sum(u64(o[7]) for o in isbs.values()) == daemon_lost, isbs
    assert sum(u64(o[4]) for o in isbs.values()) == 2 * n, isbs


def test_two_captures_at_once_and_client_disconnect(daemon, workdir, bridge, hosts):
    h1, h2 = hosts
    a_path, b_path = os.path.join(workdir, "a.pcapng"), os.path.join(workdir, "b.pcapng")
    a = CaptureProc(daemon, bridge, "--count", "4", "-w", a_path)
    b = CaptureProc(daemon, bridge, "--port", h1.port, "--count", "2", "-w", b_path)
    gone = CaptureProc(daemon, bridge, "-w", os.path.join(workdir, "gone.pcapng"))
    gone.proc.kill()
    gone.proc.wait()
    h1.ping(h2, count=1)
    assert a.wait() == 0 and b.wait() == 0, (a.err, b.err)
    assert len(tshark(a_path, "frame.number")) == 4
    assert [r[0] for r in tshark(b_path, "frame.interface_name")] == [h1.port] * 2
    assert helpers.wait_for(lambda: "client gone" in daemon.log_text(), 5), daemon.log_text()


def test_bad_arguments(daemon, workdir, bridge, hosts):
    h1, _ = hosts
    f = os.path.join(workdir, "x.pcapng")
    usage = [
        ["capture"],
        ["capture", bridge],                       # no -w
        ["capture", bridge, "-w"],                 # -w without FILE
        ["capture", bridge, "-w", f, "--direction", "sideways"],
        ["capture", bridge, "-w", f, "--count", "0"],
        ["capture", bridge, "-w", f, "--count", "x"],
        ["capture", bridge, "-w", f, "--duration", "-1"],
        ["capture", bridge, "-w", f, "--snaplen", "0"],
        ["capture", bridge, "-w", f, "--format", "csv"],
        ["capture", bridge, "-w", f, "--port", "bad name!"],
        ["capture", bridge, "-w", f, "--bogus"],
        ["capture", bridge, "extra", "-w", f],
    ]
    for args in usage:
        rc, out, err = daemon.pbctl(*args)
        assert rc == 2, (args, rc, err)
        assert err.startswith("pbctl: capture: ") and "\n" == err[-1] and err.count("\n") == 1, err
    daemon_errors = [
        (["capture", "nosuchbr", "-w", f], "no such bridge"),
        (["capture", bridge, "--port", "nosuchport", "-w", f], "no such port"),
        (["capture", bridge, "--port", h1.port, "--port", h1.port, "-w", f], "given twice"),
    ]
    for args, msg in daemon_errors:
        rc, out, err = daemon.pbctl(*args)
        assert rc == 1 and msg in err, (args, rc, err)
    assert not os.path.exists(f), "a refused capture created its file"
    # An output that cannot be written stops the capture: one message, status 1.
    rc, out, err = daemon.pbctl("capture", bridge, "-w", "/dev/full", timeout=10)
    assert rc == 1 and "pbctl: capture: cannot write /dev/full: No space left on device" in err, err
    # Nothing was left running: a good capture still works.
    cap = CaptureProc(daemon, bridge, "--duration", "0.2", "-w", f)
    assert cap.wait() == 0, cap.err
