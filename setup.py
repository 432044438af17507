"""Kept so that scrapyd-deploy builds the egg from pyproject.toml instead of writing its own.

Everything (name, version, packages, the JSON schemas, the ``scrapy`` entry point) is declared
in pyproject.toml; see deploy/README.md.
"""

from setuptools import setup

setup()
