/* output.h - how pbctl prints: a daemon result either as raw JSON (-j,
 * compact or -p pretty) or through a command's text printer, plus a small
 * column-aligned table for the text forms. */
#ifndef PB_CLI_OUTPUT_H
#define PB_CLI_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,        /* One compact line per result. */
	OUTPUT_JSON_PRETTY, /* Indented, keys in the daemon's order. */
};

/* Prints a command's text form of 'result' to stdout.  Returns 0, or 1 after
 * printing "pbctl: ..." to stderr if 'result' does not have the expected
 * shape. */
typedef int output_text_fn(const json_t *result);

/* The single printing path for a command's result: with a JSON format prints
 * 'result' as is; with OUTPUT_TEXT calls 'text' (if not NULL; mutating
 * commands print nothing).  Returns the exit status contribution: 0 or 1. */
int output_result(enum output_format format, const json_t *result, output_text_fn *text);

/* Prints any JSON value to stdout in 'format' (JSON formats only). */
void output_json(enum output_format format, const json_t *value);

/* Formats a scalar member for text output into 'buf': integers in decimal,
 * strings as is, true/false, and "-" for null or a missing member.  Returns
 * 'buf'. */
const char *output_scalar(const json_t *value, char *buf, size_t size);

/* Prints "pbctl: invalid reply from patchbayd: WHAT" to stderr; returns 1. */
int output_bad_reply(const char *what);

/* A text table whose columns are padded to their widest cell. */
struct output_column {
	const char *header;
	bool right; /* Right-align (numbers) instead of left. */
};

struct output_table;

/* Creates a table with 'n' columns described by 'cols' (which must outlive
 * the table). */
struct output_table *output_table_create(const struct output_column *cols, size_t n);
/* Appends a row of exactly as many cells as columns; the strings are copied. */
void output_table_add_row(struct output_table *table, const char *const *cells);
/* Prints the header line and every row to 'stream', columns separated by two
 * spaces, without trailing blanks. */
void output_table_print(const struct output_table *table, FILE *stream);
/* Frees 'table'.  Accepts NULL. */
void output_table_destroy(struct output_table *table);

#endif
