"""Demo training: three state-wide modules written by the state head — content kits and social
media for booth volunteers, fact-checking for war-room analysts — with quizzes; the demo
analyst has passed the fact-check module (so the war room's "I'll take it" works), and part of
the demo's booth volunteers have passed the volunteer modules, for the completion roll-up."""

from __future__ import annotations

import random
import secrets

from django.utils import timezone

from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.content.enums import ItemState
from sampark.content.models import ContentItem
from sampark.people.models import Assignment
from sampark.training import services
from sampark.training.models import Completion, Module
from sampark.training.services import CODE_ALPHABET, CODE_LENGTH, ChoiceIn

# A module: title and introduction in Hindi and English, lessons (title, text, video link in
# both languages), questions (text in both, several right, choices).
Lessons = list[tuple[str, str, str, str, str]]
Questions = list[tuple[str, str, bool, list[ChoiceIn]]]

CONTENT: tuple[str, str, str, str, Lessons, Questions] = (
    "कंटेंट किट का उपयोग",
    "Using content kits",
    "हर दिन संगठन की स्वीकृत किट आपके फ़ोन ऐप में आती है। उसे अपने बूथ समूहों में कैसे भेजें।",
    "Every day the organisation's approved kits reach your phone app. How to pass them on to "
    "your booth groups.",
    [
        (
            "आज की किट खोलें",
            "Open today's kit",
            "ऐप के 'किट' टैब में आज की किट है। पूरा पाठ और चित्र देखें।",
            "Today's kit is under the Kits tab of the app. Read the whole text and look at "
            "the picture.",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        (
            "समूह में भेजें और बताएँ",
            "Forward it and say so",
            "'WhatsApp पर भेजें' दबाएँ, अपना समूह चुनें, फिर ऐप में बताएँ कि कितने समूहों में भेजा।",
            "Tap 'Share on WhatsApp', choose your group, then tell the app how many groups "
            "you sent it to.",
            "",
        ),
    ],
    [
        (
            "किट किसके ज़रिये भेजी जाती है?",
            "Who forwards a kit to WhatsApp groups?",
            False,
            [
                ChoiceIn("स्वयंसेवक स्वयं", "The volunteer, by hand", True),
                ChoiceIn("एक बॉट अपने आप", "A bot, automatically", False),
            ],
        ),
        (
            "भेजने के बाद क्या करें?",
            "What do you do after forwarding?",
            False,
            [
                ChoiceIn("ऐप में संख्या बताएँ", "Tell the app how many groups", True),
                ChoiceIn("कुछ नहीं", "Nothing", False),
                ChoiceIn("किट बदल दें", "Change the kit", False),
            ],
        ),
    ],
)

SOCIAL: tuple[str, str, str, str, Lessons, Questions] = (
    "सोशल मीडिया का सही उपयोग",
    "Using social media well",
    "सम्मानजनक भाषा, सहमति और निजता: समूह चलाने के नियम।",
    "Respectful language, consent and privacy: the rules for running a group.",
    [
        (
            "सहमति से जोड़ें",
            "Add people with their consent",
            "किसी को भी समूह में उसकी सहमति के बिना न जोड़ें। बाहर निकलने वाले को दोबारा न जोड़ें।",
            "Never add anyone to a group without their consent. Do not re-add someone who left.",
            "",
        ),
        (
            "रात में संदेश नहीं",
            "No messages at night",
            "रात 10 से सुबह 6 बजे तक संदेश न भेजें।",
            "Send nothing between 10 pm and 6 am.",
            "https://www.youtube.com/watch?v=9bZkp7q19f0",
        ),
    ],
    [
        (
            "किसी को समूह में कब जोड़ सकते हैं?",
            "When may you add someone to a group?",
            False,
            [
                ChoiceIn("जब उसने सहमति दी हो", "When they have agreed", True),
                ChoiceIn("जब नंबर मिल जाए", "Whenever you have the number", False),
            ],
        ),
        (
            "इनमें से कौन से नियम हैं?",
            "Which of these are rules?",
            True,
            [
                ChoiceIn("सम्मानजनक भाषा", "Respectful language", True),
                ChoiceIn("रात में संदेश नहीं", "No messages at night", True),
                ChoiceIn("हर घंटे संदेश", "A message every hour", False),
            ],
        ),
    ],
)

FACTCHECK: tuple[str, str, str, str, Lessons, Questions] = (
    "तथ्य-जाँच की बुनियादी बातें",
    "Fact-checking basics",
    "वॉर रूम में घटनाएँ लेने से पहले: दावे को प्रकाशित तथ्य-जाँच से मिलाना और उसका हवाला देना।",
    "Before taking war-room incidents: matching a claim to a published fact-check and citing it.",
    [
        (
            "दावा और स्रोत",
            "The claim and its source",
            "पहले पता करें कि दावा कहाँ से आया, कब और किसने फैलाया।",
            "First find out where the claim came from, when, and who spread it.",
            "https://www.youtube.com/watch?v=cSKGa_7XJkg",
        ),
        (
            "तथ्य-जाँच का हवाला",
            "Cite the fact-check",
            "हर जवाब किसी प्रकाशित तथ्य-जाँच का हवाला देता है और संगठन का जवाब कहलाता है।",
            "Every response cites a published fact-check and is labelled as the "
            "organisation's response.",
            "",
        ),
    ],
    [
        (
            "जवाब में क्या होना चाहिए?",
            "What must a response contain?",
            False,
            [
                ChoiceIn("तथ्य-जाँच का लिंक", "A link to the fact-check", True),
                ChoiceIn("केवल राय", "Only an opinion", False),
            ],
        ),
        (
            "जवाब प्रकाशित होने से पहले?",
            "Before a response is published?",
            False,
            [
                ChoiceIn("कोई दूसरा उसे स्वीकृत करता है", "Someone else approves it", True),
                ChoiceIn("सीधे प्रकाशित", "It goes out at once", False),
            ],
        ),
    ],
)


def _write(
    head: User, spec: tuple[str, str, str, str, Lessons, Questions], roles: list[str]
) -> Module:
    title_hi, title_en, body_hi, body_en, lessons, questions = spec
    assert head.unit is not None
    module = services.module_create(
        actor=head,
        unit=head.unit,
        title_hi=title_hi,
        title_en=title_en,
        body_hi=body_hi,
        body_en=body_en,
        pass_mark=100,
        roles=roles,
    )
    kit = (
        ContentItem.objects.filter(state__in=[ItemState.APPROVED, ItemState.SENT])
        .order_by("id")
        .first()
    )
    for n, (l_hi, l_en, t_hi, t_en, url) in enumerate(lessons):
        services.lesson_add(
            module_id=module.id,
            actor=head,
            title_hi=l_hi,
            title_en=l_en,
            text_hi=t_hi,
            text_en=t_en,
            video_url=url,
            kit_id=kit.id if kit is not None and n == 0 and spec is CONTENT else None,
        )
    for q_hi, q_en, multi, choices in questions:
        services.question_add(
            module_id=module.id,
            actor=head,
            text_hi=q_hi,
            text_en=q_en,
            multi=multi,
            choices=choices,
        )
    return services.module_publish(module_id=module.id, actor=head)


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))


