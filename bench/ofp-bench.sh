#!/usr/bin/env bash
# ofp-bench.sh - OpenFlow agent benchmarks, Patchbay against Open vSwitch measured in the same
# run with the same client input (method and numbers: bench/README.md, "OpenFlow agent"):
#   flowmod   100k distinct flows in one file, over one TCP connection: (blast) all FLOW_MODs
#             back to back then one BARRIER (ofp-flowmod-blast.c), and (ofctl) `ovs-ofctl -O
#             OpenFlow13 add-flows`, which waits for a BARRIER reply after every FLOW_MOD
#   pktin     a table-miss -> CONTROLLER flow, new-flow UDP packets from trafgen in a
#             namespace, a minimal controller (ofp-pktin-count.c) counting PACKET_INs per second
#   e2e       bench/e2e.sh with MODES="ovs-of patchbay-of": forwarding through a flow table
#             installed by ovs-ofctl over an OpenFlow connection
#
# Usage: bench/ofp-bench.sh [all|flowmod|pktin|e2e]     (as root; default: all)
# Knobs (environment): REPS=3 NFLOWS=100000 PIN_DUR=5 PIN_RATE=1000000 PB_BUILD=./build
#   SW_CPU=1 GEN_CPU=0  OUT=/tmp/pbo-results/<time>
# Everything lives in the namespaces pbo-sw and pbo-gen and under /tmp/pbo-work; the OVS
# daemons are private (own database, sockets, pidfiles) and stopped at the end.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
. "$HERE/bench-lib.sh"
REPS=${REPS:-3}
NFLOWS=${NFLOWS:-100000}
PIN_DUR=${PIN_DUR:-5}
PIN_RATE=${PIN_RATE:-1000000}
SW_CPU=${SW_CPU:-1}
GEN_CPU=${GEN_CPU:-0}
PB_BUILD=${PB_BUILD:-./build}
OUT=${OUT:-/tmp/pbo-results/$(date +%Y%m%d-%H%M%S)}
W=/tmp/pbo-work
NS_SW=pbo-sw NS_GEN=pbo-gen
OF_PB=6701 OF_OVS=6702 CTL_PORT=6703 # TCP ports on 127.0.0.1 inside $NS_SW only
export OVS_RUNDIR=$W/ovs OVS_DBDIR=$W/ovs OVS_LOGDIR=$W/ovs OVS_SYSCONFDIR=$W/ovs
VSCTL=(ovs-vsctl "--db=unix:$W/ovs/db.sock" --timeout=10)
OFCTL=(ovs-ofctl -O OpenFlow13)


