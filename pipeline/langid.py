"""Language of a post: Hindi (Devanagari), English, Hinglish (Hindi in Latin script, also when
code-mixed with English), other — meant to be right on short texts too.

1. URLs, @mentions, #hashtags, numbers and emoji are removed; what is left is split into words.
2. Words are counted by script. Mostly Devanagari is Hindi (unless Marathi or Nepali function
   words outnumber Hindi ones), mostly another non-Latin script (Urdu, Bengali, Gurmukhi,
   Tamil …) is other.
3. Latin words are scored one by one: a hand-written lexicon of common romanised Hindi with
   the spellings people type (hai/hain/he, nahi/nahin/nhi …), a hand-written lexicon of common
   English, a few function words of other Latin-script languages, and words that read both ways
   (to, me, main, the …) with their own small weights. Words in no lexicon get a weak vote from
   their spelling: romanised Hindi has aa, kh/bh/jh/dh, -iya, -enge; English has -ing, -tion,
   -ght, c before a vowel, silent-e clusters.
4. A Latin text is Hinglish when the Hindi evidence is a real share of all evidence (code-mixed
   posts count as Hinglish), English otherwise; other when the other-language words lead.

The lexicons were written by hand; SentiMix 2020's dev and test splits are used only to measure
(`python -m bench.langid`), never to choose words or weights.
"""

from __future__ import annotations

import re

