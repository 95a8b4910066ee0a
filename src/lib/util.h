/* util.h - small helpers shared by every layer: the xmalloc family, error
 * messages carried beside negative errno returns, string checks. */
#ifndef PB_UTIL_H
#define PB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define PB_MIN(a, b)    ((a) < (b) ? (a) : (b))
#define PB_MAX(a, b)    ((a) > (b) ? (a) : (b))
#define PB_LIKELY(x)    __builtin_expect(!!(x), 1)
#define PB_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#define PB_CACHE_LINE   64
#define PB_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Allocation failure is not recoverable in Patchbay: these abort with a
 * message instead of returning NULL.  Everything that allocates in the
 * daemon, the CLI or the libraries uses them. */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) PB_PRINTF(1, 2);

/* A human-readable reason that travels beside a negative errno.  Functions
 * that can fail for a reason the user must see take a 'struct errmsg *'
 * (which may be NULL) and fill it on failure; the message is one line
 * without a trailing newline, e.g. "port p1: no such device". */
struct errmsg {
	char msg[256];
};

/* Formats 'fmt' into 'err' (if not NULL) and returns 'error' (a negative
 * errno), so that callers can write 'return errmsg_set(err, -EINVAL, ...)'. */
int errmsg_set(struct errmsg *err, int error, const char *fmt, ...) PB_PRINTF(3, 4);

/* Validates a bridge/port/netns/interface name: 1..15 bytes (IFNAMSIZ-1) of
 * [A-Za-z0-9_.-], not starting with '-' or '.', not "." or "..".  Returns 0
 * or -EINVAL with a message naming 'what' ("bridge name", "port name"). */
int name_check(const char *name, const char *what, struct errmsg *err);

/* Parses a decimal unsigned integer in [min, max]; the whole string must be
 * consumed.  Returns 0 or -EINVAL. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* snprintf into a fixed buffer piece by piece: 'len' counts what would have
 * been written, so it may exceed 'size' (the output is then truncated but
 * still NUL-terminated when size > 0), as snprintf's return value does. */
struct fmtbuf {
	char *buf;
	size_t size;
	size_t len;
};
void fmtbuf_put(struct fmtbuf *b, const char *fmt, ...) PB_PRINTF(2, 3);

/* Parses "0x" hex or decimal digits (the whole string) into a value <= 'max'.
 * Returns 0, -EINVAL (not a number) or -ERANGE (larger than 'max'). */
int parse_u64_hexdec(const char *s, uint64_t max, uint64_t *out);

/* Monotonic time in nanoseconds / milliseconds / seconds. */
uint64_t time_ns(void);
uint64_t time_msec(void);

/* "aa:bb:cc:dd:ee:ff" <-> 6 bytes.  eth_addr_parse returns 0 or -EINVAL;
 * eth_addr_format writes 18 bytes including the NUL. */
int eth_addr_parse(const char *s, uint8_t mac[6]);
void eth_addr_format(const uint8_t mac[6], char buf[18]);

#endif
