// SPDX-License-Identifier: GPL-2.0
/*
 * The engine part of a configuration file (config.h): the system SLO, the
 * degradation mode and triggers, the health checks. Values are what
 * "resctl -j ... show" prints (raw integers: ns, ppm, permille) or, for
 * durations and ratios, strings in resctl's units ("30s", "99.9%").
 *
 *	"slo":     {"system": {"slo_ppm", "window_ns", "buckets", "min_events"}}
 *	"degrade": {"mode": "auto" | LEVEL,
 *		    "triggers": {"enabled", "error_ppm", "min_events", "window_ns",
 *				 "tick_ns", "up_dwell_ns", "min_dwell_ns",
 *				 "hyst_permille"}}
 *	"health":  [{"name", "metric", "policy", "min", "max", "interval_ns",
 *		     "timeout_ns", "rise", "fall", "level", "enabled"}, ...]
 *
 * Every key is optional but "name" (and "metric" for a check to add);
 * what is not given is left as it is.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <linux/dwcp_res.h>

#include "config.h"
#include "names.h"
#include "nl.h"
#include "print.h"
#include "prom.h"
#include "resctl.h"
#include "units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))


/* How a value is written: count (u32), duration, ppm, permille, bits. */
enum ekind { K_U32, K_NS, K_PPM, K_PERMILLE, K_TRIGGERS, K_LEVEL, K_BOOL, K_S64 };

struct ekey {
	const char *key;
	int attr;
	enum ekind kind;
};

static const struct ekey slo_keys[] = {
	{ "slo_ppm", DWCP_RES_B_SLO_PPM, K_PPM },
	{ "window_ns", DWCP_RES_B_WINDOW_NS, K_NS },
	{ "buckets", DWCP_RES_B_BUCKETS, K_U32 },
	{ "min_events", DWCP_RES_B_MIN_EVENTS, K_U32 },
};

static const struct ekey trig_keys[] = {
	{ "enabled", DWCP_RES_TRIG_ENABLED, K_TRIGGERS },
	{ "error_ppm", DWCP_RES_TRIG_ERROR_PPM, K_PPM },
	{ "min_events", DWCP_RES_TRIG_MIN_EVENTS, K_U32 },
	{ "window_ns", DWCP_RES_TRIG_WINDOW_NS, K_NS },
	{ "tick_ns", DWCP_RES_TRIG_TICK_NS, K_NS },
	{ "up_dwell_ns", DWCP_RES_TRIG_UP_DWELL_NS, K_NS },
	{ "min_dwell_ns", DWCP_RES_TRIG_MIN_DWELL_NS, K_NS },
	{ "hyst_permille", DWCP_RES_TRIG_HYST_PERMILLE, K_PERMILLE },
};

static const struct ekey hc_keys[] = {
	{ "min", DWCP_RES_HC_VALUE_MIN, K_S64 },
	{ "max", DWCP_RES_HC_VALUE_MAX, K_S64 },
	{ "interval_ns", DWCP_RES_HC_INTERVAL_NS, K_NS },
	{ "timeout_ns", DWCP_RES_HC_TIMEOUT_NS, K_NS },
	{ "rise", DWCP_RES_HC_RISE, K_U32 },
	{ "fall", DWCP_RES_HC_FALL, K_U32 },
	{ "level", DWCP_RES_HC_LEVEL, K_LEVEL },
	{ "enabled", DWCP_RES_HC_ENABLED, K_BOOL },
};

static const struct ekey *find_key(const struct ekey *keys, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(keys[i].key, key))
			return &keys[i];
	return NULL;
}

static const char *kind_help(enum ekind k)
{
	switch (k) {
	case K_NS:
		return "an integer (ns) or a duration such as \"30s\"";
	case K_PPM:
		return "an integer (ppm) or a percentage such as \"99.9%\"";
	case K_PERMILLE:
		return "an integer (permille) or a percentage such as \"10%\"";
	case K_TRIGGERS:
		return "an integer (bits) or a list such as \"budget,health\"";
	case K_LEVEL:
		return "normal, degraded, severely_degraded or emergency";
	case K_BOOL:
		return "true or false";
	case K_S64:
		return "an integer";
	default:
		return "a non-negative integer";
	}
}

