"""The bundle's own pages, from Jinja templates rendered to A4 PDF by WeasyPrint: the cover
and index, the case's summary and timeline, a page for each image, and the stamp pages laid
over every page ("Page N of M" and the case number). As with letters, the renderer may load
nothing but what it is handed: an image's bytes, under one fixed URL."""
from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from notifications.letters.rendering import RefusedURL, long_date, paragraphs

IMAGE_URL = "file:///bundle/image"


@cache
def environment() -> Environment:
    """Autoescaped, strict about missing names, with the letters' date and paragraph filters."""
    env = Environment(loader=PackageLoader(__package__, "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(long_date=long_date, paragraphs=paragraphs)
    env.globals["bundle_css"] = Markup(env.loader.get_source(env, "bundle.css")[0])  # nosec B704
    return env


def render_html(name: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(name).render(context)


class _OneImage(URLFetcher):
    """Serves the one image a page shows, and refuses every other URL."""

    def __init__(self, image: tuple[bytes, str] | None) -> None:
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.image = image

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if url != IMAGE_URL or self.image is None:
            raise RefusedURL(f"a bundle page may only load the image it shows, not {url!r}")
        body, content_type = self.image
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def to_pdf(html: str, image: tuple[bytes, str] | None = None) -> bytes:
    """A4 PDF bytes of a bundle page's HTML."""
    try:
        return HTML(string=html, base_url=IMAGE_URL, url_fetcher=_OneImage(image)).write_pdf()
    except FatalURLFetchingError as error:
        raise RefusedURL(str(error.__cause__ or error)) from error


def render(name: str, context: Mapping[str, Any], image: tuple[bytes, str] | None = None) -> bytes:
    """Render one of the bundle's templates to PDF."""
    return to_pdf(render_html(name, context), image)


def stamp_pages(ref: str, count: int) -> bytes:
    """`count` blank A4 pages, each with the case number and "Page N of M" at its top right."""
    return render("stamps.html", {"ref": ref, "count": count})
