"""Writes in the benchmark: guests' sessions, bookings on distinct houses, and the mixed run.

Guests are the generated users without a real name (bench.generate makes every second user a guest);
each gets a session written straight into the server's Redis (as ``run.admin_cookie`` does) and the
CSRF token the server mints for it (read from the ``Set-Cookie`` of one ``/healthz``). A booking is a
``POST /api/v1.0/orders`` of a house nobody else books in the run, for its minimum stay, starting
in the next 60 days: the weeks the mixed run's searches look at, so bookings do invalidate searches
(on nights clear of the house's generated orders, so every booking should be a 201).

The mixed run: BENCH_MIXED_CONCURRENCY (default 4) connections, each picking at random for
BENCH_MIXED_SECONDS (default 60) seconds: 5 % bookings, the rest reads (45 % a search from a pool of
popular searches, 40 % a house detail from a pool of houses, 10 % the home list). It runs twice, read
only and then mixed, on a warmed cache; the search cache hit ratio comes from the ``X-Cache`` header
the cached endpoints send (hit or miss); rows "search hit only" and "search miss only" show the
latencies of the two populations apart (the "search" row holds both).
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

from bench.load import Request, Result

BOOKING_MIX = 0.05
STAY_WINDOW_DAYS = 60  # bookings and the mixed run's searches both start in the next 60 days


@dataclass
class Guest:
    """A logged-in guest: the Cookie header (session + CSRF) and the CSRF header to send."""

    user_id: int
    headers: dict[str, str]


@dataclass
class Bookable:
    house_id: int
    owner_id: int
    nights: int
    busy: list[tuple[date, date]] = field(default_factory=list)  # active generated orders ending after today
    pending: set[int] = field(default_factory=set)  # guests with an order of it waiting (one per house)


@dataclass
class Tally:
    """Latencies per kind of request, errors, and cache hits of searches."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    search_hits: int = 0
    search_misses: int = 0
    search_unknown: int = 0  # answers without X-Cache (a server before issue 14)
    statuses: dict[int, int] = field(default_factory=dict)


def make_guests(instance: Path, port: int, user_ids: list[int]) -> list[Guest]:
    """A session in the server's Redis for each user, and the CSRF token the server mints for it."""
    from ihome.core.redis_client import make_client

    client = make_client(f"unix://{instance / 'redis' / 'redis.sock'}?db=0")
    guests = []
    try:
        for user_id in user_ids:
            sid = uuid.uuid4().hex
            client.set(f"ihome:session:{sid}", json.dumps({"user_id": user_id}), ex=3600)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/healthz", headers={"Cookie": f"ihome_session={sid}"})
            response = connection.getresponse()
            response.read()
            jar = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            connection.close()
            token = jar["csrf_token"].value
            guests.append(Guest(user_id, {"Cookie": f"ihome_session={sid}; csrf_token={token}",
                                          "X-CSRFToken": token, "Content-Type": "application/json"}))
    finally:
        client.close()
    return guests


def bookables(app, guests: set[int]) -> list[Bookable]:
    """Every house a guest of ``guests`` may book (not their own), with its minimum stay and the stays
    of its active generated orders ending after today (bench.generate books the future too)."""
    from sqlalchemy import select

    from ihome.extensions import db
    from ihome.houses.models import House
    from ihome.orders.models import ACTIVE_STATUSES, Order, OrderStatus

    with app.app_context():
        rows = db.session.execute(select(House.id, House.user_id, House.min_days).order_by(House.id)).all()
        houses = {h: Bookable(h, owner, max(1, low)) for h, owner, low in rows if owner not in guests}
        future = db.session.execute(select(Order.house_id, Order.start_date, Order.end_date, Order.user_id,
                                           Order.status).where(
            Order.status.in_([s.value for s in ACTIVE_STATUSES]), Order.end_date > date.today()))
        waiting = {OrderStatus.WAIT_ACCEPT.value, OrderStatus.WAIT_PAYMENT.value}
        for house_id, start, end, user_id, status in future:
            if house_id in houses:
                houses[house_id].busy.append((start, end))
                if status in waiting:
                    houses[house_id].pending.add(user_id)
        db.session.remove()
    return list(houses.values())


