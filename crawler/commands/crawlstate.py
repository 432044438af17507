"""``scrapy crawlstate -s REDIS_URL=... [--sites a,b] [--json]``: what distributed mode holds in
Redis; ``--clear --sites a,b [--force]`` deletes those sites' crawls.

Per site that has crawl keys (or per site asked for): the requests queued, the fingerprints in
the dupefilter, the leases in flight by worker ("starting" for a worker still queueing its entry
points), the workers that joined, each alive (its lock exists: the holder's pid, host and start,
and the lock's time left) or dead, when the crawl started and by which worker, and each key's
memory. Then the seen store, shared by every site: articles, content keys, output files, pending
claims (by writer), stolen claims, gone links, each key's memory and the bytes per article. And
the server: its used memory, maxmemory policy and persistence (unknown when CONFIG is disabled).
``--json`` prints the same as one JSON object, for scripts. Memory is Redis's MEMORY USAGE, an
estimate that samples the members of large keys. Key layout: crawler/cluster/keys.py.

``--clear`` deletes the crawl's keys (``CrawlKeys.all()``), never the seen store's, so the next
``scrapy crawl`` starts the site afresh. It refuses while a worker of the site is alive (its lock
exists); ``--force`` then deletes the live workers' locks too, which fences them: their next
heartbeat finds no lock and they stop. What they write until then may leave a key behind: clear
again once they have stopped. ``--clear`` wants ``--sites``: wiping every crawl is no default.

Exit status: 0; 2 on a usage error (no REDIS_URL, an unknown site, ``--clear`` without
``--sites``); 1 when Redis does not answer; 75 when a clear was refused.
"""

import json
import re
import sys

import redis
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cluster.keys import CrawlKeys, SeenKeys
from crawler.cluster.worker import connect, key_prefix, shown_url
from crawler.commands import chosen_sites
from crawler.locks import EXIT_LOCKED

EXIT_NO_REDIS = 1

# KEYS: the crawl's keys (CrawlKeys.all(): the workers set 4th), then the locks a SCAN found.
# ARGV: lock key prefix, force ('1'/'0'). One call, so that a worker joining between the check
# and the delete is either seen alive or joins the next crawl, never loses its queue unseen.
# Returns {cleared (1/0), keys deleted, {lock, token, ...} of the live workers}.
CLEAR = """
local live, checked = {}, {}
local function check(lock)
  if checked[lock] then return end
  checked[lock] = true
  local token = redis.call('GET', lock)
  if token then
    table.insert(live, lock)
    table.insert(live, token)
  end
end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[4])) do check(ARGV[1] .. worker) end
for i = 6, #KEYS do check(KEYS[i]) end
if #live > 0 and ARGV[2] ~= '1' then return {0, 0, live} end
local deleted = 0
for i = 1, 5 do deleted = deleted + redis.call('DEL', KEYS[i]) end
for i = 1, #live, 2 do redis.call('DEL', live[i]) end
return {1, deleted, live}
"""


class Command(ScrapyCommand):
    requires_project = True
    # The output is the summary (or JSON): no "Scrapy started" lines around it.
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "-s REDIS_URL=redis://host:port/db [--sites a,b] [--json] [--clear [--force]]"

    def short_desc(self) -> str:
        return "Show distributed crawls' state in Redis (or --clear --sites a,b)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--sites", metavar="A,B", help="only these sites (default: every site with a crawl)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--clear", action="store_true", help="delete the crawl keys of the --sites"
        )
        parser.add_argument(
            "--force", action="store_true", help="with --clear: also fence live workers"
        )

    def run(self, args, opts) -> None:
        if args:
            raise UsageError(f"unexpected arguments {' '.join(args)}: use --sites a,b")
        url = self.settings.get("REDIS_URL")
        if not url:
            raise UsageError("expected -s REDIS_URL=redis://host:port/db", print_help=False)
        if opts.clear and not opts.sites:
            raise UsageError(
                "--clear needs --sites a,b (it deletes their crawls)", print_help=False
            )
        if opts.force and not opts.clear:
            raise UsageError("--force goes with --clear", print_help=False)
        sites = self._sites(opts.sites)
        prefix = key_prefix(self.settings)
        try:
            client = connect(self.settings)
        except ValueError as error:
            raise UsageError(f"REDIS_URL: {error}", print_help=False) from None
        try:
            if opts.clear:
                self.exitcode = clear(client, prefix, sites, opts.force, opts.json)
            else:
                state = read_state(client, shown_url(url), prefix, sites)
                print(json.dumps(state, indent=2) if opts.json else summary(state))
        except redis.RedisError as error:
            print(f"crawlstate: Redis at {shown_url(url)}: {error}", file=sys.stderr)
            self.exitcode = EXIT_NO_REDIS
        finally:
            client.close()

    def _sites(self, option: str | None) -> list[str] | None:
        """The sites asked for, or None for every site with a crawl; UsageError if unknown."""
        if option is None:
            return None
        return chosen_sites(option, sorted(self.crawler_process.spider_loader.list()))