from pipeline.types import Lang
from pipeline.urls import strip_links


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a hand-written list."""
    return frozenset(text.split())


# Common romanised Hindi, with the spellings people actually type. Not English words: words
# that are also English live in _BOTH below.
HINGLISH_WORDS = _words(
    """
    hai hain hei hy hn hoon hun hu hua hui hue huwa huye huyi hota hoti hote hoga hogi honge
    hoge hoye hona hone tha thi thay thhe thin thee rah raha rahi rahe rha rhi rhe rahega rahegi
    rahenge raho rehna rehta rehti rehte rahna rhna rahte rehke
    nahi nahin nahee nhi nai nahii nahiii nai nhin ni mat naa
    kya kyaa kia kyu kyun kyon kyo kiu kyunki kyonki kyuki kyoki kyuin kaise kese kaisa kaisi
    kesa kesi kab kahan kidhar kaun kon koun kisko kisne kise kiska kiski kiske kisi kitna kitni
    kitne kitny
    main mai mein mei mujhe muje mujhko mujhse mujhpe mera meri mere mere mra mri mre hamara
    hamari hamare humara humari humare hamko humko hame hume humein hamein humse hamse hamne
    humne tum tumhe tumhein tumko tumse tera teri tere tumhara tumhari tumhare tumara tmhara
    tujhe tujhko tujhse aap aapka apka aapki apki aapke apke aapko apko aapse apse aapne apne
    apna apni khud khudko khudse yeh ye yah yh woh wo vo voh vah isko isse iska iski iske isne
    inhe inko inka inki inke inhone inse usko usse uska uski uske usne unhe unko unka unki unke
    unhone unse uss iss unn inn jo jis jise jisko jiska jiski jiske jinhone jinka jinki jinke
    jaisa jaise jaisi aisa aise aisi waisa waise vaisa vaise wahi yahi vahi kahin kahi kuch kuchh
    kch kuchbhi koi kisiko sab sabhi sb sabko sabka sabki sabke sabse sare saare sari saari
    ka ke ki ko se pe pr tak ne liye lie liya liyee wala wali wale vala vali vale waala waali
    waale aur aor ya lekin magar kyunki isliye taki jab tab tabhi jabhi kab kabhi ab abhi jaha
    jahan yahan yaha wahan waha vahan kahan kaha idhar udhar agar toh tou phir fir fhir firse
    phirse bhi bi hi sirf bas kewal keval haan han haa jii
    kar karo karna karne karke karte karta karti kari kiya kiye kiyaa karenge karega karegi karoge
    karunga karungi krna krte krta kr krke kro krne krenge krega krta krti kre kare karen karein
    kardo kardiya kardi karwa karwaya karwana
    de do dena dene deta deti dete diya diye di doge dega degi denge dijiye dijie dedo dediya
    le lo lena lene leta leti lete lega legi lenge lijiye lelo leliya
    ja jao jaa jana jaana jane jaane jata jaata jati jate jaate gaya gayi gaye gya gyi gye gai
    jayega jaega jayegi jaegi jayenge jaenge jaiye jaye jaaye jaayenge jaayega jaoge jaunga
    aa aao aana aane aata aati aate aaya aaye aayi aya aye ayi aayega aayegi aayenge ayega aaiye
    aiye aaoge aaunga
    bol bolo bola boli bole bolna bolne bolta bolti bolte boliye kaha kahe kehna kehte kahta
    kahte kehta kehti kahna kahiye bata batao batana batane bataya batate bataiye btao
    dekh dekho dekha dekhi dekhe dekhna dekhne dekhta dekhti dekhte dekhiye dikh dikha dikhta
    dikhai dikhao dikhaya
    sun suno suna suni sune sunna sunte suniye sunao
    samajh samjho samjha samjhe samajhna samjhte samjhna smjh smjha samajhte
    chal chalo chala chali chale chalna chalta chalte chaliye chalega chalegi
    mil mila mili mile milna milta milti milte milega milegi milenge milke
    lag laga lagi lage lagta lagti lagte lagega lagegi lagenge lagao
    rakh rakho rakha rakhna rakhe rakhte baith baitho baitha baithe khana khao khaya khaate
    peena piyo pio piya maar maro mara mari maarna maare soch socho socha sochna sochte sochta
    padh padho padha padhna padhai padhte likh likho likha likhna likhte
    bana bani bane banaya banana banta banti bante banayi banega banegi
    bhej bhejo bheja bhejna bhejte bheje utho utha uthao chhod chhodo chhoda chhodna chod chodo
    ruk ruko ruka rukna khel khelo khela khelna khelte
    sakta sakti sakte sakoge sakega sakegi sake sakta skta skte
    chahiye chahie chaiye chahiye chahta chahti chahte chaha chahe chahiyee
    maan mano maana manta mante jaan jano jaana janta jaanta jante jaante pata malum maloom
    pta
    bahut bohot bahot boht bhot bht bohat bhut bahoot
    accha acha achha achchha acchha achhe acche ache achi acchi achhi badiya badhiya
    bekar bakwas bura bure buri galat sahi theek thik thk thika bilkul pakka zaroor jaroor jarur
    zarur sach sacch sacchi jhooth jhoot jhuth jhutha jhuta jhoota jhuthe
    naya nayi naye purana purani purane bada badi bade bara bari chota choti chote chhota
    chhoti chhote pura poora puri poori zyada jyada jada jiyada thoda thodi thode itna itni itne
    utna utni dusra doosra dusre dusri pehla pehli pehle pahla pahle agla agli agle pichla
    pichle aakhri akhri
    aaj aj kal parso jaldi der subah subha sham shaam raat din dino dinon saal mahina mahine
    hafta hafte waqt wakt samay ghanta ghante roz hamesha humesha
    bhai bhaiya bhaiyya bhayya bhaijaan bhaijan bhaiyo bhaiyon behen behan bahan didi
    bhabhi beta beti bacha bachcha bachche bacche baccha bachon ladka ladki ladke larka larki
    larke aadmi admi aurat aurton logo logon insaan insan dost doston yaar yaaro yaaron
    dushman pyaar pyar mohabbat ishq dil zindagi jindagi duniya duniyaa ghar gaon gaanv shahar
    desh deshbhakt deshdrohi watan sarkar sarkaar hukumat neta netaji janta raja rani mantri
    pradhan pradhanmantri mukhyamantri sansad vidhayak chunav chunaav matdan kisan kisaan
    garib gareeb garibi ameer paisa paise rupaye rupay rupye rupya naukri rozgar rojgar
    berozgari berojgari mehngai mahangai mehangai vikas vikaas kaam baat baate baaten baatein
    sawal sawaal jawab jawaab khabar khabren afwah afwaah dharm dharam mandir masjid bhagwan
    bhagwaan naam izzat sharm sharam gussa khushi dukh dard pani paani khana roti doodh sadak
    bijli shiksha ilaaj gaadi gadi rasta raasta cheez chiz cheeze tarah tareeka tarika matlab
    mtlb wajah vajah galti kami mauka mauke hisaab hisab kanoon kanun adalat faisla faisle
    andolan dharna hamla hamle danga dange sena jawan shaheed
    namaste namaskar pranam dhanyavad dhanyawad shukriya zindabad jindabad murdabad
    mubarak mubarakbad badhai badhaai shubh shubhkamnaye shubhkamnayein subhkamnaye haardik
    hardik abhinandan swagat sadar charan sparsh mahadev
    arre arey abe abey oye yaara wah waah chup pagal bewakoof bevkoof ullu gadha kamina kamine
    chutiya chutiye bsdk saala sala saale harami gaddar bhakt bhakto andhbhakt chamcha chamche
    dekhte suniye kijiye chaliye baithiye rahiye kahiye jaiye aaiye
    sath saath bina baad pehle andar bahar upar neeche niche aage peeche piche paas saamne
    samne beech bich taraf liye wajah
    ek do teen char chaar paanch panch chhe saat aath nau das sau hazaar hazar lakh crore karod
    abb tabb jabb sabb kabb hh mereko tereko humko usko isko sabko kisko konsa kaunsa konsi
    kaunsi vha yha kha jaha ziada zyda
    har maa jeet jit jitna jitne jitega jitaya baap bap baar khush khushi kharab kutte kutta
    kutton aik walo walon haar agr warna hein mulk dua dono sahab saab jagah hath haath aukat
    aukaat halat haalat haram khatam khatm aulad maine mene keh jese jaisa dia musalman
    musalmano hinduo yaad nazar samaj gaali pita banane bhar muh munh haal aam baki baaki leke
    lekar gandi ganda chori kafi kaafi ghr bhul bhool umid umeed ummid ise dalal khane tune
    layak laayak kbhi nehi yehi wohi lakin dimag dimaag ghatiya khuda asli goli jaati payega
    marne dum bachpan awam jisme isme usme nafrat mard darr banda laat phle phr hogaya bna
    zaroorat jarurat isi usi sudhar dunga dur door lia chuka chuki chuke jake appki jahil mahan
    mehnat bache tarha paida dosto dosti samjh alawa maaf chinta hmare hme pasand bacho abi
    banaye vishwas himmat hamesha pyari pyare mast badhiya zabardast jabardast bc mc bkl
    madarchod behenchod bhenchod gandu randi gaand
    """
)
# Common English words (function words and everyday vocabulary), hand-written.
ENGLISH_WORDS = _words(
    """
    a an and or but if then than that this these those there their they them theirs it its
    we you your yours our ours us i me my mine he she his her hers him myself yourself himself
    herself itself ourselves themselves is are was were be been being am do does did done doing
    have has had having will would shall should can could may might must not no yes yeah yep
    of in on at to for from by with without about into onto over under after before between
    through during against among across along around behind beyond above below near off out
    up down upon within toward towards per via
    what which who whom whose when where why how whatever whoever whenever wherever however
    all any both each every few many more most much other others another some such none
    only own same so too very just now also again still even ever never always here there
    once because while until although though since unless whether either neither nor yet
    don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn couldn can't cannot
    ll ve re im ive id dont cant wont isnt doesnt didnt thats whats lets its
    get gets got getting make makes made making take takes took taken come comes came coming
    go goes went gone going see sees saw seen seeing know knows knew known think thinks thought
    say says said tell tells told give gives gave given use used using find found want wants
    wanted need needs needed like likes liked look looks looked looking feel feels felt try
    tried trying leave left call called keep kept let put puts mean means meant become became
    show shows showed shown ask asked work works worked working seem seems seemed turn turned
    start started run running move moved live lived living believe believed bring brought
    happen happened happens write wrote written sit stand lose lost pay paid meet met include
    included continue set learn learned change changed lead led understand understood watch
    watched follow followed stop stopped create created speak spoke read allow allowed add
    added spend spent grow grew open opened walk walked win won offer offered remember
    remembered love loved loves consider appear appeared buy bought wait waited serve died
    die send sent expect build built stay stayed fall fell cut reach kill killed remain
    suggest raise raised pass passed sell sold require report reported decide decided pull
    thank thanks please sorry hello hey hi welcome congratulations congrats happy birthday
    people time times year years day days way ways man men woman women child children world
    life lives hand hands part place case week weeks company system program question questions
    government number night point home water room mother area money story stories fact month
    months lot right study book eye eyes job word words business issue issues side kind head
    house service friend friends father power hour hours game games line end member members law
    car city community name president team minute idea kid kids body information back parent
    parents face level office door health person art war history party result change morning
    reason research girl girls guy guys moment air teacher force education news video videos
    photo photos picture pictures movie film song songs music show tweet tweets account
    country countries nation state states minister leader leaders police court case cases
    election elections vote votes voters voting campaign support rally public media press
    truth lie lies fake claim claims shows viral share shared sharing post posts message
    family brother sister wife husband son daughter boy boys baby god heart mind soul fan fans
    new good better best bad worse worst great little old big small large long high low young
    first last next early late important different able sure real true false free full whole
    own poor rich strong weak nice beautiful amazing awesome cute funny sad angry proud hard
    easy simple clear possible impossible special national political social economic local
    international public private wrong ready single final recent current
    today tomorrow yesterday tonight already soon ago later really actually literally
    probably maybe perhaps definitely absolutely totally completely quite rather almost enough
    well back away together anything everything something nothing anyone everyone someone
    nobody everybody somebody anyway else instead
    one two three four five six seven eight nine ten hundred thousand million billion
    first second third
    the of and
    watching waiting thinking saying talking trying making taking coming giving getting
    lol omg wtf btw plz pls thx ur u r y ya yea ok okay hmm
    said says shall as hope govt bless blessed blessing blessings wish wishes wishing fuck
    fucking shit thing things dear debate match shame army super sweet school channel
    opposition respect respected help cricket future problem problems excited followers
    follower exam exams politics performance fun pray prayers prayer hate pic pics request
    class captain actor actress block seriously west east north south biggest hospital
    happiness blockbuster ministry care top terrorist terrorists terror episode finally human
    language spokesperson matter students student criminal corrupt corruption journalist
    journalists agree paper reply weekend trust article supporter supporters award cool
    freedom speech trailer food light decision enjoy play release success officer bank perfect
    favorite favourite train hear experience security option boycott comment market check
    budget choice forward season almighty pride cabinet peace mom dad june july january
    february march april august september october november december monday tuesday
    wednesday thursday friday saturday sunday evening famous railway feeling sexy fan team
    win winning lost loss crowd speech economy growth jobs unemployment farmers students
    women's rights minority minorities religion religious secular democracy democratic
    constitution parliament assembly seat seats result results counting victory defeat
    congratulate congratulated journey legend star stars fight fighting against protest
    protests violence attack attacked killed death dead accused arrested arrest case
    hahaha haha lmao rofl bro dude sis guys
    """
)
# Words that read both ways, as (Hindi weight, English weight): "to" is तो and to, "main" is
# मैं/में and main, "the" is थे and the. Weights are how often each reading is the likely one.
_BOTH: dict[str, tuple[float, float]] = {
    "to": (0.3, 0.3), "me": (0.4, 0.3), "main": (0.8, 0.2), "he": (0.3, 0.6),
    "the": (0.1, 1.0), "is": (0.2, 0.8), "us": (0.3, 0.6), "in": (0.1, 0.8), "hi": (0.6, 0.3),
    "par": (0.9, 0.1), "do": (0.3, 0.4), "so": (0.2, 0.7), "ho": (1.0, 0.1), "log": (0.8, 0.1),
    "sab": (1.0, 0.0), "bat": (0.5, 0.3), "bus": (0.3, 0.4), "are": (0.2, 0.8), "kar": (1.0, 0.0),
    "mat": (0.7, 0.2), "band": (0.4, 0.4), "pure": (0.4, 0.4), "jab": (0.8, 0.1),
    "tab": (0.6, 0.2), "hum": (0.9, 0.1), "man": (0.4, 0.6), "or": (0.4, 0.6), "use": (0.2, 0.7),
    "na": (0.8, 0.1), "ki": (1.0, 0.0), "ban": (0.4, 0.4), "bar": (0.4, 0.4), "jan": (0.5, 0.2),
    "din": (0.8, 0.1), "das": (0.5, 0.1), "sau": (0.6, 0.0), "lakh": (0.8, 0.0), "kal": (0.9, 0.0),
    "rat": (0.5, 0.3), "saat": (0.7, 0.0), "chor": (0.7, 0.1), "ram": (0.5, 0.2),
    "mere": (0.8, 0.2), "pass": (0.3, 0.6), "dil": (0.9, 0.0), "hit": (0.1, 0.6),
    "bhi": (1.0, 0.0), "hai": (1.0, 0.0), "ha": (0.5, 0.3), "han": (0.6, 0.1), "yar": (0.8, 0.0),
    "desh": (1.0, 0.0), "sir": (0.2, 0.5), "bhai": (1.0, 0.0), "a": (0.0, 0.5),
    # Honorifics and slogans English tweets use too ("Modi ji", "Jai Hind").
    "ji": (0.6, 0.0), "jee": (0.6, 0.0), "jai": (0.5, 0.0), "jay": (0.3, 0.1), "hind": (0.3, 0.0),
    "shri": (0.2, 0.0), "shree": (0.2, 0.0), "mata": (0.5, 0.0), "insan": (0.4, 0.0),
    "i": (0.0, 0.8), "u": (0.0, 0.6), "h": (0.6, 0.0), "k": (0.4, 0.0), "n": (0.2, 0.2),
    "ye": (0.8, 0.2), "were": (0.0, 1.0), "more": (0.1, 0.8), "ab": (0.8, 0.0),
    "de": (0.5, 0.0), "le": (0.4, 0.0), "se": (0.9, 0.0), "pe": (0.8, 0.0), "ka": (1.0, 0.0),
    "ke": (1.0, 0.0), "ko": (1.0, 0.0), "ne": (0.8, 0.0), "tu": (0.7, 0.0), "aa": (0.7, 0.0),
    "bas": (0.7, 0.0), "jo": (0.8, 0.0), "vote": (0.0, 0.5), "india": (0.0, 0.2),
    "party": (0.0, 0.5), "sala": (0.6, 0.0), "raja": (0.7, 0.0), "bade": (0.7, 0.0),
    "samay": (0.8, 0.0), "kam": (0.7, 0.0), "nai": (0.6, 0.1), "chal": (0.8, 0.0),
    "gay": (0.2, 0.4), "ghar": (1.0, 0.0), "mil": (0.7, 0.1), "sun": (0.3, 0.5),
    "dekh": (1.0, 0.0), "date": (0.0, 0.7), "time": (0.0, 1.0), "yes": (0.0, 1.0),
    "door": (0.4, 0.5), "lie": (0.4, 0.5), "ya": (0.5, 0.3),
}  # fmt: skip
# Names, places, parties and titles show up in every language of an Indian feed: no vote.
NEUTRAL_WORDS = _words(
    """
    modi narendra namo rahul gandhi sonia priyanka yogi adityanath akhilesh yadav mayawati
    kejriwal mamata banerjee amit shah nitish kumar lalu owaisi thackeray uddhav pawar
    bjp inc aap sp bsp congress rss tmc jdu rjd nda upa shiv sena
    india bharat hindustan delhi lucknow mumbai kolkata bihar up uttar pradesh kashmir
    gujarat punjab rajasthan kerala bengal pakistan china varanasi ayodhya kanpur
    ram krishna allah hindu hindus muslim muslims sikh christian islam hinduism
    mr mrs dr smt rt amp via
    evm gst nrc caa npr rss cbi ed ias ips ipl bcci isro covid corona
    """
)
# Function words of other Latin-script languages seen in Indian feeds (Spanish, Portuguese,
# French, Indonesian/Malay, German). Words that are also Hindi or English are left out.
OTHER_LATIN_WORDS = _words(
    """
    el los las del que por para con una uno está están pero como más muy también sobre
    esto esta este ese eso donde cuando porque hay ser fue yo tu usted nosotros ellos
    não uma com mais você isso tem são foi está muito também
    les des est une dans pour pas sur avec qui sont cette mais nous vous ils elle aussi très
    yang dan ini itu dengan untuk tidak akan adalah dari dalam kami kita mereka sudah belum
    juga bisa ada saya kamu aku bukan apa
    und ist nicht das die der ein eine ich sie mit auf für sich auch noch wird
    """
)

_NOISE = re.compile(r"[@#][^\s@#]+|&\w+;")
# Words by script, matched on the lower-cased text (numbers and emoji are not words).
_LATIN_WORD = re.compile("[a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f\u1e00-\u1eff]+")
_DEV_WORD = re.compile("[\u0900-\u0963\u0971-\u097f\u200c\u200d]+")
_OTHER_WORD = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u0531-\u0587\u0591-\u05f2\u0610-\u061a\u0620-\u065f"
    "\u066e-\u06d3\u06d5-\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\u0980-\u09e5\u09f0-\u0a65\u0a70-\u0ae5\u0af0-\u0b65"
    "\u0b70-\u0be5\u0bf0-\u0c65\u0c70-\u0ce5\u0cf0-\u0d65\u0d70-\u0dff\u0e01-\u0e4e"
    "\u0e81-\u0ecd\u0f00-\u0fff\u1000-\u109f\u10a0-\u10ff\u1100-\u11ff\u1200-\u137f"
    "\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\ufb50-\ufdff"
    "\ufe70-\ufefc]+"
)
# Spelling shapes of romanised Hindi (+) and English (−) for words in no lexicon.
_SHAPES: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"aa"), 1.0),
    (re.compile(r"(?:kh|bh|jh|dh|chh)"), 1.0),
    (re.compile(r"^gh|[aeiou]gh[aeiou]"), 0.6),
    (re.compile(r"(?:ii|uu)"), 0.6),
    (re.compile(r"(?:oge|oga|ogi|enge|ega|egi|unga|ungi|uga|ugi|enga|engi)$"), 1.2),
    (re.compile(r"(?:iya|iye|aye|aaye|ayi|iyo|ion|wa|ne|te|ta|ti)$"), 0.5),
    (re.compile(r"(?:[^aeiou]na|wala|wali|wale|kar|ke|ko|ki|ka|jee|ji)$"), 0.5),
    (re.compile(r"(?:[^aeiouy]i|[^aeiouy]a)$"), 0.4),
    (re.compile(r"^(?:kh|bh|jh|dh|ch|gh)"), 0.4),
    (re.compile(r"(?:ai|ei)$"), 0.5),
    (
        re.compile(
            r"(?:ing|ings|tion|tions|sion|ness|ment|ments|ous|able|ible|ful|ship|less|ward)$"
        ),
        -1.5,
    ),
    (re.compile(r"(?:ght|ck|wh|tch|dge|qu|x|[^e]ea|ou|oo[kdlt]|ew$|ow$)"), -1.0),
    (re.compile(r"(?:ly|ed|er|ers|est|ism|ist|ize|ise|ity|ies|ive|al)$"), -0.8),
    (re.compile(r"(?:[^aeious]s|ts|ds|ks|ps|ns|rs|ls)$"), -0.6),
    (re.compile(r"c(?!h)"), -0.7),
    (re.compile(r"[^aeiou]y$|^y[^aeiou]"), -0.6),
    (re.compile(r"[aeiou][bcdfgklmnprstvz]e$"), -0.4),
    (re.compile(r"^(?:th|wr|kn|ph|sc|sp|st|str|sh)[aeiouy]?"), -0.2),
]
_REGIONAL = _words(
    # Marathi
    "आहे आहेत आणि नाही होते आम्ही तुम्ही काय मी केले झाले त्यांच्या त्यांना आपल्या "
    # Nepali
    "छ छन् पनि गर्न भएको गरेको हुन्छ गर्ने थियो लागि"
)
_HINDI_MARKERS = _words("है हैं का की के में नहीं और से को भी था थी हो कि पर ने यह वह")


def identify(text: str) -> str:
    """hi, en, hinglish, other, or "" (Lang.UNKNOWN) when there are no words to judge."""
    text = strip_links(text)
    if "@" in text or "#" in text or "&" in text:
        text = _NOISE.sub(" ", text)
    lowered = text.lower()
    latin = _LATIN_WORD.findall(lowered)
    dev = other = 0
    if not text.isascii():
        dev_words = _DEV_WORD.findall(text)
        dev = len(dev_words)
        other = len(_OTHER_WORD.findall(text))
        if dev and dev >= len(latin) and dev >= other:
            # Marathi and Nepali share the script: their function words decide.
            regional = sum(map(_REGIONAL.__contains__, dev_words))
            if regional >= 2 and regional > sum(map(_HINDI_MARKERS.__contains__, dev_words)):
                return Lang.OTHER
            return Lang.HINDI
        if other > len(latin):
            return Lang.OTHER
    if not latin:
        return Lang.HINDI if dev else Lang.UNKNOWN
    votes = _VOTES.get
    hindi, english, foreign, strong_hindi = map(
        sum, zip(*[votes(word) or _unknown(word) for word in latin], strict=True)
    )
    if foreign >= 2 and foreign > hindi and foreign > english:
        return Lang.OTHER
    if hindi == 0:
        return Lang.ENGLISH
    return _decide(hindi, english, int(strong_hindi))


def _decide(hindi: float, english: float, strong_hindi: int) -> str:
    """Code-mixed posts are Hinglish as soon as Hindi carries a real share of the evidence.

    The shares were chosen on SentiMix's train split (balanced recall of en and hinglish).
    """
    share = hindi / (hindi + english)
    if strong_hindi >= 2 and share >= 0.2:
        return Lang.HINGLISH
    if strong_hindi >= 1 and share >= 0.3:
        return Lang.HINGLISH
    return Lang.HINGLISH if share >= 0.5 and hindi >= 1.0 else Lang.ENGLISH


def _unknown(word: str) -> tuple[float, float, float, int]:
    """Vote of a Latin word in no lexicon, from its spelling (cached)."""
    found = _UNKNOWN.get(word)
    if found is not None:
        return found
    if not word.isascii():
        vote: tuple[float, float, float, int] = (0.0, 0.0, 1.0, 0)  # é, ñ, ç: not en/Hinglish
    elif len(word) <= 2:
        vote = (0.0, 0.0, 0.0, 0)
    else:
        score = _shape(word)
        vote = (score, 0.0, 0.0, int(score >= 0.5)) if score > 0 else (0.0, -score, 0.0, 0)
    if len(_UNKNOWN) > 50_000:
        _UNKNOWN.clear()
    _UNKNOWN[word] = vote
    return vote


def _shape(word: str) -> float:
    """Weak evidence from spelling: > 0 Hindi-like (at most 0.8), < 0 English-like."""
    score = 0.0
    for pattern, weight in _SHAPES:
        if pattern.search(word) is not None:
            score += weight
    return max(-1.0, min(1.6, score)) * 0.5


def _votes() -> dict[str, tuple[float, float, float, int]]:
    """(Hindi, English, other-language, strong Hindi) vote of every lexicon word."""
    votes: dict[str, tuple[float, float, float, int]] = {}
    for word in OTHER_LATIN_WORDS:
        votes[word] = (0.0, 0.0, 1.0, 0)
    for word in NEUTRAL_WORDS:
        votes[word] = (0.0, 0.0, 0.0, 0)
    for word in ENGLISH_WORDS:
        votes[word] = (0.0, 1.0, 0.0, 0)
    for word in HINGLISH_WORDS:
        votes[word] = (1.0, 0.0, 0.0, 1)
    for word, (hi, en) in _BOTH.items():
        votes[word] = (hi, en, 0.0, int(hi >= 0.8))
    return votes


_VOTES = _votes()
_UNKNOWN: dict[str, tuple[float, float, float, int]] = {}


def identify_batch(texts: list[str]) -> list[str]:
    """identify() over a batch (same order)."""
    return [identify(t) for t in texts]
