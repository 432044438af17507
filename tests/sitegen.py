"""Builds a replay site of N distinct OneCMS articles, for crash and load tests.

Pages follow the standard OneCMS template of the fixtures; every article has its own title and
body (the same content under two URLs would be deduplicated). Reached from a sitemap index.
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
<link rel="canonical" href="{url}">
</head><body>
<header><nav><a href="/">Trang chủ</a> <a href="/chinh-tri">Chính trị</a></nav></header>
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
<div class="c-box__content"><ul>{related}</ul></div></div>
<footer>Báo Hànộimới</footer>
</body></html>
"""


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def article_url(number: int) -> str:
    return f"{HOST}/bai-viet-so-{number}-{100000 + number}.html"


def build_site(root: Path, count: int, seed: int = 7) -> list[str]:
    """Write the site and its manifest under ``root``; return the article URLs."""
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
        page = _PAGE.format(
            url=url,
            title=f"{_sentence(rng, 8)[:-1]} (số {number})",
            author="Hà Phong - Nguyệt Ánh",
            time=f"{1 + number % 28:02d}/{1 + number % 12:02d}/2024 {number % 24:02d}:{number % 60:02d}",
            lead=_sentence(rng, 25),
            paragraphs=paragraphs,
            related=related,
        )
        name = f"a/{number}.html"
        (root / name).write_text(page, "utf-8")
        manifest[url] = {"file": name}
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
