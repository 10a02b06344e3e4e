// SPDX-License-Identifier: GPL-2.0
/*
 * resctl apply CONFIG [--check] [--prune]: make the namespace's
 * configuration match a JSON file, declaratively, all or nothing; and
 * resctl dump-config, which prints the running configuration as such a file.
 *
 * CONFIG ("-" for standard input) is a configuration file (version 1,
 * /etc/dwcp_res.conf; Documentation/admin-guide.rst has the format):
 *
 *	{"version": 1, "policies": [...], "slo": {"system": {...}},
 *	 "degrade": {"mode", "triggers"}, "health": [...]}
 *
 * or, as before, what "resctl -j policy list" prints ({"policies": [...]},
 * no version), or one policy as "resctl -j policy show NAME" prints it, so
 *
 *	resctl dump-config > f && resctl apply --check f && resctl apply f
 *
 * changes nothing. In a policy, "name" is required; "config" holds the
 * values to set (the keys of "policy show -j": integers as printed, or
 * strings in resctl's units such as "100ms"; enums by name; rate_limit and
 * adaptive as booleans), "base" the profile a new policy starts from
 * (default send), "priority" is the same as config.general.priority; the
 * read-only fields the listing also prints (breaker, admitted, rejected,
 * inflight, stats) are ignored. Any other key is an error. config.c has
 * the engine keys (slo, degrade, health).
 *
 * A policy (or health check) of the file that does not exist is added; one
 * that exists gets the values given (the others stay; nothing is sent if
 * none differs). Policies absent from the file are left alone, unless
 * --prune is given: then they are deleted, except the DWCP profile (send,
 * receive, sync, consensus), which is never deleted; with a "health" list,
 * --prune deletes the user checks it does not name too.
 *
 * All or nothing, as far as it goes: the whole file is parsed and checked
 * first (JSON syntax with line and column, keys given twice, integers past
 * 64 bits, types, units, names, duplicates), then every add and change
 * (one request each: flag bits go with DWCP_RES_P_FLAGS_MASK, so the dry
 * run sees exactly what is applied) is sent to the kernel as a dry
 * run (DWCP_RES_A_DRY_RUN, which POLICY_NEW/SET, BUDGET_SET, DEGRADE_SET
 * and HEALTH_NEW/SET take: the kernel's full validation, nothing applied).
 * Only if all of that passes does anything change, in file order:
 * policies, system SLO, degradation, health checks, then deletions. A
 * failure while applying (a concurrent change by someone else) stops
 * there; resctl says what was already applied. --check stops after the
 * dry run.
 *
 * Chaos is not part of CONFIG: it is state an operator switches rather
 * than configuration; a batch file sets it.
 *
 * Exit status: 0 applied (or, with --check, valid); 1 the kernel refused
 * something or something failed; 2 the file is not valid (nothing sent).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <linux/dwcp_res.h>

#include "config.h"
#include "json_strict.h"
#include "nl.h"
#include "policy.h"
#include "print.h"
#include "resctl.h"

enum action { A_ADD, A_CHANGE, A_SAME, A_DELETE };

static const char * const profile[] = {
	DWCP_RES_CLASS_SEND, DWCP_RES_CLASS_RECEIVE, DWCP_RES_CLASS_SYNC,
	DWCP_RES_CLASS_CONSENSUS,
};

static bool is_profile(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(profile) / sizeof(profile[0]); i++)
		if (!strcmp(profile[i], name))
			return true;
	return false;
}

/* The whole of @f into a NUL-terminated buffer. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;

	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (ferror(f)) {
			free(buf);
			return NULL;
		}
		if (feof(f))
			break;
		cap *= 2;
		nb = realloc(buf, cap);
		if (!nb)
			free(buf);
		buf = nb;
	}
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/*
 * Whoever can write the file (or the directory that holds it) decides the
 * host's limits and level at the next boot: as sshd does with its files,
 * refuse one that another user could have changed. The file itself (a
 * symlink is followed: its target is judged) must belong to root or to
 * us and be writable by its owner only; the directory it is in must not
 * be writable by others unless it is sticky (/tmp).
 */
