#!/usr/bin/env bash
# demo.sh - build Patchbay and show it switching: two network namespaces joined by bridge br0
# through veth ports ping each other; then an ACL flow, VLAN isolation, a pcapng capture read
# by tshark, and ovs-ofctl programming the bridge over OpenFlow 1.3.  Everything it creates
# (daemon, namespaces, devices, temp files) is removed on exit.  Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces and veth devices)" >&2
	exit 1
fi

bash scripts/deps.sh
BUILD=${PB_BUILD:-build}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD"
ninja -C "$BUILD"

PATCHBAYD=$BUILD/src/daemon/patchbayd
PBCTL=$BUILD/src/cli/pbctl
TMP=$(mktemp -d /tmp/pbdemo.XXXXXX)
P=pbdemo-  # every namespace and device of the demo starts with this
NS1=${P}ns1 NS2=${P}ns2

cleanup() {
	local rc=$?
	set +e
	if [ -s "$TMP/patchbayd.pid" ]; then
		pid=$(cat "$TMP/patchbayd.pid")
		kill "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	for ns in $(ip netns list | awk '{print $1}' | grep "^$P"); do ip netns del "$ns"; done
	for dev in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^$P"); do
		ip link del dev "$dev" 2>/dev/null
	done
	if [ $rc -ne 0 ] && [ -f "$TMP/patchbayd.log" ]; then
		echo "--- patchbayd log ---" >&2
		tail -n 30 "$TMP/patchbayd.log" >&2
	fi
	rm -rf "$TMP"
	if [ $rc -eq 0 ]; then echo "demo: OK (cleaned up)"; else echo "demo: FAILED" >&2; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pbctl() {
	echo "+ pbctl $*"
	"$PBCTL" --socket "$TMP/pb.sock" "$@"
}

echo "== starting patchbayd (files in $TMP)"
"$PATCHBAYD" --db "$TMP/conf.json" --socket "$TMP/pb.sock" --pidfile "$TMP/patchbayd.pid" \
	--log-file "$TMP/patchbayd.log" --detach

# A /24 the host does not use itself, so the demo's addresses cannot be confused with the
# host's own.
NET=
for n in 198.18.213 10.213.37 172.31.213; do
	if ! ip -4 -o addr show | grep -q "inet $n\."; then
		NET=$n
		break
	fi
done
[ -n "$NET" ] || { echo "demo: no free address range" >&2; exit 1; }

echo "== bridge br0 with two namespaces on veth ports"
ip netns add "$NS1"
ip netns add "$NS2"
pbctl add-br br0
pbctl add-port br0 ${P}p1 type=veth peer=${P}p1n netns="$NS1"
pbctl add-port br0 ${P}p2 type=veth peer=${P}p2n netns="$NS2"
ip -n "$NS1" addr add $NET.1/24 dev ${P}p1n
ip -n "$NS2" addr add $NET.2/24 dev ${P}p2n
ip -n "$NS1" link set ${P}p1n up
ip -n "$NS2" link set ${P}p2n up

echo "== $NS1 ($NET.1) pings $NS2 ($NET.2) through br0"
ip netns exec "$NS1" ping -c 3 -i 0.2 -w 10 $NET.2

echo "== state"
pbctl show
pbctl dump-ports br0
pbctl fdb-show br0
pbctl dump-flows br0
pbctl dump-megaflows br0

echo "== an OpenFlow ACL: drop ICMP to $NET.2, then remove it"
pbctl add-flow br0 "priority=200,icmp,nw_dst=$NET.2,actions=drop"
if ip netns exec "$NS1" ping -c 2 -i 0.2 -W 1 -q $NET.2 >/dev/null; then
	echo "demo: ping got through a drop rule" >&2
	exit 1
fi
echo "ping blocked, as the rule says"
pbctl dump-flows br0
MAC1=$(ip -n "$NS1" -br link show ${P}p1n | awk '{print $3}')
MAC2=$(ip -n "$NS2" -br link show ${P}p2n | awk '{print $3}')
pbctl trace br0 "in_port=${P}p1,dl_src=$MAC1,dl_dst=$MAC2,icmp,nw_src=$NET.1,nw_dst=$NET.2"
pbctl del-flows br0 "priority=200,icmp,nw_dst=$NET.2" --strict
ip netns exec "$NS1" ping -c 2 -i 0.2 -w 10 -q $NET.2

echo "== VLANs: both ports in VLAN 10 talk; moving one to VLAN 20 isolates it"
pbctl set port ${P}p1 vlan-mode=access tag=10
pbctl set port ${P}p2 vlan-mode=access tag=10
ip netns exec "$NS1" ping -c 2 -i 0.2 -w 10 -q $NET.2
pbctl set port ${P}p2 tag=20
if ip netns exec "$NS1" ping -c 2 -i 0.2 -W 1 -q $NET.2 >/dev/null; then
	echo "demo: ping crossed from VLAN 10 to VLAN 20" >&2
	exit 1
fi
echo "ping blocked between VLAN 10 and VLAN 20"
pbctl set port ${P}p1 vlan-mode= tag=
pbctl set port ${P}p2 vlan-mode= tag=

echo "== capture: 4 ICMP frames into a pcapng file, decoded by tshark"
pbctl capture br0 --port ${P}p1 --count 4 -w "$TMP/br0.pcapng" &
CAP=$!
sleep 0.5
ip netns exec "$NS1" ping -c 3 -i 0.2 -w 10 -q $NET.2
wait $CAP
tshark -r "$TMP/br0.pcapng" -T fields -e frame.interface_name -e eth.src -e ip.src -e ip.dst \
	-e icmp.type

echo "== OpenFlow: unchanged ovs-ofctl drives br0 over a ptcp listener"
OFPORT=
for port in 16653 16654 16655 26653; do
	if ! ss -ltn | grep -q ":$port "; then
		OFPORT=$port
		break
	fi
done
[ -n "$OFPORT" ] || { echo "demo: no free TCP port for OpenFlow" >&2; exit 1; }
pbctl set bridge br0 ofp-listen=ptcp:$OFPORT:127.0.0.1
echo "+ ovs-ofctl -O OpenFlow13 show tcp:127.0.0.1:$OFPORT"
ovs-ofctl -O OpenFlow13 show tcp:127.0.0.1:$OFPORT
echo "+ ovs-ofctl -O OpenFlow13 add-flow ... priority=300,icmp,nw_dst=$NET.2,actions=drop"
ovs-ofctl -O OpenFlow13 add-flow tcp:127.0.0.1:$OFPORT "priority=300,icmp,nw_dst=$NET.2,actions=drop"
if ip netns exec "$NS1" ping -c 2 -i 0.2 -W 1 -q $NET.2 >/dev/null; then
	echo "demo: ping got through a drop rule installed by ovs-ofctl" >&2
	exit 1
fi
echo "ping blocked by the flow ovs-ofctl added"
ovs-ofctl -O OpenFlow13 dump-flows tcp:127.0.0.1:$OFPORT
ovs-ofctl -O OpenFlow13 --strict del-flows tcp:127.0.0.1:$OFPORT "priority=300,icmp,nw_dst=$NET.2"
ip netns exec "$NS1" ping -c 2 -i 0.2 -w 10 -q $NET.2
