"""One workflow engine: every app declares its states' moves as data and changes them here.

An app declares a ``Workflow``: the model, the field holding the state, and a table of
``Transition`` rows (from which states, to which state, who may make the move, the words
staff and members see, whether a reason is needed). ``transition()`` is then the only
code that changes that field. In one transaction it locks the row, re-reads the state,
checks the move is declared from the state the row is in *now* and that the actor may make
it, writes the new state with the caller's other columns, runs the caller's hooks and
writes the audit event; if any step fails nothing is kept. ``available_transitions()``
gives the moves a person may make, for building buttons.

Who may move: a ``Role`` from ``chorus.accounts.roles``, a ``Permission`` ("app.codename"),
or a ``Party`` that is not a staff user: the member a record belongs to, or the system (a
scheduled job or a script, acting for no one). A bare role name is never accepted. Core
imports no other app, so a role is known here by what it does (``StaffRole``): it says
whether a user holds it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest

from chorus.core.audit import log_action


class TransitionNotAllowed(ValueError):
    """The workflow declares no such move from the state the record is in now."""


class ReasonRequired(ValueError):
    """The move must say why, and no reason was given."""


@runtime_checkable
class StaffRole(Protocol):
    """A staff role, as ``chorus.accounts.roles.Role`` is: named, and held by some users."""

    @property
    def name(self) -> str: ...

    def held_by(self, user: Any) -> bool: ...


@dataclass(frozen=True)
class Permission:
    """A Django permission, "app_label.codename", that allows a move."""

    codename: str


class Party(enum.Enum):
    """Someone who is not a staff user and may still move a record."""

    MEMBER = "member"  # the member or supporter the record belongs to, acting for themselves
    SYSTEM = "system"  # a scheduled job or a script, acting for no one


MEMBER = Party.MEMBER
SYSTEM = Party.SYSTEM

Who = StaffRole | Permission | Party
Actor = Any  # a user, a Party, or None (no one: always refused)


@dataclass(frozen=True)
class Transition:
    """One allowed move: from any of ``sources`` to ``target``, by any of ``who``."""

    name: str
    sources: frozenset[str]
    target: str
    who: frozenset[Who]
    staff_label: str  # the button staff press
    member_label: str  # what a member or supporter reads about the result, in plain words
    needs_reason: bool = False
    # Shown when the move is tried from a state it is not declared from; empty for a general sentence.
    refusal: str = ""

    def __post_init__(self) -> None:
        # A bare string here would be a role name or a typo that silently allows no one.
        for allowed in self.who:
            if not isinstance(allowed, Permission | Party | StaffRole):
                raise TypeError(f"Transition {self.name!r}: {allowed!r} is not a Role, Permission or Party.")

    def allows(self, actor: Actor) -> bool:
        """Whether this actor may make the move (a user by role or permission, or a party)."""
        if isinstance(actor, Party):
            return actor in self.who
        if actor is None or not getattr(actor, "is_authenticated", False):
            return False
        for allowed in self.who:
            if isinstance(allowed, StaffRole) and allowed.held_by(actor):
                return True
            if isinstance(allowed, Permission) and actor.has_perm(allowed.codename):
                return True
        return False


def step(
    name: str,
    sources: Iterable[str],
    target: str,
    who: Iterable[Who],
    staff_label: str,
    member_label: str,
    *,
    needs_reason: bool = False,
    refusal: str = "",
) -> Transition:
    """A ``Transition`` written compactly in a table."""
    return Transition(
        name=name,
        sources=frozenset(sources),
        target=target,
        who=frozenset(who),
        staff_label=staff_label,
        member_label=member_label,
        needs_reason=needs_reason,
        refusal=refusal,
    )


@dataclass(frozen=True)
class Workflow:
    """The table of moves for one model's state field, and the audit action they write.

    ``audit_action`` may name ``{name}`` (the transition) or ``{target}`` (the new state),
    as in "campaigns.action.{target}". ``model`` may be a label ("campaigns.ActionPage")
    where the model's own module imports the table, so neither waits on the other.
    """

    model: type[models.Model] | str
    state_field: str
    transitions: tuple[Transition, ...]
    audit_action: str
    by_name: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.model} workflow: two transitions share a name.")
        object.__setattr__(self, "by_name", {t.name: t for t in self.transitions})

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model) if isinstance(self.model, str) else self.model

    def get(self, name: str) -> Transition:
        try:
            return self.by_name[name]
        except KeyError:
            raise TransitionNotAllowed(f"“{name}” is not a step in this workflow.") from None

    def between(self, source: str, target: str) -> Transition | None:
        """The first declared move from ``source`` to ``target``, if there is one."""
        return next((t for t in self.transitions if source in t.sources and t.target == target), None)

    def from_state(self, state: str) -> list[Transition]:
        """Every move declared from a state, in table order, whoever may make it."""
        return [t for t in self.transitions if state in t.sources]

    def state_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.state_field))


def available_transitions(workflow: Workflow, obj: models.Model, actor: Actor) -> list[Transition]:
    """The moves this actor may make from the record's current state, for buttons."""
    return [t for t in workflow.from_state(workflow.state_of(obj)) if t.allows(actor)]