static bool trusted(const char *path, int fd)
{
	char *real = realpath(path, NULL), *slash;
	struct stat st, dst;
	bool ok = true;

	if (fstat(fd, &st)) {
		fprintf(stderr, "resctl: %s: %s\n", path, strerror(errno));
		free(real);
		return false;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		fprintf(stderr, "resctl: %s: owned by uid %u, neither root nor you: refused\n",
			path, (unsigned int)st.st_uid);
		ok = false;
	} else if (st.st_mode & 022) {
		fprintf(stderr, "resctl: %s: writable by %s (mode %04o): refused (chmod go-w %s)\n",
			path, st.st_mode & 002 ? "anyone" : "its group",
			(unsigned int)(st.st_mode & 07777), real ? real : path);
		ok = false;
	}
	slash = real ? strrchr(real, '/') : NULL;
	if (ok && slash) {
		*slash = '\0';
		if (!stat(*real ? real : "/", &dst) && (dst.st_mode & 002) && !(dst.st_mode & S_ISVTX)) {
			fprintf(stderr, "resctl: %s: its directory %s is writable by anyone: refused\n",
				path, *real ? real : "/");
			ok = false;
		}
	}
	free(real);
	return ok;
}

static struct json_object *parse_file(const char *name, const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	enum json_tokener_error jerr;
	size_t end;
	int line, col;

	if (!tok) {
		fprintf(stderr, "resctl: out of memory\n");
		return NULL;
	}
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!o && jerr == json_tokener_continue) {
		json_line_col(buf, len, &line, &col);
		fprintf(stderr, "resctl: %s:%d:%d: JSON error: unexpected end of file\n",
			name, line, col);
	} else if (!o) {
		json_line_col(buf, end ? end - 1 : 0, &line, &col);
		fprintf(stderr, "resctl: %s:%d:%d: JSON error: %s\n", name, line, col,
			json_tokener_error_desc(jerr));
	} else {
		while (end < len && strchr(" \t\r\n", buf[end]))
			end++;
		if (end < len) {
			json_line_col(buf, end, &line, &col);
			fprintf(stderr, "resctl: %s:%d:%d: JSON error: more after the end of the document\n",
				name, line, col);
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	return o;
}

static const struct resctl_policy *find_live(const struct resctl_policy *v, size_t n,
					     const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* One element of "policies" (or the whole file, a "policy show" object). */
static int parse_policy(struct json_object *o, struct resctl_cfg_item *it, const char *file)
{
	static const char * const ignored[] = {
		"breaker", "admitted", "rejected", "inflight", "stats",
	};
	struct json_object *prio = NULL;
	const char *where = it->where;
	size_t i;
	int rc;

	if (!json_object_is_type(o, json_type_object))
		return resctl_usage_err("%s: %s: expected an object", file, where);
	json_object_object_foreach(o, key, val) {
		bool skip = false;

		for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
			skip |= !strcmp(key, ignored[i]);
		if (skip)
			continue;
		if (!strcmp(key, "name")) {
			if (!json_object_is_type(val, json_type_string))
				return resctl_usage_err("%s: %s.name: expected a string", file, where);
			it->ps.name = json_object_get_string(val);
		} else if (!strcmp(key, "base")) {
			if (!json_object_is_type(val, json_type_string))
				return resctl_usage_err("%s: %s.base: expected a string", file, where);
			it->ps.base = json_object_get_string(val);
		} else if (!strcmp(key, "priority")) {
			prio = val;
		} else if (!strcmp(key, "config")) {
			char at[128];

			snprintf(at, sizeof(at), "%s: %s", file, where);
			rc = resctl_pset_from_json(&it->ps, val, at);
			if (rc)
				return rc;
		} else {
			return resctl_usage_err("%s: %s: unknown key \"%s\" (keys: name config base priority)",
						file, where, key);
		}
	}
	if (!it->ps.name)
		return resctl_usage_err("%s: %s: missing \"name\"", file, where);
	if (!resctl_name_ok(it->ps.name))
		return resctl_usage_err("%s: %s.name: not a valid policy name", file, where);
	if (it->ps.base && !is_profile(it->ps.base))
		return resctl_usage_err("%s: %s.base: \"%s\" is not send, receive, sync or consensus",
					file, where, it->ps.base);
	if (prio) {
		int p = json_object_is_type(prio, json_type_string) ?
			resctl_priority_of(json_object_get_string(prio)) : -1;

		if (p < 0)
			return resctl_usage_err("%s: %s.priority: expected low, normal, high or critical",
						file, where);
		if (it->ps.has[DWCP_RES_P_PRIORITY] &&
		    it->ps.val[DWCP_RES_P_PRIORITY] != (uint64_t)p)
			return resctl_usage_err("%s: %s: priority and config.general.priority differ",
						file, where);
		it->ps.val[DWCP_RES_P_PRIORITY] = p;
		it->ps.has[DWCP_RES_P_PRIORITY] = true;
	}
	return 0;
}

/* The whole file into @items; RESCTL_EXIT_USAGE (printed) if it is bad. */
static int parse_config(struct json_object *root, const char *file,
			struct resctl_cfg_item **items, size_t *nitems)
{
	struct json_object *list = NULL;
	bool versioned = false, engine = false;
	struct resctl_cfg_item *v;
	size_t n = 0, i, j;
	int rc;

	if (!json_object_is_type(root, json_type_object))
		return resctl_usage_err("%s: expected a JSON object (\"resctl dump-config\" prints one)",
					file);
	if (json_object_object_get_ex(root, "name", NULL)) {
		n = 1;			/* one policy, as "policy show -j" prints it */
	} else {
		json_object_object_foreach(root, key, val) {
			if (!strcmp(key, "version")) {
				if (!json_object_is_type(val, json_type_int) ||
				    json_object_get_int64(val) != RESCTL_CONFIG_VERSION)
					return resctl_usage_err("%s: version: this resctl reads version %d",
								file, RESCTL_CONFIG_VERSION);
				versioned = true;
				continue;
			}
			if (resctl_ecfg_key(key)) {
				engine = true;
				continue;
			}
			if (!strcmp(key, "chaos"))
				return resctl_usage_err("%s: \"chaos\": apply does not configure chaos; set it with resctl chaos (or a resctl batch file)",
							file);
			if (strcmp(key, "policies"))
				return resctl_usage_err("%s: unknown key \"%s\" at the top (keys: version policies slo degrade health)",
							file, key);
			list = val;
		}
		if (!list && !versioned && !engine)
			return resctl_usage_err("%s: missing \"policies\"", file);
		if (engine && !versioned)
			return resctl_usage_err("%s: slo, degrade and health need \"version\": %d",
						file, RESCTL_CONFIG_VERSION);
		if (list && !json_object_is_type(list, json_type_array))
			return resctl_usage_err("%s: \"policies\" must be an array", file);
		if (list)
			n = json_object_array_length(list);
	}
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		fprintf(stderr, "resctl: out of memory\n");
		return RESCTL_EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		struct json_object *o = list ? json_object_array_get_idx(list, i) : root;

		if (list)
			snprintf(v[i].where, sizeof(v[i].where), "policies[%zu]", i);
		else
			snprintf(v[i].where, sizeof(v[i].where), "policy");
		rc = parse_policy(o, &v[i], file);
		if (rc) {
			free(v);
			return rc;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(v[j].ps.name, v[i].ps.name)) {
				resctl_usage_err("%s: policy \"%s\" is there twice (%s and %s)",
						 file, v[i].ps.name, v[j].where, v[i].where);
				free(v);
				return RESCTL_EXIT_USAGE;
			}
		}
	}
	*items = v;
	*nitems = n;
	return 0;
}

