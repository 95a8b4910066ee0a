/* csum.c - Internet checksum, pseudo headers and CRC32C (see csum.h).  The
 * CRC32C uses the SSE4.2 instruction when available (checked once) and a
 * byte-wise table otherwise. */
#include "lib/csum.h"

#include <stdbool.h>

uint32_t csum_partial(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	/* 32-bit big-endian chunks into a 64-bit accumulator: no carries lost. */
	for (; len >= 4; p += 4, len -= 4)
		acc += pb_get_be32(p);
	if (len >= 2) {
		acc += pb_get_be16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)p[0] << 8;
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

uint32_t csum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto, uint32_t l4_len)
{
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);

	return sum + proto + (l4_len >> 16) + (l4_len & 0xffff);
}

uint32_t csum_pseudo_ipv6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                          uint32_t l4_len)
{
	uint32_t sum = csum_partial(src, 16, 0);

	sum = csum_partial(dst, 16, sum);
	return sum + proto + (l4_len >> 16) + (l4_len & 0xffff);
}

uint16_t csum_update_bytes(uint16_t check, const void *old, const void *new, size_t n)
{
	const uint8_t *o = old, *w = new;
	uint32_t sum = (uint16_t)~check;

	for (size_t i = 0; i + 1 < n; i += 2) {
		sum += (uint16_t)~pb_get_be16(o + i);
		sum += pb_get_be16(w + i);
	}
	return csum_finish(sum);
}

/* ---- CRC32C ---- */

static uint32_t crc32c_table[256];

__attribute__((constructor)) static void crc32c_table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc32c_table[i] = c;
	}
}

static uint32_t crc32c_sw(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

uint32_t crc32c_portable(const void *data, size_t len)
{
	return ~crc32c_sw(0xffffffffu, data, len);
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p,
                                                            size_t len)
{
	uint64_t c = crc;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	crc = (uint32_t)c;
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}

static bool crc32c_have_hw(void)
{
	static int have = -1; /* computed once; concurrent first calls agree */
	int h = __atomic_load_n(&have, __ATOMIC_RELAXED);

	if (h < 0) {
		__builtin_cpu_init();
		h = __builtin_cpu_supports("sse4.2") ? 1 : 0;
		__atomic_store_n(&have, h, __ATOMIC_RELAXED);
	}
	return h;
}
#endif

uint32_t crc32c(const void *data, size_t len)
{
#if defined(__x86_64__)
	if (crc32c_have_hw())
		return ~crc32c_hw(0xffffffffu, data, len);
#endif
	return ~crc32c_sw(0xffffffffu, data, len);
}
