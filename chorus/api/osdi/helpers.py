"""OSDI helpers: a CRM records a signature or signs someone up, through the same services
as the public signing and subscribe forms.

What the API can never do is decide for the person: every signature and every signup still
waits for its owner to press the link in the confirmation email, and an agreement to hear
from the network is recorded only when the caller says so explicitly (``consent``), and
even then only once the person confirms. Silence means no.

Both answer ``202 Accepted`` with the same body whatever the address (new, already signed,
already subscribed, rate limited): the answer tells the caller nothing about who is on our
lists, exactly as the forms do.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Status
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic import ValidationError as PydanticValidationError

from chorus.api.models import ApiToken, Scope, Tagging
from chorus.api.osdi import schemas, selectors
from chorus.api.osdi.api import CURIES, ERRORS, MAX_BODY_BYTES, ROUTE, api, href, osdi_error, token_of
from chorus.api.osdi.auth import token_auth
from chorus.api.services import tag_get_or_create
from chorus.api.tokens import api_token_used
from chorus.bulletin.services.subscriptions import subscription_request_queue
from chorus.campaigns.services.signing import SignerDetails, SubmitOutcome, signature_submit
from chorus.core.crypto import blind_index, email_index
from chorus.people.selectors import person_find_by_email

MAX_TAGS = 20
# The same words the forms' confirmation pages and audit trail use for where it came from.
SOURCE = "integration API"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Conservative on purpose (what Django's validator accepts, written so the OpenAPI document says it too).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)
PLAIN = r"^[^\x00-\x1f\x7f]*$"


class EmailIn(_In):
    address: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    primary: StrictBool = True
    status: str | None = Field(None, max_length=20, description="Ignored: the person's own confirmation decides.")

    @field_validator("address")
    @classmethod
    def an_address(cls, value: str) -> str:
        value = value.strip()
        try:
            validate_email(value)
        except DjangoValidationError as error:
            raise ValueError("not an email address") from error
        return value


class PostalIn(_In):
    postal_code: str = Field("", max_length=10, pattern=PLAIN)


class PersonIn(_In):
    given_name: str = Field("", max_length=100, pattern=PLAIN)
    family_name: str = Field("", max_length=100, pattern=PLAIN)
    email_addresses: list[EmailIn] = Field(min_length=1, max_length=5)
    postal_addresses: list[PostalIn] = Field(default_factory=list, max_length=1)

    @field_validator("given_name", "family_name")
    @classmethod
    def plain(cls, value: str) -> str:
        if any(ord(char) < 32 for char in value):
            raise ValueError("control characters are not allowed")
        return " ".join(value.split())

    @property
    def email(self) -> str:
        primary = [email for email in self.email_addresses if email.primary]
        return (primary or self.email_addresses)[0].address

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class SignatureConsentIn(_In):
    """What the person asked for besides signing, each only if sent as true."""

    campaign_updates: StrictBool = Field(default=False, description="Updates on this campaign, once they confirm.")
    bulletin: StrictBool = Field(default=False, description="The members' bulletin, once they confirm.")


class PersonConsentIn(_In):
    bulletin: Literal[True] = Field(description="Must be true: the person asked for the bulletin.")


TagName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]


class SignatureHelperIn(_In):
    person: PersonIn
    add_tags: list[TagName] = Field(default_factory=list, max_length=MAX_TAGS)
    consent: SignatureConsentIn = Field(default_factory=lambda: SignatureConsentIn())


class PersonHelperIn(_In):
    person: PersonIn
    add_tags: list[TagName] = Field(default_factory=list, max_length=MAX_TAGS)
    consent: PersonConsentIn = Field(description="Required: silence means no.")


class HelperLinks(schemas.Out):
    self_: schemas.Link = Field(validation_alias="self", serialization_alias="self")
    petition: schemas.Link | None = Field(
        default=None, validation_alias="osdi:petition", serialization_alias="osdi:petition"
    )
    curies: list[schemas.Curie]


class HelperOut(schemas.Out):
    """What a helper answers: received, and what happens next. The same for every address."""

    status: str = "received"
    description: str
    links: HelperLinks = Field(validation_alias="_links", serialization_alias="_links")


def _read[M: BaseModel](request: HttpRequest, model: type[M], *, consent_required: bool = False) -> M | HttpResponse:
    """The body as ``model``, or the OSDI error to answer with (type and size checked first)."""
    if request.content_type != "application/json":
        return osdi_error(request, 415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return osdi_error(request, 413, "TOO_LARGE", f"The body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        return model.model_validate_json(request.body)
    except PydanticValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "body"
        code = "CONSENT_REQUIRED" if consent_required and where.startswith("consent") else "INVALID_INPUT"
        return osdi_error(request, 400, code, f"{where}: {first.get('msg', 'invalid')}"[:300])


def _tags_refused(request: HttpRequest, token: ApiToken, tags: list[str]) -> HttpResponse | None:
    if tags and not token.has_scope(Scope.TAGS_WRITE):
        return osdi_error(request, 403, "FORBIDDEN", "add_tags needs a token with the tags:write scope.")
    return None


def _tag_if_shared(*, email: str, tags: list[str], token: ApiToken) -> int:
    """Tag the person only if the API already shares them (they agreed to hear from the
    network); anyone else gets no labels. The answer is the same either way."""
    if not tags:
        return 0
    person = person_find_by_email(email=email)
    if person is None or not selectors.shareable_people().filter(pk=person.pk).exists():
        return 0
    for name in tags:
        if not " ".join(name.split()):
            continue  # only spaces: no tag
        tag, _ = tag_get_or_create(name=name, token=token)
        Tagging.objects.get_or_create(tag=tag, person=person)
    return len(tags)


HELPER_RESPONSES: dict[int, Any] = {202: HelperOut, 413: schemas.ErrorOut, 415: schemas.ErrorOut, **ERRORS}


def _inlined(schema: Any, defs: dict[str, Any]) -> Any:
    """A JSON schema with its ``$defs`` references written out, to stand alone in the document."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inlined(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
        return {key: _inlined(value, defs) for key, value in schema.items() if key != "$defs"}
    if isinstance(schema, list):
        return [_inlined(item, defs) for item in schema]
    return schema


