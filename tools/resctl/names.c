// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: names of the uAPI's bit sets; see names.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/dwcp_res.h>

#include "names.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct bitname {
	uint32_t bit;
	const char *name;
};

static const struct bitname alert_names[] = {
	{ DWCP_RES_ALERT_PAGE_FAST, "page-fast" },
	{ DWCP_RES_ALERT_PAGE_SLOW, "page-slow" },
	{ DWCP_RES_ALERT_TICKET, "ticket" },
	{ DWCP_RES_ALERT_EXHAUSTED, "exhausted" },
	{ DWCP_RES_ALERT_LATENCY, "latency" },
};

static const struct bitname trigger_names[] = {
	{ DWCP_RES_TRIGGER_BUDGET, "budget" },
	{ DWCP_RES_TRIGGER_HEALTH, "health" },
	{ DWCP_RES_TRIGGER_ERROR_RATE, "error-rate" },
	{ DWCP_RES_TRIGGER_LATENCY, "latency" },
	{ DWCP_RES_TRIGGER_EXTERNAL, "external" },
};

static const char *bits_fmt(const struct bitname *t, size_t n, uint64_t bits,
			    char *buf, size_t len, const char *none)
{
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < n && off < len; i++)
		if (bits & t[i].bit)
			off += snprintf(buf + off, len - off, "%s%s", off ? "," : "",
					t[i].name);
	return off ? buf : none;
}

const char *resctl_alert_names(uint64_t bits, char *buf, size_t len)
{
	return bits_fmt(alert_names, N(alert_names), bits, buf, len, "none");
}

const char *resctl_trigger_names(uint64_t bits, char *buf, size_t len)
{
	bits_fmt(trigger_names, N(trigger_names), bits, buf, len, "");
	return buf;
}

int resctl_trigger_parse(const char *s, uint32_t *bits)
{
	char word[32];
	size_t i, k;

	*bits = 0;
	if (!strcmp(s, "none"))
		return 0;
	if (!strcmp(s, "all")) {
		for (i = 0; i < N(trigger_names); i++)
			*bits |= trigger_names[i].bit;
		return 0;
	}
	while (*s) {
		k = strcspn(s, ",");
		if (!k || k >= sizeof(word))
			return -EINVAL;
		memcpy(word, s, k);
		word[k] = 0;
		for (i = 0; i < N(trigger_names); i++)
			if (!strcmp(word, trigger_names[i].name))
				break;
		if (i == N(trigger_names))
			return -EINVAL;
		*bits |= trigger_names[i].bit;
		s += k;
		if (*s == ',' && *++s == 0)
			return -EINVAL;
	}
	return 0;
}
