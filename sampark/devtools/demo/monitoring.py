"""Demo listening data: a few rumours spreading through booth groups and public platforms.

Group content enters the way it does in production: as WhatsApp chat exports (rendered here in
the Android layout and parsed by the real parser) uploaded for a booth's group; public posts
are put in the inbox as a connector would. The worker then processes everything, so the demo's
feed, narratives and alerts are the pipeline's own results.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from pipeline.types import Platform, RawPost
from sampark.accounts.models import User
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.monitoring import services
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Source

# Hand-written examples in the shape of real rumours (not real posts).
RUMOURS: list[tuple[str, float]] = [
    (
        "2000 रुपये के नए नोट में GPS चिप लगी है। सरकार हर नोट को सैटेलाइट से ट्रैक कर सकती है, "
        "जिसके पास ज्यादा नोट होंगे उसके घर छापा पड़ेगा। सबको बताएं।",
        6.0,
    ),
    (
        "EVM machines can be hacked with a bluetooth device from outside the polling booth. "
        "An engineer showed it live, share this before it gets deleted.",
        4.0,
    ),
    (
        "bhai log dhyan do, is baar vote dalne ke liye aadhaar card zaroori nahi hai, sirf "
        "mobile pe OTP aayega aur ghar baithe vote ho jayega. sab groups me bhejo",
        3.0,
    ),
    (
        "मतदान के दिन बूथ पर मोबाइल फोन ले जाने पर 5000 रुपये जुर्माना और जेल होगी, "
        "चुनाव आयोग का नया नियम है, अपने परिवार को जरूर बताएं",
        1.5,
    ),
    (
        "Voting in all districts of the state has been extended by two days because of the "
        "heat wave, the election commission announced tonight.",
        1.0,
    ),
]
CHATTER = [
    "कल सुबह 8 बजे बूथ पर बैठक है, सभी कार्यकर्ता समय पर पहुंचें",
    "Voter slip baantne ka kaam aaj shaam tak poora karna hai",
    "सेक्टर प्रभारी जी ने नई सूची भेजी है, सब देख लें",
    "aaj ka kaam: ghar ghar sampark, 50 parivar",
    "मतदाता सूची में नाम जुड़वाने का आखिरी दिन शुक्रवार है",
]
FORWARD_MARKS = ["", "*Forwarded as received*\n", "फॉरवर्ड किया गया\n", "⏩ Forwarded\n"]
TAILS = ["", " 🙏", " 🙏🙏", "\nजय हिंद", " !!", "\nसबको भेजें"]
WATCHLISTS = {
    "EVM / मतदान अफवाहें": ["ईवीएम", "evm hack", "बूथ कैप्चरिंग", "vote chori", "otp"],
    "नोट / पैसा": ["2000 का नोट", "gps chip", "जीपीएस", "छापा"],
}


def _variant(text: str, rng: random.Random) -> str:
    return f"{rng.choice(FORWARD_MARKS)}{text}{rng.choice(TAILS)}"


def _export(lines: list[tuple[datetime, str, str]]) -> str:
    """Render messages in the Android en-IN 12-hour layout (narrow no-break space before pm)."""
    out = []
    for at, author, text in sorted(lines):
        local = timezone.localtime(at)
        stamp = local.strftime("%d/%m/%y, %I:%M") + "\u202f" + local.strftime("%p").lower()
        body = text.replace("\r", "")
        out.append(f"{stamp} - {author}: {body}")
    return "\n".join(out) + "\n"


def load(*, rng: random.Random, now: datetime | None = None) -> dict[str, int]:
    """Sources, group exports, public posts and watchlists for the demo (idempotent)."""
    if Source.objects.filter(name__startswith="Demo:").exists():
        return {}
    now = now or timezone.now()
    state = Unit.objects.get(level=Level.STATE, parent=None)
    head = User.objects.filter(username="state-head").first()
    districts = list(Unit.objects.filter(level=Level.DISTRICT).order_by("number"))
    picked = rng.sample(districts, k=min(8, len(districts)))
    by_name = {d.name.lower(): d for d in districts}
    for name in ("lucknow", "kanpur nagar"):
        if name in by_name and by_name[name] not in picked:
            picked[0 if name == "lucknow" else 1] = by_name[name]
    # The organisation's own daily messages are sent as kits: registered as ours, their
    # forwards are counted but never an alert or incident (issue #17).
    for n, line in enumerate(CHATTER):
        services.register_own_content(text=line, label="kit", source_ref=f"demo.daily:{n}")
    uploads = 0
    for district in picked:
        for booth in Unit.objects.filter(level=Level.BOOTH, district=district).order_by("?")[:3]:
            group = services.source_create(
                kind=SourceKind.WHATSAPP_EXPORT,
                name=f"Demo: {booth.name[:60]} कार्यकर्ता समूह",
                unit=booth,
                interval_s=0,
                actor=head,
            )
            lines: list[tuple[datetime, str, str]] = []
            members = [f"कार्यकर्ता {n}" for n in range(1, 9)] + ["+91 98390 12345"]
            for _ in range(rng.randint(15, 40)):
                at = now - timedelta(minutes=rng.randint(5, 36 * 60))
                lines.append((at, rng.choice(members), rng.choice(CHATTER)))
            for text, weight in RUMOURS:
                for _ in range(rng.randint(0, int(weight * 2))):
                    # Rumours are recent: the last few hours, so velocity shows.
                    at = now - timedelta(minutes=int(rng.expovariate(1 / (90 / weight))) + 1)
                    lines.append((at, rng.choice(members), _variant(text, rng)))
            data = _export(lines).encode()
            services.export_ingest(
                source=group, data=data, filename="WhatsApp Chat.txt", actor=head
            )
            uploads += 1
    public = services.source_create(
        kind=SourceKind.X_SEARCH,
        name="Demo: X search (recorded)",
        unit=None,
        config={"query": "(EVM OR ईवीएम OR चुनाव) lang:hi", "bearer_token_env": "X_BEARER_TOKEN"},
        actor=head,
    )
    # No network in the demo: the search is registered but paused.
    Source.objects.filter(id=public.id).update(enabled=False)
    posts = []
    for i in range(400):
        text, weight = rng.choice(RUMOURS)
        if rng.random() < 0.4:
            text = rng.choice(CHATTER) + " " + str(i)
        minutes = int(rng.expovariate(1 / (120 / weight))) + 1
        posts.append(
            RawPost(
                platform=Platform.X,
                external_id=f"demo-{i}",
                text=_variant(text, rng),
                posted_at=now - timedelta(minutes=min(minutes, 48 * 60)),
                author=f"user{rng.randint(1, 300)}",
                url=f"https://x.com/i/status/{10**17 + i}",
                metrics={"likes": rng.randint(0, 500), "shares": rng.randint(0, 200)},
            )
        )
    services.posts_ingest(source=public, posts=posts)
    if head is not None:
        for name, terms in WATCHLISTS.items():
            services.watchlist_save(
                watchlist=None, name=name, unit=state, terms=terms, active=True, actor=head
            )
    return {"groups": uploads, "public_posts": len(posts)}
