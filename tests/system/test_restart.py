# test_restart.py - the daemon restores bridges and ports from its config store after a clean
# stop (SIGTERM) and after a crash (SIGKILL), and traffic flows again.
import json
import signal

import pytest

from helpers import attach_host, config_view, ip4, kernel_links


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill9"])
def test_restart_restores_config_and_traffic(daemon, netns, bridge, sig):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1), ofport=10)
    h2 = attach_host(daemon, netns, bridge, 2, ip4(2))
    tap, internal = netns.name("tap"), netns.name("int")
    daemon.pbctl_ok("add-port", bridge, tap, "type=tap", "ofport=300")
    daemon.pbctl_ok("add-port", bridge, internal, "type=internal")
    br2 = netns.name("br2")
    daemon.pbctl_ok("add-br", br2)
    daemon.pbctl_ok("set", "bridge", br2, "mac-aging=77", "mac-table-size=99")
    h1.ping(h2)
    before = daemon.pbctl_json("show")
    view = config_view(before)
    assert [b[0] for b in view] == sorted([bridge, br2])
    ports = {p[0]: p for p in dict((b[0], b[4]) for b in view)[bridge]}
    assert ports[h1.port] == (h1.port, 10, "veth", {"peer": h1.ifname, "netns": h1.ns})
    assert ports[tap][1:3] == (300, "tap") and ports[internal][2] == "internal"
    db = json.loads(daemon.db_bytes())
    assert db["format"] == "patchbay-config" and db["version"] == 1

    daemon.stop(sig)
    if sig == signal.SIGTERM:
        # A clean stop leaves the kernel devices (namespaces keep their addresses).
        assert h1.port in kernel_links() and h2.port in kernel_links()
    daemon.start()
    after = daemon.pbctl_json("show")
    assert config_view(after) == view
    for b in after["bridges"]:
        for p in b["ports"]:
            assert p["link"] != "absent" and p["error"] is None, p
    h1.ping(h2)
    h2.ping(h1)
    # ... and the restored daemon still takes changes, which survive the next restart.
    daemon.pbctl_ok("del-port", bridge, tap)
    assert tap not in kernel_links()
    view2 = config_view(daemon.pbctl_json("show"))
    daemon.stop()
    daemon.start()
    assert config_view(daemon.pbctl_json("show")) == view2
    h1.ping(h2)


def test_config_survives_deleting_everything(daemon, netns, bridge):
    h1 = attach_host(daemon, netns, bridge, 1, ip4(1))
    daemon.pbctl_ok("del-br", bridge)
    assert h1.port not in kernel_links(), "del-br left its port's device behind"
    assert daemon.pbctl_json("show") == {"bridges": []}
    daemon.stop()
    daemon.start()
    assert daemon.pbctl_json("show") == {"bridges": []}
    assert daemon.pbctl_json("list-br") == {"bridges": []}