int resctl_config_parse(const char *file, const char *buf, size_t len,
			struct resctl_config *cfg)
{
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (strlen(buf) != len) {
		fprintf(stderr, "resctl: %s: a NUL byte: not a JSON text file\n", file);
		return RESCTL_EXIT_USAGE;
	}
	cfg->root = parse_file(file, buf, len);
	if (!cfg->root)
		return RESCTL_EXIT_USAGE;
	rc = json_strict_check(file, buf, len);
	if (rc) {
		json_object_put(cfg->root);
		cfg->root = NULL;
		return rc < 0 ? RESCTL_EXIT_FAIL : RESCTL_EXIT_USAGE;
	}
	rc = parse_config(cfg->root, file, &cfg->items, &cfg->nitems);
	if (!rc)
		rc = resctl_ecfg_parse(cfg->root, file, &cfg->ecfg);
	if (rc)
		resctl_config_free(cfg);
	return rc;
}

void resctl_config_free(struct resctl_config *cfg)
{
	free(cfg->items);
	resctl_ecfg_free(cfg->ecfg);
	json_object_put(cfg->root);
	memset(cfg, 0, sizeof(*cfg));
}

void resctl_config_print(const struct resctl_config *cfg)
{
	static const struct print_col cols[] = { { "NAME", 16, false } };
	size_t i;

	print_open(NULL, NULL);
	print_u64("version", NULL, RESCTL_CONFIG_VERSION);
	print_table_open("policies", cols, 1);
	for (i = 0; i < cfg->nitems; i++) {
		const struct resctl_pset *ps = &cfg->items[i].ps;
		struct resctl_policy p;

		/* The values given, as a live policy has them for dump-config. */
		memset(&p, 0, sizeof(p));
		memcpy(p.cfg, ps->val, sizeof(p.cfg));
		memcpy(p.has_cfg, ps->has, sizeof(p.has_cfg));
		p.cfg[DWCP_RES_P_FLAGS] = ps->fset;
		p.has_cfg[DWCP_RES_P_FLAGS] = ps->fset || ps->fclear;
		print_row_open();
		print_str("name", NULL, ps->name);
		if (ps->base)
			print_str("base", NULL, ps->base);
		resctl_policy_print_config(&p);
		print_row_close();
	}
	print_table_close();
	resctl_ecfg_print(cfg->ecfg);
}

