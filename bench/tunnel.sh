#!/usr/bin/env bash
# tunnel.sh - VXLAN tunnel forwarding benchmark: 64-byte UDP frames per second from a
# generator namespace to a sink namespace through Patchbay, plain (one bridge) and over a
# VXLAN tunnel (encapsulation in one patchbayd, decapsulation in another, two namespaces
# joined by an underlay veth), and the same two with Open vSwitch's userspace datapath
# (private ovs-vswitchd, datapath_type=netdev; the tunnel with native tunnelling via br-phy;
# AF_PACKET ports like Patchbay's, and AF_XDP ports in the *-afxdp modes), in one run.
# Method, knobs and results: bench/README.md, section "tunnel".
#
#   pbtb-gen --veth-- pbtb-a [br0] --underlay veth 10.99.0.1/.2-- pbtb-b [br0] --veth-- pbtb-sink
#                          \------------------- veth (plain) ---------------------------/
#
# Usage: bench/tunnel.sh [run | setup MODE | teardown]     (as root; default: run)
#   setup MODE leaves one mode configured (for ovs-appctl / pbctl inspection); teardown undoes.
# Knobs: DUR=5 REPS=3 PB_BUILD=./build
#   MODES="patchbay-plain patchbay-vxlan ovs-plain ovs-vxlan ovs-plain-afxdp ovs-vxlan-afxdp"
#   GEN_CPU=0 SW_CPU=1 (the generator on one CPU, every switch daemon on the other)
#   RATE=3000000pps (trafgen's offered rate, the same in every mode)
#   OVS_RMEM=4194304 (receive buffer of OVS's AF_PACKET sockets; empty: the kernel default)
# Prints one line per mode: median pps received at the sink (rx_packets of its veth), the
# median offered pps, and the CPU busy % and per-hop packet rates of the last repetition.
# shellcheck disable=SC2046 # ovs_if's output is meant to be split into ovs-vsctl arguments
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
DUR=${DUR:-5}
REPS=${REPS:-3}
MODES=${MODES:-"patchbay-plain patchbay-vxlan ovs-plain ovs-vxlan ovs-plain-afxdp ovs-vxlan-afxdp"}
GEN_CPU=${GEN_CPU:-0}
SW_CPU=${SW_CPU:-1}
RATE=${RATE:-3000000pps}
PB_BUILD=${PB_BUILD:-$REPO/build}
case $PB_BUILD in /*) ;; *) PB_BUILD=$REPO/$PB_BUILD ;; esac
W=/tmp/pbtb-work
G=pbtb-gen A=pbtb-a B=pbtb-b S=pbtb-sink

. "$HERE/bench-lib.sh" # log, nsx, stop_pidfile

stop_gen() { # the generator's process group (setsid below), SIGINT then SIGKILL
	[ -f $W/gen.pid ] || return 0
	local pg
	pg=$(cat $W/gen.pid)
	if [ -n "$pg" ] && [ "$(cat /proc/"$pg"/comm 2>/dev/null)" = trafgen ]; then
		kill -INT -- -"$pg" 2>/dev/null
		for _ in $(seq 1 30); do
			pgrep -g "$pg" >/dev/null || break
			sleep 0.1
		done
		kill -KILL -- -"$pg" 2>/dev/null
	fi
	wait 2>/dev/null
	rm -f $W/gen.pid
}

teardown() {
	local d ns
	rmem_restore
	stop_gen
	for d in pa pb; do stop_pidfile $W/$d/pid patchbayd; done
	for d in ovsa ovsb; do
		stop_pidfile $W/$d/ovs-vswitchd.pid ovs-vswitchd
		stop_pidfile $W/$d/ovsdb-server.pid ovsdb-server
	done
	for ns in $G $A $B $S; do ip netns del $ns 2>/dev/null; done
	rm -rf $W
}

setup() {
	mkdir -p $W
	local ns d
	for ns in $G $A $B $S; do
		ip netns add $ns || exit 1
		nsx $ns ip link set lo up
	done
	ip link add pbtb-g0 netns $G type veth peer name pbtb-ga netns $A || exit 1
	ip link add pbtb-ua netns $A type veth peer name pbtb-ub netns $B || exit 1
	ip link add pbtb-s2 netns $S type veth peer name pbtb-sb netns $B || exit 1
	ip link add pbtb-s1 netns $S type veth peer name pbtb-sa netns $A || exit 1
	nsx $A ip addr add 10.99.0.1/24 dev pbtb-ua
	nsx $B ip addr add 10.99.0.2/24 dev pbtb-ub
	nsx $G ip link set pbtb-g0 up
	for d in pbtb-ga pbtb-ua pbtb-sa; do nsx $A ip link set $d up; done
	for d in pbtb-ub pbtb-sb; do nsx $B ip link set $d up; done
	for d in pbtb-s1 pbtb-s2; do nsx $S ip link set $d up; done
	# Static neighbours: no ARP in the measurement.
	nsx $A ip neigh replace 10.99.0.2 lladdr "$(mac $B pbtb-ub)" dev pbtb-ua
	nsx $B ip neigh replace 10.99.0.1 lladdr "$(mac $A pbtb-ua)" dev pbtb-ub
	# 14 Ethernet + 20 IPv4 + 8 UDP + 22 payload = 64 bytes without FCS, one flow. The
	# sink's kernel drops the frames (not its address) after rx_packets counted them.
	echo "{ eth(da=02:00:00:00:00:99, sa=$(mac $G pbtb-g0)), ipv4(saddr=198.18.0.1," \
		"daddr=198.18.0.2, ttl=64), udp(sp=1024, dp=9), fill(0x00, 22) }" >$W/tg.cfg
}
mac() { nsx "$1" cat /sys/class/net/"$2"/address; }

start_pb() { # start_pb NS DIR
	mkdir -p "$2"
	nsx "$1" taskset -c "$SW_CPU" "$PB_BUILD/src/daemon/patchbayd" --db "$2/conf.json" \
		--socket "$2/sock" --pidfile "$2/pid" --log-file "$2/log" --detach \
		</dev/null >>"$2/stdio.log" 2>&1 || return 1
	for _ in $(seq 50); do
		"$PB_BUILD/src/cli/pbctl" --socket "$2/sock" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
pbc() {
	local d=$1
	shift
	"$PB_BUILD/src/cli/pbctl" --socket "$d/sock" "$@" >/dev/null
}
pb_flows() { # pb_flows DIR "flow;flow"
	tr ';' '\n' <<<"$2" >"$1/flows"
	pbc "$1" del-flows br0 && pbc "$1" add-flows br0 "$1/flows"
}

start_ovs() { # start_ovs NS DIR: a private ovsdb-server and ovs-vswitchd (in NS, on SW_CPU)
	mkdir -p "$2"
	ovsdb-tool create "$2/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	OVS_RUNDIR=$2 OVS_LOGDIR=$2 OVS_DBDIR=$2 ovsdb-server "$2/conf.db" \
		--remote=punix:"$2/db.sock" --pidfile="$2/ovsdb-server.pid" --detach \
		--log-file="$2/ovsdb-server.log" -vconsole:off </dev/null >/dev/null 2>&1 || return 1
	vsc "$2" --no-wait init || return 1
	OVS_RUNDIR=$2 OVS_LOGDIR=$2 OVS_DBDIR=$2 nsx "$1" taskset -c "$SW_CPU" ovs-vswitchd \
		unix:"$2/db.sock" --pidfile="$2/ovs-vswitchd.pid" --detach \
		--log-file="$2/ovs-vswitchd.log" -vconsole:off </dev/null >/dev/null 2>&1 || return 1
}
vsc() {
	local d=$1
	shift
	ovs-vsctl --db=unix:"$d/db.sock" --timeout=10 "$@"
}
ovs_flows() { # ovs_flows DIR BRIDGE FLOW...
	local d=$1 br=$2 f
	shift 2
	ovs-ofctl del-flows unix:"$d/$br.mgmt" || return 1
	for f in "$@"; do ovs-ofctl add-flow unix:"$d/$br.mgmt" "$f" || return 1; done
}
ovs_check_ports() { # every interface of DIR's database without an error
	local d=$1 e
	e=$(vsc "$d" --columns=name,error find interface 'error!=[]' 2>&1)
	[ -z "$e" ] || {
		echo "ovs: $e" >&2
		return 1
	}
}

# Native userspace tunnelling (the OVS "userspace tunneling" how-to): the underlay NIC in
# br-phy with the endpoint address on br-phy's internal port, the vxlan port in br-int, the
# peer's br-phy MAC in OVS's tunnel neighbour table; outer UDP checksums on (csum=true), as
# Patchbay always sends them (OVS's default is none). br-phy gets its own MAC, not the
# underlay veth's: OVS owns the underlay as it would a DPDK NIC and reads every frame from
# it with AF_PACKET, and the namespace's IP stack, which also receives them, then drops
# them as "other host" instead of taking the tunnel packets for br-phy's address (a UDP
# receive and an ICMP port unreachable per packet). $1 = a|b.
OVS_PHY_MAC_a=02:00:00:00:99:0a OVS_PHY_MAC_b=02:00:00:00:99:0b
ovs_tunnel_side() {
	local side=$1 d ns ip rip u hw rhw
	if [ "$side" = a ]; then
		d=$W/ovsa ns=$A ip=10.99.0.1 rip=10.99.0.2 u=pbtb-ua
		hw=$OVS_PHY_MAC_a rhw=$OVS_PHY_MAC_b
	else
		d=$W/ovsb ns=$B ip=10.99.0.2 rip=10.99.0.1 u=pbtb-ub
		hw=$OVS_PHY_MAC_b rhw=$OVS_PHY_MAC_a
	fi
	nsx $ns ip addr flush dev $u
	vsc $d add-br br-phy -- set bridge br-phy datapath_type=netdev other_config:hwaddr=$hw \
		-- add-port br-phy $u $(ovs_if $u) || return 1
	nsx $ns ip addr add $ip/24 dev br-phy || return 1
	nsx $ns ip link set br-phy up
	vsc $d add-br br-int -- set bridge br-int datapath_type=netdev \
		-- add-port br-int vx0 -- set interface vx0 type=vxlan options:remote_ip=$rip \
		options:key=5 options:csum=true ofport_request=3 || return 1
	if [ "$side" = a ]; then
		vsc $d add-port br-int pbtb-ga $(ovs_if pbtb-ga 1) || return 1
	else
		vsc $d add-port br-int pbtb-sb $(ovs_if pbtb-sb 2) || return 1
	fi
	OVS_RUNDIR=$d ovs-appctl tnl/neigh/set br-phy $rip $rhw >/dev/null || return 1
}

# OVS's netdev datapath reads its AF_PACKET ports with recvmmsg() from a socket of the
# default receive buffer (net.core.rmem_default, 208 KiB: ~270 frames), Patchbay from a
# 4 MiB TPACKET_V3 ring (and its tunnel socket has a 4 MiB SO_RCVBUF). With both switches
# of the tunnel modes sharing one CPU, the buffer between them decides the rate: 208 KiB
# drops most of what one ovs-vswitchd sends the other during a time slice. So OVS gets the
# same 4 MiB: net.core.rmem_default (global: a child namespace cannot set it) is raised to
# OVS_RMEM while OVS opens its sockets and restored at once (sockets keep their size).
# OVS_RMEM= (empty) leaves the default.
OVS_RMEM=${OVS_RMEM-4194304}
rmem_raise() {
	[ -n "${OVS_RMEM:-}" ] || return 0
	sysctl -n net.core.rmem_default >$W/rmem.saved
	sysctl -qw net.core.rmem_default="$OVS_RMEM"
}
rmem_restore() {
	[ -s $W/rmem.saved ] || return 0
	sysctl -qw net.core.rmem_default="$(cat $W/rmem.saved)"
	rm -f $W/rmem.saved
}

# The OVS ports on the veths: type "system" (AF_PACKET, read with recvmmsg() by the main
# thread, as Patchbay's ports are AF_PACKET) or, in the *-afxdp modes, "afxdp-nonpmd"
# (an AF_XDP socket in copy mode behind OVS's XDP program in the veth's native XDP hook,
# also polled by the main thread: PMD threads would busy-poll the one switch CPU).
OVS_PORT_TYPE=system
ovs_if() { # ovs_if IFACE [OFPORT]: the "-- set interface" arguments of a port, if any
	local a=""
	[ $# -lt 2 ] || a="ofport_request=$2"
	[ $OVS_PORT_TYPE = system ] || a="$a type=$OVS_PORT_TYPE options:xdp-mode=native"
	[ -z "$a" ] || echo "-- set interface $1 $a"
}

mode_up() { # configure mode $1; sets SINK_DEV (in $S) and the hops measured
	local m=$1
	case $m in
	*-afxdp) OVS_PORT_TYPE=afxdp-nonpmd ;;
	*) OVS_PORT_TYPE=system ;;
	esac
	case $m in
	patchbay-plain | patchbay-vxlan)
		start_pb $A $W/pa || return 1
		pbc $W/pa add-br br0 &&
			pbc $W/pa add-port br0 pbtb-ga ofport=1 &&
			pbc $W/pa add-port br0 pbtb-sa ofport=2 &&
			pbc $W/pa add-port br0 vx0 type=vxlan remote_ip=10.99.0.2 key=5 ofport=3 ||
			return 1
		start_pb $B $W/pb || return 1
		pbc $W/pb add-br br0 &&
			pbc $W/pb add-port br0 vx0 type=vxlan remote_ip=10.99.0.1 key=5 ofport=1 &&
			pbc $W/pb add-port br0 pbtb-sb ofport=2 &&
			pb_flows $W/pb "in_port=1,actions=output:2" || return 1
		if [ $m = patchbay-plain ]; then
			pb_flows $W/pa "in_port=1,actions=output:2" || return 1
			SINK_DEV=pbtb-s1
		else
			pb_flows $W/pa "in_port=1,actions=output:3" || return 1
			SINK_DEV=pbtb-s2
		fi
		;;
	ovs-plain | ovs-plain-afxdp)
		start_ovs $A $W/ovsa || return 1
		rmem_raise
		vsc $W/ovsa add-br br-int -- set bridge br-int datapath_type=netdev \
			-- add-port br-int pbtb-ga $(ovs_if pbtb-ga 1) \
			-- add-port br-int pbtb-sa $(ovs_if pbtb-sa 2)
		local rc=$?
		rmem_restore
		[ $rc = 0 ] || return 1
		ovs_flows $W/ovsa br-int "in_port=1,actions=output:2" || return 1
		ovs_check_ports $W/ovsa || return 1
		SINK_DEV=pbtb-s1
		;;
	ovs-vxlan | ovs-vxlan-afxdp)
		start_ovs $A $W/ovsa && start_ovs $B $W/ovsb || return 1
		rmem_raise
		ovs_tunnel_side a && ovs_tunnel_side b
		local rc=$?
		rmem_restore
		[ $rc = 0 ] || return 1
		ovs_flows $W/ovsa br-int "in_port=1,actions=output:3" &&
			ovs_flows $W/ovsb br-int "in_port=3,actions=output:2" || return 1
		ovs_check_ports $W/ovsa && ovs_check_ports $W/ovsb || return 1
		SINK_DEV=pbtb-s2
		;;
	*)
		echo "unknown mode $m (modes: patchbay-plain patchbay-vxlan ovs-plain ovs-vxlan" \
			"ovs-plain-afxdp ovs-vxlan-afxdp)" >&2
		return 1
		;;
	esac
	sleep 1
}

# ------------------------------------------------------------------- measurement --
# Hops (namespace device counter): generator tx, switch A in, underlay out of A, underlay
# into B, B out to the sink, sink in; the plain modes skip the underlay and B.
hops() {
	if [ "$SINK_DEV" = pbtb-s1 ]; then
		echo "$G:pbtb-g0:tx $A:pbtb-ga:rx $A:pbtb-sa:tx $S:pbtb-s1:rx"
	else
		echo "$G:pbtb-g0:tx $A:pbtb-ga:rx $A:pbtb-ua:tx $B:pbtb-ub:rx $B:pbtb-sb:tx $S:pbtb-s2:rx"
	fi
}
snap() { # one line: the packet counter of every hop, then user+system ticks of the CPUs
	local h ns dev dir
	for h in $(hops); do
		IFS=: read -r ns dev dir <<<"$h"
		printf '%s ' "$(nsx "$ns" cat /sys/class/net/"$dev"/statistics/${dir}_packets)"
	done
	awk -v g="cpu$GEN_CPU" -v s="cpu$SW_CPU" '$1 == g || $1 == s { t = 0
		for (i = 2; i <= 9; i++) t += $i; b[$1] = t - $5 - $6; a[$1] = t }
		END { printf "%d %d %d %d\n", b[g], a[g], b[s], a[s] }' /proc/stat
}

# -> "sink_pps offered_pps gen_cpu% sw_cpu% hop_pps..." over DUR seconds after 1 s warm-up
measure() {
	setsid ip netns exec $G taskset -c "$GEN_CPU" trafgen --dev pbtb-g0 --conf $W/tg.cfg \
		--cpus 1 --num 0 --no-sock-mem --notouch-irq -b "$RATE" >$W/gen.log 2>&1 &
	echo $! >$W/gen.pid
	sleep 1
	local s0 s1 t0 t1
	s0=$(snap) t0=$(date +%s.%N)
	sleep "$DUR"
	s1=$(snap) t1=$(date +%s.%N)
	pgrep -g "$(cat $W/gen.pid)" trafgen >/dev/null || log "trafgen exited: $(tail -2 $W/gen.log)"
	stop_gen
	awk -v a="$s0" -v b="$s1" -v dt="$(awk -v x="$t0" -v y="$t1" 'BEGIN { print y - x }')" \
		'BEGIN { n = split(a, x, " "); split(b, y, " "); h = n - 4
		for (i = 1; i <= h; i++) r[i] = (y[i] - x[i]) / dt
		printf "%.0f %.0f %.0f %.0f", r[h], r[1],
			100 * (y[h + 1] - x[h + 1]) / (y[h + 2] - x[h + 2]),
			100 * (y[h + 3] - x[h + 3]) / (y[h + 4] - x[h + 4])
		for (i = 1; i <= h; i++) printf " %.0f", r[i]; print "" }'
}

median() {
	sort -n | awk '{ a[NR] = $1 }
		END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

run() {
	local m r sinks offs
	for t in trafgen ovs-vswitchd taskset; do
		command -v $t >/dev/null || {
			echo "missing $t (netsniff-ng, openvswitch-switch, util-linux)" >&2
			exit 1
		}
	done
	[ -x "$PB_BUILD/src/daemon/patchbayd" ] || {
		echo "no patchbayd under PB_BUILD=$PB_BUILD" >&2
		exit 1
	}
	trap teardown EXIT
	trap 'exit 130' INT TERM
	log "DUR=$DUR REPS=$REPS RATE=$RATE GEN_CPU=$GEN_CPU SW_CPU=$SW_CPU" \
		"loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
	for m in $MODES; do
		teardown
		setup
		log "mode $m"
		if ! mode_up "$m"; then
			echo "$m SETUP_FAILED (see the logs under $W)"
			continue
		fi
		sinks="" offs=""
		for _ in $(seq "$REPS"); do
			r=$(measure)
			sinks="$sinks ${r%% *}"
			offs="$offs $(cut -d' ' -f2 <<<"$r")"
		done
		set -- $r
		echo "$m $(tr ' ' '\n' <<<"$sinks" | grep . | median) pps" \
			"(runs:$sinks) offered $(tr ' ' '\n' <<<"$offs" | grep . | median)" \
			"gen_cpu $3% sw_cpu $4%"
		shift 4
		echo "    hops $(hops | tr ' ' '\n' | cut -d: -f2,3 | paste -sd' ') = $*"
	done
}

if [ "$(id -u)" != 0 ]; then
	echo "run as root" >&2
	exit 1
fi
case ${1:-run} in
run) run ;;
setup)
	teardown
	setup
	mode_up "${2:?usage: $0 setup MODE}" || exit 1
	log "$2 is up (generator: see measure() in $0); '$0 teardown' removes it"
	;;
teardown) teardown ;;
*)
	echo "usage: $0 [run | setup MODE | teardown]" >&2
	exit 2
	;;
esac
