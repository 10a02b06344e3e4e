// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: main() and the global options; resctl.c has the command table.
 * Apart so that the host fuzz targets (selftests/hostfuzz) can link the
 * rest of resctl.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "resctl.h"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
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
			resctl_usage(stdout, NULL);
			return RESCTL_EXIT_OK;
		case 'V':
			return cmd_version(0, NULL);
		default:
			resctl_usage(stderr, NULL);
			return RESCTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc < 1) {
		resctl_usage(stderr, NULL);
		return RESCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		int rc = argc == 2 ? resctl_print_listing(argv[1]) : -1;

		if (rc >= 0)
			return rc;
		if (argc > 2 || (argc == 2 && !resctl_section_exists(argv[1])))
			return resctl_usage_of("help", NULL);
		resctl_usage(stdout, argc == 2 ? argv[1] : NULL);
		return RESCTL_EXIT_OK;
	}
	return resctl_dispatch(argc, argv);
}
