/* output.c - the printing path shared by every pbctl command: raw JSON for
 * -j, otherwise the command's text printer; and the aligned text tables that
 * dump-ports uses. */
#include "cli/output.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

void output_json(enum output_format format, const json_t *value)
{
	size_t flags = JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15);
	char *text;

	flags |= format == OUTPUT_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
	text = json_dumps(value, flags);
	if (!text)
		abort(); /* Only possible on allocation failure. */
	puts(text);
	free(text);
}

int output_result(enum output_format format, const json_t *result, output_text_fn *text)
{
	if (format != OUTPUT_TEXT) {
		output_json(format, result);
		return 0;
	}
	return text ? text(result) : 0;
}

const char *output_scalar(const json_t *value, char *buf, size_t size)
{
	switch (value ? json_typeof(value) : JSON_NULL) {
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		break;
	case JSON_REAL:
		snprintf(buf, size, "%g", json_real_value(value));
		break;
	case JSON_STRING:
		snprintf(buf, size, "%s", json_string_value(value));
		break;
	case JSON_TRUE:
		snprintf(buf, size, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, size, "false");
		break;
	case JSON_NULL:
		snprintf(buf, size, "-");
		break;
	default:
		snprintf(buf, size, "?");
		break;
	}
	return buf;
}

int output_bad_reply(const char *what)
{
	fprintf(stderr, "pbctl: invalid reply from patchbayd: %s\n", what);
	return 1;
}

struct output_table {
	const struct output_column *cols;
	size_t n_cols;
	size_t *widths;
	char **cells; /* n_rows * n_cols strings, row by row. */
	size_t n_rows, cap_rows;
};

struct output_table *output_table_create(const struct output_column *cols, size_t n)
{
	struct output_table *table = xzalloc(sizeof(*table));

	table->cols = cols;
	table->n_cols = n;
	table->widths = xcalloc(n, sizeof(*table->widths));
	for (size_t i = 0; i < n; i++)
		table->widths[i] = strlen(cols[i].header);
	return table;
}

void output_table_add_row(struct output_table *table, const char *const *cells)
{
	if (table->n_rows == table->cap_rows) {
		table->cap_rows = table->cap_rows ? table->cap_rows * 2 : 16;
		table->cells =
		        xrealloc(table->cells, table->cap_rows * table->n_cols * sizeof(char *));
	}
	for (size_t i = 0; i < table->n_cols; i++) {
		char *cell = xstrdup(cells[i]);

		table->cells[table->n_rows * table->n_cols + i] = cell;
		table->widths[i] = PB_MAX(table->widths[i], strlen(cell));
	}
	table->n_rows++;
}

static void print_row(const struct output_table *table, const char *const *cells, FILE *stream)
{
	for (size_t i = 0; i < table->n_cols; i++) {
		int width = (int)table->widths[i];
		bool last = i + 1 == table->n_cols;

		if (i)
			fputs("  ", stream);
		if (table->cols[i].right)
			fprintf(stream, "%*s", width, cells[i]);
		else if (last)
			fputs(cells[i], stream);
		else
			fprintf(stream, "%-*s", width, cells[i]);
	}
	fputc('\n', stream);
}

void output_table_print(const struct output_table *table, FILE *stream)
{
	const char **headers = xcalloc(table->n_cols, sizeof(*headers));

	for (size_t i = 0; i < table->n_cols; i++)
		headers[i] = table->cols[i].header;
	print_row(table, headers, stream);
	free(headers);
	for (size_t r = 0; r < table->n_rows; r++)
		print_row(table, (const char *const *)&table->cells[r * table->n_cols], stream);
}

void output_table_destroy(struct output_table *table)
{
	if (!table)
		return;
	for (size_t i = 0; i < table->n_rows * table->n_cols; i++)
		free(table->cells[i]);
	free(table->cells);
	free(table->widths);
	free(table);
}
