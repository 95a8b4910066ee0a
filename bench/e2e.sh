#!/usr/bin/env bash
# e2e.sh - end-to-end forwarding benchmark: 64-byte frames per second from one namespace to
# another through a switch in a third, for Patchbay's socket data plane and, in the same run,
# the Linux bridge and Open vSwitch's userspace datapath. Method and knobs: bench/README.md.
#
#   pbb-gen                      pbb-sw (switch, CPU $SW_CPU)            pbb-sink
#   pbb-g0 <----veth----> pbb-gsw [bridge | OVS | Patchbay br0] pbb-ssw <----veth----> pbb-s0
#   pbb-gd <----------------------------veth (no switch)-----------------------> pbb-sd
#
# Usage: bench/e2e.sh [run|setup|teardown|report RAW]     (as root; default: run)
# Knobs (environment): DUR=10 REPS=3 MODES="ceiling bridge ovs patchbay-socket patchbay-socket-1k"
#   GEN=xdp-trafficgen|trafgen (default: xdp-trafficgen when its shim source is found)
#   patchbay-socket-1k = patchbay-socket with 1000 OpenFlow rules (udp6,in_port=1,tp_dst=N -> output:2)
#   in front of the default NORMAL flow
#   ovs-of, patchbay-of = OVS / Patchbay with a table installed by ovs-ofctl over OpenFlow
#   instead of NORMAL: the 1000 rules above plus in_port=1 -> 2, in_port=2 -> 1 (bench/ofp-bench.sh)
#   PB_BUILD=./build  GEN_CPU=0 SW_CPU=1  OUT=/tmp/pbb-results/<time>  XTG_SHIM=<path to .c>
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
. "$HERE/bench-lib.sh"
DUR=${DUR:-10}
REPS=${REPS:-3}
MODES=${MODES:-"ceiling bridge ovs patchbay-socket patchbay-socket-1k"}
GEN_CPU=${GEN_CPU:-0}
SW_CPU=${SW_CPU:-1}
PB_BUILD=${PB_BUILD:-./build}
OUT=${OUT:-/tmp/pbb-results/$(date +%Y%m%d-%H%M%S)}
W=/tmp/pbb-work # private state: BPF objects, OVS db, Patchbay db/socket, logs, pidfiles
NS_GEN=pbb-gen NS_SW=pbb-sw NS_SINK=pbb-sink
IP4_G=198.18.0.1 IP4_S=198.18.0.2 # RFC 2544 benchmarking range, only inside our namespaces
IP6_G=2001:2::1 IP6_S=2001:2::2   # RFC 5180 range (xdp-trafficgen's UDP mode is IPv6-only)
UDP_PORT=9
HZ=$(getconf CLK_TCK)
export OVS_RUNDIR=$W/ovs OVS_DBDIR=$W/ovs OVS_LOGDIR=$W/ovs OVS_SYSCONFDIR=$W/ovs
VSCTL=(ovs-vsctl "--db=unix:$W/ovs/db.sock" --timeout=10)

# The shim that lets Debian 12's xdp-trafficgen 1.3.1 run on newer kernels lives with the
# project's shared benchmark notes (a sibling of the repository), not in this tree.
if [ -z "${XTG_SHIM:-}" ]; then
	for c in "$REPO/../shared/bench/pa_xtg_shim.c" /work/shared/bench/pa_xtg_shim.c; do
		[ -f "$c" ] && { XTG_SHIM=$c; break; }
	done
fi
XTG_SHIM=${XTG_SHIM:-}
if [ -z "${GEN:-}" ]; then
	if [ -n "$XTG_SHIM" ]; then GEN=xdp-trafficgen; else GEN=trafgen; fi
fi


