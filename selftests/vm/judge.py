#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a `make check` run from its KTAP/TAP results and kernel logs.

Sources:
  --tap NAME=FILE        a TAP/KTAP file from a host test; FILE.rc next to it
                         (if present) holds the exit status
  --vm NAME=PREFIX       a VM run: PREFIX.results (job output between
                         markers) and PREFIX.console (kernel log)
  --jobs NAME=FILE       the jobs file VM NAME ran: every job in it must
                         report an end marker
  --suites NAME=A,B,...  KUnit suites VM NAME must have reported
  --kcsan NAME=FILE      VM NAME ran a KCSAN kernel: KCSAN must have been on,
                         and a data-race report with a dwcp_res frame fails
                         unless FILE lists its "data-race in A / B" line with
                         a reason; a report without one (the kernel's own
                         race, in code the module does not touch) is printed
                         as a NOTE and does not fail the run

A run fails on any failed test, on any missing result (job, suite, or fewer
results than a plan promised), on a hung guest and on any kernel splat in a
console log. The last line is "N passed, M failed[, K skipped]".
"""
import argparse
import re
import sys

RESULT = re.compile(r'^(\s*)(ok|not ok)\s+(\d+)\s*(?:-\s*)?(.*?)\s*$')
DIRECTIVE = re.compile(r'#\s*(SKIP|TODO|XFAIL)\b', re.I)
PLAN = re.compile(r'^(\s*)1\.\.(\d+)')
SUBTEST = re.compile(r'^(\s*)#\s*Subtest:\s*(\S+)')
DIAG = re.compile(r'^\s*#\s?(.*)$')
DIAG_LINES = 20

# Kernel messages that mean the kernel itself went wrong.
SPLATS = [re.compile(p) for p in (
    r'WARNING: CPU: \d+ PID',
    r'------------\[ cut here \]------------',
    r'\bBUG: ',
    r'\bKASAN\b',
    r'UBSAN: ',
    r'WARNING: .*(locking|lock|RCU|recursive)',
    r'possible circular locking dependency',
    r'inconsistent lock state',
    r'suspicious RCU usage',
    r'unreferenced object 0x',
    r'Kernel panic',
    r'\bOops\b',
    r'general protection fault',
    r'INFO: task .* blocked for more than',
    r'rcu: INFO: .*stall',
    r'refcount_t: ',
    r'list_(add|del) corruption',
)]


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []
        self.notes = []

    def fail(self, what, why, log, diag=()):
        self.failed += 1
        self.failures.append(f'FAIL {what}: {why} (log: {log})')
        # What the test said just before it failed: CI keeps only this
        # output, not the logs, so a failure must explain itself here.
        self.failures.extend(f'  | {d}' for d in list(diag)[-DIAG_LINES:])


def strip_ts(line):
    return re.sub(r'^\[\s*\d+\.\d+\]\s?', '', line)


def judge_tap(lines, where, log, tally):
    """Count leaf results; check every plan was fulfilled."""
    prev_indent = None
    fails_below = {}     # indent -> failures seen at that depth since its parent
    plans = {}           # indent -> [expected, seen, name]
    subtest_name = {}
    results_at = {}      # indent -> results since the last plan or parent there
    leaves = 0
    diag = []            # diagnostic lines since the last result
    trailer = 0          # lines after a failed result still to show with it
    for raw in lines:
        line = strip_ts(raw.rstrip('\n'))
        m = SUBTEST.match(line)
        if m:
            subtest_name[len(m.group(1))] = m.group(2)
            continue
        m = DIAG.match(line)
        if m:
            diag.append(m.group(1))
            if trailer > 0:
                tally.failures.append(f'  | {m.group(1)}')
                trailer -= 1
            continue
        m = PLAN.match(line)
        if m:
            ind, want = len(m.group(1)), int(m.group(2))
            pname = subtest_name.get(ind, 'plan')
            if ind not in plans and results_at.get(ind, 0) > 0:
                # A trailing plan (TAP allows it): check what came before.
                if results_at[ind] < want:
                    tally.fail(f'{where}/{pname}',
                               f'plan promised {want} results, got {results_at[ind]}', log)
            else:
                plans[ind] = [want, 0, pname]
            results_at[ind] = 0
            continue
        m = RESULT.match(line)
        if not m:
            continue
        said, diag, trailer = diag, [], 0
        ind, ok, desc = len(m.group(1)), m.group(2) == 'ok', m.group(4)
        if ind in plans:
            plans[ind][1] += 1
        results_at[ind] = results_at.get(ind, 0) + 1
        name = DIRECTIVE.split(desc)[0].strip() or f'#{m.group(3)}'
        directive = DIRECTIVE.search(desc)
        if prev_indent is not None and prev_indent > ind:
            # A parent's summary line: its children were counted already.
            deeper = [i for i in list(fails_below) if i > ind]
            child_failed = any(fails_below.pop(i) for i in deeper)
            for i in [i for i in list(results_at) if i > ind]:
                results_at.pop(i)
            for i in [i for i in list(plans) if i > ind]:
                exp, seen, pname = plans.pop(i)
                if seen < exp:
                    tally.fail(f'{where}/{pname}',
                               f'plan promised {exp} results, got {seen}', log)
            if not ok and not child_failed:
                tally.fail(f'{where}/{name}', 'failed (no failing subtest)', log)
            prev_indent = ind
            continue
        prev_indent = ind
        leaves += 1
        if directive and directive.group(1).upper() == 'SKIP':
            tally.skipped += 1
        elif ok or (directive and directive.group(1).upper() in ('TODO', 'XFAIL')):
            tally.passed += 1
        else:
            tally.fail(f'{where}/{name}', 'not ok', log, said)
            trailer = DIAG_LINES
            fails_below[ind] = fails_below.get(ind, 0) + 1
    for exp, seen, pname in plans.values():
        if seen < exp:
            tally.fail(f'{where}/{pname}', f'plan promised {exp} results, got {seen}', log)
    return leaves


def read(path):
    try:
        with open(path, errors='replace') as f:
            return f.read().splitlines()
    except OSError:
        return None


def judge_host(name, path, tally):
    lines = read(path)
    if lines is None:
        tally.fail(name, 'no result file', path)
        return
    before = tally.failed
    leaves = judge_tap(lines, name, path, tally)
    rc = read(path.rsplit('.', 1)[0] + '.rc') if path.endswith('.tap') else None
    status = int(rc[0]) if rc and rc[0].strip().isdigit() else 0
    if leaves == 0:
        tally.fail(name, 'reported no results', path)
    elif status not in (0, 4) and tally.failed == before:
        tally.fail(name, f'exited {status} without a failing test', path)


KCSAN_HEAD = re.compile(r'BUG: KCSAN: (.*\S)')
KCSAN_RULE = re.compile(r'^=+$')


def kcsan_reports(console):
    """The KCSAN reports of a console log: (header, lines), and the other lines."""
    reports, rest, cur = [], [], None
    for line in console:
        text = strip_ts(line).strip()
        m = KCSAN_HEAD.search(text)
        if m:
            cur = (m.group(1), [])
            reports.append(cur)
            continue
        if cur is not None:
            if KCSAN_RULE.match(text):
                cur = None
            else:
                cur[1].append(text)
            continue
        rest.append(line)
    return reports, rest


def read_benign(path):
    """'data-race in A / B: why' lines: the headers, each with its reason."""
    benign = {}
    for line in read(path) or []:
        line = line.strip()
        if line and not line.startswith('#'):
            head, _, why = line.partition(': ')
            benign[head.strip()] = why.strip()
    return benign


def judge_kcsan(name, console, benign_path, console_path, tally):
    if not any('kcsan: enabled' in line for line in console):
        tally.fail(name, 'KCSAN was not enabled in the guest', console_path)
    reports, rest = kcsan_reports(console)
    benign = read_benign(benign_path)
    seen = set()
    for head, lines in reports:
        if head in seen:
            continue
        seen.add(head)
        if not any('[dwcp_res' in x for x in [head] + lines):
            tally.notes.append(f'NOTE {name}: the kernel\'s own data race, no dwcp_res '
                               f'frame: {head}')
        elif head in benign:
            tally.notes.append(f'NOTE {name}: benign, listed: {head} ({benign[head]})')
        else:
            tally.fail(name, f'KCSAN: {head}', console_path)
    return rest


def judge_vm(name, prefix, jobs, suites, tally, kcsan=None):
    results_path, console_path = prefix + '.results', prefix + '.console'
    results = read(results_path) or []
    console = read(console_path) or []
    if kcsan is not None:
        console = judge_kcsan(name, console, kcsan, console_path, tally)

    sections, current = {}, None
    ends = {}
    for line in results:
        line = line.replace('\r', '')
        m = re.match(r'# dwcp-job-begin (\S+)', line)
        if m:
            current = m.group(1)
            sections[current] = []
            continue
        m = re.match(r'# dwcp-job-end (\S+) rc=(\d+)', line)
        if m:
            ends[m.group(1)] = int(m.group(2))
            current = None
            continue
        if current:
            sections[current].append(line)

    if any(line.startswith('# dwcp-vm-timeout') for line in results):
        tally.fail(f'{name}', 'guest hung and was killed at the timeout', console_path)
    elif not any(line.startswith('# dwcp-vm-end') for line in results):
        tally.fail(f'{name}', 'guest did not finish (crash or early exit)', console_path)

    for job in jobs:
        where = f'{name}/{job}'
        if job not in sections:
            tally.fail(where, 'job never started', console_path)
            continue
        before = tally.failed
        leaves = judge_tap(sections[job], where, results_path, tally)
        if job not in ends:
            tally.fail(where, 'no end marker: the job hung or the guest died', console_path)
        elif leaves == 0:
            tally.fail(where, f'reported no results (rc={ends[job]})', results_path)
        elif ends[job] not in (0, 4) and tally.failed == before:
            tally.fail(where, f'exited {ends[job]} without a failing test', results_path)
        if job == 'kunit':
            text = '\n'.join(strip_ts(x) for x in sections[job])
            for s in suites:
                if not re.search(r'#\s*Subtest:\s*' + re.escape(s) + r'\s*$', text, re.M):
                    tally.fail(f'{where}/{s}', 'suite did not run', results_path)

    seen = set()
    for line in console:
        for rx in SPLATS:
            if rx.search(line):
                key = strip_ts(line).strip()
                if key not in seen:
                    seen.add(key)
                    tally.fail(f'{name}', f'kernel splat: {key[:120]}', console_path)
                break


def pairs(values):
    out = {}
    for v in values or []:
        k, _, rest = v.partition('=')
        out[k] = rest
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tap', action='append')
    ap.add_argument('--vm', action='append')
    ap.add_argument('--jobs', action='append')
    ap.add_argument('--suites', action='append')
    ap.add_argument('--kcsan', action='append')
    ap.add_argument('--kernel', action='append')
    args = ap.parse_args()

    tally = Tally()
    # One line per source of results, naming its kernel, before the total.
    per_source = []

    def counted(label, since):
        now = (tally.passed, tally.failed, tally.skipped)
        p, f, k = (a - b for a, b in zip(now, since))
        line = f'  {label}: {p} passed, {f} failed'
        per_source.append(line + (f', {k} skipped' if k else ''))

    since = (tally.passed, tally.failed, tally.skipped)
    for name, path in pairs(args.tap).items():
        judge_host(name, path, tally)
    if args.tap:
        counted('host (no kernel)', since)
    jobs, suites, kcsan = pairs(args.jobs), pairs(args.suites), pairs(args.kcsan)
    kernels = pairs(args.kernel)
    for name, prefix in pairs(args.vm).items():
        since = (tally.passed, tally.failed, tally.skipped)
        job_names = []
        for line in read(jobs.get(name, '')) or []:
            parts = line.split()
            if parts and not parts[0].startswith('#'):
                job_names.append(parts[0])
        suite_names = [s for s in suites.get(name, '').split(',') if s]
        judge_vm(name, prefix, job_names, suite_names, tally, kcsan.get(name))
        counted(f"{name} ({kernels.get(name, 'kernel not named')})", since)

    for n in tally.notes:
        print(n)
    for f in tally.failures:
        print(f)
    for line in per_source:
        print(line)
    summary = f'{tally.passed} passed, {tally.failed} failed'
    if tally.skipped:
        summary += f', {tally.skipped} skipped'
    print(summary)
    return 1 if tally.failed else 0


if __name__ == '__main__':
    sys.exit(main())
