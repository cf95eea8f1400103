"""The limits every number and id of the input model must keep, in one place.

Non-finite numbers (``NaN``, ``Infinity``) are refused everywhere (``allow_inf_nan=False`` on
every model). Beyond that, each kind of number has an upper bound far above any real dispatch
day but far below what breaks the arithmetic (seconds in 64-bit integers, costs summed over
thousands of jobs): a typo such as ``1e308`` minutes or a stock of ``2**63`` is refused with
the field and the value named, instead of overflowing inside the engine or the database.

=====================  ===============  ================================================
kind                   bound            used for
=====================  ===============  ================================================
id                     200 characters   ids and SKUs (the store's column width); no NUL,
                                        no control characters, no lone surrogates
minutes                10 080 (7 days)  job and break durations, overtime, pickups, ...
quantity               1 000 000        stock, parts needed, capacity, demand
amount                 1e9              costs, penalties, rates per hour or km
skill level            1 000            an engineer's or a job's skill level
=====================  ===============  ================================================
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

MAX_ID_LENGTH = 200
"""Characters in an id or SKU (the width of the store's key columns, on every backend)."""
MAX_MINUTES = 10_080.0
"""Minutes in any one duration: a week."""
MAX_QUANTITY = 1_000_000
"""Units of a part on a shelf or needed by a job; also capacity and demand."""
MAX_AMOUNT = 1e9
"""Any cost, penalty or rate, in the objective's unit."""
MAX_LEVEL = 1_000
"""A skill level."""
MAX_JOB_ENGINEER_PAIRS = 100_000_000
"""The largest day: jobs x engineers (50 000 jobs for 2 000 engineers). A larger day is refused
up front instead of failing with ``MemoryError`` half-way through; split it by region. The
bound sits far above the days we measure (5 000 jobs for 500 engineers, 2.5 million pairs,
planned whole in 0.7 GB; a national 20 000 for 2 000, 40 million, by regions in 0.6 GB a
worker): an earlier bound of 2 million refused both."""


def check_text(value: str) -> str:
    """Refuse text no database can store the same way: NUL and lone surrogates (PostgreSQL
    rejects them, SQLite keeps them, so the backends would disagree)."""
    for i, char in enumerate(value):
        if char == "\x00":
            raise ValueError(f"contains a NUL character at position {i}")
        if "\ud800" <= char <= "\udfff":
            raise ValueError(f"contains a lone surrogate (\\u{ord(char):04x}) at position {i}")
    return value


def _check_id(value: str) -> str:
    check_text(value)
    for i, char in enumerate(value):
        if unicodedata.category(char) == "Cc":
            raise ValueError(f"contains a control character ({char!r}) at position {i}")
    return value


Id = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH), AfterValidator(_check_id)
]
"""An id or SKU: 1 to 200 characters, no control characters."""
Text = Annotated[str, AfterValidator(check_text)]
"""Free text (a customer's name, a note): anything but NUL and lone surrogates."""
Minutes = Annotated[float, Field(ge=0, le=MAX_MINUTES)]
Quantity = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
Shelf = Annotated[int, Field(le=MAX_QUANTITY)]
"""Units on a shelf: bounded above here; a negative count is reported by the model that holds
the shelf, naming the holder."""
Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
Level = Annotated[int, Field(ge=0, le=MAX_LEVEL)]
