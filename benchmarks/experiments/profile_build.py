"""Times read, compile, model build and first solutions of one VRPLIB instance (issue 8 profile).

PYTHONPATH=src python benchmarks/experiments/profile_build.py INSTANCE.vrp SAVINGS PATH_CHEAPEST_ARC
"""

import cProfile
import pstats
import time

from dispatchopt.scenarios import generate_day
from dispatchopt.solvers.compiled import compile_problem

p = generate_day(2000, 200, seed=0)
t = time.time()
cp = compile_problem(p)
print("compile", time.time() - t)
cProfile.run("compile_problem(p)", "/tmp/prof.out")
pstats.Stats("/tmp/prof.out").sort_stats("cumulative").print_stats(15)
