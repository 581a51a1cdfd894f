"""Validation against the package's JSON Schemas, with errors that name the field and the rule.

Two validators read the same schema files: jsonschema-rs (compiled) answers
"valid?" in about a microsecond, and only for an invalid instance does the
reference ``jsonschema`` walk it to explain each broken rule. Valid traffic,
nearly all of it, never pays for the explanation.

A schema may carry an ``x-rule`` annotation: the human wording of its rule. When
a value breaks a schema, the nearest ``x-rule`` on the failing branch is used, so
that ``anyOf`` alternatives (string or number) still read as one plain rule.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import jsonschema_rs

import schemas

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


#: Unknown keys of one object explained one by one (each with a did-you-mean); the rest
#: are counted in one more error, so explaining costs no more than the warnings it feeds.
MAX_EXPLAINED = 20


@dataclass(frozen=True, slots=True)
class FieldError:
    """One broken rule: ``field`` is a dotted path such as ``query.data[2].phone``."""

    field: str
    rule: str
    value: Any = None
    keyword: str = ""

    def __str__(self) -> str:
        if self.rule == "required field is missing" or self.field.endswith("(more)"):
            return f"{self.field}: {self.rule}"
        return f"{self.field}: {self.rule} (got {_short(self.value)})"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def join_path(prefix: str, parts: Any) -> str:
    out = prefix
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out or "(body)"


@cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in schemas.load_all().values()
    ]
    return Registry().with_resources(resources)


@cache
def _fast_registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry([(s["$id"], s) for s in schemas.load_all().values()])


def _inlined(name: str) -> dict[str, Any]:
    """The schema ``name`` with every ``$ref`` replaced by what it points to, by
    jsonschema-rs itself: the same rules, and a check no longer follows references across
    documents (a newcall's form is checked in 0.7 µs rather than 1.1 µs)."""
    inlined: dict[str, Any] = jsonschema_rs.dereference(
        schemas.load(name), registry=_fast_registry()
    )
    return inlined


class SchemaValidator:
    """Validates instances against one schema of ``schemas/``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._fast = jsonschema_rs.validator_for(_inlined(name), registry=_fast_registry())

    @cached_property
    def _validator(self) -> Any:
        """The explaining validator, built (and jsonschema imported) at the first error:
        an emulator that only sees valid traffic starts without it."""
        from jsonschema import Draft202012Validator

        return Draft202012Validator(schemas.load(self.name), registry=_registry())

    def is_valid(self, instance: Any) -> bool:
        return self._fast.is_valid(instance)

    def errors(self, instance: Any, prefix: str = "") -> list[FieldError]:
        """Every broken rule, the first one per field, sorted by field."""
        if self._fast.is_valid(instance):
            return []
        found: dict[str, FieldError] = {}
        for error in self._validator.iter_errors(instance):
            for field_error in _explain(error, prefix):
                found.setdefault(field_error.field, field_error)
        return sorted(found.values(), key=lambda e: e.field)


def _explain(error: ValidationError, prefix: str) -> list[FieldError]:
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        names = error.validator_value if isinstance(error.validator_value, list) else []
        return [
            FieldError(
                join_path(prefix, [*error.absolute_path, name]),
                "required field is missing",
                keyword="required",
            )
            for name in names
            if name not in present
        ]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        unknown = [name for name in error.instance if name not in known]
        explained = [
            FieldError(
                join_path(prefix, [*error.absolute_path, name]),
                "is not a known key" + _did_you_mean(name, known),
                error.instance[name],
                "additionalProperties",
            )
            for name in unknown[:MAX_EXPLAINED]
        ]
        if len(unknown) > MAX_EXPLAINED:  # the rest in one line, at no cost per key
            explained.append(
                FieldError(
                    join_path(prefix, [*error.absolute_path, "(more)"]),
                    f"{len(unknown) - MAX_EXPLAINED} more keys are not known keys either",
                    keyword="additionalProperties",
                )
            )
        return explained
    rule = _rule_of(error)
    path = join_path(prefix, error.absolute_path)
    return [FieldError(path, rule, error.instance, str(error.validator))]


def _did_you_mean(name: str, known: list[str]) -> str:
    if not known or len(name) > 3 * max(map(len, known)):  # too long to reach difflib's 0.6
        return ""
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rule_of(error: ValidationError) -> str:
    """The ``x-rule`` of the schema that failed, else of the schema it was referenced from."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "x-rule" in schema:
        return str(schema["x-rule"])
    parent = error.parent
    while parent is not None:
        if isinstance(parent.schema, dict) and "x-rule" in parent.schema:
            return str(parent.schema["x-rule"])
        parent = parent.parent
    return error.message


#: Keywords that say what a schema is, not what it accepts.
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "x-rule", "$comment"})


@dataclass(frozen=True, slots=True)
class FieldChecks:
    """An object schema read field by field: ``checks[name](values)`` says whether every
    value in ``values`` is valid for field ``name``; ``required`` names the fields every
    object must give."""

    checks: dict[str, Any]
    required: tuple[str, ...]


@cache
def field_checks(name: str) -> FieldChecks | None:
    """The schema ``name`` as one compiled check per field, when it checks each field on its
    own (``type: object``, ``required`` and ``properties`` alone): an object is then valid
    exactly when each of its fields is. A batch of objects can be checked column by column,
    each distinct value once. None for a schema of any other shape.
    """
    schema = _inlined(name)
    keywords = set(schema) - _ANNOTATIONS
    if keywords != {"type", "required", "properties"} or schema["type"] != "object":
        return None
    checks = {
        field: jsonschema_rs.validator_for(
            {"$schema": _DRAFT, "type": "array", "items": rule}, registry=_fast_registry()
        ).is_valid
        for field, rule in schema["properties"].items()
    }
    return FieldChecks(checks, tuple(schema["required"]))


_DRAFT = "https://json-schema.org/draft/2020-12/schema"


@cache
def validator(name: str) -> SchemaValidator:
    """The shared validator of one schema, e.g. ``validator("make.row")``."""
    return SchemaValidator(name)
