/* ofp-text.c - growable strings and the ovs-ofctl key/value tokenizer used
 * by the flow and action text parsers. */
#include "openflow/ofp-text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *sb)
{
	sb->cap = 64;
	sb->len = 0;
	sb->s = xmalloc(sb->cap);
	sb->s[0] = 0;
}

void strbuf_uninit(struct strbuf *sb)
{
	if (sb) {
		free(sb->s);
		sb->s = NULL;
		sb->len = sb->cap = 0;
	}
}

static void strbuf_reserve(struct strbuf *sb, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		while (sb->len + n + 1 > sb->cap)
			sb->cap *= 2;
		sb->s = xrealloc(sb->s, sb->cap);
	}
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	strbuf_reserve(sb, n);
	memcpy(sb->s + sb->len, s, n + 1);
	sb->len += n;
}

void strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_reserve(sb, 1);
	sb->s[sb->len++] = c;
	sb->s[sb->len] = 0;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	strbuf_reserve(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void strbuf_chomp(struct strbuf *sb, char c)
{
	if (sb->len && sb->s[sb->len - 1] == c)
		sb->s[--sb->len] = 0;
}

char *strbuf_steal(struct strbuf *sb)
{
	char *s = sb->s;

	strbuf_init(sb);
	return s;
}

static bool is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool ofp_text_next(char **pos, char **key, char **value, int *error)
{
	char *p = *pos, *k;
	char delim;

	*error = 0;
	while (is_sep(*p))
		p++;
	if (!*p) {
		*pos = p;
		return false;
	}
	k = p;
	while (*p && !is_sep(*p) && *p != '=' && *p != ':' && *p != '(')
		p++;
	delim = *p;
	*key = k;
	if (delim == '=' || delim == ':' || delim == '(') {
		int depth = delim == '(' ? 1 : 0;
		char *v;

		*p++ = 0;
		v = p;
		for (; *p; p++) {
			if (*p == '(') {
				depth++;
			} else if (*p == ')') {
				if (--depth < 0) {
					*error = -EINVAL;
					return false;
				}
				if (depth == 0 && delim == '(')
					break;
			} else if (depth == 0 && is_sep(*p)) {
				break;
			}
		}
		if (depth > 0) {
			*error = -EINVAL;
			return false;
		}
		*value = v;
		if (*p)
			*p++ = 0;
	} else {
		if (*p)
			*p++ = 0;
		*value = "";
	}
	*pos = p;
	return true;
}

int ofp_text_parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
	uint64_t v;

	if (parse_u64_hexdec(s, max, &v))
		return -EINVAL;
	*out = v;
	return 0;
}
