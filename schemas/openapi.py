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
REFUSED = {"400": "invalid field", "401": "unknown api key or bad access_token"}


def _fields_operation(name: str, summary: str) -> dict[str, Any]:
    """newcall and cdr: the same fields as a query string (GET) or a form or JSON body (POST)."""
    schema = load_all()[f"{name}.request"]
    query = [
        {
            "name": field,
            "in": "query",
            "required": field in schema.get("required", ()),
            "schema": {"$ref": f"{COMPONENTS}{name}.request/properties/{field}"},
        }
        for field in schema["properties"]
    ]
    answers = _answers(f"{name}.response", REFUSED)
    body = {
        "required": True,
        "content": {ctype: {"schema": component(f"{name}.request")} for ctype in (FORM, JSON)},
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
        "/_mock/clock": {
            "get": {
                "operationId": "get_clock",
                "summary": "the emulator's clock",
                "responses": {
                    "200": {
                        "description": "now",
                        "content": {JSON: {"schema": component("control.clock")}},
                    }
                },
            }
        },
        "/_mock/clock/advance": _control("advance_clock", "control.advance", "control.clock"),
        "/_mock/clock/set": _control("set_clock", "control.set", "control.clock"),
        "/_mock/config": {
            "get": {
                "operationId": "get_config",
                "summary": "the configuration",
                "responses": {
                    "200": {
                        "description": "config",
                        "content": {JSON: {"schema": component("config")}},
                    }
                },
            }
        },
        "/_mock/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "this document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {JSON: {}}}},
            }
        },
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


def _control(operation: str, request: str, answer: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation,
            "summary": f"control API: {operation.replace('_', ' ')}",
            "requestBody": {"required": True, "content": {JSON: {"schema": component(request)}}},
            "responses": {
                "200": {
                    "description": "the new clock",
                    "content": {JSON: {"schema": component(answer)}},
                },
                "400": {
                    "description": "invalid field",
                    "content": {JSON: {"schema": component("error")}},
                },
            },
        }
    }
