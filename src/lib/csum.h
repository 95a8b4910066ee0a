/* csum.h - the Internet checksum (RFC 1071) with incremental updates
 * (RFC 1624), pseudo-header sums for TCP/UDP/ICMPv6, and CRC32C for SCTP.
 *
 * Conventions: a "sum" (uint32_t) is an unfolded one's-complement
 * accumulator; a "checksum" (uint16_t) is the value as stored in a header,
 * in HOST byte order as read big-endian from the packet (read the 2 bytes
 * with pb_get_be16 and write back with pb_put_be16).  16-bit words of data
 * are big-endian.  Pure functions, safe from any thread. */
#ifndef PB_CSUM_H
#define PB_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t pb_get_be16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return __builtin_bswap16(v);
}

static inline uint32_t pb_get_be32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

static inline void pb_put_be16(void *p, uint16_t v)
{
	v = __builtin_bswap16(v);
	memcpy(p, &v, 2);
}

static inline void pb_put_be32(void *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

/* Adds the 'len' bytes at 'data' (big-endian 16-bit words; an odd last byte
 * is padded with zero) to 'sum'.  'len' up to 64 KiB per call (more is fine
 * as long as the total stays below 2^31 words). */
uint32_t csum_partial(const void *data, size_t len, uint32_t sum);

/* Folds 'sum' to 16 bits and complements it: the checksum to store. */
static inline uint16_t csum_finish(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The checksum of 'len' bytes at 'data' (a header whose checksum field is
 * zero, or a whole message: then the result is 0 when it verifies). */
static inline uint16_t csum(const void *data, size_t len)
{
	return csum_finish(csum_partial(data, len, 0));
}

/* Sum of the TCP/UDP pseudo header for IPv4 (addresses in host order) and
 * for IPv6 (addresses as 16 bytes each); 'l4_len' is the L4 length. */
uint32_t csum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto, uint32_t l4_len);
uint32_t csum_pseudo_ipv6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                          uint32_t l4_len);

/* RFC 1624 eqn. 3: the checksum 'check' after one covered 16-bit word
 * changed from 'old' to 'new' (HC' = ~(~HC + ~m + m')). */
static inline uint16_t csum_update16(uint16_t check, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~check + (uint32_t)(uint16_t)~old + new;

	return csum_finish(sum);
}

/* Same for a 32-bit covered value (e.g. an IPv4 address, host order). */
static inline uint16_t csum_update32(uint16_t check, uint32_t old, uint32_t new)
{
	uint32_t sum = (uint16_t)~check;

	sum += (uint16_t) ~(old >> 16) + (uint32_t)(uint16_t)~old;
	sum += (new >> 16) + (new & 0xffff);
	return csum_finish(sum);
}

/* Same for 'n' bytes ('n' even, starting at an even offset of the covered
 * data) changed from 'old' to 'new' (e.g. an IPv6 address). */
uint16_t csum_update_bytes(uint16_t check, const void *old, const void *new, size_t n);

/* CRC32C (Castagnoli), as SCTP uses it: crc32c(data, len) with the standard
 * initial value and final complement; the result is stored little-endian in
 * the SCTP header.  Uses SSE4.2 when the CPU has it. */
uint32_t crc32c(const void *data, size_t len);
/* The table-driven version crc32c() falls back to (exposed for tests). */
uint32_t crc32c_portable(const void *data, size_t len);

#endif
