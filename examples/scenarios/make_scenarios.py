"""Regenerates the named scenario files here: python examples/scenarios/make_scenarios.py"""

from pathlib import Path

from dispatchopt.scenarios import write_named

if __name__ == "__main__":
    for path in write_named(Path(__file__).parent):
        print(path)
