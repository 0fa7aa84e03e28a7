"""A minimal feature service that speaks fcbench's serving contract (docs/service-contract.md).

Standard library + redis-py only:

    pip install redis
    REDIS_URL=redis://127.0.0.1:6379/0 python3 feature_service.py --port 8080
    fcbench run scenarios/http-replicas.yaml \
        --set 'load.target="http://127.0.0.1:8080/features/{entity}?sets={sets}"'

Cascade: an in-process LRU (OrderedDict) -> Redis -> a simulated feature store (a sleep), with the
tier that served and each step's time in the Server-Timing header of every response.
"""
import argparse
import json
import os
import random
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

import redis

LOCAL_MAX_ENTRIES = 10_000
REDIS_TTL_SECONDS = 900
KEY_PREFIX = "pysvc"


class LocalLru:
    """A small LRU; one per process, like each serving replica's local tier."""

    def __init__(self, max_entries):
        self.max_entries = max_entries
        self.items = OrderedDict()

    def get(self, key):
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def set(self, key, value):
        self.items[key] = value
        self.items.move_to_end(key)
        if len(self.items) > self.max_entries:
            self.items.popitem(last=False)


local = LocalLru(LOCAL_MAX_ENTRIES)
client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), socket_timeout=0.5)


def fetch_from_source(entity, feature_set):
    """The feature store, simulated: ~5 ms and deterministic values per (entity, set)."""
    time.sleep(random.uniform(0.002, 0.008))
    rng = random.Random(f"{feature_set}:{entity}")
    return {f"f{i}": rng.random() for i in range(50)}


def ms_since(t0):
    return (time.perf_counter() - t0) * 1000


def lookup(entity, feature_sets, steps):
    """Returns (values by set, deepest tier used) and adds each step's time to `steps` (ms)."""
    deepest = "local"
    out = {}
    for feature_set in feature_sets:
        key = f"{KEY_PREFIX}:{feature_set}:{entity}"
        t0 = time.perf_counter()
        value = local.get(key)
        steps["local"] += ms_since(t0)
        if value is not None:
            out[feature_set] = value
            continue
        t0 = time.perf_counter()
        raw = client.get(key)
        steps["redis"] += ms_since(t0)
        if raw is not None:
            t0 = time.perf_counter()
            value = json.loads(raw)
            steps["decode"] += ms_since(t0)
            deepest = "redis" if deepest == "local" else deepest
        else:
            t0 = time.perf_counter()
            value = fetch_from_source(entity, feature_set)
            steps["source"] += ms_since(t0)
            t0 = time.perf_counter()
            encoded = json.dumps(value)
            steps["encode"] += ms_since(t0)
            client.set(key, encoded, ex=REDIS_TTL_SECONDS)
            deepest = "source"
        local.set(key, value)
        out[feature_set] = value
    return out, deepest


def server_timing(tier, steps):
    parts = [f'tier;desc="{tier}"'] + [f"{name};dur={value:.3f}" for name, value in steps.items() if value > 0 or name in ("local", "redis", "source")]
    return ", ".join(parts)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: fcbench reuses its connections
    # Headers and body go out in two writes: with Nagle on, the body waits for the client's delayed
    # ACK (~40 ms on Linux) and every response looks 40 ms slow.
    disable_nagle_algorithm = True

    def do_GET(self):
        url = urlparse(self.path)
        if not url.path.startswith("/features/"):
            self.send_error(404)
            return
        entity = unquote(url.path[len("/features/"):])
        sets = [s for s in parse_qs(url.query).get("sets", ["features"])[0].split(",") if s]
        steps = {"local": 0.0, "redis": 0.0, "source": 0.0, "decode": 0.0, "encode": 0.0}
        try:
            values, tier = lookup(entity, sets, steps)
        except redis.RedisError as error:
            body = json.dumps({"error": str(error)}).encode()
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body = json.dumps({"entity": entity, "features": values}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Server-Timing", server_timing(tier, steps))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # one line per request would cost more than the lookup


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"serving on http://{args.host}:{server.server_port}/features/{{entity}}?sets={{sets}}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
