"""The OData ``$filter`` a CRM sends to fetch what changed: only ``modified_date`` compared
with gt, ge, lt or le to a date-time, joined by ``and``.

Parsed by odata-query's grammar (a maintained OData v4 parser); this module only walks
the tree it returns and refuses everything else, so no field but the one named is ever
filtered on.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from odata_query import ast
from odata_query.exceptions import ODataException
from odata_query.grammar import ODataLexer, ODataParser

from chorus.api.moments import NotAMoment, utc_moment

FILTER_FIELD = "modified_date"
MAX_FILTER_LENGTH = 500
OPERATORS = {ast.Gt: "gt", ast.GtE: "gte", ast.Lt: "lt", ast.LtE: "lte"}


class FilterError(ValueError):
    """A filter Chorus does not accept, with what to write instead."""


def _when(node: object) -> datetime:
    if isinstance(node, ast.DateTime | ast.Date | ast.String):
        text = node.val
    else:
        raise FilterError("Compare modified_date with a date and time, e.g. 2026-01-31T00:00:00Z.")
    try:
        return utc_moment(text)
    except NotAMoment as error:
        raise FilterError(f"'{text[:40]}' is not a date and time like 2026-01-31T00:00:00Z.") from error


def _condition(node: object, field: str) -> Q:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        return _condition(node.left, field) & _condition(node.right, field)
    if isinstance(node, ast.Compare) and type(node.comparator) in OPERATORS:
        if not (isinstance(node.left, ast.Identifier) and node.left.name == FILTER_FIELD and not node.left.namespace):
            raise FilterError("Only modified_date can be filtered on.")
        return Q(**{f"{field}__{OPERATORS[type(node.comparator)]}": _when(node.right)})
    raise FilterError("Use modified_date with gt, ge, lt or le, joined by 'and'.")


def odata_filter(text: str, *, field: str = "modified") -> Q:
    """The condition an OData filter asks for, on ``field``; FilterError if it is not one we accept."""
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError("The filter is too long.")
    try:
        tree = ODataParser().parse(ODataLexer().tokenize(text))
    except ODataException as error:
        raise FilterError(f"The filter could not be read: {str(error)[:100]}") from error
    except Exception as error:  # the grammar raises plain errors for some malformed text
        raise FilterError("The filter could not be read.") from error
    if tree is None:
        raise FilterError("The filter is empty.")
    return _condition(tree, field)
