"""The extraction quality gate: bench/quality.py's figures must stay above their floors.

The floors (bench/quality_floors.json) sit just under the figures measured when they were set
(docs/quality.md), so a regression in any parser fails the build. The fixture articles are
always scored; the real pages of ../shared/corpus only where that directory exists.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import quality  # noqa: E402

FLOORS = json.loads((ROOT / "bench" / "quality_floors.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def results():
    return quality.run()


def test_fixture_articles_are_above_their_floors(results):
    assert quality.below_floors({"fixtures/site": results["fixtures/site"]}, FLOORS) == []


def test_real_pages_are_above_their_floors(results):
    if not quality.CORPUS.is_dir():
        pytest.skip(f"{quality.CORPUS} is absent: the real pages cannot be scored here")
    assert quality.below_floors(results, FLOORS) == []


def test_the_generic_path_is_not_below_trafilatura_on_the_zyte_pages(results):
    if not quality.CORPUS.is_dir():
        pytest.skip(f"{quality.CORPUS} is absent: the Zyte pages cannot be scored here")
    generic = results["zyte/generic"].summary()["body_f1"]
    trafilatura = results["zyte/trafilatura"].summary()["body_f1"]
    assert generic >= trafilatura
