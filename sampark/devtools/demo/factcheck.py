"""Demo fact-checks: the kind of viral rumours Indian fact-checkers debunk, in Hindi and English.

Publishers are real organisations; the articles and their URLs are invented in the shape of
each site's links (they do not resolve). The listening demo's five rumours
(`sampark.devtools.demo.monitoring.RUMOURS`) each have fact-checks here, so matches show in the
demo.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from sampark.factcheck import services
from sampark.factcheck.claimreview import ClaimReviewData, language_of, verdict_of

PUBLISHERS: dict[str, tuple[str, str, str]] = {
    # key: (name, site, article URL prefix)
    "altnews": ("Alt News", "https://www.altnews.in", "https://www.altnews.in/"),
    "altnews-hi": ("Alt News", "https://www.altnews.in", "https://www.altnews.in/hindi/"),
    "boom": ("BOOM", "https://www.boomlive.in", "https://www.boomlive.in/fact-check/"),
    "boom-hi": ("BOOM", "https://hindi.boomlive.in", "https://hindi.boomlive.in/fact-check/"),
    "factly": ("Factly", "https://factly.in", "https://factly.in/"),
    "vishvas": (
        "Vishvas News",
        "https://www.vishvasnews.com",
        "https://www.vishvasnews.com/politics/",
    ),
    "vishvas-en": (
        "Vishvas News",
        "https://www.vishvasnews.com",
        "https://www.vishvasnews.com/english/politics/",
    ),
    "newschecker": (
        "Newschecker",
        "https://newschecker.in",
        "https://newschecker.in/hi/fact-check/",
    ),
    "pib": ("PIB Fact Check", "https://pib.gov.in", "https://x.com/PIBFactCheck/status/"),
    "quint": (
        "The Quint WebQoof",
        "https://www.thequint.com",
        "https://www.thequint.com/news/webqoof/",
    ),
}

# (publisher, slug, claim reviewed, published rating, days ago, headline)
FACTCHECKS: list[tuple[str, str, str, str, int, str]] = [
    # The listening demo's rumours -------------------------------------------------------------
    (
        "altnews-hi",
        "2000-rupee-note-gps-chip-rumour-fake",
        "2000 रुपये के नए नोट में GPS चिप लगी है और सरकार हर नोट को सैटेलाइट से ट्रैक कर सकती है",
        "फ़र्ज़ी",
        40,
        "2000 के नोट में GPS चिप होने का दावा फ़र्ज़ी है",
    ),
    (
        "factly",
        "no-nano-gps-chip-in-new-2000-rupee-note",
        "New 2000 rupee notes have a nano GPS chip that lets the government track them by satellite",
        "False",
        38,
        "There is no nano GPS chip in the new ₹2000 notes",
    ),
    (
        "pib",
        "1723456789012345678",
        "नोट में लगी चिप से ज्यादा नकदी रखने वालों के घर आयकर छापा पड़ेगा",
        "फर्जी",
        12,
        "#PIBFactCheck: नोट में चिप और छापे का दावा फर्जी",
    ),
    (
        "boom",
        "evm-hack-bluetooth-device-video-false-claim-24871",
        "Video shows an engineer hacking an EVM with a bluetooth device from outside the polling booth",
        "False",
        9,
        "No, EVMs cannot be hacked over Bluetooth from outside a booth",
    ),
    (
        "vishvas",
        "fact-check-evm-bluetooth-hack-claim-is-fake",
        "बाहर से ब्लूटूथ डिवाइस के जरिए ईवीएम मशीन को हैक किया जा सकता है, इंजीनियर ने लाइव दिखाया",
        "फर्जी",
        8,
        "फैक्ट चेक: ब्लूटूथ से ईवीएम हैक करने का दावा फर्जी है",
    ),
    (
        "altnews",
        "video-of-evm-being-hacked-is-an-old-calculator-demo",
        "Live demo of EVM machine hacked with bluetooth before elections, share before deleted",
        "Misleading",
        7,
        "Viral 'EVM hack' clip is an old demo of a look-alike device",
    ),
    (
        "newschecker",
        "vote-by-mobile-otp-without-aadhaar-fake",
        "इस बार वोट डालने के लिए आधार कार्ड जरूरी नहीं, मोबाइल पर OTP आएगा और घर बैठे वोट हो जाएगा",
        "फ़र्ज़ी",
        6,
        "मोबाइल पर OTP से घर बैठे वोट डालने का दावा फ़र्ज़ी",
    ),
    (
        "boom-hi",
        "ghar-baithe-otp-se-vote-viral-message-fake-24902",
        "ghar baithe mobile pe OTP aayega aur vote ho jayega, aadhaar card ki zaroorat nahi",
        "फ़र्ज़ी",
        5,
        "घर बैठे OTP से वोट? वायरल मैसेज फ़र्ज़ी है",
    ),
    (
        "factly",
        "election-commission-no-online-voting-otp",
        "Voters can cast their vote from home using an OTP on their mobile phone in this election",
        "False",
        5,
        "ECI has not introduced OTP-based voting from home",
    ),
    (
        "vishvas",
        "fact-check-5000-fine-jail-for-mobile-phone-at-polling-booth-misleading",
        "मतदान के दिन बूथ पर मोबाइल फोन ले जाने पर 5000 रुपये जुर्माना और जेल होगी, चुनाव आयोग का नया नियम",
        "भ्रामक",
        4,
        "फैक्ट चेक: बूथ पर मोबाइल ले जाने पर जेल और 5000 जुर्माने का दावा भ्रामक",
    ),
    (
        "pib",
        "1723456789012349999",
        "चुनाव आयोग ने मतदान केंद्र में मोबाइल फोन ले जाने पर जेल का नया नियम बनाया है",
        "भ्रामक",
        3,
        "#PIBFactCheck: मतदान केंद्र में मोबाइल पर जेल का दावा भ्रामक",
    ),
    (
        "boom",
        "voting-extended-two-days-heat-wave-election-commission-fake-24950",
        "Election Commission extended voting in all districts of the state by two days because of the heat wave",
        "False",
        2,
        "ECI did not extend polling by two days over the heat wave",
    ),
    (
        "vishvas-en",
        "fact-check-no-two-day-extension-of-polling-due-to-heatwave",
        "Voting has been extended by two days in all districts due to heat wave, EC announced",
        "Fake",
        2,
        "Fact Check: No two-day extension of voting due to heatwave",
    ),
    # Other election rumours ------------------------------------------------------------------
    (
        "altnews",
        "ec-will-not-deduct-rs-350-from-bank-accounts-of-non-voters",
        "Election Commission will deduct Rs 350 from the bank account of those who do not vote",
        "False",
        60,
        "EC will not deduct ₹350 from the accounts of people who do not vote",
    ),
    (
        "vishvas",
        "fact-check-vote-na-dene-par-bank-khate-se-350-rupaye-katne-ka-dava-farji",
        "वोट नहीं देने वालों के बैंक खाते से 350 रुपये काट लिए जाएंगे",
        "फर्जी",
        58,
        "फैक्ट चेक: वोट न देने पर खाते से 350 रुपये कटने का दावा फर्जी",
    ),
    (
        "factly",
        "nota-majority-does-not-lead-to-re-election",
        "If NOTA gets the most votes the election is cancelled and all candidates are barred from contesting again",
        "False",
        75,
        "A NOTA majority does not cancel an election in India",
    ),
    (
        "boom",
        "section-49p-tendered-vote-viral-message-partly-false-23110",
        "If someone has already cast your vote, you can vote online under Section 49P",
        "Partly False",
        90,
        "Rule 49P allows a tendered ballot, not an online vote",
    ),
    (
        "altnews-hi",
        "evm-in-private-car-video-reserve-machines-misleading",
        "वीडियो में निजी गाड़ी में ले जाई जा रही ईवीएम मशीनें चुनाव में धांधली का सबूत हैं",
        "भ्रामक",
        11,
        "निजी गाड़ी में ईवीएम का वीडियो: ये रिज़र्व मशीनें थीं",
    ),
    (
        "vishvas-en",
        "fact-check-ec-home-voting-for-85-plus-voters-is-true",
        "Election Commission allows voters above 85 years and persons with disabilities to vote from home",
        "True",
        20,
        "Fact Check: Home voting for 85+ and PwD voters is true",
    ),
    (
        "newschecker",
        "postal-ballot-for-all-above-60-claim-misleading",
        "60 साल से ऊपर के सभी मतदाता इस चुनाव में डाक मतपत्र से वोट डाल सकेंगे",
        "आंशिक रूप से सही",
        25,
        "60+ सभी को डाक मतपत्र का दावा: सुविधा 85+ के लिए है",
    ),
    (
        "pib",
        "1723456789012351111",
        "उत्तर प्रदेश में दूसरे चरण के मतदान की तारीख बदल दी गई है, नया नोटिस वायरल",
        "फर्जी",
        15,
        "#PIBFactCheck: मतदान की तारीख बदलने वाला नोटिस फर्जी",
    ),
    (
        "quint",
        "remote-voting-from-any-city-with-voter-id-fake-claim",
        "Voters can now vote from any city in India by showing their Voter ID at any booth",
        "False",
        30,
        "WebQoof: You cannot vote from any booth in India with your Voter ID",
    ),
    # Scams and welfare schemes ---------------------------------------------------------------
    (
        "pib",
        "1723456789012352222",
        "प्रधानमंत्री फ्री रिचार्ज योजना के तहत सभी मतदाताओं को 3 महीने का मुफ्त रिचार्ज मिल रहा है, लिंक पर क्लिक करें",
        "फर्जी",
        18,
        "#PIBFactCheck: फ्री रिचार्ज योजना का लिंक फर्जी है",
    ),
    (
        "factly",
        "pm-free-laptop-yojana-2024-link-is-a-scam",
        "Government is giving free laptops to all students under PM Free Laptop Yojana 2024, register at this link",
        "Scam",
        33,
        "'PM Free Laptop Yojana 2024' link is a phishing scam",
    ),
    (
        "vishvas",
        "fact-check-pm-kisan-12000-registration-link-fake",
        "पीएम किसान योजना की राशि 6000 से बढ़ाकर 12000 कर दी गई है, इस लिंक से रजिस्ट्रेशन करें",
        "फर्जी",
        27,
        "फैक्ट चेक: पीएम किसान में 12000 रुपये वाला लिंक फर्जी",
    ),
    (
        "pib",
        "1723456789012353333",
        "सरकार हर नागरिक के खाते में 5000 रुपये डाल रही है, फॉर्म भरें",
        "Fake",
        45,
        "#PIBFactCheck: हर नागरिक को 5000 रुपये देने का दावा फर्जी",
    ),
    (
        "boom",
        "rbi-10-rupee-coin-not-withdrawn-26001",
        "RBI has withdrawn 10 rupee coins and shops will not accept them anymore",
        "False",
        120,
        "RBI has not withdrawn ₹10 coins; they remain legal tender",
    ),
    (
        "altnews",
        "rbi-atm-charge-rs-173-claim-misleading",
        "RBI new rule: banks will charge Rs 173 for every ATM withdrawal after the free limit",
        "Misleading",
        80,
        "The ₹173 ATM charge claim misreads the RBI circular",
    ),
    # Health and safety -----------------------------------------------------------------------
    (
        "factly",
        "drinking-hot-water-does-not-cure-covid",
        "Drinking hot water every 15 minutes kills the coronavirus in the throat",
        "False",
        400,
        "Hot water does not kill the coronavirus",
    ),
    (
        "boom-hi",
        "gomutra-cancer-cure-claim-unproven-19876",
        "गोमूत्र पीने से कैंसर पूरी तरह ठीक हो जाता है",
        "अपुष्ट",
        300,
        "गोमूत्र से कैंसर ठीक होने का दावा: कोई वैज्ञानिक प्रमाण नहीं",
    ),
    (
        "altnews",
        "plastic-rice-from-china-video-false",
        "Video shows plastic rice from China being sold in Indian markets",
        "False",
        500,
        "No, this video does not show 'plastic rice'",
    ),
    (
        "vishvas",
        "fact-check-namak-ki-kami-afwah-farji",
        "देश में नमक की भारी कमी होने वाली है, जितना हो सके नमक खरीद कर रख लें",
        "फर्जी",
        200,
        "फैक्ट चेक: नमक की कमी की अफवाह फर्जी",
    ),
    (
        "newschecker",
        "bacha-chor-giroh-viral-video-purana",
        "गांवों में बच्चा चोर गिरोह घूम रहा है जो बच्चों की किडनी निकाल लेता है, वीडियो देखें",
        "भ्रामक",
        150,
        "बच्चा चोर गिरोह का वीडियो पुराना और दूसरे देश का",
    ),
    (
        "boom",
        "nasa-earthquake-prediction-uttar-pradesh-tonight-fake-25100",
        "NASA has predicted a massive earthquake in Uttar Pradesh tonight, stay outside your homes",
        "False",
        70,
        "NASA did not predict an earthquake in UP; quakes cannot be predicted",
    ),
    (
        "factly",
        "mobile-phone-at-petrol-pump-explosion-video-false",
        "Using a mobile phone at a petrol pump caused this explosion, video goes viral",
        "Misleading",
        220,
        "The petrol pump fire was not caused by a mobile phone",
    ),
    # Media, satire, misc ---------------------------------------------------------------------
    (
        "altnews",
        "unesco-did-not-declare-jana-gana-mana-best-national-anthem",
        "UNESCO has declared Jana Gana Mana the best national anthem in the world",
        "False",
        900,
        "UNESCO did not declare Jana Gana Mana the best anthem",
    ),
    (
        "quint",
        "whatsapp-will-not-shut-down-at-night-message-is-fake",
        "WhatsApp will be shut down from 11:30 pm to 6 am daily by government order",
        "Fake",
        350,
        "WebQoof: WhatsApp is not shutting down at night",
    ),
    (
        "boom",
        "satire-article-on-minister-shared-as-real-news-25222",
        "Minister announced that petrol will be sold by weight instead of litres from next month",
        "Satire",
        100,
        "Satire piece on selling petrol by weight shared as news",
    ),
    (
        "vishvas",
        "fact-check-rally-bheed-ki-tasveer-edited",
        "रैली में उमड़ी भारी भीड़ की यह तस्वीर इसी चुनाव की है",
        "एडिटेड",
        10,
        "फैक्ट चेक: रैली की भीड़ वाली तस्वीर एडिटेड और पुरानी",
    ),
    (
        "newschecker",
        "old-stone-pelting-video-shared-as-recent-booth-clash",
        "पथराव का यह वीडियो कल बूथ पर हुई झड़प का है",
        "पुराना वीडियो",
        4,
        "पथराव का वीडियो 2019 का, हाल की झड़प से जोड़कर वायरल",
    ),
    (
        "altnews",
        "bank-holidays-six-days-in-a-row-claim-misleading",
        "Banks will remain closed for six days in a row next week, withdraw cash now",
        "Misleading",
        55,
        "Banks are not closed for six days in a row",
    ),
    (
        "pib",
        "1723456789012354444",
        "भीषण गर्मी के कारण सभी स्कूलों की छुट्टियां 30 जून तक बढ़ा दी गई हैं, सरकारी पत्र वायरल",
        "फर्जी",
        14,
        "#PIBFactCheck: स्कूल छुट्टियां बढ़ाने वाला पत्र फर्जी",
    ),
]


def load(*, now: datetime | None = None) -> int:
    """Put the demo fact-checks in the knowledge base (idempotent); return how many are new."""
    now = now or timezone.now()
    created = 0
    for key, slug, claim, rating, days, title in FACTCHECKS:
        name, site, prefix = PUBLISHERS[key]
        url = f"{prefix}{slug}" if key == "pib" else f"{prefix}{slug}/"
        data = ClaimReviewData(
            url=url,
            claim_reviewed=claim,
            rating=rating,
            verdict=verdict_of(rating),
            claimant="WhatsApp" if key != "quint" else "Social media users",
            publisher=name,
            publisher_url=site,
            published_at=now - timedelta(days=days, hours=len(slug) % 9),
            language=language_of("", text=f"{claim} {title}"),
            title=title,
        )
        _fact_check, new = services.factcheck_upsert(data=data, source="demo")
        created += int(new)
    return created