def booking_stream(rng: random.Random, houses: list[Bookable], guests: list[Guest]) -> Iterator[Request]:
    """Bookings, each of a house not booked before in this run, by a guest who does not own it."""
    if not houses or not guests:
        raise RuntimeError("nothing to book: no free house or no guest in the generated data")
    order = houses[:]
    rng.shuffle(order)
    n = 0
    for house in order:
        guest = guests[n % len(guests)]
        if guest.user_id in house.pending:
            continue
        for _attempt in range(10):  # a stay clear of the house's generated orders
            start = date.today() + timedelta(days=rng.randint(1, STAY_WINDOW_DAYS))  # where the searches look
            end = start + timedelta(days=house.nights)
            if not any(s < end and start < e for s, e in house.busy):
                break
        else:
            continue
        n += 1
        body = {"house_id": house.house_id, "start_date": start.isoformat(), "end_date": end.isoformat(), "guests": 1}
        yield Request("POST", "/api/v1.0/orders", json.dumps(body).encode(), guest.headers)


def mixed(port: int, *, seconds: float, concurrency: int, searches: list[str], details: list[str],
          bookings: Iterator[Request] | None, seed: int = 5) -> Tally:
    """Random reads (and bookings when ``bookings`` is given) for ``seconds`` on ``concurrency`` connections."""
    tally = Tally()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def pick(rng: random.Random) -> tuple[str, Request]:
        roll = rng.random()
        if bookings is not None and roll < BOOKING_MIX:
            with lock:
                return "booking", next(bookings)
        roll = rng.random()
        if roll < 0.45 / 0.95:
            return "search", Request("GET", rng.choice(searches))
        if roll < 0.85 / 0.95:
            return "detail", Request("GET", rng.choice(details))
        return "home", Request("GET", "/api/v1.0/houses/index")

    def worker(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: dict[str, list[float]] = {}
        errors = hits = misses = unknown = 0
        statuses: dict[int, int] = {}
        while time.perf_counter() < deadline:
            kind, item = pick(rng)
            started = time.perf_counter()
            try:
                connection.request(item.method, item.path, body=item.body,
                                   headers={"Accept": "application/json", **(item.headers or {})})
                response = connection.getresponse()
                response.read()
                if response.status not in (200, 201):
                    errors += 1
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                if kind == "search":
                    cache = response.headers.get("X-Cache")
                    hits += cache == "hit"
                    misses += cache == "miss"
                    unknown += cache is None
                    if cache in ("hit", "miss"):  # the two populations apart: what a miss costs under load
                        mine.setdefault(f"search {cache} only", []).append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine.setdefault(kind, []).append(time.perf_counter() - started)
        connection.close()
        with lock:
            for kind, values in mine.items():
                tally.latencies.setdefault(kind, []).extend(values)
            tally.errors += errors
            tally.search_hits += hits
            tally.search_misses += misses
            tally.search_unknown += unknown
            for status, count in statuses.items():
                tally.statuses[status] = tally.statuses.get(status, 0) + count

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def tally_results(label: str, tally: Tally, seconds: float, concurrency: int) -> list[Result]:
    """One ``Result`` row per kind of request of a mixed or read-only run."""
    return [Result(f"{label}: {kind}", len(values), concurrency, seconds, values, 0)
            for kind, values in sorted(tally.latencies.items())]


def hit_ratio(tally: Tally) -> float | None:
    """Searches answered from the cache, of all searches (None when the server sends no X-Cache)."""
    total = tally.search_hits + tally.search_misses
    return tally.search_hits / total if total else None
