"""Ninja schemas of the fact-check API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FactCheckOut(Schema):
    id: int
    url: str
    claim_reviewed: str
    claimant: str
    rating: str
    verdict: str
    publisher: str
    publisher_url: str
    author: str
    published_at: dt.datetime | None
    language: str
    title: str
    image_url: str
    summary: str
    source: str
    is_own_response: bool


class MatchOut(Schema):
    fact_check: FactCheckOut
    score: float
    band: str
