"""Explain a plan: its objective term by term, the few cheapest single changes that would let
each job left out in (each made, tried and validated), the next-best engineer for each job
planned, and (:mod:`dispatchopt.live.diff`) what changed between two plans."""

from dispatchopt.explain.alternative import Alternative, alternatives, apply_alternative
from dispatchopt.explain.counterfactuals import apply_counterfactual, counterfactuals
from dispatchopt.explain.explanation import BUDGET_S, Explanation, explain

__all__ = [
    "BUDGET_S",
    "Alternative",
    "Explanation",
    "alternatives",
    "apply_alternative",
    "apply_counterfactual",
    "counterfactuals",
    "explain",
]
