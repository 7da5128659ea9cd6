"""Reference data anyone signed in may read: the districts of Tajikistan (contract §7)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from shared.auth import current_principal
from shared.districts import DISTRICTS
from shared.pagination import page_of
from shared.web import Blueprint

blp = Blueprint("districts", __name__, url_prefix="/districts", description="Districts")

# Big enough that the default page is the whole list: a form fills its drop-down in one call.
DISTRICTS_PAGE_SIZE = 100


class DistrictSchema(Schema):
    code = fields.String(metadata={"description": "this platform's stable ASCII code"})
    region_code = fields.String(metadata={"description": "ISO 3166-2:TJ, e.g. TJ-KT"})
    name_tg = fields.String()
    name_ru = fields.String()
    name_en = fields.String()


class DistrictQueryArgsSchema(Schema):
    region_code = fields.String(
        validate=validate.OneOf(sorted({d.region_code for d in DISTRICTS.values()}))
    )
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Int(
        load_default=DISTRICTS_PAGE_SIZE, validate=validate.Range(min=1, max=DISTRICTS_PAGE_SIZE)
    )


@blp.route("")
class Districts(MethodView):
    @blp.arguments(DistrictQueryArgsSchema, location="query")
    @blp.response(200, page_of(DistrictSchema))
    def get(self, args: dict[str, Any]):
        """List the districts, cities and Dushanbe city districts with their names (any user)."""
        current_principal()
        rows = [d for d in DISTRICTS.values() if args.get("region_code") in (None, d.region_code)]
        start = (args["page"] - 1) * args["page_size"]
        return {
            "items": [_view(d) for d in rows[start : start + args["page_size"]]],
            "total": len(rows),
            "page": args["page"],
            "page_size": args["page_size"],
        }


def _view(district: Any) -> dict[str, str]:
    return {
        "code": district.code,
        "region_code": district.region_code,
        "name_tg": district.name_tg,
        "name_ru": district.name_ru,
        "name_en": district.name_en,
    }
