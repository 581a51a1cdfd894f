"""A schema-fed fake, as Prism is: every path of the OpenAPI document (the control API's too)
answers its first documented 2xx with a schema-valid instance that keeps no state.

The kit must not take it for the emulator, and must not ERROR against it: it is the
harshest "server nobody on the project wrote" the suite can build in process.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from hypothesis import find
from hypothesis import strategies as st

from schemas.openapi import build


def resolve(node: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def instance(node: dict[str, Any], document: dict[str, Any]) -> Any:
    """The simplest value the schema admits (with every property an object lists)."""
    node = resolve(node, document)
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return node["enum"][0]
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in node:
            return instance(node[combined][0], document)
    kind = node.get("type", "object")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "object":
        properties = node.get("properties", {})
        return {name: instance(sub, document) for name, sub in properties.items()}
    if kind == "array":
        return [instance(node.get("items", {}), document)] * max(node.get("minItems", 0), 1)
    if kind == "string":
        if "pattern" in node:
            return find(st.from_regex(node["pattern"], fullmatch=True), lambda _: True)
        return "x" * node.get("minLength", 1)
    if kind in ("integer", "number"):
        return node.get("minimum", 1)
    return {"boolean": True, "null": None}[kind]


def answer(operation: dict[str, Any], document: dict[str, Any]) -> web.Response:
    status = min(code for code in operation["responses"] if code.startswith("2"))
    content = operation["responses"][status].get("content", {}).get("application/json", {})
    body = instance(content.get("schema", {"type": "object"}), document)
    return web.json_response(body, status=int(status))


def create_fake() -> web.Application:
    document = build()
    app = web.Application()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "delete"):
                response = answer(operation, document)

                async def handle(request: web.Request, response: web.Response = response) -> Any:
                    return web.Response(
                        body=response.body, status=response.status, content_type="application/json"
                    )

                app.router.add_route(method.upper(), path, handle)
    return app
