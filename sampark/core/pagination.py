"""The paging bounds every list endpoint shares (issue #12: a huge `limit` or `offset` reached
the database as a slice it cannot hold and answered 500). Out of bounds answers 422."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import Field

MAX_LIMIT = 500
MAX_OFFSET = 10**7
# A list a page shows in full (a directive's recipients): longer pages, same kind of bound.
MAX_LONG_LIMIT = 5000

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
LongLimit = Annotated[int, Field(ge=1, le=MAX_LONG_LIMIT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]


class Pagination(LimitOffsetPagination):
    """Ninja's limit/offset pagination within the shared bounds (its own has no upper bound)."""

    class Input(Schema):
        limit: Limit = 100
        offset: Offset = 0
