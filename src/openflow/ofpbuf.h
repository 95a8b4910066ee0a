/* ofpbuf.h - a growable byte buffer for building and parsing OpenFlow wire
 * messages.
 *
 * 'data' holds 'size' bytes; appending may move 'data' (xrealloc), so keep
 * offsets, not pointers, across appends (ofpbuf_at() turns an offset back
 * into a pointer).  Owned by the caller: ofpbuf_uninit() frees.  No global
 * state; one thread per buffer. */
#ifndef PB_OFPBUF_H
#define PB_OFPBUF_H

#include <stddef.h>
#include <stdint.h>

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

#endif
