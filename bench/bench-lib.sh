# bench-lib.sh - shell functions shared by the bench scripts (e2e.sh, ofp-bench.sh, tunnel.sh):
# logging, running in a namespace, installing missing Debian packages, stopping a daemon by its
# pidfile.
# Sourced (bash), not run: `. "$HERE/bench-lib.sh"`.

log() { echo "[$(date +%T)] $*" >&2; }
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

apt_install() { # apt_install WHO PKG...: install the packages or exit 1 ("WHO: could not install")
	local who=$1
	shift
	log "installing: $*"
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "$@" >/dev/null || {
		echo "$who: could not install $*" >&2
		exit 1
	}
}

stop_pidfile() { # stop a daemon this script started: PID from its pidfile, name checked
	local pf=$1 name=$2 pid
	[ -f "$pf" ] || return 0
	pid=$(cat "$pf" 2>/dev/null)
	if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$name" ]; then
		kill "$pid" 2>/dev/null
		for _ in $(seq 1 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$pf"
}
