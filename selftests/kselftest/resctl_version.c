// SPDX-License-Identifier: GPL-2.0
/*
 * resctl version and DWCP_RES_CMD_GET_INFO, with and without the module.
 */
#include <errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/dwcp_res.h>

#include "kselftest_harness.h"
#include "dwcp_test.h"

static char out[4096], err[4096], cmd[512];

TEST(version_without_module)
{
	ASSERT_EQ(0, dwcp_module_unload());
	dwcp_resctl_cmd(cmd, sizeof(cmd), "version");
	EXPECT_EQ(1, dwcp_run(cmd, out, sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(out, "resctl 0.1.0"));
	EXPECT_NE(NULL, strstr(err, "dwcp_res is not loaded (modprobe dwcp_res)"))
		TH_LOG("stderr: %s", err);
}

TEST(version_with_module)
{
	char sysver[64];

	ASSERT_EQ(0, dwcp_module_load(""));
	dwcp_resctl_cmd(cmd, sizeof(cmd), "version");
	EXPECT_EQ(0, dwcp_run(cmd, out, sizeof(out), err, sizeof(err)))
		TH_LOG("stderr: %s", err);
	EXPECT_NE(NULL, strstr(out, "resctl 0.1.0\n"));
	ASSERT_LT(0, dwcp_slurp("/sys/module/dwcp_res/version", sysver, sizeof(sysver)));
	sysver[strcspn(sysver, "\n")] = '\0';
	EXPECT_STREQ("0.1.0", sysver);
	EXPECT_NE(NULL, strstr(out, "dwcp_res 0.1.0\n")) TH_LOG("stdout: %s", out);
	EXPECT_NE(NULL, strstr(out, "chaos allowed no\n")) TH_LOG("stdout: %s", out);
	EXPECT_NE(NULL, strstr(out, "features 0x")) TH_LOG("stdout: %s", out);
}

TEST(version_json)
{
	ASSERT_EQ(0, dwcp_module_load(""));
	dwcp_resctl_cmd(cmd, sizeof(cmd), "-j version");
	EXPECT_EQ(0, dwcp_run(cmd, out, sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(out, "\"resctl\":\"0.1.0\"")) TH_LOG("stdout: %s", out);
	EXPECT_NE(NULL, strstr(out, "\"module\":{\"version\":\"0.1.0\",\"features\":"))
		TH_LOG("stdout: %s", out);
	EXPECT_NE(NULL, strstr(out, ",\"chaos_allowed\":false}")) TH_LOG("stdout: %s", out);
}

TEST(chaos_allowed_parameter)
{
	char val[8];

	ASSERT_EQ(0, dwcp_module_load("chaos_allowed=1"));
	dwcp_resctl_cmd(cmd, sizeof(cmd), "version");
	EXPECT_EQ(0, dwcp_run(cmd, out, sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(out, "chaos allowed yes\n")) TH_LOG("stdout: %s", out);
	ASSERT_LT(0, dwcp_slurp("/sys/module/dwcp_res/parameters/chaos_allowed",
				val, sizeof(val)));
	EXPECT_EQ('Y', val[0]);
	/* Read-only after load: the control plane cannot flip it. */
	EXPECT_NE(0, system("echo 0 > /sys/module/dwcp_res/parameters/chaos_allowed"));
	ASSERT_EQ(0, dwcp_module_load(""));
}

TEST(usage_errors_exit_2)
{
	dwcp_resctl_cmd(cmd, sizeof(cmd), "version extra");
	EXPECT_EQ(2, dwcp_run(cmd, out, sizeof(out), err, sizeof(err)));
	dwcp_resctl_cmd(cmd, sizeof(cmd), "no-such-command");
	EXPECT_EQ(2, dwcp_run(cmd, out, sizeof(out), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown command")) TH_LOG("stderr: %s", err);
	dwcp_resctl_cmd(cmd, sizeof(cmd), "");
	EXPECT_EQ(2, dwcp_run(cmd, out, sizeof(out), err, sizeof(err)));
}

/* Raw GET_INFO through libnl, to check the reply and strict validation. */
FIXTURE(genl)
{
	struct nl_sock *sk;
	int family;
};

FIXTURE_SETUP(genl)
{
	ASSERT_EQ(0, dwcp_module_load(""));
	self->sk = nl_socket_alloc();
	ASSERT_NE(NULL, self->sk);
	ASSERT_EQ(0, genl_connect(self->sk));
	self->family = genl_ctrl_resolve(self->sk, DWCP_RES_GENL_NAME);
	ASSERT_LT(0, self->family);
}

FIXTURE_TEARDOWN(genl)
{
	nl_socket_free(self->sk);
}

struct info_reply {
	char version[32];
	uint64_t features;
	int chaos;
	int seen;
};

static int on_info(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[DWCP_RES_A_MAX + 1];
	struct info_reply *r = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, DWCP_RES_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[DWCP_RES_A_INFO_VERSION])
		nla_strlcpy(r->version, tb[DWCP_RES_A_INFO_VERSION], sizeof(r->version));
	if (tb[DWCP_RES_A_INFO_FEATURES])
		r->features = nla_get_u64(tb[DWCP_RES_A_INFO_FEATURES]);
	if (tb[DWCP_RES_A_INFO_CHAOS_ALLOWED])
		r->chaos = nla_get_u8(tb[DWCP_RES_A_INFO_CHAOS_ALLOWED]);
	r->seen++;
	return NL_OK;
}

static int get_info(struct nl_sock *sk, int family, int attr, struct info_reply *r)
{
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
		    DWCP_RES_CMD_GET_INFO, DWCP_RES_GENL_VERSION);
	if (attr)
		nla_put_u32(msg, attr, 1);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_info, r);
	err = nl_send_sync(sk, msg);	/* frees msg, waits for the ack */
	return err;
}

TEST_F(genl, get_info_reply)
{
	struct info_reply r = { .chaos = -1 };

	ASSERT_EQ(0, get_info(self->sk, self->family, 0, &r));
	EXPECT_EQ(1, r.seen);
	EXPECT_STREQ("0.1.0", r.version);
	/* What this module implements so far; a bit is never taken back. */
	EXPECT_EQ((uint64_t)(DWCP_RES_F_INFO | DWCP_RES_F_CORE | DWCP_RES_F_POLICY),
		  r.features & (DWCP_RES_F_INFO | DWCP_RES_F_CORE | DWCP_RES_F_POLICY));
	EXPECT_EQ(0, r.chaos);
}

TEST_F(genl, get_info_rejects_any_attribute)
{
	struct info_reply r = { 0 };

	/* A known attribute that GET_INFO does not take, and an unknown one. */
	EXPECT_EQ(-NLE_INVAL, get_info(self->sk, self->family,
				       DWCP_RES_A_INFO_VERSION, &r));
	EXPECT_EQ(-NLE_INVAL, get_info(self->sk, self->family, DWCP_RES_A_MAX + 7, &r));
	EXPECT_EQ(0, r.seen);
}

TEST_HARNESS_MAIN
