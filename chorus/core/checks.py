"""System checks for the periodic-job registry, task leases and the sections registry.

Registered in ``CoreConfig.ready()``, so they run when ``runserver``, ``db_worker``,
``run_scheduler`` and ``manage.py check`` start: a broken declaration stops the process
there instead of failing quietly in the scheduler later.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.tasks import Task
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from chorus.core.leases import DeclaredLease, leases_declared
from chorus.core.periodic import PeriodicJob, dotted_path, periodic_jobs
from chorus.core.sections import PLACES, Place


def _needs_arguments(task: Task[Any, Any]) -> bool:
    parameters = list(inspect.signature(task.func).parameters.values())
    if task.takes_context:
        parameters = parameters[1:]
    required = (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        inspect.Parameter.KEYWORD_ONLY,
    )
    return any(p.kind in required and p.default is inspect.Parameter.empty for p in parameters)


def periodic_job_errors(jobs: Sequence[PeriodicJob]) -> list[checks.CheckMessage]:
    """What is wrong with these job declarations, as system-check errors."""
    errors: list[checks.CheckMessage] = []
    counts = Counter(job.name for job in jobs)
    for name, count in sorted(counts.items()):
        if count > 1:
            paths = ", ".join(job.task_path for job in jobs if job.name == name)
            errors.append(
                checks.Error(
                    f"The periodic job name {name!r} is declared {count} times ({paths}).",
                    hint="Give each job its own name: the name keys the job's schedule in the database.",
                    id="core.E001",
                )
            )
    for job in jobs:
        if not isinstance(job.task, Task):
            errors.append(
                checks.Error(
                    f"The periodic job {job.name!r} is declared on {job.task_path}, which is not a Task.",
                    hint="Put @periodic(...) above @task, on a function in a tasks.py module.",
                    obj=job.task,
                    id="core.E002",
                )
            )
        elif _needs_arguments(job.task):
            errors.append(
                checks.Error(
                    f"The periodic job {job.name!r} runs {job.task_path}, which needs arguments.",
                    hint="The scheduler enqueues periodic tasks with no arguments.",
                    obj=job.task,
                    id="core.E003",
                )
            )
        if not isinstance(job.every, timedelta) or job.every <= timedelta(0):
            errors.append(
                checks.Error(
                    f"The periodic job {job.name!r} has the interval {job.every!r}; it must be a positive timedelta.",
                    id="core.E004",
                )
            )
    return errors


def lease_errors(leases: Sequence[DeclaredLease]) -> list[checks.CheckMessage]:
    """What is wrong with these lease declarations, as system-check errors."""
    errors: list[checks.CheckMessage] = []
    for declared in leases:
        if not isinstance(declared.task, Task):
            errors.append(
                checks.Error(
                    f"A lease is declared on {declared.task_path}, which is not a Task.",
                    hint="Put @lease(...) above @task.",
                    obj=declared.task,
                    id="core.E005",
                )
            )
        if not isinstance(declared.duration, timedelta) or declared.duration <= timedelta(0):
            errors.append(
                checks.Error(
                    f"The lease of {declared.task_path} is {declared.duration!r}; it must be a positive timedelta.",
                    id="core.E006",
                )
            )
    return errors


def check_periodic_jobs(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return periodic_job_errors(periodic_jobs()) + lease_errors(leases_declared())


def _takes_keywords(source: Any, keywords: tuple[str, ...]) -> bool:
    try:
        inspect.signature(source).bind(**dict.fromkeys(keywords))
    except TypeError:
        return False
    except ValueError:
        return True  # no signature to read (a builtin): it is called and fails loudly if wrong
    return True


def _template_missing(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return True
    return False


def section_errors(places: Sequence[Place[Any]]) -> list[checks.CheckMessage]:
    """What is wrong with the contributions registered in these places, as system-check errors."""
    errors: list[checks.CheckMessage] = []
    for place in places:
        counts = Counter(contribution.name for contribution in place.registered)
        for name, count in sorted(counts.items()):
            if count > 1:
                errors.append(
                    checks.Error(
                        f"The {place.name} has {count} contributions named {name!r}.",
                        hint="Give each contribution its own name; an app registers each once, in its ready().",
                        id="core.E101",
                    )
                )
        for contribution in place.registered:
            where = f"The {place.name}'s contribution {contribution.name!r}"
            if not callable(contribution.source) or not _takes_keywords(contribution.source, place.keywords):
                arguments = ", ".join(place.keywords) or "no arguments"
                errors.append(
                    checks.Error(
                        f"{where} is {dotted_path(contribution.source)}, which cannot be called with {arguments}.",
                        hint="Register a function that takes exactly the place's keyword arguments.",
                        obj=contribution.source,
                        id="core.E102",
                    )
                )
            if isinstance(contribution.order, bool) or not isinstance(contribution.order, int):
                errors.append(
                    checks.Error(
                        f"{where} has the order {contribution.order!r}; it must be a whole number.", id="core.E103"
                    )
                )
            templates = [name for name in (contribution.template, contribution.head_template) if name]
            if place.takes_templates and not contribution.template:
                errors.append(checks.Error(f"{where} names no template to show it.", id="core.E104"))
            elif not place.takes_templates and templates:
                errors.append(
                    checks.Error(f"{where} names a template, but the {place.name} shows none.", id="core.E104")
                )
            for name in templates:
                if place.takes_templates and _template_missing(name):
                    errors.append(
                        checks.Error(f"{where} names the template {name!r}, which does not exist.", id="core.E105")
                    )
    return errors


def check_sections(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return section_errors(PLACES)


def check_site_follows_site_url(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Warn while the default Wagtail Site would write links that do not start with SITE_URL.

    Tagged ``database``: it runs at ``migrate`` (every deployment's first step) and with
    ``check --database default``, not on every management command.
    """
    from django.conf import settings
    from django.db import DatabaseError
    from wagtail.models import Site

    from chorus.core.sites import site_follows_site_url

    if not databases or "default" not in databases:
        return []
    try:
        site = Site.objects.filter(is_default_site=True).first()
    except DatabaseError:
        return []  # before the first migration there is no Site to compare
    if site is None or site_follows_site_url(site):
        return []
    return [
        checks.Warning(
            f"The default Wagtail Site's address is {site.root_url}, but SITE_URL is {settings.SITE_URL}: "
            "sitemap.xml, the feeds and other absolute page links would point at the wrong address.",
            hint="Run `manage.py align_site` once after changing SITE_URL.",
            id="core.W201",
        )
    ]