need_tools() { # install what is missing (Debian package names); OVS is for the bench only
	local want=(ovs-ofctl:openvswitch-common ovs-vswitchd:openvswitch-switch
		trafgen:netsniff-ng cc:gcc taskset:util-linux)
	local miss=() w
	for w in "${want[@]}"; do
		command -v "${w%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${w%%:*}" ] || miss+=("${w#*:}")
	done
	[ ${#miss[@]} -eq 0 ] && return 0
	apt_install ofp-bench.sh "${miss[@]}"
}

PBD="" PBC="" BLAST=""
find_patchbay() {
	local b
	for b in "$PB_BUILD" "$REPO/$PB_BUILD"; do
		if [ -x "$b/src/daemon/patchbayd" ] && [ -x "$b/src/cli/pbctl" ] &&
			[ -x "$b/bench/ofp-flowmod-blast" ]; then
			PBD=$(cd "$b" && pwd)/src/daemon/patchbayd PBC=$(cd "$b" && pwd)/src/cli/pbctl
			BLAST=$(cd "$b" && pwd)/bench/ofp-flowmod-blast
			return 0
		fi
	done
	echo "no patchbayd/pbctl/bench/ofp-flowmod-blast under PB_BUILD=$PB_BUILD" >&2
	exit 2
}
pbc() { "$PBC" --socket $W/pb/pb.sock "$@"; }

teardown() {
	[ -f $W/gen.pid ] && stop_gen
	stop_pidfile $W/pb/patchbayd.pid patchbayd
	stop_pidfile $W/ovs/ovs-vswitchd.pid ovs-vswitchd
	stop_pidfile $W/ovs/ovsdb-server.pid ovsdb-server
	if [ -d "$OUT" ]; then
		for f in $W/pb/patchbayd.log $W/ovs/ovs-vswitchd.log; do
			[ -s "$f" ] && cp "$f" "$OUT/"
		done
	fi
	ip netns del $NS_GEN 2>/dev/null
	ip netns del $NS_SW 2>/dev/null
	rm -rf $W/pb $W/ovs
}

setup() {
	mkdir -p $W "$OUT"
	cc -O2 -Wall -o $W/pktin-count "$HERE/ofp-pktin-count.c" || exit 1
	ip netns add $NS_SW && ip netns add $NS_GEN || exit 1
	nsx $NS_SW ip link set lo up
	nsx $NS_GEN ip link set lo up
	ip link add pbo-g0 netns $NS_GEN type veth peer name pbo-gsw netns $NS_SW || exit 1
	nsx $NS_GEN ip link set pbo-g0 up
	nsx $NS_SW ip link set pbo-gsw up
	# new-flow packets: every frame another UDP source port
	echo "{ eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01), ipv4(saddr=198.18.0.1," \
		"daddr=198.18.0.2, ttl=64), udp(sp=dinc(1024, 65000), dp=9), fill(0x00, 22) }" \
		>$W/pktin.cfg
	# Patchbay: one bridge, one port, a passive OpenFlow listener
	mkdir -p $W/pb
	nsx $NS_SW taskset -c $SW_CPU "$PBD" --db $W/pb/conf.json --socket $W/pb/pb.sock \
		--pidfile $W/pb/patchbayd.pid --log-file $W/pb/patchbayd.log --detach \
		</dev/null >>$W/pb/stdio.log 2>&1 || exit 1
	for _ in $(seq 1 50); do
		[ -S $W/pb/pb.sock ] && break
		sleep 0.1
	done
	pbc add-br br0 && pbc set bridge br0 fail-mode=secure "ofp-listen=ptcp:$OF_PB:127.0.0.1" || exit 1
	# Open vSwitch: private ovsdb-server + ovs-vswitchd, userspace datapath, same CPU
	mkdir -p $W/ovs
	ovsdb-tool create $W/ovs/conf.db /usr/share/openvswitch/vswitch.ovsschema || exit 1
	ovsdb-server $W/ovs/conf.db --remote=punix:$W/ovs/db.sock \
		--pidfile=$W/ovs/ovsdb-server.pid --detach --log-file=$W/ovs/ovsdb-server.log \
		-vconsole:off </dev/null >/dev/null 2>&1 || exit 1
	"${VSCTL[@]}" --no-wait init || exit 1
	nsx $NS_SW taskset -c $SW_CPU ovs-vswitchd unix:$W/ovs/db.sock \
		--pidfile=$W/ovs/ovs-vswitchd.pid --detach --log-file=$W/ovs/ovs-vswitchd.log \
		-vconsole:off </dev/null >/dev/null 2>&1 || exit 1
	"${VSCTL[@]}" add-br pbo-obr -- set bridge pbo-obr datapath_type=netdev fail_mode=secure \
		-- set-controller pbo-obr "ptcp:$OF_OVS:127.0.0.1" || exit 1
	for _ in $(seq 1 50); do
		nsx $NS_SW "${OFCTL[@]}" probe tcp:127.0.0.1:$OF_OVS >/dev/null 2>&1 && break
		sleep 0.1
	done
	nsx $NS_SW "${OFCTL[@]}" probe tcp:127.0.0.1:$OF_PB || {
		echo "Patchbay's OpenFlow listener does not answer" >&2
		exit 1
	}
}

median() {
	sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
		printf "%.10g\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# ------------------------------------------------------------------ flow-mod rate --
gen_flows() { # $1 file: NFLOWS distinct rules (udp, nw_dst, tp_dst), output to port 1
	awk -v n="$NFLOWS" 'BEGIN { for (i = 0; i < n; i++)
		printf "table=0,priority=%d,udp,nw_dst=10.%d.%d.%d,tp_dst=%d,actions=output:1\n",
			100 + i % 7, int(i / 65536) % 256, int(i / 256) % 256, i % 256, 1 + i % 4000 }' >"$1"
}

# $1 OpenFlow port, $2 client (ofctl | blast) -> flow-mods per second (count checked after)
flowmod_once() {
	local target=tcp:127.0.0.1:$1 t0 t1 n rate
	nsx $NS_SW "${OFCTL[@]}" del-flows $target || return 1
	t0=$(date +%s.%N)
	if [ "$2" = ofctl ]; then
		nsx $NS_SW "${OFCTL[@]}" add-flows $target $W/flows.txt || return 1
	else
		rate=$(nsx $NS_SW "$BLAST" "$1" $W/flows.txt) || return 1
	fi
	t1=$(date +%s.%N)
	n=$(nsx $NS_SW "${OFCTL[@]}" dump-aggregate $target | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p')
	[ "$n" = "$NFLOWS" ] || {
		echo "expected $NFLOWS flows after add-flows, the switch has ${n:-?}" >&2
		return 1
	}
	if [ "$2" = ofctl ]; then
		awk -v n="$NFLOWS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", n / (b - a) }'
	else
		echo "$rate" | awk '{ print $2 }'
	fi
	nsx $NS_SW "${OFCTL[@]}" del-flows $target
}

bench_flowmod() {
	gen_flows $W/flows.txt
	log "flowmod: $NFLOWS flows, $REPS runs each, clients: ovs-ofctl add-flows, ofp-flowmod-blast"
	local r p o c
	for r in $(seq 1 "$REPS"); do
		for c in blast ofctl; do
			p=$(flowmod_once $OF_PB $c) || p=FAILED
			o=$(flowmod_once $OF_OVS $c) || o=FAILED
			echo "$r flowmod-$c patchbay $p" >>$OUT/raw.txt
			echo "$r flowmod-$c ovs $o" >>$OUT/raw.txt
			log "flowmod-$c run $r: patchbay $p/s, ovs $o/s"
		done
	done
}

# ------------------------------------------------------------------ PACKET_IN rate --
start_gen() {
	setsid ip netns exec $NS_GEN taskset -c $GEN_CPU trafgen --dev pbo-g0 --conf $W/pktin.cfg \
		--cpus 1 --num 0 --no-sock-mem --notouch-irq -b "${PIN_RATE}pps" >$W/gen.log 2>&1 &
	echo $! >$W/gen.pid
}

stop_gen() {
	local pg p
	pg=$(cat $W/gen.pid 2>/dev/null)
	[ -n "$pg" ] || return 0
	for p in $(pgrep -g "$pg" 2>/dev/null); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = trafgen ] && kill -INT "$p"
	done
	sleep 0.5
	for p in $(pgrep -g "$pg" 2>/dev/null); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = trafgen ] && kill -KILL "$p"
	done
	rm -f $W/gen.pid
}

