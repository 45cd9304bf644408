"""Reading a tenant's rendered portal: every live page's HTML, and the links in it."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from wagtail.models import Page, Site


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href is not None:
            self.hrefs.append(href)


def hrefs_in(html: str) -> list[str]:
    parser = _Anchors()
    parser.feed(html)
    return parser.hrefs


def page_paths(tenant, in_tenant) -> list[str]:
    """The path of every live page of the tenant's site in every language, the default language's
    home first."""
    with in_tenant(tenant):
        site = Site.objects.get()
        pages = []
        for home in Page.objects.filter(translation_key=site.root_page.translation_key).order_by("path"):
            pages += Page.objects.live().descendant_of(home, inclusive=True).order_by("path")
        pages.sort(key=lambda page: page.pk != site.root_page_id)
        return [page.relative_url(site) for page in pages]


def rendered_pages(client, tenant, domain: str, in_tenant) -> dict[str, str]:
    """{path: HTML} of every live page an anonymous visitor may read, as they get it on the tenant's
    host (members-only help articles send them to log in instead)."""
    pages = {}
    for path in page_paths(tenant, in_tenant):
        response = client.get(path, HTTP_HOST=domain)
        if response.status_code == 302 and response["Location"] == f"/accounts/login/?next={path}":
            continue
        assert response.status_code == 200, path
        pages[path] = response.content.decode()
    return pages


def sorted_links(hrefs, domain: str) -> tuple[set[str], set[str], set[str]]:
    """(internal paths, external URLs, mailto:/tel: links); a full URL on `domain` is internal."""
    internal, external, contact = set(), set(), set()
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme in ("mailto", "tel"):
            contact.add(href)
        elif href.startswith(("#", "/language/")):
            continue  # in-page anchors; the header's language switch (accounts/tests/test_language.py)
        elif not parts.scheme and not parts.netloc:
            internal.add(href)
        elif parts.scheme in ("http", "https") and parts.hostname == domain:
            internal.add(parts.path + (f"?{parts.query}" if parts.query else ""))
        else:
            external.add(href)
    return internal, external, contact


def assert_internal_links_answer(client, paths, domain: str) -> None:
    """Each path answers 200; My account (/account/...) sends an anonymous visitor to log in."""
    for path in sorted(paths):
        response = client.get(path, HTTP_HOST=domain)
        if path.startswith("/account/"):
            assert response.status_code == 302, path
            assert response["Location"].startswith("/accounts/login/"), (path, response["Location"])
        else:
            assert response.status_code == 200, path