/* One value of kind @k from @val into *@out; RESCTL_EXIT_USAGE if bad. */
static int json_val(enum ekind k, struct json_object *val, const char *at, uint64_t *out)
{
	uint32_t x32 = 0, all;
	uint64_t u;
	int64_t s;
	int err = 0;

	if (json_object_is_type(val, json_type_int)) {
		errno = 0;
		s = json_object_get_int64(val);
		/* Above INT64_MAX, get_int64 says INT64_MAX: u has the value. */
		u = s < 0 ? 0 : json_object_get_uint64(val);
		if (errno)
			goto bad;
		if (k == K_S64) {
			if (s >= 0 && u != (uint64_t)s)
				goto bad;
			*out = (uint64_t)s;
			return 0;
		}
		if (k == K_BOOL || s < 0)
			goto bad;
		if (k != K_NS && u > UINT32_MAX)
			goto bad;
		if (k == K_LEVEL && u >= __DWCP_RES_LEVEL_MAX)
			goto bad;
		/* Bits the kernel does not know: refused now, not at the dry run. */
		if (k == K_TRIGGERS && (resctl_trigger_parse("all", &all) || (u & ~(uint64_t)all)))
			goto bad;
		*out = u;
		return 0;
	}
	if (k == K_BOOL && json_object_is_type(val, json_type_boolean)) {
		*out = json_object_get_boolean(val);
		return 0;
	}
	if (!json_object_is_type(val, json_type_string))
		goto bad;
	switch (k) {
	case K_NS:
		err = units_parse_duration(json_object_get_string(val), out);
		return err ? resctl_usage_err("%s: bad value, expected %s", at, kind_help(k)) : 0;
	case K_PPM:
		err = units_parse_ppm(json_object_get_string(val), &x32);
		break;
	case K_PERMILLE:
		err = units_parse_permille(json_object_get_string(val), &x32);
		break;
	case K_TRIGGERS:
		err = resctl_trigger_parse(json_object_get_string(val), &x32);
		break;
	case K_LEVEL:
		err = resctl_parse_level(json_object_get_string(val), &x32);
		break;
	default:
		goto bad;
	}
	if (err)
		goto bad;
	*out = x32;
	return 0;
bad:
	return resctl_usage_err("%s: bad value, expected %s", at, kind_help(k));
}

/* An object of @keys into @has/@v. */
static int json_obj(struct json_object *o, const struct ekey *keys, size_t n,
		    const char *at, bool *has, uint64_t *v)
{
	char where[128];
	const struct ekey *k;
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return resctl_usage_err("%s: expected an object", at);
	json_object_object_foreach(o, key, val) {
		size_t i, len = 0;
		char list[256];

		k = find_key(keys, n, key);
		if (!k) {
			for (i = 0; i < n; i++)
				len += snprintf(list + len, sizeof(list) - len, "%s%s",
						i ? " " : "", keys[i].key);
			return resctl_usage_err("%s: unknown key \"%s\" (keys: %s)", at, key, list);
		}
		snprintf(where, sizeof(where), "%s.%s", at, key);
		rc = json_val(k->kind, val, where, &v[k->attr]);
		if (rc)
			return rc;
		has[k->attr] = true;
	}
	return 0;
}

bool resctl_ecfg_key(const char *key)
{
	return !strcmp(key, "slo") || !strcmp(key, "degrade") || !strcmp(key, "health");
}

static int parse_slo(struct resctl_ecfg *e, struct json_object *o, const char *file)
{
	char at[128];

	if (!json_object_is_type(o, json_type_object))
		return resctl_usage_err("%s: slo: expected an object", file);
	json_object_object_foreach(o, key, val) {
		if (strcmp(key, DWCP_RES_BUDGET_SYSTEM))
			return resctl_usage_err("%s: slo: unknown key \"%s\" (a policy's SLO is policies[].config.slo; here only \"system\")",
						file, key);
		snprintf(at, sizeof(at), "%s: slo.system", file);
		e->has_slo = true;
		if (json_obj(val, slo_keys, N(slo_keys), at, e->slo_has, e->slo))
			return RESCTL_EXIT_USAGE;
	}
	return 0;
}

