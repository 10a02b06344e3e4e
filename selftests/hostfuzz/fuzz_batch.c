// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the reading of a "resctl batch" file (cmd_batch.c's
 * resctl_batch_read, the step before anything is sent), fed arbitrary
 * bytes as the file. Linked with the rest of resctl (not main.c): the
 * command check looks commands up in resctl.c's table; nothing here opens
 * a socket.
 *
 * Properties, beyond ASan/UBSan finding nothing:
 * - every entry carries a line number of the file, in increasing order,
 *   and has words or an error (a non-empty message); a physical line with
 *   a control character is reported at its own number;
 * - words hold no newline and no control character but tab and CR, and
 *   fit in the input (limits: total length, count);
 * - a line without error names a command resctl_dispatch() would run;
 * - the words, quoted back in the styles the parser reads ('...', "...",
 *   backslashes, bare, mixed within a word), joined by blanks and
 *   line continuations, with comments and blank lines between, read back
 *   as the same words at the expected line numbers with the same verdict
 *   of the command check.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "resctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define MAX_INPUT	8192

static uint64_t rng;

static unsigned int rnd(unsigned int k)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % k);
}

static int bad_byte(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

/* Read @len bytes of @buf as a batch file into @bt; abort on failure. */
static void read_batch(const char *buf, size_t len, struct resctl_batch *bt)
{
	static const char empty[1];
	FILE *f = fmemopen((void *)(len ? buf : empty), len ? len : 1, "r");

	if (!f)
		abort();
	if (!len)
		fgetc(f);	/* an empty file: at the end already */
	memset(bt, 0, sizeof(*bt));
	bt->name = "fuzz";
	if (resctl_batch_read(f, bt))
		abort();	/* -ENOMEM: not with these sizes */
	fclose(f);
}

static void check_entries(const uint8_t *d, size_t n, const struct resctl_batch *bt)
{
	size_t i, k, nlines = 0, total = 0, words = 0, start;
	int prev = 0, line;

	for (i = 0; i < n; i++)
		nlines += d[i] == '\n';
	if (n && d[n - 1] != '\n')
		nlines++;
	if (bt->n > nlines)
		abort();
	for (i = 0; i < bt->n; i++) {
		const struct resctl_bline *b = &bt->v[i];
		int a;

		if (b->line <= prev || (size_t)b->line > nlines)
			abort();	/* a line number of the file, increasing */
		prev = b->line;
		if (!b->argc && !b->err)
			abort();	/* an entry has words or an error */
		if (b->err && !b->err[0])
			abort();
		if (b->err && !b->syntax && !b->argc)
			abort();	/* the command check needs a command */
		if (b->argc < 0 || (b->argc && !b->argv) || (b->argv && b->argv[b->argc]))
			abort();
		for (a = 0; a < b->argc; a++) {
			const char *w = b->argv[a];

			for (k = 0; w[k]; k++)
				if (w[k] == '\n' || bad_byte(w[k]))
					abort();
			total += k;
		}
		words += b->argc;
		if (!b->err) {
			const struct resctl_cmd *c = resctl_cmd_find(b->argc, b->argv);

			if (!c || !c->handler || !strcmp(c->section, "batch") ||
			    !strcmp(c->section, "monitor") || !strcmp(c->section, "exec"))
				abort();
		}
	}
	if (total > n || words > (n + 1) / 2)
		abort();	/* no word comes out of nothing */

	/* Each physical line with a control character has its own error. */
	for (start = 0, line = 1; start < n; line++) {
		bool bad = false;

		for (k = start; k < n && d[k] != '\n'; k++)
			bad |= bad_byte(d[k]);
		if (bad) {
			for (i = 0; i < bt->n; i++)
				if (bt->v[i].line == line)
					break;
			if (i == bt->n || !bt->v[i].syntax ||
			    strncmp(bt->v[i].err, "control character", 17))
				abort();
		}
		start = k + 1;
	}
}

/* Append @w to @out quoted in random chunks of the parser's styles. */
static void put_word(FILE *out, const char *w)
{
	size_t len = strlen(w), i = 0, j, end;

	if (!len) {
		fputs(rnd(2) ? "''" : "\"\"", out);
		return;
	}
	while (i < len) {
		end = i + 1 + rnd(len - i);
		switch (rnd(4)) {
		case 0:		/* '...': a ' closes it, so end it there */
			fputc('\'', out);
			for (j = i; j < end; j++) {
				if (w[j] == '\'')
					fputs("'\\''", out);
				else
					fputc(w[j], out);
			}
			fputc('\'', out);
			break;
		case 1:		/* "...": \" \\ \$ \` escaped */
			fputc('"', out);
			for (j = i; j < end; j++) {
				if (strchr("\"\\$`", w[j]))
					fputc('\\', out);
				fputc(w[j], out);
			}
			fputc('"', out);
			break;
		case 2:		/* every character escaped */
			for (j = i; j < end; j++)
				fprintf(out, "\\%c", w[j]);
			break;
		default:	/* bare where nothing is special */
			for (j = i; j < end; j++) {
				if (strchr(" \t\r'\"\\", w[j]) || (j == 0 && w[j] == '#'))
					fputc('\\', out);
				fputc(w[j], out);
			}
			break;
		}
		i = end;
	}
}

/* A finding: say which property failed, on what text, and crash. */
static void fail(const char *why, const char *text)
{
	fprintf(stderr, "fuzz_batch: %s\n", why);
	if (text)
		fprintf(stderr, "fuzz_batch: the text read back:\n%s<EOF>\n", text);
	abort();
}

static void round_trip(const struct resctl_batch *bt)
{
	struct resctl_batch back;
	char *buf = NULL;
	size_t len = 0, i, j, m = 0;
	int *expect, line = 1, a;
	FILE *out;

	expect = calloc(bt->n + 1, sizeof(*expect));
	out = open_memstream(&buf, &len);
	if (!expect || !out)
		abort();
	for (i = 0; i < bt->n; i++) {
		const struct resctl_bline *b = &bt->v[i];

		if (!b->argc)
			continue;
		while (rnd(4) == 0) {	/* blank and comment lines between */
			fputs(rnd(2) ? "\n" : "  # a comment 'with \"quotes\n", out);
			line++;
		}
		expect[m++] = line;
		for (a = 0; a < b->argc; a++) {
			if (a) {
				switch (rnd(4)) {
				case 0:
					fputs(" \\\n", out);	/* a continuation */
					line++;
					break;
				case 1:
					fputc('\t', out);
					break;
				default:
					fputc(' ', out);
				}
			}
			put_word(out, b->argv[a]);
		}
		switch (rnd(5)) {
		case 0:
			fputs(" # trailing comment", out);
			break;
		case 1:
			fputs("\t#", out);
			break;
		case 2:
			fputc('\r', out);
			break;
		case 3:		/* a comment ends the line, backslash or not */
			fputs(" # ends in a backslash \\", out);
			break;
		}
		fputc('\n', out);
		line++;
	}
	if (fclose(out))
		abort();
	read_batch(buf, len, &back);
	if (back.n != m)
		fail("quoted back: another number of lines", buf);
	for (i = 0, j = 0; i < bt->n; i++) {
		const struct resctl_bline *b = &bt->v[i], *c;

		if (!b->argc)
			continue;
		c = &back.v[j];
		if (c->line != expect[j])
			fail("quoted back: another line number", buf);
		if (c->argc != b->argc || c->syntax)
			fail("quoted back: other words or a syntax error", buf);
		for (a = 0; a < b->argc; a++)
			if (strcmp(b->argv[a], c->argv[a]))
				fail("quoted back: other words", buf);
		/* The same words: the same verdict of the command check. */
		if (!b->syntax && (!b->err != !c->err || (b->err && strcmp(b->err, c->err))))
			fail("quoted back: another verdict of the command check", buf);
		j++;
	}
	resctl_batch_free(&back);
	free(expect);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct resctl_batch bt;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	if (n > MAX_INPUT)
		return 0;
	for (i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ULL;
	rng = h | 1;
	read_batch((const char *)d, n, &bt);
	check_entries(d, n, &bt);
	round_trip(&bt);
	resctl_batch_free(&bt);
	return 0;
}