/*
 * What to send for @it against the live policies: the action, and the
 * flag bits given with DWCP_RES_P_FLAGS_MASK, so that an add or a change
 * is one request whose dry run validates exactly what will be applied.
 */
static void plan(struct resctl_cfg_item *it, const struct resctl_policy *live, size_t nlive)
{
	struct resctl_pset *ps = &it->ps;

	it->cur = find_live(live, nlive, ps->name);
	/* The flag bits given change the base's or the live policy's flags. */
	resctl_pset_flag_bits(ps);
	if (!it->cur) {
		it->act = A_ADD;
		return;
	}
	if (ps->base) {
		/* base only applies to an add: the live policy keeps its values. */
		ps->base = NULL;
	}
	it->act = resctl_pset_same(ps, it->cur) ? A_SAME : A_CHANGE;
}

/* One request per policy, the same in the dry run and when applied. */
static int send_item(struct resctl_cfg_item *it, bool dry)
{
	int cmd = it->act == A_ADD ? DWCP_RES_CMD_POLICY_NEW : DWCP_RES_CMD_POLICY_SET;

	it->ps.dry_run = dry;
	return resctl_nl_call(cmd, 0, resctl_pset_fill, &it->ps, NULL, NULL);
}

static int fill_del(struct nl_msg *msg, void *arg)
{
	return nla_put_string(msg, DWCP_RES_A_POLICY_NAME, arg);
}

static const char *act_name(enum action a)
{
	switch (a) {
	case A_ADD:	return "add";
	case A_CHANGE:	return "change";
	case A_SAME:	return "unchanged";
	case A_DELETE:	return "delete";
	}
	return "?";
}