pktin_once() { # $1 patchbay|ovs -> PACKET_INs per second
	local which=$1 target res x0 x1
	[ "$which" = patchbay ] && target=tcp:127.0.0.1:$OF_PB || target=tcp:127.0.0.1:$OF_OVS
	nsx $NS_SW taskset -c $GEN_CPU $W/pktin-count $CTL_PORT 1 "$PIN_DUR" >$W/pktin.out \
		2>$W/pktin.err &
	local cpid=$!
	for _ in $(seq 1 50); do
		grep -q listening $W/pktin.out 2>/dev/null && break
		sleep 0.1
	done
	# the generator's veth joins only the switch under test (both would read it otherwise)
	if [ "$which" = patchbay ]; then
		pbc add-port br0 pbo-gsw type=system >/dev/null &&
			pbc set-controller br0 tcp:127.0.0.1:$CTL_PORT || return 1
	else
		"${VSCTL[@]}" add-port pbo-obr pbo-gsw -- set-controller pbo-obr \
			"ptcp:$OF_OVS:127.0.0.1" tcp:127.0.0.1:$CTL_PORT \
			-- set bridge pbo-obr other-config:disable-in-band=true || return 1
	fi
	# the table-miss flow after set-controller: OVS empties the tables when a bridge gets
	# its first controller
	sleep 0.5
	nsx $NS_SW "${OFCTL[@]}" del-flows $target || return 1
	nsx $NS_SW "${OFCTL[@]}" add-flow $target "priority=0,actions=CONTROLLER:65535" || return 1
	sleep 0.5
	x0=$(nsx $NS_GEN cat /sys/class/net/pbo-g0/statistics/tx_packets)
	start_gen
	wait $cpid
	x1=$(nsx $NS_GEN cat /sys/class/net/pbo-g0/statistics/tx_packets)
	stop_gen
	if [ "$which" = patchbay ]; then
		pbc del-controller br0
		pbc del-port br0 pbo-gsw
	else
		"${VSCTL[@]}" del-port pbo-obr pbo-gsw -- set-controller pbo-obr "ptcp:$OF_OVS:127.0.0.1"
	fi
	nsx $NS_SW ip link set pbo-gsw up
	nsx $NS_SW "${OFCTL[@]}" del-flows $target
	res=$(sed -n 's/^rate \([0-9]*\).*/\1/p' $W/pktin.out)
	[ -n "$res" ] || {
		echo "no PACKET_IN rate: $(cat $W/pktin.err)" >&2
		return 1
	}
	echo "$res $x0 $x1"
}

