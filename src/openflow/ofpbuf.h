/* ofpbuf.h - a growable byte buffer for building and parsing OpenFlow wire
 * messages.
 *
 * 'data' holds 'size' bytes; appending may move 'data' (xrealloc), so keep
 * offsets, not pointers, across appends (ofpbuf_at() turns an offset back
 * into a pointer).  Owned by the caller: ofpbuf_uninit() frees.  No global
 * state; one thread per buffer. */
#ifndef PB_OFPBUF_H
#define PB_OFPBUF_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ofpbuf {
	uint8_t *data;
	size_t size;
	size_t alloc;
};

void ofpbuf_init(struct ofpbuf *b, size_t capacity);
void ofpbuf_uninit(struct ofpbuf *b);
/* Empties the buffer, keeping its storage. */
void ofpbuf_clear(struct ofpbuf *b);
/* Appends 'n' zero bytes and returns a pointer to them. */
void *ofpbuf_put_zeros(struct ofpbuf *b, size_t n);
/* Appends a copy of 'n' bytes at 'p' and returns a pointer to the copy. */
void *ofpbuf_put(struct ofpbuf *b, const void *p, size_t n);
/* Appends zero bytes until the size is a multiple of 'align'. */
void ofpbuf_pad(struct ofpbuf *b, size_t align);
/* The byte at 'offset' (which must be <= size). */
static inline void *ofpbuf_at(const struct ofpbuf *b, size_t offset)
{
	return b->data + offset;
}
/* Hands the bytes over (caller frees; NULL when empty) and leaves 'b' empty. */
uint8_t *ofpbuf_steal(struct ofpbuf *b, size_t *size);

/* Big-endian (network order) loads and stores at any alignment. */
static inline uint16_t ofpw_get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return be16toh(v);
}

static inline uint32_t ofpw_get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return be32toh(v);
}

static inline uint64_t ofpw_get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return be64toh(v);
}

static inline void ofpw_put16(uint8_t *p, uint16_t x)
{
	x = htobe16(x);
	memcpy(p, &x, sizeof x);
}

static inline void ofpw_put32(uint8_t *p, uint32_t x)
{
	x = htobe32(x);
	memcpy(p, &x, sizeof x);
}

static inline void ofpw_put64(uint8_t *p, uint64_t x)
{
	x = htobe64(x);
	memcpy(p, &x, sizeof x);
}

/* Appends 'v' in big-endian order. */
static inline void ofpbuf_put_be16(struct ofpbuf *b, uint16_t v)
{
	ofpw_put16(ofpbuf_put_zeros(b, sizeof v), v);
}

static inline void ofpbuf_put_be32(struct ofpbuf *b, uint32_t v)
{
	ofpw_put32(ofpbuf_put_zeros(b, sizeof v), v);
}

static inline void ofpbuf_put_be64(struct ofpbuf *b, uint64_t v)
{
	ofpw_put64(ofpbuf_put_zeros(b, sizeof v), v);
}

#endif
