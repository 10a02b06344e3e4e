/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the files of the dwcp_res kernel shell.
 */
#ifndef _DWCP_RES_H
#define _DWCP_RES_H

#include <linux/types.h>

/* main.c */
extern bool dwcp_res_chaos_allowed;
u64 dwcp_res_features(void);

/* netlink.c */
int dwcp_res_genl_init(void);
void dwcp_res_genl_exit(void);

#endif /* _DWCP_RES_H */