/* Delete the live policies marked in @prune; @done says what was applied. */
static int prune_live(const char *file, const struct resctl_policy *live, const bool *prune,
		      size_t nlive, const char *done)
{
	size_t i;
	int rc;

	for (i = 0; i < nlive; i++) {
		if (!prune[i])
			continue;
		rc = resctl_nl_call(DWCP_RES_CMD_POLICY_DEL, 0, fill_del, (void *)live[i].name,
				    NULL, NULL);
		if (rc) {
			fprintf(stderr, "resctl: %s: deleting \"%s\" failed; %s\n", file,
				live[i].name, done);
			return rc;
		}
	}
	return 0;
}

/* Text: "policy NAME: ACTION" a line; JSON: {"check", "policies": [...]}. */
static void report(const struct resctl_cfg_item *v, size_t n, const struct resctl_policy *live,
		   const bool *prune, size_t nlive, bool check, const struct resctl_ecfg *e)
{
	static const struct print_col cols[] = {
		{ "POLICY", 16, false },
		{ "ACTION", 9, false },
	};
	size_t i;

	print_open(NULL, NULL);
	if (resctl_opts.json)
		print_bool("check", NULL, check);
	print_table_open("policies", cols, 2);
	for (i = 0; i < n; i++) {
		print_row_open();
		print_str("name", NULL, v[i].ps.name);
		print_str("action", NULL, act_name(v[i].act));
		print_row_close();
	}
	for (i = 0; i < nlive; i++) {
		if (!prune[i])
			continue;
		print_row_open();
		print_str("name", NULL, live[i].name);
		print_str("action", NULL, act_name(A_DELETE));
		print_row_close();
	}
	print_table_close();
	resctl_ecfg_report(e);
	print_flush();
}

