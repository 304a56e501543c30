"""The blocks a round is built from: eligibility questions, criteria, and each size band's questions.

Every block in a StreamField keeps its id across revisions, so the next slices can hang
data on them: an application's answers are stored per question id, and a reviewer's
scores per criterion id. Reordering or rewording a question keeps its answers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks

YES = "yes"
NO = "no"
YES_OR_NO = [(YES, "Yes"), (NO, "No")]


class EligibilityQuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(
        max_length=200, help_text="A yes or no question, e.g. 'Is your group led by people with lived experience?'"
    )
    eligible_answer = blocks.ChoiceBlock(
        choices=YES_OR_NO, default=YES, help_text="The answer a group needs to give to be able to apply."
    )
    explanation = blocks.TextBlock(
        help_text="Shown to anyone who gives the other answer: why, in plain words, and where else they could look."
    )

    class Meta:
        icon = "help"
        label = "Yes or no question"


class EligibilityBlock(blocks.StreamBlock):
    question = EligibilityQuestionBlock()

    class Meta:
        # A short checker: people answer it before reading anything else.
        max_num = 8


def _named(block: blocks.CharBlock, name: str) -> blocks.CharBlock:
    """Wagtail gives a text box directly in a stream or list no <label>, only a panel
    heading; naming the widget (as chorus.pages.blocks does for headings) gives screen
    readers its name, and changes neither the definition nor the stored JSON."""
    block.field.widget.attrs["aria-label"] = name
    return block


class CriteriaBlock(blocks.StreamBlock):
    criterion = _named(
        blocks.CharBlock(
            max_length=300, help_text="One thing we look for, in plain words, e.g. 'The group is run by its members.'"
        ),
        "Criterion",
    )


class QuestionBlock(blocks.StructBlock):
    """What every question has; each type adds what it needs."""

    question = blocks.CharBlock(max_length=250)
    help_text = blocks.TextBlock(required=False, help_text="A hint under the question: what a good answer covers.")
    required = blocks.BooleanBlock(
        required=False, default=True, help_text="Untick if a group can leave it out and still apply."
    )

    kind_words = "question"

    class Meta:
        icon = "help"


class TextQuestionBlock(QuestionBlock):
    word_guide = blocks.IntegerBlock(
        min_value=10,
        max_value=2000,
        default=150,
        help_text="About how many words we expect. A guide, not a limit: longer answers are still read.",
    )

    kind_words = "written answer"

    class Meta:
        icon = "pilcrow"
        label = "Written answer"


class ChoiceQuestionBlock(QuestionBlock):
    options = blocks.ListBlock(
        _named(blocks.CharBlock(max_length=120), "Option"), min_num=2, help_text="Each option a group can pick."
    )
    more_than_one = blocks.BooleanBlock(required=False, help_text="Tick if a group may pick more than one option.")

    kind_words = "choice"

    class Meta:
        icon = "list-ul"
        label = "Choice"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        options = [str(option).strip().lower() for option in value["options"]]
        if len(set(options)) != len(options):
            raise blocks.StructBlockValidationError(
                block_errors={"options": ValidationError("Each option needs different words.")}
            )
        return value


class AmountQuestionBlock(QuestionBlock):
    kind_words = "amount in pounds"

    class Meta:
        icon = "doc-full"
        label = "Amount in pounds"


class DateQuestionBlock(QuestionBlock):
    kind_words = "date"

    class Meta:
        icon = "date"
        label = "Date"


class FileQuestionBlock(QuestionBlock):
    kind_words = "file"

    class Meta:
        icon = "doc-full-inverse"
        label = "File"


class QuestionSetBlock(blocks.StreamBlock):
    """The small library of question types staff build a band's questions from."""

    text = TextQuestionBlock()
    choice = ChoiceQuestionBlock()
    amount = AmountQuestionBlock()
    date = DateQuestionBlock()
    file = FileQuestionBlock()
