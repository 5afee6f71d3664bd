"""The OpenAPI 3.1 document of the JSON API and feeds, built from the code it describes."""

from __future__ import annotations

from functools import cache
from typing import Any

from search.document import Document
from search.params import RequestModel
from search.query import SearchQuery

from .requests import FirmMatchQuery, MatchQuery, OpportunityQuery, TrendsQuery

REF = "#/components/schemas/{model}"


def parameters(model: type[RequestModel]) -> list[dict]:
    """One query parameter per field of a request model, typed and bounded as its validation is."""
    schema = model.model_json_schema(ref_template=REF)
    found = []
    for name in model.parameters():
        prop = {k: v for k, v in schema["properties"][name].items() if k != "title" and v is not None}
        # A query parameter is absent rather than null: keep the one non-null alternative.
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        prop.update(options[0] if len(options) == 1 else {"anyOf": options} if options else {})
        parameter = {"name": name, "in": "query", "required": False, "schema": prop}
        if prop.get("type") == "array":
            parameter.update(style="form", explode=True)
        found.append(parameter)
    return found


def _definitions(*models: type[RequestModel]) -> dict[str, Any]:
    """The schemas request models refer to (enumerations such as Kind)."""
    return {name: schema for model in models
            for name, schema in model.model_json_schema(ref_template=REF).get("$defs", {}).items()}


def _path_parameter(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    reasons = {400: "A bad parameter", 404: "Not found", 501: "Not supported by this backend",
               503: "The search backend is unavailable"}
    return {str(s): _json({"$ref": REF.format(model="Error")}, reasons[s]) for s in statuses}


def _get(summary: str, parameters: list[dict], ok: dict, *errors: int) -> dict:
    responses = {"200": ok, **_errors(*errors)}
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def matches(label: str) -> dict:
    """{"items": [{id, title or name, score, reasons}]}: what /api/firms/{id}/matches and
    /api/items/{id}/firms answer."""
    match = {"type": "object", "required": ["id", label, "score", "reasons"], "additionalProperties": False,
             "properties": {"id": {"type": "string"}, label: {"type": "string"},
                            "score": {"type": "number", "minimum": 0, "maximum": 1},
                            "reasons": {"type": "array", "items": {"type": "string"}}}}
    return {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": match}}}


def teams() -> dict:
    """{"items": [{firms, covers, missing, score, reason}]}: what /api/items/{id}/partners answers."""
    firm = {"type": "object", "required": ["id", "name", "score", "topics"], "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                           "score": {"type": "number", "minimum": 0, "maximum": 1},
                           "topics": {"type": "array", "items": {"type": "string"}}}}
    slugs = {"type": "array", "items": {"type": "string"}}
    team = {"type": "object", "required": ["firms", "covers", "missing", "score", "reason"],
            "additionalProperties": False,
            "properties": {"firms": {"type": "array", "items": firm, "minItems": 2, "maxItems": 3},
                           "covers": slugs, "missing": slugs,
                           "score": {"type": "number", "minimum": 0, "maximum": 1},
                           "reason": {"type": "string"}}}
    return {"type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": team, "maxItems": 3}}}


def capabilities() -> dict:
    """What /api/capabilities answers: per topic, the firms, the calls and the awards' suppliers."""
    amounts = {"type": "array", "items": {"type": "object", "required": ["currency", "value"],
                                          "additionalProperties": False,
                                          "properties": {"currency": {"type": "string"},
                                                         "value": {"type": "number", "minimum": 0}}}}
    firm = {"type": "object", "required": ["id", "name", "public"], "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                           "public": {"type": "boolean"}}}
    supplier = {"type": "object", "required": ["name", "contracts", "amounts", "member", "lead"],
                "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "contracts": {"type": "integer", "minimum": 1},
                               "amounts": amounts, "member": {"type": "boolean"},
                               "lead": {"type": "boolean"}}}
    topic = {"type": "object", "additionalProperties": False,
             "required": ["topic", "label", "firms", "calls", "amounts", "gap", "suppliers"],
             "properties": {"topic": {"type": "string"}, "label": {"type": "string"},
                            "firms": {"type": "array", "items": firm},
                            "calls": {"type": "integer", "minimum": 0},
                            "amounts": amounts, "gap": {"type": "boolean"},
                            "suppliers": {"type": "array", "items": supplier}}}
    return {"type": "object", "required": ["since", "until", "weeks", "topics", "gaps"],
            "additionalProperties": False,
            "properties": {"since": {"type": "string", "format": "date"},
                           "until": {"type": "string", "format": "date"}, "weeks": {"type": "integer"},
                           "topics": {"type": "array", "items": topic},
                           "gaps": {"type": "array", "items": {"type": "string"}}}}


def _media(kind: str, description: str) -> dict:
    return {"description": description, "content": {kind: {"schema": {"type": "string"}}}}


