"""The integration API's documents, as pydantic models (OSDI 1.2 field names, HAL+JSON).

HAL's ``_links`` and ``_embedded`` are field aliases: routes answer ``by_alias``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

OSDI_CURIE_HREF = "https://opensupporter.github.io/osdi-docs/{rel}.html"


class Link(BaseModel):
    href: str
    title: str | None = None


class Curie(BaseModel):
    name: str
    href: str
    templated: bool


class Out(BaseModel):
    # HAL's names are aliases for reading and writing; code builds records by field name.
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)


class Resource(Out):
    identifiers: list[str] = Field(description="chorus:<uuid>, never a database id")
    created_date: datetime
    modified_date: datetime


EmailStatus = Literal["subscribed", "unsubscribed", "bouncing"]


class EmailAddress(BaseModel):
    address: str
    primary: bool
    status: EmailStatus


class PostalAddress(BaseModel):
    postal_code: str


class PersonLinks(Out):
    self_: Link = Field(validation_alias="self", serialization_alias="self")
    taggings: Link = Field(validation_alias="osdi:taggings", serialization_alias="osdi:taggings")
    signatures: Link = Field(validation_alias="osdi:signatures", serialization_alias="osdi:signatures")
    curies: list[Curie]


class PersonOut(Resource):
    given_name: str
    family_name: str
    email_addresses: list[EmailAddress]
    postal_addresses: list[PostalAddress]
    custom_fields: dict[str, bool] = Field(
        description="Agreements in force: consent_bulletin, consent_campaign_updates"
    )
    links: PersonLinks = Field(validation_alias="_links", serialization_alias="_links")


class Target(BaseModel):
    name: str


class PetitionLinks(Out):
    self_: Link = Field(validation_alias="self", serialization_alias="self")
    signatures: Link = Field(validation_alias="osdi:signatures", serialization_alias="osdi:signatures")
    curies: list[Curie]


class PetitionOut(Resource):
    title: str
    description: str
    total_signatures: int = Field(description="The count the action's page shows, refreshed in batches")
    target: list[Target]
    browser_url: str
    action_type: str
    links: PetitionLinks = Field(validation_alias="_links", serialization_alias="_links")


class SignatureLinks(Out):
    self_: Link = Field(validation_alias="self", serialization_alias="self")
    person: Link = Field(validation_alias="osdi:person", serialization_alias="osdi:person")
    petition: Link = Field(validation_alias="osdi:petition", serialization_alias="osdi:petition")
    curies: list[Curie]


class SignatureOut(Resource):
    action_date: datetime
    links: SignatureLinks = Field(validation_alias="_links", serialization_alias="_links")


class TagLinks(Out):
    self_: Link = Field(validation_alias="self", serialization_alias="self")
    taggings: Link = Field(validation_alias="osdi:taggings", serialization_alias="osdi:taggings")
    curies: list[Curie]


class TagOut(Resource):
    name: str
    links: TagLinks = Field(validation_alias="_links", serialization_alias="_links")


class TaggingLinks(Out):
    self_: Link = Field(validation_alias="self", serialization_alias="self")
    tag: Link = Field(validation_alias="osdi:tag", serialization_alias="osdi:tag")
    person: Link = Field(validation_alias="osdi:person", serialization_alias="osdi:person")
    curies: list[Curie]


class TaggingOut(Resource):
    links: TaggingLinks = Field(validation_alias="_links", serialization_alias="_links")


class CollectionLinks(Out):
    self_: Link = Field(validation_alias="self", serialization_alias="self")
    next: Link | None = None
    prev: Link | None = None
    curies: list[Curie]


class Collection(Out):
    total_pages: int
    per_page: int
    page: int
    total_records: int
    links: CollectionLinks = Field(validation_alias="_links", serialization_alias="_links")


class PeopleEmbedded(Out):
    items: list[PersonOut] = Field(validation_alias="osdi:people", serialization_alias="osdi:people")


class PeopleCollection(Collection):
    embedded: PeopleEmbedded = Field(validation_alias="_embedded", serialization_alias="_embedded")


class PetitionsEmbedded(Out):
    items: list[PetitionOut] = Field(validation_alias="osdi:petitions", serialization_alias="osdi:petitions")


class PetitionsCollection(Collection):
    embedded: PetitionsEmbedded = Field(validation_alias="_embedded", serialization_alias="_embedded")


class SignaturesEmbedded(Out):
    items: list[SignatureOut] = Field(validation_alias="osdi:signatures", serialization_alias="osdi:signatures")


class SignaturesCollection(Collection):
    embedded: SignaturesEmbedded = Field(validation_alias="_embedded", serialization_alias="_embedded")


class TagsEmbedded(Out):
    items: list[TagOut] = Field(validation_alias="osdi:tags", serialization_alias="osdi:tags")


class TagsCollection(Collection):
    embedded: TagsEmbedded = Field(validation_alias="_embedded", serialization_alias="_embedded")


class TaggingsEmbedded(Out):
    items: list[TaggingOut] = Field(validation_alias="osdi:taggings", serialization_alias="osdi:taggings")


class TaggingsCollection(Collection):
    embedded: TaggingsEmbedded = Field(validation_alias="_embedded", serialization_alias="_embedded")


class TombstoneOut(BaseModel):
    identifiers: list[str]
    erased_date: datetime
    reason: Literal["erased", "retention", "consent_withdrawn"]


class TombstonesEmbedded(Out):
    items: list[TombstoneOut] = Field(validation_alias="chorus:tombstones", serialization_alias="chorus:tombstones")


class TombstonesCollection(Collection):
    embedded: TombstonesEmbedded = Field(validation_alias="_embedded", serialization_alias="_embedded")


class AepLinks(Out):
    self_: Link = Field(validation_alias="self", serialization_alias="self")
    people: Link = Field(validation_alias="osdi:people", serialization_alias="osdi:people")
    petitions: Link = Field(validation_alias="osdi:petitions", serialization_alias="osdi:petitions")
    signatures: Link = Field(validation_alias="osdi:signatures", serialization_alias="osdi:signatures")
    tags: Link = Field(validation_alias="osdi:tags", serialization_alias="osdi:tags")
    taggings: Link = Field(validation_alias="osdi:taggings", serialization_alias="osdi:taggings")
    tombstones: Link = Field(validation_alias="chorus:tombstones", serialization_alias="chorus:tombstones")
    curies: list[Curie]


class AepOut(Out):
    motd: str
    vendor_name: str
    product_name: str
    osdi_version: str
    max_pagesize: int
    links: AepLinks = Field(validation_alias="_links", serialization_alias="_links")


class TagIn(BaseModel):
    """A new tag. Unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")


class ErrorDetail(BaseModel):
    code: str
    description: str


class ResourceStatus(BaseModel):
    resource: str
    response_code: int
    errors: list[ErrorDetail]


class ErrorOut(BaseModel):
    """OSDI's error shape."""

    request_type: Literal["atomic"] = "atomic"
    response_code: int
    resource_status: list[ResourceStatus]
