/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _DWCP_RES_VERSION_H
#define _DWCP_RES_VERSION_H

/* One version for the module and resctl; tools/resctl/Makefile reads it here. */
#define DWCP_RES_VERSION "0.1.0"

#endif
