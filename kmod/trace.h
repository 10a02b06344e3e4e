/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dwcp_res tracepoints (system "dwcp_res"): what the module decided, for
 * ftrace, perf and BPF. Each is a static key: off, it costs a patched-out
 * branch. They fire where the decision is taken, some under the policy
 * lock, so they see every transition in order; the netlink events (events.c)
 * report the same things to user space, rate-limited and after unlocking.
 *
 * kmod/events.c defines them (CREATE_TRACE_POINTS). The module is built
 * out of tree, so define_trace.h finds this file through TRACE_INCLUDE_PATH
 * "." and the -I$(src)/kmod of Kbuild.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dwcp_res

#if !defined(_DWCP_RES_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _DWCP_RES_TRACE_H

#include <linux/tracepoint.h>
#include "compat.h"
#include <uapi/linux/dwcp_res.h>

TRACE_DEFINE_ENUM(DWCP_RES_BREAKER_CLOSED);
TRACE_DEFINE_ENUM(DWCP_RES_BREAKER_HALF_OPEN);
TRACE_DEFINE_ENUM(DWCP_RES_BREAKER_OPEN);
TRACE_DEFINE_ENUM(DWCP_RES_BREAKER_DISABLED);
TRACE_DEFINE_ENUM(DWCP_RES_BREAKER_FORCED_OPEN);

#define show_breaker_state(s)						\
	__print_symbolic(s,						\
			 { DWCP_RES_BREAKER_CLOSED, "closed" },		\
			 { DWCP_RES_BREAKER_HALF_OPEN, "half-open" },	\
			 { DWCP_RES_BREAKER_OPEN, "open" },		\
			 { DWCP_RES_BREAKER_DISABLED, "disabled" },	\
			 { DWCP_RES_BREAKER_FORCED_OPEN, "forced-open" })

TRACE_DEFINE_ENUM(DWCP_RES_REJECT_SHED);
TRACE_DEFINE_ENUM(DWCP_RES_REJECT_BREAKER);
TRACE_DEFINE_ENUM(DWCP_RES_REJECT_RATE);
TRACE_DEFINE_ENUM(DWCP_RES_REJECT_BULKHEAD_FULL);
TRACE_DEFINE_ENUM(DWCP_RES_REJECT_BULKHEAD_WAIT);
TRACE_DEFINE_ENUM(DWCP_RES_REJECT_CHAOS);

#define show_reject(r)							\
	__print_symbolic(r,						\
			 { DWCP_RES_REJECT_SHED, "shed" },		\
			 { DWCP_RES_REJECT_BREAKER, "breaker" },	\
			 { DWCP_RES_REJECT_RATE, "rate" },		\
			 { DWCP_RES_REJECT_BULKHEAD_FULL, "bulkhead-full" }, \
			 { DWCP_RES_REJECT_BULKHEAD_WAIT, "bulkhead-wait" }, \
			 { DWCP_RES_REJECT_CHAOS, "chaos" })

TRACE_DEFINE_ENUM(DWCP_RES_FAULT_LATENCY);
TRACE_DEFINE_ENUM(DWCP_RES_FAULT_ERROR);
TRACE_DEFINE_ENUM(DWCP_RES_FAULT_TIMEOUT);
TRACE_DEFINE_ENUM(DWCP_RES_FAULT_PARTITION);
TRACE_DEFINE_ENUM(DWCP_RES_FAULT_CPU_SPIKE);
TRACE_DEFINE_ENUM(DWCP_RES_FAULT_MEM_PRESSURE);

#define show_fault(k)							\
	__print_symbolic(k,						\
			 { DWCP_RES_FAULT_LATENCY, "latency" },		\
			 { DWCP_RES_FAULT_ERROR, "error" },		\
			 { DWCP_RES_FAULT_TIMEOUT, "timeout" },		\
			 { DWCP_RES_FAULT_PARTITION, "partition" },	\
			 { DWCP_RES_FAULT_CPU_SPIKE, "cpu-spike" },	\
			 { DWCP_RES_FAULT_MEM_PRESSURE, "mem-pressure" })

TRACE_DEFINE_ENUM(DWCP_RES_TRIGGER_BUDGET);
TRACE_DEFINE_ENUM(DWCP_RES_TRIGGER_HEALTH);
TRACE_DEFINE_ENUM(DWCP_RES_TRIGGER_ERROR_RATE);
TRACE_DEFINE_ENUM(DWCP_RES_TRIGGER_LATENCY);
TRACE_DEFINE_ENUM(DWCP_RES_TRIGGER_EXTERNAL);
TRACE_DEFINE_ENUM(DWCP_RES_LEVEL_NORMAL);
TRACE_DEFINE_ENUM(DWCP_RES_LEVEL_DEGRADED);
TRACE_DEFINE_ENUM(DWCP_RES_LEVEL_SEVERELY_DEGRADED);
TRACE_DEFINE_ENUM(DWCP_RES_LEVEL_EMERGENCY);

