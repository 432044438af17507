"""How close an extracted body is to a true one: the Zyte benchmark's shingle scores.

The scoring of the article extraction benchmark (``../shared/corpus/zyte/README.md``), written
for this project:

- a text is cut into word tokens (runs of Unicode letters, digits and ``_``; NFC, lower-cased)
  and into 4-token shingles, counted as a multiset; a text of fewer than four tokens is one
  shingle of all its tokens;
- on one page, tp = shingles in both (with multiplicity), fp = predicted but not true,
  fn = true but not predicted; precision = tp / (tp + fp), recall = tp / (tp + fn);
- over a corpus, precision and recall are averaged over pages (each page weighs the same,
  however long), and F1 is the harmonic mean of those two means (``f1``), not a mean of F1s.

``body_scores`` scores one page; ``corpus_scores`` a corpus, as the benchmark does: a page
where nothing was predicted counts in the recall mean (as 0) but not in the precision mean.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from statistics import fmean

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    """The lower-cased word tokens of a text."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text or "").lower())


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The text's shingles of ``size`` consecutive tokens, with their counts."""
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < size:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def shingle_counts(truth: str | None, predicted: str | None) -> tuple[int, int, int]:
    """(tp, fp, fn): shingles shared, predicted only, true only (multisets)."""
    true, pred = shingles(truth), shingles(predicted)
    tp = sum((true & pred).values())
    return tp, sum(pred.values()) - tp, sum(true.values()) - tp


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def body_scores(truth: str | None, predicted: str | None) -> tuple[float, float]:
    """(precision, recall) of one predicted body against the true one.

    Both empty: (1.0, 1.0). Nothing predicted: precision 1.0 (nothing wrong was said), recall 0.
    Nothing true but something predicted: (0.0, 1.0).
    """
    tp, fp, fn = shingle_counts(truth, predicted)
    return _ratio(tp, tp + fp), _ratio(tp, tp + fn)


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0.0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def corpus_scores(pairs: Iterable[tuple[str | None, str | None]]) -> tuple[float, float, float]:
    """(precision, recall, F1) over (truth, predicted) pages, as the benchmark averages them.

    Precision is the mean over pages where something was predicted, recall the mean over pages
    with a true body; a page with neither counts 1 in both. F1 is ``f1`` of the two means.
    """
    precisions: list[float] = []
    recalls: list[float] = []
    for truth, predicted in pairs:
        tp, fp, fn = shingle_counts(truth, predicted)
        if tp + fp + fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    precision = fmean(precisions) if precisions else 0.0
    recall = fmean(recalls) if recalls else 0.0
    return precision, recall, f1(precision, recall)
