#!/usr/bin/env python3
"""Tables of the active-learning experiments from the runs' own summary.json / steps.json.

Reads what `bin/mcposterior learn` wrote (one run per curve, named <experiment>-<arm>-s<seed>) and
prints Markdown: mean and sample sd over seeds. Nothing here changes a number; it only groups them.
Usage: tables.py <folder holding the runs>
"""
import json
import math
import os
import re
import sys


def mean_sd(xs):
    n = len(xs)
    if n == 0:
        return float('nan'), float('nan')
    m = sum(xs) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1)) if n > 1 else 0.0
    return m, sd


def runs(root, pattern):
    out = {}
    for name in sorted(os.listdir(root)):
        m = re.fullmatch(pattern, name)
        if not m or not os.path.isfile(os.path.join(root, name, 'steps.json')):
            continue
        steps = json.load(open(os.path.join(root, name, 'steps.json')))
        if isinstance(steps, dict):  # format_version 1 and later: the steps under "steps"
            steps = steps['steps']
        summary = json.load(open(os.path.join(root, name, 'summary.json')))
        out.setdefault(m.group(1), []).append((int(m.group(2)), steps, summary))
    return out


def fmt(m, sd, d=3):
    return f"{m:.{d}f} ± {sd:.{d}f}"


def reach(labels, curve, target):
    for n, a in zip(labels, curve):
        if a >= target - 1e-12:
            return n
    return None


def experiment2(root):
    arms = runs(root, r'e2-(dropout-T\d+|dc[0-9.]+-T\d+)-s(\d+)')
    if not arms:
        return
    print('| posterior | weight drop | T | seeds | test accuracy at 220 | mean accuracy over the 11 budgets | MC-mean accuracy at 220 | MC NLL at 220 | minutes per curve |')
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')

    def key(a):
        kind, t = a.split('-T')
        return (0 if kind == 'dropout' else 1, kind, int(t))
    for arm in sorted(arms, key=key):
        rs = arms[arm]
        kind, t = arm.split('-T')
        final = [r[1][-1]['test_accuracy'] for r in rs]
        area = [sum(s['test_accuracy'] for s in r[1]) / len(r[1]) for r in rs]
        mc = [r[1][-1]['mc_accuracy'] for r in rs]
        nll = [r[1][-1]['mc_nll'] for r in rs]
        mins = [r[2]['total_seconds'] / 60 for r in rs]
        p = '-' if kind == 'dropout' else kind[2:]
        name = 'MC dropout 0.5' if kind == 'dropout' else 'MC DropConnect'
        print(f"| {name} | {p} | {t} | {len(rs)} ({','.join(str(r[0]) for r in sorted(rs))}) | {fmt(*mean_sd(final))} | "
              f"{fmt(*mean_sd(area))} | {fmt(*mean_sd(mc))} | {fmt(*mean_sd(nll), 2)} | {min(mins):.1f}-{max(mins):.1f} |")
    print()


def experiment1_long(root):
    hs = runs(root, r'long-([a-z_]+)-s(\d+)')
    if not hs:
        return
    order = [h for h in ['random', 'bald', 'entropy', 'batch_bald', 'power_bald'] if h in hs]
    labels = [s['labels'] for s in hs[order[0]][0][1]]
    curves = {}
    for h in order:
        n = min(len(r[1]) for r in hs[h])
        curves[h] = [mean_sd([r[1][i]['test_accuracy'] for r in hs[h]]) for i in range(n)]
    final = labels[-1]
    rand = curves.get('random')
    target = rand[-1][0] if rand and len(rand) == len(labels) else None
    print(f"| heuristic | seeds | test accuracy at {final} | labels to reach Random@{final} | MC accuracy at {final} | NLL det / MC | ECE det / MC | labelled-set accuracy | minutes per curve |")
    print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for h in order:
        rs = hs[h]
        done = [r for r in rs if len(r[1]) == len(labels)]
        last = lambda f: mean_sd([r[1][-1][f] for r in done])
        mins = [r[2]['total_seconds'] / 60 for r in rs]
        need = reach(labels, [m for m, _ in curves[h]], target) if target is not None else None
        print(f"| {h} | {len(done)} | {fmt(*last('test_accuracy'))} | {need if need else 'not within ' + str(final)} | "
              f"{fmt(*last('mc_accuracy'))} | {fmt(*last('test_nll'), 2)} / {fmt(*last('mc_nll'), 2)} | "
              f"{fmt(*last('test_ece'))} / {fmt(*last('mc_ece'))} | {fmt(*last('labelled_accuracy'))} | {min(mins):.0f}-{max(mins):.0f} |")
    print()
    print('| labels | ' + ' | '.join(str(n) for n in labels) + ' |')
    print('| --- | ' + ' | '.join('---:' for _ in labels) + ' |')
    for h in order:
        print(f"| {h} | " + ' | '.join(f"{m:.3f}" for m, _ in curves[h]) + ' |')
    print()
    for h in order:
        cls = [0] * 10
        shares = []
        for r in hs[h]:
            for s in r[1]:
                pc = s.get('picked_classes') or []  # counts per class of this query's picks
                for c, k in enumerate(pc):
                    cls[c] += k
                if sum(pc):
                    shares.append(max(pc) / sum(pc))
        if shares:
            print(f"    {h} picked classes {cls}, largest class share per query mean {sum(shares) / len(shares):.2f} max {max(shares):.2f}")
    print()


if __name__ == '__main__':
    root = sys.argv[1] if len(sys.argv) > 1 else '.'
    experiment2(root)
    experiment1_long(root)
