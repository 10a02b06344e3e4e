// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the reading of "resctl batch" files (resctl_batch_read,
 * cmd_batch.c): words, quoting, comments, continuations, line numbers of
 * entries and of errors. Linked with the rest of resctl (not main.c);
 * nothing is sent. Prints TAP 13 and exits non-zero if a check failed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "tap.h"

/*
 * The bytes resctl's own code asks malloc() for (the Makefile links this
 * test with -Wl,--wrap=malloc; libc's internal calls are not counted).
 */
static size_t malloc_bytes;
void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);

void *__wrap_malloc(size_t n)
{
	malloc_bytes += n;
	return __real_malloc(n);
}

/*
 * Splitting allocated a buffer of the whole line for every word: a line of
 * 100 KB with 50000 words asked for 5 GB. Now one scratch buffer per line.
 */
static void split_is_linear(void)
{
	const size_t words = 50000;
	char *text = malloc(2 * words + 2);
	struct resctl_batch bt = { .name = "test" };
	size_t i, before;
	FILE *f;
	int rc;

	for (i = 0; i < words; i++) {
		text[2 * i] = 'a';
		text[2 * i + 1] = ' ';
	}
	text[2 * words] = '\n';
	text[2 * words + 1] = '\0';
	f = fmemopen(text, strlen(text), "r");
	before = malloc_bytes;
	rc = f ? resctl_batch_read(f, &bt) : -1;
	tap_ok(rc == 0 && bt.n == 1 && bt.v[0].argc == (int)words,
	       "a line of %zu words reads as that many words", words);
	tap_ok(malloc_bytes - before <= 8 * strlen(text),
	       "and splitting it allocates in proportion to the line (%zu bytes for %zu)",
	       malloc_bytes - before, strlen(text));
	if (f)
		fclose(f);
	resctl_batch_free(&bt);
	free(text);
}

/* Read @text; "LINE:word|word|...;" per entry, or "LINE:!error;" into @out. */
static void entries(const char *text, char *out, size_t len)
{
	struct resctl_batch bt = { .name = "test" };
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	size_t i, off = 0;
	int a;

	out[0] = '\0';
	if (!f || resctl_batch_read(f, &bt)) {
		snprintf(out, len, "(read failed)");
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	for (i = 0; i < bt.n && off < len; i++) {
		const struct resctl_bline *b = &bt.v[i];

		off += snprintf(out + off, len - off, "%d:", b->line);
		if (b->err) {
			off += snprintf(out + off, len - off, "!%s;", b->err);
			continue;
		}
		for (a = 0; a < b->argc && off < len; a++)
			off += snprintf(out + off, len - off, "%s%s", a ? "|" : "", b->argv[a]);
		if (off < len)
			off += snprintf(out + off, len - off, ";");
	}
	resctl_batch_free(&bt);
}

static void reads(const char *name, const char *text, const char *want)
{
	char got[1024];

	entries(text, got, sizeof(got));
	if (!tap_ok(!strcmp(got, want), "%s", name))
		printf("# got \"%s\"\n# expected \"%s\"\n", got, want);
}

int main(void)
{
	tap_start();
	split_is_linear();
	reads("words and blanks", "policy  list\n\tversion\r\n",
	      "1:policy|list;2:version;");
	reads("blank and comment lines give no entry", "\n# c\n   # c\nversion\n",
	      "4:version;");
	reads("a trailing comment", "policy show x # y z\n", "1:policy|show|x;");
	reads("a # inside a word is no comment", "policy show a#b\n", "1:policy|show|a#b;");
	reads("quotes and escapes",
	      "policy add 'a b' \"c\\\"d\\\\e\\x\" f\\ g ''\n",
	      "1:policy|add|a b|c\"d\\e\\x|f g|;");
	reads("a continuation joins lines; the entry has the first line",
	      "version\npolicy add x \\\n  base sync\nstatus\n",
	      "1:version;2:policy|add|x|base|sync;4:status;");
	reads("two backslashes at the end are one, literal",
	      "policy show x\\\\\nversion\n", "1:policy|show|x\\;2:version;");
	/* Found by fuzz_batch: the comment swallowed the next line. */
	reads("a comment ending in a backslash joins nothing",
	      "version # note \\\nstatus\n", "1:version;2:status;");
	reads("a comment line ending in a backslash joins nothing",
	      "# note \\\nstatus\n", "2:status;");
	reads("a quoted # then a backslash still continues",
	      "policy show '#' \\\nx\n", "1:policy|show|#|x;");
	reads("an unterminated quote, at its line",
	      "version\npolicy add \"x\n", "1:version;2:!unterminated double quote;");
	reads("a control character, at its line",
	      "version\nstat\001us\nversion\n",
	      "1:version;2:!control character 0x01: not a text line;3:version;");
	reads("a backslash at the end of the file, at the line it starts",
	      "version\npolicy \\", "1:version;2:!backslash at the end of the file;");
	reads("an unknown command, at its line", "version\n\nfrobnicate now\n",
	      "1:version;3:!unknown command \"frobnicate\";");
	reads("monitor cannot run in a batch", "monitor\n",
	      "1:!\"monitor\" cannot run in a batch;");
	reads("an empty file", "", "");
	return tap_done();
}