static int parse_degrade(struct resctl_ecfg *e, struct json_object *o, const char *file)
{
	char at[128];

	if (!json_object_is_type(o, json_type_object))
		return resctl_usage_err("%s: degrade: expected an object", file);
	e->has_degrade = true;
	json_object_object_foreach(o, key, val) {
		if (!strcmp(key, "mode")) {
			const char *s = json_object_is_type(val, json_type_string) ?
					json_object_get_string(val) : NULL;

			if (s && !strcmp(s, "auto")) {
				e->mode_auto = true;
			} else if (!s || resctl_parse_level(s, &e->level)) {
				return resctl_usage_err("%s: degrade.mode: expected auto, or a level held by hand (normal, degraded, severely_degraded, emergency)",
							file);
			}
			e->has_mode = true;
		} else if (!strcmp(key, "triggers")) {
			snprintf(at, sizeof(at), "%s: degrade.triggers", file);
			if (json_obj(val, trig_keys, N(trig_keys), at, e->trig_has, e->trig))
				return RESCTL_EXIT_USAGE;
		} else {
			return resctl_usage_err("%s: degrade: unknown key \"%s\" (keys: mode triggers)",
						file, key);
		}
	}
	return 0;
}

static int parse_check(struct resctl_hc_item *c, struct json_object *o, const char *file)
{
	char at[128];
	const struct ekey *k;
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return resctl_usage_err("%s: %s: expected an object", file, c->where);
	json_object_object_foreach(o, key, val) {
		snprintf(at, sizeof(at), "%s: %s.%s", file, c->where, key);
		if (!strcmp(key, "name") || !strcmp(key, "policy") || !strcmp(key, "metric")) {
			const char *s;

			if (!json_object_is_type(val, json_type_string))
				return resctl_usage_err("%s: expected a string", at);
			s = json_object_get_string(val);
			if (key[0] == 'n') {
				c->name = s;
			} else if (key[0] == 'p') {
				if (*s && !resctl_name_ok(s))
					return resctl_usage_err("%s: not a valid policy name", at);
				c->policy = s;
			} else {
				if (resctl_metric_parse(s, &c->metric))
					return resctl_usage_err("%s: unknown metric \"%s\" (see resctl help health)",
								at, s);
				c->has_metric = true;
			}
			continue;
		}
		if (!strcmp(key, "builtin"))	/* dump-config prints it; read-only */
			continue;
		k = find_key(hc_keys, N(hc_keys), key);
		if (!k)
			return resctl_usage_err("%s: %s: unknown key \"%s\" (keys: name metric policy min max interval_ns timeout_ns rise fall level enabled)",
						file, c->where, key);
		rc = json_val(k->kind, val, at, &c->v[k->attr]);
		if (rc)
			return rc;
		c->has[k->attr] = true;
	}
	if (!c->name)
		return resctl_usage_err("%s: %s: missing \"name\"", file, c->where);
	if (!resctl_name_ok(c->name))
		return resctl_usage_err("%s: %s.name: not a valid check name", file, c->where);
	if (c->has[DWCP_RES_HC_VALUE_MIN] && c->has[DWCP_RES_HC_VALUE_MAX] &&
	    (int64_t)c->v[DWCP_RES_HC_VALUE_MIN] > (int64_t)c->v[DWCP_RES_HC_VALUE_MAX])
		return resctl_usage_err("%s: %s: min is above max", file, c->where);
	return 0;
}

