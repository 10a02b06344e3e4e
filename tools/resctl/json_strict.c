// SPDX-License-Identifier: GPL-2.0
/*
 * What json-c accepts without a word and a configuration file must not:
 *
 *  - a key given twice in one object: json-c keeps the last and drops the
 *    rest, so {"policies": [a, b], "policies": [c]} would plan only c (and
 *    --prune would then delete a and b);
 *  - an integer that does not fit in 64 bits: json-c clamps it to
 *    INT64_MIN or UINT64_MAX, a value nobody wrote.
 *
 * json_strict_check() walks a text that json-c has already parsed (so it is
 * well formed; json-c's own extensions, comments and single-quoted strings,
 * are skipped the same way) and reports the first such place as
 * FILE:LINE:COLUMN. Keys are compared as json-c reads them: "a" and
 * "\u0061" are the same key.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_strict.h"

struct key {
	size_t off;		/* where the key starts (its quote) */
	char *name;		/* as json-c reads it */
};

struct frame {
	bool object;
	bool want_key;		/* the next string is a key */
	struct key *keys;
	size_t nkeys, cap;
};

void json_line_col(const char *buf, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void complain(const char *file, const char *buf, size_t off, const char *msg)
{
	int line, col;

	json_line_col(buf, off, &line, &col);
	fprintf(stderr, "resctl: %s:%d:%d: JSON error: %s\n", file, line, col, msg);
}

/* End of the string that starts (with its quote) at @i: the closing quote. */
static size_t string_end(const char *buf, size_t len, size_t i)
{
	char q = buf[i];

	for (i++; i < len && buf[i] != q; i++)
		if (buf[i] == '\\' && i + 1 < len)
			i++;
	return i;
}

/*
 * An integer literal (no fraction, no exponent) must lie in
 * [INT64_MIN, UINT64_MAX]: compare its digits with the bounds' digits.
 */
static bool integer_fits(const char *s, size_t n)
{
	static const char umax[] = "18446744073709551615";
	static const char smin[] = "9223372036854775808";
	const char *lim = umax;
	size_t ln;

	if (*s == '-') {
		s++;
		n--;
		lim = smin;
	}
	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	ln = strlen(lim);
	if (n != ln)
		return n < ln;
	return memcmp(s, lim, n) <= 0;
}

/* The string token at @buf[@i..@end] (quotes included) as json-c reads it. */
static char *decode_key(const char *buf, size_t i, size_t end)
{
	char *tok = strndup(buf + i, end - i + 1), *name = NULL;
	struct json_object *o;

	if (!tok)
		return NULL;
	o = json_tokener_parse(tok);
	if (o && json_object_is_type(o, json_type_string))
		name = strdup(json_object_get_string(o));
	else
		name = strdup(tok);	/* cannot happen in a parsed text */
	json_object_put(o);
	free(tok);
	return name;
}

static int push_key(struct frame *f, size_t off, char *name)
{
	struct key *nk;

	if (f->nkeys == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 8;
		nk = realloc(f->keys, f->cap * sizeof(*nk));
		if (!nk) {
			free(name);
			return -1;
		}
		f->keys = nk;
	}
	f->keys[f->nkeys].off = off;
	f->keys[f->nkeys].name = name;
	f->nkeys++;
	return 0;
}

static void frame_free(struct frame *f)
{
	size_t k;

	for (k = 0; k < f->nkeys; k++)
		free(f->keys[k].name);
	free(f->keys);
}

int json_strict_check(const char *file, const char *buf, size_t len)
{
	struct frame *st = NULL, *ns;
	size_t depth = 0, cap = 0, i, j, k, end;
	int rc = 0, l2, c2;
	char what[64], msg[160];

	for (i = 0; i < len && !rc; i++) {
		char c = buf[i];
		struct frame *top = depth ? &st[depth - 1] : NULL;

		switch (c) {
		case '{':
		case '[':
			if (depth == cap) {
				cap = cap ? 2 * cap : 8;
				ns = realloc(st, cap * sizeof(*ns));
				if (!ns) {
					rc = -1;
					break;
				}
				st = ns;
			}
			memset(&st[depth], 0, sizeof(st[depth]));
			st[depth].object = c == '{';
			st[depth].want_key = c == '{';
			depth++;
			break;
		case '}':
		case ']':
			if (depth) {
				frame_free(&st[depth - 1]);
				depth--;
			}
			break;
		case ',':
			if (top && top->object)
				top->want_key = true;
			break;
		case '/':	/* json-c's comments */
			if (i + 1 < len && buf[i + 1] == '/') {
				while (i < len && buf[i] != '\n')
					i++;
			} else if (i + 1 < len && buf[i + 1] == '*') {
				for (i += 2; i + 1 < len && !(buf[i] == '*' && buf[i + 1] == '/'); i++)
					;
				i++;
			}
			break;
		case '"':
		case '\'':
			end = string_end(buf, len, i);
			if (top && top->object && top->want_key) {
				char *name = decode_key(buf, i, end);

				top->want_key = false;
				if (!name) {
					rc = -1;
					break;
				}
				for (k = 0; k < top->nkeys; k++) {
					if (strcmp(top->keys[k].name, name))
						continue;
					json_line_col(buf, top->keys[k].off, &l2, &c2);
					snprintf(what, sizeof(what), "%.60s", name);
					snprintf(msg, sizeof(msg),
						 "the key \"%s\" is given twice in one object (first at line %d, column %d)",
						 what, l2, c2);
					complain(file, buf, i, msg);
					rc = 1;
					break;
				}
				if (rc)
					free(name);
				else if (push_key(top, i, name))
					rc = -1;
			}
			i = end;
			break;
		default:
			if (c != '-' && (c < '0' || c > '9'))
				break;
			for (j = i + 1; j < len && strchr("0123456789.eE+-", buf[j]); j++)
				;
			if (!memchr(buf + i, '.', j - i) && !memchr(buf + i, 'e', j - i) &&
			    !memchr(buf + i, 'E', j - i) && !integer_fits(buf + i, j - i)) {
				snprintf(what, sizeof(what), "%.*s", (int)(j - i < 60 ? j - i : 60),
					 buf + i);
				snprintf(msg, sizeof(msg),
					 "%s does not fit in 64 bits (integers are -2^63 to 2^64-1)", what);
				complain(file, buf, i, msg);
				rc = 1;
			}
			i = j - 1;
			break;
		}
	}
	while (depth)
		frame_free(&st[--depth]);
	free(st);
	if (rc < 0)
		fprintf(stderr, "resctl: out of memory\n");
	return rc;
}
