"""Funds and rounds for tests, built the way staff build them in the editor."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from chorus.grants.models import FundPage, RoundBand, RoundPage
from chorus.pages.models import HomePage

ELIGIBILITY = [
    ("Is your group user-led?", "yes", "This fund is only for groups run by people with lived experience."),
    ("Is your group based in England or Wales?", "yes", "We can only fund groups in England and Wales."),
    ("Do you already hold a grant from us for this work?", "no", "We give one grant at a time for the same work."),
]


def text_questions(count: int) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("text", {"question": f"Question {n}?", "help_text": "", "required": True, "word_guide": 100})
        for n in range(1, count + 1)
    ]


def make_fund(home: HomePage, **fields: Any) -> FundPage:
    fund = FundPage(
        title=fields.pop("title", "Grassroots Resilience Fund"),
        summary="Small grants for user-led groups.",
        who_it_is_for="User-led groups, registered or not.",
        what_it_funds="Running costs and activities.",
        typical_sizes="Most grants are between £300 and £2,500.",
        **fields,
    )
    home.add_child(instance=fund)
    fund.save_revision().publish()
    return fund


def make_round(
    fund: FundPage,
    *,
    title: str = "Winter round",
    opens: datetime | None = None,
    closes: datetime | None = None,
    bands: list[tuple[str, int, int]] | None = None,
    eligibility: list[tuple[str, str, str]] | None = None,
    **fields: Any,
) -> RoundPage:
    now = timezone.now()
    opens = opens or now - timedelta(days=5)
    closes = closes or now + timedelta(days=10)
    decided: date = closes.date() + timedelta(weeks=6)
    round_page = RoundPage(
        title=title,
        summary=fields.pop("summary", "Grants of up to £2,500."),
        opens_at=opens,
        closes_at=closes,
        budget=fields.pop("budget", 20000),
        decision_date=decided,
        payment_date=decided + timedelta(weeks=2),
        criteria=[("criterion", "The group is user-led."), ("criterion", "The cost is realistic.")],
        eligibility_questions=[
            ("question", {"question": q, "eligible_answer": a, "explanation": e})
            for q, a, e in (ELIGIBILITY if eligibility is None else eligibility)
        ],
        **fields,
    )
    round_page.bands = [
        RoundBand(name=name, up_to=up_to, questions=text_questions(count), sort_order=order)
        for order, (name, up_to, count) in enumerate(bands or [("Small grants", 500, 3), ("Larger grants", 2500, 6)])
    ]
    fund.add_child(instance=round_page)
    round_page.save_revision().publish()
    return round_page


def make_mixed_round(fund: FundPage, **kwargs: Any) -> RoundPage:
    """A round whose small grants ask one of each kind of question the form offers."""
    round_page = make_round(fund, **kwargs)
    band = round_page.bands.get(name="Small grants")
    band.questions = [
        ("text", {"question": "What will you do?", "help_text": "", "required": True, "word_guide": 50}),
        (
            "choice",
            {
                "question": "Where do you meet?",
                "help_text": "",
                "required": True,
                "options": ["Online", "In person"],
                "more_than_one": False,
            },
        ),
        (
            "choice",
            {
                "question": "Who takes part?",
                "help_text": "",
                "required": False,
                "options": ["Young people", "Carers", "Elders"],
                "more_than_one": True,
            },
        ),
        ("amount", {"question": "How much do you need?", "help_text": "", "required": True}),
        ("date", {"question": "When would you start?", "help_text": "", "required": False}),
    ]
    band.save()
    return round_page
