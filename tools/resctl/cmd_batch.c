// SPDX-License-Identifier: GPL-2.0
/*
 * resctl batch [--force] FILE: many resctl commands over one netlink socket,
 * in the manner of "ip -batch".
 *
 * FILE (or "-" for standard input) holds one command a line, written as
 * after "resctl" on a command line, without the global options. Words are
 * split as a shell would split them, without any expansion: blanks
 * separate words, '...' keeps everything literal, "..." keeps everything
 * but \" \\ \$ \` literal, a backslash outside quotes escapes the next
 * character, and one at the end of a line joins the next line to it
 * (not at the end of a comment). A '#' starting a word starts a comment;
 * blank lines are skipped.
 *
 * The whole file is read and checked first (quoting, control characters,
 * that each command exists and may run in a batch): a mistake anywhere
 * runs nothing. Then the commands run in order; the first that fails stops
 * the batch, unless --force (or ip's -force) is given, in which case every line runs (lines
 * that failed the check are skipped). Messages go to stderr as
 * "FILE:LINE: message".
 *
 * Exit status: 0 if every line succeeded; otherwise that of the first line
 * that failed (1: the operation failed, 2: a usage or syntax error); 1 if
 * FILE cannot be read.
 *
 * With -j, standard output is one JSON array with an object per line that
 * ran (or failed its check): {"line", "args": [...], "exit", "output":
 * the command's own JSON or null, "errors": [messages]}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "batch.h"
#include "nl.h"
#include "print.h"
#include "resctl.h"

static void bline_free(struct resctl_bline *b)
{
	int i;

	for (i = 0; i < b->argc; i++)
		free(b->argv[i]);
	free(b->argv);
	free(b->err);
}

/* Append @w (taken) to @b's words. */
static int add_word(struct resctl_bline *b, char *w)
{
	char **v = realloc(b->argv, (b->argc + 2) * sizeof(*v));

	if (!v) {
		free(w);
		return -ENOMEM;
	}
	b->argv = v;
	b->argv[b->argc++] = w;
	b->argv[b->argc] = NULL;
	return 0;
}

/*
 * Split @s into @b's words, building each in @w (as long as @s). On a
 * syntax error sets b->err and returns -EINVAL; -ENOMEM if memory ran out.
 */
static int split_into(const char *s, struct resctl_bline *b, char *w)
{
	size_t wl;
	char *word;

	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			s++;
			continue;
		}
		if (*s == '#')
			return 0;
		wl = 0;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n') {
			if (*s == '\'') {
				const char *end = strchr(s + 1, '\'');

				if (!end) {
					b->err = strdup("unterminated single quote");
					b->syntax = true;
					return -EINVAL;
				}
				memcpy(w + wl, s + 1, end - s - 1);
				wl += end - s - 1;
				s = end + 1;
			} else if (*s == '"') {
				for (s++; *s && *s != '"'; s++) {
					if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
						s++;
					w[wl++] = *s;
				}
				if (!*s) {
					b->err = strdup("unterminated double quote");
					b->syntax = true;
					return -EINVAL;
				}
				s++;
			} else if (*s == '\\') {
				if (!s[1]) {
					b->err = strdup("backslash at the end of the file");
					b->syntax = true;
					return -EINVAL;
				}
				w[wl++] = s[1];
				s += 2;
			} else {
				w[wl++] = *s++;
			}
		}
		word = strndup(w, wl);
		if (!word || add_word(b, word))
			return -ENOMEM;
	}
	return 0;
}

/* Split @s into @b's words (split_into()). */
static int split_words(const char *s, struct resctl_bline *b)
{
	/* One scratch word for the line; each word is then copied to size. */
	char *scratch = malloc(strlen(s) + 1);
	int rc;

	if (!scratch)
		return -ENOMEM;
	rc = split_into(s, b, scratch);
	free(scratch);
	return rc;
}

/* A character no text line has: NUL and the C0 controls but tab and CR. */
static int bad_char(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)
			return c;
	}
	return -1;
}

