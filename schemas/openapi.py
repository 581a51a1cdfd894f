"""The OpenAPI 3.1 document, assembled from the schema files (no shape is written twice).

Each schema file becomes ``#/components/schemas/<name>``; its ``urn:autodialer-mock:``
references and its local ``#/$defs/...`` references are rewritten to point there.
Only the operations and their status codes are stated here.
"""

from __future__ import annotations

import copy
from typing import Any

from . import URN, load_all

COMPONENTS = "#/components/schemas/"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def _rewrite(node: Any, name: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("$id", "$schema"):
                continue  # identity comes from the component's place in the document
            if key == "$ref" and isinstance(value, str):
                out[key] = _ref(value, name)
            else:
                out[key] = _rewrite(value, name)
        return out
    if isinstance(node, list):
        return [_rewrite(item, name) for item in node]
    return node


def _ref(ref: str, name: str) -> str:
    if ref.startswith(URN):
        target, _, pointer = ref[len(URN) :].partition("#")
        return COMPONENTS + target + pointer
    if ref.startswith("#"):
        return COMPONENTS + name + ref[1:]
    return ref


def component(name: str) -> dict[str, str]:
    return {"$ref": COMPONENTS + name}


def _answers(ok: str, refusals: dict[str, str]) -> dict[str, Any]:
    answers = {"200": {"description": "done", "content": {JSON: {"schema": component(ok)}}}}
    for status, why in refusals.items():
        answers[status] = {"description": why, "content": {JSON: {"schema": component("error")}}}
    return answers


API_KEY = {
    "name": "api_key",
    "in": "path",
    "required": True,
    "description": "the account's API key (the vendor's <apikey>); the demo account's is 'apikey'",
    "schema": {"type": "string", "pattern": "^[0-9A-Za-z.-][0-9A-Za-z._-]*$", "example": "apikey"},
}
REFUSED = {
    "400": "invalid field",
    "401": "unknown api key or bad access_token",
    "413": "the body is over the size limit (2 MiB by default)",
}


def _as_text(node: Any) -> Any:
    """A schema as a query string or a form carries it: every value is text, so no ``null``
    (JSON bodies may send one for 'not given'; a form cannot say it)."""
    if isinstance(node, dict):
        out = {key: _as_text(value) for key, value in node.items()}
        for combined in ("anyOf", "oneOf"):
            if combined in out:
                out[combined] = [b for b in out[combined] if b != {"type": "null"}]
        if isinstance(out.get("$ref"), str):
            out["$ref"] = (
                out["$ref"].replace(".request", ".form").replace("/common", "/common.form")
            )
        return out
    if isinstance(node, list):
        return [_as_text(item) for item in node]
    return node


#: The schemas a form or a query string is read with (see :func:`_as_text`).
FORM_VIEWS = {"common": "common.form", "newcall.request": "newcall.form", "cdr.request": "cdr.form"}


def _fields_operation(name: str, summary: str) -> dict[str, Any]:
    """newcall and cdr: the same fields as a query string (GET) or a form or JSON body (POST)."""
    schema = load_all()[f"{name}.request"]
    query = [
        {
            "name": field,
            "in": "query",
            "required": field in schema.get("required", ()),
            "schema": {"$ref": f"{COMPONENTS}{name}.form/properties/{field}"},
        }
        for field in schema["properties"]
    ]
    answers = _answers(f"{name}.response", REFUSED)
    body = {
        "required": bool(schema.get("required")),  # cdr's fields all have defaults
        "content": {
            FORM: {"schema": component(f"{name}.form")},
            JSON: {"schema": component(f"{name}.request")},
        },
    }
    return {
        "get": {
            "operationId": f"{name}_get",
            "summary": summary,
            "parameters": query,
            "responses": answers,
        },
        "post": {
            "operationId": name,
            "summary": summary,
            "requestBody": body,
            "responses": answers,
        },
    }


def build() -> dict[str, Any]:
    """The whole document, a fresh copy each time."""
    schemas = {name: _rewrite(copy.deepcopy(s), name) for name, s in sorted(load_all().items())}
    schemas.update({view: _as_text(schemas[name]) for name, view in FORM_VIEWS.items()})
    report = {"content": {JSON: {"schema": component("make.response")}}}
    paths: dict[str, Any] = {
        "/{api_key}/make": {
            "parameters": [API_KEY],
            "post": {
                "operationId": "make",
                "summary": "bulk calls from a prepared scenario (at most 1000 rows)",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": component("make.request")}},
                },
                "responses": {
                    "200": {"description": "processed row by row", **report},
                    "400": {"description": "errorcode 5: not JSON or no query.data", **report},
                    "401": {
                        "description": "errorcode 1: bad access_token; or an unknown api key",
                        "content": {
                            JSON: {
                                "schema": {
                                    "oneOf": [component("make.response"), component("error")]
                                }
                            }
                        },
                    },
                    "413": {
                        "description": "errorcode 4: more than 1000 rows, or the body is too large",
                        "content": {
                            JSON: {
                                "schema": {
                                    "oneOf": [component("make.response"), component("error")]
                                }
                            }
                        },
                    },
                },
            },
        },
        "/{api_key}/newcall": {"parameters": [API_KEY], **_fields_operation("newcall", "one call")},
        "/{api_key}/cdr": {"parameters": [API_KEY], **_fields_operation("cdr", "call history")},
        **control_paths(),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Autodialer («Автодайлер») API, as autodialer-mock emulates it",
            "version": "1",
            "description": "Assembled from schemas/*.json; docs/contract.md is the contract.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


CONTROL_REFUSED = {
    "400": "invalid field, or a body that is not a JSON object",
    "413": "the body is over the size limit",
    "415": "a write whose Content-Type is not application/json",
}


def _read(operation: str, summary: str, answer: str, **refusals: str) -> dict[str, Any]:
    """A control read: ``GET``, its answer, and the refusals of its query."""
    return {
        "get": {
            "operationId": operation,
            "summary": f"control API: {summary}",
            "responses": _answers(answer, refusals),
        }
    }


def _write(
    operation: str, summary: str, request: str, answer: str, method: str = "post", **more: str
) -> dict[str, Any]:
    """A control write: a required JSON body (``control.empty`` when it says nothing)."""
    return {
        method: {
            "operationId": operation,
            "summary": f"control API: {summary}",
            "requestBody": {"required": True, "content": {JSON: {"schema": component(request)}}},
            "responses": _answers(answer, {**CONTROL_REFUSED, **more}),
        }
    }


def _query(name: str, kind: str, description: str = "") -> dict[str, Any]:
    """A listing's query parameter, its schema from ``control.query``."""
    parameter = {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"$ref": f"{COMPONENTS}control.query/$defs/{kind}"},
    }
    return {**parameter, "description": description} if description else parameter


