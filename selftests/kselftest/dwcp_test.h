/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the dwcp_res kselftests. They run inside the test VM,
 * where DWCP_DIR (default /dwcp) holds dwcp_res.ko and bin/resctl.
 */
#ifndef DWCP_TEST_H
#define DWCP_TEST_H

#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

static inline const char *dwcp_dir(void)
{
	const char *d = getenv("DWCP_DIR");

	return d ? d : "/dwcp";
}

/* Read a whole (small) file into @buf; returns bytes read or -1. */
static inline int dwcp_slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return (int)n;
}

/*
 * Run a shell command, capturing stdout and stderr separately; returns its
 * exit status, or -1 if it did not exit normally.
 */
static inline int dwcp_run(const char *cmd, char *out, size_t olen,
			   char *err, size_t elen)
{
	char line[1024], o[64], e[64];
	int st;

	/* Per process: a child that dropped privileges cannot reuse root's. */
	snprintf(o, sizeof(o), "/tmp/dwcp.%d.out", (int)getpid());
	snprintf(e, sizeof(e), "/tmp/dwcp.%d.err", (int)getpid());
	snprintf(line, sizeof(line), "%s >%s 2>%s", cmd, o, e);
	st = system(line);
	if (out && dwcp_slurp(o, out, olen) < 0)
		out[0] = '\0';
	if (err && dwcp_slurp(e, err, elen) < 0)
		err[0] = '\0';
	unlink(o);
	unlink(e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int dwcp_module_unload(void)
{
	return system("grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res; "
		      "! grep -q '^dwcp_res ' /proc/modules");
}

/* (Re)load dwcp_res.ko with module parameters @params (may be ""). */
static inline int dwcp_module_load(const char *params)
{
	char cmd[512];

	if (dwcp_module_unload())
		return -1;
	snprintf(cmd, sizeof(cmd), "insmod %s/dwcp_res.ko %s", dwcp_dir(), params);
	if (system(cmd))
		return -1;
	/*
	 * Pin the degradation level to normal (a manual level, held until
	 * "degrade auto"): the C tests fail calls on purpose, and automatic
	 * control, fed by those failures, would otherwise scale or shed their
	 * policies halfway through. engine.sh and degrade.sh test it.
	 */
	snprintf(cmd, sizeof(cmd), "%s/bin/resctl degrade set normal", dwcp_dir());
	return system(cmd);
}

/* dwcp_res's reference count from /proc/modules; -1 if not loaded. */
static inline int dwcp_module_refcnt(void)
{
	char line[256], name[64];
	int size, ref, found = -1;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %d %d", name, &size, &ref) == 3 &&
		    !strcmp(name, "dwcp_res"))
			found = ref;
	fclose(f);
	return found;
}

static inline bool dwcp_module_loaded(void)
{
	return dwcp_module_refcnt() >= 0;
}

/*
 * Make sure dwcp_res is loaded, reloading it with @params unless it already
 * is and its chaos_allowed parameter reads @chaos ("Y"/"N"; NULL: any).
 */
static inline int dwcp_module_ensure(const char *params, const char *chaos)
{
	char val[8];

	if (dwcp_module_loaded() &&
	    (!chaos || (dwcp_slurp("/sys/module/dwcp_res/parameters/chaos_allowed",
				   val, sizeof(val)) > 0 && val[0] == chaos[0])))
		return 0;
	return dwcp_module_load(params);
}

static inline void dwcp_resctl_cmd(char *buf, size_t len, const char *args)
{
	snprintf(buf, len, "%s/bin/resctl %s", dwcp_dir(), args);
}

/* Run resctl with printf-style arguments; returns its exit status. */
static inline __attribute__((format(printf, 1, 2)))
int dwcp_resctl(const char *fmt, ...)
{
	char args[512], cmd[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	dwcp_resctl_cmd(cmd, sizeof(cmd), args);
	return dwcp_run(cmd, NULL, 0, NULL, 0);
}

/* A fresh policy NAME: delete any leftover, then add it with ARGS. */
static inline int dwcp_fresh_policy(const char *name, const char *args)
{
	dwcp_resctl("policy del %s", name);
	return dwcp_resctl("policy add %s %s", name, args);
}

/* Bring up "lo" (in a network namespace just made). */
static inline int dwcp_lo_up(void)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!rc) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

#ifdef __USE_GNU	/* glibc declared setresuid(), setresgid() */
/* Become nobody (65534:65534, no supplementary groups, no capabilities). */
static inline int dwcp_drop_privileges(void)
{
	return setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	       setresuid(65534, 65534, 65534) ? -1 : 0;
}

/* Run @fn as nobody in a child; its exit status (250: could not drop). */
static inline int dwcp_as_nobody(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (dwcp_drop_privileges())
			_exit(250);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 251;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 251;
}
#endif

#endif /* DWCP_TEST_H */
