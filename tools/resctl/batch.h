/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text of a "resctl batch" file, read and checked (cmd_batch.c): one
 * command a line, split into words as cmd_batch.c describes. Reading
 * sends nothing; the host fuzz target fuzz_batch calls it too.
 */
#ifndef RESCTL_BATCH_H
#define RESCTL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct resctl_bline {
	int line;		/* first physical line, from 1 */
	int argc;
	char **argv;		/* argv[argc] is NULL */
	char *err;		/* why the line cannot run (check) */
	bool syntax;		/* err is a syntax error: argv may be partial */
};

struct resctl_batch {
	const char *name;	/* for messages */
	struct resctl_bline *v;
	size_t n, cap;
};

/*
 * Read and split every line of @f into @bt (its name set by the caller):
 * one entry per line with words or with an error, in file order. Blank and
 * comment lines give none. Returns 0, or -ENOMEM (@bt keeps what was read).
 */
int resctl_batch_read(FILE *f, struct resctl_batch *bt);
void resctl_batch_free(struct resctl_batch *bt);

#endif /* RESCTL_BATCH_H */
