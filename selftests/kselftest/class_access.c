// SPDX-License-Identifier: GPL-2.0
/*
 * Who may bind a socket to a class (DWCP_RES_P_BIND, Documentation/ulp.rst
 * "Who may use a class"). Any user could make a socket a user of
 * "consensus", take its 20 slots or trip the breaker that every socket of
 * the class shares. Now the profile's sync and consensus take CAP_NET_ADMIN
 * over the namespace, or the policy's bind group; send and receive stay
 * open, unless the admin closes them too (then attaching the ULP is
 * refused). A tenant in a user and network namespace of its own is admin
 * of its own policies, never of the host's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <linux/dwcp_res.h>

#include "kselftest_harness.h"
#include "dwcp_test.h"
#include "dwcp_stream.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

static const int class_opts[] = { DWCP_SO_CLASS, DWCP_SO_SEND_CLASS, DWCP_SO_RECV_CLASS };

/* @fd still has its default classes: "send" and "receive". */
static int default_classes(int fd)
{
	static const char * const want[] = { "send", "receive" };
	char name[DWCP_RES_NAME_MAX];
	socklen_t len;
	int i;

	for (i = 0; i < 2; i++) {
		len = sizeof(name);
		if (getsockopt(fd, SOL_DWCP, DWCP_SO_SEND_CLASS + i, name, &len) ||
		    strcmp(name, want[i])) {
			printf("# the %s class reads \"%s\"\n", want[i], name);
			return 0;
		}
	}
	return 1;
}

/*
 * On a connected pair with the ULP: every class option naming @cls returns
 * @want_errno (0: succeeds). Returns 0 if all did, 1 otherwise.
 */
static int try_class(const char *cls, int want_errno)
{
	int a, b, bad = 0;
	size_t i;

	if (tcp_pair(AF_INET, true, &a, &b)) {
		printf("# a pair with the ULP: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < sizeof(class_opts) / sizeof(class_opts[0]); i++) {
		int rc = setsockopt(a, SOL_DWCP, class_opts[i], cls, strlen(cls));
		int err = rc ? errno : 0;

		if (err != want_errno) {
			printf("# uid %d, option %d, class %s: %s, expected %s\n", getuid(),
			       class_opts[i], cls, strerror(err), strerror(want_errno));
			bad = 1;
		}
	}
	/* Refused: the socket keeps its default classes. */
	if (want_errno && !default_classes(a))
		bad = 1;
	close(a);
	close(b);
	return bad;
}

static int nobody_tries_the_critical_classes(void *arg)
{
	(void)arg;
	return try_class("consensus", EPERM) | try_class("sync", EPERM) |
	       try_class("send", 0) | try_class("receive", 0);
}

static int nobody_binds_to_consensus(void *arg)
{
	return try_class("consensus", *(int *)arg);
}

/* The ULP itself: attaching is binding to the default classes. */
static int nobody_attaches(void *arg)
{
	int a, b, rc, err;

	rc = tcp_pair(AF_INET, false, &a, &b);
	if (rc)
		return 2;
	rc = setsockopt(a, SOL_TCP, TCP_ULP, "dwcp", 4);
	err = rc ? errno : 0;
	close(a);
	close(b);
	if (err != *(int *)arg)
		printf("# nobody's TCP_ULP: %s, expected %s\n", strerror(err),
		       strerror(*(int *)arg));
	return err != *(int *)arg;
}

/* A tenant: its own user and network namespace, so its own consensus. */
static int tenant_in_its_namespace(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return 253;
	if (dwcp_lo_up())
		return 252;
	return try_class("consensus", 0);
}

/* Its own user namespace only: the sockets are still the host's. */
static int tenant_in_the_hosts_namespace(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWUSER))
		return 253;
	return try_class("consensus", EPERM);
}

/* resctl's output (stdout, then stderr in the second half); its exit status. */
static int resctl_out(const char *args, char *out, size_t len)
{
	char cmd[256];

	dwcp_resctl_cmd(cmd, sizeof(cmd), args);
	return dwcp_run(cmd, out, len / 2, out + len / 2, len / 2);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fputs(text, f) < 0;
	return fclose(f) || rc ? -1 : 0;
}

/*
 * A tenant sets its own consensus's bind group: the gid is its user
 * namespace's, so one with no mapping there is refused, and the gid read
 * back is the one it wrote, not the host's.
 */
