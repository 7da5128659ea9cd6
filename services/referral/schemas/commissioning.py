"""The commissioning report's query and response."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class CommissioningQueryArgsSchema(Schema):
    """The day the figures are taken on (default today), and the file format."""

    on = fields.Date()
    format = fields.Str(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))


class FundedSchema(Schema):
    provider_id = fields.Str()
    provider_name = fields.Str(allow_none=True)
    service_type = fields.Str()
    funded_places = fields.Int()
    places_used = fields.Int()
    children_served = fields.Int()
    use_rate = fields.Float(allow_none=True)
    monthly_cost = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})
    cost_per_child_month = fields.Decimal(
        as_string=True, allow_none=True, metadata={"type": "string", "format": "decimal"}
    )


class TotalsSchema(Schema):
    funded_places = fields.Int()
    places_used = fields.Int()
    children_served = fields.Int()
    monthly_cost = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})
    cost_per_child_month = fields.Decimal(
        as_string=True, allow_none=True, metadata={"type": "string", "format": "decimal"}
    )


class GapSchema(Schema):
    district_code = fields.Str()
    district_name = fields.Str()
    region_code = fields.Str(allow_none=True)
    service_type = fields.Str()
    waiting = fields.Int()
    no_eligible_provider = fields.Int()
    unmet = fields.Int()


class WhereSchema(Schema):
    region_code = fields.Str(allow_none=True)
    service_type = fields.Str()
    children_reached = fields.Int()
    locate_in = fields.Str()
    districts = fields.List(fields.Str())


class CommissioningSchema(Schema):
    """Funded against used places, cost per child, unmet demand and where to contract next."""

    on = fields.Date()
    currency = fields.Str()
    funded = fields.List(fields.Nested(FundedSchema))
    totals = fields.Nested(TotalsSchema)
    unmet_demand = fields.List(fields.Nested(GapSchema))
    where_to_contract = fields.List(fields.Nested(WhereSchema))


class ProviderOutcomesSchema(Schema):
    service_type = fields.Str()
    provider_id = fields.Str()
    provider_name = fields.Str()
    completed = fields.Int()
    outcomes = fields.Dict(keys=fields.Str(), values=fields.Int())


class OutcomesSchema(Schema):
    """Completed services per coded outcome, by service type and by provider."""

    by_service_type = fields.Dict(
        keys=fields.Str(), values=fields.Dict(keys=fields.Str(), values=fields.Int())
    )
    by_provider = fields.List(fields.Nested(ProviderOutcomesSchema))