@cache
def openapi_document() -> dict[str, Any]:
    schemas = _schemas()
    slug = _path_parameter("slug")
    search_parameters = parameters(SearchQuery)
    search_page = {"type": "object", "required": ["total", "items", "facets"], "properties": {
        "total": {"type": "integer"},
        "items": {"type": "array", "items": {"$ref": REF.format(model="Hit")}},
        "hidden_copies": {"type": "integer", "description": "copies matched, listed under their original"},
        "facets": {"type": "object", "additionalProperties": {"type": "object",
                                                              "additionalProperties": {"type": "integer"}}}}}
    paths = {
        "/api/search": _get("Search documents", search_parameters, _json(search_page, "One page of hits"),
                            400, 503),
        "/api/items/{id}": _get("One document and the documents most similar to it",
                                [_path_parameter("id")],
                                _json(schemas["ItemWithSimilar"], "The document"), 404),
        "/api/trends": _get("Weekly counts per topic, their trend statistics, and the emerging terms",
                            parameters(TrendsQuery),
                            _json(schemas["Trends"], "Weekly counts"), 400, 501),
        "/api/firms/{id}/matches": _get(
            "A firm's open funding calls and tenders, best first, with the reasons (a private "
            "profile only with the admin session or the firm's own link's token)",
            [_path_parameter("id"), *parameters(FirmMatchQuery)],
            _json(matches("title"), "The matches"), 400, 404),
        "/api/items/{id}/firms": _get(
            "The firms whose profiles fit an open funding call or tender, best first, with the "
            "reasons (public profiles only, unless with the admin session)",
            [_path_parameter("id"), *parameters(MatchQuery)],
            _json(matches("name"), "The matches"), 400, 404),
        "/api/items/{id}/partners": _get(
            "Up to three teams of two or three firms whose profiles together cover the topics of an "
            "open funding call or tender that no firm covers alone, with the reason (public profiles "
            "only, unless with the admin session)", [_path_parameter("id")],
            _json(teams(), "The teams, best first"), 404),
        "/api/capabilities": _get(
            "The cluster's capability map: per topic, the firms (public profiles only, unless with the "
            "admin session), the funding calls and tenders of the last 12 weeks and their amounts per "
            "currency, the gaps, and the awarded suppliers (outside ones where the cluster has firms are "
            "leads)", [], _json(capabilities(), "The map")),
        "/cluster.csv": _get("The capability map as CSV, one row per topic", [], _media("text/csv", "CSV")),
        "/api/topics": _get("The topic taxonomy", [], _json({"type": "array", "items": {"type": "object"}},
                                                             "Every topic")),
        "/healthz": _get("Liveness and document count", [], _json({"type": "object"}, "OK"), 503),
        "/search.atom": _get("The same search as an Atom feed", search_parameters,
                             _media("application/atom+xml", "Atom 1.0"), 400),
        "/search.ics": _get("Deadlines of the same search as iCalendar", search_parameters,
                            _media("text/calendar", "iCalendar"), 400),
        "/search.csv": _get("Every matching document as CSV", search_parameters,
                            _media("text/csv", "CSV"), 400),
        "/topics/{slug}/feed.atom": _get("A topic's Atom feed", [slug],
                                         _media("application/atom+xml", "Atom"), 404),
        "/opportunities.ics": _get("Open funding calls and tenders as calendar events",
                                   parameters(OpportunityQuery),
                                   _media("text/calendar", "iCalendar"), 400),
    }
    return {"openapi": "3.1.0",
            "info": {"title": "Observatorio TIC Zona Sur", "version": "1.0.0",
                     "description": "Funding calls, tenders and tech news for the ICT cluster of the "
                                    "Zona Sur of Costa Rica."},
            "paths": paths, "components": {"schemas": schemas}}


def _extended(schema: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {**schema, "properties": {**schema["properties"], **properties},
            "required": [*schema.get("required", ()), *properties]}


def _schemas() -> dict[str, Any]:
    document = Document.model_json_schema(ref_template=REF, mode="serialization")
    schemas = document.pop("$defs", {})
    document["properties"].pop("embedding", None)
    doc_ref = {"$ref": REF.format(model="Document")}
    series = {"type": "array", "items": {"type": "integer"}}
    change = {"type": "object", "properties": {
        "topic": {"type": "string"}, "recent": {"type": "integer"}, "previous": {"type": "integer"},
        "change": {"type": "integer"}, "percent": {"type": ["integer", "null"]}}}
    return {
        **schemas,
        **_definitions(SearchQuery, OpportunityQuery, TrendsQuery),
        "Document": document,
        # The Document's own keys are closed (additionalProperties false): the API's additions
        # extend its properties rather than combine schemas with allOf, which would forbid them.
        "Hit": _extended(document, score={"type": "number"},
                         highlights={"type": "object", "additionalProperties": {"type": "string"}},
                         copies={"type": "array", "description": "the same item published by other sources",
                                 "items": {"type": "object", "properties": {
                                     "id": {"type": "string"}, "source": {"type": "string"},
                                     "url": {"type": "string"}, "title": {"type": "string"}}}}),
        "ItemWithSimilar": _extended(document, similar={"type": "array", "items": doc_ref}),
        "Trends": {"type": "object", "properties": {
            "weeks": {"type": "array", "items": {"type": "string", "format": "date"}},
            "total": series,
            "topics": {"type": "array", "items": {"type": "object", "properties": {
                "slug": {"type": "string"}, "weekly": series,
                "count": {"type": ["integer", "null"], "description": "documents in the last 4 weeks"},
                "baseline_mean": {"type": ["number", "null"],
                                  "description": "the count the weeks before predict for 4 weeks"},
                "trend": {"type": ["string", "null"], "enum": ["rising", "steady", "falling", None]},
                "p_value": {"type": ["number", "null"],
                            "description": "conditional binomial test, Benjamini-Hochberg adjusted"}}}},
            "emerging_terms": {"type": "array", "items": {"type": "object", "properties": {
                "term": {"type": "string"}, "count": {"type": "integer"}, "baseline": {"type": "integer"},
                "score": {"type": "number", "description": "log-likelihood G2"},
                "items": {"type": "array", "items": {"type": "object"}}}}},
            "rising": {"type": "array", "items": change}, "falling": {"type": "array", "items": change}}},
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["status", "message"], "properties": {
                "status": {"type": "integer"}, "message": {"type": "string"}, "field": {"type": "string"}}}}},
    }
