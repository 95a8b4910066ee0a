#!/usr/bin/env bash
# capture.sh - the monitoring tap at full forwarding rate: Patchbay's forwarding pps in the
# bench/e2e.sh topology without a capture and with `pbctl capture` running on the bridge
# (every frame in and out of both ports), and the capture's loss counts. Reuses e2e.sh's
# topology, generator and measurement (sourced as a library). Method: bench/README.md.
#
# Usage: bench/capture.sh [run|report RAW]     (as root; default: run)
# Knobs (environment): DUR=10 REPS=3 CAPS="none full snap64" PB_BUILD=./build GEN=...
#   none   = no capture (the baseline)
#   full   = pbctl capture br0 -w /dev/null (whole frames, pcapng, both ports, both directions)
#   snap64 = the same with --snaplen 64
#   file   = whole frames to a pcapng file in /dev/shm (deleted after each measurement)
#   OUT=/tmp/pbb-results/capture-<time>
set -u

CAP_HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/pbb-results/capture-$(date +%Y%m%d-%H%M%S)}
# shellcheck disable=SC2034 # read by e2e.sh's functions
MODES="patchbay-socket"
# shellcheck source=bench/e2e.sh
. "$CAP_HERE/e2e.sh" lib
CAPS=${CAPS:-"none full snap64"}
CAP_PID=""

cap_start() { # $1 variant: starts pbctl capture in the background, waits until it captures
	local args=(--socket "$W/pb/pb.sock" capture br0)
	case $1 in
	full) args+=(-w /dev/null) ;;
	snap64) args+=(--snaplen 64 -w /dev/null) ;;
	file) args+=(-w /dev/shm/pbb-capture.pcapng) ;;
	*)
		echo "unknown capture variant $1 (none full snap64 file)" >&2
		return 1 ;;
	esac
	: >"$W/cap.err"
	"$PBC" "${args[@]}" 2>"$W/cap.err" &
	CAP_PID=$!
	for _ in $(seq 1 50); do
		grep -q "capturing on" "$W/cap.err" && return 0
		kill -0 $CAP_PID 2>/dev/null || break
		sleep 0.1
	done
	echo "pbctl capture did not start: $(cat "$W/cap.err")" >&2
	return 1
}

# Stops the capture (SIGTERM: a background job of a script ignores SIGINT), waits for pbctl
# to finish and sets CAP_RESULT to "captured ring_lost daemon_lost" from its summary.
CAP_RESULT="- - -"
cap_stop() {
	[ -n "$CAP_PID" ] || return 0
	kill -TERM $CAP_PID 2>/dev/null
	wait $CAP_PID
	CAP_PID=""
	rm -f /dev/shm/pbb-capture.pcapng
	CAP_RESULT=$(sed -n 's/.*ended ([^)]*): \([0-9]*\) packets captured, \([0-9]*\) lost in the datapath ring, \([0-9]*\) lost in the daemon.*/\1 \2 \3/p' \
		"$W/cap.err" | tail -1)
	[ -n "$CAP_RESULT" ] || CAP_RESULT="- - -"
}

run_capture() {
	need_tools
	teardown
	mkdir -p $W "$OUT" || exit 1
	trap 'cap_stop; teardown' EXIT
	trap 'exit 130' INT TERM
	build_helpers
	setup_topology
	if [ "$GEN" = xdp-trafficgen ]; then
		local probe
		probe=$(measure ceiling 1 | cut -d' ' -f1)
		if [ "${probe:-0}" -lt 1000 ]; then
			log "xdp-trafficgen sent nothing; using trafgen"
			GEN=trafgen
		fi
	fi
	local R=$OUT/raw.txt rep v m c
	{
		echo "# run: $(date -Is) kernel $(uname -r) GEN=$GEN DUR=$DUR REPS=$REPS" \
			"loadavg=$(cut -d' ' -f1 /proc/loadavg) patchbay=$(git -C "$REPO" describe --always --dirty 2>/dev/null)"
		echo "# rep variant pps offered_pps sw_cpu_busy% sw_cpu_softirq% gen_cpu_busy% daemon_cpu% captured ring_lost daemon_lost"
	} >"$R"
	log "GEN=$GEN DUR=$DUR REPS=$REPS CAPS=$CAPS -> $OUT"
	for rep in $(seq 1 "$REPS"); do
		mode_up patchbay-socket >/dev/null 2>&1 || {
			log "patchbayd setup failed"
			exit 1
		}
		warm patchbay-socket || log "warm-up ping failed (not forwarding?)"
		for v in $CAPS; do
			if [ "$v" = none ]; then
				m=$(measure patchbay-socket "$DUR")
				c="- - -"
			else
				cap_start "$v" || exit 1
				m=$(measure patchbay-socket "$DUR")
				cap_stop
				c=$CAP_RESULT
			fi
			echo "$rep $v $m $c" >>"$R"
			log "rep $rep $v: $m $c"
		done
		mode_down patchbay-socket
	done
	report_capture "$R" | tee "$OUT/table.md"
}

report_capture() {
	local R=$1 v p base l
	base=$(col "$R" none 3 | median)
	echo
	echo "| capture | forwarded pps (median) | vs no capture | switch CPU busy% | daemon CPU% | captured | lost in ring | lost in daemon | lost % |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for v in $(awk '!/^#/ { print $2 }' "$R" | awk '!s[$0]++'); do
		p=$(col "$R" "$v" 3 | median)
		l=$(awk -v v="$v" '!/^#/ && $2 == v && $9 ~ /^[0-9]/ { c += $9; r += $10; d += $11; n++ }
			END { if (c + r + d == 0) { print "- - - -"; exit }
			printf "%d %d %d %.2f\n", c / n, r / n, d / n, 100 * (r + d) / (c + r + d) }' "$R")
		# shellcheck disable=SC2086
		set -- $l
		echo "| $v | $(fmt_pps "$p") | $(ratio "$p" "$base") | $(col "$R" "$v" 5 | median) |" \
			"$(col "$R" "$v" 8 | median) | $1 | $2 | $3 | $4 |"
	done
	echo
	sed -n 's/^# run: /run: /p' "$R"
	echo "captured/lost: per measurement (warm-up included), mean over repetitions"
	echo "raw results: $R"
}

case ${1:-run} in
run) run_capture ;;
report) report_capture "${2:?usage: $0 report RAW}" ;;
*)
	echo "usage: $0 [run|report RAW]" >&2
	exit 2
	;;
esac