#define show_level(l)							\
	__print_symbolic(l,						\
			 { DWCP_RES_LEVEL_NORMAL, "normal" },		\
			 { DWCP_RES_LEVEL_DEGRADED, "degraded" },	\
			 { DWCP_RES_LEVEL_SEVERELY_DEGRADED, "severely-degraded" }, \
			 { DWCP_RES_LEVEL_EMERGENCY, "emergency" })

/* A policy's circuit breaker changed state; @epoch is the new epoch. */
TRACE_EVENT(breaker_transition,
	    TP_PROTO(const char *policy, u32 from, u32 to, u32 epoch),
	    TP_ARGS(policy, from, to, epoch),
	    TP_STRUCT__entry(__string(policy, policy)
			     __field(u32, from)
			     __field(u32, to)
			     __field(u32, epoch)),
	    TP_fast_assign(dwcp_assign_str(policy, policy);
			   __entry->from = from;
			   __entry->to = to;
			   __entry->epoch = epoch;),
	    TP_printk("policy=%s from=%s to=%s epoch=%u", __get_str(policy),
		      show_breaker_state(__entry->from),
		      show_breaker_state(__entry->to), __entry->epoch)
);

/* The pipeline turned a call away (every rejection, not rate-limited). */
TRACE_EVENT(reject,
	    TP_PROTO(const char *policy, u32 reason),
	    TP_ARGS(policy, reason),
	    TP_STRUCT__entry(__string(policy, policy)
			     __field(u32, reason)),
	    TP_fast_assign(dwcp_assign_str(policy, policy);
			   __entry->reason = reason;),
	    TP_printk("policy=%s reason=%s", __get_str(policy),
		      show_reject(__entry->reason))
);

/* Chaos picked a fault for an admitted call; @value as the kind defines it. */
TRACE_EVENT(chaos_inject,
	    TP_PROTO(const char *policy, u32 kind, u64 value),
	    TP_ARGS(policy, kind, value),
	    TP_STRUCT__entry(__string(policy, policy)
			     __field(u32, kind)
			     __field(u64, value)),
	    TP_fast_assign(dwcp_assign_str(policy, policy);
			   __entry->kind = kind;
			   __entry->value = value;),
	    TP_printk("policy=%s kind=%s value=%llu", __get_str(policy),
		      show_fault(__entry->kind), __entry->value)
);

/* Chaos was switched on or off in a namespace. */
TRACE_EVENT(chaos_state,
	    TP_PROTO(bool enabled),
	    TP_ARGS(enabled),
	    TP_STRUCT__entry(__field(bool, enabled)),
	    TP_fast_assign(__entry->enabled = enabled;),
	    TP_printk("enabled=%d", __entry->enabled)
);

/* A namespace's degradation level changed (kmod/degrade.c). */
TRACE_EVENT(level_change,
	    TP_PROTO(u32 from, u32 to, u32 cause),
	    TP_ARGS(from, to, cause),
	    TP_STRUCT__entry(__field(u32, from)
			     __field(u32, to)
			     __field(u32, cause)),
	    TP_fast_assign(__entry->from = from;
			   __entry->to = to;
			   __entry->cause = cause;),
	    TP_printk("from=%s to=%s cause=%s", show_level(__entry->from),
		      show_level(__entry->to),
		      __print_flags(__entry->cause, "|",
				    { DWCP_RES_TRIGGER_BUDGET, "budget" },
				    { DWCP_RES_TRIGGER_HEALTH, "health" },
				    { DWCP_RES_TRIGGER_ERROR_RATE, "error-rate" },
				    { DWCP_RES_TRIGGER_LATENCY, "latency" },
				    { DWCP_RES_TRIGGER_EXTERNAL, "external" }))
);

TRACE_EVENT(budget_alert,
	    TP_PROTO(const char *name, u32 from, u32 to, u32 remaining_ppm),
	    TP_ARGS(name, from, to, remaining_ppm),
	    TP_STRUCT__entry(__string(name, name)
			     __field(u32, from)
			     __field(u32, to)
			     __field(u32, remaining_ppm)),
	    TP_fast_assign(dwcp_assign_str(name, name);
			   __entry->from = from;
			   __entry->to = to;
			   __entry->remaining_ppm = remaining_ppm;),
	    TP_printk("budget=%s alerts=%#x from=%#x remaining_ppm=%u",
		      __get_str(name), __entry->to, __entry->from,
		      __entry->remaining_ppm)
);

TRACE_EVENT(health_change,
	    TP_PROTO(const char *name, bool healthy, s64 value),
	    TP_ARGS(name, healthy, value),
	    TP_STRUCT__entry(__string(name, name)
			     __field(bool, healthy)
			     __field(s64, value)),
	    TP_fast_assign(dwcp_assign_str(name, name);
			   __entry->healthy = healthy;
			   __entry->value = value;),
	    TP_printk("check=%s %s value=%lld", __get_str(name),
		      __entry->healthy ? "healthy" : "unhealthy",
		      __entry->value)
);

#endif /* _DWCP_RES_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
