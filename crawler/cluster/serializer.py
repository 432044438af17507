"""How requests are stored in the Redis queue: compact JSON, not scrapy-redis's pickle.

Pickle would let whoever can write to Redis run code in every worker. JSON holds the fields of
``Request.to_dict`` that differ from their defaults, so an article request is its URL and the
names of its callbacks (~150 bytes). Bytes (headers, a body) are kept as base64; a dict with
bytes keys (headers) as a list of pairs. Anything else that is not JSON fails loudly.
"""

import base64
import copy
import json
from typing import Any

_DEFAULTS: dict[str, Any] = {
    "method": "GET",
    "body": b"",
    "headers": {},
    "cookies": {},
    "meta": {},
    "encoding": "utf-8",
    "priority": 0,
    "dont_filter": False,
    "flags": [],
    "cb_kwargs": {},
    "callback": None,
    "errback": None,
}
_BYTES = "$b"
_PAIRS = "$d"


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _plain(item) for key, item in value.items()}
        return {_PAIRS: [[_plain(key), _plain(item)] for key, item in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _restore(value: dict) -> Any:
    if len(value) == 1:
        if _BYTES in value:
            return base64.b64decode(value[_BYTES])
        if _PAIRS in value:
            return {_hashable(key): item for key, item in value[_PAIRS]}
    return value


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def dumps(request: dict) -> bytes:
    compact = {key: value for key, value in request.items() if _DEFAULTS.get(key, ...) != value}
    return json.dumps(_plain(compact), ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes) -> dict:
    request = json.loads(data, object_hook=_restore)
    # Fresh copies: a Request keeps some of these objects (cookies) as given.
    return {**copy.deepcopy(_DEFAULTS), **request}
