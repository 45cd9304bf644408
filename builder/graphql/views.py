"""/graphql/ on tenant hosts, with limits on every request."""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, parse

from builder.graphql.limits import validation_rules
from core.cache import generation
from core.language import language_for

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


def bad_request(message: str) -> HttpError:
    """graphene-django answers an HttpError as {"errors": [{"message": ...}]} with its status."""
    return HttpError(HttpResponseBadRequest(message), message)


class LimitedGraphQLView(GraphQLView):
    """Depth, aliases, cost and document size are limited; list sizes are capped by
    GRAPPLE['MAX_PAGE_SIZE']; introspection and GraphiQL only with DEBUG. Malformed requests
    (bodies that are not UTF-8, JSON nested too deeply, a query or variables of the wrong type)
    are answered 400 with a GraphQL error, never 500."""

    # graphene-django's page with its scripts and styles from static/vendor/, not a CDN: GraphiQL
    # works offline and makes no third-party request.
    graphiql_template = "builder/graphiql.html"

    def __init__(self, **kwargs):
        kwargs.setdefault("validation_rules", validation_rules(settings.DEBUG))
        kwargs.setdefault("middleware", [PageOrderMiddleware()])
        super().__init__(**kwargs)

    def dispatch(self, request, *args, **kwargs):
        """Anonymous answers are the same for every visitor: they are cached per tenant and
        generation (purged on publish), keyed by the host and the exact request."""
        too_big = f"The request body is too large: at most {settings.GRAPHQL_MAX_BODY_BYTES} bytes."
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.GRAPHQL_MAX_BODY_BYTES:
            return JsonResponse({"errors": [{"message": too_big}]}, status=400)
        try:
            body = request.body
        except RequestDataTooBig:
            return JsonResponse({"errors": [{"message": too_big}]}, status=400)
        if len(body) > settings.GRAPHQL_MAX_BODY_BYTES:
            return JsonResponse({"errors": [{"message": too_big}]}, status=400)

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
        # Answers hold absolute URLs on the request's host: a tenant with two domains gets two.
        origin = request.build_absolute_uri("/").encode()
        digest = hashlib.sha256(request.method.encode() + b"\0" + origin + b"\0" + payload).hexdigest()
        return f"graphql:{generation(request)}:{language_for(request)}:{digest}"

    def parse_body(self, request):
        """As graphene-django's, but every malformed body is a 400 (it lets UnicodeDecodeError and
        RecursionError through as 500s, and relies on `assert` for the JSON's shape)."""
        content_type = self.get_content_type(request)
        try:
            if content_type == "application/graphql":
                return {"query": request.body.decode("utf-8")}
            if content_type == "application/json":
                data = json.loads(request.body.decode("utf-8"))
                if not isinstance(data, dict):
                    raise bad_request("The request body must be a JSON object with a `query`.")
                return data
            return super().parse_body(request)
        except UnicodeDecodeError as error:
            raise bad_request("The request body is not valid UTF-8.") from error
        except RecursionError as error:
            raise bad_request("The request body is nested too deeply.") from error
        except ValueError as error:  # json.JSONDecodeError
            raise bad_request("The request body is not valid JSON.") from error
        except (MultiPartParserError, SuspiciousOperation) as error:
            raise bad_request("The request body is not a valid form.") from error

    @staticmethod
    def get_graphql_params(request, data):
        query, variables, operation_name, id = GraphQLView.get_graphql_params(request, data)
        if query is not None and not isinstance(query, str):
            raise bad_request("`query` must be a string.")
        if variables is not None and not isinstance(variables, dict):
            raise bad_request("`variables` must be a JSON object.")
        if operation_name is not None and not isinstance(operation_name, str):
            raise bad_request("`operationName` must be a string.")
        return query, variables, operation_name, id

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        if query:
            try:
                parse(query, no_location=True, max_tokens=settings.GRAPHQL_MAX_TOKENS)
            except GraphQLError as error:
                return ExecutionResult(data=None, errors=[error])
        # The cost rules count `limit: $n` and `sizes: $s` with this request's variables. Django
        # makes a view instance per request, so setting them here is safe.
        self.validation_rules = validation_rules(settings.DEBUG, variables)
        try:
            return super().execute_graphql_request(
                request, data, query, variables, operation_name, show_graphiql
            )
        except RecursionError:
            return ExecutionResult(data=None, errors=[GraphQLError("The document is nested too deeply.")])
