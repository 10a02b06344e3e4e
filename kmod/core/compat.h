/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's only view of its environment.
 *
 * Files in kmod/core/ are pure: time arrives as an explicit u64 nanosecond
 * argument, nothing locks, allocates or calls into the kernel, and the caller
 * serialises access to each object (the module with a per-policy spinlock,
 * host benchmarks with a pthread lock). This header maps the handful of kernel
 * helpers the core uses onto the C library (selftests/host/host_compat.h) so
 * the same files build unchanged into dwcp_res.ko, KUnit tests and host
 * binaries.
 */
#ifndef _DWCP_CORE_COMPAT_H
#define _DWCP_CORE_COMPAT_H

#ifdef __KERNEL__

#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/types.h>

#else /* host: the C library stands in, see selftests/host/host_compat.h */

#include "host_compat.h"

#endif /* __KERNEL__ */

#endif /* _DWCP_CORE_COMPAT_H */
