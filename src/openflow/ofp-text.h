/* ofp-text.h - small helpers shared by the ovs-ofctl text parsers and
 * formatters of lib/openflow: a growable string and the "key=value" /
 * "key:value" / "key(value)" tokenizer that ovs-ofctl's syntax is built on.
 *
 * Single-threaded per object; no global state. */
#ifndef PB_OFP_TEXT_H
#define PB_OFP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

/* A NUL-terminated string that grows as text is appended ('s' is never NULL
 * after strbuf_init).  Owned by the caller: strbuf_uninit() frees it, or
 * strbuf_steal() hands the heap string over. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_uninit(struct strbuf *sb);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) PB_PRINTF(2, 3);
/* Removes one trailing 'c' if the string ends with it. */
void strbuf_chomp(struct strbuf *sb, char c);
/* Returns the heap string (caller frees) and leaves 'sb' empty. */
char *strbuf_steal(struct strbuf *sb);

/* Tokenizer over a writable string, as ovs-ofctl splits flows and actions:
 * items are separated by commas and/or white space; an item is "key",
 * "key=value", "key:value" (value up to the next separator outside
 * parentheses) or "key(value)" (up to the matching parenthesis).  '*pos'
 * advances; key and value point into the string (value is "" when absent)
 * and are NUL-terminated in place.  Returns false at the end of the
 * string, or -EINVAL via 'error' for unbalanced parentheses. */
bool ofp_text_next(char **pos, char **key, char **value, int *error);

/* Parses "0x..." hex or decimal (no sign, no octal) in [0, max]: 0 or
 * -EINVAL. */
int ofp_text_parse_u64(const char *s, unsigned long long max, unsigned long long *out);

#endif