static int parse_health(struct resctl_ecfg *e, struct json_object *o, const char *file)
{
	size_t i, j, n;
	int rc;

	if (!json_object_is_type(o, json_type_array))
		return resctl_usage_err("%s: health: expected an array of checks", file);
	n = json_object_array_length(o);
	e->has_health = true;
	e->hc = calloc(n ? n : 1, sizeof(*e->hc));
	if (!e->hc) {
		fprintf(stderr, "resctl: out of memory\n");
		return RESCTL_EXIT_FAIL;
	}
	e->nhc = n;
	for (i = 0; i < n; i++) {
		snprintf(e->hc[i].where, sizeof(e->hc[i].where), "health[%zu]", i);
		rc = parse_check(&e->hc[i], json_object_array_get_idx(o, i), file);
		if (rc)
			return rc;
		for (j = 0; j < i; j++)
			if (!strcmp(e->hc[j].name, e->hc[i].name))
				return resctl_usage_err("%s: check \"%s\" is there twice (%s and %s)",
							file, e->hc[i].name, e->hc[j].where,
							e->hc[i].where);
	}
	return 0;
}

int resctl_ecfg_parse(struct json_object *root, const char *file, struct resctl_ecfg **out)
{
	struct resctl_ecfg *e = calloc(1, sizeof(*e));
	int rc = 0;

	if (!e) {
		fprintf(stderr, "resctl: out of memory\n");
		return RESCTL_EXIT_FAIL;
	}
	json_object_object_foreach(root, key, val) {
		if (!strcmp(key, "slo"))
			rc = parse_slo(e, val, file);
		else if (!strcmp(key, "degrade"))
			rc = parse_degrade(e, val, file);
		else if (!strcmp(key, "health"))
			rc = parse_health(e, val, file);
		if (rc) {
			resctl_ecfg_free(e);
			return rc;
		}
	}
	*out = e;
	return 0;
}

void resctl_ecfg_free(struct resctl_ecfg *e)
{
	if (!e)
		return;
	free(e->hc);
	free(e->live);
	free(e);
}

/* ---- the running state ------------------------------------------------ */

static int fill_system(struct nl_msg *msg, void *arg)
{
	(void)arg;
	return nla_put_string(msg, DWCP_RES_A_POLICY_NAME, DWCP_RES_BUDGET_SYSTEM);
}

static int budget_reply(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *b[DWCP_RES_B_MAX + 1];
	uint64_t *v = arg;
	int i;

	(void)nlh;
	if (!tb[DWCP_RES_A_BUDGET] ||
	    nla_parse_nested(b, DWCP_RES_B_MAX, tb[DWCP_RES_A_BUDGET], NULL))
		return 0;
	for (i = 0; i <= DWCP_RES_B_MAX; i++)
		resctl_attr_uint(b[i], &v[i]);
	return 0;
}

struct degrade_live {
	uint64_t level, manual;
	uint64_t *t;
};

static int degrade_reply(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *t[DWCP_RES_TRIG_MAX + 1];
	struct degrade_live *d = arg;
	int i;

	(void)nlh;
	resctl_attr_uint(tb[DWCP_RES_A_LEVEL], &d->level);
	resctl_attr_uint(tb[DWCP_RES_A_DEGRADE_MANUAL], &d->manual);
	if (tb[DWCP_RES_A_TRIGGER] &&
	    !nla_parse_nested(t, DWCP_RES_TRIG_MAX, tb[DWCP_RES_A_TRIGGER], NULL))
		for (i = 0; i <= DWCP_RES_TRIG_MAX; i++)
			resctl_attr_uint(t[i], &d->t[i]);
	return 0;
}

static int fetch_all(uint64_t *slo, uint64_t *trig, uint64_t *level, uint64_t *manual,
		     struct resctl_hc_list *hl)
{
	struct degrade_live d = { 0, 0, trig };
	int rc;

	rc = resctl_nl_call(DWCP_RES_CMD_BUDGET_GET, 0, fill_system, NULL, budget_reply, slo);
	if (!rc)
		rc = resctl_nl_call(DWCP_RES_CMD_DEGRADE_GET, 0, NULL, NULL, degrade_reply, &d);
	if (!rc)
		rc = resctl_health_get(NULL, hl);
	*level = d.level;
	*manual = d.manual;
	return rc;
}

