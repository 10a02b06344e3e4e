/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RESCTL_H
#define RESCTL_H

#include <stdbool.h>

/*
 * Exit codes, documented in resctl(8) and README.md:
 *   0  the operation succeeded
 *   1  the operation failed (module missing, permission, kernel error)
 *   2  usage error (unknown command, bad argument); nothing was sent
 */
enum {
	RESCTL_EXIT_OK = 0,
	RESCTL_EXIT_FAIL = 1,
	RESCTL_EXIT_USAGE = 2,
};

struct resctl_opts {
	bool json;
	bool pretty;
};

extern struct resctl_opts resctl_opts;

/*
 * One resctl command, iw style: the table in commands.c is the single source
 * of dispatch and of the help text.
 */
struct resctl_cmd {
	const char *name;
	const char *args;	/* synopsis of the arguments, for help */
	const char *help;	/* one line */
	int (*handler)(int argc, char **argv);
};

extern const struct resctl_cmd resctl_cmds[];

/* Print "resctl: usage: resctl NAME ARGS" to stderr; returns RESCTL_EXIT_USAGE. */
int resctl_usage_of(const char *name);

int cmd_version(int argc, char **argv);

#endif /* RESCTL_H */
