"""Paginated lists (contract §5): {"items", "total", "page", "page_size"}, bounded sizes."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

MAX_PAGE_SIZE = 100


class PageArgsSchema(Schema):
    """page and page_size query parameters; subclass to add filters."""

    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Int(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


def page_of(item_schema: type[Schema] | Schema, name: str | None = None) -> type[Schema]:
    """A response schema for one page of items."""
    base = getattr(item_schema, "__name__", type(item_schema).__name__).removesuffix("Schema")
    schema_name = name or f"{base}PageSchema"
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "total": fields.Int(required=True),
            "page": fields.Int(required=True),
            "page_size": fields.Int(required=True),
        },
        name=schema_name,
    )


def paginate(session: Session, query: Select, page: int, page_size: int) -> dict[str, Any]:
    """Run a query for one page (the query must have a stable ORDER BY) and count the total.

    A page that is not full and not empty is the last one: the total is known without counting
    (a filtered list, such as one child's assessments, is mostly one short first page).
    """
    offset = (page - 1) * page_size
    rows = session.execute(query.limit(page_size).offset(offset)).scalars().all()
    if 0 < len(rows) < page_size or (page == 1 and not rows):
        total = offset + len(rows)
    else:
        total = session.execute(
            select(func.count()).select_from(query.order_by(None).subquery())
        ).scalar_one()
    return {"items": rows, "total": total, "page": page, "page_size": page_size}