def _openapi_body(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    body = _inlined(schema, schema.get("$defs", {}))
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": body}}}}


@api.post(
    "/petitions/{uuid:petition_id}/signatures",
    response=HELPER_RESPONSES,
    auth=token_auth(Scope.SIGNATURES_WRITE),
    url_name="record_signature_helper",
    openapi_extra=_openapi_body(SignatureHelperIn),
    **ROUTE,
)
def record_signature_helper(request: HttpRequest, petition_id: UUID) -> Status[HelperOut] | HttpResponse:
    """Record a signature (OSDI record_signature_helper). The person is emailed a link and the
    signature counts only once they confirm; consent.campaign_updates and consent.bulletin are
    recorded, on confirmation, only if sent as true."""
    token = token_of(request)
    body = _read(request, SignatureHelperIn)
    if isinstance(body, HttpResponse):
        return body
    if refused := _tags_refused(request, token, body.add_tags):
        return refused
    action = selectors.published_actions().filter(translation_key=petition_id).first()
    if action is None:
        return osdi_error(request, 404, "NOT_FOUND", "There is no such petition.")
    if not action.is_open:
        return osdi_error(request, 409, "CLOSED", "This petition is not taking signatures.")
    details = SignerDetails(
        email=body.person.email,
        name=body.person.name,
        postcode=body.person.postal_addresses[0].postal_code if body.person.postal_addresses else "",
        wants_updates=body.consent.campaign_updates,
        wants_bulletin=body.consent.bulletin,
    )
    with transaction.atomic():
        # Keyed by token, never an address: staff can find (and invalidate) what one token sent.
        outcome = signature_submit(
            action=action,
            details=details,
            ip_hash=blind_index(f"api-token:{token.prefix}", purpose="api.signer")[:32],
            limit_key=f"api:{token.prefix}:{email_index(details.email)}",
        )
        tagged = _tag_if_shared(email=details.email, tags=body.add_tags, token=token)
        api_token_used(
            token=token,
            endpoint="petitions.record_signature",
            records=int(outcome == SubmitOutcome.RECEIVED) + tagged,
            request=request,
        )
    key = action.translation_key
    return Status(
        202,
        HelperOut(
            description="Received. The person is emailed a link; the signature counts once they confirm.",
            links=HelperLinks(
                self_=href(request, "record_signature_helper", petition_id=key),
                petition=href(request, "petition", petition_id=key),
                curies=CURIES,
            ),
        ),
    )


@api.post(
    "/people",
    response=HELPER_RESPONSES,
    auth=token_auth(Scope.PEOPLE_WRITE),
    url_name="person_signup_helper",
    openapi_extra=_openapi_body(PersonHelperIn),
    **ROUTE,
)
def person_signup_helper(request: HttpRequest) -> Status[HelperOut] | HttpResponse:
    """Sign someone up for the bulletin (OSDI person_signup_helper). consent.bulletin must be
    true; the person is emailed a link and receives nothing until they confirm."""
    token = token_of(request)
    body = _read(request, PersonHelperIn, consent_required=True)
    if isinstance(body, HttpResponse):
        return body
    if refused := _tags_refused(request, token, body.add_tags):
        return refused
    with transaction.atomic():
        # The subscribe form's own service: one outbox row, which sends the confirmation link.
        subscription_request_queue(email=body.person.email, name=body.person.name, source=SOURCE)
        tagged = _tag_if_shared(email=body.person.email, tags=body.add_tags, token=token)
        api_token_used(token=token, endpoint="people.signup", records=1 + tagged, request=request)
    return Status(
        202,
        HelperOut(
            description="Received. The person is emailed a link and hears from the network once they confirm.",
            links=HelperLinks(self_=href(request, "person_signup_helper"), curies=CURIES),
        ),
    )
