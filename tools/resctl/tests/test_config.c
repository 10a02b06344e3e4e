// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the reading of configuration files (resctl_config_parse,
 * cmd_apply.c and config.c) and of printing them back
 * (resctl_config_print): values read whole, refusals, the round trip of
 * contrib/dwcp_res.conf. Linked with the rest of resctl (not main.c);
 * nothing is sent. Prints TAP 13 and exits non-zero if a check failed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "print.h"
#include "resctl.h"
#include "tap.h"

#ifndef CONTRIB_CONF
#error "CONTRIB_CONF: the path of contrib/dwcp_res.conf"
#endif

/* Parse @text quietly (its messages into @msg, if not NULL). */
static int parse(const char *text, struct resctl_config *cfg, char *msg, size_t mlen)
{
	FILE *save = stderr, *mem;
	char *buf = NULL;
	size_t len;
	int rc;

	mem = open_memstream(&buf, &len);
	if (!mem)
		return -1;
	stderr = mem;
	rc = resctl_config_parse("t.conf", text, strlen(text), cfg);
	stderr = save;
	fclose(mem);
	if (msg)
		snprintf(msg, mlen, "%s", buf);
	free(buf);
	return rc;
}

static void refuses(const char *name, const char *text, const char *want)
{
	struct resctl_config cfg;
	char msg[512];
	int rc = parse(text, &cfg, msg, sizeof(msg));

	if (!tap_ok(rc == RESCTL_EXIT_USAGE && strstr(msg, want), "%s", name))
		printf("# rc %d, message \"%s\", expected \"%s\"\n", rc, msg, want);
	if (!rc)
		resctl_config_free(&cfg);
}

