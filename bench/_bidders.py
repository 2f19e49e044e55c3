"""The bidders of bench/auction.py: asyncio coroutines speaking HTTP/1.1 over raw sockets, many per process.

Each bidder has its own signed-in session (its cookies) and opens its own connection per request (gunicorn's
sync workers answer one request per connection). It signs in like a browser (the sign-in page for the CSRF
token, the form, the auction page for the bid form's token), then bids the best bid it knows plus 1 to 3
increments as fast as it can. It learns the best bid from the answers to its bids (the accepted amount, or the
``high`` a refusal carries) and, like the auction page's script, from ``status.json`` polled every few seconds
with ``If-None-Match``. A process reports its results and its own CPU time to the parent through a queue.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import resource
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"
PASSWORD = "Sekret-pass-42"  # noqa: S105 - the test factories' password (tests/factories.py)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|id="csrf_token" name="csrf_token" '
                  r'type="hidden" value="([^"]+)"')


class ClientError(RuntimeError):
    """A bidder could not go on (sign-in refused, no CSRF token, connection failures)."""


@dataclass
class Bidder:
    port: int
    email: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    etag: str = ""

    async def request(self, method: str, path: str, form: dict[str, str] | None = None,
                      headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        body = urllib.parse.urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        for attempt in (1, 2, 3):
            try:
                reader, writer = await asyncio.open_connection(HOST, self.port)
                break
            except OSError:
                if attempt == 3:
                    raise
                await asyncio.sleep(0.05 * attempt)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            raw = await reader.read(-1)  # the server closes the connection after the answer
        finally:
            writer.close()
        head, _, payload = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        if not status_line.startswith("HTTP/"):
            raise ClientError(f"no HTTP answer to {method} {path}: {raw[:80]!r}")
        answer: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _, _attrs = value.partition(";")
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val
            else:
                answer[name] = value
        return int(status_line.split()[1]), answer, payload

    async def token(self, path: str) -> str:
        status, _, page = await self.request("GET", path)
        match = CSRF.search(page.decode("utf-8", "replace"))
        if status != 200 or match is None:
            raise ClientError(f"no CSRF token on {path} ({status})")
        return match.group(1) or match.group(2)

    async def sign_in(self, auction_id: int) -> None:
        token = await self.token("/account/login")
        status, _, _ = await self.request("POST", "/account/login", {"csrf_token": token, "email": self.email,
                                                                     "password": PASSWORD})
        if status != 302:
            raise ClientError(f"sign-in of {self.email} answered {status}")
        self.csrf = await self.token(f"/auctions/{auction_id}")

    async def poll(self, auction_id: int) -> tuple[int, dict[str, Any] | None]:
        headers = {"Accept": "application/json"} | ({"If-None-Match": f'"{self.etag}"'} if self.etag else {})
        status, _, body = await self.request("GET", f"/auctions/{auction_id}/status.json", headers=headers)
        if status != 200:
            return status, None
        state = json.loads(body)
        self.etag = state.get("etag", "")
        return status, state


@dataclass
class Plan:
    port: int
    auction_id: int
    increment: int
    start: int
    poll_every: float


Result = tuple[float, int, float, str]
"""(time answered, HTTP status, latency in seconds, answer body)."""


async def _run_bidder(plan: Plan, bidder: Bidder, go: asyncio.Event, window: list[float], results: list[Result],
                      polls: list[tuple[float, int]]) -> None:
    rng = random.Random(bidder.email)
    await go.wait()
    _, end_at = window
    high: int | None = None
    next_poll = time.time() + rng.uniform(0, plan.poll_every)
    status, state = await bidder.poll(plan.auction_id)  # the page's first look
    polls.append((time.time(), status))
    if state and state.get("high"):
        high = int(float(state["high"]))
    n = 0
    while time.time() < end_at:
        if time.time() >= next_poll:
            next_poll += plan.poll_every
            status, state = await bidder.poll(plan.auction_id)
            polls.append((time.time(), status))
            if state and state.get("high"):
                high = max(high or 0, int(float(state["high"])))
        amount = high + plan.increment * rng.choice((1, 2, 3)) if high else plan.start
        n += 1
        t0 = time.perf_counter()
        status, _, body = await bidder.request(
            "POST", f"/auctions/{plan.auction_id}/bid",
            {"csrf_token": bidder.csrf, "amount": str(amount), "key": f"{bidder.email}-{n}"},
            headers={"Accept": "application/json"})
        results.append((time.time(), status, time.perf_counter() - t0, body.decode("utf-8", "replace")))
        if 200 <= status < 300:
            high = amount
        elif status == 400:
            known = json.loads(body).get("high")
            if known:
                high = int(float(known))


async def _main(plan: Plan, emails: list[str], conn: Any, sign_in_concurrency: int) -> dict[str, Any]:
    bidders = [Bidder(plan.port, e) for e in emails]
    errors: list[str] = []
    gate = asyncio.Semaphore(sign_in_concurrency)

    async def sign_in(b: Bidder) -> None:
        async with gate:
            try:
                await b.sign_in(plan.auction_id)
            except (ClientError, OSError) as exc:
                errors.append(f"{b.email}: {exc!r}")

    await asyncio.gather(*(sign_in(b) for b in bidders))
    ready = [b for b in bidders if b.csrf]
    conn.send(("ready", len(ready), errors[:5]))
    loop = asyncio.get_running_loop()
    window: list[float] = await loop.run_in_executor(None, conn.recv)  # [start_at, end_at] from the parent
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    go = asyncio.Event()
    results: list[Result] = []
    polls: list[tuple[float, int]] = []
    await asyncio.sleep(max(0.0, window[0] - time.time()))
    go.set()

    async def guarded(b: Bidder) -> None:
        try:
            await _run_bidder(plan, b, go, window, results, polls)
        except (ClientError, OSError, ValueError) as exc:
            errors.append(f"{b.email}: {exc!r}")

    await asyncio.gather(*(guarded(b) for b in ready))
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return {"results": results, "polls": polls, "errors": errors, "cpu_s": cpu}


def process(plan: Plan, emails: list[str], conn: Any, sign_in_concurrency: int = 8) -> None:
    """Entry point of one client process: sign in, report ready, wait for the window, bid, send the results."""
    try:
        out = asyncio.run(_main(plan, emails, conn, sign_in_concurrency))
    except Exception as exc:  # reported to the parent, which fails the run with it
        out = {"results": [], "polls": [], "errors": [f"client process: {exc!r}"], "cpu_s": 0.0}
    conn.send(("done", out))
