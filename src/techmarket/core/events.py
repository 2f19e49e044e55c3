"""Signals: news travels upward (lower layers announce, higher layers listen)."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

user_registered = signals.signal("user-registered")
organisation_decided = signals.signal("organisation-decided")
