"""The sections registry: what each app contributes to pages and emails that another app owns.

The home page and the priority-area pages belong to ``pages``, the weekly draft to
``bulletin``; what fills them (the latest articles, a spotlit campaign's other actions,
the week's consultations) belongs to the apps that hold it. Each app registers its
contributions in its ``AppConfig.ready()``:

    from chorus.core import sections

    sections.HOME_PAGE.register(
        latest_articles_section,
        name="news.latest_articles",
        label="Latest policy news and briefings",
        order=30,
        template="news/sections/home_latest_articles.html",
    )

so the owner of a page imports none of the apps that fill it, and the apps form no import
circle (``chorus/core/tests/test_import_graph.py``). Each place states the type of the
callables it takes; a registration is checked when the process starts
(``chorus.core.checks.check_sections``): a duplicate name, a callable that does not take
the place's keyword arguments, or a template that does not exist stops ``runserver``, the
worker and ``manage.py check``, rather than a page failing later.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chorus.core.digest import DigestItem

if TYPE_CHECKING:
    from django.http import HttpRequest
    from wagtail.models import Page


class PageSection(Protocol):
    """A section of a page: its template's data, or None to leave the section out."""

    def __call__(self, *, request: HttpRequest, page: Page) -> Mapping[str, Any] | None: ...


class SpotlightCompanions(Protocol):
    """Pages to show beside the page in the home page's spotlight (none if it is not theirs)."""

    def __call__(self, *, page: Page) -> Sequence[Page]: ...


class DraftSource(Protocol):
    """Items for the weekly bulletin draft, from what happened between ``since`` and ``until``."""

    def __call__(self, *, since: datetime, until: datetime) -> list[DigestItem]: ...


class DemoContent(Protocol):
    """Create an app's demo content if it is missing; returns a short summary of what it did."""

    def __call__(self) -> str: ...


class ReferenceDescriber(Protocol):
    """Plain words for one of an app's own references, or None when it is not the app's.

    Records such as consents keep where they were given as a short reference
    ("campaigns.sign:31", "campaigns.action:31"); the privacy page shows people what it
    means ("Signed “Cameras off our wards”") without the people app importing the app
    that made it.
    """

    def __call__(self, *, reference: str) -> str | None: ...


@dataclass(frozen=True)
class SearchHit:
    """One thing the site's search found that is not a page: a tracked consultation or bill."""

    title: str
    url: str
    meta: str  # what kind of thing it is, in words: "Consultation · Department of Health"
    summary: str


class SearchSource(Protocol):
    """What an app's own records (not pages) hold that matches the search words."""

    def __call__(self, *, query: str) -> Sequence[SearchHit]: ...


@dataclass(frozen=True)
class Contribution[Source]:
    """One app's part in a place."""

    name: str  # "news.latest_articles": unique in its place, named in messages
    label: str  # what it is, in plain words, for people reading messages and code
    order: int  # lower first; leave gaps (10, 20, 30) so apps can slot in between
    source: Source
    template: str = ""  # page sections: the template that shows the section
    head_template: str = ""  # page sections: anything it adds to the page's <head>, such as a feed link


class Place[Source]:
    """Somewhere apps contribute: a page's sections, the bulletin draft, the demo."""

    def __init__(self, name: str, *, keywords: tuple[str, ...], takes_templates: bool = False) -> None:
        self.name = name
        # The keyword arguments every contribution is called with (checked at start-up).
        self.keywords = keywords
        self.takes_templates = takes_templates
        self.registered: list[Contribution[Source]] = []

    def __repr__(self) -> str:
        return f"<Place {self.name}>"

    def register(
        self, source: Source, *, name: str, label: str, order: int, template: str = "", head_template: str = ""
    ) -> None:
        """Add an app's contribution; call it from the app's ``AppConfig.ready()``."""
        contribution = Contribution(
            name=name, label=label, order=order, source=source, template=template, head_template=head_template
        )
        # Django may call ready() twice in odd set-ups; the same contribution counts once.
        if contribution not in self.registered:
            self.registered.append(contribution)

    def contributions(self) -> list[Contribution[Source]]:
        """Every contribution, in order (then by name, so equal orders stay put)."""
        return sorted(self.registered, key=lambda contribution: (contribution.order, contribution.name))

    @contextmanager
    def replaced(self, contributions: Iterable[Contribution[Source]]) -> Iterator[None]:
        """Use only these contributions inside the block (for tests), then restore what was registered."""
        kept = self.registered
        self.registered = list(contributions)
        try:
            yield
        finally:
            self.registered = kept


HOME_PAGE: Place[PageSection] = Place("home page", keywords=("request", "page"), takes_templates=True)
PRIORITY_AREA_PAGE: Place[PageSection] = Place(
    "priority-area page", keywords=("request", "page"), takes_templates=True
)
SPOTLIGHT_COMPANIONS: Place[SpotlightCompanions] = Place("spotlight companions", keywords=("page",))
BULLETIN_DRAFT: Place[DraftSource] = Place("bulletin draft", keywords=("since", "until"))
DEMO_CONTENT: Place[DemoContent] = Place("demo content", keywords=())
REFERENCE_DESCRIBERS: Place[ReferenceDescriber] = Place("privacy page's reference describers", keywords=("reference",))
# Pages are searched by the pages app itself; each group here is shown under its label.
SEARCH_RESULTS: Place[SearchSource] = Place("search results", keywords=("query",))

PLACES: tuple[Place[Any], ...] = (
    HOME_PAGE,
    PRIORITY_AREA_PAGE,
    SPOTLIGHT_COMPANIONS,
    BULLETIN_DRAFT,
    DEMO_CONTENT,
    REFERENCE_DESCRIBERS,
    SEARCH_RESULTS,
)


@dataclass(frozen=True)
class ShownSection:
    """A page section that has something to show: its templates and their data."""

    name: str
    template: str
    head_template: str
    data: Mapping[str, Any]


def page_sections(place: Place[PageSection], *, request: HttpRequest, page: Page) -> list[ShownSection]:
    """The sections of ``place`` that have something to show on ``page``, in order.

    A page's template shows each with ``{% include shown.template with section=shown.data %}``.
    """
    shown = []
    for contribution in place.contributions():
        data = contribution.source(request=request, page=page)
        if data is not None:
            shown.append(
                ShownSection(
                    name=contribution.name,
                    template=contribution.template,
                    head_template=contribution.head_template,
                    data=data,
                )
            )
    return shown
