// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: the user's names for the attributes resctl sends, so a kernel
 * error that points at an attribute can be reported as the KEY the user
 * typed ("concurrent: integer out of range (allowed 1..1000000)").
 */
#include <stddef.h>
#include <linux/dwcp_res.h>

#include "nl.h"
#include "resctl.h"

static const char *fault_option(int type)
{
	switch (type) {
	case DWCP_RES_FAULT_A_KIND:
		return "kind";
	case DWCP_RES_FAULT_A_PROBABILITY_PPM:
		return "probability";
	case DWCP_RES_FAULT_A_INTERVAL:
		return "interval";
	case DWCP_RES_FAULT_A_TIMES:
		return "times";
	case DWCP_RES_FAULT_A_VALUE_MIN:
		return "min";
	case DWCP_RES_FAULT_A_VALUE_MAX:
		return "max";
	case DWCP_RES_FAULT_A_SEED:
		return "seed";
	}
	return NULL;
}

static const char *budget_key(int type)
{
	switch (type) {
	case DWCP_RES_B_SLO_PPM:
		return "target";
	case DWCP_RES_B_WINDOW_NS:
		return "window";
	case DWCP_RES_B_BUCKETS:
		return "buckets";
	case DWCP_RES_B_MIN_EVENTS:
		return "min-events";
	}
	return NULL;
}

static const char *health_key(int type)
{
	switch (type) {
	case DWCP_RES_HC_NAME:
		return "check name";
	case DWCP_RES_HC_METRIC:
		return "metric";
	case DWCP_RES_HC_POLICY:
		return "policy";
	case DWCP_RES_HC_VALUE_MIN:
		return "min";
	case DWCP_RES_HC_VALUE_MAX:
		return "max";
	case DWCP_RES_HC_INTERVAL_NS:
		return "interval";
	case DWCP_RES_HC_TIMEOUT_NS:
		return "timeout";
	case DWCP_RES_HC_RISE:
		return "rise";
	case DWCP_RES_HC_FALL:
		return "fall";
	case DWCP_RES_HC_LEVEL:
		return "level";
	case DWCP_RES_HC_ENABLED:
		return "enabled";
	}
	return NULL;
}

static const char *trigger_key(int type)
{
	switch (type) {
	case DWCP_RES_TRIG_ENABLED:
		return "enabled";
	case DWCP_RES_TRIG_ERROR_PPM:
		return "error-rate";
	case DWCP_RES_TRIG_MIN_EVENTS:
		return "min-events";
	case DWCP_RES_TRIG_WINDOW_NS:
		return "window";
	case DWCP_RES_TRIG_TICK_NS:
		return "tick";
	case DWCP_RES_TRIG_UP_DWELL_NS:
		return "up-dwell";
	case DWCP_RES_TRIG_MIN_DWELL_NS:
		return "dwell";
	case DWCP_RES_TRIG_HYST_PERMILLE:
		return "hysteresis";
	}
	return NULL;
}

const char *resctl_attr_name(int parent, int type)
{
	if (parent == DWCP_RES_A_BUDGET)
		return budget_key(type);
	if (parent == DWCP_RES_A_HEALTH)
		return health_key(type);
	if (parent == DWCP_RES_A_TRIGGER)
		return trigger_key(type);
	if (parent == DWCP_RES_A_POLICY)
		return resctl_policy_key_of(type);
	if (parent == DWCP_RES_A_FAULT)
		return fault_option(type);
	switch (type) {
	case DWCP_RES_A_POLICY_NAME:
		return "policy name";
	case DWCP_RES_A_POLICY:
		return "policy settings";
	case DWCP_RES_A_BREAKER_ACTION:
		return "breaker action";
	case DWCP_RES_A_CHAOS_ENABLED:
		return "chaos enabled";
	case DWCP_RES_A_FAULT:
		return "fault";
	case DWCP_RES_A_LEVEL:
		return "level";
	case DWCP_RES_A_DEGRADE_HOLD_NS:
		return "hold";
	}
	return NULL;
}