int cmd_apply(int argc, char **argv)
{
	const char *path = NULL, *file;
	bool check = false, do_prune = false, shared = false, prune_first;
	struct resctl_policy *live = NULL;
	struct resctl_config cfg;
	struct resctl_cfg_item *items;
	struct resctl_ecfg *ecfg;
	size_t nitems = 0, nlive = 0, nadd, nprune, len, i;
	bool *prune = NULL;
	char *buf;
	FILE *f;
	int rc;

	for (i = 0; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--check") || !strcmp(argv[i], "-check"))
			check = true;
		else if (!strcmp(argv[i], "--prune") || !strcmp(argv[i], "-prune"))
			do_prune = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return resctl_usage_err("apply: unknown option \"%s\"", argv[i]);
		else if (path)
			return resctl_usage_of("apply", NULL);
		else
			path = argv[i];
	}
	if (!path)
		return resctl_usage_of("apply", NULL);
	file = strcmp(path, "-") ? path : "stdin";
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "resctl: %s: %s\n", path, strerror(errno));
		return RESCTL_EXIT_FAIL;
	}
	if (f != stdin && !trusted(path, fileno(f))) {
		fclose(f);
		return RESCTL_EXIT_FAIL;
	}
	buf = slurp(f, &len);
	if (f != stdin)
		fclose(f);
	if (!buf) {
		fprintf(stderr, "resctl: %s: cannot read it\n", file);
		return RESCTL_EXIT_FAIL;
	}
	rc = resctl_config_parse(file, buf, len, &cfg);
	free(buf);
	if (rc)
		return rc;
	items = cfg.items;
	nitems = cfg.nitems;
	ecfg = cfg.ecfg;

	/* One socket for the listing, the dry run and the changes. */
	if (resctl_nl_share()) {
		rc = RESCTL_EXIT_FAIL;
		goto out;
	}
	shared = true;
	rc = resctl_policy_fetch(NULL, &live, &nlive);
	if (rc)
		goto out;
	prune = calloc(nlive ? nlive : 1, sizeof(*prune));
	if (!prune) {
		rc = RESCTL_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < nitems; i++) {
		plan(&items[i], live, nlive);
		if (items[i].act == A_ADD)
			resctl_ecfg_policy_added(ecfg, items[i].ps.name);
	}
	for (i = 0; do_prune && i < nlive; i++) {
		size_t j;

		prune[i] = !is_profile(live[i].name);
		for (j = 0; j < nitems && prune[i]; j++)
			if (!strcmp(items[j].ps.name, live[i].name))
				prune[i] = false;
	}
	rc = resctl_ecfg_plan(ecfg, file, do_prune);
	if (rc)
		goto out;

	/*
	 * The kernel checks the room for each add on its own; the file as a
	 * whole is counted here: what it adds, less what it prunes.
	 */
	for (i = 0, nadd = 0; i < nitems; i++)
		nadd += items[i].act == A_ADD;
	for (i = 0, nprune = 0; i < nlive; i++)
		nprune += prune[i];
	if (nlive - nprune + nadd > DWCP_RES_MAX_POLICIES) {
		fprintf(stderr, "resctl: %s: the namespace would hold %zu policies (%zu now, %zu added, %zu pruned); it holds at most %d; nothing was changed\n",
			file, nlive - nprune + nadd, nlive, nadd, nprune, DWCP_RES_MAX_POLICIES);
		rc = RESCTL_EXIT_FAIL;
		goto out;
	}
	/* Room for the adds only once the prunes are done: prune first. */
	prune_first = nlive + nadd > DWCP_RES_MAX_POLICIES;

	/* The dry run: the kernel's whole validation, nothing applied. */
	for (i = 0; i < nitems; i++) {
		if (items[i].act == A_SAME)
			continue;
		rc = send_item(&items[i], true);
		if (rc) {
			fprintf(stderr, "resctl: %s: %s (\"%s\"): refused by the kernel; nothing was changed\n",
				file, items[i].where, items[i].ps.name);
			goto out;
		}
	}
	rc = resctl_ecfg_send(ecfg, file, true);
	if (rc)
		goto out;
	if (check) {
		report(items, nitems, live, prune, nlive, true, ecfg);
		goto out;
	}

	if (prune_first) {
		rc = prune_live(file, live, prune, nlive, "no policy of the file was applied");
		if (rc)
			goto out;
	}
	for (i = 0; i < nitems; i++) {
		if (items[i].act == A_SAME)
			continue;
		rc = send_item(&items[i], false);
		if (rc) {
			fprintf(stderr, "resctl: %s: applying %s (\"%s\") failed; the policies before it in the file were applied\n",
				file, items[i].where, items[i].ps.name);
			goto out;
		}
	}
	rc = resctl_ecfg_send(ecfg, file, false);
	if (rc)
		goto out;
	if (!prune_first) {
		rc = prune_live(file, live, prune, nlive, "every policy of the file was applied");
		if (rc)
			goto out;
	}
	report(items, nitems, live, prune, nlive, false, ecfg);
out:
	if (shared)
		resctl_nl_unshare();
	free(prune);
	free(live);
	resctl_config_free(&cfg);
	return rc;
}

/* resctl dump-config: the running configuration, as apply reads it. */
int cmd_dump_config(int argc, char **argv)
{
	static const struct print_col cols[] = { { "NAME", 16, false } };
	struct resctl_policy *live = NULL;
	bool json = resctl_opts.json, pretty = resctl_opts.pretty;
	size_t nlive = 0, i;
	int rc;

	(void)argv;
	if (argc)
		return resctl_usage_of("dump-config", NULL);
	rc = resctl_policy_fetch(NULL, &live, &nlive);
	if (rc)
		return rc;
	/* Always JSON; pretty unless -j alone asked for one line. */
	resctl_opts.json = true;
	resctl_opts.pretty = json ? pretty : true;
	print_open(NULL, NULL);
	print_u64("version", NULL, RESCTL_CONFIG_VERSION);
	print_table_open("policies", cols, 1);
	for (i = 0; i < nlive; i++) {
		print_row_open();
		print_str("name", NULL, live[i].name);
		resctl_policy_print_config(&live[i]);
		print_row_close();
	}
	print_table_close();
	free(live);
	rc = resctl_ecfg_dump();
	if (rc)
		print_reset();
	else
		print_flush();
	resctl_opts.json = json;
	resctl_opts.pretty = pretty;
	return rc;
}
