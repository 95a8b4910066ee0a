#!/usr/bin/env bash
# tunnel.sh - VXLAN tunnel forwarding benchmark: 64-byte UDP frames per second from a
# generator namespace to a sink namespace through Patchbay, plain (one bridge) and over a
# VXLAN tunnel (encapsulation in one patchbayd, decapsulation in another, two namespaces
# joined by an underlay veth), and the same tunnel with Open vSwitch's userspace datapath
# (two private ovs-vswitchd, datapath_type=netdev, native tunnelling via br-phy), in one run.
#
#   pbtb-gen --veth-- pbtb-a [br0] --underlay veth 10.99.0.1/.2-- pbtb-b [br0] --veth-- pbtb-sink
#                          \------------------- veth (plain) ---------------------------/
#
# Usage: bench/tunnel.sh            (as root)
# Knobs: DUR=5 REPS=2 MODES="patchbay-plain patchbay-vxlan ovs-vxlan" PB_BUILD=./build
# Prints one line per mode: median received pps at the sink (rx_packets of its veth).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
DUR=${DUR:-5}
REPS=${REPS:-2}
MODES=${MODES:-"patchbay-plain patchbay-vxlan ovs-vxlan"}
PB_BUILD=${PB_BUILD:-$REPO/build}
case $PB_BUILD in /*) ;; *) PB_BUILD=$REPO/$PB_BUILD ;; esac
W=/tmp/pbtb-work
G=pbtb-gen A=pbtb-a B=pbtb-b S=pbtb-sink

log() { echo "[$(date +%T)] $*" >&2; }
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

teardown() {
	local f
	pkill_pidfile() { [ -f "$1" ] && kill "$(cat "$1")" 2>/dev/null; }
	for f in $W/gen.pid $W/pa/pid $W/pb/pid $W/ovsa/ovs-vswitchd.pid $W/ovsa/ovsdb-server.pid \
		$W/ovsb/ovs-vswitchd.pid $W/ovsb/ovsdb-server.pid; do
		pkill_pidfile "$f"
	done
	sleep 0.5
	for ns in $G $A $B $S; do ip netns del $ns 2>/dev/null; done
	rm -rf $W
}

setup() {
	mkdir -p $W
	for ns in $G $A $B $S; do
		ip netns add $ns || exit 1
		nsx $ns ip link set lo up
	done
	ip link add pbtb-g0 netns $G type veth peer name pbtb-ga netns $A
	ip link add pbtb-ua netns $A type veth peer name pbtb-ub netns $B
	ip link add pbtb-s2 netns $S type veth peer name pbtb-sb netns $B
	ip link add pbtb-s1 netns $S type veth peer name pbtb-sa netns $A
	nsx $A ip addr add 10.99.0.1/24 dev pbtb-ua
	nsx $B ip addr add 10.99.0.2/24 dev pbtb-ub
	nsx $G ip link set pbtb-g0 up
	for d in pbtb-ga pbtb-ua pbtb-sa; do nsx $A ip link set $d up; done
	for d in pbtb-ub pbtb-sb; do nsx $B ip link set $d up; done
	for d in pbtb-s1 pbtb-s2; do nsx $S ip link set $d up; done
	# Static neighbours: no ARP in the measurement.
	nsx $A ip neigh replace 10.99.0.2 lladdr "$(nsx $B cat /sys/class/net/pbtb-ub/address)" \
		dev pbtb-ua
	nsx $B ip neigh replace 10.99.0.1 lladdr "$(nsx $A cat /sys/class/net/pbtb-ua/address)" \
		dev pbtb-ub
	local smac gmac
	gmac=$(nsx $G cat /sys/class/net/pbtb-g0/address)
	smac=02:00:00:00:00:99
	# The sink's kernel drops the frames (not its address), after rx_packets counted them.
	echo "{ eth(da=$smac, sa=$gmac), ipv4(saddr=198.18.0.1, daddr=198.18.0.2, ttl=64)," \
		"udp(sp=1024, dp=9), fill(0x00, 22) }" >$W/tg.cfg
}

start_pb() { # start_pb NS DIR
	mkdir -p "$2"
	nsx "$1" "$PB_BUILD/src/daemon/patchbayd" --db "$2/conf.json" --socket "$2/sock" \
		--pidfile "$2/pid" --log-file "$2/log" --detach || exit 1
	for _ in $(seq 50); do "$PB_BUILD/src/cli/pbctl" --socket "$2/sock" version >/dev/null 2>&1 && break; sleep 0.1; done
}
pbc() { local d=$1; shift; "$PB_BUILD/src/cli/pbctl" --socket "$d/sock" "$@" >/dev/null || exit 1; }

flows() { # flows DIR "flow;flow"
	tr ';' '\n' <<<"$2" >"$1/flows"
	pbc "$1" del-flows br0
	pbc "$1" add-flows br0 "$1/flows"
}

start_ovs() { # start_ovs NS DIR
	mkdir -p "$2"
	ovsdb-tool create "$2/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	OVS_RUNDIR=$2 OVS_LOGDIR=$2 OVS_DBDIR=$2 ovsdb-server "$2/conf.db" --remote=punix:"$2/db.sock" --pidfile="$2/ovsdb-server.pid" \
		--detach --log-file="$2/ovsdb-server.log" 2>/dev/null || return 1
	ovs-vsctl --db=unix:"$2/db.sock" --no-wait init
	OVS_RUNDIR=$2 OVS_LOGDIR=$2 OVS_DBDIR=$2 nsx "$1" ovs-vswitchd unix:"$2/db.sock" --pidfile="$2/ovs-vswitchd.pid" \
		--detach --log-file="$2/ovs-vswitchd.log" 2>/dev/null || return 1
}
vsc() { local d=$1; shift; ovs-vsctl --db=unix:"$d/db.sock" --timeout=10 "$@"; }
ofc() { local d=$1; shift; ovs-ofctl "$@"; }

measure() { # measure DEV -> pps at the sink
	local x0 x1
	nsx $G trafgen --cpp --dev pbtb-g0 --conf $W/tg.cfg --qdisc-path -q >/dev/null 2>&1 &
	echo $! >$W/gen.pid
	sleep 1
	x0=$(nsx $S cat /sys/class/net/$1/statistics/rx_packets)
	sleep "$DUR"
	x1=$(nsx $S cat /sys/class/net/$1/statistics/rx_packets)
	kill "$(cat $W/gen.pid)" 2>/dev/null
	wait 2>/dev/null
	rm -f $W/gen.pid
	echo $(((x1 - x0) / DUR))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

run_mode() {
	local m=$1 dev
	case $m in
	patchbay-plain | patchbay-vxlan)
		start_pb $A $W/pa
		pbc $W/pa add-br br0
		pbc $W/pa add-port br0 pbtb-ga ofport=1
		pbc $W/pa add-port br0 pbtb-sa ofport=2
		pbc $W/pa add-port br0 vx0 type=vxlan remote_ip=10.99.0.2 key=5 ofport=3
		start_pb $B $W/pb
		pbc $W/pb add-br br0
		pbc $W/pb add-port br0 vx0 type=vxlan remote_ip=10.99.0.1 key=5 ofport=1
		pbc $W/pb add-port br0 pbtb-sb ofport=2
		flows $W/pb "in_port=1,actions=output:2"
		if [ $m = patchbay-plain ]; then
			flows $W/pa "in_port=1,actions=output:2"
			dev=pbtb-s1
		else
			flows $W/pa "in_port=1,actions=output:3"
			dev=pbtb-s2
		fi
		;;
	ovs-vxlan)
		# Native userspace tunnelling: the underlay NIC in br-phy, the tunnel endpoint
		# address on br-phy's internal port, the vxlan port in br-int.
		start_ovs $A $W/ovsa || return 1
		start_ovs $B $W/ovsb || return 1
		local side d ns ip rip inp outp
		for side in a b; do
			if [ $side = a ]; then d=$W/ovsa ns=$A ip=10.99.0.1 rip=10.99.0.2 inp=pbtb-ga outp=
			else d=$W/ovsb ns=$B ip=10.99.0.2 rip=10.99.0.1 inp= outp=pbtb-sb; fi
			local u=pbtb-u$side
			nsx $ns ip addr flush dev $u
			vsc $d add-br br-phy -- set bridge br-phy datapath_type=netdev \
				other_config:hwaddr="$(nsx $ns cat /sys/class/net/$u/address)"
			vsc $d add-port br-phy $u
			nsx $ns ip addr add $ip/24 dev br-phy
			nsx $ns ip link set br-phy up
			vsc $d add-br br-int -- set bridge br-int datapath_type=netdev
			vsc $d add-port br-int vx0 -- set interface vx0 type=vxlan \
				options:remote_ip=$rip options:key=5 ofport_request=3
			[ -n "$inp" ] && vsc $d add-port br-int $inp -- set interface $inp ofport_request=1
			[ -n "$outp" ] && vsc $d add-port br-int $outp -- set interface $outp ofport_request=2
			OVS_RUNDIR=$d ovs-appctl tnl/arp/set br-phy $rip \
				"$( [ $side = a ] && nsx $B cat /sys/class/net/pbtb-ub/address || nsx $A cat /sys/class/net/pbtb-ua/address)" >/dev/null
		done
		ovs-ofctl del-flows unix:$W/ovsa/br-int.mgmt
		ovs-ofctl add-flow unix:$W/ovsa/br-int.mgmt "in_port=1,actions=output:3"
		ovs-ofctl del-flows unix:$W/ovsb/br-int.mgmt
		ovs-ofctl add-flow unix:$W/ovsb/br-int.mgmt "in_port=3,actions=output:2"
		dev=pbtb-s2
		sleep 2
		;;
	*)
		echo "unknown mode $m" >&2
		return 1
		;;
	esac
	local r results=""
	for _ in $(seq "$REPS"); do
		r=$(measure $dev)
		results="$results $r"
	done
	echo "$m $(tr ' ' '\n' <<<"$results" | grep . | median) pps (runs:$results)"
}

if [ "$(id -u)" != 0 ]; then
	echo "run as root" >&2
	exit 1
fi
for t in trafgen ovs-vswitchd; do
	command -v $t >/dev/null || { echo "missing $t (netsniff-ng, openvswitch-switch)" >&2; exit 1; }
done
trap teardown EXIT
for m in $MODES; do
	teardown
	setup
	log "mode $m"
	run_mode "$m" || echo "$m FAILED (logs in $W)"
done
