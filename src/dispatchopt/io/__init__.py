"""Reading problems (dispatchopt JSON, Solomon, VRPLIB, TRSP), writing plans and engineers'
schedules."""

from dispatchopt.io.json_files import read_plan, read_problem_json, write_plan
from dispatchopt.io.load import FORMATS, InputFormat, detect_format, load_problem
from dispatchopt.io.schedules import write_schedules
from dispatchopt.io.trsp import read_trsp
from dispatchopt.io.vrptw import BENCHMARK_EPOCH, read_solomon, read_vrplib

__all__ = [
    "BENCHMARK_EPOCH",
    "FORMATS",
    "InputFormat",
    "detect_format",
    "load_problem",
    "read_plan",
    "read_problem_json",
    "read_solomon",
    "read_trsp",
    "read_vrplib",
    "write_plan",
    "write_schedules",
]
