"""What every view of the service is: a frozen Pydantic model whose JSON form is the contract.

A view's fields, in their order, are the keys of its JSON (REST answers and the CLI's ``--json``,
docs/architecture.md §7): ``view.model_dump(mode="json")``. Fields marked ``exclude=True`` stay in Python only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema


class View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Pydantic's own JSON form writes UTC as "Z"; the contract is Python's isoformat ("+00:00").
Timestamp = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
