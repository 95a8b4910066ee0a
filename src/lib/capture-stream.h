/* capture-stream.h - the binary records patchbayd sends to pbctl on a
 * capture connection, after the JSON reply to the "capture" request
 * (docs/rpc.md, "capture").
 *
 * Both ends run on the same host: fields are in host byte order.  Each
 * record is a 'struct capstream_hdr' followed by 'len' payload bytes:
 *   CAPSTREAM_PACKET: a 'struct capstream_packet', then the captured bytes
 *                     (len - sizeof(struct capstream_packet) of them);
 *   CAPSTREAM_END:    a JSON object (UTF-8 text, no NUL) with the
 *                     end-of-capture summary; the last record, after which
 *                     the daemon closes the connection. */
#ifndef PB_CAPTURE_STREAM_H
#define PB_CAPTURE_STREAM_H

#include <stdint.h>

enum {
	CAPSTREAM_PACKET = 1,
	CAPSTREAM_END = 2,
};

/* Directions, as in dp-capture.h and pcap-write.h. */
enum {
	CAPSTREAM_DIR_IN = 1,
	CAPSTREAM_DIR_OUT = 2,
};

/* The longest payload a record may carry (a reader refuses more). */
#define CAPSTREAM_MAX_PAYLOAD (1u << 20)

struct capstream_hdr {
	uint32_t type;
	uint32_t len; /* payload bytes after this header */
};

struct capstream_packet {
	uint64_t ts_ns;    /* CLOCK_REALTIME, ns */
	uint32_t orig_len; /* length of the frame on the wire */
	uint16_t iface;    /* index into the reply's "interfaces" */
	uint8_t dir;       /* CAPSTREAM_DIR_* */
	uint8_t pad;
};

_Static_assert(sizeof(struct capstream_hdr) == 8, "capstream_hdr layout");
_Static_assert(sizeof(struct capstream_packet) == 16, "capstream_packet layout");

#endif
