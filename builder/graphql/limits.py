"""Validation rules that bound the work one GraphQL request can ask for: depth, aliases, cost,
and the length of string arguments.

Depth, aliases and cost are read the way the document executes: a fragment counts every time it
is spread, not once where it is defined (a 15-alias fragment spread in two places is 30 aliases),
and a field inside a list counts once per item the client may ask for. graphql-core's
`NoFragmentCyclesRule` and `KnownFragmentNamesRule` report cycles and unknown fragments; the walk
here just stops at them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)
from graphql.language import DocumentNode, FragmentDefinitionNode
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule, specified_rules
from grapple.settings import grapple_settings

# Arguments whose value is the number of items a list field returns: grapple's QuerySetList
# (`limit`, `perPage`) and the domains' paged lists (`first`: search, products, events ...).
PAGE_SIZE_ARGUMENTS = ("limit", "perPage", "first")
# Arguments whose length is the number of image renditions a field makes (ImageObjectType.srcSet).
RENDITION_LIST_ARGUMENTS = ("sizes",)


@dataclass(frozen=True)
class Work:
    cost: int = 0
    aliases: int = 0
    depth: int = 0  # levels of fields below the first, as graphene's depth_limit_validator counts

    def __add__(self, other: Work) -> Work:
        """Two selections side by side."""
        return Work(self.cost + other.cost, self.aliases + other.aliases, max(self.depth, other.depth))


class OperationWork:
    """The cost, aliases and depth of one operation, fragments expanded (each computed once).

    cost = sum over the fields of (own cost + page size x cost of the field's selection), where a
    field's own cost is 1, or the number of `sizes` for srcSet, and its page size is its `limit`
    (grapple's PAGE_SIZE when left out, never more than MAX_PAGE_SIZE), or 1 for every other field.
    Only sizes a client chooses multiply: a page body's blocks are as many as its editors made.
    """

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict | None):
        self.schema = schema
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.variables = variables if isinstance(variables, dict) else {}
        self.defaults: dict = {}
        self.memo: dict[str, Work] = {}
        self.expanding: set[str] = set()

    def of(self, operation: OperationDefinitionNode) -> Work:
        self.defaults = {
            definition.variable.name.value: value_from_ast_untyped(definition.default_value)
            for definition in operation.variable_definitions or ()
            if definition.default_value is not None
        }
        self.memo = {}
        root = self.schema.get_root_type(operation.operation)
        return self.selection_set(operation.selection_set, root)

    def selection_set(self, selection_set: SelectionSetNode | None, parent_type) -> Work:
        work = Work()
        if selection_set is None:
            return work
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                work += self.field(selection, parent_type)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner_type = self.schema.get_type(condition.name.value) if condition else parent_type
                work += self.selection_set(selection.selection_set, inner_type)
            elif isinstance(selection, FragmentSpreadNode):
                work += self.fragment(selection.name.value)
        return work

    def fragment(self, name: str) -> Work:
        # A fragment's work does not depend on where it is spread: compute it once, so a document
        # of fragments that each spread the previous one twice is counted in linear time.
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.expanding:
            return Work()
        self.expanding.add(name)
        try:
            fragment_type = self.schema.get_type(definition.type_condition.name.value)
            work = self.selection_set(definition.selection_set, fragment_type)
        finally:
            self.expanding.discard(name)
        self.memo[name] = work
        return work

    def field(self, node: FieldNode, parent_type) -> Work:
        fields = getattr(parent_type, "fields", None) or {}
        definition = fields.get(node.name.value)
        arguments = {argument.name.value: argument.value for argument in node.arguments or ()}
        own, page_size = 1, 1
        if definition is not None:
            for name in RENDITION_LIST_ARGUMENTS:
                if name in definition.args:
                    own = max(1, self.list_length(arguments.get(name)))
            for name in PAGE_SIZE_ARGUMENTS:
                if name in definition.args:
                    page_size = self.page_size(arguments.get(name))
        child_type = get_named_type(definition.type) if definition is not None else None
        inner = self.selection_set(node.selection_set, child_type)
        nested = node.selection_set is not None and not node.name.value.startswith("__")
        return Work(
            cost=own + page_size * inner.cost,
            aliases=int(node.alias is not None) + inner.aliases,
            depth=1 + inner.depth if nested else 0,
        )

    def value(self, node):
        if isinstance(node, VariableNode):
            name = node.name.value
            return self.variables[name] if name in self.variables else self.defaults.get(name)
        if node is None or isinstance(node, NullValueNode):
            return None
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return list(node.values)
        return value_from_ast_untyped(node)

    def page_size(self, node) -> int:
        # As grapple's resolve_queryset: 0 or nothing means PAGE_SIZE, and never more than MAX_PAGE_SIZE.
        value = self.value(node)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            value = grapple_settings.PAGE_SIZE
        return min(value, grapple_settings.MAX_PAGE_SIZE)

    def list_length(self, node) -> int:
        value = self.value(node)
        if value is None:
            return 0
        return len(value) if isinstance(value, list) else 1  # GraphQL coerces one item to a list


def query_cost(schema: GraphQLSchema, document: DocumentNode, variables: dict | None = None) -> int:
    """The highest cost of the document's operations (see OperationWork)."""
    work = OperationWork(schema, document, variables)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return max((work.of(operation).cost for operation in operations), default=0)


class OperationWorkRule(ValidationRule):
    variables: dict | None = None

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        # Each rule walks the operation once; with fragments remembered that is linear in its size.
        self.check(OperationWork(self.context.schema, self.context.document, self.variables).of(node), node)

    def check(self, work: Work, node: OperationDefinitionNode) -> None:
        raise NotImplementedError


class MaxDepthRule(OperationWorkRule):
    """Refuses operations nested deeper than GRAPHQL_MAX_DEPTH, with graphene's message.

    Replaces graphene's depth_limit_validator, which walks every path through the fragments
    without remembering any (a few fragments that each spread the previous one twice, at the same
    level, kept a worker busy for good), reports one error per path too deep (past graphql-core's
    100 errors that aborted with a 500), and a spread of an unknown fragment was a KeyError."""

    def check(self, work, node):
        if work.depth > settings.GRAPHQL_MAX_DEPTH:
            name = node.name.value if node.name else "anonymous"
            self.report_error(
                GraphQLError(
                    f"'{name}' exceeds maximum operation depth of {settings.GRAPHQL_MAX_DEPTH}.", node
                )
            )


class MaxAliasesRule(OperationWorkRule):
    """Refuses operations with more aliases than GRAPHQL_MAX_ALIASES (aliases multiply work)."""

    def check(self, work, node):
        if work.aliases > settings.GRAPHQL_MAX_ALIASES:
            self.report_error(
                GraphQLError(f"Too many aliases: at most {settings.GRAPHQL_MAX_ALIASES} per request.", node)
            )


class MaxCostRule(OperationWorkRule):
    """Refuses operations that cost more than GRAPHQL_MAX_COST (see OperationWork)."""

    def check(self, work, node):
        if work.cost > settings.GRAPHQL_MAX_COST:
            self.report_error(
                GraphQLError(
                    f"Query too expensive: it costs {work.cost}, at most {settings.GRAPHQL_MAX_COST} per "
                    "request. Ask for fewer items (a smaller `limit:`), image sizes or fields.",
                    node,
                )
            )


class MaxArgumentLengthRule(ValidationRule):
    """Refuses string arguments longer than GRAPHQL_MAX_ARGUMENT_LENGTH, written in the document
    or sent as variables. No argument needs more, and some cost in proportion to their length:
    a `searchQuery` of 40,000 words took 3.5 s before Wagtail's query parser gave up."""

    variables: dict | None = None

    def enter_argument(self, node, *_args):
        value = node.value
        if isinstance(value, StringValueNode):
            text = value.value
        elif isinstance(value, VariableNode) and isinstance(self.variables, dict):
            text = self.variables.get(value.name.value)
        else:
            return
        limit = settings.GRAPHQL_MAX_ARGUMENT_LENGTH
        if isinstance(text, str) and len(text) > limit:
            self.report_error(
                GraphQLError(f"Argument `{node.name.value}` is too long: at most {limit} characters.", node)
            )


def validation_rules(debug: bool, variables: dict | None = None) -> tuple:
    """Every rule a request is validated with; `variables` are the request's, so `limit: $n` and
    `sizes: $s` count with the values the client sent."""

    def with_variables(rule: type[ValidationRule]) -> type[ValidationRule]:
        return type(rule.__name__, (rule,), {"variables": variables})

    # Passing rules replaces graphql-core's standard ones, so they are listed first.
    rules = [
        *specified_rules,
        MaxDepthRule,
        with_variables(MaxAliasesRule),
        with_variables(MaxCostRule),
        with_variables(MaxArgumentLengthRule),
    ]
    if not debug:
        # Blocks __schema/__type but still allows __typename, which client libraries send.
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)