/*
 * Whether @s ends in a comment: a '#' starting a word, outside quotes, as
 * split_words() reads it (an unterminated quote or a lone backslash at
 * the end: no comment).
 */
static bool in_comment(const char *s)
{
	bool word = false;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			word = false;
			continue;
		}
		if (*s == '#' && !word)
			return true;
		word = true;
		if (*s == '\'') {
			s = strchr(s + 1, '\'');
			if (!s)
				return false;
		} else if (*s == '"') {
			for (s++; *s && *s != '"'; s++)
				if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
					s++;
			if (!*s)
				return false;
		} else if (*s == '\\') {
			if (!s[1])
				return false;
			s++;
		}
	}
	return false;
}

/*
 * An unescaped backslash ends @s (of length @len, newline stripped),
 * outside a comment: as in sh, "# text \" does not join the next line.
 */
static bool continues(const char *s, size_t len)
{
	size_t k = 0;

	while (k < len && s[len - 1 - k] == '\\')
		k++;
	return k % 2 && !in_comment(s);
}

void resctl_batch_free(struct resctl_batch *bt)
{
	size_t i;

	for (i = 0; i < bt->n; i++)
		bline_free(&bt->v[i]);
	free(bt->v);
	bt->v = NULL;
	bt->n = 0;
	bt->cap = 0;
}

static int batch_add(struct resctl_batch *bt, struct resctl_bline *b)
{
	if (bt->n == bt->cap) {
		size_t cap = bt->cap ? 2 * bt->cap : 16;
		struct resctl_bline *v = realloc(bt->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		bt->v = v;
		bt->cap = cap;
	}
	bt->v[bt->n++] = *b;
	return 0;
}

/* Why @argv cannot run in a batch, or NULL. */
static char *check_cmd(int argc, char **argv)
{
	static const char * const never[] = { "batch", "monitor", "exec", "help" };
	char *why = NULL;
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (!strcmp(argv[0], never[i]))
			r = asprintf(&why, "\"%s\" cannot run in a batch", argv[0]);
	if (!why && !resctl_cmd_find(argc, argv)) {
		if (argc >= 2 && resctl_section_exists(argv[0]))
			r = asprintf(&why, "unknown command \"%s %s\"", argv[0], argv[1]);
		else if (resctl_section_exists(argv[0]))
			r = asprintf(&why, "\"%s\" needs a command", argv[0]);
		else
			r = asprintf(&why, "unknown command \"%s\"", argv[0]);
	}
	return r < 0 ? strdup("out of memory") : why;
}

/* See batch.h. */
int resctl_batch_read(FILE *f, struct resctl_batch *bt)
{
	char *line = NULL, *acc = NULL;
	size_t cap = 0, alen = 0;
	ssize_t len;
	int lineno = 0, first = 0, c;
	int err = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		char *na;

		lineno++;
		if (!acc)
			first = lineno;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		c = bad_char(line, len);
		if (c >= 0) {
			struct resctl_bline b = { .line = lineno, .syntax = true };

			if (asprintf(&b.err, "control character 0x%02x: not a text line", c) < 0 ||
			    batch_add(bt, &b)) {
				err = -ENOMEM;
				break;
			}
			free(acc);
			acc = NULL;
			alen = 0;
			continue;
		}
		na = realloc(acc, alen + len + 1);
		if (!na) {
			err = -ENOMEM;
			break;
		}
		acc = na;
		memcpy(acc + alen, line, len + 1);
		alen += len;
		if (continues(acc, alen)) {
			acc[--alen] = '\0';
			continue;
		}
		{
			struct resctl_bline b = { .line = first };

			err = split_words(acc, &b);
			if (err == -ENOMEM)
				break;
			err = 0;
			if (!b.err && b.argc)
				b.err = check_cmd(b.argc, b.argv);
			if (b.argc || b.err) {
				if (batch_add(bt, &b)) {
					bline_free(&b);
					err = -ENOMEM;
					break;
				}
			} else {
				bline_free(&b);
			}
		}
		free(acc);
		acc = NULL;
		alen = 0;
	}
	if (!err && acc) {	/* a continuation at the end of the file */
		struct resctl_bline b = { .line = first, .syntax = true };

		b.err = strdup("backslash at the end of the file");
		if (batch_add(bt, &b))
			err = -ENOMEM;
	}
	free(acc);
	free(line);
	return err;
}

