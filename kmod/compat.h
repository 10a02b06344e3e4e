/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels dwcp_res builds for: Debian 12's 6.1
 * (stock, debug and PREEMPT_RT) and the 6.12 line of Debian 13, which
 * bookworm-backports brings to Debian 12. The logic never tests a version:
 * it uses the names below (Documentation/admin-guide.rst, "Kernels", says
 * what differs for users).
 */
#ifndef _DWCP_RES_COMPAT_H
#define _DWCP_RES_COMPAT_H

#include <linux/version.h>

/*
 * 6.6 gave a dump a struct genl_info of its own: the attributes parsed by
 * the op's policy moved into it.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define dwcp_dump_attrs(cb)		(genl_dumpit_info(cb)->attrs)
#else
#define dwcp_dump_attrs(cb)		(genl_dumpit_info(cb)->info.attrs)
#endif

/*
 * 6.5 removed proto->sendpage: splice() and sendfile() reach sendmsg with
 * MSG_SPLICE_PAGES, which the ULP's sendmsg admits like any send.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define DWCP_HAVE_SENDPAGE		1
#endif

/* 6.10: __assign_str() takes the field only; __string() named the source. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
#define dwcp_assign_str(dst, src)	__assign_str(dst, src)
#else
#define dwcp_assign_str(dst, src)	__assign_str(dst)
#endif

/*
 * tcp_recvmsg() is no longer exported by 6.12 (Kbuild probes it): without
 * it, the ULP calls the base proto's recvmsg through the pointer, as for
 * any other base.
 */
#ifdef DWCP_HAVE_TCP_RECVMSG_EXPORT
#define dwcp_tcp_recvmsg(base, ...)	INDIRECT_CALL_1((base)->recvmsg, tcp_recvmsg, __VA_ARGS__)
#else
#define dwcp_tcp_recvmsg(base, ...)	((base)->recvmsg(__VA_ARGS__))
#endif

/*
 * PREEMPT_RT's spin_lock_bh() (spinlock_rt.h) carries no sparse context
 * annotation, so sparse finds a wrapper that says __acquires() imbalanced
 * there; the annotations stay for every other kernel, where they are checked.
 */
#if defined(CONFIG_PREEMPT_RT) && defined(__CHECKER__)
#define dwcp_acquires(x)
#define dwcp_releases(x)
#else
#define dwcp_acquires(x)	__acquires(x)
#define dwcp_releases(x)	__releases(x)
#endif

#endif /* _DWCP_RES_COMPAT_H */
