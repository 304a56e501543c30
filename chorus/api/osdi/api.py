"""The integration API's routes: the entry point, collections and single resources.

Every answer is ``no-store`` (a person's details never enter the page cache or a proxy),
every error is in OSDI's shape, and every request made with a token is audited once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import RequestDataTooBig
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from pydantic import Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from chorus.api.models import ApiToken, Scope, Tag, Tagging
from chorus.api.osdi import schemas, selectors
from chorus.api.osdi.auth import token_auth
from chorus.api.osdi.filters import FilterError, odata_filter
from chorus.api.services import tag_get_or_create
from chorus.api.tokens import TokenRefused, api_token_used
from chorus.campaigns.models import ActionPage, Signature
from chorus.people.models import Person

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGE = 100_000
MAX_BODY_BYTES = 16 * 1024
ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")
# What the OData filter accepts, as a pattern the OpenAPI document carries (the parser decides).
_DATE = r"[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
_OFFSET = r"(Z|[+-](0[0-9]|1[0-2]):[0-5][0-9])"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
# Quoted, any ISO 8601 date or date-time; bare, OData's own literals (a date, or a full date-time).
_WHEN = rf"('{_DATE}(T{_TIME}{_OFFSET}?)?'|{_DATE}(T{_TIME}{_OFFSET})?)"
_COMPARISON = rf"modified_date (gt|ge|lt|le) {_WHEN}"
FILTER_PATTERN = rf"^{_COMPARISON}( and {_COMPARISON}){{0,3}}$"
FILTER_DESCRIPTION = (
    "OData filter on modified_date with gt, ge, lt or le, e.g. modified_date gt '2026-01-31T00:00:00Z'"
)
CURIES = [schemas.Curie(name="osdi", href=schemas.OSDI_CURIE_HREF, templated=True)]
ERRORS: dict[int, type[schemas.ErrorOut]] = dict.fromkeys((400, 401, 403, 404, 429), schemas.ErrorOut)


class HalRenderer(JSONRenderer):
    media_type = "application/hal+json"


class OsdiAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        response["Cache-Control"] = "private, no-store"
        response["Vary"] = "Authorization, OSDI-API-Token"
        return response


api = OsdiAPI(
    title="Chorus integration API (OSDI 1.2)",
    version="1.0",
    description="What a CRM syncs from: people who agreed to hear from the network, petitions, signatures, "
    "tags and erasures. A token from the staff area is needed (Authorization: Bearer, or OSDI-API-Token).",
    urls_namespace="api:osdi",
    docs_url=None,  # ninja's page loads its scripts from a CDN; docs/api.md documents the API
    openapi_url="/openapi.json",
    renderer=HalRenderer(),
)


# --- errors, in OSDI's shape --------------------------------------------------------------


def osdi_error(request: HttpRequest, status: int, code: str, description: str) -> HttpResponse:
    body = schemas.ErrorOut(
        response_code=status,
        resource_status=[
            schemas.ResourceStatus(
                resource=request.path[:200],
                response_code=status,
                errors=[schemas.ErrorDetail(code=code, description=description)],
            )
        ],
    )
    return api.create_response(request, body.model_dump(), status=status)


@api.exception_handler(TokenRefused)
def token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = osdi_error(request, exc.status, exc.code, exc.description)
    if exc.status == 401:
        response["WWW-Authenticate"] = "Bearer"
    if exc.status == 429:
        response["Retry-After"] = "60"
    return response


@api.exception_handler(AuthenticationError)
def no_token(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = osdi_error(
        request, 401, "UNAUTHORIZED", "Send an API token as Authorization: Bearer or OSDI-API-Token."
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    where = "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ())[1:]) or 'input'}: {error.get('msg', 'invalid')}"
        for error in exc.errors[:5]
    )
    return osdi_error(request, 400, "INVALID_INPUT", where[:500] or "The request is not valid.")


@api.exception_handler(FilterError)
def invalid_filter(request: HttpRequest, exc: FilterError) -> HttpResponse:
    return osdi_error(request, 400, "INVALID_FILTER", str(exc))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return osdi_error(request, exc.status_code, "BAD_REQUEST" if exc.status_code == 400 else "ERROR", str(exc)[:200])


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return osdi_error(request, 404, "NOT_FOUND", "There is no such record, or it is not shared.")


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return osdi_error(request, 413, "TOO_LARGE", f"The body is larger than {MAX_BODY_BYTES} bytes.")


# --- links and pages ----------------------------------------------------------------------


# Every record's links differ only in its identifier (always a UUID): each address is built
# once a request with this stand-in, then filled in. A reverse() per link was half the time
# of a page of 100 people.
STAND_IN = UUID(int=0)


def href(request: HttpRequest, name: str, **kwargs: UUID) -> schemas.Link:
    templates: dict[tuple[str, ...], str] = request.__dict__.setdefault("osdi_link_templates", {})
    key = (name, *kwargs)
    template = templates.get(key)
    if template is None:
        stand_ins = dict.fromkeys(kwargs, STAND_IN)
        template = request.build_absolute_uri(reverse(f"api:osdi:{name}", kwargs=stand_ins or None))
        templates[key] = template
    if not kwargs:
        return schemas.Link(href=template)
    (value,) = kwargs.values()  # one identifier per address in this API
    return schemas.Link(href=template.replace(str(STAND_IN), str(value)))


def identifiers(uuid: UUID) -> list[str]:
    return [f"chorus:{uuid}"]


def page_of[M: Model](
    request: HttpRequest,
    rows: QuerySet[M],
    *,
    page: int,
    per_page: int,
    filter_text: str | None,
    endpoint: str,
    token: ApiToken,
) -> tuple[list[M], dict[str, Any]]:
    """One page of ``rows`` (filtered on ``modified``), its counts and links, audited as one use."""
    if filter_text:
        rows = rows.filter(odata_filter(filter_text))
    total = rows.count()
    total_pages = max(1, math.ceil(total / per_page))
    items = list(rows[(page - 1) * per_page : page * per_page])

    def at(number: int) -> schemas.Link:
        query = {**request.GET.dict(), "page": str(number), "per_page": str(per_page)}
        return schemas.Link(href=request.build_absolute_uri(f"{request.path}?{urlencode(query)}"))

    meta = {
        "total_pages": total_pages,
        "per_page": per_page,
        "page": page,
        "total_records": total,
        "_links": schemas.CollectionLinks(
            self_=at(page),
            next=at(page + 1) if page < total_pages else None,
            prev=at(page - 1) if 1 < page <= total_pages + 1 else None,
            curies=CURIES,
        ),
    }
    api_token_used(token=token, endpoint=endpoint, records=len(items), request=request)
    return items, meta


class Listing(Schema):
    """The query parameters every collection takes."""

    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    filter: str | None = Field(None, max_length=500, pattern=FILTER_PATTERN, description=FILTER_DESCRIPTION)
    dollar_filter: str | None = Field(
        None, alias="$filter", max_length=500, pattern=FILTER_PATTERN, description=FILTER_DESCRIPTION
    )

    @property
    def filter_text(self) -> str | None:
        return self.dollar_filter or self.filter


class TombstoneListing(Schema):
    since: datetime | None = Field(None, description="Only those erased or withdrawn at or after this date-time")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(MAX_PER_PAGE, ge=1, le=MAX_PER_PAGE)

    @field_validator("since", mode="before")
    @classmethod
    def iso_only(cls, value: Any) -> Any:
        # Pydantic would also take a number of seconds; a CRM sends an ISO 8601 date-time.
        if value is not None and not (isinstance(value, str) and ISO_START.match(value)):
            raise ValueError("Write since as an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z")
        return value

    @field_validator("since")
    @classmethod
    def aware(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def token_of(request: HttpRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def collection[M: Model](
    request: HttpRequest,
    rows: QuerySet[M],
    *,
    page: int,
    per_page: int,
    filter_text: str | None,
    endpoint: str,
    rel: str,
    render: Callable[[HttpRequest, list[M]], Sequence[schemas.Out]],
) -> dict[str, Any]:
    items, meta = page_of(
        request,
        rows,
        page=page,
        per_page=per_page,
        filter_text=filter_text,
        endpoint=endpoint,
        token=token_of(request),
    )
    return {**meta, "_embedded": {rel: render(request, items)}}


def single[M: Model](request: HttpRequest, row: M | None, *, endpoint: str) -> M:
    if row is None:
        raise Http404
    api_token_used(token=token_of(request), endpoint=endpoint, records=1, request=request)
    return row


# --- how each record reads -----------------------------------------------------------------


def people_out(request: HttpRequest, people: list[Person]) -> list[schemas.PersonOut]:
    facts = selectors.person_facts(people)
    result = []
    for person in people:
        fact = facts[person.pk]
        given, _, family = str(person.name).strip().partition(" ")
        result.append(
            schemas.PersonOut(
                identifiers=identifiers(person.uuid),
                created_date=person.created_at,
                modified_date=getattr(person, "modified", None) or person.updated_at,
                given_name=given,
                family_name=family.strip(),
                email_addresses=[
                    schemas.EmailAddress(address=str(person.email), primary=True, status=fact.email_status)
                ]
                if person.email
                else [],
                postal_addresses=[schemas.PostalAddress(postal_code=str(person.postcode))] if person.postcode else [],
                custom_fields={"consent_bulletin": fact.bulletin, "consent_campaign_updates": fact.campaign_updates},
                links=schemas.PersonLinks(
                    self_=href(request, "person", person_id=person.uuid),
                    taggings=href(request, "person_taggings", person_id=person.uuid),
                    signatures=href(request, "person_signatures", person_id=person.uuid),
                    curies=CURIES,
                ),
            )
        )
    return result


def petitions_out(request: HttpRequest, actions: list[ActionPage]) -> list[schemas.PetitionOut]:
    result = []
    for action in actions:
        key = action.translation_key
        created = action.first_published_at or action.latest_revision_created_at
        target = selectors.action_target(action)
        result.append(
            schemas.PetitionOut(
                identifiers=identifiers(key),
                created_date=created,
                modified_date=action.last_published_at or created,
                title=action.title,
                description=action.summary,
                total_signatures=selectors.action_total(action),
                target=[schemas.Target(name=target)] if target else [],
                browser_url=selectors.action_browser_url(action),
                action_type=str(action.kind_label),
                links=schemas.PetitionLinks(
                    self_=href(request, "petition", petition_id=key),
                    signatures=href(request, "petition_signatures", petition_id=key),
                    curies=CURIES,
                ),
            )
        )
    return result


def signatures_out(request: HttpRequest, signatures: list[Signature]) -> list[schemas.SignatureOut]:
    keys = dict(
        ActionPage.objects.filter(pk__in={s.action_id for s in signatures}).values_list("pk", "translation_key")
    )
    return [
        schemas.SignatureOut(
            identifiers=identifiers(signature.uuid),
            created_date=signature.created_at,
            modified_date=signature.changed_at,
            action_date=signature.confirmed_at or signature.created_at,
            links=schemas.SignatureLinks(
                self_=href(request, "signature", signature_id=signature.uuid),
                person=href(request, "person", person_id=signature.person.uuid),  # type: ignore[union-attr]
                petition=href(request, "petition", petition_id=keys[signature.action_id]),
                curies=CURIES,
            ),
        )
        for signature in signatures
    ]


def tags_out(request: HttpRequest, tags: list[Tag]) -> list[schemas.TagOut]:
    return [
        schemas.TagOut(
            identifiers=identifiers(tag.uuid),
            created_date=tag.created_at,
            modified_date=tag.updated_at,
            name=tag.name,
            links=schemas.TagLinks(
                self_=href(request, "tag", tag_id=tag.uuid),
                taggings=href(request, "tag_taggings", tag_id=tag.uuid),
                curies=CURIES,
            ),
        )
        for tag in tags
    ]


def taggings_out(request: HttpRequest, taggings: list[Tagging]) -> list[schemas.TaggingOut]:
    return [
        schemas.TaggingOut(
            identifiers=identifiers(tagging.uuid),
            created_date=tagging.created_at,
            modified_date=tagging.updated_at,
            links=schemas.TaggingLinks(
                self_=href(request, "tagging", tagging_id=tagging.uuid),
                tag=href(request, "tag", tag_id=tagging.tag.uuid),
                person=href(request, "person", person_id=tagging.person.uuid),
                curies=CURIES,
            ),
        )
        for tagging in taggings
    ]


# --- routes -------------------------------------------------------------------------------

ROUTE: dict[str, Any] = {"by_alias": True, "exclude_none": True}


@api.get("/", response={200: schemas.AepOut, **ERRORS}, auth=token_auth(None), url_name="aep", **ROUTE)
def aep(request: HttpRequest) -> dict[str, Any]:
    """The API entry point: links to every collection."""
    api_token_used(token=token_of(request), endpoint="aep", records=0, request=request)
    return {
        "motd": "Chorus integration API",
        "vendor_name": "Chorus",
        "product_name": "Chorus",
        "osdi_version": "1.2",
        "max_pagesize": MAX_PER_PAGE,
        "_links": schemas.AepLinks(
            self_=href(request, "aep"),
            people=href(request, "people"),
            petitions=href(request, "petitions"),
            signatures=href(request, "signatures"),
            tags=href(request, "tags"),
            taggings=href(request, "taggings"),
            tombstones=href(request, "tombstones"),
            curies=CURIES,
        ),
    }


PEOPLE = token_auth(Scope.PEOPLE_READ)
SIGNATURES = token_auth(Scope.SIGNATURES_READ)


def listed[M: Model](
    request: HttpRequest,
    params: Listing,
    rows: QuerySet[M],
    *,
    endpoint: str,
    rel: str,
    render: Callable[[HttpRequest, list[M]], Sequence[schemas.Out]],
) -> dict[str, Any]:
    return collection(
        request,
        rows,
        page=params.page,
        per_page=params.per_page,
        filter_text=params.filter_text,
        endpoint=endpoint,
        rel=rel,
        render=render,
    )


@api.get("/people", response={200: schemas.PeopleCollection, **ERRORS}, auth=PEOPLE, url_name="people", **ROUTE)
def people(request: HttpRequest, params: Query[Listing]) -> dict[str, Any]:
    """People who agreed to hear from the network, oldest first."""
    return listed(
        request, params, selectors.shared_people(), endpoint="people.list", rel="osdi:people", render=people_out
    )


@api.get(
    "/people/tombstones",
    response={200: schemas.TombstonesCollection, **ERRORS},
    auth=PEOPLE,
    url_name="tombstones",
    **ROUTE,
)
def tombstones(request: HttpRequest, params: Query[TombstoneListing]) -> dict[str, Any]:
    """People the CRM must delete: erased, anonymised, or no longer agreeing to be contacted."""
    rows = selectors.tombstones(since=params.since)
    page, per_page = params.page, params.per_page
    total = len(rows)
    total_pages = max(1, math.ceil(total / per_page))
    items = rows[(page - 1) * per_page : page * per_page]

    def at(number: int) -> schemas.Link:
        query = {**request.GET.dict(), "page": str(number), "per_page": str(per_page)}
        return schemas.Link(href=request.build_absolute_uri(f"{request.path}?{urlencode(query)}"))

    api_token_used(token=token_of(request), endpoint="people.tombstones", records=len(items), request=request)
    return {
        "total_pages": total_pages,
        "per_page": per_page,
        "page": page,
        "total_records": total,
        "_links": schemas.CollectionLinks(
            self_=at(page),
            next=at(page + 1) if page < total_pages else None,
            prev=at(page - 1) if 1 < page <= total_pages + 1 else None,
            curies=CURIES,
        ),
        "_embedded": {
            "chorus:tombstones": [
                schemas.TombstoneOut(
                    identifiers=identifiers(row.person_uuid),
                    erased_date=row.at,
                    reason=row.reason,  # type: ignore[arg-type]
                )
                for row in items
            ]
        },
    }


@api.get(
    "/people/{uuid:person_id}", response={200: schemas.PersonOut, **ERRORS}, auth=PEOPLE, url_name="person", **ROUTE
)
def person(request: HttpRequest, person_id: UUID) -> schemas.PersonOut:
    """One shared person; anyone else is not found (see the tombstones)."""
    found = single(request, selectors.shared_person(uuid=person_id), endpoint="people.get")
    return people_out(request, [found])[0]


@api.get(
    "/people/{uuid:person_id}/signatures",
    response={200: schemas.SignaturesCollection, **ERRORS},
    auth=SIGNATURES,
    url_name="person_signatures",
    **ROUTE,
)
def person_signatures(request: HttpRequest, person_id: UUID, params: Query[Listing]) -> dict[str, Any]:
    rows = selectors.shared_signatures().filter(person__uuid=person_id)
    return listed(request, params, rows, endpoint="people.signatures", rel="osdi:signatures", render=signatures_out)


@api.get(
    "/people/{uuid:person_id}/taggings",
    response={200: schemas.TaggingsCollection, **ERRORS},
    auth=PEOPLE,
    url_name="person_taggings",
    **ROUTE,
)
def person_taggings(request: HttpRequest, person_id: UUID, params: Query[Listing]) -> dict[str, Any]:
    rows = selectors.shared_taggings().filter(person__uuid=person_id)
    return listed(request, params, rows, endpoint="people.taggings", rel="osdi:taggings", render=taggings_out)


@api.get(
    "/petitions", response={200: schemas.PetitionsCollection, **ERRORS}, auth=SIGNATURES, url_name="petitions", **ROUTE
)
def petitions(request: HttpRequest, params: Query[Listing]) -> dict[str, Any]:
    """The published campaign actions (open letters and petitions), with their public counts."""
    return listed(
        request,
        params,
        selectors.published_actions(),
        endpoint="petitions.list",
        rel="osdi:petitions",
        render=petitions_out,
    )


@api.get(
    "/petitions/{uuid:petition_id}",
    response={200: schemas.PetitionOut, **ERRORS},
    auth=SIGNATURES,
    url_name="petition",
    **ROUTE,
)
def petition(request: HttpRequest, petition_id: UUID) -> schemas.PetitionOut:
    found = single(
        request, selectors.published_actions().filter(translation_key=petition_id).first(), endpoint="petitions.get"
    )
    return petitions_out(request, [found])[0]


@api.get(
    "/petitions/{uuid:petition_id}/signatures",
    response={200: schemas.SignaturesCollection, **ERRORS},
    auth=SIGNATURES,
    url_name="petition_signatures",
    **ROUTE,
)
def petition_signatures(request: HttpRequest, petition_id: UUID, params: Query[Listing]) -> dict[str, Any]:
    rows = selectors.shared_signatures().filter(action__translation_key=petition_id)
    return listed(request, params, rows, endpoint="petitions.signatures", rel="osdi:signatures", render=signatures_out)


@api.get(
    "/signatures",
    response={200: schemas.SignaturesCollection, **ERRORS},
    auth=SIGNATURES,
    url_name="signatures",
    **ROUTE,
)
def signatures(request: HttpRequest, params: Query[Listing]) -> dict[str, Any]:
    """Confirmed signatures of shared people."""
    return listed(
        request,
        params,
        selectors.shared_signatures(),
        endpoint="signatures.list",
        rel="osdi:signatures",
        render=signatures_out,
    )


@api.get(
    "/signatures/{uuid:signature_id}",
    response={200: schemas.SignatureOut, **ERRORS},
    auth=SIGNATURES,
    url_name="signature",
    **ROUTE,
)
def signature(request: HttpRequest, signature_id: UUID) -> schemas.SignatureOut:
    found = single(request, selectors.shared_signatures().filter(uuid=signature_id).first(), endpoint="signatures.get")
    return signatures_out(request, [found])[0]


@api.get("/tags", response={200: schemas.TagsCollection, **ERRORS}, auth=PEOPLE, url_name="tags", **ROUTE)
def tags(request: HttpRequest, params: Query[Listing]) -> dict[str, Any]:
    return listed(request, params, selectors.tags(), endpoint="tags.list", rel="osdi:tags", render=tags_out)


@api.post(
    "/tags",
    response={200: schemas.TagOut, 201: schemas.TagOut, 413: schemas.ErrorOut, 415: schemas.ErrorOut, **ERRORS},
    auth=token_auth(Scope.TAGS_WRITE),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schemas.TagIn.model_json_schema()}},
        }
    },
    **ROUTE,
)
def tag_create(request: HttpRequest) -> Status[schemas.TagOut] | HttpResponse:
    """Make a tag (or find the one with that name). The body is read here, so its type and size
    are checked before any of it is parsed."""
    if request.content_type != "application/json":
        return osdi_error(request, 415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return osdi_error(request, 413, "TOO_LARGE", f"The body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        body = schemas.TagIn.model_validate_json(request.body)
    except PydanticValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "body"
        return osdi_error(request, 400, "INVALID_INPUT", f"{where}: {first.get('msg', 'invalid')}"[:300])
    token = token_of(request)
    tag, created = tag_get_or_create(name=body.name, token=token)
    api_token_used(token=token, endpoint="tags.create", records=1, request=request)
    return Status(201 if created else 200, tags_out(request, [tag])[0])


@api.get("/tags/{uuid:tag_id}", response={200: schemas.TagOut, **ERRORS}, auth=PEOPLE, url_name="tag", **ROUTE)
def tag(request: HttpRequest, tag_id: UUID) -> schemas.TagOut:
    found = single(request, Tag.objects.filter(uuid=tag_id).first(), endpoint="tags.get")
    return tags_out(request, [found])[0]


@api.get(
    "/tags/{uuid:tag_id}/taggings",
    response={200: schemas.TaggingsCollection, **ERRORS},
    auth=PEOPLE,
    url_name="tag_taggings",
    **ROUTE,
)
def tag_taggings(request: HttpRequest, tag_id: UUID, params: Query[Listing]) -> dict[str, Any]:
    rows = selectors.shared_taggings().filter(tag__uuid=tag_id)
    return listed(request, params, rows, endpoint="tags.taggings", rel="osdi:taggings", render=taggings_out)


@api.get("/taggings", response={200: schemas.TaggingsCollection, **ERRORS}, auth=PEOPLE, url_name="taggings", **ROUTE)
def taggings(request: HttpRequest, params: Query[Listing]) -> dict[str, Any]:
    return listed(
        request,
        params,
        selectors.shared_taggings(),
        endpoint="taggings.list",
        rel="osdi:taggings",
        render=taggings_out,
    )


@api.get(
    "/taggings/{uuid:tagging_id}",
    response={200: schemas.TaggingOut, **ERRORS},
    auth=PEOPLE,
    url_name="tagging",
    **ROUTE,
)
def tagging(request: HttpRequest, tagging_id: UUID) -> schemas.TaggingOut:
    found = single(request, selectors.shared_taggings().filter(uuid=tagging_id).first(), endpoint="taggings.get")
    return taggings_out(request, [found])[0]


# Last: any other address under the API is a 404 in OSDI's shape (not a redirect to a slash).
@api.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False, url_name="unknown"
)
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    return osdi_error(request, 404, "NOT_FOUND", "There is no such address in this API.")
