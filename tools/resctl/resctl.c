// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: configure and observe the dwcp_res kernel module.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "resctl.h"

struct resctl_opts resctl_opts;

const struct resctl_cmd resctl_cmds[] = {
	{ "version", "", "print resctl's version and the loaded module's", cmd_version },
	{ "help", "", "show this help", NULL },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	const struct resctl_cmd *c;

	fprintf(out,
		"usage: resctl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"options:\n"
		"  -j, --json     print JSON\n"
		"  -p, --pretty   pretty-print JSON (with -j)\n"
		"  -h, --help     show this help\n"
		"  -V, --version  same as the version command\n"
		"\n"
		"commands:\n");
	for (c = resctl_cmds; c->name; c++)
		fprintf(out, "  %-10s %-20s %s\n", c->name, c->args, c->help);
	fprintf(out,
		"\n"
		"exit status: 0 ok, 1 operation failed, 2 usage error\n");
}

int resctl_usage_of(const char *name)
{
	const struct resctl_cmd *c;

	for (c = resctl_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			fprintf(stderr, "resctl: usage: resctl %s %s\n", c->name, c->args);
	return RESCTL_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct resctl_cmd *c;
	int opt;

	/* "+": stop at the first non-option, the command owns the rest. */
	while ((opt = getopt_long(argc, argv, "+jphV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			resctl_opts.json = true;
			break;
		case 'p':
			resctl_opts.pretty = true;
			break;
		case 'h':
			usage(stdout);
			return RESCTL_EXIT_OK;
		case 'V':
			return cmd_version(0, NULL);
		default:
			usage(stderr);
			return RESCTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc < 1) {
		usage(stderr);
		return RESCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return RESCTL_EXIT_OK;
	}
	for (c = resctl_cmds; c->name; c++)
		if (c->handler && !strcmp(c->name, argv[0]))
			return c->handler(argc - 1, argv + 1);

	fprintf(stderr, "resctl: unknown command \"%s\" (try \"resctl help\")\n", argv[0]);
	return RESCTL_EXIT_USAGE;
}
