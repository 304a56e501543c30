"""Every event the code writes to the audit log has words for people (chorus.core.audit_events)."""

from __future__ import annotations

import re
from pathlib import Path

import chorus
from chorus.core.audit_events import event_kinds

# log_action("support.request.viewed", ...) and log_actions("...", ...): the first argument, and
# every literal action in it ("tracker.import.completed" if ok else "tracker.import.failed").
FIRST_ARGUMENT = re.compile(r"log_actions?\(\s*([^,()]+),")
LITERAL_ACTION = re.compile(r'"([a-z_]+\.[a-z_.]+)"')


def logged_actions() -> dict[str, Path]:
    root = Path(chorus.__file__).parent
    found: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for argument in FIRST_ARGUMENT.findall(path.read_text()):
            for action in LITERAL_ACTION.findall(argument):
                found.setdefault(action, path)
    return found


def test_every_action_the_code_logs_has_a_name_and_a_sentence() -> None:
    kinds = event_kinds()
    missing = {action: str(path) for action, path in logged_actions().items() if action not in kinds}
    assert not missing, f"Name these events in their app's audit_events.py: {missing}"


def test_the_scan_finds_actions_across_the_apps() -> None:
    apps = {action.split(".")[0] for action in logged_actions()}
    assert {"support", "campaigns", "bulletin", "tracker", "people", "accounts", "core"} <= apps


def test_names_are_words_not_codes() -> None:
    for action, kind in event_kinds().items():
        assert "." not in kind.label and "_" not in kind.label, action
        words = re.sub(r"\{[a-z_]+\}", "", kind.sentence)
        assert "_" not in words and "." not in words, action


def test_every_move_of_every_workflow_writes_an_event_with_words() -> None:
    from chorus.bulletin.workflow import ISSUE_WORKFLOW
    from chorus.campaigns.workflow import ACTION_WORKFLOW
    from chorus.support.workflow import SUPPORT_WORKFLOW
    from chorus.tracker.workflow import RESPONSE_WORKFLOW

    kinds = event_kinds()
    for workflow in (ISSUE_WORKFLOW, ACTION_WORKFLOW, SUPPORT_WORKFLOW, RESPONSE_WORKFLOW):
        for move in workflow.transitions:
            action = workflow.audit_action.format(name=move.name, target=move.target)
            assert action in kinds, f"{action} (a move of {workflow.model_class}) has no words"