/* Print "NAME:LINE: msg" to stderr for each line of @f; into @errs too. */
static int relay(const struct resctl_batch *bt, int line, FILE *f, struct json_object *errs)
{
	char *s = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0;

	rewind(f);
	while ((len = getline(&s, &cap, f)) > 0) {
		const char *m = s;

		if (s[len - 1] == '\n')
			s[len - 1] = '\0';
		if (!strncmp(m, "resctl: ", 8))
			m += 8;
		fprintf(stderr, "%s:%d: %s\n", bt->name, line, m);
		if (errs)
			json_object_array_add(errs, json_object_new_string(m));
		n++;
	}
	free(s);
	return n;
}

/* The JSON a command printed: null, one value, or an array of several. */
static struct json_object *captured_json(FILE *f)
{
	struct json_object *all = NULL, *one;
	struct json_tokener *tok;
	char *buf;
	long len;
	int off = 0, n = 0;

	fflush(f);
	len = ftell(f);
	if (len <= 0)
		return NULL;
	buf = malloc(len + 1);
	if (!buf)
		return NULL;
	rewind(f);
	len = (long)fread(buf, 1, len, f);
	buf[len] = '\0';
	tok = json_tokener_new();
	while (tok && off < len) {
		while (off < len && strchr(" \t\r\n", buf[off]))
			off++;
		if (off >= len)
			break;
		json_tokener_reset(tok);
		one = json_tokener_parse_ex(tok, buf + off, len - off);
		if (!one) {
			/* Not JSON (a command without -j support): keep the text. */
			json_object_put(all);
			all = json_object_new_string(buf);
			n = 1;
			break;
		}
		off += (int)json_tokener_get_parse_end(tok);
		if (n == 0) {
			all = one;
		} else {
			if (n == 1) {
				struct json_object *arr = json_object_new_array();

				json_object_array_add(arr, all);
				all = arr;
			}
			json_object_array_add(all, one);
		}
		n++;
	}
	json_tokener_free(tok);
	free(buf);
	return all;
}

/*
 * Run one line with its stderr (and, with -j, its stdout) caught in
 * temporary files; returns its exit status.
 */
static int run_line(const struct resctl_batch *bt, struct resctl_bline *b,
		    struct json_object *rec)
{
	struct json_object *errs = json_object_new_array();
	FILE *ef = tmpfile(), *of = resctl_opts.json ? tmpfile() : NULL;
	struct resctl_opts saved_opts;
	int save_err = -1, save_out = -1;
	int rc, n;

	if (!ef || (resctl_opts.json && !of)) {
		perror("resctl: batch: tmpfile");
		if (ef)
			fclose(ef);
		json_object_put(errs);
		return RESCTL_EXIT_FAIL;
	}
	fflush(stdout);
	fflush(stderr);
	save_err = dup(STDERR_FILENO);
	dup2(fileno(ef), STDERR_FILENO);
	if (of) {
		save_out = dup(STDOUT_FILENO);
		dup2(fileno(of), STDOUT_FILENO);
	}
	/* A line may change the options for itself ("metrics --format text"). */
	saved_opts = resctl_opts;
	rc = resctl_dispatch(b->argc, b->argv);
	resctl_opts = saved_opts;
	fflush(stdout);
	fflush(stderr);
	dup2(save_err, STDERR_FILENO);
	close(save_err);
	if (of) {
		dup2(save_out, STDOUT_FILENO);
		close(save_out);
	}
	print_reset();
	n = relay(bt, b->line, ef, errs);
	if (rc && !n) {
		char m[64];

		snprintf(m, sizeof(m), "failed (exit %d)", rc);
		fprintf(stderr, "%s:%d: %s\n", bt->name, b->line, m);
		json_object_array_add(errs, json_object_new_string(m));
	}
	if (rec) {
		json_object_object_add(rec, "exit", json_object_new_int(rc));
		json_object_object_add(rec, "output", of ? captured_json(of) : NULL);
		json_object_object_add(rec, "errors", errs);
	} else {
		json_object_put(errs);
	}
	if (of)
		fclose(of);
	fclose(ef);
	return rc;
}