/* ---- plan, send, report ------------------------------------------------ */

static const struct resctl_hc_live *live_check(const struct resctl_ecfg *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nlive; i++)
		if (!strcmp(e->live[i].name, name))
			return &e->live[i];
	return NULL;
}

int resctl_ecfg_plan(struct resctl_ecfg *e, const char *file, bool prune)
{
	struct resctl_hc_list hl = { NULL, 0 };
	uint64_t level = 0, manual = 0;
	size_t i, j, adds = 0;
	int rc;

	if (!e->has_slo && !e->has_degrade && !e->has_health)
		return 0;	/* a policies-only file: no engine requests */
	rc = fetch_all(e->slo_live, e->trig_live, &level, &manual, &hl);
	e->live = hl.v;
	e->nlive = hl.n;
	if (rc)
		return rc;
	e->live_level = (uint32_t)level;
	e->live_manual = manual;

	if (e->has_slo) {
		e->slo_act = E_SAME;
		for (i = 0; i <= DWCP_RES_B_MAX; i++)
			if (e->slo_has[i] && e->slo[i] != e->slo_live[i])
				e->slo_act = E_CHANGE;
	}
	if (e->has_degrade) {
		for (i = 0; i <= DWCP_RES_TRIG_MAX; i++)
			if (e->trig_has[i] && e->trig[i] != e->trig_live[i])
				e->send_trig = true;
		if (e->has_mode)
			e->send_mode = e->mode_auto ? e->live_manual :
				       !e->live_manual || e->live_level != e->level;
		e->degrade_act = e->send_trig || e->send_mode ? E_CHANGE : E_SAME;
	}
	for (i = 0; i < e->nhc; i++) {
		struct resctl_hc_item *c = &e->hc[i];
		const struct resctl_hc_live *l = live_check(e, c->name);

		if (!l) {
			if (!c->has_metric)
				return resctl_usage_err("%s: %s: check \"%s\" is new: it needs a \"metric\"",
							file, c->where, c->name);
			c->act = E_ADD;
			adds++;
			continue;
		}
		if ((c->has_metric && c->metric != l->v[DWCP_RES_HC_METRIC]) ||
		    (c->policy && strcmp(c->policy, l->policy)))
			return resctl_usage_err("%s: %s: the metric and policy of check \"%s\" are fixed: delete it first (resctl health del %s)",
						file, c->where, c->name, c->name);
		c->act = E_SAME;
		for (j = 0; j <= DWCP_RES_HC_MAX; j++)
			if (c->has[j] && c->v[j] != l->v[j])
				c->act = E_CHANGE;
	}
	for (i = 0; prune && e->has_health && i < e->nlive; i++) {
		bool keep = e->live[i].v[DWCP_RES_HC_BUILTIN];

		for (j = 0; j < e->nhc && !keep; j++)
			keep = !strcmp(e->hc[j].name, e->live[i].name);
		e->live[i].prune = !keep;
	}
	if (e->nlive + adds > DWCP_RES_MAX_CHECKS) {
		fprintf(stderr, "resctl: %s: %zu checks to add, %zu there: more than %d; nothing was changed\n",
			file, adds, e->nlive, DWCP_RES_MAX_CHECKS);
		return RESCTL_EXIT_FAIL;
	}
	return 0;
}

void resctl_ecfg_policy_added(struct resctl_ecfg *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nhc; i++)
		if (e->hc[i].policy && !strcmp(e->hc[i].policy, name))
			e->hc[i].policy_added = true;
}

struct send_arg {
	const struct resctl_ecfg *e;
	const struct resctl_hc_item *c;
};

static int put_dry(struct nl_msg *msg, bool dry)
{
	return dry ? nla_put_flag(msg, DWCP_RES_A_DRY_RUN) : 0;
}

