#!/usr/bin/env bash
# System packages shadowdump needs on Debian/Ubuntu, run as root:
#   libpcap-dev       headers the `cap` addon builds against (live capture)
#   g++, make,        what node-gyp needs to build the addon, and `patch`, with which
#   python3, patch    the postinstall script applies patches/cap-timestamps-stats.patch
#   tcpdump, tshark,  the oracles the tests compare against, and what the capture
#   tcpflow           lab uses to record traffic
#   nginx-light, curl, iproute2, iptables, nftables, tcpreplay, wireshark-common
#                     the capture lab (scripts/lab) and the benchmarks
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(libpcap-dev g++ make python3 patch tcpdump tshark tcpflow wireshark-common tcpreplay nginx-light curl iproute2 iptables procps tmux time nftables)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
