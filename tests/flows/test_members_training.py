"""Mentor training to awaiting_approval, coordinators told, /approve (and refused elsewhere)."""

from __future__ import annotations

from bot.sandbox.harness import Sandbox
from storage import audit, engagement, training
from tests.flows.members_helpers import finish_training, join_as_mentor, member_of


async def test_training_to_approval(sandbox: Sandbox) -> None:
    rob = sandbox.user("Rob")
    await join_as_mentor(rob)
    answered = await finish_training(sandbox, rob)
    assert answered >= 6
    member = await member_of(sandbox, rob)
    assert member.status == "awaiting_approval" and member.trained_at is not None
    assert "finished the training" in rob.last_message().text
    progress = await training.progress(sandbox.db, member.id)
    assert len(progress) == answered and all(p.passed_at for p in progress)
    notice = sandbox.group.bot_messages()[-1].text
    assert f"Mentor {member.code} finished training" in notice and "Rowan" not in notice

    cleo = sandbox.group.coordinator("Cleo")
    replies = await cleo.send(f"/approve {member.code.lower()}")
    assert "approved" in replies[-1].text
    member = await member_of(sandbox, rob)
    assert member.status == "waiting" and member.approved_at is not None
    assert "You're approved as a mentor" in rob.last_message().text
    entry = (await audit.recent(sandbox.db))[0]
    assert (entry.action, entry.target, entry.actor_name) == ("approve", member.code, "Cleo")
    kinds = [e.kind for e in await engagement.events(sandbox.db)]
    assert kinds.count("trained") == 1 and kinds.count("approved") == 1
    replies = await cleo.send(f"/approve {member.code}")
    assert "already approved" in replies[-1].text
    assert len(await audit.recent(sandbox.db)) == 1


async def test_approve_refused_outside_group_and_before_training(sandbox: Sandbox) -> None:
    rob = sandbox.user("Rob")
    await join_as_mentor(rob)
    member = await member_of(sandbox, rob)
    replies = await rob.send(f"/approve {member.code}")  # a member trying it in private
    assert "don't know that command" in replies[0].text
    cleo = sandbox.group.coordinator("Cleo")
    assert "hasn't finished training" in (await cleo.send(f"/approve {member.code}"))[-1].text
    assert "No mentor has the code" in (await cleo.send("/approve MZZZZ"))[-1].text
    assert "Usage" in (await cleo.send("/approve"))[-1].text
    assert (await member_of(sandbox, rob)).status == "training"


async def test_wrong_answer_gives_feedback_and_asks_again(sandbox: Sandbox) -> None:
    rob = sandbox.user("Rob")
    await join_as_mentor(rob)
    replies = await rob.click(rob.last_with_buttons(), "Start training")
    assert "Module 1 of 6: Active listening" in replies[0].text
    question = replies[-1]
    assert sandbox.services is not None
    first = sandbox.services.content.training.modules[0].questions[0]
    wrong = next(c for c in first.choices if not c.correct)
    replies = await rob.click(question, wrong.text.en)
    assert "Not quite" in replies[0].text and wrong.feedback.en in replies[0].text
    assert replies[-1].button_labels == question.button_labels  # asked again
    await rob.click(question, wrong.text.en)  # the old copy of the question: expired
    assert "expired" in rob.answers()[-1]["text"]
    member = await member_of(sandbox, rob)
    progress = await training.progress(sandbox.db, member.id)
    assert [(p.attempts, p.passed_at) for p in progress] == [(1, None)]
    # /training resumes at the same question, after a restart too.
    await sandbox.restart()
    replies = await rob.send("/training")
    assert "0 of 6 modules" in replies[0].text
    right = next(c for c in first.choices if c.correct)
    await rob.click(replies[-1], right.text.en)
    progress = await training.progress(sandbox.db, member.id)
    assert progress[0].attempts == 2 and progress[0].passed_at is not None


async def test_training_is_for_mentors(sandbox: Sandbox) -> None:
    ana = sandbox.user("Ana")
    assert "for mentors" in (await ana.send("/training"))[0].text


async def test_joined_mentee_and_approved_mentor_are_proposed_as_a_pair(sandbox: Sandbox) -> None:
    from tests.flows.members_helpers import join_as_mentee

    ana, rob = sandbox.user("Ana"), sandbox.user("Rob")
    await join_as_mentee(ana, alias="Sunny")
    await join_as_mentor(rob, alias="Rowan")
    await finish_training(sandbox, rob)
    cleo = sandbox.group.coordinator("Cleo")
    mentee, mentor = await member_of(sandbox, ana), await member_of(sandbox, rob)
    assert "No suggestions" in (await cleo.send("/suggest"))[-1].text  # not approved yet
    await cleo.send(f"/approve {mentor.code}")
    posted = await cleo.send("/suggest")
    proposal = next(m for m in posted if any("Approve" in b for b in m.button_labels))
    assert mentee.code in proposal.text and mentor.code in proposal.text
    assert "both: anxiety" in proposal.text and "speak: en" in proposal.text