static int fill_slo(struct nl_msg *msg, void *arg)
{
	const struct resctl_ecfg *e = arg;
	struct nlattr *nest;
	int rc = 0;

	if (nla_put_string(msg, DWCP_RES_A_POLICY_NAME, DWCP_RES_BUDGET_SYSTEM) < 0 ||
	    put_dry(msg, e->dry) < 0)
		return -1;
	nest = nla_nest_start(msg, DWCP_RES_A_BUDGET);
	if (!nest)
		return -1;
	if (e->slo_has[DWCP_RES_B_SLO_PPM])
		rc |= nla_put_u32(msg, DWCP_RES_B_SLO_PPM, (uint32_t)e->slo[DWCP_RES_B_SLO_PPM]);
	if (e->slo_has[DWCP_RES_B_WINDOW_NS])
		rc |= nla_put_u64(msg, DWCP_RES_B_WINDOW_NS, e->slo[DWCP_RES_B_WINDOW_NS]);
	if (e->slo_has[DWCP_RES_B_BUCKETS])
		rc |= nla_put_u32(msg, DWCP_RES_B_BUCKETS, (uint32_t)e->slo[DWCP_RES_B_BUCKETS]);
	if (e->slo_has[DWCP_RES_B_MIN_EVENTS])
		rc |= nla_put_u32(msg, DWCP_RES_B_MIN_EVENTS,
				  (uint32_t)e->slo[DWCP_RES_B_MIN_EVENTS]);
	nla_nest_end(msg, nest);
	return rc < 0 ? -1 : 0;
}

static int fill_degrade(struct nl_msg *msg, void *arg)
{
	const struct resctl_ecfg *e = arg;
	struct nlattr *nest;
	size_t i;
	int rc = 0;

	if (put_dry(msg, e->dry) < 0)
		return -1;
	if (e->send_trig) {
		nest = nla_nest_start(msg, DWCP_RES_A_TRIGGER);
		if (!nest)
			return -1;
		for (i = 0; i < N(trig_keys); i++) {
			int a = trig_keys[i].attr;

			if (!e->trig_has[a])
				continue;
			if (trig_keys[i].kind == K_NS)
				rc |= nla_put_u64(msg, a, e->trig[a]);
			else
				rc |= nla_put_u32(msg, a, (uint32_t)e->trig[a]);
		}
		nla_nest_end(msg, nest);
	}
	if (e->send_mode) {
		if (e->mode_auto)
			rc |= nla_put_u8(msg, DWCP_RES_A_DEGRADE_AUTO, 1);
		else
			rc |= nla_put_u32(msg, DWCP_RES_A_LEVEL, e->level);
	}
	return rc < 0 ? -1 : 0;
}

static int fill_check(struct nl_msg *msg, void *arg)
{
	const struct send_arg *s = arg;
	const struct resctl_hc_item *c = s->c;
	struct nlattr *nest;
	size_t i;
	int rc = 0;

	if (put_dry(msg, s->e->dry) < 0)
		return -1;
	nest = nla_nest_start(msg, DWCP_RES_A_HEALTH);
	if (!nest || nla_put_string(msg, DWCP_RES_HC_NAME, c->name) < 0)
		return -1;
	if (c->act == E_ADD) {
		rc |= nla_put_u32(msg, DWCP_RES_HC_METRIC, c->metric);
		/*
		 * The kernel wants the policy to exist; one the file adds does
		 * not yet during the dry run (it is added before the checks).
		 */
		if (c->policy && *c->policy && !(s->e->dry && c->policy_added))
			rc |= nla_put_string(msg, DWCP_RES_HC_POLICY, c->policy);
	}
	for (i = 0; i < N(hc_keys); i++) {
		int a = hc_keys[i].attr;

		if (!c->has[a])
			continue;
		switch (hc_keys[i].kind) {
		case K_S64:
			rc |= nla_put_s64(msg, a, (int64_t)c->v[a]);
			break;
		case K_NS:
			rc |= nla_put_u64(msg, a, c->v[a]);
			break;
		case K_BOOL:
			rc |= nla_put_u8(msg, a, (uint8_t)c->v[a]);
			break;
		default:
			rc |= nla_put_u32(msg, a, (uint32_t)c->v[a]);
		}
	}
	nla_nest_end(msg, nest);
	return rc < 0 ? -1 : 0;
}