Changes = Mapping[str, Any] | Callable[[Any], Mapping[str, Any]]
Hook = Callable[[Any], Mapping[str, Any] | None]


def transition(
    workflow: Workflow,
    obj: models.Model,
    *,
    name: str = "",
    target: str = "",
    actor: Actor,
    reason: str | Callable[[Any], str] = "",
    check: Callable[[Any, Transition], None] | None = None,
    changes: Changes | None = None,
    hooks: Iterable[Hook] = (),
    audit_data: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    screen: str = "",
) -> Any:
    """Move ``obj`` by the transition called ``name`` (or the one to ``target``); returns the locked, updated row.

    - ``check(locked, transition)`` may refuse for a reason of the caller's own (raise).
    - ``changes`` are other columns to write with the state: a mapping, or a function of
      the locked row (so timestamps can depend on what the row holds now).
    - Each hook runs after the write, inside the transaction, with the locked row; what it
      returns is added to the audit event's data. A hook that raises undoes everything.

    Raises ``TransitionNotAllowed``, ``PermissionDenied`` or ``ReasonRequired``.
    """
    if bool(name) == bool(target):
        raise TypeError("Pass exactly one of name or target.")
    with transaction.atomic():
        # The lock makes two people acting at once take turns; the second one then sees the
        # first one's state below, and is refused if the move no longer applies.
        locked = workflow.model_class._default_manager.select_for_update().get(pk=obj.pk)
        current = workflow.state_of(locked)
        if name:
            chosen = workflow.get(name)
            # Who may act is checked first: someone refused learns nothing of the record's state.
            if not chosen.allows(actor):
                raise PermissionDenied("You are not allowed to make that change.")
            if current not in chosen.sources:
                raise TransitionNotAllowed(chosen.refusal or f"“{chosen.staff_label}” cannot be done now.")
        else:
            found = workflow.between(current, target)
            if found is None:
                raise TransitionNotAllowed(f"This cannot go from “{current}” to “{target}”.")
            chosen = found
            if not chosen.allows(actor):
                raise PermissionDenied("You are not allowed to make that change.")
        # A function of the locked row lets a reason already on record count.
        given = reason(locked) if callable(reason) else reason
        if chosen.needs_reason and not given.strip():
            raise ReasonRequired("Say why.")
        if check is not None:
            check(locked, chosen)
        values: dict[str, Any] = {workflow.state_field: chosen.target}
        if changes is not None:
            values.update(changes(locked) if callable(changes) else changes)
        # A queryset update writes exactly these columns: no page revision, no signal, and
        # nothing else on the row that the caller did not mean to change.
        workflow.model_class._default_manager.filter(pk=locked.pk).update(**values)
        for attname, value in values.items():
            setattr(locked, attname, value)
            setattr(obj, attname, value)
        # Ids and states only: a reason is free text and may name someone, so it is kept
        # where the caller stores it (``changes``), never in the audit log.
        data: dict[str, Any] = {"transition": chosen.name, "from": current, "to": chosen.target}
        data.update(audit_data or {})
        for hook in hooks:
            data.update(hook(locked) or {})
        user = actor if not isinstance(actor, Party) else None
        log_action(
            workflow.audit_action.format(name=chosen.name, target=chosen.target),
            actor=user,
            obj=locked,
            data=data,
            request=request if user is not None else None,
            screen=screen or (request.path[:200] if request is not None else ""),
        )
    return locked