static int tenant_sets_a_group(void *arg)
{
	static char out[16384];
	int bad = 0, rc;

	(void)arg;
	/* Dropped from root: undumpable, so /proc/self is root's until this. */
	prctl(PR_SET_DUMPABLE, 1);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return 253;
	/* uid 0 inside, so that resctl keeps its capabilities across exec. */
	if (write_file("/proc/self/uid_map", "0 65534 1")) {
		printf("# uid_map: %s\n", strerror(errno));
		return 252;
	}
	rc = resctl_out("policy set consensus bind-group 100", out, sizeof(out));
	if (rc == 0 || !strstr(out + sizeof(out) / 2, "not a group of the caller")) {
		printf("# an unmapped gid: exit %d, %s\n", rc, out + sizeof(out) / 2);
		bad++;
	}
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/gid_map", "0 65534 1")) {
		printf("# setgroups, gid_map: %s\n", strerror(errno));
		return 252;
	}
	rc = resctl_out("policy set consensus bind-group 0", out, sizeof(out));
	if (rc) {
		printf("# gid 0 of the tenant: exit %d, %s\n", rc, out + sizeof(out) / 2);
		bad++;
	}
	rc = resctl_out("-j policy show consensus", out, sizeof(out));
	if (rc || !strstr(out, "\"bind_gid\":0")) {
		printf("# read back: exit %d, %.300s\n", rc, out);
		bad++;
	}
	return bad;
}

FIXTURE(access)
{
	long long consensus0;
};

static void profile_access(void)
{
	dwcp_resctl("policy set consensus bind admin bind-group none");
	dwcp_resctl("policy set sync bind admin bind-group none");
	dwcp_resctl("policy set send bind any bind-group none");
}

FIXTURE_SETUP(access)
{
	ASSERT_EQ(0, dwcp_module_ensure("", NULL));
	profile_access();
	self->consensus0 = policy_stat("consensus", "admitted");
}

FIXTURE_TEARDOWN(access)
{
	profile_access();
}

/* The profile as loaded: sync and consensus admin, send and receive any. */
TEST_F(access, profile_defaults_are_shown)
{
	char out[16384];
	const char *p;

	ASSERT_EQ(0, dwcp_module_load(""));
	ASSERT_EQ(0, resctl_out("-j policy show consensus", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"bind\":\"admin\""));
	EXPECT_NE(NULL, strstr(out, "\"bind_gid\":\"none\""));
	ASSERT_EQ(0, resctl_out("-j policy show send", out, sizeof(out)));
	p = strstr(out, "\"bind\":");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, strncmp(p, "\"bind\":\"any\"", 12));
}

TEST_F(access, nobody_cannot_bind_to_the_critical_classes)
{
	EXPECT_EQ(0, dwcp_as_nobody(nobody_tries_the_critical_classes, NULL));
	/* Nothing of the host's consensus moved. */
	EXPECT_EQ(self->consensus0, policy_stat("consensus", "admitted"));
}

TEST_F(access, root_binds_to_them)
{
	EXPECT_EQ(0, try_class("consensus", 0));
	EXPECT_EQ(0, try_class("sync", 0));
}

TEST_F(access, bind_group_admits_its_members_only)
{
	int ok = 0, perm = EPERM;

	ASSERT_EQ(0, dwcp_resctl("policy set consensus bind-group 65534"));
	EXPECT_EQ(0, dwcp_as_nobody(nobody_binds_to_consensus, &ok));
	ASSERT_EQ(0, dwcp_resctl("policy set consensus bind-group 65533"));
	EXPECT_EQ(0, dwcp_as_nobody(nobody_binds_to_consensus, &perm));
	/* bind any: open to everyone, whatever the group. */
	ASSERT_EQ(0, dwcp_resctl("policy set consensus bind any"));
	EXPECT_EQ(0, dwcp_as_nobody(nobody_binds_to_consensus, &ok));
}

TEST_F(access, a_closed_default_class_refuses_the_ulp)
{
	int ok = 0, perm = EPERM;

	EXPECT_EQ(0, dwcp_as_nobody(nobody_attaches, &ok));
	ASSERT_EQ(0, dwcp_resctl("policy set send bind admin"));
	EXPECT_EQ(0, dwcp_as_nobody(nobody_attaches, &perm));
	/* root still attaches. */
	EXPECT_EQ(0, nobody_attaches(&ok));
}

TEST_F(access, a_tenant_is_admin_of_its_own_namespace_only)
{
	int rc = dwcp_as_nobody(tenant_in_its_namespace, NULL);

	if (rc == 253)
		SKIP(return, "unprivileged user namespaces are off");
	EXPECT_EQ(0, rc);
	EXPECT_EQ(0, dwcp_as_nobody(tenant_in_the_hosts_namespace, NULL));
	EXPECT_EQ(self->consensus0, policy_stat("consensus", "admitted"));
}

TEST_F(access, bind_group_is_the_setters_gid)
{
	int rc = dwcp_as_nobody(tenant_sets_a_group, NULL);

	if (rc == 253)
		SKIP(return, "unprivileged user namespaces are off");
	EXPECT_EQ(0, rc);
	/* The host's consensus is untouched. */
	EXPECT_EQ(0, system("/dwcp/bin/resctl -j policy show consensus | grep -q '\"bind_gid\":\"none\"'"));
}

TEST_F(access, bad_values_are_refused)
{
	char out[2048];

	EXPECT_EQ(2, resctl_out("policy set consensus bind everyone", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out + sizeof(out) / 2, "any or admin"));
	EXPECT_EQ(2, resctl_out("policy set consensus bind-group 4294967295", out,
				sizeof(out)));
}

TEST_HARNESS_MAIN
