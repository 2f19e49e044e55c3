"""Matching: demands and achievements that fit each other, scored with the reasons why (issue #13)."""
