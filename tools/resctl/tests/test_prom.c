// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of resctl's Prometheus formatter (prom.c), fed synthetic
 * snapshots. The output is parsed back line by line and checked against
 * the text exposition format 0.0.4: HELP and TYPE once per family, before
 * its samples, families contiguous; sample names belong to their family;
 * label values escaped; values are numbers (or NaN, +Inf); no duplicate
 * series; histogram buckets cumulative, ending with le="+Inf" == _count.
 * Prints TAP 13 and exits non-zero if any check failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prom.h"
#include "tap.h"

#define MAX_LINES	4096
#define MAX_FAMS	128

struct sample {
	char name[128];
	char labels[512];	/* as written, escapes kept */
	char value[64];
};

struct family {
	char name[128];
	char type[32];
	int help, typed;	/* how many HELP and TYPE lines */
	int first, last;	/* sample indexes */
	int samples;
};

static struct sample samples[MAX_LINES];
static int nsamples;
static struct family fams[MAX_FAMS];
static int nfams;
static int format_errors;

static struct family *fam_get(const char *name, bool create)
{
	int i;

	for (i = 0; i < nfams; i++)
		if (!strcmp(fams[i].name, name))
			return &fams[i];
	if (!create || nfams == MAX_FAMS)
		return NULL;
	memset(&fams[nfams], 0, sizeof(fams[nfams]));
	snprintf(fams[nfams].name, sizeof(fams[nfams].name), "%s", name);
	fams[nfams].first = -1;
	return &fams[nfams++];
}

/* The family a sample name belongs to (histograms: minus the suffix). */
static struct family *fam_of(const char *name)
{
	static const char * const sfx[] = { "_bucket", "_sum", "_count" };
	struct family *f = fam_get(name, false);
	char base[128];
	size_t i, nl = strlen(name);

	if (f)
		return f;
	for (i = 0; i < 3; i++) {
		size_t sl = strlen(sfx[i]);

		if (nl > sl && !strcmp(name + nl - sl, sfx[i])) {
			snprintf(base, sizeof(base), "%.*s", (int)(nl - sl), name);
			f = fam_get(base, false);
			if (f && !strcmp(f->type, "histogram"))
				return f;
		}
	}
	return NULL;
}

