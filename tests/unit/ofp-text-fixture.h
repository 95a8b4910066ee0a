/* ofp-text-fixture.h - helpers for the unit tests of the OpenFlow codecs and
 * text syntaxes: hex text to bytes (for hand-built and captured wire
 * messages) and port names p1..p9 for ports 1..9.  Header-only; include it
 * from one file of a test program, after cmocka.h. */
#ifndef PB_OFP_TEXT_FIXTURE_H
#define PB_OFP_TEXT_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "openflow/ofp-port.h"

/* Hex text (spaces ignored) -> at most 'max' bytes; returns the length. */
static inline size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (*s) {
		unsigned v;

		if (*s == ' ') {
			s++;
			continue;
		}
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* Port names for the tests: p1..p9 are ports 1..9. */
static inline int test_name_to_port(const char *name, uint32_t *port, void *aux)
{
	(void)aux;
	if (name[0] == 'p' && name[1] >= '1' && name[1] <= '9' && !name[2]) {
		*port = (uint32_t)(name[1] - '0');
		return 0;
	}
	return -1;
}

static inline const char *test_port_to_name(uint32_t port, void *aux)
{
	static const char *const names[] = {"p0", "p1", "p2", "p3", "p4",
	                                    "p5", "p6", "p7", "p8", "p9"};

	(void)aux;
	return port >= 1 && port <= 9 ? names[port] : NULL;
}

static const struct ofp_port_names test_names = {test_name_to_port, test_port_to_name, NULL};

#endif
