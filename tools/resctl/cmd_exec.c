// SPDX-License-Identifier: GPL-2.0
/*
 * resctl exec [--class C | --send-class S --recv-class R] [--debug] -- CMD [ARGS]
 *
 * Runs an unmodified program with its TCP sockets under dwcp_res: puts the
 * preload shim (tools/preload, libdwcp_res_preload.so) in front of
 * LD_PRELOAD, passes the classes in DWCP_RES_CLASS or
 * DWCP_RES_SEND_CLASS/DWCP_RES_RECV_CLASS, and execs CMD. The shim is the
 * first of:
 *   $DWCP_RES_PRELOAD
 *   DIR/../lib/dwcp_res/libdwcp_res_preload.so, DIR holding the resctl binary
 *   RESCTL_PRELOAD (compiled in: PREFIX/lib/dwcp_res/libdwcp_res_preload.so)
 * Each class must exist (policy get) before the program starts. Exits 2 on
 * a usage error, 1 when the shim or a class is missing or exec fails, and
 * otherwise becomes CMD (its exit status is CMD's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "resctl.h"

#ifndef RESCTL_PRELOAD
#define RESCTL_PRELOAD "/usr/local/lib/dwcp_res/libdwcp_res_preload.so"
#endif
#define PRELOAD_NAME "libdwcp_res_preload.so"

/* The shim's path into @buf, or NULL (with a message) if none is readable. */
static const char *find_shim(char *buf, size_t len)
{
	const char *env = getenv("DWCP_RES_PRELOAD");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		if (!access(env, R_OK))
			return env;
		fprintf(stderr, "resctl: exec: DWCP_RES_PRELOAD=%s: %s\n", env,
			strerror(errno));
		return NULL;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(buf, len, "%s/../lib/dwcp_res/" PRELOAD_NAME, dirname(exe));
		if (!access(buf, R_OK))
			return buf;
	}
	if (!access(RESCTL_PRELOAD, R_OK))
		return RESCTL_PRELOAD;
	fprintf(stderr, "resctl: exec: no preload shim: set DWCP_RES_PRELOAD, or install "
		PRELOAD_NAME " in %s or next to resctl in ../lib/dwcp_res/\n",
		RESCTL_PRELOAD);
	return NULL;
}

/* Does policy @name exist? Prints why not. */
static bool class_exists(const char *name)
{
	struct resctl_policy *p = NULL;
	size_t n = 0;

	if (resctl_policy_fetch(name, &p, &n)) {
		fprintf(stderr,
			"resctl: exec: class \"%s\" is not a policy of dwcp_res (see \"resctl policy list\"); not starting the program\n",
			name);
		return false;
	}
	free(p);
	return true;
}

static int set_env(const char *key, const char *val)
{
	if (val ? setenv(key, val, 1) : unsetenv(key)) {
		perror("resctl: exec: setenv");
		return -1;
	}
	return 0;
}

int cmd_exec(int argc, char **argv)
{
	const char *cls = NULL, *snd = NULL, *rcv = NULL, *shim, *old;
	char path[PATH_MAX + 64], *pre;
	bool dbg = false;
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		if (!strcmp(a, "--debug")) {
			dbg = true;
			continue;
		}
		if (!strcmp(a, "--class"))
			dst = &cls;
		else if (!strcmp(a, "--send-class"))
			dst = &snd;
		else if (!strcmp(a, "--recv-class"))
			dst = &rcv;
		else
			return resctl_usage_err("exec: unknown option \"%s\"", a);
		if (i + 1 >= argc)
			return resctl_usage_err("exec: %s needs a policy name", a);
		*dst = argv[++i];
		if (!resctl_name_ok(*dst))
			return RESCTL_EXIT_USAGE;
	}
	if (cls && (snd || rcv))
		return resctl_usage_err("exec: --class excludes --send-class and --recv-class");
	if (i >= argc) {
		resctl_usage_err("exec: no program to run");
		return resctl_usage_of("exec", NULL);
	}

	shim = find_shim(path, sizeof(path));
	if (!shim)
		return RESCTL_EXIT_FAIL;
	if ((cls && !class_exists(cls)) || (snd && !class_exists(snd)) ||
	    (rcv && !class_exists(rcv)))
		return RESCTL_EXIT_FAIL;

	if (cls || snd || rcv) {
		if (set_env("DWCP_RES_CLASS", cls) ||
		    set_env("DWCP_RES_SEND_CLASS", snd) ||
		    set_env("DWCP_RES_RECV_CLASS", rcv))
			return RESCTL_EXIT_FAIL;
	}
	if (dbg && set_env("DWCP_RES_PRELOAD_DEBUG", "1"))
		return RESCTL_EXIT_FAIL;
	old = getenv("LD_PRELOAD");
	if (old && *old) {
		if (asprintf(&pre, "%s:%s", shim, old) < 0) {
			fprintf(stderr, "resctl: out of memory\n");
			return RESCTL_EXIT_FAIL;
		}
	} else {
		pre = strdup(shim);
		if (!pre) {
			fprintf(stderr, "resctl: out of memory\n");
			return RESCTL_EXIT_FAIL;
		}
	}
	if (set_env("LD_PRELOAD", pre))
		return RESCTL_EXIT_FAIL;
	free(pre);
	fflush(NULL);
	execvp(argv[i], argv + i);
	fprintf(stderr, "resctl: exec: %s: %s\n", argv[i], strerror(errno));
	return RESCTL_EXIT_FAIL;
}
