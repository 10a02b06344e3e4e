// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: text and JSON output.
 */
#include <inttypes.h>
#include <stdio.h>
#include <json-c/json.h>

#include "print.h"
#include "resctl.h"

#define MAX_DEPTH 8

/* JSON: the containers being filled; stack[0] owns the whole tree. */
static struct json_object *stack[MAX_DEPTH];
static int depth = -1;
static int indent;

/* Text tables: the current table's columns and the next column to fill. */
static const struct print_col *tcols;
static int tncols, tcol;
static bool in_row;

static void json_push(const char *key, struct json_object *o)
{
	if (depth < 0) {
		stack[++depth] = o;
		return;
	}
	if (depth + 1 >= MAX_DEPTH) {	/* a programming error: keep the tree sane */
		json_object_put(o);
		return;
	}
	/* The parent takes the reference; the stack only borrows it. */
	if (json_object_is_type(stack[depth], json_type_array))
		json_object_array_add(stack[depth], o);
	else
		json_object_object_add(stack[depth], key ? key : "", o);
	stack[++depth] = o;
}

static void json_add(const char *key, struct json_object *val)
{
	if (depth < 0) {
		/* A value with no open object: start the top-level one. */
		stack[++depth] = json_object_new_object();
	}
	if (json_object_is_type(stack[depth], json_type_array))
		json_object_array_add(stack[depth], val);
	else
		json_object_object_add(stack[depth], key, val);
}

/* Text: one "label value" line, or the next cell of a table row. */
static void text_emit(const char *label, const char *val)
{
	if (in_row) {
		const struct print_col *c = tcol < tncols ? &tcols[tcol] : NULL;
		int w = c ? c->width : 0;

		if (tcol++)
			fputs("  ", stdout);
		if (c && c->right)
			printf("%*s", w, val);
		else if (tcol < tncols)
			printf("%-*s", w, val);
		else
			fputs(val, stdout);	/* no trailing blanks */
		return;
	}
	printf("%*s%s %s\n", indent, "", label, val);
}

void print_open(const char *key, const char *title)
{
	if (resctl_opts.json) {
		json_push(key, json_object_new_object());
		return;
	}
	if (title) {
		printf("%*s%s\n", indent, "", title);
		indent += 2;
	}
}

void print_close(void)
{
	if (resctl_opts.json) {
		if (depth > 0)
			depth--;
		return;
	}
	if (indent >= 2)
		indent -= 2;
}

void print_str(const char *key, const char *label, const char *val)
{
	if (resctl_opts.json)
		json_add(key, json_object_new_string(val));
	else
		text_emit(label, val);
}

void print_u64(const char *key, const char *label, uint64_t val)
{
	char buf[24];

	if (resctl_opts.json) {
		json_add(key, json_object_new_uint64(val));
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, val);
	text_emit(label, buf);
}

void print_s64(const char *key, const char *label, int64_t val)
{
	char buf[24];

	if (resctl_opts.json) {
		json_add(key, json_object_new_int64(val));
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRId64, val);
	text_emit(label, buf);
}

void print_hex(const char *key, const char *label, uint64_t val)
{
	char buf[24];

	if (resctl_opts.json) {
		json_add(key, json_object_new_uint64(val));
		return;
	}
	snprintf(buf, sizeof(buf), "0x%" PRIx64, val);
	text_emit(label, buf);
}

void print_bool(const char *key, const char *label, bool val)
{
	if (resctl_opts.json)
		json_add(key, json_object_new_boolean(val));
	else
		text_emit(label, val ? "yes" : "no");
}

void print_unit(const char *key, const char *label, uint64_t raw, const char *human)
{
	if (resctl_opts.json)
		json_add(key, json_object_new_uint64(raw));
	else
		text_emit(label, human);
}

void print_text(const char *label, const char *val)
{
	if (!resctl_opts.json)
		text_emit(label, val);
}

void print_table_open(const char *key, const struct print_col *cols, int ncols)
{
	int i;

	if (resctl_opts.json) {
		json_push(key, json_object_new_array());
		return;
	}
	tcols = cols;
	tncols = ncols;
	in_row = true;
	tcol = 0;
	for (i = 0; i < ncols; i++)
		text_emit(NULL, cols[i].head);
	putchar('\n');
	in_row = false;
}

void print_row_open(void)
{
	if (resctl_opts.json) {
		json_push(NULL, json_object_new_object());
		return;
	}
	in_row = true;
	tcol = 0;
}

void print_row_close(void)
{
	if (resctl_opts.json) {
		print_close();
		return;
	}
	putchar('\n');
	in_row = false;
}

void print_table_close(void)
{
	if (resctl_opts.json)
		print_close();
	tcols = NULL;
	tncols = 0;
}

void print_flush(void)
{
	if (resctl_opts.json && depth >= 0) {
		int flags = resctl_opts.pretty ?
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			JSON_C_TO_STRING_PLAIN;

		flags |= JSON_C_TO_STRING_NOSLASHESCAPE;

		printf("%s\n", json_object_to_json_string_ext(stack[0], flags));
		json_object_put(stack[0]);
		depth = -1;
	}
	fflush(stdout);
}

void print_reset(void)
{
	if (depth >= 0)
		json_object_put(stack[0]);
	depth = -1;
	indent = 0;
	tcols = NULL;
	tncols = 0;
	tcol = 0;
	in_row = false;
}
