/* pcap-write.c - pcapng and classic pcap encoding into a growable buffer
 * (see pcap-write.h). */
#include "lib/pcap-write.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define PCAPW_MAX_IFACES 65535u

struct pcapw {
	enum pcapw_format format;
	uint32_t snaplen;
	uint32_t n_ifaces;
	uint8_t *buf;
	size_t off, len, cap; /* pending bytes: buf[off..len) */
};

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Room for 'n' more bytes; returns where they go. */
static uint8_t *pcapw_reserve(struct pcapw *w, size_t n)
{
	if (w->off && w->off == w->len)
		w->off = w->len = 0;
	if (w->len + n > w->cap && w->off) {
		memmove(w->buf, w->buf + w->off, w->len - w->off);
		w->len -= w->off;
		w->off = 0;
	}
	if (w->len + n > w->cap) {
		w->cap = PB_MAX(w->cap * 2, w->len + n + 4096);
		w->buf = xrealloc(w->buf, w->cap);
	}
	return w->buf + w->len;
}

static void put(struct pcapw *w, const void *p, size_t n)
{
	memcpy(pcapw_reserve(w, n), p, n);
	w->len += n;
}

static void put32(struct pcapw *w, uint32_t v)
{
	put(w, &v, sizeof v);
}

static void put16(struct pcapw *w, uint16_t v)
{
	put(w, &v, sizeof v);
}

static void put_zeros(struct pcapw *w, size_t n)
{
	memset(pcapw_reserve(w, n), 0, n);
	w->len += n;
}

/* One pcapng option: code, length, value padded to 32 bits. */
static void put_opt(struct pcapw *w, uint16_t code, const void *value, size_t len)
{
	put16(w, code);
	put16(w, (uint16_t)len);
	put(w, value, len);
	put_zeros(w, pad4(len) - len);
}

static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

static void put_opt64(struct pcapw *w, uint16_t code, uint64_t v)
{
	put_opt(w, code, &v, sizeof v);
}

/* A pcapng timestamp in if_tsresol units (ns): high word first. */
static void put_opt_ts(struct pcapw *w, uint16_t code, uint64_t ts)
{
	uint32_t v[2] = {(uint32_t)(ts >> 32), (uint32_t)ts};

	put_opt(w, code, v, sizeof v);
}

static void put_end_opt(struct pcapw *w)
{
	put32(w, 0); /* opt_endofopt: code 0, length 0 */
}

struct pcapw *pcapw_create(enum pcapw_format format, uint32_t snaplen, const char *userappl)
{
	struct pcapw *w;

	if (!snaplen || snaplen > PCAPW_SNAPLEN_MAX ||
	    (format != PCAPW_PCAPNG && format != PCAPW_PCAP))
		return NULL;
	w = xzalloc(sizeof *w);
	w->format = format;
	w->snaplen = snaplen;
	if (format == PCAPW_PCAP) {
		put32(w, PCAP_MAGIC_NSEC);
		put16(w, 2);
		put16(w, 4);
		put32(w, 0); /* thiszone */
		put32(w, 0); /* sigfigs */
		put32(w, snaplen);
		put32(w, PCAP_LINKTYPE_ETHERNET);
	} else {
		size_t ulen = userappl ? PB_MIN(strlen(userappl), 255u) : 0;
		uint32_t total = 28 + (ulen ? (uint32_t)opt_size(ulen) : 0) + 4;

		put32(w, PCAPNG_BT_SHB);
		put32(w, total);
		put32(w, PCAPNG_BYTE_ORDER);
		put16(w, 1);          /* major */
		put16(w, 0);          /* minor */
		put32(w, UINT32_MAX); /* section length: not specified */
		put32(w, UINT32_MAX);
		if (ulen)
			put_opt(w, PCAPNG_SHB_USERAPPL, userappl, ulen);
		put_end_opt(w);
		put32(w, total);
	}
	return w;
}

void pcapw_destroy(struct pcapw *w)
{
	if (!w)
		return;
	free(w->buf);
	free(w);
}

enum pcapw_format pcapw_format(const struct pcapw *w)
{
	return w->format;
}

