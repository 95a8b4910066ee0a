#!/usr/bin/env bash
# deps.sh - install the Debian 12 packages Patchbay needs to build, test and demo.
# Run as root. Installs only what dpkg says is missing; in CI (CI=true) it always runs
# apt-get update first.
set -euo pipefail

PKGS=(
	build-essential meson ninja-build pkg-config clang llvm
	libbpf-dev libxdp-dev liburcu-dev libjansson-dev libmnl-dev libcmocka-dev
	python3-pytest python3-scapy openvswitch-common python3-os-ken
	tshark tcpdump iproute2 iputils-ping clang-format libclang-rt-14-dev ethtool iperf3
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -eq 0 ] && [ "${CI:-}" != "true" ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages (${missing[*]}); run this script as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "deps: apt-get update"
apt-get update -q
if [ "${#missing[@]}" -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	# tshark asks whether non-root users may capture; answer "no" without a prompt.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get install -y -q "${missing[@]}"
else
	echo "deps: all ${#PKGS[@]} packages present"
fi
