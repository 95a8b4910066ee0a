/* netdev-tun.h - the "tun" port type (netdev-tun.c): an L3 port backed by a
 * kernel TUN device (IFF_TUN, no packet info) that Patchbay creates and
 * keeps persistent, as the internal type does with a TAP.
 *
 * The device carries IP packets; the switch carries Ethernet frames.  On
 * receive the port adds an Ethernet header (source: the port's MAC; dest:
 * the MAC last seen sending from the destination IPv4 address, else
 * broadcast); on transmit it strips the header (and one VLAN tag) of IPv4
 * and IPv6 frames addressed to its MAC, broadcast or multicast, and writes
 * the IP packet.  ARP requests for the port's address are answered by the
 * port itself (the reply comes back as a received frame).
 *
 * Options: mac=MAC (default 02:50:42 + 3 bytes of a hash of the name),
 * ip=A.B.C.D (the address to answer ARP for; default: the device's first
 * IPv4 address, re-read every second).  Threads as netdev.h. */
#ifndef PB_NETDEV_TUN_H
#define PB_NETDEV_TUN_H

#include "netdev/netdev-provider.h"

extern const struct netdev_class netdev_tun_class;

#endif
