// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the reading of a configuration file (/etc/dwcp_res.conf,
 * what "resctl apply" and "apply --check" read): resctl_config_parse() of
 * cmd_apply.c, with the policies' keys of cmd_policy.c and the engine's
 * (slo, degrade, health) of config.c, fed arbitrary bytes as the file.
 * Linked with the rest of resctl (not main.c); parsing sends nothing.
 *
 * Properties, beyond ASan/UBSan finding nothing:
 * - a file that is refused says why, on stderr, naming the file (a JSON
 *   syntax error with a line and column inside the file); one that is
 *   accepted prints nothing;
 * - a file that parses, printed back with resctl_config_print() (the
 *   printers of "resctl dump-config"), parses again to the same
 *   configuration: the same policies with the same values and flags (a
 *   flag not given prints as off), the same SLO, degradation and checks;
 *   and prints again to the same text.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "config.h"
#include "print.h"
#include "resctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define MAX_INPUT	16384
#define FILE_NAME	"fuzz.conf"
#define ALL_FLAGS	(DWCP_RES_POLICY_F_RATE | DWCP_RES_POLICY_F_ADAPTIVE | \
			 DWCP_RES_POLICY_F_SHADOW)

static const char *text_of_fail;

/* A finding: say which property failed, on what text, and crash. */
static void fail(const char *why)
{
	fprintf(stderr, "fuzz_config: %s\n", why);
	if (text_of_fail)
		fprintf(stderr, "fuzz_config: the text:\n%s\n", text_of_fail);
	abort();
}

/* resctl_config_parse() with its messages caught into *@msg. */
static int parse(const char *buf, size_t len, struct resctl_config *cfg, char **msg)
{
	FILE *save = stderr, *mem;
	size_t mlen;
	int rc;

	mem = open_memstream(msg, &mlen);
	if (!mem)
		abort();
	stderr = mem;
	rc = resctl_config_parse(FILE_NAME, buf, len, cfg);
	stderr = save;
	if (fclose(mem))
		abort();
	return rc;
}

/* resctl_config_print() as JSON text, pretty or not. */
static char *print(const struct resctl_config *cfg, bool pretty, size_t *len)
{
	FILE *save = stdout, *mem;
	char *out = NULL;

	mem = open_memstream(&out, len);
	if (!mem)
		abort();
	resctl_opts.json = true;
	resctl_opts.pretty = pretty;
	stdout = mem;
	resctl_config_print(cfg);
	print_flush();
	stdout = save;
	if (fclose(mem))
		abort();
	return out;
}

