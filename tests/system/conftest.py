# conftest.py - pytest fixtures for the Patchbay system tests: root check, a per-test name
# prefix with namespace/device cleanup, and a patchbayd started with private files.
import itertools
import os
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import helpers  # noqa: E402

_counter = itertools.count()
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n, width):
    s = ""
    for _ in range(width):
        s = _B36[n % 36] + s
        n //= 36
    return s


@pytest.fixture(autouse=True)
def _require_root_and_binaries():
    if os.geteuid() != 0:
        msg = "system tests need root (network namespaces, veth, TAP)"
        if os.environ.get("CI"):
            pytest.fail(msg + " and CI is set")
        pytest.skip(msg)
    for b in (helpers.patchbayd_bin(), helpers.pbctl_bin()):
        if not os.access(b, os.X_OK):
            pytest.fail("%s is not built (set PB_BUILD to the build directory)" % b)


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="pbt")  # short: Unix socket paths are limited to 108 bytes
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def netns():
    """Namespace factory; everything named with its prefix is deleted at teardown."""
    # "p" + pid in base36 + a per-process counter + "-": unique on this machine, 9 bytes,
    # which leaves 6 for the suffix within the 15-byte interface name limit.
    prefix = "p%s%s-" % (_base36(os.getpid(), 5), _base36(next(_counter), 2))
    with helpers.netns_scope(prefix) as ns:
        yield ns


@pytest.fixture
def pbd(workdir, netns):
    """A patchbayd not yet started.  If it is running at teardown it must still be alive (no
    crash during the test) and must exit on SIGTERM; it is stopped before the namespaces go."""
    d = helpers.Daemon(workdir)
    yield d
    stray = d._read_pid()
    if d.pid is None and stray and helpers.pid_alive(stray):
        os.kill(stray, 9)  # a daemon that should not be running (e.g. started on a bad config)
        pytest.fail("patchbayd pid %d was still running at teardown" % stray)
    if d.pid is not None:
        alive = d.alive()
        if alive:
            d.stop()
        assert alive, "patchbayd died during the test\nlog:\n" + d.log_text()


@pytest.fixture
def daemon(pbd):
    pbd.start()
    return pbd


@pytest.fixture
def bridge(daemon, netns):
    br = netns.name("br")
    daemon.pbctl_ok("add-br", br)
    return br


@pytest.fixture
def three_hosts(daemon, netns, bridge):
    """Namespaces h1..h3 attached to 'bridge' as ofports 1..3 (helpers.attach_host)."""
    return [helpers.attach_host(daemon, netns, bridge, i, helpers.ip4(i)) for i in (1, 2, 3)]