PAGED = [_query("limit", "limit"), _query("offset", "offset")]


def _listing(operation: str, summary: str, *filters: dict[str, Any]) -> dict[str, Any]:
    refusals = {"400": "invalid query parameter", "401": "api_key is not an account"}
    read = _read(operation, summary, "control.page", **refusals)
    read["get"]["parameters"] = [*filters, *PAGED]
    return read


def control_paths() -> dict[str, Any]:
    """Every route of the control API (the dashboard's page and its assets aside)."""
    by_key = _query("api_key", "api_key")
    return {
        "/_mock/clock": _read("get_clock", "the emulator's clock", "control.clock"),
        "/_mock/clock/advance": _write(
            "advance_clock",
            "runs every event due; answers the new now",
            "control.advance",
            "control.clock",
        ),
        "/_mock/clock/set": _write(
            "set_clock", "moves the clock forward to a time", "control.set", "control.clock"
        ),
        "/_mock/reset": _write(
            "reset",
            "forgets jobs, calls, cdr, journal, deliveries",
            "control.empty",
            "control.reset",
        ),
        "/_mock/seed": _write("seed", "reseeds ids and outcomes", "control.seed", "control.seed"),
        "/_mock/config": {
            **_read("get_config", "the configuration", "config"),
            **_write("put_config", "replaces the configuration", "config", "config", "put"),
        },
        "/_mock/jobs": _listing("jobs", "jobs, oldest first", by_key),
        "/_mock/calls": _listing(
            "calls",
            "records with state, attempts and outcome, oldest first",
            by_key,
            _query("state", "state"),
            _query("phone", "text", "a number as submitted or normalised"),
            _query("job", "number"),
        ),
        "/_mock/journal": _listing(
            "journal",
            "requests to the vendor's methods with their contract warnings, oldest first",
            by_key,
            _query("operation", "operation"),
            _query("warnings", "flag", "only requests with warnings"),
        ),
        "/_mock/deliveries": _listing(
            "deliveries",
            "the webhook delivery log",
            by_key,
            _query("subscription", "text"),
            _query("event", "text"),
            _query("outcome", "outcome"),
            _query("record", "number"),
        ),
        "/_mock/deliveries/replay": _write(
            "replay_failed",
            "sends every failed delivery again",
            "control.empty",
            "control.replayed",
        ),
        "/_mock/deliveries/{id}/replay": {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0},
                }
            ],
            **_write(
                "replay",
                "sends one settled delivery again",
                "control.empty",
                "control.delivery",
                **{"404": "no such delivery", "409": "its schedule is still running"},
            ),
        },
        "/_mock/fire": _write(
            "fire", "synthetic webhook traffic at a receiver", "control.fire", "control.fired"
        ),
        "/_mock/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "this document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {JSON: {}}}},
            }
        },
    }
