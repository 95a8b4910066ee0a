/* ofpbuf.c - the growable byte buffer of ofpbuf.h. */
#include "openflow/ofpbuf.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

void ofpbuf_init(struct ofpbuf *b, size_t capacity)
{
	b->data = capacity ? xmalloc(capacity) : NULL;
	b->size = 0;
	b->alloc = capacity;
}

void ofpbuf_uninit(struct ofpbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->size = b->alloc = 0;
}

void ofpbuf_clear(struct ofpbuf *b)
{
	b->size = 0;
}

static void ofpbuf_reserve(struct ofpbuf *b, size_t n)
{
	size_t need = b->size + n;

	if (need <= b->alloc)
		return;
	size_t alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc *= 2;
	b->data = xrealloc(b->data, alloc);
	b->alloc = alloc;
}

void *ofpbuf_put_zeros(struct ofpbuf *b, size_t n)
{
	ofpbuf_reserve(b, n);
	void *p = b->data + b->size;
	if (n)
		memset(p, 0, n);
	b->size += n;
	return p;
}

void *ofpbuf_put(struct ofpbuf *b, const void *p, size_t n)
{
	void *dst = ofpbuf_put_zeros(b, n);
	if (n)
		memcpy(dst, p, n);
	return dst;
}

void ofpbuf_pad(struct ofpbuf *b, size_t align)
{
	size_t rem = b->size % align;

	if (rem)
		ofpbuf_put_zeros(b, align - rem);
}

uint8_t *ofpbuf_steal(struct ofpbuf *b, size_t *size)
{
	uint8_t *p = b->size ? b->data : NULL;

	*size = b->size;
	if (!p)
		free(b->data);
	b->data = NULL;
	b->size = b->alloc = 0;
	return p;
}
