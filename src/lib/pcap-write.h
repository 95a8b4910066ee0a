/* pcap-write.h - encodes captured frames as pcapng or classic pcap, the two
 * formats tcpdump, tshark and Wireshark read.
 *
 * The writer does no I/O: every call appends bytes to the writer's buffer,
 * which the caller takes with pcapw_data() and releases with
 * pcapw_consume(), so the same code serves a file, a pipe and the unit
 * tests.  Multi-byte fields are in host byte order (both formats say so
 * through their magic numbers).
 *
 * pcapng (PCAPW_PCAPNG): one Section Header Block, then one Interface
 * Description Block per interface (link type Ethernet, if_name, if_tsresol
 * = 9: timestamps in nanoseconds), Enhanced Packet Blocks with the
 * direction in epb_flags (inbound/outbound), and at the end an Interface
 * Statistics Block per interface carrying the received/dropped counts and a
 * comment.  Interfaces may be added at any time before their first packet.
 *
 * Classic pcap (PCAPW_PCAP): the nanosecond variant (magic 0xa1b23c4d,
 * version 2.4, LINKTYPE_ETHERNET).  It has no interfaces, directions or
 * statistics: pcapw_add_iface() only numbers interfaces, the direction is
 * dropped and pcapw_stats() writes nothing.
 *
 * Not thread-safe: one writer per thread. */
#ifndef PB_PCAP_WRITE_H
#define PB_PCAP_WRITE_H

#include <stddef.h>
#include <stdint.h>

enum pcapw_format {
	PCAPW_PCAPNG,
	PCAPW_PCAP,
};

/* Direction of a frame as seen from the interface. */
enum pcapw_dir {
	PCAPW_DIR_UNKNOWN = 0,
	PCAPW_DIR_IN = 1,  /* received on the interface */
	PCAPW_DIR_OUT = 2, /* transmitted on the interface */
};

/* Largest snapshot length the writer accepts (tcpdump's default). */
#define PCAPW_SNAPLEN_MAX 262144u

/* pcapng block types and option codes (draft-ietf-opsawg-pcapng). */
#define PCAPNG_BT_SHB          0x0A0D0D0Au
#define PCAPNG_BT_IDB          0x00000001u
#define PCAPNG_BT_ISB          0x00000005u
#define PCAPNG_BT_EPB          0x00000006u
#define PCAPNG_BYTE_ORDER      0x1A2B3C4Du
#define PCAPNG_OPT_END         0
#define PCAPNG_OPT_COMMENT     1
#define PCAPNG_SHB_USERAPPL    4
#define PCAPNG_IF_NAME         2
#define PCAPNG_IF_TSRESOL      9
#define PCAPNG_EPB_FLAGS       2
#define PCAPNG_ISB_START       2
#define PCAPNG_ISB_END         3
#define PCAPNG_ISB_IFRECV      4
#define PCAPNG_ISB_IFDROP      5
#define PCAPNG_ISB_OSDROP      7
#define PCAPNG_ISB_USRDELIV    8
#define PCAP_MAGIC_NSEC        0xa1b23c4du
#define PCAP_LINKTYPE_ETHERNET 1u

struct pcapw;

/* Creates a writer and encodes the file header (pcapng: the SHB naming
 * 'userappl', which may be NULL).  'snaplen' is 1..PCAPW_SNAPLEN_MAX and
 * goes into the IDBs / the pcap header; packets are not cut here (the
 * caller passes what it captured).  Returns NULL if 'snaplen' is out of
 * range. */
struct pcapw *pcapw_create(enum pcapw_format format, uint32_t snaplen, const char *userappl);
/* Frees the writer and any bytes not consumed.  NULL is fine. */
void pcapw_destroy(struct pcapw *w);

enum pcapw_format pcapw_format(const struct pcapw *w);

/* Adds interface 'name' (1..255 bytes) and returns its index (0, 1, ...) in
 * '*index'.  pcapng: encodes its IDB.  0 or -EINVAL (bad name), -ENOSPC
 * (more than 65535 interfaces). */
int pcapw_add_iface(struct pcapw *w, const char *name, uint32_t *index);
uint32_t pcapw_n_ifaces(const struct pcapw *w);

/* Encodes one frame seen on interface 'iface' at 'ts_ns' (nanoseconds since
 * the Unix epoch): 'cap_len' bytes of 'data' out of a frame of 'orig_len'
 * bytes.  Returns 0 or -EINVAL (unknown interface, cap_len > orig_len or
 * cap_len > snaplen). */
int pcapw_packet(struct pcapw *w, uint32_t iface, uint64_t ts_ns, enum pcapw_dir dir,
                 const void *data, uint32_t cap_len, uint32_t orig_len);

/* End-of-capture counters of one interface. */
struct pcapw_stats {
	uint64_t start_ns, end_ns; /* capture start and end (epoch ns) */
	uint64_t received;         /* frames that matched the capture (isb_ifrecv) */
	uint64_t dropped;          /* of those, lost before the capturing program
	                            * (isb_ifdrop) */
	uint64_t os_dropped;       /* lost between the switch and the program (isb_osdrop) */
	uint64_t delivered;        /* written to the file (isb_usrdeliv) */
	const char *comment;       /* opt_comment, or NULL */
};

/* pcapng: encodes an Interface Statistics Block for 'iface'.  pcap: nothing.
 * 0 or -EINVAL (unknown interface). */
int pcapw_stats(struct pcapw *w, uint32_t iface, const struct pcapw_stats *st);

/* The encoded bytes not yet consumed. */
const void *pcapw_data(const struct pcapw *w, size_t *len);
/* Drops the first 'n' bytes of pcapw_data(). */
void pcapw_consume(struct pcapw *w, size_t n);

#endif