# ------------------------------------------------------------------------- tools --
need_tools() { # install whatever is missing (Debian package names)
	local want=(trafgen:netsniff-ng xdp-trafficgen:xdp-tools ovs-vswitchd:openvswitch-switch
		bpftool:bpftool jq:jq ethtool:ethtool clang:clang ping:iputils-ping
		taskset:util-linux /usr/include/bpf/bpf_helpers.h:libbpf-dev)
	local miss=() w
	for w in "${want[@]}"; do
		case ${w%%:*} in
		/*) [ -e "${w%%:*}" ] || miss+=("${w#*:}") ;;
		*) command -v "${w%%:*}" >/dev/null 2>&1 || miss+=("${w#*:}") ;;
		esac
	done
	[ ${#miss[@]} -eq 0 ] && return 0
	apt_install e2e.sh "${miss[@]}"
}

# ---------------------------------------------------------------------- teardown --
keep_logs() { # append daemon logs to $OUT (when a run writes there) before they are removed
	local f
	[ -d "$OUT" ] || return 0
	for f in "$@"; do
		[ -s "$f" ] && cat "$f" >>"$OUT/$(basename "$f")"
	done
	return 0
}

teardown() {
	[ -f $W/gen.pid ] && stop_gen "$(cat $W/gen.pid)"
	stop_pidfile $W/pb/patchbayd.pid patchbayd
	stop_pidfile $W/ovs/ovs-vswitchd.pid ovs-vswitchd
	stop_pidfile $W/ovs/ovsdb-server.pid ovsdb-server
	keep_logs $W/pb/patchbayd.log $W/pb/stdio.log $W/ovs/ovs-vswitchd.log
	local ns
	for ns in $NS_GEN $NS_SW $NS_SINK; do
		ip netns del $ns 2>/dev/null
	done
	rm -rf $W/pb $W/ovs
}

# ------------------------------------------------------------------------- setup --
build_helpers() {
	mkdir -p $W/bpf
	local p
	for p in SINK PASS; do
		clang -O2 -g -target bpf -I/usr/include/"$(uname -m)"-linux-gnu -DPBB_$p \
			-DPBB_PORT=$UDP_PORT -c "$HERE/pbb_xdp.bpf.c" -o $W/bpf/$p.o || exit 1
	done
	if [ "$GEN" = xdp-trafficgen ]; then
		[ -f "$XTG_SHIM" ] || {
			echo "GEN=xdp-trafficgen needs XTG_SHIM (pa_xtg_shim.c); try GEN=trafgen" >&2
			exit 2
		}
		clang -O2 -Wall -shared -fPIC -o $W/bpf/xtg_shim.so "$XTG_SHIM" -ldl -lbpf \
			-lpthread || exit 1
	elif [ "$GEN" != trafgen ]; then
		echo "GEN=$GEN: must be xdp-trafficgen or trafgen" >&2
		exit 2
	fi
}

mac_of() { nsx "$1" cat /sys/class/net/"$2"/address; }

setup_topology() {
	log "namespaces $NS_GEN $NS_SW $NS_SINK"
	local ns d
	for ns in $NS_GEN $NS_SW $NS_SINK; do
		ip netns add $ns || exit 1
		nsx $ns ip link set lo up
	done
	# veths are created directly inside the namespaces, never in the root namespace
	ip link add pbb-g0 netns $NS_GEN type veth peer name pbb-gsw netns $NS_SW || exit 1
	ip link add pbb-s0 netns $NS_SINK type veth peer name pbb-ssw netns $NS_SW || exit 1
	ip link add pbb-gd netns $NS_GEN type veth peer name pbb-sd netns $NS_SINK || exit 1
	nsx $NS_GEN ip addr add $IP4_G/24 dev pbb-g0
	nsx $NS_SINK ip addr add $IP4_S/24 dev pbb-s0
	nsx $NS_GEN ip addr add 198.18.1.1/24 dev pbb-gd
	nsx $NS_SINK ip addr add 198.18.1.2/24 dev pbb-sd
	for d in pbb-g0 pbb-gd; do nsx $NS_GEN ip link set $d up; done
	for d in pbb-s0 pbb-sd; do nsx $NS_SINK ip link set $d up; done
	for d in pbb-gsw pbb-ssw; do nsx $NS_SW ip link set $d up; done
	# the sink counts (and drops) the stream in XDP; pass-through XDP on the generator's
	# ends lets frames redirected into them (and their replies) be taken by the peer
	for d in pbb-s0 pbb-sd; do
		nsx $NS_SINK ip link set dev $d xdpdrv obj $W/bpf/SINK.o sec xdp || exit 1
	done
	for d in pbb-g0 pbb-gd; do
		nsx $NS_GEN ip link set dev $d xdpdrv obj $W/bpf/PASS.o sec xdp || exit 1
	done
	MAC_G0=$(mac_of $NS_GEN pbb-g0) MAC_S0=$(mac_of $NS_SINK pbb-s0)
	MAC_GD=$(mac_of $NS_GEN pbb-gd) MAC_SD=$(mac_of $NS_SINK pbb-sd)
	# trafgen frames: 14 Ethernet + 20 IPv4 + 8 UDP + 22 payload = 64 bytes without FCS
	echo "{ eth(da=$MAC_S0, sa=$MAC_G0), ipv4(saddr=$IP4_G, daddr=$IP4_S, ttl=64)," \
		"udp(sp=1024, dp=$UDP_PORT), fill(0x00, 22) }" >$W/tg-sw.cfg
	echo "{ eth(da=$MAC_SD, sa=$MAC_GD), ipv4(saddr=198.18.1.1, daddr=198.18.1.2, ttl=64)," \
		"udp(sp=1024, dp=$UDP_PORT), fill(0x00, 22) }" >$W/tg-direct.cfg
}

start_ovs() { # private ovsdb-server + ovs-vswitchd (userspace datapath) in the switch namespace
	log "starting a private Open vSwitch under $W/ovs"
	mkdir -p $W/ovs
	ovsdb-tool create $W/ovs/conf.db /usr/share/openvswitch/vswitch.ovsschema || return 1
	ovsdb-server $W/ovs/conf.db --remote=punix:$W/ovs/db.sock \
		--pidfile=$W/ovs/ovsdb-server.pid --detach --log-file=$W/ovs/ovsdb-server.log \
		-vconsole:off </dev/null >/dev/null 2>&1 || return 1
	"${VSCTL[@]}" --no-wait init || return 1
	"${VSCTL[@]}" --no-wait set Open_vSwitch . \
		other_config:pmd-cpu-mask="$(printf '0x%x' $((1 << SW_CPU)))" || return 1
	# the whole daemon on the switch CPU: AF_PACKET ports are polled by its main thread
	nsx $NS_SW taskset -c $SW_CPU ovs-vswitchd unix:$W/ovs/db.sock \
		--pidfile=$W/ovs/ovs-vswitchd.pid --detach --log-file=$W/ovs/ovs-vswitchd.log \
		-vconsole:off </dev/null >/dev/null 2>&1 || return 1
}

# ------------------------------------------------------------------------- modes --
PBD="" PBC=""
find_patchbay() { # sets PBD/PBC; returns 1 when the binaries are not built
	local b
	for b in "$PB_BUILD" "$REPO/$PB_BUILD"; do
		if [ -x "$b/src/daemon/patchbayd" ] && [ -x "$b/src/cli/pbctl" ]; then
			PBD=$(cd "$b" && pwd)/src/daemon/patchbayd PBC=$(cd "$b" && pwd)/src/cli/pbctl
			return 0
		fi
	done
	return 1
}

patchbay_up() {
	find_patchbay || {
		echo "no patchbayd/pbctl under PB_BUILD=$PB_BUILD"
		return 2
	}
	local sock=$W/pb/pb.sock
	mkdir -p $W/pb
	rm -f $W/pb/conf.json $sock
	# stdio to a file: a detached daemon must not hold the caller's $(...) pipe open
	nsx $NS_SW taskset -c $SW_CPU "$PBD" --db $W/pb/conf.json --socket $sock \
		--pidfile $W/pb/patchbayd.pid --log-file $W/pb/patchbayd.log --detach \
		</dev/null >>$W/pb/stdio.log 2>&1 || {
		echo "patchbayd did not start (see $W/pb/patchbayd.log, $W/pb/stdio.log)"
		return 1
	}
	for _ in $(seq 1 50); do
		[ -S $sock ] && [ -s $W/pb/patchbayd.pid ] && break
		sleep 0.1
	done
	[ -S $sock ] || {
		echo "patchbayd: no control socket after 5 s"
		return 1
	}
	"$PBC" --socket $sock add-br br0 || return 1
	"$PBC" --socket $sock add-port br0 pbb-gsw type=system >/dev/null || return 1
	"$PBC" --socket $sock add-port br0 pbb-ssw type=system >/dev/null || return 1
	[ "${1:-0}" -gt 0 ] || return 0
	# a flow table of $1 rules in front of the default NORMAL flow: UDP/IPv6 from the
	# generator port is forwarded by the rule for its destination port (9), so every
	# megaflow is built from a classification over the whole table
	local n
	for n in $(seq 1 "$1"); do
		echo "table=0,priority=100,udp6,in_port=1,tp_dst=$n,actions=output:2"
	done >$W/pb/flows.txt
	"$PBC" --socket $sock add-flows br0 $W/pb/flows.txt || return 1
}

mode_up() { # $1 mode; 0 = ready, 2 = skip, else failed (message on stdout)
	local d e
	case $1 in
	ceiling) ;;
	bridge) # Linux bridge; RPS moves its softirq work onto the switch CPU (its own core)
		nsx $NS_SW ip link add pbb-lbr type bridge || return 1
		nsx $NS_SW ip link set pbb-gsw master pbb-lbr || return 1
		nsx $NS_SW ip link set pbb-ssw master pbb-lbr || return 1
		nsx $NS_SW ip link set pbb-lbr up
		for d in pbb-gsw pbb-ssw; do
			nsx $NS_SW sh -c "printf %x $((1 << SW_CPU)) >/sys/class/net/$d/queues/rx-0/rps_cpus" ||
				return 1
		done ;;
	ovs | ovs-of) # userspace (netdev) datapath, AF_PACKET ("system") ports, action NORMAL
		[ -s $W/ovs/ovs-vswitchd.pid ] || {
			echo "ovs-vswitchd is not running (see $W/ovs/*.log)"
			return 1
		}
		"${VSCTL[@]}" -- --if-exists del-br pbb-obr -- add-br pbb-obr \
			-- set bridge pbb-obr datapath_type=netdev fail_mode=standalone \
			-- add-port pbb-obr pbb-gsw -- add-port pbb-obr pbb-ssw || return 1
		sleep 1
		for d in pbb-gsw pbb-ssw; do
			e=$("${VSCTL[@]}" get interface $d error 2>/dev/null)
			[ -z "$e" ] || [ "$e" = "[]" ] || {
				echo "ovs port $d: $e"
				return 1
			}
		done
		[ $1 = ovs ] || of_table "unix:$W/ovs/pbb-obr.mgmt" ;;
	patchbay-socket) patchbay_up 0 ;;
	patchbay-of)
		patchbay_up 0 || return 1
		"$PBC" --socket $W/pb/pb.sock set bridge br0 ofp-listen=ptcp:6698:127.0.0.1 || return 1
		of_table tcp:127.0.0.1:6698 ;;
	patchbay-socket-1k) patchbay_up 1000 ;;
	*)
		echo "unknown mode $1 (modes: ceiling bridge ovs patchbay-socket patchbay-socket-1k" \
			"ovs-of patchbay-of)"
		return 1 ;;
	esac
}

of_table() { # the flow table of the *-of modes, installed over OpenFlow by ovs-ofctl at $1
	local n
	{
		for n in $(seq 1 1000); do
			echo "table=0,priority=100,udp6,in_port=1,tp_dst=$n,actions=output:2"
		done
		echo "table=0,priority=1,in_port=1,actions=output:2"
		echo "table=0,priority=1,in_port=2,actions=output:1"
	} >$W/of-flows.txt
	nsx $NS_SW ovs-ofctl -O OpenFlow13 del-flows "$1" || return 1
	nsx $NS_SW ovs-ofctl -O OpenFlow13 add-flows "$1" $W/of-flows.txt || return 1
}

mode_down() {
	local d
	case $1 in
	bridge)
		for d in pbb-gsw pbb-ssw; do
			nsx $NS_SW sh -c "echo 0 >/sys/class/net/$d/queues/rx-0/rps_cpus"
		done
		nsx $NS_SW ip link del pbb-lbr 2>/dev/null ;;
	ovs | ovs-of)
		"${VSCTL[@]}" --if-exists del-br pbb-obr
		sleep 0.5 ;;
	patchbay-socket | patchbay-socket-1k | patchbay-of)
		stop_pidfile $W/pb/patchbayd.pid patchbayd
		keep_logs $W/pb/patchbayd.log $W/pb/stdio.log
		rm -rf $W/pb ;;
	esac
	for d in pbb-gsw pbb-ssw; do nsx $NS_SW ip link set $d up 2>/dev/null; done
}

# ------------------------------------------------------------------- measurement --
# warm-up in both directions so learning switches know both MACs; also a forwarding check
warm() {
	local ip=$IP4_S
	[ "$1" = ceiling ] && ip=198.18.1.2
	nsx $NS_GEN ping -c 3 -i 0.2 -W 1 -q $ip >/dev/null 2>&1
}

sink_map() { # id of the counter map behind the XDP program on device $1 in the sink
	local prog
	prog=$(nsx $NS_SINK ip -j link show dev "$1" | jq -r '.[0].xdp.prog.id // empty')
	[ -n "$prog" ] && bpftool prog show id "$prog" -j | jq -r '.map_ids[0]'
}
sink_count() { bpftool map lookup id "$1" key 0 0 0 0 -j | jq '[.formatted.values[].value] | add'; }
cpu_snap() { grep -E '^cpu[0-9]+ ' /proc/stat; }
# "busy% softirq%" of CPU $3 between /proc/stat snapshots $1 and $2
cpu_busy() {
	awk -v c="cpu$3" 'FNR == 1 { f++ } $1 == c { t = 0; for (i = 2; i <= 9; i++) t += $i
		tot[f] = t; idle[f] = $5 + $6; si[f] = $8 }
		END { dt = tot[2] - tot[1]; if (dt <= 0) { print "0 0"; exit }
		printf "%.1f %.1f\n", 100 * (dt - (idle[2] - idle[1])) / dt, 100 * (si[2] - si[1]) / dt }' \
		"$1" "$2"
}
proc_ticks() { # user+system ticks of process $1 (all threads), 0 if none
	if [ -n "$1" ] && [ -r /proc/"$1"/stat ]; then
		sed 's/.*) //' /proc/"$1"/stat | awk '{ print $12 + $13 }'
	else
		echo 0
	fi
}

start_gen() { # $1 tx device in the generator namespace; sets GEN_PID
	local dev=$1 smac dmac cfg
	if [ "$dev" = pbb-gd ]; then
		smac=$MAC_GD dmac=$MAC_SD cfg=$W/tg-direct.cfg
	else
		smac=$MAC_G0 dmac=$MAC_S0 cfg=$W/tg-sw.cfg
	fi
	# setsid, ip, taskset and env exec into the generator, so $! is the generator's own PID
	# and the ID of its process group, which also holds trafgen's worker processes
	if [ "$GEN" = xdp-trafficgen ]; then
		# xdp-tools' lock of a generator killed while loading is never reclaimed
		# ("Unable to read PID from lockfile"): drop it if its process is gone
		local lck=/run/xdp-trafficgen.lck lpid
		lpid=$(cat $lck 2>/dev/null)
		[ -f $lck ] && ! kill -0 "${lpid:-0}" 2>/dev/null && rm -f $lck
		setsid ip netns exec $NS_GEN taskset -c $GEN_CPU env LD_PRELOAD=$W/bpf/xtg_shim.so \
			PA_XTG_CPU=$GEN_CPU xdp-trafficgen udp -m "$dmac" -M "$smac" -A $IP6_G \
			-a $IP6_S -P 1024 -p $UDP_PORT -t 1 -I 1 "$dev" >$W/gen.log 2>&1 &
	else
		# the sendto() path (-b): with the switch on another core the TX ring path
		# gives up on the first EAGAIN from a full veth queue
		setsid ip netns exec $NS_GEN taskset -c $GEN_CPU trafgen --dev "$dev" --conf "$cfg" \
			--cpus 1 --num 0 --no-sock-mem --notouch-irq -b 3000000pps \
			>$W/gen.log 2>&1 &
	fi
	GEN_PID=$!
	echo $GEN_PID >$W/gen.pid
}

gen_procs() { # live generator processes of process group $1 (a generator we started)
	local p
	for p in $(pgrep -g "$1" 2>/dev/null); do
		case $(cat /proc/"$p"/comm 2>/dev/null) in
		trafgen | xdp-trafficgen)
			[ "$(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null | cut -c1)" = Z ] || echo "$p" ;;
		esac
	done
}

stop_gen() { # $1 generator PID (= its process group), default: the one start_gen started
	local pg=${1:-${GEN_PID:-}}
	[ -n "$pg" ] || return 0
	local p
	for p in $(gen_procs "$pg"); do kill -INT "$p"; done
	for _ in $(seq 1 50); do
		[ -z "$(gen_procs "$pg")" ] && break
		sleep 0.1
	done
	for p in $(gen_procs "$pg"); do kill -KILL "$p"; done
	wait "$pg" 2>/dev/null
	rm -f $W/gen.pid
	GEN_PID=
}

# $1 mode, $2 seconds -> "pps offered_pps sw_busy% sw_softirq% gen_busy% daemon_cpu%"
measure() {
	local mode=$1 dur=$2 dev=pbb-g0 sink=pbb-s0 gsw_pass=0
	[ "$mode" = ceiling ] && dev=pbb-gd sink=pbb-sd
	# redirected frames are only taken by a veth whose peer runs XDP: pass-through on the
	# switch's ingress port for the measurement (the switch still gets an ordinary skb)
	if [ "$GEN" = xdp-trafficgen ] && [ "$mode" != ceiling ]; then
		nsx $NS_SW ip link set dev pbb-gsw xdpdrv obj $W/bpf/PASS.o sec xdp && gsw_pass=1
	fi
	local map pid=
	map=$(sink_map $sink)
	case $mode in
	ovs | ovs-of) pid=$(cat $W/ovs/ovs-vswitchd.pid 2>/dev/null) ;;
	patchbay-*) pid=$(cat $W/pb/patchbayd.pid 2>/dev/null) ;;
	esac
	start_gen $dev
	# xdp-trafficgen needs 0.5-3 s to load its programs (more on a busy machine): wait
	# until frames flow (at most 15 s), then 1 s of warm-up traffic
	local x w
	x=$(nsx $NS_GEN cat /sys/class/net/$dev/statistics/tx_packets)
	for w in $(seq 1 150); do
		sleep 0.1
		[ -n "$(gen_procs "$GEN_PID")" ] || break
		[ "$(nsx $NS_GEN cat /sys/class/net/$dev/statistics/tx_packets)" -gt $((x + 1000)) ] && break
	done
	[ "$w" = 150 ] && log "$mode: the generator sent nothing for 15 s"
	sleep 1
	local c0 c1 x0 x1 p0 p1 t0 t1
	c0=$(sink_count "$map") x0=$(nsx $NS_GEN cat /sys/class/net/$dev/statistics/tx_packets)
	p0=$(proc_ticks "$pid")
	cpu_snap >$W/cpu0
	t0=$(date +%s.%N)
	sleep "$dur"
	c1=$(sink_count "$map") x1=$(nsx $NS_GEN cat /sys/class/net/$dev/statistics/tx_packets)
	p1=$(proc_ticks "$pid")
	cpu_snap >$W/cpu1
	t1=$(date +%s.%N)
	[ -n "$(gen_procs "$GEN_PID")" ] || log "generator exited early: $(tail -3 $W/gen.log)"
	stop_gen
	[ $gsw_pass = 1 ] && nsx $NS_SW ip link set dev pbb-gsw xdpdrv off
	local sw gen
	sw=$(cpu_busy $W/cpu0 $W/cpu1 $SW_CPU)
	gen=$(cpu_busy $W/cpu0 $W/cpu1 $GEN_CPU)
	awk -v c0="$c0" -v c1="$c1" -v x0="$x0" -v x1="$x1" -v t0="$t0" -v t1="$t1" \
		-v p0="$p0" -v p1="$p1" -v hz="$HZ" -v sw="$sw" -v gen="${gen%% *}" \
		-v havepid="${pid:+1}" 'BEGIN { dt = t1 - t0
		d = havepid ? sprintf("%.1f", 100 * (p1 - p0) / hz / dt) : "-"
		printf "%.0f %.0f %s %s %s\n", (c1 - c0) / dt, (x1 - x0) / dt, sw, gen, d }'
}

# ------------------------------------------------------------------------ report --
median() {
	grep -E '^[0-9]' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
		printf "%.10g\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
col() { awk -v m="$2" -v f="$3" '!/^#/ && $2 == m && $3 ~ /^[0-9]/ { print $f }' "$1"; }
fmt_pps() { awk -v p="$1" 'BEGIN { if (p !~ /^[0-9.]+$/) print p; else printf "%.3f M", p / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9.]+$"
	if (a ~ n && b ~ n && b > 0) printf "%.2f", a / b; else print "-" }'; }

report() { # markdown table of medians over repetitions + the targets
	local R=$1 m p o b s d per bpps opps
	bpps=$(col "$R" bridge 3 | median)
	opps=$(col "$R" ovs 3 | median)
	echo
	echo "| mode | forwarded pps (median) | offered pps | pps per switch core (switch CPU busy%) | vs Linux bridge (own core) | vs OVS AF_PACKET |"
	echo "|---|---|---|---|---|---|"
	for m in $(awk '!/^#/ { print $2 }' "$R" | awk '!s[$0]++'); do
		p=$(col "$R" $m 3 | median)
		if [ "$p" = nan ]; then
			p=$(awk -v m=$m '!/^#/ && $2 == m { s = $3 } END { print s }' "$R")
			echo "| $m | $p | - | - | - | - |"
			continue
		fi
		o=$(col "$R" $m 4 | median)
		b=$(col "$R" $m 5 | median)
		s=$(col "$R" $m 6 | median)
		d=$(col "$R" $m 8 | median)
		per=$(awk -v m=$m '!/^#/ && $2 == m && $3 ~ /^[0-9]/ && $5 > 0 { print $3 * 100 / $5 }' "$R" |
			median)
		if [ $m = ceiling ]; then
			per="- (no switch)"
		else
			per="$(fmt_pps "$per") (${b}%, softirq ${s}%$([ "$d" != nan ] && echo ", daemon ${d}%"))"
		fi
		echo "| $m | $(fmt_pps "$p") | $(fmt_pps "$o") | $per | $(ratio "$p" "$bpps") | $(ratio "$p" "$opps") |"
	done
	echo
	sed -n 's/^# run: /run: /p' "$R"
	p=$(col "$R" patchbay-socket 3 | median)
	if [ "$p" != nan ]; then
		echo "targets: Patchbay/bridge $(ratio "$p" "$bpps") (>= 1.0)," \
			"Patchbay/OVS $(ratio "$p" "$opps") (>= 2.5)"
	fi
	echo "raw results: $R"
}

# -------------------------------------------------------------------------- main --
run() {
	need_tools
	teardown # leftovers of an earlier run (before $OUT exists: their logs are not kept)
	mkdir -p $W "$OUT" || exit 1
	trap teardown EXIT
	trap 'exit 130' INT TERM
	build_helpers
	setup_topology
	case " $MODES " in *" ovs "* | *" ovs-of "*) start_ovs || log "Open vSwitch did not start" ;; esac
	if [ "$GEN" = xdp-trafficgen ]; then # check the generator once; fall back to trafgen
		local probe
		probe=$(measure ceiling 1 | cut -d' ' -f1)
		if [ "${probe:-0}" -lt 1000 ]; then
			log "xdp-trafficgen sent nothing ($(tail -2 $W/gen.log | tr '\n' ' ')); using trafgen"
			GEN=trafgen
		fi
	fi
	local R=$OUT/raw.txt load
	load=$(cut -d' ' -f1 /proc/loadavg)
	awk -v l="$load" 'BEGIN { exit !(l > 1.0) }' &&
		log "warning: load average $load before the run: other work competes for the 2 CPUs"
	{
		echo "# run: $(date -Is) kernel $(uname -r) GEN=$GEN DUR=$DUR REPS=$REPS" \
			"loadavg=$load GEN_CPU=$GEN_CPU SW_CPU=$SW_CPU patchbay=$(git -C "$REPO" describe --always --dirty 2>/dev/null)"
		echo "# rep mode pps offered_pps sw_cpu_busy% sw_cpu_softirq% gen_cpu_busy% daemon_cpu%"
	} >"$R"
	log "GEN=$GEN DUR=$DUR REPS=$REPS MODES=$MODES -> $OUT"
	local rep mode msg rc tag
	for rep in $(seq 1 "$REPS"); do
		for mode in $MODES; do # modes interleaved within each repetition
			msg=$(mode_up $mode 2>&1)
			rc=$?
			if [ $rc -ne 0 ]; then
				[ $rc -eq 2 ] && tag=SKIPPED || tag=SETUP_FAILED
				echo "$rep $mode $tag $msg" | tr '\n' ' ' >>"$R"
				echo >>"$R"
				log "rep $rep $mode: $tag: $msg"
				mode_down $mode
				continue
			fi
			if ! warm $mode; then
				log "rep $rep $mode: warm-up ping failed (not forwarding?)"
			fi
			echo "$rep $mode $(measure $mode "$DUR")" >>"$R"
			log "rep $rep $mode: $(tail -1 "$R" | cut -d' ' -f3-)"
			mode_down $mode
		done
	done
	report "$R" | tee "$OUT/table.md"
}

case ${1:-run} in
run) run ;;
setup)
	need_tools
	mkdir -p $W
	teardown
	build_helpers
	setup_topology
	;;
teardown) teardown ;;
report) report "${2:?usage: $0 report RAW}" ;;
lib) ;; # sourced (". e2e.sh lib", bench/capture.sh): the functions only
*)
	echo "usage: $0 [run|setup|teardown|report RAW]" >&2
	exit 2
	;;
esac
