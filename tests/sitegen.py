"""Builds a replay site of N distinct OneCMS articles, for crash and load tests.

Pages follow the standard OneCMS template of the fixtures; every article has its own title and
body (the same content under two URLs would be deduplicated). Reached from a sitemap index.

By default one child sitemap lists every article and nothing else is served. For discovery as a
real site offers it (bench/load.py), optional arguments add: several child sitemaps (each URL
with its ``lastmod``), a paged section listing (``/chinh-tri``, OneCMS listing markup, newest
first, ``rel=next``), a home feed (``/rss/home.rss``) and a robots.txt naming the sitemap. The
articles themselves are the same whatever the options, but for ``page_bytes``: the chrome of a
real page (an inline script, a menu, sidebar boxes of links) added around the article until the
page is that large, since real article pages are 100-500 KB of which the article is a few KB.
"""

import json
import random
from pathlib import Path

HOST = "https://hanoimoi.vn"
_WORDS = (
    "Hà Nội thành phố quận huyện phường người dân cán bộ hội nghị kế hoạch dự án giao thông "
    "trường học bệnh viện công viên sông Hồng mùa đông mùa xuân văn hóa lễ hội kinh tế đầu tư "
    "xây dựng chính quyền an toàn môi trường cây xanh chợ phố cổ du lịch học sinh giáo viên"
).split()

_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{title} - Báo Hànộimới</title>
<link rel="canonical" href="{url}">{head_chrome}
</head><body>
<header><nav><a href="/">Trang chủ</a> <a href="/chinh-tri">Chính trị</a></nav>{menu_chrome}</header>
<div class="c-detail-head">
  <div class="c-detail-head__row"><span class="c-detail-head__cat"><a href="/chinh-tri">Chính trị</a></span></div>
  <h1 class="c-detail-head__title">{title}</h1>
  <div class="c-detail-head__row is-bar"><span class="c-detail-head__author">{author}</span><span class="c-detail-head__space">|</span> <span class="c-detail-head__time">{time}</span></div>
</div>
<div class="c-news-detail is-full">
  <h2 class="desc">(HNMO) - {lead}</h2>
  <div class="b-maincontent">{paragraphs}</div>
</div>
<div class="c-box c-box--related"><div class="c-box__title"><h3>Đừng bỏ lỡ</h3></div>
<div class="c-box__content"><ul>{related}</ul></div></div>{side_chrome}
<footer>Báo Hànộimới</footer>
</body></html>
"""


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _chrome(rng: random.Random, size: int) -> tuple[str, str, str]:
    """About ``size`` bytes of page chrome in the proportions of the real pages of
    ../shared/corpus/vn: inline style and script (about half), a menu of sections, two sidebar
    boxes of a dozen stories each, and a footer of links without a heading (the rest)."""
    if size <= 0:
        return "", "", ""
    rules = "".join(
        f".c-{k}{{margin:{k % 9}px;padding:{k % 7}px;color:#{k % 4096:03x}}}"
        for k in range(size // 4 // 45)
    )
    config = ",".join(
        f'"k{k}":"{" ".join(rng.choice(_WORDS) for _ in range(6))}"' for k in range(size // 4 // 50)
    )
    head = f"\n<style>{rules}</style>\n<script>window.__PAGE_CONFIG__={{{config}}};</script>"
    menu = "".join(
        f'<li><a href="/muc-{k}">{_sentence(rng, 2)[:-1]}</a></li>' for k in range(size // 400)
    )
    boxes = "".join(
        '<div class="sidebar-box"><div class="sidebar-box__head">'
        f"{name}</div><ul>"
        + "".join(
            f'<li><a href="{HOST}/tin-khac-{rng.randrange(10**6)}.html">{_sentence(rng, 12)}</a>'
            f'<span class="time">{rng.randrange(1, 24)} giờ trước</span></li>'
            for _ in range(12)
        )
        + "</ul></div>"
        for name in ("Tin mới", "Đọc nhiều")
    )
    footer, total = [], sum(len(part.encode("utf-8")) for part in (head, menu, boxes))
    while total < size:
        link = f'<a href="/chuyen-muc-{rng.randrange(1000)}">{_sentence(rng, 3)[:-1]}</a> '
        footer.append(link)
        total += len(link.encode("utf-8"))
    side = f'\n<aside>{boxes}</aside>\n<div class="footer-links">{"".join(footer)}</div>'
    return head, f'<ul class="mega-menu">{menu}</ul>', side


def article_url(number: int) -> str:
    return f"{HOST}/bai-viet-so-{number}-{100000 + number}.html"


def _time_parts(number: int) -> tuple[int, int, int, int]:
    return 1 + number % 12, 1 + number % 28, number % 24, number % 60  # month, day, hour, minute


def _printed_time(number: int) -> str:
    month, day, hour, minute = _time_parts(number)
    return f"{day:02d}/{month:02d}/2024 {hour:02d}:{minute:02d}"


def _iso_time(number: int) -> str:
    month, day, hour, minute = _time_parts(number)
    return f"2024-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00+07:00"


_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

_LISTING = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Chính trị | Báo Hànộimới</title>
<link rel="canonical" href="{url}">{next_link}
</head><body class="is-category">
<nav class="c-menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/chinh-tri">Chính trị</a></li></ul></nav>
<div class="c-list-timeline"><ul class="onecms__loading">{items}</ul></div>
<footer>Báo Hànộimới</footer>
</body></html>
"""