int pcapw_add_iface(struct pcapw *w, const char *name, uint32_t *index)
{
	size_t nlen = name ? strlen(name) : 0;
	uint8_t tsresol = 9;
	uint32_t total;

	if (!nlen || nlen > 255)
		return -EINVAL;
	if (w->n_ifaces >= PCAPW_MAX_IFACES)
		return -ENOSPC;
	if (w->format == PCAPW_PCAPNG) {
		total = (uint32_t)(16 + opt_size(nlen) + opt_size(1) + 4 + 4);
		put32(w, PCAPNG_BT_IDB);
		put32(w, total);
		put16(w, PCAP_LINKTYPE_ETHERNET);
		put16(w, 0); /* reserved */
		put32(w, w->snaplen);
		put_opt(w, PCAPNG_IF_NAME, name, nlen);
		put_opt(w, PCAPNG_IF_TSRESOL, &tsresol, 1);
		put_end_opt(w);
		put32(w, total);
	}
	*index = w->n_ifaces++;
	return 0;
}

uint32_t pcapw_n_ifaces(const struct pcapw *w)
{
	return w->n_ifaces;
}

int pcapw_packet(struct pcapw *w, uint32_t iface, uint64_t ts_ns, enum pcapw_dir dir,
                 const void *data, uint32_t cap_len, uint32_t orig_len)
{
	if (iface >= w->n_ifaces || cap_len > orig_len || cap_len > w->snaplen)
		return -EINVAL;
	if (w->format == PCAPW_PCAP) {
		put32(w, (uint32_t)(ts_ns / 1000000000u));
		put32(w, (uint32_t)(ts_ns % 1000000000u));
		put32(w, cap_len);
		put32(w, orig_len);
		put(w, data, cap_len);
	} else {
		bool flags = dir == PCAPW_DIR_IN || dir == PCAPW_DIR_OUT;
		uint32_t total = (uint32_t)(28 + pad4(cap_len) + (flags ? opt_size(4) + 4 : 0) + 4);

		put32(w, PCAPNG_BT_EPB);
		put32(w, total);
		put32(w, iface);
		put32(w, (uint32_t)(ts_ns >> 32));
		put32(w, (uint32_t)ts_ns);
		put32(w, cap_len);
		put32(w, orig_len);
		put(w, data, cap_len);
		put_zeros(w, pad4(cap_len) - cap_len);
		if (flags) {
			uint32_t f = (uint32_t)dir; /* bits 0-1: 01 inbound, 10 outbound */

			put_opt(w, PCAPNG_EPB_FLAGS, &f, sizeof f);
			put_end_opt(w);
		}
		put32(w, total);
	}
	return 0;
}

int pcapw_stats(struct pcapw *w, uint32_t iface, const struct pcapw_stats *st)
{
	size_t clen = st->comment ? PB_MIN(strlen(st->comment), 65535u) : 0;
	uint32_t total;

	if (iface >= w->n_ifaces)
		return -EINVAL;
	if (w->format != PCAPW_PCAPNG)
		return 0;
	total = (uint32_t)(20 + (clen ? opt_size(clen) : 0) + 2 * opt_size(8) + 4 * opt_size(8) +
	                   4 + 4);
	put32(w, PCAPNG_BT_ISB);
	put32(w, total);
	put32(w, iface);
	put32(w, (uint32_t)(st->end_ns >> 32));
	put32(w, (uint32_t)st->end_ns);
	if (clen)
		put_opt(w, PCAPNG_OPT_COMMENT, st->comment, clen);
	put_opt_ts(w, PCAPNG_ISB_START, st->start_ns);
	put_opt_ts(w, PCAPNG_ISB_END, st->end_ns);
	put_opt64(w, PCAPNG_ISB_IFRECV, st->received);
	put_opt64(w, PCAPNG_ISB_IFDROP, st->dropped);
	put_opt64(w, PCAPNG_ISB_OSDROP, st->os_dropped);
	put_opt64(w, PCAPNG_ISB_USRDELIV, st->delivered);
	put_end_opt(w);
	put32(w, total);
	return 0;
}

const void *pcapw_data(const struct pcapw *w, size_t *len)
{
	*len = w->len - w->off;
	return w->buf ? w->buf + w->off : w->buf;
}

void pcapw_consume(struct pcapw *w, size_t n)
{
	w->off += PB_MIN(n, w->len - w->off);
	if (w->off == w->len)
		w->off = w->len = 0;
}