def _pattern(text: str) -> str:
    """``text`` as a literal in a SCAN pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def _holder(token: bytes | None) -> dict:
    try:
        note = json.loads(token)
        return {"pid": note["pid"], "host": note["host"], "since": note["since"]}
    except (ValueError, KeyError, TypeError):
        return {"pid": None, "host": None, "since": None}


def _memory(client: redis.Redis, keys: dict[str, str]) -> dict[str, int | None]:
    pipe = client.pipeline(transaction=False)
    for key in keys.values():
        pipe.memory_usage(key)
    return dict(zip(keys, pipe.execute(), strict=True))


def crawl_sites(client: redis.Redis, prefix: str) -> list[str]:
    """The sites that have any crawl key."""
    start = len(f"{prefix}:crawl:")
    found = client.scan_iter(match=_pattern(f"{prefix}:crawl:") + "*", count=1000)
    return sorted({_text(key[start:]).partition(":")[0] for key in found})


def live_locks(client: redis.Redis, keys: CrawlKeys) -> list[str]:
    pattern = _pattern(keys.worker("")) + "*"
    return [_text(key) for key in client.scan_iter(match=pattern, count=1000)]


def site_state(client: redis.Redis, keys: CrawlKeys) -> dict:
    pipe = client.pipeline(transaction=False)
    pipe.zcard(keys.queue)
    pipe.scard(keys.dupefilter)
    pipe.hkeys(keys.leases)
    pipe.smembers(keys.workers)
    pipe.hgetall(keys.info)
    queued, fingerprints, fields, members, info = pipe.execute()
    in_flight: dict[str, int] = {}
    starting = []
    for field in sorted(map(_text, fields)):
        worker, _, number = field.rpartition(":")
        if number == "start":
            starting.append(worker)
        else:
            in_flight[worker] = in_flight.get(worker, 0) + 1
    joined = {_text(member) for member in members}
    # A lock whose worker left the set (stopping) is still a live worker.
    locked = {lock.removeprefix(keys.worker("")) for lock in live_locks(client, keys)}
    ids = sorted(joined | locked)
    pipe = client.pipeline(transaction=False)
    for worker in ids:
        pipe.get(keys.worker(worker))
        pipe.pttl(keys.worker(worker))
    replies = pipe.execute()
    workers = []
    for worker, token, ttl_ms in zip(ids, replies[::2], replies[1::2], strict=True):
        workers.append(
            {
                "id": worker,
                "joined": worker in joined,
                "alive": token is not None,
                **_holder(token),
                "lock_ttl_s": ttl_ms / 1000 if token is not None and ttl_ms >= 0 else None,
            }
        )
    memory = _memory(
        client,
        {
            "queue": keys.queue,
            "dupefilter": keys.dupefilter,
            "leases": keys.leases,
            "workers": keys.workers,
            "info": keys.info,
        },
    )
    return {
        "queued": queued,
        "dupefilter": fingerprints,
        "leases": {"in_flight": in_flight, "starting": starting},
        "workers": workers,
        "started_at": _text(info[b"started_at"]) if b"started_at" in info else None,
        "started_by": _text(info[b"started_by"]) if b"started_by" in info else None,
        "memory": memory,
    }


def seen_state(client: redis.Redis, keys: SeenKeys) -> dict:
    pipe = client.pipeline(transaction=False)
    pipe.hlen(keys.urls)
    pipe.scard(keys.contents)
    pipe.hlen(keys.files)
    pipe.hkeys(keys.pending)
    pipe.hlen(keys.claims)
    pipe.hkeys(keys.stolen)
    pipe.zcard(keys.gone)
    articles, contents, files, pending, claims, stolen, gone = pipe.execute()
    memory = _memory(
        client,
        {
            "urls": keys.urls,
            "contents": keys.contents,
            "files": keys.files,
            "pending": keys.pending,
            "claims": keys.claims,
            "stolen": keys.stolen,
            "gone": keys.gone,
        },
    )
    total = sum(size or 0 for size in memory.values())
    return {
        "articles": articles,
        "contents": contents,
        "files": files,
        "pending": {"count": len(pending), "writers": sorted(map(_text, pending))},
        "claims": claims,
        "stolen": {"count": len(stolen), "writers": sorted(map(_text, stolen))},
        "gone": gone,
        "memory": memory,
        "memory_total": total,
        "bytes_per_article": round(total / articles) if articles else None,
    }


def server_state(client: redis.Redis) -> dict:
    info = client.info("memory")
    try:
        appendonly = client.config_get("appendonly").get("appendonly")
        save = client.config_get("save").get("save")
        persists = appendonly == "yes" or bool(save)
    except redis.ResponseError:  # CONFIG renamed or disabled, as managed Redis often has it
        appendonly = save = persists = None
    return {
        "used_memory_human": info.get("used_memory_human"),
        "maxmemory": info.get("maxmemory"),
        "maxmemory_human": info.get("maxmemory_human"),
        "maxmemory_policy": info.get("maxmemory_policy"),
        "appendonly": appendonly,
        "save": save,
        "persists": persists,
    }


def read_state(client: redis.Redis, url: str, prefix: str, sites: list[str] | None) -> dict:
    server = server_state(client)  # first: the call that finds Redis not answering
    return {
        "redis": {"url": url, "prefix": prefix, **server},
        "sites": {
            site: site_state(client, CrawlKeys(prefix, site))
            for site in (crawl_sites(client, prefix) if sites is None else sites)
        },
        "seen": seen_state(client, SeenKeys(prefix)),
    }


def size(value: int | None) -> str:
    if value is None:
        return "-"
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.1f} KiB"
    return f"{value / 1024 / 1024:.1f} MiB"


def _row(label: str, count: int | str, memory: int | None, note: str = "") -> str:
    return f"  {label:<11}{count:>10}  {size(memory):>10}  {note}".rstrip()


def _who(worker: dict) -> str:
    if not worker["alive"]:
        return f"    {worker['id']}: dead"
    ttl = worker["lock_ttl_s"]
    left = f"{ttl:.1f} s" if ttl is not None else "no TTL"
    stopping = "" if worker["joined"] else " (left the workers set: stopping)"
    return (
        f"    {worker['id']}: alive, pid {worker['pid']} on {worker['host']} since "
        f"{worker['since']}, lock {left} left{stopping}"
    )


def summary(state: dict) -> str:
    server = state["redis"]
    if server["persists"] is None:
        persistence = "persistence unknown (CONFIG is disabled)"
    elif server["persists"]:
        persistence = f"persists (appendonly {server['appendonly']}, save {server['save']!r})"
    else:
        persistence = "no persistence: a restart of Redis loses every key, the seen store too"
    lines = [
        f"Redis {server['url']}, prefix {server['prefix']}: {server['used_memory_human']} used, "
        f"maxmemory {server['maxmemory_human']} (policy {server['maxmemory_policy']}), "
        f"{persistence}"
    ]
    if server["maxmemory"] and server["maxmemory_policy"] != "noeviction":
        lines.append(
            f"  warning: maxmemory-policy {server['maxmemory_policy']} lets a full Redis evict "
            "keys (a live worker's lock, the seen store); noeviction keeps them"
        )
    if not state["sites"]:
        lines.append("\nno crawl in Redis")
    for site, crawl in state["sites"].items():
        memory, leases = crawl["memory"], crawl["leases"]
        by_worker = ", ".join(f"{w} {n}" for w, n in leases["in_flight"].items())
        starting = f"; starting: {', '.join(leases['starting'])}" if leases["starting"] else ""
        started = f"{crawl['started_at']} by {crawl['started_by']}" if crawl["started_at"] else "-"
        alive = sum(worker["alive"] for worker in crawl["workers"])
        lines += [
            f"\n{site}",
            _row("queued", crawl["queued"], memory["queue"], "requests"),
            _row("dupefilter", crawl["dupefilter"], memory["dupefilter"], "fingerprints"),
            _row(
                "leases",
                sum(leases["in_flight"].values()),
                memory["leases"],
                f"in flight{': ' + by_worker if by_worker else ''}{starting}",
            ),
            _row("started", "", memory["info"], started),
            _row("workers", len(crawl["workers"]), memory["workers"], f"{alive} alive"),
            *map(_who, crawl["workers"]),
        ]
    seen = state["seen"]
    memory = seen["memory"]
    pending, stolen = seen["pending"], seen["stolen"]
    lines += [
        "\nseen store (every site)",
        _row("articles", seen["articles"], memory["urls"], "urls"),
        _row("contents", seen["contents"], memory["contents"]),
        _row("files", seen["files"], memory["files"]),
        _row("pending", pending["count"], memory["pending"], ", ".join(pending["writers"])),
        _row("claims", seen["claims"], memory["claims"]),
        _row("stolen", stolen["count"], memory["stolen"], ", ".join(stolen["writers"])),
        _row("gone", seen["gone"], memory["gone"], "links"),
        _row(
            "total",
            "",
            seen["memory_total"],
            f"{seen['bytes_per_article']} bytes per article" if seen["articles"] else "",
        ),
    ]
    return "\n".join(lines)


def _live(keys: CrawlKeys, pairs: list[bytes]) -> list[dict]:
    return [
        {"id": _text(lock).removeprefix(keys.worker("")), **_holder(token)}
        for lock, token in zip(pairs[::2], pairs[1::2], strict=True)
    ]


def _named(workers: list[dict]) -> str:
    return ", ".join(f"{w['id']} (pid {w['pid']} on {w['host']})" for w in workers)


def clear(client: redis.Redis, prefix: str, sites: list[str], force: bool, as_json: bool) -> int:
    """Delete the sites' crawls; the exit status (EXIT_LOCKED when any was refused)."""
    script = client.register_script(CLEAR)
    refused: dict[str, list[dict]] = {}
    if not force:
        # Every site checked first: one with a live worker refuses the whole clear, not half.
        for site in sites:
            keys = CrawlKeys(prefix, site)
            state = site_state(client, keys)
            alive = [w for w in state["workers"] if w["alive"]]
            if alive:
                refused[site] = [
                    {key: w[key] for key in ("id", "pid", "host", "since")} for w in alive
                ]
    cleared: dict[str, dict] = {}
    if not refused:
        for site in sites:
            keys = CrawlKeys(prefix, site)
            done, deleted, live = script(
                keys=[*keys.all(), *live_locks(client, keys)],
                args=[keys.worker(""), "1" if force else "0"],
            )
            if done:
                cleared[site] = {"deleted_keys": deleted, "fenced_workers": _live(keys, live)}
            else:  # a worker joined since the check
                refused[site] = _live(keys, live)
    if as_json:
        print(json.dumps({"cleared": cleared, "refused": refused}, indent=2))
    else:
        for site, done in cleared.items():
            deleted = done["deleted_keys"]
            print(f"{site}: deleted {deleted} crawl keys" if deleted else f"{site}: no crawl keys")
            if done["fenced_workers"]:
                print(
                    f"{site}: deleted the locks of live workers {_named(done['fenced_workers'])}:"
                    " they will stop at their next heartbeat (fenced: it finds no lock); clear "
                    "again once they have stopped, should they leave keys behind"
                )
    for site, workers in refused.items():
        print(
            f"{site}: not cleared: workers alive: {_named(workers)}; stop them first, or "
            "--force to fence them",
            file=sys.stderr,
        )
    return EXIT_LOCKED if refused else 0