_LISTING_ITEM = """<li><div class="b-grid">
<h3 class="b-grid__title"><a href="{url}">Bài viết số {number}</a></h3>
<time class="b-grid__time" datetime="{iso}">{printed}</time></div></li>"""

_FEED_ITEM = """<item><title>Bài viết số {number}</title><link>{url}</link>
<pubDate>{rfc}</pubDate><guid>{url}</guid></item>"""


def _rfc822(number: int) -> str:
    month, day, hour, minute = _time_parts(number)
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    return f"{day:02d} {months[month - 1]} 2024 {hour:02d}:{minute:02d}:00 +0700"


def _add_discovery(
    root: Path,
    manifest: dict[str, dict],
    urls: list[str],
    *,
    sitemaps: int,
    listing_pages: int,
    listing_size: int,
    feed_items: int,
    robots: bool,
) -> None:
    """The optional entry points: child sitemaps, a paged listing, a feed, robots.txt."""
    children = []
    size = -(-len(urls) // sitemaps)  # ceiling: every article in exactly one child
    for k in range(sitemaps):
        numbers = range(k * size, min(len(urls), (k + 1) * size))
        if not numbers:
            break
        name = f"sitemap-article-part-{k + 1}.xml"
        entries = "".join(
            f"<url><loc>{urls[n]}</loc><lastmod>{_iso_time(n)}</lastmod></url>" for n in numbers
        )
        (root / name).write_text(f'{_XML}<urlset xmlns="{_SITEMAP_NS}">{entries}</urlset>', "utf-8")
        manifest[f"{HOST}/{name}"] = {"file": name}
        lastmod = max(_iso_time(n) for n in numbers)
        children.append(f"<sitemap><loc>{HOST}/{name}</loc><lastmod>{lastmod}</lastmod></sitemap>")
    index = f'{_XML}<sitemapindex xmlns="{_SITEMAP_NS}">{"".join(children)}</sitemapindex>'
    (root / "sitemap.xml").write_text(index, "utf-8")
    newest = list(range(len(urls) - 1, -1, -1))  # the highest numbers stand for the newest
    if listing_pages:
        (root / "listing").mkdir(exist_ok=True)
    for page in range(1, listing_pages + 1):
        numbers = newest[(page - 1) * listing_size : page * listing_size]
        url = f"{HOST}/chinh-tri" + (f"?page={page}" if page > 1 else "")
        last = page == listing_pages or page * listing_size >= len(urls)
        next_link = "" if last else f'\n<link rel="next" href="{HOST}/chinh-tri?page={page + 1}">'
        items = "".join(
            _LISTING_ITEM.format(url=urls[n], number=n, iso=_iso_time(n), printed=_printed_time(n))
            for n in numbers
        )
        name = f"listing/chinh-tri-{page}.html"
        (root / name).write_text(
            _LISTING.format(url=url, next_link=next_link, items=items), "utf-8"
        )
        manifest[url] = {"file": name}
        if last:
            break
    if feed_items:
        (root / "rss").mkdir(exist_ok=True)
        items = "".join(
            _FEED_ITEM.format(number=n, url=urls[n], rfc=_rfc822(n)) for n in newest[:feed_items]
        )
        (root / "rss" / "home.rss").write_text(
            f'{_XML}<rss version="2.0"><channel><title>Báo Hànộimới - Trang chủ</title>'
            f"<link>{HOST}</link>{items}</channel></rss>",
            "utf-8",
        )
        manifest[f"{HOST}/rss/home.rss"] = {"file": "rss/home.rss"}
    if robots:
        (root / "robots.txt").write_text(
            f"User-agent: *\nDisallow: /tim-kiem\nAllow: /\n\nSitemap: {HOST}/sitemap.xml\n",
            "utf-8",
        )
        manifest[f"{HOST}/robots.txt"] = {"file": "robots.txt"}


def build_site(
    root: Path,
    count: int,
    seed: int = 7,
    *,
    sitemaps: int = 1,
    listing_pages: int = 0,
    listing_size: int = 20,
    feed_items: int = 0,
    robots: bool = False,
    page_bytes: int = 0,
) -> list[str]:
    """Write the site and its manifest under ``root``; return the article URLs.

    With the defaults the site is what it always was: one ``sitemap-article.xml``, URLs without
    dates. With any option, ``sitemaps`` child sitemaps (``sitemap-article-part-<k>.xml``, each
    URL with its ``lastmod``) share the articles, in order, instead; ``listing_pages`` pages of
    ``listing_size`` articles each, newest (highest number) first, make the section listing
    ``/chinh-tri``; ``feed_items`` newest articles make the feed ``/rss/home.rss``; ``robots``
    adds a robots.txt. ``page_bytes`` pads every article page with chrome to about that size.
    """
    rng = random.Random(seed)
    (root / "a").mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict] = {}
    urls = [article_url(n) for n in range(count)]
    for number, url in enumerate(urls):
        paragraphs = "".join(
            f"<p>{_sentence(rng, rng.randint(20, 40))} Mã bài {number}-{p}.</p>" for p in range(5)
        )
        related = "".join(
            f'<li><a href="{article_url(rng.randrange(count))}">Bài liên quan {k}</a></li>'
            for k in range(3)
        )
        head_chrome, menu_chrome, side_chrome = _chrome(rng, page_bytes - 3500)
        page = _PAGE.format(
            url=url,
            head_chrome=head_chrome,
            menu_chrome=menu_chrome,
            side_chrome=side_chrome,
            title=f"{_sentence(rng, 8)[:-1]} (số {number})",
            author="Hà Phong - Nguyệt Ánh",
            time=_printed_time(number),
            lead=_sentence(rng, 25),
            paragraphs=paragraphs,
            related=related,
        )
        name = f"a/{number}.html"
        (root / name).write_text(page, "utf-8")
        manifest[url] = {"file": name}
    if sitemaps > 1 or listing_pages or feed_items or robots:
        _add_discovery(
            root,
            manifest,
            urls,
            sitemaps=max(1, sitemaps),
            listing_pages=listing_pages,
            listing_size=listing_size,
            feed_items=feed_items,
            robots=robots,
        )
        manifest[f"{HOST}/sitemap.xml"] = {"file": "sitemap.xml"}
        (root / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
        return urls
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    (root / "sitemap-article.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>',
        "utf-8",
    )
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{HOST}/sitemap-article.xml</loc></sitemap></sitemapindex>",
        "utf-8",
    )
    manifest[f"{HOST}/sitemap.xml"] = {"file": "sitemap.xml"}
    manifest[f"{HOST}/sitemap-article.xml"] = {"file": "sitemap-article.xml"}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
    return urls
