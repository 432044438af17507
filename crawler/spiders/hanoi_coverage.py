"""Limiting a national paper's feeds and sitemaps to its Hà Nội coverage.

Dân trí and VietNamNet publish no Hà Nội section, topic or tag listing that a public source
names (``../shared/research/hanoi_sites.md`` §3.2–3.3): their feeds and sitemaps cover the
whole country. From those, a spider built on ``HanoiSlugSpider`` requests only the articles
whose URL slug names the city ("ha-noi", the way both sites write "Hà Nội" in slugs [V]):
sure to be about Hà Nội, though a story that names only a district ("cau-giay") is missed.
Links left out are counted under ``discovery/not_hanoi`` (and, being no article to request,
under ``discovery/not_article_url`` as well).

The limit applies to the spider's own entry points only: with ``-a start=...`` an operator
chooses the pages, and every article they list is requested; ``-a url=...`` is never limited.
"""

import re
from urllib.parse import urlsplit

from crawler.spiders.base import NewsSpider

# "ha-noi" as whole words of the slug: ha-noi-..., ...-o-ha-noi-..., not "thuha-noib".
_HANOI_SLUG = re.compile(r"(?:^|-)(?:ha-noi|hanoi)(?:-|$)")


def slug_names_hanoi(url: str) -> bool:
    """Whether the last path segment of the URL, its extension off, names Hà Nội."""
    slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0].lower()
    return bool(_HANOI_SLUG.search(slug))


class HanoiSlugSpider(NewsSpider):
    """A national paper's spider whose default entry points are limited to Hà Nội by slug."""

    def is_article_url(self, url: str) -> bool:
        if not super().is_article_url(url):
            return False
        if self.args.start or slug_names_hanoi(url):
            return True
        self.crawler.stats.inc_value("discovery/not_hanoi")
        return False
