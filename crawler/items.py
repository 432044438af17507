"""The article: one JSON line of output.

The field list is the JSON Schema's (``crawler/schemas/article.schema.json``), so the item, the
schema and the writer cannot drift apart.
"""

import json
from functools import cache
from importlib import resources

import scrapy

SCHEMA_VERSION = 1


@cache
def article_schema() -> dict:
    """The JSON Schema every written line validates against."""
    text = resources.files("crawler").joinpath("schemas/article.schema.json").read_text("utf-8")
    return json.loads(text)


ARTICLE_FIELDS: tuple[str, ...] = tuple(article_schema()["properties"])


Article = type(
    "Article",
    (scrapy.Item,),
    {
        "__doc__": "An article as extracted, then completed by the pipelines.",
        "__module__": __name__,
        **{name: scrapy.Field() for name in ARTICLE_FIELDS},
    },
)
