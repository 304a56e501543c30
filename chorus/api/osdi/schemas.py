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
    model_config = ConfigDict(populate_by_name=True)


class Resource(Out):
    identifiers: list[str] = Field(description="chorus:<uuid>, never a database id")
    created_date: datetime
    modified_date: datetime


class EmailAddress(BaseModel):
    address: str
    primary: bool
    status: Literal["subscribed", "unsubscribed", "bouncing"]


class PostalAddress(BaseModel):
    postal_code: str


class PersonLinks(Out):
    self_: Link = Field(alias="self")
    taggings: Link = Field(alias="osdi:taggings")
    signatures: Link = Field(alias="osdi:signatures")
    curies: list[Curie]


class PersonOut(Resource):
    given_name: str
    family_name: str
    email_addresses: list[EmailAddress]
    postal_addresses: list[PostalAddress]
    custom_fields: dict[str, bool] = Field(
        description="Agreements in force: consent_bulletin, consent_campaign_updates"
    )
    links: PersonLinks = Field(alias="_links")


class Target(BaseModel):
    name: str


class PetitionLinks(Out):
    self_: Link = Field(alias="self")
    signatures: Link = Field(alias="osdi:signatures")
    curies: list[Curie]


class PetitionOut(Resource):
    title: str
    description: str
    total_signatures: int = Field(description="The count the action's page shows, refreshed in batches")
    target: list[Target]
    browser_url: str
    action_type: str
    links: PetitionLinks = Field(alias="_links")


class SignatureLinks(Out):
    self_: Link = Field(alias="self")
    person: Link = Field(alias="osdi:person")
    petition: Link = Field(alias="osdi:petition")
    curies: list[Curie]


class SignatureOut(Resource):
    action_date: datetime
    links: SignatureLinks = Field(alias="_links")


class TagLinks(Out):
    self_: Link = Field(alias="self")
    taggings: Link = Field(alias="osdi:taggings")
    curies: list[Curie]


class TagOut(Resource):
    name: str
    links: TagLinks = Field(alias="_links")


class TaggingLinks(Out):
    self_: Link = Field(alias="self")
    tag: Link = Field(alias="osdi:tag")
    person: Link = Field(alias="osdi:person")
    curies: list[Curie]


class TaggingOut(Resource):
    links: TaggingLinks = Field(alias="_links")


class CollectionLinks(Out):
    self_: Link = Field(alias="self")
    next: Link | None = None
    prev: Link | None = None
    curies: list[Curie]


class Collection(Out):
    total_pages: int
    per_page: int
    page: int
    total_records: int
    links: CollectionLinks = Field(alias="_links")


class PeopleEmbedded(Out):
    items: list[PersonOut] = Field(alias="osdi:people")


class PeopleCollection(Collection):
    embedded: PeopleEmbedded = Field(alias="_embedded")


class PetitionsEmbedded(Out):
    items: list[PetitionOut] = Field(alias="osdi:petitions")


class PetitionsCollection(Collection):
    embedded: PetitionsEmbedded = Field(alias="_embedded")


class SignaturesEmbedded(Out):
    items: list[SignatureOut] = Field(alias="osdi:signatures")


class SignaturesCollection(Collection):
    embedded: SignaturesEmbedded = Field(alias="_embedded")


class TagsEmbedded(Out):
    items: list[TagOut] = Field(alias="osdi:tags")


class TagsCollection(Collection):
    embedded: TagsEmbedded = Field(alias="_embedded")


class TaggingsEmbedded(Out):
    items: list[TaggingOut] = Field(alias="osdi:taggings")


class TaggingsCollection(Collection):
    embedded: TaggingsEmbedded = Field(alias="_embedded")


class TombstoneOut(BaseModel):
    identifiers: list[str]
    erased_date: datetime
    reason: Literal["erased", "retention", "consent_withdrawn"]


class TombstonesEmbedded(Out):
    items: list[TombstoneOut] = Field(alias="chorus:tombstones")


class TombstonesCollection(Collection):
    embedded: TombstonesEmbedded = Field(alias="_embedded")


class AepLinks(Out):
    self_: Link = Field(alias="self")
    people: Link = Field(alias="osdi:people")
    petitions: Link = Field(alias="osdi:petitions")
    signatures: Link = Field(alias="osdi:signatures")
    tags: Link = Field(alias="osdi:tags")
    taggings: Link = Field(alias="osdi:taggings")
    tombstones: Link = Field(alias="chorus:tombstones")
    curies: list[Curie]


class AepOut(Out):
    motd: str
    vendor_name: str
    product_name: str
    osdi_version: str
    max_pagesize: int
    links: AepLinks = Field(alias="_links")


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
