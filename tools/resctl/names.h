/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the bit sets of the uAPI, for text output: error-budget alerts
 * ("page-fast,exhausted") and degradation triggers ("budget,error-rate").
 */
#ifndef RESCTL_NAMES_H
#define RESCTL_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Comma-separated names of @bits into @buf ("none" when empty). */
const char *resctl_alert_names(uint64_t bits, char *buf, size_t len);
/* Comma-separated names of @bits into @buf ("" when empty). */
const char *resctl_trigger_names(uint64_t bits, char *buf, size_t len);
/* Parse "budget,health,error-rate,latency,external", "all" or "none". */
int resctl_trigger_parse(const char *s, uint32_t *bits);

#endif /* RESCTL_NAMES_H */
