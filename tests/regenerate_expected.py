"""Rewrite every fixture's expected JSON from what the extractor returns now, for review.

    .venv/bin/python tests/regenerate_expected.py [FIXTURE_DIR]

Each article page of a replay fixture directory (default tests/fixtures/sites) that has an
``X.expected.json`` beside its ``X.html`` is extracted again and its expected file rewritten.
Review the change with ``git diff tests/fixtures`` before committing: the expected files are
ground truth written by hand, and a regenerated value is only right once a person says so.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract import extract  # noqa: E402
from crawler.parsers.base import NoArticle  # noqa: E402
from crawler.replay import load_manifest  # noqa: E402


def expected_path(page: Path) -> Path:
    return page.with_name(page.stem + ".expected.json")


def fixture_pages(fixture_dir: Path) -> list[tuple[str, Path]]:
    """(URL, page) of every manifest entry whose page has an expected file beside it."""
    return sorted(
        (url, entry.path)
        for url, entry in load_manifest(fixture_dir).items()
        if entry.path is not None and expected_path(entry.path).exists()
    )


def main(argv: list[str]) -> int:
    fixture_dir = Path(argv[0]) if argv else ROOT / "tests" / "fixtures" / "sites"
    changed = 0
    for url, page in fixture_pages(fixture_dir):
        target = expected_path(page)
        try:
            article = extract(page.read_text("utf-8"), url)
        except NoArticle as reason:
            print(f"{page}: no article ({reason}); expected file left as it is", file=sys.stderr)
            continue
        text = json.dumps(article, ensure_ascii=False, indent=2) + "\n"
        if target.read_text("utf-8") != text:
            target.write_text(text, "utf-8")
            changed += 1
            print(f"rewrote {target.relative_to(ROOT)}")
    print(f"{changed} expected file(s) changed; review them with: git diff tests/fixtures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
