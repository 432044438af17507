"""Extraction quality against ground truth: a table per corpus and extractor.

    .venv/bin/python bench/quality.py [--json FILE] [--check FLOORS]

Corpora (the real ones are read from ../shared/corpus, skipped with a note where absent):
- ``vn``: real VnExpress, Dân trí and VietNamNet articles with hand-made truth, read by the
  site parsers and again by the generic extractor alone;
- ``zyte``: the Zyte article-extraction benchmark (181 English pages, body only), read by the
  generic extractor, next to ``trafilatura.extract`` run on the same pages in this process;
- ``fixtures``: the project's own fixture articles (tests/fixtures/sites), site parsers.

Per field, the share of pages exactly right: title and lead (as printed), authors (as a list,
case-insensitive), published_at (to the minute), related (every block of related articles in
the truth is found with the same links, and its name where the truth gives one; most-read
sidebars and topic bars are a policy choice and not scored). Body: the Zyte benchmark's score,
4-token shingle precision and recall averaged over pages and F1 of the means
(crawler/quality.py: corpus_scores). ``--check FLOORS`` exits 1 when a figure is under its
floor in the JSON file FLOORS, e.g. {"vn/site": {"body_f1": 0.99}}.
"""

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import trafilatura  # noqa: E402
from regenerate_expected import expected_path, fixture_pages  # noqa: E402

from crawler.extract import extract  # noqa: E402
from crawler.parsers.base import NoArticle  # noqa: E402
from crawler.quality import corpus_scores  # noqa: E402
from crawler.text import clean_text  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FIELDS = ("title", "lead", "authors", "published_at", "related")


@dataclass
class Page:
    name: str
    url: str
    html: str
    truth: dict


@dataclass
class Scores:
    """Per-field right/total counts and per-page body precision and recall."""

    pages: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    bodies: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        p, r, f = corpus_scores(self.bodies)
        rates = {
            name: round(self.right[name] / self.checked[name], 4)
            for name in FIELDS
            if self.checked[name]
        }
        return {
            "pages": self.pages,
            **rates,
            "body_precision": round(p, 4),
            "body_recall": round(r, 4),
            "body_f1": round(f, 4),
            "pages_per_second": round(self.pages / self.seconds, 1) if self.seconds else None,
        }


def _minute(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace(" +", "+"))
    return moment.replace(second=0, microsecond=0)


def _is_related(block: dict) -> bool:
    # The truth also lists most-read sidebars and topic bars: a policy choice, not scored.
    return block.get("kind", "related").startswith("related")


def _block_found(block: dict, predicted: list[dict]) -> bool:
    """A predicted block with the same links (and the same name, where the truth names one)."""
    urls = {link["url"] for link in block["links"]}
    return any(
        {link["url"] for link in p["links"]} == urls and block.get("name") in (None, p["name"])
        for p in predicted
    )


def _same(name: str, truth: dict, predicted: dict) -> bool | None:
    """Whether a field is right; None when the truth does not say."""
    if name not in truth:
        return None
    expected, got = truth[name], predicted.get(name)
    if name == "authors":
        return [a.casefold() for a in expected] == [a.casefold() for a in got or []]
    if name == "published_at":
        return _minute(expected) == _minute(got)
    if name == "related":
        return all(_block_found(block, got or []) for block in expected if _is_related(block))
    return clean_text(expected) == clean_text(got)


def score(pages: Iterator[Page], read: Callable[[Page], dict | str | None]) -> Scores:
    """Run ``read`` on every page: a dict of fields, or just the body text (Zyte)."""
    scores = Scores()
    for page in pages:
        scores.pages += 1
        started = time.perf_counter()
        try:
            result = read(page)
        except NoArticle as reason:
            result = None
            scores.failures.append(f"{page.name}: no article ({reason})")
        scores.seconds += time.perf_counter() - started
        fields = result if isinstance(result, dict) else {"body": result or ""}
        for name in FIELDS:
            same = _same(name, page.truth, fields) if isinstance(result, dict) else None
            if same is None:
                continue
            scores.checked[name] += 1
            scores.right[name] += same
            if not same:
                scores.failures.append(f"{page.name}: {name} {fields.get(name)!r}")
        scores.bodies.append((page.truth["body"], fields.get("body") or ""))
    return scores


