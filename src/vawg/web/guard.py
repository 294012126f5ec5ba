"""Who may try a password now: throttling per client and per account, lockout per account.

The rules (each a defence against one kind of attack, none slowing a bystander):

- **Per account and client** (guessing one account's password from one place): after the k-th
  failure in a row for that name from that client, the next attempt for it from there must wait
  ``base * 2**(k-1)`` seconds (1, 2, 4 … capped at ``cap``).
- **Per client** (one place trying many names, "password spraying"): after ``client_grace``
  failures in a row from a client, every attempt from it waits ``base * 2**(k-1-grace)``.
- **Per account** (many places guessing one name): ``lockout_after`` failures in a row for a
  name lock it, from everywhere, until an administrator runs ``vawg users unlock NAME``. Unknown
  names are counted and locked the same way, so the answers do not tell which names exist.

So a second client is never slowed by the first's failures (its own client and account-from-
client counts are clean), while no single client gets more than a handful of guesses a minute
and no account more than ``lockout_after`` guesses in all. An attempt that must wait is refused
at once with the seconds to wait (never queued, never silently dropped) and its password is not
checked, so it gives an attacker nothing.

Counts are forgotten after quiet: the throttling counts after ``forget_after`` seconds without a
failure, an account's count towards lockout after ``account_forget_after`` seconds (a user who
mistypes once a week is never locked out). A sign-in clears the account's count and its
count from that client.

The guard holds no state of its own making: it is fed the audit log's events
(:mod:`vawg.web.audit`) by :meth:`SignInGuard.apply`, so restarts and other processes (``vawg
users unlock``) see the same state. The clock is passed in, so tests are exact and instant.
"""

from __future__ import annotations

from dataclasses import dataclass

from vawg.web.audit import AuditEvent

__all__ = ["Decision", "SignInGuard"]


@dataclass(frozen=True)
class Decision:
    """Whether an attempt may be checked now; if not, why and for how long."""

    allowed: bool
    wait: float = 0.0
    """Seconds until the attempt may be checked (0 when allowed or locked)."""
    locked: bool = False

    def message(self, lockout_after: int) -> str:
        """What the sign-in page says when the attempt is refused."""
        if self.locked:
            return (
                f"This account is locked after {lockout_after} failed sign-ins in a row. "
                "Ask an administrator to unlock it (vawg users unlock NAME)."
            )
        if not self.allowed:
            return f"Too many failed sign-ins: wait {seconds(self.wait)} before trying again."
        return ""


def seconds(wait: float) -> str:
    """A wait in whole seconds, rounded up, in words (``1 s`` at least)."""
    whole = max(1, int(-(-wait // 1)))
    return f"{whole} s"


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0


class SignInGuard:
    """Throttling and lockout state, built from audit events; decisions at a given time."""

    def __init__(
        self,
        *,
        lockout_after: int = 10,
        base: float = 1.0,
        cap: float = 60.0,
        client_grace: int = 5,
        forget_after: float = 900.0,
        account_forget_after: float = 86_400.0,
    ) -> None:
        self.lockout_after, self.base, self.cap = lockout_after, base, cap
        self.client_grace = client_grace
        self.forget_after, self.account_forget_after = forget_after, account_forget_after
        self._pairs: dict[tuple[str, str], _Count] = {}
        self._clients: dict[str, _Count] = {}
        self._accounts: dict[str, _Count] = {}
        self._locked: set[str] = set()

    def delay_after(self, failures: int) -> float:
        """Seconds an attempt waits after ``failures`` failures in a row (0 for none)."""
        return 0.0 if failures <= 0 else min(self.cap, self.base * 2 ** (failures - 1))

    def apply(self, event: AuditEvent) -> None:
        """Update the state with one event from the audit log (in the order written)."""
        name, client, at = event.user, event.client, event.at
        if event.event == "sign-in-failed":
            for count, forget in (
                (self._pairs.setdefault((name, client), _Count()), self.forget_after),
                (self._clients.setdefault(client, _Count()), self.forget_after),
                (self._accounts.setdefault(name, _Count()), self.account_forget_after),
            ):
                if count.failures and at - count.last > forget:
                    count.failures = 0
                count.failures += 1
                count.last = at
        elif event.event == "sign-in":
            self._pairs.pop((name, client), None)
            self._accounts.pop(name, None)
        elif event.event == "locked":
            self._locked.add(name)
        elif event.event == "unlocked":
            self._locked.discard(name)
            self._accounts.pop(name, None)
            for key in [k for k in self._pairs if k[0] == name]:
                del self._pairs[key]

    def _current(self, count: _Count | None, now: float, forget: float) -> int:
        if count is None or now - count.last > forget:
            return 0
        return count.failures

    def is_locked(self, name: str) -> bool:
        """Whether ``name`` is locked (until unlocked)."""
        return name in self._locked

    def should_lock(self, name: str, now: float) -> bool:
        """Whether ``name`` has reached the lockout count and is not locked yet."""
        failures = self._current(self._accounts.get(name), now, self.account_forget_after)
        return name not in self._locked and failures >= self.lockout_after

    def decide(self, name: str, client: str, now: float) -> Decision:
        """May an attempt for ``name`` from ``client`` be checked at ``now``?"""
        if name in self._locked:
            return Decision(False, locked=True)
        pair = self._pairs.get((name, client))
        waits = []
        pair_failures = self._current(pair, now, self.forget_after)
        if pair is not None and pair_failures:
            waits.append(pair.last + self.delay_after(pair_failures) - now)
        source = self._clients.get(client)
        client_failures = self._current(source, now, self.forget_after) - self.client_grace
        if source is not None and client_failures > 0:
            waits.append(source.last + self.delay_after(client_failures) - now)
        wait = max([0.0, *waits])
        return Decision(True) if wait <= 0 else Decision(False, wait=wait)

    def failures(self, name: str, client: str, now: float) -> tuple[int, int, int]:
        """Failures in a row counted now: (name from client, client, name from anywhere)."""
        return (
            self._current(self._pairs.get((name, client)), now, self.forget_after),
            self._current(self._clients.get(client), now, self.forget_after),
            self._current(self._accounts.get(name), now, self.account_forget_after),
        )
