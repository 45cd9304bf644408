"""/graphql/ on tenant hosts, with limits on every request."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from graphene.validation import depth_limit_validator
from graphene_django.views import GraphQLView
from graphql import ExecutionResult, GraphQLError, parse
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule, specified_rules

from core.cache import generation
from core.language import language_for


class MaxAliasesRule(ValidationRule):
    """Refuses documents with more aliases than GRAPHQL_MAX_ALIASES (aliases multiply work)."""

    def __init__(self, context):
        super().__init__(context)
        self.count = 0

    def enter_field(self, node, *_args):
        if node.alias is not None:
            self.count += 1
            if self.count == settings.GRAPHQL_MAX_ALIASES + 1:
                self.report_error(
                    GraphQLError(
                        f"Too many aliases: at most {settings.GRAPHQL_MAX_ALIASES} per request.", node
                    )
                )


def validation_rules(debug: bool) -> tuple:
    # Passing rules replaces graphql-core's standard ones, so they are listed first.
    rules = [*specified_rules, depth_limit_validator(max_depth=settings.GRAPHQL_MAX_DEPTH), MaxAliasesRule]
    if not debug:
        # Blocks __schema/__type but still allows __typename, which client libraries send.
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


ALLOWED_PAGE_ORDERS = {
    f"{sign}{field}"
    for sign in ("", "-")
    for field in ("id", "title", "slug", "path", "first_published_at", "last_published_at")
}


class PageOrderMiddleware:
    """grapple passes `order:` straight to QuerySet.order_by(); an order through a relation
    (`owner__password`) would let a client sort by, and so learn about, data it cannot read.
    Checked at resolve time, so it covers literals and variables alike."""

    def resolve(self, next_resolver, root, info, **args):
        order = args.get("order")
        if order is not None:
            bad = [part for part in str(order).split(",") if part.strip() not in ALLOWED_PAGE_ORDERS]
            if bad:
                allowed = ", ".join(sorted(ALLOWED_PAGE_ORDERS))
                raise GraphQLError(f"Cannot order by {bad[0].strip()!r}; use one of: {allowed}.")
        return next_resolver(root, info, **args)


class LimitedGraphQLView(GraphQLView):
    """Depth, aliases and document size are limited; list sizes are capped by GRAPPLE['MAX_PAGE_SIZE'];
    introspection and GraphiQL only with DEBUG."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validation_rules", validation_rules(settings.DEBUG))
        kwargs.setdefault("middleware", [PageOrderMiddleware()])
        super().__init__(**kwargs)

    def dispatch(self, request, *args, **kwargs):
        """Anonymous answers are the same for every visitor: they are cached per tenant and
        generation (purged on publish), keyed by the exact request."""
        key = self.anonymous_cache_key(request)
        if key is not None:
            cached_body = cache.get(key)
            if cached_body is not None:
                return HttpResponse(cached_body, content_type="application/json")
        response = super().dispatch(request, *args, **kwargs)
        if key is not None and response.status_code == 200 and b'"errors"' not in response.content:
            cache.set(key, response.content, settings.PORTAL_FRAGMENT_CACHE_SECONDS)
        return response

    @staticmethod
    def anonymous_cache_key(request) -> str | None:
        anonymous = (
            settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META
        )
        if not (anonymous and settings.PORTAL_FRAGMENT_CACHE_SECONDS) or request.method not in (
            "GET",
            "POST",
        ):
            return None
        if request.method == "GET" and "text/html" in request.headers.get("Accept", ""):
            return None  # GraphiQL
        payload = request.body if request.method == "POST" else request.META.get("QUERY_STRING", "").encode()
        digest = hashlib.sha256(request.method.encode() + b"\0" + payload).hexdigest()
        return f"graphql:{generation(request)}:{language_for(request)}:{digest}"

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        if query:
            try:
                parse(query, no_location=True, max_tokens=settings.GRAPHQL_MAX_TOKENS)
            except GraphQLError as error:
                return ExecutionResult(data=None, errors=[error])
        return super().execute_graphql_request(request, data, query, variables, operation_name, show_graphiql)
