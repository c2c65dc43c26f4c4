"""A small Hindi↔English glossary for claim matching across languages, with no model.

A Hindi forward about an English fact-check (or the reverse) shares few words with it once the
names are gone: सरकार/government, टीका/vaccine, गिरफ़्तार/arrested. Each line below is one concept:
words of both languages (and common Hinglish spellings) that mean the same in these claims.
The matcher adds one concept token per glossary word found in a text (`concepts`), in a channel
of its own with a lower weight, so a shared concept counts for less than a shared word.

The entries are general vocabulary of Indian political and viral-rumour posts, written from
general knowledge, not from any evaluation set. Words are compared in matching form
(`pipeline.claims.term`: stemmed, transliteration skeleton), so नोट/note or वोट/vote already
meet and need no entry; an entry lists them only where the concept has other words too.
Hindi inflection (किसानों, सरकारी, टीके) is met by trying a few suffixes off a word that is not
an entry itself (`_SUFFIXES`). Phrases of up to three words are allowed (prime minister).

`spoken_numbers` reads numbers written in words (दो हज़ार, 2 lakh, two thousand) as digits, so
they meet ₹2000 and 200000.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from pathlib import Path

# One concept per line: "english words = हिंदी शब्द, hinglish". Both sides are pooled.
_GLOSSARY = """
government, govt, governments = सरकार, सरकारी, हुकूमत, sarkar, sarkaar, sarkari
central government, centre, union government = केंद्र सरकार, केंद्र, kendra, kendra sarkar
state = राज्य, प्रदेश, rajya, pradesh
country, nation = देश, राष्ट्र, मुल्क, desh, rashtra, mulk
national = राष्ट्रीय, rashtriya
india, indian, indians = भारत, भारतीय, हिंदुस्तान, हिन्दुस्तान, bharat, bhartiya, hindustan
prime minister, pm = प्रधानमंत्री, प्रधान मंत्री, पीएम, pradhan mantri, pradhanmantri
chief minister, cm = मुख्यमंत्री, मुख्य मंत्री, सीएम, mukhyamantri, mukhya mantri
minister, ministers = मंत्री, mantri
ministry = मंत्रालय, mantralay
president = राष्ट्रपति, rashtrapati
governor = राज्यपाल, rajyapal
parliament = संसद, sansad
mp, member of parliament = सांसद, saansad, sansad sadasya
mla = विधायक, vidhayak
assembly = विधानसभा, विधान सभा, vidhan sabha, vidhansabha
lok sabha = लोकसभा, loksabha
law = कानून, क़ानून, kanoon, kanun
bill = विधेयक, vidheyak
constitution = संविधान, samvidhan, sanvidhan
court = अदालत, कोर्ट, adalat
supreme court = सुप्रीम कोर्ट, सर्वोच्च न्यायालय, sarvochch nyayalay
high court = हाईकोर्ट, हाई कोर्ट, उच्च न्यायालय
judge = जज, न्यायाधीश, nyayadhish
order, orders, ordered = आदेश, हुक्म, aadesh, adesh, hukum
rule, rules = नियम, niyam
new = नया, नई, नए, नये, naya, nayi, naye
old = पुराना, पुरानी, पुराने, purana, purani, purane
election, elections, poll, polls = चुनाव, चुनावी, इलेक्शन, निर्वाचन, chunav, chunaav, election
election commission = चुनाव आयोग, निर्वाचन आयोग, chunav aayog, chunav ayog
commission = आयोग, aayog, ayog
vote, votes, voting, voter, voters = वोट, मतदान, मतदाता, vote, matdan, matdata
polling booth, booth = मतदान केंद्र, बूथ
evm, voting machine = ईवीएम, वोटिंग मशीन
ballot = मतपत्र, बैलेट
candidate = उम्मीदवार, प्रत्याशी, ummidvar, ummeedwar, pratyashi
party = पार्टी, दल, dal, party
opposition = विपक्ष, vipaksh
leader, leaders = नेता, नेताओं, neta
minister of home affairs, home minister = गृह मंत्री, गृहमंत्री, grih mantri
result, results = नतीजे, नतीजा, परिणाम, natija, natije, parinam
win, won, victory = जीत, जीता, जीती, विजय, jeet, jeeta, vijay
rally = रैली, सभा, jansabha, जनसभा
protest, protests, protesters = प्रदर्शन, विरोध, आंदोलन, pradarshan, virodh, andolan
strike = हड़ताल, hadtal, hartal
riot, riots, violence = दंगा, दंगे, हिंसा, danga, dange, hinsa
free = मुफ़्त, मुफ्त, फ्री, निःशुल्क, मुफत, muft, free
money, cash = पैसा, पैसे, धन, रुपया, paisa, paise, nakad, नकद
rupee, rupees, rs, inr = रुपये, रुपए, रुपया, rupaye, rupye, rupaya
note, notes, currency = नोट, मुद्रा, करेंसी, note
coin, coins = सिक्का, सिक्के, sikka, sikke
demonetisation, demonetization, note ban = नोटबंदी, विमुद्रीकरण, notebandi
bank, banks = बैंक, bank
account, accounts = खाता, खाते, khata, khate
loan, loans = कर्ज, क़र्ज़, ऋण, लोन, karz, karj, rin
waive, waived, waiver, waives, forgive = माफ, माफ़, माफी, माफ़ी, maaf, maafi, mafi
loan waiver = कर्जमाफी, कर्ज़माफ़ी, कर्ज माफी, karz mafi, karzmafi
tax, taxes = कर, टैक्स, tax
salary, salaries, wage, wages = वेतन, तनख्वाह, सैलरी, vetan, tankhwah, salary
pension = पेंशन, pension
price, prices, rate, rates = दाम, कीमत, क़ीमत, भाव, daam, keemat, kimat
hike, increase, increased, rise = बढ़ोतरी, वृद्धि, बढ़ा, बढ़ी, badhotri, vriddhi
cheap, cheaper = सस्ता, सस्ती, सस्ते, sasta, sasti
expensive, inflation = महंगा, महंगी, महंगाई, mehenga, mehngai, mahangai
petrol = पेट्रोल, petrol
diesel = डीजल, diesel
gas, cylinder, lpg = गैस, सिलेंडर, सिलिंडर, cylinder
electricity, power = बिजली, bijli
water = पानी, जल, pani, paani
food = खाना, भोजन, खाद्य, khana, bhojan
ration = राशन, rashan
scheme, schemes, yojana = योजना, योजनाएं, स्कीम, yojna, yojana
benefit, subsidy = लाभ, सब्सिडी, labh
job, jobs, employment = नौकरी, नौकरियां, रोजगार, रोज़गार, naukri, naukari, rozgar
unemployment, unemployed = बेरोजगारी, बेरोज़गारी, बेरोजगार, berozgari, berojgari
recruitment, vacancy, vacancies = भर्ती, bharti, bharti
exam, exams, examination = परीक्षा, परीक्षाएं, pariksha, exam
paper leak, question paper = पेपर लीक, प्रश्न पत्र, पर्चा, paper leak
student, students = छात्र, छात्रों, विद्यार्थी, chhatra, vidyarthi
school, schools = स्कूल, विद्यालय, vidyalay
teacher, teachers = शिक्षक, अध्यापक, टीचर, shikshak, adhyapak
university = विश्वविद्यालय, यूनिवर्सिटी, vishwavidyalay
education = शिक्षा, shiksha
children, child, kids = बच्चे, बच्चों, बच्चा, बच्ची, bachche, bacche, bachcha, bachchon
woman, women, lady, ladies = महिला, महिलाएं, महिलाओं, औरत, औरतें, mahila, aurat
girl, girls = लड़की, लड़कियां, लड़कियों, ladki, ladkiyan, ladkiyon
boy, boys = लड़का, लड़के, ladka, ladke
people, public = लोग, लोगों, जनता, log, logon, janta
citizen, citizens = नागरिक, nagrik
citizenship = नागरिकता, nagrikta
family = परिवार, pariwar, parivar
mother = माता, मम्मी, mata, mummy
father = पिता, बाप, pita
son = बेटा, पुत्र, beta
daughter = बेटी, पुत्री, beti
wife = पत्नी, बीवी, patni
husband = पति, pati
elderly = बुजुर्ग, बुज़ुर्ग, buzurg, bujurg
farmer, farmers = किसान, किसानों, kisan, kisaan, kisano
farm laws, agriculture law = कृषि कानून, krishi kanoon
agriculture = कृषि, खेती, krishi, kheti
crop, crops = फसल, फ़सल, fasal
wheat = गेहूं, गेहूँ, gehun, gehu
rice = चावल, chawal
milk = दूध, doodh, dudh
sugar = शक्कर, shakkar
salt = नमक, namak
vegetable, vegetables = सब्जी, सब्ज़ी, सब्जियां, sabji, sabzi
fruit, fruits = फल, phal
onion, onions = प्याज, प्याज़, pyaj, pyaaz
tomato, tomatoes = टमाटर, tamatar
egg, eggs = अंडा, अंडे, anda, ande
meat = मांस, गोश्त, maans, gosht
beef = गोमांस, बीफ, gomans
cow, cows = गाय, गौ, gaay, gai, gau
cow urine = गोमूत्र, गौमूत्र, gomutra, gaumutra
dung = गोबर, gobar
plastic = प्लास्टिक, plastic
fake, false, fraud = फर्जी, फ़र्ज़ी, नकली, झूठा, झूठी, झूठ, farzi, farji, nakli, jhootha, jhuth
real, true, genuine = असली, सच, सच्चा, सही, asli, sach, sahi
rumour, rumor, rumours = अफवाह, अफ़वाह, afwah, afvah
truth = सच्चाई, सत्य, sachai, satya
claim, claims, claimed = दावा, दावे, dava, daava, dawa
news = खबर, ख़बर, समाचार, न्यूज, khabar, samachar
video, videos, clip = वीडियो, विडियो, क्लिप, video
photo, photos, picture, pictures, image, images = फोटो, फ़ोटो, तस्वीर, तस्वीरें, चित्र, tasveer, tasvir
viral = वायरल, viral
message = संदेश, मैसेज, sandesh
post, posts = पोस्ट, post
outpost, outposts, post, posts = चौकी, चौकियां, चौकियों, chowki, chauki
social media = सोशल मीडिया
phone, mobile, smartphone = फोन, फ़ोन, मोबाइल, phone
call, calls = कॉल, call
number = नंबर, संख्या, number, sankhya
internet = इंटरनेट, internet
app, apps, application = ऐप, एप, app
link = लिंक, link
hacked, hack = हैक, हैक किया
recorded, recording = रिकॉर्ड, रिकार्ड, record
ban, banned, bans = प्रतिबंध, पाबंदी, बैन, रोक, pratibandh, pabandi, ban
arrest, arrested = गिरफ्तार, गिरफ़्तार, गिरफ्तारी, गिरफ़्तारी, giraftar, girftar, griftar
police = पुलिस, police
jail, prison = जेल, कैद, क़ैद, jail, kaid
case, complaint = मुकदमा, मामला, शिकायत, मुक़दमा, mukadma, mamla, shikayat
crime = अपराध, जुर्म, apradh, jurm
criminal, criminals = अपराधी, मुजरिम, apradhi
murder, killed, kill, killing = हत्या, कत्ल, क़त्ल, मार डाला, hatya, katl, qatl
death, dead, died, die = मौत, मृत्यु, मर गए, मरे, मृत, maut, mrityu
attack, attacked = हमला, हमले, आक्रमण, hamla, hamle
terrorist, terrorists, terror = आतंकवादी, आतंकी, आतंक, aatankwadi, atanki, aatank
terrorism = आतंकवाद, aatankwad
bomb, bombs, blast = बम, धमाका, विस्फोट, bam, dhamaka, visphot
kidnap, kidnapping, kidnapped, abduction = अपहरण, apharan, kidnap
rape, raped = बलात्कार, रेप, balatkar
thief, thieves, theft, stolen, stole = चोर, चोरी, chor, chori
gang, gangs = गिरोह, गैंग, giroh
child lifter, child lifters, child kidnapper = बच्चा चोर, बच्चे चोर, bachcha chor
kidney, kidneys = किडनी, गुर्दा, गुर्दे, kidney
organ, organs = अंग, ang
blood = खून, ख़ून, रक्त, khoon, khun, rakt
army, soldier, soldiers, jawan, jawans = सेना, फौज, फ़ौज, सैनिक, सैनिकों, जवान, जवानों, sena, fauj, sainik, jawan
indian army = भारतीय सेना, bhartiya sena
air force = वायुसेना, वायु सेना, vayusena
navy = नौसेना, nausena
border = सीमा, बॉर्डर, सरहद, seema, sarhad
war = युद्ध, जंग, लड़ाई, yudh, jung, ladai
martyr, martyred = शहीद, shaheed, shahid
flag, flags = झंडा, झंडे, ध्वज, tiranga, jhanda, jhande, dhwaj
tricolour, tricolor = तिरंगा, tiranga
national anthem = राष्ट्रगान, rashtragan
pakistan, pakistani = पाकिस्तान, पाकिस्तानी, पाक, pakistan
china, chinese = चीन, चीनी, cheen, chin
italy, italian = इटली, इटालियन, italy
earth = पृथ्वी, धरती, prithvi, dharti
darkness, dark = अंधेरा, अँधेरा, andhera
mosquito, mosquitoes = मच्छर, machar, machhar, macchar
america, american, usa, us = अमेरिका, अमेरिकी, अमरीका, america
britain, british, uk = ब्रिटेन, ब्रिटिश, britain
world = दुनिया, विश्व, जगत, duniya, vishwa
best = सर्वश्रेष्ठ, सबसे अच्छा, बेहतरीन, sarvashreshth, behtareen
declared, declare, announced, announce, announcement = घोषित, घोषणा, ऐलान, ghoshit, ghoshna, elan
temple, temples = मंदिर, मन्दिर, mandir
mosque, mosques = मस्जिद, masjid
church = चर्च, गिरजाघर
religion = धर्म, मजहब, मज़हब, dharm, mazhab
hindu, hindus = हिंदू, हिन्दू, hindu
muslim, muslims = मुस्लिम, मुसलमान, musalman
god = भगवान, ईश्वर, bhagwan, ishwar
prayer, prayers, namaz = नमाज, नमाज़, प्रार्थना, namaz, prarthana
festival = त्योहार, त्यौहार, tyohar
statue = मूर्ति, प्रतिमा, murti, pratima
idol = मूर्ति, murti
priest = पुजारी, pujari
hospital, hospitals = अस्पताल, hospital, aspatal
doctor, doctors = डॉक्टर, चिकित्सक, doctor
medicine, medicines, drug, drugs = दवा, दवाई, दवाएं, औषधि, dawa, dawai, aushadhi
treatment, cure, cured, cures = इलाज, उपचार, ilaj, ilaaj, upchar
disease, illness = बीमारी, रोग, bimari, rog
patient, patients = मरीज, मरीज़, mareez, marij
vaccine, vaccines, vaccination, vaccinated, jab = टीका, टीके, टीकाकरण, वैक्सीन, वैक्सीनेशन, tika, teeka, tikakaran, vaccine
corona, coronavirus, corona virus, covid, covid19 = कोरोना, कोविड, कोरोना वायरस, corona, covid
virus = वायरस, विषाणु, virus
infection, infected = संक्रमण, संक्रमित, sankraman, sankramit
lockdown = लॉकडाउन, तालाबंदी, lockdown, talabandi
curfew = कर्फ्यू, curfew
mask, masks = मास्क, mask
health = स्वास्थ्य, सेहत, swasthya, sehat
cancer = कैंसर, cancer
heart attack = दिल का दौरा, हार्ट अटैक
poison, poisonous = जहर, ज़हर, विष, zehar, jahar
oxygen = ऑक्सीजन, oxygen
immunity = इम्यूनिटी, रोग प्रतिरोधक क्षमता, immunity
home remedy = घरेलू उपाय, gharelu upay
hot water = गर्म पानी, garam pani
lemon = नींबू, nimbu, neembu
garlic = लहसुन, lahsun
turmeric = हल्दी, haldi
ginger = अदरक, adrak
drink, drinking = पीना, पीने, पिएं, peena, pine
eat, eating = खाना, खाने, खाएं, khana, khane
steam = भाप, bhap
sun, sunlight = धूप, सूरज, dhoop, suraj
earthquake = भूकंप, भूचाल, bhookamp, bhukamp
flood, floods = बाढ़, badh, baadh
rain = बारिश, वर्षा, barish, varsha
storm, cyclone = तूफान, तूफ़ान, चक्रवात, toofan, tufan
fire, flames, flame = आग, लपटें, aag
accident, accidents = हादसा, दुर्घटना, हादसे, hadsa, durghatna
train, trains = ट्रेन, रेल, रेलगाड़ी, train, rail
railway, railways = रेलवे, railway
station = स्टेशन, station
road, roads, street, streets = सड़क, सड़कें, सड़कों, sadak, sadkon
bridge = पुल, pul
airport = हवाई अड्डा, एयरपोर्ट, havai adda
plane, aircraft = विमान, जहाज, हवाई जहाज, viman, jahaj
helicopter, helicopters = हेलीकॉप्टर, हेलिकॉप्टर, helicopter
spray, sprayed, spraying = छिड़काव, स्प्रे, chhidkav
sky = आसमान, आकाश, aasman, akash
city = शहर, नगर, shahar, nagar
village, villages = गांव, गाँव, ग्राम, gaon, gaanv, gram
district = जिला, ज़िला, jila, zila
area = इलाका, इलाक़ा, क्षेत्र, ilaka, kshetra
house, home, houses = घर, मकान, ghar, makan
land = जमीन, ज़मीन, भूमि, zameen, jameen, bhumi
ground, underground = जमीन के नीचे, भूमिगत
hidden, hide = छिपा, छुपा, छुपाओ, छिपाया, chhupa, chupa, chhipa
track, tracking, tracked = ट्रैक, निगरानी, nigrani
chip, chips = चिप, chip
satellite = उपग्रह, सैटेलाइट, upgrah
space = अंतरिक्ष, antariksh
moon = चांद, चाँद, चंद्रमा, chand, chandrama
tower, towers = टावर, टॉवर, tower
radiation = विकिरण, रेडिएशन, vikiran
signal = सिग्नल, signal
light = रोशनी, प्रकाश, roshni, prakash
dark, darkness = अंधेरा, andhera
night, tonight = रात, raat
tonight = आज रात, aaj raat, aaj rat
day = दिन, din
today = आज, aaj
tomorrow, yesterday = कल, kal
week = सप्ताह, हफ्ता, हफ़्ता, saptah, hafta
month, months = महीना, महीने, mahina, mahine
year, years = साल, वर्ष, saal, sal, varsh
time = समय, वक्त, वक़्त, samay, waqt
first = पहला, पहली, पहले, pehla, pehli, pahla
last = आखिरी, अंतिम, akhiri, antim
big, biggest = बड़ा, बड़ी, बड़े, bada, badi
small = छोटा, छोटी, छोटे, chhota, choti
thousand, thousands = हजार, हज़ार, hazaar, hazar
lakh, lakhs = लाख, lakh
crore, crores = करोड़, karod, crore
hundred, hundreds = सौ, सैकड़ों, saikdon
million, millions = दस लाख, das lakh
give, given, giving, gives = देगी, देगा, देंगे, देना, मिलेगा, मिलेगी, milega, milegi, degi, dega
get, receive = मिलना, मिलेंगे, milenge
stop, stopped = रोकना, रोका, बंद, band
closed, shut = बंद, band
open, opened = खुला, खुले, खोला, khula, khola
start, started, launch, launched = शुरू, शुरुआत, shuru, launch
end, ended = खत्म, ख़त्म, समाप्त, khatam, samapt
died, passed away = निधन, देहांत, nidhan
born, birth = जन्म, पैदा, janm, paida
marriage, wedding = शादी, विवाह, shaadi, shadi, vivah
love = प्यार, प्रेम, pyar, prem
love jihad = लव जिहाद
conversion = धर्मांतरण, धर्म परिवर्तन, dharmantaran
caste = जाति, jati
reservation, quota = आरक्षण, aarakshan, arakshan
minority = अल्पसंख्यक, alpsankhyak
population = जनसंख्या, आबादी, jansankhya, abadi
census = जनगणना, jangadna, janganana
poor, poverty = गरीब, ग़रीब, गरीबी, gareeb, garib, garibi
rich = अमीर, धनी, ameer, amir
corruption, corrupt = भ्रष्टाचार, भ्रष्ट, bhrashtachar, bhrasht
scam, scams = घोटाला, घोटाले, ghotala, ghotale
bribe = रिश्वत, rishwat
black money = काला धन, कालाधन, kala dhan
development = विकास, vikas
road construction, construction = निर्माण, nirman
built, build = बनाया, बनाई, बनवाया, banaya, banai
company, companies = कंपनी, कंपनियां, company
sold, sell, selling, sale = बेचा, बेची, बेचना, बिक्री, becha, bechi, bikri
buy, bought, purchase = खरीदा, ख़रीदा, खरीद, kharida, kharid
market, markets = बाजार, बाज़ार, मंडी, bazar, bajar, mandi
shop, shops, shopkeeper = दुकान, दुकानें, दुकानदार, dukan, dukaan, dukandar
private = निजी, प्राइवेट, niji
privatisation, privatization = निजीकरण, nijikaran
sold off = बेच दिया
employee, employees, staff = कर्मचारी, karmchari, karmachari
worker, workers, labour, labourers = मजदूर, मज़दूर, श्रमिक, majdoor, mazdoor, shramik
migrant = प्रवासी, pravasi
help, aid = मदद, सहायता, madad, sahayata
relief = राहत, rahat
fund, funds, donation = कोष, फंड, दान, chanda, चंदा, kosh, daan
compensation = मुआवजा, मुआवज़ा, muavza, muavja
insurance = बीमा, beema, bima
card = कार्ड, card
aadhaar = आधार, aadhar, adhar
ration card = राशन कार्ड
gas connection = गैस कनेक्शन
toilet, toilets = शौचालय, शौचालयों, shauchalay
house scheme, housing = आवास, awas, aawas
pension scheme = पेंशन योजना
recharge = रिचार्ज, recharge
offer = ऑफर, ऑफ़र, पेशकश, offer
gift = तोहफा, तोहफ़ा, उपहार, tohfa, uphar
prize, reward = इनाम, पुरस्कार, inaam, inam, puraskar
award = पुरस्कार, सम्मान, puraskar, samman
honour, honored, honoured = सम्मानित, sammanit
lottery = लॉटरी, lottery
kbc = केबीसी
speech = भाषण, bhashan
said, says, say = कहा, कहते, बोला, बोले, kaha, bola, bole
statement = बयान, biyan, bayan
interview = साक्षात्कार, इंटरव्यू
insult, insulted = अपमान, बेइज्जती, apman
slap, slapped = थप्पड़, thappad
beaten, beat, thrashed = पिटाई, पीटा, पीटे, धुलाई, pitai, peeta, dhulai
shot, shooting = गोली, गोलीबारी, फायरिंग, goli, golibari
gun = बंदूक, bandook, banduk
knife = चाकू, chaku
stone pelting, stone = पत्थरबाजी, पत्थर, पथराव, pathar, patthar, pathrav
spit, spitting = थूक, थूकना, थूकते, thuk, thook
urinate = पेशाब, peshab
alcohol, liquor = शराब, daru, दारू, sharab
drugs addiction = नशा, nasha
smoking, cigarette = सिगरेट, धूम्रपान, dhumrapan
dog, dogs = कुत्ता, कुत्ते, kutta, kutte
lion, lions = शेर, sher
tiger = बाघ, baagh, bagh
snake = सांप, साँप, saanp, sanp
monkey = बंदर, bandar
bird, birds = पक्षी, चिड़िया, pakshi, chidiya
animal, animals = जानवर, पशु, janwar, pashu
tree, trees = पेड़, वृक्ष, ped, vriksh
forest = जंगल, वन, jungle, jangal
river = नदी, nadi
sea, ocean = समुद्र, सागर, samudra, sagar
mountain = पहाड़, पर्वत, pahad, parvat
gold = सोना, स्वर्ण, sona, swarn
silver = चांदी, चाँदी, chandi
ancient = प्राचीन, pracheen, prachin
history = इतिहास, itihas
science, scientists = विज्ञान, वैज्ञानिक, vigyan, vaigyanik
research, study = शोध, अनुसंधान, अध्ययन, shodh, anusandhan
report = रिपोर्ट, report
survey = सर्वे, सर्वेक्षण, sarvekshan
data = आंकड़े, डेटा, aankde, akde
list = सूची, लिस्ट, soochi, suchi
name = नाम, naam, nam
voter list = मतदाता सूची, वोटर लिस्ट
section = धारा, dhara
freedom, independence = आजादी, आज़ादी, स्वतंत्रता, azadi, aazadi, swatantrata
slogan, slogans = नारा, नारे, nara, nare
anti national = देशद्रोही, deshdrohi
sedition, traitor = देशद्रोह, गद्दार, deshdroh, gaddar
secret = गुप्त, रहस्य, gupt, rahasya
warning, alert = चेतावनी, सावधान, सतर्क, chetavani, savdhan, satark
danger, dangerous = खतरा, ख़तरा, खतरनाक, khatra, khatarnak
safe, safety = सुरक्षित, सुरक्षा, surakshit, suraksha
security = सुरक्षा, suraksha
action = कार्रवाई, karrvai, karwai
punishment = सजा, सज़ा, दंड, saja, saza, dand
penalty = जुर्माना, jurmana
rights = अधिकार, हक़, haq, adhikar
hanged, hanging = फांसी, फाँसी, phansi, fansi
resign, resigned, resignation = इस्तीफा, इस्तीफ़ा, istifa, isteefa
join, joined = शामिल, shamil
support = समर्थन, samarthan
against = खिलाफ, ख़िलाफ़, khilaf
foreign = विदेश, विदेशी, videsh, videshi
journalist, journalists, reporter = पत्रकार, patrakar
media = मीडिया, media
channel = चैनल, channel
newspaper = अखबार, अख़बार, समाचार पत्र, akhbar
actor = अभिनेता, एक्टर, abhineta
actress = अभिनेत्री, abhinetri
film, movie = फिल्म, फ़िल्म, चलचित्र, film
song = गाना, गीत, gana, geet
cricket = क्रिकेट, cricket
player, players = खिलाड़ी, khiladi
team = टीम, team
match = मैच, match
sports = खेल, khel
king = राजा, raja
queen = रानी, rani
broken, destroyed, demolished, blew up = उड़ा दिया, उड़ाईं, उड़ाई, तोड़ा, तोड़ी, तोड़े, तोड़फोड़, ध्वस्त, toda, todi, dhwast
bulldozer = बुलडोजर, बुलडोज़र, bulldozer
illegal = अवैध, गैरकानूनी, avaidh
infiltrator, infiltrators = घुसपैठिए, घुसपैठिया, ghuspaithiye
refugee, refugees = शरणार्थी, sharnarthi
bangladesh, bangladeshi = बांग्लादेश, बांग्लादेशी
rohingya = रोहिंग्या
mob lynching, lynching = भीड़ हिंसा, लिंचिंग
crowd, mob = भीड़, bheed, bhid
burnt, burned, burning = जलाया, जलाई, जला, jalaya, jala
water crisis, drought = सूखा, sookha, sukha
heat, heatwave = गर्मी, लू, garmi
cold = ठंड, सर्दी, thand, sardi
weather = मौसम, mausam
holiday, holidays = छुट्टी, अवकाश, chhutti, chutti, avkash
office = दफ्तर, दफ़्तर, कार्यालय, daftar, karyalay
officer, official, officials = अधिकारी, अफसर, अफ़सर, adhikari, afsar
collector, district magistrate = जिलाधिकारी, कलेक्टर, jiladhikari
post office = डाकघर, डाक, dak
letter = पत्र, चिट्ठी, patra, chitthi
fake news = फर्जी खबर, फ़र्ज़ी ख़बर, झूठी खबर
fact check = तथ्य जांच, फैक्ट चेक
incident = घटना, घटनाएं, ghatna
# Schemes, local bodies and paraphrases forwards use for them (issue #17).
mid-day meal, midday meal, school meal = मिड-डे मील, मिड डे मील, मध्याह्न भोजन, दोपहर का भोजन, mid day meal, mdm
panchayat election, panchayat elections, panchayat poll = पंचायत चुनाव, प्रधानी, प्रधानी चुनाव, pradhani, panchayat chunav
village head, sarpanch = ग्राम प्रधान, प्रधान जी, सरपंच, mukhiya, मुखिया, gram pradhan, sarpanch
destroy, destroyed, eliminate, eliminated, wipe out = खत्म, ख़त्म, नष्ट, समाप्त, khatam, khatm, nasht
free ration = मुफ्त राशन, मुफ़्त राशन, फ्री राशन, muft ration
""".strip()

# Hindi inflections tried on a word that is not an entry itself (skeleton forms: किसानों
# "kisanon", सरकारी "sarkari", टीके "tike", लड़कियां "ladkiyan"). Longest first.
_SUFFIXES = ("iyon", "iyan", "iya", "on", "en", "an", "e", "i", "o")
_MIN_STEM = 3


def _groups() -> list[list[str]]:
    out: list[list[str]] = []
    for line in _GLOSSARY.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entries = [e.strip() for e in line.replace("=", ",").split(",")]
        out.append([e for e in entries if e])
    return out


class Glossary:
    """Concept ids for the glossary's words and phrases, in matching form.

    `to_terms` turns a raw entry into matching terms (the matcher's own analysis), so entries
    meet the text exactly as the index sees it. A term in two concepts (मूर्ति: statue, idol)
    belongs to both.
    """

    def __init__(
        self, to_terms: Callable[[str], list[str]], lines: Sequence[Sequence[str]]
    ) -> None:
        self._phrases: dict[tuple[str, ...], tuple[int, ...]] = {}
        self.max_len = 1
        for concept, entries in enumerate(lines):
            for entry in entries:
                key = tuple(to_terms(entry))
                if not key or len(key) > 3:
                    continue
                found = self._phrases.get(key, ())
                if concept not in found:
                    self._phrases[key] = (*found, concept)
                self.max_len = max(self.max_len, len(key))
        self.size = len(lines)

    def __len__(self) -> int:
        return len(self._phrases)

    def lookup(self, word: str) -> tuple[int, ...]:
        """Concepts of one term, trying Hindi inflections off it when it is not an entry."""
        found = self._phrases.get((word,))
        if found is not None:
            return found
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                found = self._phrases.get((word[: -len(suffix)],))
                if found is not None:
                    return found
        return ()

    def spans(self, words: Sequence[str]) -> list[tuple[int, int, tuple[int, ...]]]:
        """(start, end, concepts) of the glossary entries in a text's terms; the longest
        phrase at each position wins."""
        out: list[tuple[int, int, tuple[int, ...]]] = []
        i, n = 0, len(words)
        while i < n:
            for size in range(min(self.max_len, n - i), 1, -1):
                found = self._phrases.get(tuple(words[i : i + size]))
                if found is not None:
                    out.append((i, i + size, found))
                    i += size
                    break
            else:
                found = self.lookup(words[i])
                if found:
                    out.append((i, i + 1, found))
                i += 1
        return out

    def concepts(self, words: Sequence[str]) -> list[int]:
        """Concepts of a text's terms, one per entry found (a phrase counts once)."""
        return [c for _, _, found in self.spans(words) for c in found]


_SYNONYMS: dict[str, tuple[str, ...]] | None = None


def synonyms(word: str) -> tuple[str, ...]:
    """Every glossary entry, as written, that shares a concept with `word` (compared in lower
    case, as written): नोटबंदी → demonetisation, note ban, विमुद्रीकरण, notebandi. For plain
    substring searches, which do not read the matcher's terms."""
    global _SYNONYMS
    if _SYNONYMS is None:
        found: dict[str, set[str]] = {}
        for entries in _groups():
            for entry in entries:
                found.setdefault(entry.lower(), set()).update(entries)
        _SYNONYMS = {k: tuple(sorted(v - {k})) for k, v in found.items()}
    return _SYNONYMS.get(word.strip().lower(), ())


def glossary(to_terms: Callable[[str], list[str]]) -> Glossary:
    """The built-in glossary in the matching form given by `to_terms`."""
    return Glossary(to_terms, _groups())


# A general English→Hindi dictionary behind the hand-written glossary: FreeDict eng-hin (GPL-2+,
# see the file's header and scripts/build_dictionary.py). It covers what the glossary has no
# line for (नमक/salt, कमी/shortage, सिक्का/coin) at the cost of the dictionary's own noise,
# which the matcher bounds (one sense per source word, at a lower weight).
DICTIONARY_FILE = Path(__file__).resolve().parent / "data" / "eng-hin.tsv"
# Hindi light verbs that end dictionary renderings ("गिरफ्तार करना", "छोड़ा हुआ"): the content
# word before them is what a forward shares with the rendering, inflected any way.
_LIGHT_VERBS = frozenset(
    {"करना", "होना", "देना", "लेना", "जाना", "कराना", "डालना", "पड़ना", "रखना"}
    | {"हुआ", "हुई", "हुए", "जाता", "जाती"}
)


def read_dictionary(path: Path = DICTIONARY_FILE) -> list[tuple[str, list[str]]]:
    """(English headword, Hindi renderings) pairs from a `headword<TAB>hindi|hindi` file."""
    pairs: list[tuple[str, list[str]]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            word, _, rendered = line.rstrip("\n").partition("\t")
            renderings = []
            for text in rendered.split("|"):
                words = text.split()
                while len(words) > 1 and words[-1] in _LIGHT_VERBS:
                    words.pop()
                if words:
                    renderings.append(" ".join(words))
            pairs.append((word, renderings))
    return pairs


class Dictionary:
    """English headwords as concepts, with their Hindi renderings pointing at them.

    An English word (a Latin token that is a headword) stands for its own concept only; any other
    term (Devanagari, or Hinglish in Latin letters) stands for every headword it renders, looked
    up like a glossary entry (phrases, Hindi inflections), so कमी → shortage, lack, deficiency.
    Concept ids are the headwords' positions, 0 .. size-1.
    """

    def __init__(
        self, to_terms: Callable[[str], list[str]], pairs: Sequence[tuple[str, Sequence[str]]]
    ) -> None:
        self.headwords = frozenset(word for word, _ in pairs)
        self._english: dict[str, int] = {}
        for concept, (word, _) in enumerate(pairs):
            for found in to_terms(word)[:1]:
                self._english.setdefault(found, concept)
        self._hindi = Glossary(to_terms, [renderings for _, renderings in pairs])
        self.size = len(pairs)

    def english(self, term: str) -> int | None:
        """The concept of an English word's matching term."""
        return self._english.get(term)

    def spans(
        self, words: Sequence[str], english: Set[str]
    ) -> list[tuple[int, int, tuple[int, ...]]]:
        """(start, end, concepts) of a text's terms: English words give their own headword,
        other words every headword they render. `english` holds the terms that came from
        English words."""
        out: list[tuple[int, int, tuple[int, ...]]] = []
        rest: list[int] = []
        for i, word in enumerate(words):
            if word in english:
                concept = self._english.get(word)
                if concept is not None:
                    out.append((i, i + 1, (concept,)))
            else:
                rest.append(i)
        # Runs of non-English words go through the Hindi side, phrases included.
        for run in _runs(rest):
            start = run[0]
            for s, e, found in self._hindi.spans([words[i] for i in run]):
                out.append((start + s, start + e, found))
        out.sort()
        return out


def _runs(positions: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in positions:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def dictionary(to_terms: Callable[[str], list[str]], path: Path = DICTIONARY_FILE) -> Dictionary:
    """The shipped English→Hindi dictionary in the matching form given by `to_terms`."""
    return Dictionary(to_terms, read_dictionary(path))


# Numbers in words. Units up to 99 that forwards spell out; multipliers scale what precedes.
_UNITS = {
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "पाँच": 5, "छह": 6, "छः": 6, "सात": 7,
    "आठ": 8, "नौ": 9, "दस": 10, "बीस": 20, "पचास": 50, "डेढ़": 1.5, "ढाई": 2.5,
    "ek": 1, "do": 2, "teen": 3, "tin": 3, "char": 4, "chaar": 4, "panch": 5, "paanch": 5,
    "chhe": 6, "saat": 7, "sat": 7, "aath": 8, "nau": 9, "das": 10, "bees": 20, "pachas": 50,
    "dedh": 1.5, "dhai": 2.5,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twenty": 20, "fifty": 50,
}  # fmt: skip
_MULTIPLIERS = {
    "सौ": 100, "हजार": 1000, "हज़ार": 1000, "लाख": 100_000, "करोड़": 10_000_000,
    "sau": 100, "hazar": 1000, "hazaar": 1000, "hajar": 1000, "lakh": 100_000,
    "crore": 10_000_000, "karod": 10_000_000, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000, "cr": 10_000_000,
}  # fmt: skip


_NUKTA = "\u093c"
_UNIT_OF = {k.replace(_NUKTA, ""): v for k, v in _UNITS.items()}
_SCALE_OF = {k.replace(_NUKTA, ""): v for k, v in _MULTIPLIERS.items()}


def _number_of(token: str) -> float | None:
    if token.isdigit():
        return float(token)
    return _UNIT_OF.get(token.replace(_NUKTA, ""))


def spoken_numbers(tokens: Sequence[str]) -> list[str]:
    """Numbers written with a multiplier word, as digits: "दो हज़ार", "2 lakh", "two thousand"
    → "2000", "200000", "2000". Plain digits are left alone (the tokens already carry them)."""
    out: list[str] = []
    for i, token in enumerate(tokens):
        scale = _SCALE_OF.get(token.replace(_NUKTA, ""))
        if scale is None:
            continue
        value = _number_of(tokens[i - 1]) if i else None
        number = (value if value is not None else 1.0) * scale
        if number == int(number):
            out.append(str(int(number)))
    return out
