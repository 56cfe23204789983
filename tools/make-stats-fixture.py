#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/stats-fixture.json: what SciPy says engine/fl-stats.c
must compute, so that tests/test-stats.c checks it without SciPy.

  /usr/bin/python3 tools/make-stats-fixture.py [--out tests/data/stats-fixture.json]

Needs python3-scipy (Debian; hence /usr/bin/python3), for this script only. It records

  - the regularized incomplete beta I_x(a, b) (scipy.special.betainc);
  - the Student t CDF and survival function (scipy.stats.t.cdf / .sf) over
    t from -30 to 30 and df from 1 to 100;
  - for hand-chosen vectors of per-fold differences d (k folds, r repeats):
    the corrected resampled t-test (Nadeau & Bengio 2003; Bouckaert & Frank
    2004): t = mean(d) / sqrt((1/n + 1/(k-1)) var(d)), df = n - 1,
    p = 2 sf(|t|); and the Bayesian correlated t-test (Benavoli et al. 2017,
    as in baycomp): a Student t posterior of df n - 1, location mean(d),
    scale sqrt((1/n + rho/(1-rho)) var(d)) with rho = 1/k, and its mass
    left of -rope, inside [-rope, rope] and right of rope.

Where every difference is the same (var(d) = 0), SciPy has no answer (it
divides by zero); the fixture holds the engine's documented convention
instead: p = 0 if mean(d) != 0 else 1, and a posterior that is a point.
"""
import argparse
import json
import math
import os

from scipy import special, stats

ROPE = 0.01

# (name, folds, repeats, differences): accuracy of route a minus route b
VECTORS = [
    ("clear winner", 5, 1, [0.031, 0.052, 0.018, 0.044, 0.035]),
    ("tie", 5, 1, [0.012, -0.021, 0.015, -0.006, 0.0]),
    ("second better", 5, 1, [-0.08, -0.05, -0.11, -0.02, -0.07]),
    ("inside the rope", 5, 2, [0.002, -0.003, 0.001, 0.004, -0.001,
                               0.0, 0.003, -0.002, 0.001, 0.002]),
    ("two folds (df 1)", 2, 1, [0.1, 0.02]),
    ("five folds (df 4)", 5, 1, [0.25, -0.1, 0.3, 0.05, 0.12]),
    ("ten folds, five repeats (df 49)", 10, 5,
     [round(0.02 + 0.03 * math.sin(1.7 * i) + 0.01 * math.cos(0.3 * i * i), 6)
      for i in range(50)]),
    ("three folds, huge margin", 3, 1, [0.5, 0.5001, 0.4999]),
    ("all equal", 5, 1, [0.03] * 5),
    ("all zero", 5, 1, [0.0] * 5),
]

BETA = [(0.5, 0.5, 0.3), (2.0, 3.0, 0.4), (0.5, 24.5, 0.01), (24.5, 0.5, 0.999),
        (50.0, 0.5, 0.5), (1.0, 1.0, 0.25), (10.0, 10.0, 0.5), (3.5, 0.5, 0.001)]

T_VALUES = [-30.0, -12.0, -5.0, -2.5, -1.0, -0.1, 0.0, 0.3, 1.0, 2.0, 4.0, 8.0, 17.0, 30.0]
DF_VALUES = [1, 2, 4, 9, 24, 49, 100]


def mean_var(d):
    n = len(d)
    m = sum(d) / n
    return m, sum((x - m) ** 2 for x in d) / (n - 1)


def vector_case(name, k, r, d):
    n = len(d)
    m, var = mean_var(d)
    case = {"name": name, "folds": k, "repeats": r, "rope": ROPE, "d": d,
            "mean": m, "sd": math.sqrt(var), "df": n - 1}
    scale = math.sqrt((1 / n + (1 / k) / (1 - 1 / k)) * var)
    if math.sqrt(var) <= 1e-12:
        case.update(t=None, p=0.0 if m != 0 else 1.0,
                    left=float(m < -ROPE), right=float(m > ROPE),
                    rope_p=float(-ROPE <= m <= ROPE), scale=scale)
        return case
    t = m / math.sqrt((1 / n + 1 / (k - 1)) * var)
    post = stats.t(n - 1, loc=m, scale=scale)
    left, right = float(post.cdf(-ROPE)), float(post.sf(ROPE))
    case.update(t=t, p=float(2 * stats.t.sf(abs(t), n - 1)), scale=scale,
                left=left, right=right, rope_p=float(post.cdf(ROPE) - post.cdf(-ROPE)))
    return case


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(root, "tests", "data", "stats-fixture.json"))
    args = ap.parse_args()
    fixture = {
        "scipy": __import__("scipy").__version__,
        "beta_inc": [{"a": a, "b": b, "x": x, "value": float(special.betainc(a, b, x))}
                     for a, b, x in BETA],
        "t": [{"t": t, "df": df, "cdf": float(stats.t.cdf(t, df)), "sf": float(stats.t.sf(t, df))}
              for df in DF_VALUES for t in T_VALUES],
        "tests": [vector_case(*v) for v in VECTORS],
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out}: {len(fixture['t'])} t values, {len(fixture['tests'])} difference vectors")


if __name__ == "__main__":
    main()
