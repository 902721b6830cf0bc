"""Claiming: a batch is what it says, and a claim is left alone while its lease runs."""

from sqlalchemy import func, select

from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders.dispatcher import LEASE, claim, send_due
from passerelle.reminders.models import OutboxMessage, Status
from tests.reminders.conftest import write_due


def _count(status):
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == status))


def test_a_claim_takes_no_more_than_its_batch(app):
    write_due(50)
    claimed = claim(utcnow(), 10)
    assert len(claimed) == 10 and _count(Status.SENDING) == 10
    assert [row.key for row in claimed] == [f"bulk.{n}" for n in range(10)]


def test_a_pass_leaves_a_live_claim_alone_and_takes_back_an_old_one(app, server):
    write_due(2)
    now = utcnow()
    claim(now, 1)  # another dispatcher has bulk.0 in hand
    assert send_due(now).sent == 1
    assert _count(Status.SENDING) == 1
    assert send_due(now + LEASE + LEASE / 10).sent == 1  # that dispatcher died long ago
    assert _count(Status.SENT) == 2