static struct json_object *new_record(const struct resctl_bline *b)
{
	struct json_object *rec = json_object_new_object();
	struct json_object *args = json_object_new_array();
	int i;

	for (i = 0; i < b->argc; i++)
		json_object_array_add(args, json_object_new_string(b->argv[i]));
	json_object_object_add(rec, "line", json_object_new_int(b->line));
	json_object_object_add(rec, "args", args);
	return rec;
}

int cmd_batch(int argc, char **argv)
{
	struct resctl_batch bt = { 0 };
	struct json_object *out = NULL;
	bool force = false;
	const char *path;
	int rc = RESCTL_EXIT_OK, first_rc = 0;
	size_t i;
	FILE *f;

	for (; argc && argv[0][0] == '-' && argv[0][1]; argc--, argv++) {
		if (!strcmp(argv[0], "-force") || !strcmp(argv[0], "--force"))
			force = true;
		else
			return resctl_usage_err("batch: unknown option \"%s\"", argv[0]);
	}
	if (argc != 1)
		return resctl_usage_of("batch", NULL);
	path = argv[0];
	if (!strcmp(path, "-")) {
		f = stdin;
		bt.name = "stdin";
	} else {
		f = fopen(path, "r");
		if (!f) {
			fprintf(stderr, "resctl: %s: %s\n", path, strerror(errno));
			return RESCTL_EXIT_FAIL;
		}
		bt.name = path;
	}
	if (resctl_batch_read(f, &bt)) {
		fprintf(stderr, "resctl: out of memory\n");
		rc = RESCTL_EXIT_FAIL;
		goto out;
	}
	if (ferror(f)) {
		fprintf(stderr, "resctl: %s: read error\n", bt.name);
		rc = RESCTL_EXIT_FAIL;
		goto out;
	}
	if (resctl_opts.json)
		out = json_object_new_array();

	/* The check: without --force, a bad line anywhere runs nothing. */
	for (i = 0; i < bt.n; i++) {
		struct resctl_bline *b = &bt.v[i];

		if (!b->err)
			continue;
		fprintf(stderr, "%s:%d: %s\n", bt.name, b->line, b->err);
		if (out) {
			struct json_object *rec = new_record(b);
			struct json_object *errs = json_object_new_array();

			json_object_array_add(errs, json_object_new_string(b->err));
			json_object_object_add(rec, "exit", json_object_new_int(RESCTL_EXIT_USAGE));
			json_object_object_add(rec, "output", NULL);
			json_object_object_add(rec, "errors", errs);
			json_object_array_add(out, rec);
		}
		if (!first_rc)
			first_rc = RESCTL_EXIT_USAGE;
		if (!force)
			break;
	}
	if (first_rc && !force) {
		rc = first_rc;
		goto print;
	}
	if (resctl_nl_share()) {
		rc = first_rc ?: RESCTL_EXIT_FAIL;
		goto print;
	}
	for (i = 0; i < bt.n; i++) {
		struct resctl_bline *b = &bt.v[i];
		struct json_object *rec;
		int lrc;

		if (b->err)
			continue;
		rec = out ? new_record(b) : NULL;
		lrc = run_line(&bt, b, rec);
		if (rec)
			json_object_array_add(out, rec);
		if (lrc) {
			resctl_nl_drain();
			if (!first_rc)
				first_rc = lrc;
			if (!force)
				break;
		}
	}
	resctl_nl_unshare();
	rc = first_rc;
print:
	if (out) {
		int flags = resctl_opts.pretty ?
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			JSON_C_TO_STRING_PLAIN;

		printf("%s\n", json_object_to_json_string_ext(out,
				flags | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(out);
		fflush(stdout);
	}
out:
	resctl_batch_free(&bt);
	if (f != stdin)
		fclose(f);
	return rc;
}