/* The messages of a refused file. */
static void check_refusal(const char *buf, size_t len, int rc, const char *msg)
{
	const char *j = strstr(msg, "resctl: " FILE_NAME ":");
	const char *named = strstr(msg, FILE_NAME);
	size_t lines = 1, i;
	int line, col;

	if (rc != RESCTL_EXIT_USAGE)
		fail("refused, but not as a usage error");
	if (strncmp(msg, "resctl: ", 8) || !named)
		fail("refused without a message naming the file");
	if (j && sscanf(j, "resctl: " FILE_NAME ":%d:%d: JSON error", &line, &col) == 2) {
		for (i = 0; i < len; i++)
			lines += buf[i] == '\n';
		if (line < 1 || (size_t)line > lines || col < 1 || (size_t)col > len + 1)
			fail("a JSON error outside the file");
	}
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void compare_policies(const struct resctl_config *a, const struct resctl_config *b)
{
	size_t i, k;

	if (a->nitems != b->nitems)
		fail("printed back: another number of policies");
	for (i = 0; i < a->nitems; i++) {
		const struct resctl_pset *p = &a->items[i].ps, *q = &b->items[i].ps;
		uint32_t off = p->fset | p->fclear ? p->fclear | (ALL_FLAGS & ~p->fset) : 0;

		if (strcmp(p->name, q->name) || !same_str(p->base, q->base))
			fail("printed back: another policy name or base");
		for (k = 0; k <= DWCP_RES_P_MAX; k++)
			if (p->has[k] != q->has[k] || (p->has[k] && p->val[k] != q->val[k]))
				fail("printed back: another policy value");
		if (q->fset != p->fset || q->fclear != off)
			fail("printed back: other policy flags");
	}
}

static void compare_engine(const struct resctl_ecfg *a, const struct resctl_ecfg *b)
{
	size_t i, k;

	if (a->has_slo != b->has_slo || a->has_degrade != b->has_degrade ||
	    a->has_health != b->has_health)
		fail("printed back: other engine parts");
	for (k = 0; k <= DWCP_RES_B_MAX; k++)
		if (a->slo_has[k] != b->slo_has[k] || (a->slo_has[k] && a->slo[k] != b->slo[k]))
			fail("printed back: another system SLO value");
	if (a->has_mode != b->has_mode || a->mode_auto != b->mode_auto ||
	    (a->has_mode && !a->mode_auto && a->level != b->level))
		fail("printed back: another degradation mode");
	for (k = 0; k <= DWCP_RES_TRIG_MAX; k++)
		if (a->trig_has[k] != b->trig_has[k] ||
		    (a->trig_has[k] && a->trig[k] != b->trig[k]))
			fail("printed back: another trigger value");
	if (a->nhc != b->nhc)
		fail("printed back: another number of checks");
	for (i = 0; i < a->nhc; i++) {
		const struct resctl_hc_item *c = &a->hc[i], *e = &b->hc[i];

		if (strcmp(c->name, e->name) || !same_str(c->policy, e->policy) ||
		    c->has_metric != e->has_metric || (c->has_metric && c->metric != e->metric))
			fail("printed back: another check name, policy or metric");
		for (k = 0; k <= DWCP_RES_HC_MAX; k++)
			if (c->has[k] != e->has[k] || (c->has[k] && c->v[k] != e->v[k]))
				fail("printed back: another check value");
	}
}

/*
 * An accepted file whose root object holds "version", with a second
 * "version" put at the front of that object, must be refused as a key
 * given twice (json-c would have kept the last one); with an integer past
 * 64 bits put there instead, as one that does not fit (json-c would have
 * clamped it). Both come before any other check of the file.
 */
static void mutate_accepted(const char *buf, size_t n, const struct resctl_config *cfg)
{
	static const char *const heads[] = {
		"{\"version\": 1, ", "{\"x\": 18446744073709551616, ",
	};
	static const char *const want[] = {
		"the key \"version\" is given twice", "does not fit in 64 bits",
	};
	struct resctl_config m;
	size_t i, skip = 0, len;
	char *t, *msg = NULL;
	int rc;

	while (skip < n && strchr(" \t\r\n", buf[skip]))
		skip++;
	if (skip == n || buf[skip] != '{' ||
	    !json_object_object_get_ex(cfg->root, "version", NULL))
		return;
	for (i = 0; i < 2; i++) {
		len = strlen(heads[i]) + n - skip - 1;
		t = malloc(len + 1);
		if (!t)
			abort();
		memcpy(t, heads[i], strlen(heads[i]));
		memcpy(t + strlen(heads[i]), buf + skip + 1, n - skip - 1);
		t[len] = '\0';
		text_of_fail = t;
		rc = parse(t, len, &m, &msg);
		if (!rc)
			fail("a mutated accepted file (key twice / huge integer) was accepted");
		if (!strstr(msg, want[i])) {
			fprintf(stderr, "%s", msg);
			fail("a mutated accepted file was refused for another reason");
		}
		free(msg);
		msg = NULL;
		free(t);
	}
	text_of_fail = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct resctl_config cfg, back, again;
	char *buf, *msg = NULL, *out, *out2, *out3;
	size_t olen, olen2, olen3;
	int rc;

	if (n > MAX_INPUT)
		return 0;
	buf = malloc(n + 1);
	if (!buf)
		abort();
	memcpy(buf, d, n);
	buf[n] = '\0';
	text_of_fail = NULL;
	rc = parse(buf, n, &cfg, &msg);
	if (rc) {
		check_refusal(buf, n, rc, msg);
		free(msg);
		free(buf);
		return 0;
	}
	if (msg[0])
		fail("accepted, yet printed a message");
	free(msg);
	mutate_accepted(buf, n, &cfg);

	out = print(&cfg, n & 1, &olen);
	text_of_fail = out;
	rc = parse(out, olen, &back, &msg);
	if (rc) {
		fprintf(stderr, "%s", msg);
		fail("printed back: does not parse");
	}
	free(msg);
	compare_policies(&cfg, &back);
	compare_engine(cfg.ecfg, back.ecfg);

	/* Printed again: the same text (pretty or not alike). */
	out2 = print(&back, n & 1, &olen2);
	if (olen2 != olen || memcmp(out, out2, olen))
		fail("printed twice: another text");
	rc = parse(out2, olen2, &again, &msg);
	if (rc)
		fail("printed twice: does not parse");
	free(msg);
	out3 = print(&again, !(n & 1), &olen3);
	free(out3);

	resctl_config_free(&again);
	resctl_config_free(&back);
	resctl_config_free(&cfg);
	free(out2);
	free(out);
	free(buf);
	text_of_fail = NULL;
	return 0;
}
