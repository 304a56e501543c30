"""The reference page at /api/v1/docs: the OpenAPI document, rendered on the server.

ninja's own docs page loads Swagger UI from a CDN, and Chorus pages make no third-party
requests; this page is plain HTML in the site's own template instead: a heading per
endpoint, a table of its parameters and an example response, readable without JavaScript.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

EXAMPLE_DEPTH = 6
EXAMPLE_STRINGS = {
    "uuid": "6f1c2a7e-3b5d-4c8e-9a10-2d4f6b8c0e12",
    "date-time": "2026-12-01T09:30:00Z",
    "date": "2026-12-01",
    "uri": "https://example.org/",
}


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    kind: str
    description: str


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    responses: list[tuple[str, str]]
    example: str


@dataclass(frozen=True)
class Section:
    name: str
    operations: list[Operation] = field(default_factory=list)


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        resolved: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        return resolved
    return schema


def _choices(schema: dict[str, Any], document: dict[str, Any]) -> list[dict[str, Any]]:
    options = schema.get("anyOf") or schema.get("oneOf") or []
    return [_resolve(option, document) for option in options]


def describe_type(schema: dict[str, Any], document: dict[str, Any]) -> str:
    """A parameter's type in words: 'integer, 1 to 100', 'one of: news, briefing', 'date-time'."""
    schema = _resolve(schema, document)
    options = _choices(schema, document)
    if options:
        words = [describe_type(option, document) for option in options if option.get("type") != "null"]
        return "; or ".join(words)
    if "enum" in schema:
        return "one of: " + ", ".join(str(value) for value in schema["enum"])
    if "const" in schema:
        return f"exactly {schema['const']}"
    words = [str(schema.get("format") or schema.get("type") or "any")]
    if "minimum" in schema and "maximum" in schema:
        words.append(f"{schema['minimum']} to {schema['maximum']}")
    if "maxLength" in schema:
        words.append(f"at most {schema['maxLength']} characters")
    if "default" in schema and schema["default"] is not None:
        words.append(f"default {schema['default']}")
    return ", ".join(words)


def example_of(schema: dict[str, Any], document: dict[str, Any], depth: int = 0) -> Any:
    """A made-up value of the schema's shape, for the example responses."""
    schema = _resolve(schema, document)
    if depth > EXAMPLE_DEPTH:
        return None
    options = [option for option in _choices(schema, document) if option.get("type") != "null"]
    if options:
        return example_of(options[0], document, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: example_of(value, document, depth + 1) for name, value in properties.items()}
    if kind == "array":
        return [example_of(schema.get("items", {}), document, depth + 1)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        return EXAMPLE_STRINGS.get(str(schema.get("format", "")), "…")
    return None


def operations_by_tag(document: dict[str, Any]) -> list[Section]:
    sections: dict[str, Section] = {}
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            parameters = [
                Parameter(
                    name=parameter["name"],
                    where=parameter["in"],
                    required=bool(parameter.get("required")),
                    kind=describe_type(parameter.get("schema", {}), document),
                    description=str(
                        parameter.get("description") or parameter.get("schema", {}).get("description", "")
                    ),
                )
                for parameter in operation.get("parameters", [])
            ]
            answers = {str(code): answer for code, answer in operation["responses"].items()}
            responses = [(code, str(answer.get("description", ""))) for code, answer in answers.items()]
            success = answers.get("200", {}).get("content", {}).get("application/json", {})
            example = json.dumps(example_of(success.get("schema", {}), document), indent=2, ensure_ascii=False)
            tag = (operation.get("tags") or ["Other"])[0]
            sections.setdefault(tag, Section(name=tag)).operations.append(
                Operation(
                    anchor=str(operation.get("operationId", path)),
                    method=method.upper(),
                    path=path,
                    summary=str(operation.get("summary") or path),
                    description=str(operation.get("description", "")),
                    parameters=parameters,
                    responses=responses,
                    example=example,
                )
            )
    return list(sections.values())


class ReferencePage(DocsBase):
    """ninja's documented way to replace its docs page (a DocsBase with its own render_page)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        document = dict(api.get_openapi_schema(path_params=kwargs))
        context = {
            "api_title": document["info"]["title"],
            "api_description": document["info"].get("description", ""),
            "openapi_url": self.get_openapi_url(api, kwargs),
            "base_url": request.build_absolute_uri(api.get_root_path(kwargs)),
            "sections": operations_by_tag(document),
        }
        return render(request, "api/reference.html", context)
