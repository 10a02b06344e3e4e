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

static struct json_object *stack[MAX_DEPTH];
static int depth = -1;
static int indent;

static void json_add(const char *key, struct json_object *val)
{
	if (depth < 0) {
		/* A value with no open object: start the top-level one. */
		stack[++depth] = json_object_new_object();
	}
	json_object_object_add(stack[depth], key, val);
}

void print_open(const char *key, const char *title)
{
	if (resctl_opts.json) {
		struct json_object *o = json_object_new_object();

		if (depth >= 0 && key)
			json_object_object_add(stack[depth], key, json_object_get(o));
		if (depth + 1 < MAX_DEPTH)
			stack[++depth] = o;
		if (depth >= 1 && key)
			json_object_put(o);	/* parent holds the reference */
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
		printf("%*s%s %s\n", indent, "", label, val);
}

void print_u64(const char *key, const char *label, uint64_t val)
{
	if (resctl_opts.json)
		json_add(key, json_object_new_uint64(val));
	else
		printf("%*s%s %" PRIu64 "\n", indent, "", label, val);
}

void print_hex(const char *key, const char *label, uint64_t val)
{
	if (resctl_opts.json)
		json_add(key, json_object_new_uint64(val));
	else
		printf("%*s%s 0x%" PRIx64 "\n", indent, "", label, val);
}

void print_bool(const char *key, const char *label, bool val)
{
	if (resctl_opts.json)
		json_add(key, json_object_new_boolean(val));
	else
		printf("%*s%s %s\n", indent, "", label, val ? "yes" : "no");
}

void print_flush(void)
{
	if (resctl_opts.json && depth >= 0) {
		int flags = resctl_opts.pretty ?
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			JSON_C_TO_STRING_PLAIN;

		while (depth > 0)
			depth--;
		printf("%s\n", json_object_to_json_string_ext(stack[0], flags));
		json_object_put(stack[0]);
		depth = -1;
	}
	fflush(stdout);
}