def vn_pages() -> Iterator[Page]:
    for truth_file in sorted(CORPUS.glob("vn/*/article-*.truth.json")):
        truth = json.loads(truth_file.read_text("utf-8"))
        truth["body"] = "\n\n".join(truth["body_paragraphs"])
        html_file = truth_file.with_name(truth_file.name.replace(".truth.json", ".html"))
        source = truth_file.with_name(truth_file.name.replace(".truth.json", ".source.txt"))
        url = next(
            (
                line.split(":", 1)[1].strip()
                for line in source.read_text("utf-8").splitlines()
                if line.startswith("page_url:")
            ),
            truth["url"],
        )
        name = f"{truth_file.parent.name}/{html_file.stem}"
        yield Page(name, url, html_file.read_text("utf-8", errors="replace"), truth)


def zyte_pages() -> Iterator[Page]:
    truths = json.loads((CORPUS / "zyte" / "ground-truth.json").read_text("utf-8"))
    for page_id, truth in sorted(truths.items()):
        html = gzip.decompress((CORPUS / "zyte" / "html" / f"{page_id}.html.gz").read_bytes())
        body = truth.get("articleBody") or ""
        yield Page(page_id, truth["url"], html.decode("utf-8", errors="replace"), {"body": body})


def fixture_truth_pages() -> Iterator[Page]:
    for url, page in fixture_pages(ROOT / "tests" / "fixtures" / "sites"):
        truth = json.loads(expected_path(page).read_text("utf-8"))
        yield Page(page.stem, url, page.read_text("utf-8"), truth)


def run() -> dict[str, Scores]:
    results = {"fixtures/site": score(fixture_truth_pages(), lambda p: extract(p.html, p.url))}
    if not CORPUS.is_dir():
        print(f"note: {CORPUS} is absent: real pages not scored", file=sys.stderr)
        return results
    results["vn/site"] = score(vn_pages(), lambda p: extract(p.html, p.url))
    results["vn/generic"] = score(vn_pages(), lambda p: extract(p.html, p.url, generic=True))
    results["zyte/generic"] = score(
        zyte_pages(), lambda p: extract(p.html, p.url, site=None, generic=True)["body"]
    )
    results["zyte/trafilatura"] = score(
        zyte_pages(), lambda p: trafilatura.extract(p.html, url=p.url) or ""
    )
    return results


def table(results: dict[str, Scores]) -> str:
    head = ("run", "pages", *FIELDS, "body P", "body R", "body F1", "pages/s")
    rows = [head]
    for name, scores in results.items():
        s = scores.summary()
        rows.append(
            (
                name,
                str(s["pages"]),
                *(f"{s[f]:.3f}" if f in s else "-" for f in FIELDS),
                f"{s['body_precision']:.4f}",
                f"{s['body_recall']:.4f}",
                f"{s['body_f1']:.4f}",
                str(s["pages_per_second"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def below_floors(results: dict[str, Scores], floors: dict[str, dict[str, float]]) -> list[str]:
    """The figures under their floor, each said in a line; a run that is absent is skipped."""
    problems = []
    for run_name, run_floors in floors.items():
        if run_name not in results:
            continue
        summary = results[run_name].summary()
        for figure, floor in run_floors.items():
            value = summary.get(figure)
            if value is None or value < floor:
                problems.append(f"{run_name} {figure} = {value}, floor {floor}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    parser.add_argument("--check", type=Path, help="a JSON file of floors; exit 1 under one")
    parser.add_argument("--failures", action="store_true", help="list the pages a field failed")
    options = parser.parse_args(argv)
    results = run()
    print(table(results))
    if options.failures:
        for name, scores in results.items():
            for failure in scores.failures:
                print(f"{name}: {failure}")
    if options.json:
        summaries = {name: scores.summary() for name, scores in results.items()}
        options.json.write_text(json.dumps(summaries, indent=1) + "\n", "utf-8")
    if options.check:
        problems = below_floors(results, json.loads(options.check.read_text("utf-8")))
        for problem in problems:
            print(f"under the floor: {problem}", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