static bool valid_name(const char *s)
{
	if (!*s || !(strchr("_:", *s) || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++)
		if (!(strchr("_:", *s) || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static bool valid_value(const char *s)
{
	char *end;

	if (!strcmp(s, "NaN") || !strcmp(s, "+Inf") || !strcmp(s, "-Inf"))
		return true;
	strtod(s, &end);
	return *s && !*end && !strchr(s, 'e') && !strchr(s, 'E');
}

/* Labels: name="value" pairs; values may only hold \\ \" \n escapes. */
static bool valid_labels(const char *s)
{
	while (*s) {
		const char *eq = strchr(s, '=');
		char key[128];

		if (!eq || eq - s >= (long)sizeof(key))
			return false;
		snprintf(key, sizeof(key), "%.*s", (int)(eq - s), s);
		if (!valid_name(key) || eq[1] != '"')
			return false;
		for (s = eq + 2; *s && *s != '"'; s++) {
			if (*s == '\n')
				return false;
			if (*s == '\\') {
				s++;
				if (*s != '\\' && *s != '"' && *s != 'n')
					return false;
			}
		}
		if (*s++ != '"')
			return false;
		if (*s == ',')
			s++;
		else if (*s)
			return false;
	}
	return true;
}

static void parse_line(char *line)
{
	struct family *f;
	char *p;

	if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
		bool help = line[2] == 'H';
		char name[128];

		p = line + 7;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, " "), p);
		f = fam_get(name, true);
		if (!f)
			return;
		if (nsamples && f->samples)	/* HELP/TYPE after its samples */
			format_errors++;
		if (help) {
			f->help++;
		} else {
			f->typed++;
			snprintf(f->type, sizeof(f->type), "%s", p + strlen(name) + 1);
		}
		return;
	}
	if (line[0] == '#' || nsamples == MAX_LINES)
		return;
	{
		struct sample *s = &samples[nsamples];
		size_t nl = strcspn(line, "{ ");
		char *lb;

		snprintf(s->name, sizeof(s->name), "%.*s", (int)nl, line);
		p = line + nl;
		s->labels[0] = '\0';
		if (*p == '{') {
			/* the closing brace: the first } outside a quoted value */
			bool q = false;

			lb = ++p;
			for (; *p && (q || *p != '}'); p++) {
				if (*p == '\\' && q)
					p++;
				else if (*p == '"')
					q = !q;
			}
			if (*p != '}') {
				format_errors++;
				return;
			}
			snprintf(s->labels, sizeof(s->labels), "%.*s", (int)(p - lb), lb);
			p++;
		}
		if (*p != ' ') {
			format_errors++;
			return;
		}
		snprintf(s->value, sizeof(s->value), "%s", p + 1);
		f = fam_of(s->name);
		if (!f) {
			format_errors++;
			printf("# sample %s has no HELP/TYPE before it\n", s->name);
			return;
		}
		if (f->first < 0)
			f->first = nsamples;
		else if (f->last != nsamples - 1) {	/* interleaved families */
			format_errors++;
			printf("# family %s is not contiguous\n", f->name);
		}
		f->last = nsamples;
		f->samples++;
		nsamples++;
	}
}

/* Render and parse back; returns the text (caller frees). */
static char *render(const struct prom_system *sys, const struct prom_policy *v, size_t n)
{
	char *buf = NULL, *line, *save = NULL, *copy;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	nsamples = nfams = format_errors = 0;
	if (!f)
		return NULL;
	if (prom_write(f, sys, v, n))
		format_errors++;
	fclose(f);
	if (len && buf[len - 1] != '\n')
		format_errors++;
	copy = strdup(buf);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		parse_line(line);
	free(copy);
	return buf;
}

static const struct sample *find(const char *name, const char *labels)
{
	int i;

	for (i = 0; i < nsamples; i++)
		if (!strcmp(samples[i].name, name) && !strcmp(samples[i].labels, labels))
			return &samples[i];
	return NULL;
}

static void value_is(const char *name, const char *labels, const char *want)
{
	const struct sample *s = find(name, labels);

	if (!tap_ok(s && !strcmp(s->value, want), "%s{%s} = %s", name, labels, want))
		printf("# got %s\n", s ? s->value : "(no such series)");
}

/* A policy as the kernel would send it, with a histogram. */
static void fill_policy(struct prom_policy *p, const char *name, uint64_t calls)
{
	static const uint64_t le[] = { 10240, 24576, 49152, 98304, 245760, 491520, 983040 };
	size_t i;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	for (i = 0; i <= DWCP_RES_S_MAX; i++) {
		p->has_st[i] = i != DWCP_RES_S_UNSPEC && i != DWCP_RES_S_PAD &&
			       i != DWCP_RES_S_LATENCY_HIST;
		p->st[i] = 0;
	}
	for (i = 0; i <= DWCP_RES_P_MAX; i++)
		p->has_cfg[i] = i > DWCP_RES_P_BASE;
	p->st[DWCP_RES_S_ADMITTED] = calls + 2;
	p->st[DWCP_RES_S_COMPLETED] = calls;
	p->st[DWCP_RES_S_SUCCESS] = calls - 3;
	p->st[DWCP_RES_S_FAILURE] = 2;
	p->st[DWCP_RES_S_SLOW] = 1;
	p->st[DWCP_RES_S_INFLIGHT] = 2;
	p->st[DWCP_RES_S_REJECT_RATE] = 7;
	p->st[DWCP_RES_S_REJECT_BULKHEAD_WAIT] = 1;
	p->st[DWCP_RES_S_SHADOW_BREAKER] = 5;
	p->st[DWCP_RES_S_RETRY_SUCCEEDED] = 3;
	p->st[DWCP_RES_S_RETRY_BUDGET_REFUSED] = 2;
	p->st[DWCP_RES_S_BULKHEAD_LIMIT] = 75;
	p->st[DWCP_RES_S_LATENCY_COMPLIANCE_PPM] = 987500;
	p->st[DWCP_RES_S_BREAKER_STATE] = DWCP_RES_BREAKER_HALF_OPEN;
	p->st[DWCP_RES_S_BREAKER_EPOCH] = 2;
	p->st[DWCP_RES_S_RATE_MCPS] = 1500;
	p->st[DWCP_RES_S_TIMEOUT_NS] = 1500000000;
	p->st[DWCP_RES_S_BUDGET_REMAINING_PPM] = 999000;
	p->st[DWCP_RES_S_SUCCESS_PPM] = 1000000;
	p->st[DWCP_RES_S_LATENCY_P50_NS] = 20000;
	p->st[DWCP_RES_S_LATENCY_P95_NS] = 900000;
	p->st[DWCP_RES_S_LATENCY_P99_NS] = 2000000;
	p->st[DWCP_RES_S_LATENCY_COUNT] = calls;
	p->st[DWCP_RES_S_LATENCY_SUM_NS] = calls * 123456;
	p->cfg[DWCP_RES_P_BULKHEAD_MAX] = 100;
	p->cfg[DWCP_RES_P_LATENCY_TARGET_NS] = 100000000;
	p->hist.n = sizeof(le) / sizeof(le[0]);
	for (i = 0; i < p->hist.n; i++) {
		p->hist.le_ns[i] = le[i];
		p->hist.cum[i] = calls * (i + 1) / (p->hist.n + 2);
	}
}

static void check_families(void)
{
	int i, bad_help = 0, bad_type = 0, empty = 0;

	for (i = 0; i < nfams; i++) {
		const struct family *f = &fams[i];
		size_t nl = strlen(f->name);

		bad_help += f->help != 1;
		bad_type += f->typed != 1;
		empty += !f->samples;
		if (nl > 6 && !strcmp(f->name + nl - 6, "_total"))
			tap_ok(!strcmp(f->type, "counter"), "%s is a counter", f->name);
		else if (!strcmp(f->type, "counter"))
			tap_ok(0, "counter %s ends in _total", f->name);
		if (strncmp(f->name, "dwcp_res_", 9) || !valid_name(f->name))
			tap_ok(0, "family name %s", f->name);
	}
	tap_eq(bad_help, 0, "one HELP line per family");
	tap_eq(bad_type, 0, "one TYPE line per family");
	tap_eq(empty, 0, "no family without samples");
	tap_eq(format_errors, 0, "lines parse; HELP/TYPE first; families contiguous");
}

static void check_samples(void)
{
	int i, j, dups = 0, badv = 0, badl = 0;

	for (i = 0; i < nsamples; i++) {
		badv += !valid_value(samples[i].value);
		badl += !valid_labels(samples[i].labels);
		for (j = i + 1; j < nsamples; j++)
			dups += !strcmp(samples[i].name, samples[j].name) &&
				!strcmp(samples[i].labels, samples[j].labels);
	}
	tap_eq(badv, 0, "every value is a number, NaN or +Inf");
	tap_eq(badl, 0, "every label set is well-formed and escaped");
	tap_eq(dups, 0, "no duplicate series");
}

/* Buckets of @policy_label: cumulative, +Inf last and equal to _count. */
static void check_histogram(const char *policy_label)
{
	char want[600];
	double prev = -1;
	int i, n = 0, mono = 1, inf_at = -1, after_inf = 0;
	const struct sample *cnt, *inf;
	size_t pl = strlen(policy_label);

	for (i = 0; i < nsamples; i++) {
		const struct sample *s = &samples[i];
		double v;

		if (strcmp(s->name, "dwcp_res_latency_seconds_bucket") ||
		    strncmp(s->labels, policy_label, pl) || s->labels[pl] != ',')
			continue;
		if (inf_at >= 0)
			after_inf++;
		v = strtod(s->value, NULL);
		if (v < prev)
			mono = 0;
		prev = v;
		if (strstr(s->labels, "le=\"+Inf\""))
			inf_at = n;
		n++;
	}
	tap_ok(n > 1, "%s: has buckets (%d)", policy_label, n);
	tap_ok(mono, "%s: bucket counts never decrease", policy_label);
	tap_ok(inf_at == n - 1 && !after_inf, "%s: le=\"+Inf\" is the last bucket", policy_label);
	snprintf(want, sizeof(want), "%s,le=\"+Inf\"", policy_label);
	inf = find("dwcp_res_latency_seconds_bucket", want);
	cnt = find("dwcp_res_latency_seconds_count", policy_label);
	tap_ok(inf && cnt && !strcmp(inf->value, cnt->value),
	       "%s: +Inf bucket == _count (%s)", policy_label, cnt ? cnt->value : "?");
	tap_ok(find("dwcp_res_latency_seconds_sum", policy_label) != NULL,
	       "%s: has _sum", policy_label);
}

static void test_fixed(void)
{
	static const struct {
		uint64_t v;
		unsigned int d;
		const char *want;
	} c[] = {
		{ 0, 9, "0" }, { 1000000000, 9, "1" }, { 983040, 9, "0.00098304" },
		{ 2415919104ULL, 9, "2.415919104" }, { 1, 9, "0.000000001" },
		{ 999000, 6, "0.999" }, { 1500, 3, "1.5" }, { 18446744073709551615ULL, 0,
		  "18446744073709551615" }, { 18446744073709551615ULL, 9,
		  "18446744073.709551615" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (!tap_ok(!strcmp(prom_fixed(buf, c[i].v, c[i].d), c[i].want),
			    "prom_fixed(%" PRIu64 ", %u) = %s", c[i].v, c[i].d, c[i].want))
			printf("# got %s\n", buf);
}

static void test_escape(void)
{
	char buf[64];

	tap_ok(!strcmp(prom_escape(buf, sizeof(buf), "a\"b\\c\nd"), "a\\\"b\\\\c\\nd"),
	       "escape quote, backslash, newline");
	tap_ok(!strcmp(prom_escape(buf, 5, "ab\\\\"), "ab\\\\"), "escape never truncates "
	       "inside an escape (%s)", buf);
	tap_ok(!strcmp(prom_escape(buf, 4, "ab\""), "ab"), "escape drops what does not fit");
}

/*
 * --output: the old writer opened "PATH.PID.tmp" with fopen(), so a link
 * planted under that name in a writable textfile directory made root write
 * through it, and a umask of 077 left a file node_exporter could not read.
 */
static void test_file(const struct prom_system *sys, const struct prom_policy *v, size_t n)
{
	char dir[] = "/tmp/test_prom.XXXXXX", path[64], victim[64], link[320], buf[64];
	char *want = NULL, *got = NULL;
	size_t wlen = 0, glen = 0;
	struct stat st;
	mode_t um;
	FILE *f;
	int i, rc, nfiles = 0;
	DIR *d;
	struct dirent *e;

	if (!tap_ok(mkdtemp(dir) != NULL, "prom_write_file: a scratch directory"))
		return;
	snprintf(path, sizeof(path), "%s/dwcp_res.prom", dir);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	f = fopen(victim, "w");
	fputs("keep", f);
	fclose(f);
	for (i = 0; i < 4; i++) {
		snprintf(link, sizeof(link), "%s.%ld.tmp", path, (long)getpid() + i);
		if (symlink(victim, link))
			perror("symlink");
	}
	um = umask(077);
	rc = prom_write_file(path, sys, v, n);
	umask(um);
	tap_ok(rc == 0, "prom_write_file writes with links planted at the old temporary names");
	tap_ok(!lstat(path, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644,
	       "the file is a regular file of mode 0644 under a umask of 077");
	f = fopen(victim, "r");
	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	tap_ok(!strcmp(buf, "keep"), "nothing was written through a planted link");
	f = open_memstream(&want, &wlen);
	prom_write(f, sys, v, n);
	fclose(f);
	f = fopen(path, "r");
	if (f) {
		got = calloc(1, wlen + 2);
		glen = fread(got, 1, wlen + 1, f);
		fclose(f);
	}
	tap_ok(got && glen == wlen && !memcmp(got, want, wlen), "the file holds the exposition whole");
	d = opendir(dir);
	while (d && (e = readdir(d)))
		nfiles += e->d_name[0] != '.';
	if (d)
		closedir(d);
	tap_eq(nfiles, 6, "no temporary file is left (the file, the victim, 4 links)");
	snprintf(link, sizeof(link), "%s/nodir/dwcp_res.prom", dir);
	errno = 0;
	tap_ok(prom_write_file(link, sys, v, n) == -1 && errno == ENOENT,
	       "a missing directory is ENOENT");
	free(want);
	free(got);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		unlink(link);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int main(void)
{
	struct prom_system sys = { .version = "0.1.0", .chaos_allowed = 1,
				   .chaos_enabled = 0, .level = DWCP_RES_LEVEL_DEGRADED };
	struct prom_policy v[3];
	char *out;

	tap_start();
	test_fixed();
	test_escape();

	fill_policy(&v[0], "send", 1000);
	fill_policy(&v[1], "we\"ird\\na\nme", 10);
	fill_policy(&v[2], "empty", 0);
	v[2].st[DWCP_RES_S_SUCCESS] = 0;
	v[2].st[DWCP_RES_S_FAILURE] = 0;
	v[2].st[DWCP_RES_S_SLOW] = 0;
	/* A broken reply: counts above _count and decreasing, a repeated bound. */
	v[1].hist.cum[2] = 50;
	v[1].hist.cum[3] = 1;
	v[1].hist.le_ns[4] = v[1].hist.le_ns[3];
	snprintf(sys.version, sizeof(sys.version), "1.0\"x\\");

	out = render(&sys, v, 3);
	tap_ok(out != NULL, "prom_write renders");
	check_families();
	check_samples();
	check_histogram("policy=\"send\"");
	check_histogram("policy=\"we\\\"ird\\\\na\\nme\"");
	check_histogram("policy=\"empty\"");

	value_is("dwcp_res_info", "version=\"1.0\\\"x\\\\\"", "1");
	value_is("dwcp_res_chaos_allowed", "", "1");
	value_is("dwcp_res_chaos_enabled", "", "0");
	value_is("dwcp_res_degradation_level", "", "1");
	value_is("dwcp_res_admitted_total", "policy=\"send\"", "1002");
	value_is("dwcp_res_calls_total", "policy=\"send\",result=\"success\"", "997");
	value_is("dwcp_res_calls_total", "policy=\"send\",result=\"slow\"", "1");
	value_is("dwcp_res_rejected_total", "policy=\"send\",reason=\"rate\"", "7");
	value_is("dwcp_res_rejected_total", "policy=\"send\",reason=\"bulkhead_wait\"", "1");
	tap_ok(!find("dwcp_res_rejected_total", "policy=\"send\",reason=\"none\""),
	       "no rejection series for reason none");
	value_is("dwcp_res_shadow_rejected_total", "policy=\"send\",reason=\"breaker\"", "5");
	value_is("dwcp_res_shadow_rejected_total", "policy=\"send\",reason=\"rate\"", "0");
	value_is("dwcp_res_retry_succeeded_total", "policy=\"send\"", "3");
	value_is("dwcp_res_retry_budget_refused_total", "policy=\"send\"", "2");
	value_is("dwcp_res_latency_budget_compliance_ratio", "policy=\"send\"", "0.9875");
	/* In force (a degraded level's), not the configured 100. */
	value_is("dwcp_res_bulkhead_limit", "policy=\"send\"", "75");
	value_is("dwcp_res_breaker_state", "policy=\"send\",state=\"half_open\"", "1");
	value_is("dwcp_res_breaker_state", "policy=\"send\",state=\"closed\"", "0");
	value_is("dwcp_res_breaker_state_code", "policy=\"send\"", "1");
	value_is("dwcp_res_inflight", "policy=\"send\"", "2");
	value_is("dwcp_res_rate_limit_calls_per_second", "policy=\"send\"", "1.5");
	value_is("dwcp_res_timeout_seconds", "policy=\"send\"", "1.5");
	value_is("dwcp_res_error_budget_remaining_ratio", "policy=\"send\"", "0.999");
	value_is("dwcp_res_latency_target_seconds", "policy=\"send\"", "0.1");
	value_is("dwcp_res_latency_quantile_seconds", "policy=\"send\",quantile=\"0.95\"",
		 "0.0009");
	value_is("dwcp_res_latency_quantile_seconds", "policy=\"empty\",quantile=\"0.5\"", "NaN");
	value_is("dwcp_res_latency_seconds_bucket", "policy=\"send\",le=\"0.00098304\"", "777");
	value_is("dwcp_res_latency_seconds_bucket", "policy=\"send\",le=\"0.00001024\"", "111");
	value_is("dwcp_res_latency_seconds_sum", "policy=\"send\"", "0.123456");
	value_is("dwcp_res_latency_seconds_count", "policy=\"send\"", "1000");
	value_is("dwcp_res_latency_seconds_bucket", "policy=\"we\\\"ird\\\\na\\nme\",le=\"0.000049152\"",
		 "10");
	{
		int i, nb = 0;

		for (i = 0; i < nsamples; i++)
			nb += !strcmp(samples[i].name, "dwcp_res_latency_seconds_bucket") &&
			      !strncmp(samples[i].labels, "policy=\"we", 10);
		tap_eq(nb, 7, "a repeated bound is written once (6 bounds + +Inf)");
	}
	free(out);

	/* An older module: no histogram, no level, no chaos: those families go. */
	fill_policy(&v[0], "send", 5);
	v[0].hist.n = 0;
	v[0].has_st[DWCP_RES_S_LATENCY_COUNT] = false;
	v[0].has_st[DWCP_RES_S_LATENCY_SUM_NS] = false;
	sys.level = sys.chaos_allowed = sys.chaos_enabled = -1;
	out = render(&sys, v, 1);
	check_families();
	check_samples();
	tap_ok(!fam_get("dwcp_res_latency_seconds", false), "no histogram family without data");
	tap_ok(!fam_get("dwcp_res_degradation_level", false), "no level family when unknown");
	tap_ok(fam_get("dwcp_res_latency_quantile_seconds", false) != NULL,
	       "quantiles still there");
	free(out);

	/* No policy at all: module-wide families only, still valid. */
	sys.level = 0;
	out = render(&sys, v, 0);
	check_families();
	tap_eq(nfams, 2, "no policies: dwcp_res_info and the level only");
	free(out);

	/* The engine: budgets, health checks, degradation and triggers. */
	{
		struct prom_budget b[2];
		struct prom_check c[2];
		struct prom_engine e;
		int i;

		memset(&e, 0, sizeof(e));
		memset(b, 0, sizeof(b));
		memset(c, 0, sizeof(c));
		snprintf(b[0].name, sizeof(b[0].name), "send");
		snprintf(b[1].name, sizeof(b[1].name), "system");
		for (i = 0; i <= DWCP_RES_B_MAX; i++)
			b[0].has[i] = b[1].has[i] = i >= DWCP_RES_B_SLO_PPM;
		b[0].b[DWCP_RES_B_SLO_PPM] = 999000;
		b[0].b[DWCP_RES_B_WINDOW_NS] = 60000000000ULL;
		b[0].b[DWCP_RES_B_REMAINING_PPM] = 0;
		b[0].b[DWCP_RES_B_ALERTS] = DWCP_RES_ALERT_PAGE_FAST | DWCP_RES_ALERT_EXHAUSTED;
		b[0].b[DWCP_RES_B_BURN_FAST_LONG] = 14400;
		b[0].b[DWCP_RES_B_ALERTS_FIRED] = 3;
		b[1].b[DWCP_RES_B_REMAINING_PPM] = 1000000;
		snprintf(c[0].name, sizeof(c[0].name), "kst_err");
		snprintf(c[0].policy, sizeof(c[0].policy), "send");
		c[0].metric = DWCP_RES_METRIC_ERROR_RATE_PPM;
		c[0].value = 250000;
		c[0].enabled = true;
		snprintf(c[1].name, sizeof(c[1].name), "breakers");
		c[1].metric = DWCP_RES_METRIC_BREAKERS_OPEN;
		c[1].healthy = c[1].enabled = true;
		c[1].value = -1;
		e.has_degrade = e.has_trigger = true;
		e.changes = 2;
		e.time_ns[1] = 1500000000;
		e.t[DWCP_RES_TRIG_ENABLED] = DWCP_RES_TRIGGER_BUDGET | DWCP_RES_TRIGGER_HEALTH;
		e.t[DWCP_RES_TRIG_IN_BUDGET] = DWCP_RES_LEVEL_SEVERELY_DEGRADED;
		e.t[DWCP_RES_TRIG_ERROR_NOW_PPM] = 120000;
		e.t[DWCP_RES_TRIG_LATENCY_PERMILLE] = 1500;
		e.budgets = b;
		e.nbudgets = 2;
		e.checks = c;
		e.nchecks = 2;
		sys.engine = &e;
		sys.level = DWCP_RES_LEVEL_SEVERELY_DEGRADED;
		fill_policy(&v[0], "send", 5);
		out = render(&sys, v, 1);
		check_families();
		check_samples();
		value_is("dwcp_res_degradation_level", "", "2");
		value_is("dwcp_res_degradation_level_state", "level=\"severely_degraded\"", "1");
		value_is("dwcp_res_degradation_level_state", "level=\"normal\"", "0");
		value_is("dwcp_res_degradation_manual", "", "0");
		value_is("dwcp_res_degradation_changes_total", "", "2");
		value_is("dwcp_res_degradation_seconds_total", "level=\"degraded\"", "1.5");
		value_is("dwcp_res_trigger_enabled", "trigger=\"health\"", "1");
		value_is("dwcp_res_trigger_enabled", "trigger=\"latency\"", "0");
		value_is("dwcp_res_trigger_input_level", "trigger=\"budget\"", "2");
		value_is("dwcp_res_trigger_error_ratio", "", "0.12");
		value_is("dwcp_res_trigger_latency_ratio", "", "1.5");
		value_is("dwcp_res_budget_remaining_ratio", "budget=\"send\"", "0");
		value_is("dwcp_res_budget_remaining_ratio", "budget=\"system\"", "1");
		value_is("dwcp_res_budget_slo_ratio", "budget=\"send\"", "0.999");
		value_is("dwcp_res_budget_window_seconds", "budget=\"send\"", "60");
		value_is("dwcp_res_budget_burn_rate",
			 "budget=\"send\",alert=\"page_fast\",window=\"long\"", "14.4");
		value_is("dwcp_res_budget_alert_firing", "budget=\"send\",alert=\"page_fast\"", "1");
		value_is("dwcp_res_budget_alert_firing", "budget=\"send\",alert=\"exhausted\"", "1");
		value_is("dwcp_res_budget_alert_firing", "budget=\"send\",alert=\"ticket\"", "0");
		value_is("dwcp_res_budget_alert_firing", "budget=\"system\",alert=\"page_fast\"", "0");
		value_is("dwcp_res_budget_alerts_fired_total", "budget=\"send\"", "3");
		value_is("dwcp_res_health_healthy",
			 "check=\"kst_err\",metric=\"error-rate\",policy=\"send\"", "0");
		value_is("dwcp_res_health_healthy", "check=\"breakers\",metric=\"breakers-open\"",
			 "1");
		value_is("dwcp_res_health_value",
			 "check=\"kst_err\",metric=\"error-rate\",policy=\"send\"", "250000");
		value_is("dwcp_res_health_value", "check=\"breakers\",metric=\"breakers-open\"",
			 "-1");
		value_is("dwcp_res_health_enabled", "check=\"kst_err\"", "1");
		free(out);
	}
	{
		struct prom_system s0 = { .version = "0.1.0", .level = DWCP_RES_LEVEL_NORMAL };

		test_file(&s0, v, 3);
	}
	return tap_done();
}
