"""Solvers: the OR-Tools engine, the greedy baseline, and the independent validator."""
