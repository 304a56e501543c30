"""The eligibility checker: a group answers a few yes-or-no questions and learns, before
applying, whether it can. Nothing is stored or logged: the answers only live in the address."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chorus.grants.forms import ANSWERED_FIELD, EligibilityForm

if TYPE_CHECKING:
    from chorus.grants.models import RoundPage


@dataclass(frozen=True)
class NotEligible:
    question: str
    explanation: str


@dataclass
class EligibilityCheck:
    form: EligibilityForm | None  # None: the round asks no eligibility questions
    answered: bool = False
    reasons: list[NotEligible] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        """Answered every question with the answer that lets a group apply."""
        return self.answered and self.form is not None and self.form.is_valid() and not self.reasons


def eligibility_check(round_page: RoundPage, query: Mapping[str, Any]) -> EligibilityCheck:
    """The checker for a round, answered from the query string when it was sent."""
    questions = [block.value for block in round_page.eligibility_questions if block.block_type == "question"]
    if not questions:
        return EligibilityCheck(form=None)
    texts = [str(question["question"]) for question in questions]
    if ANSWERED_FIELD not in query:
        return EligibilityCheck(form=EligibilityForm(texts))
    form = EligibilityForm(texts, data=query)
    check = EligibilityCheck(form=form, answered=True)
    if form.is_valid():
        for number, question in enumerate(questions, start=1):
            if form.cleaned_data[f"question_{number}"] != question["eligible_answer"]:
                check.reasons.append(NotEligible(question=texts[number - 1], explanation=str(question["explanation"])))
    return check