static char *print(const struct resctl_config *cfg)
{
	FILE *save = stdout, *mem;
	char *out = NULL;
	size_t len;

	mem = open_memstream(&out, &len);
	if (!mem)
		return NULL;
	resctl_opts.json = true;
	resctl_opts.pretty = true;
	stdout = mem;
	resctl_config_print(cfg);
	print_flush();
	stdout = save;
	fclose(mem);
	return out;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int main(void)
{
	struct resctl_config cfg, back;
	char *text, *out, *out2;
	int rc;

	tap_start();

	/* Found by fuzz_config: values above INT64_MAX came back as INT64_MAX. */
	rc = parse("{\"policies\": [{\"name\": \"a\", \"config\": {\"breaker\": "
		   "{\"open_ns\": 9504000000000000000}}}]}", &cfg, NULL, 0);
	if (tap_ok(!rc, "a policy's u64 above INT64_MAX parses")) {
		tap_eq(cfg.items[0].ps.val[DWCP_RES_P_BREAKER_OPEN_NS], 9504000000000000000ULL,
		       "and is read whole");
		resctl_config_free(&cfg);
	}
	rc = parse("{\"version\": 1, \"slo\": {\"system\": "
		   "{\"window_ns\": 18446744073709551615}}}", &cfg, NULL, 0);
	if (tap_ok(!rc, "a system SLO window of UINT64_MAX parses")) {
		tap_ok(cfg.ecfg->slo[DWCP_RES_B_WINDOW_NS] == UINT64_MAX, "and is read whole");
		resctl_config_free(&cfg);
	}
	refuses("a check's min above INT64_MAX is refused",
		"{\"version\": 1, \"health\": [{\"name\": \"c\", \"min\": 9223372036854775808}]}",
		"health[0].min: bad value");
	rc = parse("{\"version\": 1, \"health\": [{\"name\": \"c\", \"min\": -9223372036854775808,"
		   " \"max\": 9223372036854775807}]}", &cfg, NULL, 0);
	if (tap_ok(!rc, "a check's min and max at the ends of s64 parse")) {
		tap_ok((int64_t)cfg.ecfg->hc[0].v[DWCP_RES_HC_VALUE_MIN] == INT64_MIN &&
		       (int64_t)cfg.ecfg->hc[0].v[DWCP_RES_HC_VALUE_MAX] == INT64_MAX,
		       "and are read whole");
		resctl_config_free(&cfg);
	}
	refuses("a u32 above UINT32_MAX is refused",
		"{\"policies\": [{\"name\": \"a\", \"config\": {\"breaker\": "
		"{\"failures\": 4294967296}}}]}", "at most 4294967295");

	/* Found by fuzz_config: unknown bits printed back as nothing. */
	refuses("trigger bits the kernel does not know are refused",
		"{\"version\": 1, \"degrade\": {\"triggers\": {\"enabled\": 59}}}",
		"degrade.triggers.enabled: bad value");
	rc = parse("{\"version\": 1, \"degrade\": {\"triggers\": {\"enabled\": 31}}}",
		   &cfg, NULL, 0);
	if (tap_ok(!rc, "all the trigger bits, as an integer, parse")) {
		tap_eq(cfg.ecfg->trig[DWCP_RES_TRIG_ENABLED], 31, "and are read");
		resctl_config_free(&cfg);
	}
	refuses("a JSON error has a line and a column", "{\n  \"policies\": [,]\n}\n",
		"t.conf:2:");
	refuses("an empty object is refused", "{}", "t.conf: missing \"policies\"");

	/*
	 * json-c keeps the last of two equal keys: the first list of policies
	 * was dropped without a word (and --prune would have deleted them).
	 */
	refuses("a top-level key given twice is refused",
		"{\"version\": 1,\n \"policies\": [{\"name\": \"a1\"}, {\"name\": \"a2\"}],\n"
		" \"policies\": [{\"name\": \"c1\"}]}",
		"t.conf:3:2: JSON error: the key \"policies\" is given twice in one object "
		"(first at line 2, column 2)");
	refuses("a key given twice inside a policy is refused",
		"{\"policies\": [{\"name\": \"a\", \"config\": {\"breaker\": "
		"{\"failures\": 3, \"failures\": 4}}}]}",
		"the key \"failures\" is given twice");
	refuses("a key given twice behind a comment and single quotes is refused",
		"{\"policies\": [{'name': \"a\", /* \"name\" */ \"base\": \"send\", 'base': \"sync\"}]}",
		"the key \"base\" is given twice");
	refuses("a key given twice in another spelling is refused",
		"{\"policies\": [{\"name\": \"a\", \"na\\u006de\": \"b\"}]}",
		"the key \"name\" is given twice");
	rc = parse("{\"policies\": [{\"name\": \"a\", \"config\": {\"rate\": {\"burst\": 5}, "
		   "\"bulkhead\": {\"queue\": 5}}}, "
		   "{\"name\": \"b\", \"config\": {\"rate\": {\"burst\": 6}}}]}", &cfg, NULL, 0);
	if (tap_ok(!rc, "equal keys in different objects are no duplicates"))
		resctl_config_free(&cfg);
	/* json-c clamps what does not fit to UINT64_MAX or INT64_MIN. */
	refuses("an integer above 2^64-1 is refused, not clamped",
		"{\"policies\": [{\"name\": \"a\", \"config\": {\"breaker\": "
		"{\"open_ns\": 18446744073709551616}}}]}",
		"18446744073709551616 does not fit in 64 bits");
	refuses("a huge integer is refused",
		"{\"version\": 1, \"slo\": {\"system\": {\"window_ns\": "
		"99999999999999999999999999}}}", "does not fit in 64 bits");
	refuses("an integer below -2^63 is refused, not clamped",
		"{\"version\": 1, \"health\": [{\"name\": \"c\", \"min\": -9223372036854775809}]}",
		"-9223372036854775809 does not fit in 64 bits");
	rc = parse("{\"policies\": [{\"name\": \"a\", \"config\": {\"breaker\": "
		   "{\"open_ns\": 0018446744073709551615}}}]}", &cfg, NULL, 0);
	tap_ok(rc == RESCTL_EXIT_USAGE || (!rc && (resctl_config_free(&cfg), 1)),
	       "leading zeros neither crash nor clamp");

	/* contrib's example prints back to a file that reads the same. */
	text = slurp(CONTRIB_CONF);
	rc = text ? parse(text, &cfg, NULL, 0) : -1;
	if (tap_ok(!rc, "contrib/dwcp_res.conf parses")) {
		out = print(&cfg);
		rc = out ? parse(out, &back, NULL, 0) : -1;
		if (tap_ok(!rc, "printed back, it parses")) {
			out2 = print(&back);
			tap_ok(out2 && !strcmp(out, out2), "and prints the same text");
			tap_ok(out && strstr(out, "\"window_ns\": 2592000000000000") &&
			       strstr(out, "\"enabled\": \"budget,health\"") &&
			       strstr(out, "\"wait_ns\": 50000000") &&
			       strstr(out, "\"level\": \"degraded\""),
			       "with the values of the file");
			free(out2);
			resctl_config_free(&back);
		}
		free(out);
		resctl_config_free(&cfg);
	}
	free(text);
	return tap_done();
}
