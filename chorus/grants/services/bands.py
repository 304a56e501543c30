"""Rules for a round's grant sizes: amounts that make sense, and questions sized to the grant.

IVAR's "Open and Trusting" commitments ask funders to be proportionate: a group asking
for a few hundred pounds should not write a long application. Staff are warned, never
refused, when a small grant asks many questions: sometimes a question is needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A grant of this much or less is "small" (issue 24)...
SMALL_GRANT_MOST = 1000
# ...and asks at most this many questions before staff are warned.
MOST_QUESTIONS_FOR_A_SMALL_GRANT = 5


def band_amount_problems(amounts: Sequence[int | None], *, budget: int | None) -> list[str]:
    """What is wrong with a round's grant sizes, in words for staff; empty when nothing is."""
    if not amounts:
        return ["Add at least one grant size, so groups know how much they can ask for."]
    # An amount left empty or below £1 already has its own message by the field.
    given = [amount for amount in amounts if amount is not None and amount > 0]
    problems = []
    repeated = sorted({amount for amount in given if given.count(amount) > 1})
    for amount in repeated:
        problems.append(f"Two grant sizes go up to £{amount:,}. Give each size a different amount.")
    if budget is not None:
        for amount in sorted({amount for amount in given if amount > budget}):
            problems.append(f"A grant size of up to £{amount:,} is more than the round's budget of £{budget:,}.")
    return problems


@dataclass(frozen=True)
class QuestionLoadWarning:
    band_name: str
    up_to: int
    questions: int

    @property
    def advice(self) -> str:
        return (
            f"“{self.band_name}” (up to £{self.up_to:,}) asks {self.questions} questions. "
            f"Grants of £{SMALL_GRANT_MOST:,} or less should ask {MOST_QUESTIONS_FOR_A_SMALL_GRANT} or fewer: "
            "could you leave some out, or ask them only of larger grants?"
        )


def question_load_warnings(bands: Iterable[tuple[str, int, int]]) -> list[QuestionLoadWarning]:
    """The small bands that ask too many questions, from (name, up to, number of questions)."""
    return [
        QuestionLoadWarning(band_name=name, up_to=up_to, questions=questions)
        for name, up_to, questions in bands
        if up_to <= SMALL_GRANT_MOST and questions > MOST_QUESTIONS_FOR_A_SMALL_GRANT
    ]
