"""GraphiQL (/graphql/ in a browser, with DEBUG) loads its scripts and styles from this site's
static files, never a CDN: it works offline and makes no third-party request."""

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from builder.graphql.views import LimitedGraphQLView
from config import urls_tenants

# The tenant URLs with GraphiQL on, as config.urls_tenants has it when DEBUG is on.
urlpatterns = [
    path("graphql/", csrf_exempt(LimitedGraphQLView.as_view(graphiql=True)), name="graphql"),
    *urls_tenants.urlpatterns,
]


class Assets(HTMLParser):
    """Every <script src> and <link href> of a page, with its integrity attribute."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, attribute in (("script", "src"), ("link", "href")):
            if tag == name and attributes.get(attribute):
                self.found.append((tag, attributes[attribute], attributes.get("integrity")))


@pytest.mark.urls(__name__)
def test_graphiql_serves_its_assets_from_static_files(make_tenant, client):
    make_tenant("lumen")
    response = client.get("/graphql/", HTTP_HOST="lumen.localhost", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="editor"' in html  # GraphiQL's page, not the JSON answer
    parser = Assets()
    parser.feed(html)
    assert len(parser.found) >= 8, parser.found  # 2 stylesheets, 6 libraries, graphene's own script

    for tag, url, integrity in parser.found:
        parts = urlsplit(url)
        assert not parts.netloc, f"<{tag}> loads {url} from another origin"
        assert not parts.scheme, f"<{tag}> loads {url} from another origin"
        assert url.startswith(settings.STATIC_URL), f"<{tag}> loads {url}, not a static file"
        found = finders.find(url.removeprefix(settings.STATIC_URL))
        assert found, (
            f"<{tag}> loads {url}, which is not in the static files (vendor it: static/vendor/README.md)"
        )
        if integrity:
            algorithm, _, expected = integrity.partition("-")
            actual = base64.b64encode(hashlib.new(algorithm, Path(found).read_bytes()).digest()).decode()
            assert actual == expected, f"{url} does not match its integrity hash {integrity}"
    for third_party in ("cdn.", "https://", "http://"):
        assert third_party not in html
