// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: module entry points and module parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <uapi/linux/dwcp_res.h>

#include "dwcp_res.h"
#include "version.h"

/*
 * Chaos injection can only ever be enabled when the module was loaded with
 * chaos_allowed=1; it is read-only afterwards so a compromised or careless
 * control plane cannot switch a production host into chaos mode.
 */
bool dwcp_res_chaos_allowed;
module_param_named(chaos_allowed, dwcp_res_chaos_allowed, bool, 0444);
MODULE_PARM_DESC(chaos_allowed, "Allow chaos fault injection to be enabled (default: no)");

u64 dwcp_res_features(void)
{
	return DWCP_RES_F_INFO | DWCP_RES_F_CORE | DWCP_RES_F_POLICY | DWCP_RES_F_CHAOS |
	       DWCP_RES_F_ULP | DWCP_RES_F_EVENTS | DWCP_RES_F_HEALTH;
}

static int __init dwcp_res_init(void)
{
	int err;

	err = dwcp_res_sysfs_init();
	if (err)
		return err;
	err = dwcp_res_policy_init();
	if (err)
		goto err_sysfs;
	err = dwcp_res_genl_init();
	if (err)
		goto err_policy;
	/* Last: once registered, sockets can attach and use everything. */
	err = dwcp_res_ulp_init();
	if (err)
		goto err_genl;

	pr_info("version %s loaded%s\n", DWCP_RES_VERSION,
		dwcp_res_chaos_allowed ? " (chaos allowed)" : "");
	return 0;

err_genl:
	dwcp_res_genl_exit();
err_policy:
	dwcp_res_policy_exit();
err_sysfs:
	dwcp_res_sysfs_exit();
	return err;
}

static void __exit dwcp_res_exit(void)
{
	dwcp_res_ulp_exit();
	dwcp_res_genl_exit();
	dwcp_res_policy_exit();
	dwcp_res_sysfs_exit();
}

module_init(dwcp_res_init);
module_exit(dwcp_res_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Resilience controls for the DWCP data path");
MODULE_AUTHOR("dwcp_res developers");
MODULE_VERSION(DWCP_RES_VERSION);