def _pass_volunteers(module: Module, *, share: float, rng: random.Random) -> int:
    """Completions for a share of the demo's booth volunteers (written directly: thousands)."""
    rows = (
        Assignment.objects.filter(person__source="demo", kind__counts_toward_staffing=True)
        .values_list("person_id", "person__name")
        .distinct()
        .order_by("person_id")
    )
    now = timezone.now()
    done = [
        Completion(
            module=module,
            version=module.version,
            person_id=pid,
            name=name[:200],
            score=100,
            code=_code(),
            completed_at=now,
        )
        for pid, name in rows
        if rng.random() < share
    ]
    Completion.objects.bulk_create(done, batch_size=2000, ignore_conflicts=True)
    return len(done)


def load(*, rng: random.Random) -> dict[str, int]:
    """Idempotent: nothing when any module exists."""
    head = User.objects.filter(username="state-head").first()
    if head is None or head.unit is None or Module.objects.exists():
        return {}
    content = _write(head, CONTENT, [Role.VOLUNTEER])
    social = _write(head, SOCIAL, [Role.VOLUNTEER])
    factcheck = _write(head, FACTCHECK, [Role.ANALYST])
    out = {
        "modules": 3,
        "content_passed": _pass_volunteers(content, share=0.45, rng=rng),
        "social_passed": _pass_volunteers(social, share=0.25, rng=rng),
    }
    analyst = User.objects.filter(username="analyst").first()
    if analyst is not None:
        answers = {
            q.id: {c.id for c in q.choices.all() if c.correct}
            for q in factcheck.questions.prefetch_related("choices")
        }
        services.quiz_submit(module_id=factcheck.id, user=analyst, answers=answers)
    return out