static int fill_del(struct nl_msg *msg, void *arg)
{
	struct nlattr *nest = nla_nest_start(msg, DWCP_RES_A_HEALTH);

	if (!nest || nla_put_string(msg, DWCP_RES_HC_NAME, arg) < 0)
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

int resctl_ecfg_send(struct resctl_ecfg *e, const char *file, bool dry)
{
	const char *how = dry ? "refused by the kernel; nothing was changed" :
			  "failed; the policies and what is listed before it were applied";
	struct send_arg sa = { e, NULL };
	size_t i;
	int rc;

	e->dry = dry;
	if (e->slo_act == E_CHANGE) {
		rc = resctl_nl_call(DWCP_RES_CMD_BUDGET_SET, 0, fill_slo, e, NULL, NULL);
		if (rc) {
			fprintf(stderr, "resctl: %s: slo.system: %s\n", file, how);
			return rc;
		}
	}
	if (e->degrade_act == E_CHANGE) {
		rc = resctl_nl_call(DWCP_RES_CMD_DEGRADE_SET, 0, fill_degrade, e, NULL, NULL);
		if (rc) {
			fprintf(stderr, "resctl: %s: degrade: %s\n", file, how);
			return rc;
		}
	}
	for (i = 0; i < e->nhc; i++) {
		struct resctl_hc_item *c = &e->hc[i];

		if (c->act != E_ADD && c->act != E_CHANGE)
			continue;
		sa.c = c;
		rc = resctl_nl_call(c->act == E_ADD ? DWCP_RES_CMD_HEALTH_NEW :
				    DWCP_RES_CMD_HEALTH_SET, 0, fill_check, &sa, NULL, NULL);
		if (rc) {
			fprintf(stderr, "resctl: %s: %s (\"%s\"): %s\n", file, c->where, c->name, how);
			return rc;
		}
	}
	for (i = 0; !dry && i < e->nlive; i++) {
		if (!e->live[i].prune)
			continue;
		rc = resctl_nl_call(DWCP_RES_CMD_HEALTH_DEL, 0, fill_del, e->live[i].name,
				    NULL, NULL);
		if (rc) {
			fprintf(stderr, "resctl: %s: deleting check \"%s\" failed; the rest of the file was applied\n",
				file, e->live[i].name);
			return rc;
		}
	}
	return 0;
}

static const char *eact_name(enum resctl_eact a)
{
	switch (a) {
	case E_ADD:	return "add";
	case E_CHANGE:	return "change";
	case E_SAME:	return "unchanged";
	case E_DELETE:	return "delete";
	default:	return "?";
	}
}

static void row(const char *kind, const char *name, enum resctl_eact a)
{
	print_row_open();
	print_str("kind", NULL, kind);
	print_str("name", NULL, name);
	print_str("action", NULL, eact_name(a));
	print_row_close();
}

void resctl_ecfg_report(const struct resctl_ecfg *e)
{
	static const struct print_col cols[] = {
		{ "KIND", 8, false },
		{ "NAME", 16, false },
		{ "ACTION", 9, false },
	};
	size_t i;

	if (!e->has_slo && !e->has_degrade && !e->has_health)
		return;
	print_table_open("engine", cols, N(cols));
	if (e->has_slo)
		row("slo", DWCP_RES_BUDGET_SYSTEM, e->slo_act);
	if (e->has_degrade)
		row("degrade", "-", e->degrade_act);
	for (i = 0; i < e->nhc; i++)
		row("health", e->hc[i].name, e->hc[i].act);
	for (i = 0; i < e->nlive; i++)
		if (e->live[i].prune)
			row("health", e->live[i].name, E_DELETE);
	print_table_close();
}

/* ---- dump-config -------------------------------------------------------- */

/* The values of @keys (those @has marks; NULL: all) as apply reads them. */
static void dump_keys(const struct ekey *keys, size_t n, const uint64_t *v, const bool *has)
{
	char buf[96];
	size_t i;

	for (i = 0; i < n; i++) {
		if (has && !has[keys[i].attr])
			continue;
		switch (keys[i].kind) {
		case K_TRIGGERS:
			print_str(keys[i].key, NULL,
				  resctl_trigger_names(v[keys[i].attr], buf, sizeof(buf)));
			break;
		case K_LEVEL:
			print_str(keys[i].key, NULL, prom_level_name((unsigned int)v[keys[i].attr]));
			break;
		case K_BOOL:
			print_bool(keys[i].key, NULL, v[keys[i].attr]);
			break;
		case K_S64:
			print_s64(keys[i].key, NULL, (int64_t)v[keys[i].attr]);
			break;
		default:
			print_u64(keys[i].key, NULL, v[keys[i].attr]);
		}
	}
}

int resctl_ecfg_dump(void)
{
	static const struct print_col cols[] = { { "NAME", 16, false } };
	uint64_t slo[DWCP_RES_B_MAX + 1] = { 0 }, trig[DWCP_RES_TRIG_MAX + 1] = { 0 };
	struct resctl_hc_list hl = { NULL, 0 };
	uint64_t level = 0, manual = 0;
	size_t i;
	int rc;

	rc = fetch_all(slo, trig, &level, &manual, &hl);
	if (rc) {
		free(hl.v);
		return rc;
	}
	print_open("slo", NULL);
	print_open(DWCP_RES_BUDGET_SYSTEM, NULL);
	dump_keys(slo_keys, N(slo_keys), slo, NULL);
	print_close();
	print_close();
	print_open("degrade", NULL);
	print_str("mode", NULL, manual ? prom_level_name((unsigned int)level) : "auto");
	print_open("triggers", NULL);
	dump_keys(trig_keys, N(trig_keys), trig, NULL);
	print_close();
	print_close();
	print_table_open("health", cols, N(cols));
	for (i = 0; i < hl.n; i++) {
		const struct resctl_hc_live *c = &hl.v[i];

		print_row_open();
		print_str("name", NULL, c->name);
		print_str("metric", NULL, resctl_metric_name(c->v[DWCP_RES_HC_METRIC]));
		print_str("policy", NULL, c->policy);
		if (c->v[DWCP_RES_HC_BUILTIN])
			print_bool("builtin", NULL, true);
		dump_keys(hc_keys, N(hc_keys), c->v, NULL);
		print_row_close();
	}
	print_table_close();
	free(hl.v);
	return 0;
}

void resctl_ecfg_print(const struct resctl_ecfg *e)
{
	static const struct print_col cols[] = { { "NAME", 16, false } };
	bool trig = false;
	size_t i;

	if (e->has_slo) {
		print_open("slo", NULL);
		print_open(DWCP_RES_BUDGET_SYSTEM, NULL);
		dump_keys(slo_keys, N(slo_keys), e->slo, e->slo_has);
		print_close();
		print_close();
	}
	if (e->has_degrade) {
		print_open("degrade", NULL);
		if (e->has_mode)
			print_str("mode", NULL, e->mode_auto ? "auto" : prom_level_name(e->level));
		for (i = 0; i <= DWCP_RES_TRIG_MAX; i++)
			trig |= e->trig_has[i];
		if (trig) {
			print_open("triggers", NULL);
			dump_keys(trig_keys, N(trig_keys), e->trig, e->trig_has);
			print_close();
		}
		print_close();
	}
	if (!e->has_health)
		return;
	print_table_open("health", cols, N(cols));
	for (i = 0; i < e->nhc; i++) {
		const struct resctl_hc_item *c = &e->hc[i];

		print_row_open();
		print_str("name", NULL, c->name);
		if (c->has_metric)
			print_str("metric", NULL, resctl_metric_name(c->metric));
		if (c->policy)
			print_str("policy", NULL, c->policy);
		dump_keys(hc_keys, N(hc_keys), c->v, c->has);
		print_row_close();
	}
	print_table_close();
}
