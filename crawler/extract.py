"""Extract an article from a saved page: ``python -m crawler.extract [--site NAME] --url URL FILE``.

Prints the article's JSON; exits 1 with a one-line reason on stderr when the page holds no
article. The site is found from the URL's host; a host no spider crawls gets the generic
extractor. ``extract(html, url, site=None)`` is the same, importable, and runs what the spiders
run.
"""

import argparse
import json
import sys
from functools import cache

from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from w3lib.encoding import html_to_unicode

from crawler.parsers.base import NoArticle
from crawler.parsers.generic import GenericParser
from crawler.urls import _wanted, host_of


def _project_settings() -> dict:
    from crawler import settings

    return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}


@cache
def site_spiders() -> dict[str, type]:
    """The project's spiders by name, found as Scrapy finds them (SPIDER_MODULES)."""
    loader = SpiderLoader.from_settings(Settings(_project_settings()))
    return {name: loader.load(name) for name in loader.list()}


def spider_for(url: str, site: str | None = None) -> type:
    """The spider class of ``site``, or else of the site whose domains hold ``url``."""
    spiders = site_spiders()
    if site is not None:
        if site not in spiders:
            raise LookupError(
                f"unknown site {site!r}: expected one of {', '.join(sorted(spiders))}"
            )
        return spiders[site]
    # The URL is parsed once for its host, which says which of a site's domains hold it; a site
    # whose domains hold it is then checked in full (scheme, credentials, sub-domains...).
    host = host_of(url)

    def holds(domain: str) -> bool:
        wanted = _wanted(domain)
        return bool(wanted) and (host == wanted or host.endswith(f".{wanted}"))

    # The most specific domain wins: nhipsonghanoi.hanoimoi.vn before hanoimoi.vn.
    matches = [
        (max(len(d) for d in cls.allowed_domains if holds(d)), cls)
        for cls in spiders.values()
        if any(holds(d) for d in cls.allowed_domains) and cls.on_site(url)
    ]
    if not matches:
        raise LookupError(f"no site crawls {url}; give --site NAME")
    return max(matches, key=lambda match: match[0])[1]


def extract(html: str, url: str, site: str | None = None, *, generic: bool = False) -> dict:
    """The article's fields from a page's HTML; NoArticle (a ValueError) says why there is none.

    The site's parser runs, with the generic extractor as its fallback. ``generic=True`` has the
    generic extractor read the page instead of the site's parser; a URL of no known site gets it
    too, ``site`` then being null.
    """
    try:
        spider = spider_for(url, site)
    except LookupError:
        if site is not None:
            raise
        return {"site": None, **GenericParser().parse(html, url)}
    if generic:
        parser = GenericParser(lead_prefixes=spider.parser.lead_prefixes)
        return {"site": spider.name, **parser.parse(html, url)}
    return spider.extract_article(html, url)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.extract", description="Extract the article of a saved page."
    )
    parser.add_argument("file", help="the saved HTML page ('-' for standard input)")
    parser.add_argument("--url", required=True, help="the URL the page was fetched from")
    parser.add_argument("--site", help="the site's spider name (default: found from the URL)")
    parser.add_argument(
        "--generic", action="store_true", help="use the generic extractor, not the site's parser"
    )
    options = parser.parse_args(argv)
    try:
        if options.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(options.file, "rb") as stream:
                data = stream.read()
        # The page's own <meta charset> decides, as it did for the browser; UTF-8 otherwise.
        _, html = html_to_unicode(None, data)
        article = extract(html, options.url, options.site, generic=options.generic)
    except (OSError, LookupError, NoArticle) as error:
        print(f"{options.file}: {error}", file=sys.stderr)
        return 1
    json.dump(article, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