bench_pktin() {
	log "pktin: trafgen at ${PIN_RATE} pps of new flows, ${PIN_DUR} s, $REPS runs each"
	local r w v
	for r in $(seq 1 "$REPS"); do
		for w in patchbay ovs; do
			v=$(pktin_once $w) || v=FAILED
			echo "$r pktin $w ${v%% *}" >>$OUT/raw.txt
			log "pktin run $r: $w ${v%% *} PACKET_IN/s"
		done
	done
}

# ------------------------------------------------------------------------- report --
report() {
	local R=$1 k p o
	echo
	echo "| benchmark | Patchbay (median) | Open vSwitch (median) | Patchbay / OVS |"
	echo "|---|---|---|---|"
	for k in flowmod-blast flowmod-ofctl pktin; do
		p=$(awk -v k=$k '$2 == k && $3 == "patchbay" && $4 ~ /^[0-9]/ { print $4 }' "$R" | median)
		o=$(awk -v k=$k '$2 == k && $3 == "ovs" && $4 ~ /^[0-9]/ { print $4 }' "$R" | median)
		[ "$p" = nan ] && [ "$o" = nan ] && continue
		case $k in
		flowmod-blast) echo "| flow-mods/s ($NFLOWS FLOW_MODs back to back + 1 BARRIER) | $p | $o | $(ratio "$p" "$o") |" ;;
		flowmod-ofctl) echo "| flow-mods/s ($NFLOWS flows, ovs-ofctl add-flows: FLOW_MOD + BARRIER each) | $p | $o | $(ratio "$p" "$o") |" ;;
		pktin) echo "| PACKET_IN/s (table-miss, new flows) | $p | $o | $(ratio "$p" "$o") |" ;;
		esac
	done
	p=$(awk '$2 == "flowmod-blast" && $3 == "patchbay" && $4 ~ /^[0-9]/ { print $4 }' "$R" | median)
	o=$(awk '$2 == "flowmod-blast" && $3 == "ovs" && $4 ~ /^[0-9]/ { print $4 }' "$R" | median)
	[ "$p" != nan ] && echo && echo "target: flow-mod rate >= 100000/s ($p) and >= 1.5x OVS ($(ratio "$p" "$o"))"
	echo "raw results: $R"
}

main() {
	local what=${1:-all}
	[ "$(id -u)" = 0 ] || {
		echo "ofp-bench.sh: run as root" >&2
		exit 2
	}
	need_tools
	find_patchbay
	teardown
	mkdir -p "$OUT"
	echo "# run: $(date -Is) kernel $(uname -r) REPS=$REPS NFLOWS=$NFLOWS PIN_RATE=$PIN_RATE" \
		"loadavg=$(cut -d' ' -f1 /proc/loadavg) patchbay=$(git -C "$REPO" describe --always --dirty 2>/dev/null)" \
		>$OUT/raw.txt
	case $what in
	all | flowmod | pktin)
		trap teardown EXIT
		trap 'exit 130' INT TERM
		setup
		case $what in flowmod | all) bench_flowmod ;; esac
		case $what in pktin | all) bench_pktin ;; esac
		teardown
		trap - EXIT
		report $OUT/raw.txt | tee $OUT/table.md ;;
	esac
	case $what in
	all | e2e)
		log "e2e: bench/e2e.sh with a flow table installed over OpenFlow (MODES=\"ovs-of patchbay-of\")"
		MODES=${E2E_MODES:-"ovs-of patchbay-of"} PB_BUILD=$PB_BUILD OUT=$OUT/e2e "$HERE/e2e.sh" run
		local p o
		p=$(awk '$2 == "patchbay-of" && $3 ~ /^[0-9]/ { print $3 }' $OUT/e2e/raw.txt | median)
		o=$(awk '$2 == "ovs-of" && $3 ~ /^[0-9]/ { print $3 }' $OUT/e2e/raw.txt | median)
		echo "e2e forwarding through an OpenFlow-installed table: Patchbay $p pps," \
			"OVS $o pps, ratio $(ratio "$p" "$o")" | tee -a $OUT/table.md ;;
	esac
}

main "$@"
