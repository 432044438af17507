"""Distributed mode: several worker processes crawl a site as one, sharing one Redis.

Off unless ``-s REDIS_URL=redis://host:port/db`` is given; nothing here is imported otherwise.
The key layout is in ``keys.py``; docs/distributed.md tells how to run and inspect it.
"""
