"""Report content for the demo round: credible, clearly invented, the same on every run.

`before_reports(rnd)` adds the Commission's priority actions for Albania and Serbia (so their
reports carry priority entries); `fill(rnd)` writes every party's entries from per-action topics
and per-party institutions, then takes each report through the real workflow to the state the
walk-through needs:

    Albania                 submitted (complete, one document)
    Bosnia and Herzegovina  draft, about 40 % answered
    Kosovo*                 draft, some entries marked as copied from the previous round
    Montenegro              changes requested (shared comments on two entries, internal ones too)
    North Macedonia         draft, about 70 % answered
    Serbia                  approved on its second revision, with the Commission's assessment
    European Commission     submitted
    Europol                 draft, half answered
    Eurojust                approved

There is no earlier demo round: Kosovo*'s "copied" entries carry the flag only, without
`Report.copied_from_revision_id`. Everything here is demo content: the laws, gazette numbers, figures and events are invented.
Randomness is seeded per party and entry, so the text does not depend on anything but the plan.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Optional

import sqlalchemy as sa

from ctportal.models import (Assessment, Comment, Document, Entry, EntryReview, EntryStatus,
                             LegalAct, Measure, Party, PriorityAction, Report, Round, Sensitivity,
                             User, Verdict, Visibility, db, utcnow)
from ctportal.services import audit
from ctportal.infra import storage
from ctportal.services.reporting.revisions import latest_revision
from ctportal.services.review.workflow import Step
from ctportal.services.review.workflow import apply_transition

# --- who is who -----------------------------------------------------------------------------------

REVIEWER = "reviewer@demo.ctportal.eu"
REVIEWER2 = "reviewer2@demo.ctportal.eu"
COORDINATOR = {
    "AL": "coordinator.al@demo.ctportal.eu", "BA": "coordinator.ba@demo.ctportal.eu",
    "XK": "coordinator.xk@demo.ctportal.eu", "ME": "coordinator.me@demo.ctportal.eu",
    "MK": "coordinator.mk@demo.ctportal.eu", "RS": "coordinator.rs@demo.ctportal.eu",
    "EC": "reporter.ec@demo.ctportal.eu", "EUROPOL": "reporter.europol@demo.ctportal.eu",
    "EUROJUST": "reporter.eurojust@demo.ctportal.eu",
}
CONTRIBUTOR = {"AL": "contributor.al@demo.ctportal.eu", "RS": "contributor.rs@demo.ctportal.eu"}

# Share of entries answered in the drafts (the rest are left for the walk-through).
DRAFT_SHARE = {"MK": 0.7, "BA": 0.4, "XK": 0.55, "EUROPOL": 0.5}

# --- the partners' institutions, in their own languages and scripts ---------------------------------
# key -> (English name, name in the partner's language)

INSTITUTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "AL": {
        "coord": ("Coordination Centre for Countering Violent Extremism",
                  "Qendra për Përballimin e Ekstremizmit të Dhunshëm"),
        "moi": ("Ministry of Interior", "Ministria e Brendshme"),
        "police": ("State Police", "Policia e Shtetit"),
        "prosecution": ("Special Prosecution Office", "Prokuroria e Posaçme"),
        "justice": ("Ministry of Justice", "Ministria e Drejtësisë"),
        "prisons": ("General Directorate of Prisons", "Drejtoria e Përgjithshme e Burgjeve"),
        "fiu": ("Financial Intelligence Unit", "Drejtoria e Përgjithshme për Parandalimin e Pastrimit të Parave"),
        "education": ("Ministry of Education and Sport", "Ministria e Arsimit dhe Sportit"),
        "social": ("State Social Service", "Shërbimi Social Shtetëror"),
        "cyber": ("National Cyber Security Authority", "Autoriteti Kombëtar për Sigurinë Kibernetike"),
        "civil": ("National Civil Protection Agency", "Agjencia Kombëtare e Mbrojtjes Civile"),
        "customs": ("General Directorate of Customs", "Drejtoria e Përgjithshme e Doganave"),
        "judicial": ("School of Magistrates", "Shkolla e Magjistraturës"),
        "intel": ("State Intelligence Service", "Shërbimi Informativ Shtetëror"),
    },
    "BA": {
        "coord": ("Supervisory Body for the Counter-Terrorism Strategy",
                  "Nadzorno tijelo za praćenje provedbe Strategije za prevenciju i borbu protiv terorizma"),
        "moi": ("Ministry of Security", "Ministarstvo sigurnosti Bosne i Hercegovine"),
        "police": ("State Investigation and Protection Agency", "Državna agencija za istrage i zaštitu"),
        "prosecution": ("Prosecutor's Office of Bosnia and Herzegovina", "Tužilaštvo Bosne i Hercegovine"),
        "justice": ("Ministry of Justice", "Ministarstvo pravde Bosne i Hercegovine"),
        "prisons": ("State Prison Administration",
                    "Zavod za izvršenje krivičnih sankcija, pritvora i drugih mjera BiH"),
        "fiu": ("Financial Intelligence Department", "Finansijsko-obavještajno odjeljenje"),
        "education": ("Ministry of Civil Affairs", "Ministarstvo civilnih poslova BiH"),
        "social": ("cantonal centres for social work", "kantonalni centri za socijalni rad"),
        "cyber": ("CERT for the institutions of Bosnia and Herzegovina", "CERT za institucije BiH"),
        "civil": ("Protection and Rescue Sector", "Sektor za zaštitu i spašavanje"),
        "customs": ("Indirect Taxation Authority", "Uprava za indirektno oporezivanje"),
        "judicial": ("judicial training centres", "Centri za edukaciju sudija i tužilaca"),
        "intel": ("Intelligence-Security Agency", "Obavještajno-sigurnosna agencija BiH"),
    },
    "XK": {
        "coord": ("Office of the National Coordinator for Preventing Violent Extremism",
                  "Zyra e Koordinatorit Nacional për Parandalimin e Ekstremizmit të Dhunshëm"),
        "moi": ("Ministry of Internal Affairs", "Ministria e Punëve të Brendshme"),
        "police": ("Kosovo Police", "Policia e Kosovës"),
        "prosecution": ("Special Prosecution Office", "Prokuroria Speciale"),
        "justice": ("Ministry of Justice", "Ministria e Drejtësisë"),
        "prisons": ("Kosovo Correctional Service", "Shërbimi Korrektues i Kosovës"),
        "fiu": ("Financial Intelligence Unit", "Njësia për Inteligjencë Financiare"),
        "education": ("Ministry of Education, Science, Technology and Innovation",
                      "Ministria e Arsimit, Shkencës, Teknologjisë dhe Inovacionit"),
        "social": ("Division for the Reintegration of Repatriated Persons",
                   "Divizioni për Riintegrimin e Personave të Riatdhesuar"),
        "cyber": ("Cyber Security Agency", "Agjencia e Sigurisë Kibernetike"),
        "civil": ("Emergency Management Agency", "Agjencia për Menaxhimin e Emergjencave"),
        "customs": ("Kosovo Customs", "Dogana e Kosovës"),
        "judicial": ("Academy of Justice", "Akademia e Drejtësisë"),
        "intel": ("Kosovo Intelligence Agency", "Agjencia Kosovare e Inteligjencës"),
    },
    "ME": {
        "coord": ("National Coordinator for Countering Violent Extremism",
                  "Nacionalni koordinator za suzbijanje nasilnog ekstremizma"),
        "moi": ("Ministry of Interior", "Ministarstvo unutrašnjih poslova"),
        "police": ("Police Directorate", "Uprava policije"),
        "prosecution": ("Special State Prosecutor's Office", "Specijalno državno tužilaštvo"),
        "justice": ("Ministry of Justice", "Ministarstvo pravde"),
        "prisons": ("Administration for the Execution of Criminal Sanctions",
                    "Uprava za izvršenje krivičnih sankcija"),
        "fiu": ("Financial Intelligence Unit", "Finansijsko-obavještajna jedinica"),
        "education": ("Ministry of Education, Science and Innovation", "Ministarstvo prosvjete, nauke i inovacija"),
        "social": ("centres for social work", "centri za socijalni rad"),
        "cyber": ("National CIRT", "Nacionalni CIRT"),
        "civil": ("Directorate for Protection and Rescue", "Direktorat za zaštitu i spašavanje"),
        "customs": ("Revenue and Customs Administration", "Uprava prihoda i carina"),
        "judicial": ("Judicial Training Centre", "Centar za obuku u sudstvu i državnom tužilaštvu"),
        "intel": ("National Security Agency", "Agencija za nacionalnu bezbjednost"),
    },
    "MK": {
        "coord": ("National Committee for Countering Violent Extremism and Countering Terrorism",
                  "Национален комитет за спречување насилен екстремизам и спротивставување на тероризмот"),
        "moi": ("Ministry of Internal Affairs", "Министерство за внатрешни работи"),
        "police": ("Bureau for Public Security", "Биро за јавна безбедност"),
        "prosecution": ("Public Prosecutor's Office for Organised Crime and Corruption",
                        "Основно јавно обвинителство за гонење на организиран криминал и корупција"),
        "justice": ("Ministry of Justice", "Министерство за правда"),
        "prisons": ("Directorate for the Execution of Sanctions", "Управа за извршување на санкциите"),
        "fiu": ("Financial Intelligence Office", "Управа за финансиско разузнавање"),
        "education": ("Ministry of Education and Science", "Министерство за образование и наука"),
        "social": ("Ministry of Social Policy, Demography and Youth",
                   "Министерство за социјална политика, демографија и млади"),
        "cyber": ("National Centre for Computer Incident Response",
                  "Национален центар за одговор на компјутерски инциденти"),
        "civil": ("Protection and Rescue Directorate", "Дирекција за заштита и спасување"),
        "customs": ("Customs Administration", "Царинска управа"),
        "judicial": ("Academy for Judges and Public Prosecutors", "Академија за судии и јавни обвинители"),
        "intel": ("National Security Agency", "Агенција за национална безбедност"),
    },
    "RS": {
        "coord": ("Working Group for the Counter-Terrorism Strategy",
                  "Радна група за праћење спровођења Стратегије за спречавање и борбу против тероризма"),
        "moi": ("Ministry of Interior", "Министарство унутрашњих послова"),
        "police": ("Police Directorate", "Дирекција полиције"),
        "prosecution": ("Prosecutor's Office for Organised Crime", "Тужилаштво за организовани криминал"),
        "justice": ("Ministry of Justice", "Министарство правде"),
        "prisons": ("Administration for the Enforcement of Penal Sanctions",
                    "Управа за извршење кривичних санкција"),
        "fiu": ("Administration for the Prevention of Money Laundering", "Управа за спречавање прања новца"),
        "education": ("Ministry of Education", "Министарство просвете"),
        "social": ("centres for social work", "центри за социјални рад"),
        "cyber": ("National CERT", "Национални ЦЕРТ"),
        "civil": ("Sector for Emergency Management", "Сектор за ванредне ситуације"),
        "customs": ("Customs Administration", "Управа царина"),
        "judicial": ("Judicial Academy", "Правосудна академија"),
        "intel": ("Security Information Agency", "Безбедносно-информативна агенција"),
    },
}

# Municipalities where local prevention work is described (own spelling).
CITIES = {
    "AL": ["Bashkia Elbasan", "Bashkia Kukës", "Bashkia Durrës", "Bashkia Shkodër", "Bashkia Librazhd"],
    "BA": ["Općina Centar Sarajevo", "Grad Zenica", "Grad Tuzla", "Grad Bihać", "Općina Kakanj"],
    "XK": ["Komuna e Kaçanikut", "Komuna e Gjilanit", "Komuna e Mitrovicës", "Komuna e Pejës",
           "Komuna e Hanit të Elezit"],
    "ME": ["Opština Rožaje", "Opština Plav", "Opština Bijelo Polje", "Glavni grad Podgorica", "Opština Ulcinj"],
    "MK": ["Општина Куманово", "Општина Тетово", "Општина Гостивар", "Општина Струга", "Општина Чаир"],
    "RS": ["Град Нови Пазар", "Општина Тутин", "Општина Прешево", "Град Ниш", "Општина Сјеница"],
}


def gazette(code: str, number: int, year: int) -> str:
    """An official-gazette reference in the form the partner uses (numbers are invented)."""
    yy = f"{year % 100:02d}"
    return {
        "AL": f"Fletorja Zyrtare nr. {number}/{year}",
        "BA": f"Službeni glasnik BiH, br. {number}/{yy}",
        "XK": f"Gazeta Zyrtare nr. {number}/{year}",
        "ME": f"Službeni list Crne Gore, br. {number}/{yy}",
        "MK": f"Службен весник на РСМ бр. {number}/{year}",
        "RS": f"Службени гласник РС, бр. {number}/{yy}",
    }[code]


# Legal acts by kind: (English title, title in the partner's language).
LAWS: dict[str, dict[str, tuple[str, str]]] = {
    "criminal_code": {
        "AL": ("Law amending the Criminal Code (terrorist offences)",
               "Ligji „Për disa ndryshime dhe shtesa në Kodin Penal”"),
        "BA": ("Law amending the Criminal Code of Bosnia and Herzegovina",
               "Zakon o izmjenama i dopunama Krivičnog zakona Bosne i Hercegovine"),
        "XK": ("Law amending the Criminal Code (travel for terrorist purposes)",
               "Ligji për ndryshimin dhe plotësimin e Kodit Penal"),
        "ME": ("Law amending the Criminal Code of Montenegro",
               "Zakon o izmjenama i dopunama Krivičnog zakonika Crne Gore"),
        "MK": ("Law amending the Criminal Code", "Закон за изменување и дополнување на Кривичниот законик"),
        "RS": ("Law amending the Criminal Code", "Закон о изменама и допунама Кривичног законика"),
    },
    "strategy": {
        "AL": ("Decision of the Council of Ministers approving the CVE Strategy 2025–2030 and its action plan",
               "Vendim i Këshillit të Ministrave „Për miratimin e Strategjisë për Përballimin e "
               "Ekstremizmit të Dhunshëm 2025–2030”"),
        "BA": ("Decision adopting the Strategy for Preventing and Combating Terrorism 2026–2030",
               "Odluka o usvajanju Strategije za prevenciju i borbu protiv terorizma 2026–2030"),
        "XK": ("Strategy on Preventing Violent Extremism and Radicalisation 2025–2029",
               "Strategjia për Parandalimin e Ekstremizmit të Dhunshëm dhe Radikalizmit 2025–2029"),
        "ME": ("Strategy for Countering Violent Extremism 2026–2029",
               "Strategija za suzbijanje nasilnog ekstremizma 2026–2029"),
        "MK": ("National Strategy for Countering Violent Extremism 2026–2030",
               "Национална стратегија за спречување насилен екстремизам 2026–2030"),
        "RS": ("Action Plan 2026–2028 for the Strategy for Preventing and Combating Terrorism",
               "Акциони план 2026–2028 за спровођење Стратегије за спречавање и борбу против тероризма"),
    },
    "aml_law": {
        "AL": ("Law on the prevention of money laundering and terrorist financing (amendments)",
               "Ligji „Për parandalimin e pastrimit të parave dhe financimit të terrorizmit”"),
        "BA": ("Law on the Prevention of Money Laundering and Financing of Terrorist Activities",
               "Zakon o sprječavanju pranja novca i finansiranja terorističkih aktivnosti"),
        "XK": ("Law on the Prevention of Money Laundering and Combating Terrorist Financing (amendments)",
               "Ligji për Parandalimin e Pastrimit të Parave dhe Luftimin e Financimit të Terrorizmit"),
        "ME": ("Law on the Prevention of Money Laundering and Terrorist Financing",
               "Zakon o sprječavanju pranja novca i finansiranja terorizma"),
        "MK": ("Law on the Prevention of Money Laundering and Financing of Terrorism",
               "Закон за спречување перење пари и финансирање тероризам"),
        "RS": ("Law amending the Law on the Prevention of Money Laundering and Terrorist Financing",
               "Закон о изменама Закона о спречавању прања новца и финансирања тероризма"),
    },
    "freezing_law": {
        "AL": ("Law on international restrictive measures (amendments)",
               "Ligji „Për masat shtrënguese ndërkombëtare”"),
        "BA": ("Decision on the implementation of UN Security Council restrictive measures",
               "Odluka o provođenju restriktivnih mjera Vijeća sigurnosti UN-a"),
        "XK": ("Administrative Instruction on freezing the assets of designated persons",
               "Udhëzim Administrativ për ngrirjen e pasurisë së personave të listuar"),
        "ME": ("Law on International Restrictive Measures", "Zakon o međunarodnim restriktivnim mjerama"),
        "MK": ("Law on Restrictive Measures", "Закон за рестриктивни мерки"),
        "RS": ("Law on Freezing of Assets with the Aim of Preventing Terrorism",
               "Закон о ограничавању располагања имовином у циљу спречавања тероризма"),
    },
    "firearms_law": {
        "AL": ("Law on weapons (amendments on deactivation and marking)", "Ligji „Për armët”"),
        "BA": ("Rulebook on the marking and deactivation of firearms",
               "Pravilnik o označavanju i onesposobljavanju vatrenog oružja"),
        "XK": ("Law on Weapons (amendments)", "Ligji për Armët"),
        "ME": ("Law amending the Law on Weapons", "Zakon o izmjenama i dopunama Zakona o oružju"),
        "MK": ("Law on Weapons (amendments)", "Закон за изменување и дополнување на Законот за оружје"),
        "RS": ("Law amending the Law on Weapons and Ammunition",
               "Закон о изменама и допунама Закона о оружју и муницији"),
    },
    "cyber_law": {
        "AL": ("Law on cyber security", "Ligji „Për sigurinë kibernetike”"),
        "BA": ("Decision on the framework for cyber security of state institutions",
               "Odluka o okviru za sajber sigurnost institucija BiH"),
        "XK": ("Law on Cyber Security", "Ligji për Sigurinë Kibernetike"),
        "ME": ("Law on Information Security", "Zakon o informacionoj bezbjednosti"),
        "MK": ("Law on Security of Networks and Information Systems",
               "Закон за безбедност на мрежни и информациски системи"),
        "RS": ("Law amending the Law on Information Security",
               "Закон о изменама и допунама Закона о информационој безбедности"),
    },
    "ci_law": {
        "AL": ("Law on critical and important information infrastructure",
               "Ligji „Për infrastrukturat kritike”"),
        "BA": ("Decision on the identification of critical infrastructure",
               "Odluka o utvrđivanju kritične infrastrukture"),
        "XK": ("Law on Critical Infrastructure", "Ligji për Infrastrukturën Kritike"),
        "ME": ("Law on Designation and Protection of Critical Infrastructure",
               "Zakon o određivanju i zaštiti kritične infrastrukture"),
        "MK": ("Law on Critical Infrastructure", "Закон за критична инфраструктура"),
        "RS": ("Law on Critical Infrastructure (amendments)", "Закон о критичној инфраструктури"),
    },
    "data_protection": {
        "AL": ("Law on personal data protection", "Ligji „Për mbrojtjen e të dhënave personale”"),
        "BA": ("Law on Personal Data Protection", "Zakon o zaštiti ličnih podataka"),
        "XK": ("Law on Personal Data Protection", "Ligji për Mbrojtjen e të Dhënave Personale"),
        "ME": ("Law on Personal Data Protection", "Zakon o zaštiti podataka o ličnosti"),
        "MK": ("Law on Personal Data Protection", "Закон за заштита на личните податоци"),
        "RS": ("Law amending the Law on Personal Data Protection",
               "Закон о изменама Закона о заштити података о личности"),
    },
    "prison_rules": {
        "AL": ("Regulation on the risk assessment of radicalised prisoners",
               "Rregullore „Për vlerësimin e riskut të të dënuarve të radikalizuar”"),
        "BA": ("Rulebook on treatment of prisoners convicted of terrorist offences",
               "Pravilnik o postupanju sa osuđenim licima za krivična djela terorizma"),
        "XK": ("Administrative Instruction on the classification of high-risk prisoners",
               "Udhëzim Administrativ për klasifikimin e të burgosurve me rrezik të lartë"),
        "ME": ("Rulebook on individual treatment programmes for violent extremist prisoners",
               "Pravilnik o programima individualnog postupanja prema osuđenim licima"),
        "MK": ("Rulebook on the treatment of radicalised convicted persons",
               "Правилник за постапување со радикализирани осудени лица"),
        "RS": ("Rulebook on the treatment of convicted persons at risk of radicalisation",
               "Правилник о поступању према осуђеним лицима у ризику од радикализације"),
    },
}


@dataclass(frozen=True)
class Topic:
    """What a partner reports under one action: a noun phrase, who leads, typical measures."""

    phrase: str
    lead: str
    others: tuple[str, ...]
    measures: tuple[str, ...]
    law: str = ""
    bullets: tuple[str, ...] = ()


def T(phrase, lead, others, measures, law="", bullets=()):  # noqa: N802 - short constructor for the table
    return Topic(phrase, lead, tuple(others), tuple(measures), law, tuple(bullets))


# Placeholders: {n}, {m}, {k} numbers; {city}; institution keys with _en (English name).
PARTNER_TOPICS: dict[str, Topic] = {
    "1.P1": T("the alignment of the criminal law with Directive (EU) 2017/541 on combating terrorism",
              "justice", ["prosecution", "police"],
              ["Inter-ministerial working group finalised the gap analysis against Directive (EU) 2017/541",
               "Public consultation on the draft amendments ({n} written contributions received)",
               "Draft amendments reviewed with EU experts at a TAIEX workshop"], law="criminal_code",
              bullets=["criminalisation of travel for terrorist purposes", "receiving training for terrorism",
                       "a specific offence of terrorist financing of individual terrorists"]),
    "1.P2": T("the investigation, prosecution and sentencing of terrorist offences", "prosecution",
              ["police", "judicial"],
              ["Specialised training on battlefield evidence for {n} prosecutors and judges",
               "Guidelines on the use of electronic evidence in terrorism cases issued to prosecutors",
               "Annual analysis of terrorism case law presented to the judicial council"],
              bullets=["{n} indictments for terrorist offences were filed",
                       "{c} final convictions were handed down", "average sentence: {y} years and {mo} months"]),
    "1.P3": T("the counter-terrorism and P/CVE strategic framework and its action plan", "coord",
              ["moi", "justice", "education"],
              ["Mid-term evaluation of the previous strategy completed with independent experts",
               "Draft strategy and action plan sent for inter-institutional consultation",
               "Strategy adopted by the government"], law="strategy",
              bullets=["prevention and early intervention", "resocialisation and reintegration",
                       "strategic communication", "monitoring with measurable indicators"]),
    "1.P4": T("the resources and mandate of the national P/CVE coordinator", "coord", ["moi"],
              ["{k} additional posts approved in the coordinator's office",
               "Memoranda of cooperation signed with {n} line institutions",
               "Annual budget line for P/CVE activities increased by {k}0 %"]),
    "1.J1": T("regional cooperation through the Regional Network of P/CVE National Coordinators", "coord",
              ["moi"],
              ["Participation in the network's plenary meeting with a presentation on local referral mechanisms",
               "Bilateral study visit of the coordinator's team to a neighbouring partner",
               "Contribution to the regional peer-learning paper on returnees"]),
    "1.J2": T("participation in the Western Balkans Counter-Terrorism initiative (WBCTi/IISG)", "moi",
              ["police"],
              ["Participation in the WBCTi/IISG annual meeting",
               "Updated national needs assessment submitted to the WBCTi secretariat",
               "Joint project proposal with two partners submitted under the regional call"]),
    "2.P1": T("the rehabilitation and reintegration of returning foreign terrorist fighters and their families",
              "social", ["prisons", "education", "coord"],
              ["Individual reintegration plans reviewed for {n} returnees, including {k} children",
               "Case management training for {m} social workers, psychologists and teachers",
               "Psychosocial support programme for returnee families extended to a second region"],
              bullets=["schooling and psychosocial support for children", "employment counselling for adults",
                       "regular case conferences with the police and the prison service"]),
    "2.P2": T("multi-agency case management of individuals at risk", "coord", ["police", "social", "education"],
              ["Standard operating procedures for multi-agency referral adopted",
               "Case management panel set up in {city}",
               "{n} cases referred and discussed by the panels; {k} closed after intervention"]),
    "2.P3": T("the prevention of radicalisation in prisons and the management of violent extremist offenders",
              "prisons", ["justice", "social"],
              ["Risk assessment tool (adapted VERA-2R) applied to {n} prisoners",
               "Training of {m} prison officers on recognising signs of radicalisation",
               "Exit counselling programme started in two facilities"], law="prison_rules"),
    "2.P4": T("community resilience and the 'whole of society' approach", "coord", ["social", "education"],
              ["Community safety council established in {city}",
               "Small grants scheme for {k} civil society projects on community resilience",
               "Round table with religious communities and local authorities"]),
    "2.P5": T("training of first-line practitioners to recognise early warning signs", "coord",
              ["education", "social", "police"],
              ["Training-of-trainers for {m} first-line practitioners (teachers, social workers, police)",
               "Handbook on early warning signs published in the local languages",
               "Refresher module included in the curricula of the police academy"]),
    "2.P6": T("the prevention of youth radicalisation through education and social measures", "education",
              ["coord", "social"],
              ["Media literacy and critical thinking module piloted in {n} secondary schools",
               "Youth centre activities in {city} reaching {k}00 young people",
               "Teacher training on discussing extremism in the classroom ({m} teachers)"]),
    "2.P7": T("the fight against terrorist content online", "police", ["cyber", "coord"],
              ["{n} items of terrorist content referred to online service providers",
               "Cooperation with the EU Internet Referral Unit on a joint referral action day",
               "Counter-narrative workshop for civil society content creators"]),
    "2.P8": T("strategic communication against violent extremism", "coord", ["moi", "education"],
              ["National strategic communication plan on P/CVE adopted",
               "Awareness campaign 'Choose your path' on social media ({n}0 000 views)",
               "Training of government spokespersons with the support of ESCN experts"]),
    "2.J1": T("the exchange of P/CVE experience and expertise across the region", "coord", ["social"],
              ["Regional workshop on reintegration of returnee children hosted in the capital",
               "Exchange of practitioners with two partners on prison de-radicalisation",
               "Shared catalogue of good practices contributed to the regional network"]),
    "2.J2": T("regional exchanges between P/CVE practitioners", "coord", ["education", "social"],
              ["{m} local practitioners took part in the regional practitioners' meeting",
               "Nomination of national focal points to the Western Balkans practitioners' network",
               "Joint regional training for youth workers"]),
    "3.P1": T("secure and timely internal sharing of operational information", "police", ["prosecution", "intel"],
              ["Joint CT coordination centre operational with liaison officers of {n} agencies",
               "Memorandum on information exchange signed between police, prosecution and intelligence",
               "Secure communication system connected in {k} regional police directorates"]),
    "3.P2": T("data protection standards for cooperation with Eurojust", "justice", ["prosecution"],
              ["Data protection officer appointed in the prosecution service",
               "Internal rules on the processing of personal data in criminal proceedings adopted",
               "Assessment of the data protection framework discussed with Eurojust experts"],
              law="data_protection"),
    "3.P3": T("liaison with Europol, including through liaison officers in The Hague", "police", ["moi"],
              ["Liaison officer for counter-terrorism seconded to The Hague",
               "{n} CT-related requests channelled through the liaison bureau",
               "Annual review meeting with Europol's European Counter Terrorism Centre"]),
    "3.P4": T("the roll-out of SIENA and CT SIENA to competent CT authorities", "police", ["intel", "prosecution"],
              ["CT SIENA access extended to {k} additional units",
               "Training on SIENA use for {m} operators",
               "Accreditation procedure for CT SIENA Confidential launched"]),
    "3.P5": T("spontaneous CT-related information exchange at bilateral and multilateral level", "police",
              ["intel"],
              ["{n} spontaneous messages sent to regional partners and Europol",
               "Bilateral protocol on CT information exchange signed with a neighbouring partner",
               "Participation in a regional CT operational meeting supported by Europol"]),
    "3.P6": T("contributions to the EU Terrorism Situation and Trend Report (TE-SAT)", "police", ["prosecution"],
              ["Qualitative contribution on arrests, court decisions and trends submitted to Europol",
               "Internal template for collecting TE-SAT data across agencies adopted",
               "Statistics on terrorism-related court decisions compiled with the courts"]),
    "3.P7": T("the use of Europol's CT products and services", "police", ["prosecution"],
              ["Operational analysis support requested in {k} investigations",
               "Participation in Europol's CT Programme Board working group",
               "Workshop on Europol products for investigators ({m} participants)"]),
    "3.P8": T("information exchange with Interpol's CT-relevant databases", "police", ["moi"],
              ["Border crossing points connected to Interpol SLTD and FTF databases: {k} of {n}",
               "{m}0 000 queries of Interpol databases at the borders in the period",
               "Data on {k} foreign terrorist fighters updated in Interpol notices"]),
    "3.P9": T("judicial cooperation in multilateral CT cases coordinated by Eurojust", "prosecution",
              ["justice"],
              ["Participation in {k} Eurojust coordination meetings on terrorism cases",
               "Mutual legal assistance requests in CT cases executed in {m} weeks on average",
               "Prosecutors trained on joint investigation teams"]),
    "3.P10": T("the use of the Eurojust contact points and the Liaison Prosecutor", "prosecution", ["justice"],
               ["Contact point network updated and circulated to all prosecution offices",
                "{n} requests channelled through the Liaison Prosecutor at Eurojust",
                "Guidance note on when to involve Eurojust issued"]),
    "3.P11": T("the appointment of a specific Eurojust contact point for counter-terrorism", "prosecution",
               ["justice"],
               ["Contact point for counter-terrorism designated by decision of the chief prosecutor",
                "Contact details notified to Eurojust's Counter-Terrorism Register team"]),
    "3.J1": T("regional strategic and operational CT cooperation", "police", ["intel", "moi"],
              ["Joint regional operational action against online radicalisation networks",
               "Regional CT heads of units meeting with {k} partners",
               "Exchange of liaison officers with a neighbouring partner"]),
    "4.P1": T("the preventive AML/CFT framework (customer due diligence, beneficial ownership)", "fiu",
              ["justice"],
              ["Law aligned with Directive (EU) 2015/849 adopted",
               "Beneficial ownership register opened to obliged entities",
               "Risk-based supervision guidelines issued to {n} obliged sectors"], law="aml_law",
              bullets=["customer due diligence and politically exposed persons", "beneficial ownership transparency",
                       "risk-based supervision of non-profit organisations"]),
    "4.P2": T("the criminalisation of terrorist financing and targeted asset freezing", "justice",
              ["fiu", "prosecution"],
              ["Procedure for immediate implementation of UN Security Council designations adopted",
               "National list of designated persons published and updated ({k} changes)",
               "Training of {m} bank compliance officers on targeted financial sanctions"], law="freezing_law"),
    "4.P3": T("the tools and risk understanding of the Financial Intelligence Unit", "fiu", ["police"],
              ["National risk assessment on money laundering and terrorist financing updated",
               "Direct electronic access to the land and vehicle registers for FIU analysts",
               "Typologies report on terrorist financing shared with obliged entities"]),
    "4.P4": T("financial investigations in counter-terrorism cases", "prosecution", ["police", "fiu"],
              ["Parallel financial investigations opened in {k} terrorism cases",
               "Joint training of prosecutors and financial investigators ({m} participants)",
               "Protocol on cooperation between the FIU and the CT police unit signed"]),
    "4.J1": T("regional and international efforts against terrorist financing", "fiu", ["justice"],
              ["Participation in MONEYVAL plenary meetings and follow-up reporting",
               "Egmont Group information exchange: {n} requests sent and {m} received",
               "Regional workshop on the misuse of non-profit organisations"]),
    "5.P1": T("the protection of public spaces and critical infrastructure", "moi", ["police", "civil"],
              ["Vulnerability assessment of {k} public spaces in {city}",
               "Critical infrastructure operators identified in the energy and transport sectors",
               "Joint exercise with private security operators at a major event"], law="ci_law"),
    "5.P2": T("the protection of cyberspace in line with the NIS Directive", "cyber", ["moi"],
              ["Sectoral CSIRTs established for energy and banking",
               "National cyber exercise with {n} operators of essential services",
               "Incident notification platform launched"], law="cyber_law"),
    "5.P3": T("preparedness for chemical, biological, radiological and nuclear (CBRN) risks", "civil",
              ["police", "moi"],
              ["National CBRN risk assessment completed",
               "Table-top exercise on a radiological incident with {n} agencies",
               "CBRN detection equipment delivered to first responders"]),
    "5.P4": T("controls on explosives precursors", "moi", ["police", "customs"],
              ["List of restricted explosives precursors aligned with Regulation (EU) 2019/1148",
               "Awareness sessions for {n} economic operators on reporting suspicious transactions",
               "Customs officers trained on the identification of precursors"]),
    "5.P5": T("the fight against illicit trafficking of firearms", "police", ["customs", "prosecution"],
              ["Firearms Focal Point working with the regional roadmap on small arms and light weapons",
               "{n}00 illegal weapons collected during the voluntary surrender campaign",
               "Ballistic information exchange connected to the regional network"], law="firearms_law"),
    "5.J1": T("sharing best practice on the protection of public spaces", "moi", ["police"],
              ["Participation in the regional workshop on soft-target protection",
               "Exchange of practitioners with the EU Protective Security Advisors programme",
               "Public-private dialogue on security of mass events"]),
}

# How an entry opens, by status. {lead}: the lead institution, English (native); {topic}: the topic.
OPENINGS = {
    EntryStatus.achieved: [
        "In the reporting period {lead} completed the work on {topic}.",
        "The commitment on {topic} was met: {lead} finalised the remaining steps in {month}.",
    ],
    EntryStatus.partially_achieved: [
        "{lead} completed the main part of the work on {topic}; some elements remain open.",
        "Good progress was made on {topic}. {Lead} finished {k} of the {steps} planned steps.",
    ],
    EntryStatus.in_progress: [
        "Work on {topic} continued under the lead of {lead}.",
        "{lead} continued implementing the measures on {topic}, in cooperation with {other}.",
    ],
    EntryStatus.planned: [
        "{lead} has planned the work on {topic}; preparations started in {month}.",
        "The work on {topic} is included in the annual work plan of {lead} for {next_year}.",
    ],
    EntryStatus.not_started: [
        "Work on {topic} has not started yet. {Lead} has been designated as lead institution.",
    ],
}

MIDDLES = [
    "Coordination took place through the inter-institutional working group, which met {k} times; "
    "the {third} also took part.",
    "The topic was discussed at the session of the national coordination body in {month3}, on the basis of "
    "a progress note prepared by the {lead_short}.",
    "{other_full} contributed data and took part in the planning; the results were presented to the "
    "national coordinator in {month2}.",
    "Implementation follows the action plan adopted last year; {k} of its {n} indicators related to this "
    "action are on track.",
    "The activities were carried out with the support of EU-funded projects and bilateral partners, "
    "and were reported to the Western Balkans Counter-Terrorism initiative.",
]

CLOSINGS = {
    EntryStatus.achieved: ["Follow-up now concentrates on consistent implementation and monitoring."],
    EntryStatus.partially_achieved: ["The remaining steps are scheduled for the next reporting period."],
    EntryStatus.in_progress: ["Work continues according to the timeline set out below.",
                              "Progress depends on the adoption of secondary legislation, expected next year."],
    EntryStatus.planned: ["Funding has been requested in the budget for next year."],
    EntryStatus.not_started: ["The preparatory analysis will start once the responsible team is staffed."],
}

CHALLENGES = [
    "Limited staff in the lead institution and turnover of trained officers.",
    "Delays in the adoption of secondary legislation by the government.",
    "Data on cases are kept by several institutions in different formats, which slows joint analysis.",
    "Local authorities have few resources to sustain activities after project funding ends.",
    "Secure communication equipment is not yet available in all regional units.",
    "Coordination between state and local levels requires further strengthening.",
]

EU_SUPPORT = [
    "TAIEX expert mission on alignment with the EU acquis in this area.",
    "Continued support through the IPA III regional programme on P/CVE.",
    "Training for practitioners through CEPOL and the EU Knowledge Hub on Prevention of Radicalisation.",
    "Specialised equipment and secure IT infrastructure.",
    "Peer exchange with EU Member State practitioners on implementation.",
]

NEXT_STEPS = [
    ("Adopt the implementing by-laws and train the institutions concerned.", "By {q} {next_year}"),
    ("Evaluate the measures taken and update the action plan accordingly.", "{q} {next_year}"),
    ("Extend the activities to {k} further municipalities and regional units.", "During {next_year}"),
    ("Present the results to the Regional Network of National Coordinators and EU partners.",
     "Next plenary meeting, {q} {next_year}"),
    ("Complete the remaining steps and report on implementation in the next round.", "By {q} {next_year}"),
]

PLANNING_STEPS = [
    ("Agree the terms of reference with the institutions concerned and start implementation.", "{q} {next_year}"),
    ("Secure the budget and staff for the lead institution; request EU expertise where needed.",
     "By {q} {next_year}"),
]

NA_JUSTIFICATIONS = {
    "3.P11": "The Contact Point for Eurojust designated under action 3.P10 covers terrorism cases as part of "
             "its mandate. Given the caseload, the prosecution service decided that a separate counter-terrorism "
             "contact point is not needed at present; the decision will be reviewed next year.",
    "3.P10": "No cooperation agreement with Eurojust is in force, so there is no Liaison Prosecutor and no formal "
             "contact point yet; judicial cooperation runs through the channels described under action 3.P9.",
}
# Per party, which entries answer "not applicable" (with the justification above).
NOT_APPLICABLE = {"AL": {"3.P11"}, "ME": {"3.P11"}, "RS": {"3.P11"}, "XK": {"3.P10"}}

# --- the EU side --------------------------------------------------------------------------------------

WB = ["Albania", "Bosnia and Herzegovina", "Kosovo*", "Montenegro", "North Macedonia", "Serbia"]

EU_TOPICS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # code: (topic, responsible, measures)
    "1.EU1": ("support and expertise for the implementation of the bilateral arrangements", "DG HOME, DG NEAR",
              ("IPA III regional action on counter-terrorism launched", "Expert missions to {p1} and {p2}")),
    "1.EU2": ("peer reviews by counter-terrorism practitioners", "DG HOME",
              ("Follow-up peer review mission to {p1}", "Peer review report shared with {p2}")),
    "1.EU3": ("meetings of the Regional Network of P/CVE National Coordinators", "DG HOME",
              ("Plenary meeting of the network", "Thematic meeting on returnee children")),
    "1.EU4": ("participation of Western Balkans officials in CEPOL activities", "CEPOL, DG HOME",
              ("{n} officials from the region attended CEPOL residential courses",
               "Online CEPOL modules opened to partner academies")),
    "2.EU1": ("RAN expertise and thematic workshops for the region", "DG HOME (EU Knowledge Hub)",
              ("Study visit on multi-agency cooperation for practitioners from {p1}",
               "Workshop on prison and probation in {p2}")),
    "2.EU2": ("strategic communication capacities (ESCN)", "DG HOME",
              ("Communication campaign clinic for {p1}", "Training for government communicators of {p2}")),
    "2.EU3": ("projects on disengagement in prisons", "DG NEAR, EU Delegations",
              ("Project on prison radicalisation extended to {p1}", "Exit programme evaluation in {p2}")),
    "2.EU4": ("capacity to address terrorist content online", "DG HOME, Europol (EU IRU)",
              ("Referral action day with units from {p1} and {p2}",
               "Workshop with online platforms on the TCO Regulation")),
    "2.EU5": ("translation of the RAN returnees manual", "DG HOME",
              ("Manual made available in the languages of the region",
               "Dissemination workshops in {p1}")),
    "2.EU6": ("the Western Balkans network of P/CVE practitioners", "DG HOME",
              ("Network secretariat funded for a further two years", "Annual practitioners' conference")),
    "2.EU7": ("empowering civil society and faith-based organisations", "DG NEAR, EU Delegations",
              ("Call for proposals under the civil society facility ({n} grants)",
               "Interfaith dialogue workshop in {p1}")),
    "4.EU1": ("capacity building on AML/CFT", "DG NEAR, CEPOL",
              ("Regional AML/CFT training for financial investigators", "Support to the FIU of {p1}")),
    "4.EU2": ("training of financial experts in financial investigations", "DG NEAR",
              ("Advanced financial investigations course for {n} experts",
               "Mentoring programme for the asset recovery office of {p1}")),
    "4.EU3": ("participation in the EMPACT operational action plan on criminal finances", "DG HOME",
              ("{p1} and {p2} joined operational actions", "Regional EMPACT awareness day")),
    "4.EU4": ("an operational action on cooperation between AML authorities", "DG HOME",
              ("Operational action included in the EMPACT plan", "Joint meeting of FIUs of the region")),
    "4.EU5": ("analysis of links between organised crime and terrorist financing", "DG HOME, Europol",
              ("Strategic analysis shared with the partners", "Regional threat assessment workshop")),
    "5.EU1": ("critical infrastructure protection (external dimension of EPCIP)", "DG HOME",
              ("Critical infrastructure workshop for the region", "Support to a cross-border energy study")),
    "5.EU2": ("guidance and good practice on protecting public spaces", "DG HOME",
              ("Guidance on soft-target protection translated", "EU Protective Security Advisors mission to {p1}")),
    "3.EP1": ("awareness of Europol's products, services and capabilities", "Europol ECTC",
              ("Awareness event on ECTC capabilities for CT units of the region",
               "Training on SIENA for officers from {p1} and {p2}")),
    "3.EP2": ("operational and analytical support on CT investigations", "Europol ECTC, Analysis Project",
              ("Operational analysis delivered in {n} CT investigations involving the region",
               "Deployment of a mobile office to {p1}")),
    "3.EP3": ("contributions from the region to the TE-SAT", "Europol ECTC",
              ("Contributions received from all six partners", "TE-SAT data collection workshop")),
    "3.EP4": ("the role of Europol liaison officers in the Western Balkans", "Europol liaison network",
              ("Liaison officers identified obstacles to information exchange in {p1}",
               "Regional liaison officers' meeting")),
    "3.EJ1": ("facilitating judicial cooperation and coordination", "Eurojust Counter-Terrorism Team",
              ("{n} CT cases involving Western Balkans authorities supported",
               "Expertise on mutual legal assistance shared with {p1}")),
    "3.EJ2": ("the network of contact points and Liaison Prosecutors", "Eurojust",
              ("Annual meeting of contact points for terrorism matters",
               "Induction for a newly seconded Liaison Prosecutor")),
    "3.EJ3": ("involvement of partners in coordination meetings", "Eurojust Counter-Terrorism Team",
              ("{k} coordination meetings with authorities of {p1} and {p2}",
               "Coordination centre on an action day with prosecutors from {p1}")),
    "3.EJ4": ("joint investigation teams with partner authorities", "Eurojust JITs Network secretariat",
              ("JIT agreement signed with {p1} and two Member States", "JIT funding granted")),
}

EU_MIDDLES = [
    "Authorities from {p1}, {p2} and {p3} took part; the results were reported to the Regional Network "
    "of National Coordinators.",
    "Demand remained high: {n} requests were received from the region, most of them from {p1} and {p2}.",
    "The activities were coordinated with the EU Delegations and the Western Balkans Counter-Terrorism "
    "initiative to avoid duplication.",
]

# --- content building -------------------------------------------------------------------------------


@dataclass
class Content:
    status: EntryStatus
    narrative: str = ""
    na_justification: str = ""
    challenges: str = ""
    eu_support_needed: str = ""
    next_steps: str = ""
    next_steps_timeline: str = ""
    responsible_institutions: str = ""
    measures: list[tuple[str, dt.date]] = field(default_factory=list)
    legal_acts: list[tuple[str, dt.date, str]] = field(default_factory=list)


def _day_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def _month(day: dt.date) -> str:
    return day.strftime("%B %Y")


def _numbers(rng: random.Random) -> dict[str, int]:
    n = rng.randint(6, 24)
    return {"n": n, "k": rng.randint(2, min(5, n - 1)), "m": rng.randint(12, 60), "c": rng.randint(2, n - 2),
            "y": rng.randint(3, 9), "mo": rng.randint(1, 11), "steps": 0}


def _quarter(rng: random.Random) -> str:
    return rng.choice(["Q1", "Q2", "Q3", "Q4"])


def _pick_status(rng: random.Random, code: str) -> EntryStatus:
    weights = {"AL": (2, 3, 4, 1, 0), "RS": (3, 3, 3, 1, 0), "ME": (1, 3, 4, 2, 1), "MK": (1, 2, 5, 2, 1),
               "BA": (1, 2, 4, 3, 1), "XK": (1, 3, 4, 2, 1)}[code]
    return rng.choices([EntryStatus.achieved, EntryStatus.partially_achieved, EntryStatus.in_progress,
                        EntryStatus.planned, EntryStatus.not_started], weights=weights)[0]


def partner_content(code: str, key: str, action_code: str, rnd: Round, *, priority_text: str = "") -> Content:
    rng = random.Random(f"demo:{code}:{key}")
    if action_code in NOT_APPLICABLE.get(code, ()) and not priority_text:
        return Content(status=EntryStatus.not_applicable, na_justification=NA_JUSTIFICATIONS[action_code])
    topic = PARTNER_TOPICS[action_code]
    inst = INSTITUTIONS[code]
    status = EntryStatus.in_progress if priority_text else _pick_status(rng, code)
    nums = _numbers(rng)
    nums["steps"] = nums["k"] + rng.randint(1, 3)
    start, end = rnd.period_start, rnd.period_end
    next_year = end.year + 1
    others = [o for o in topic.others if o != topic.lead]
    other_keys = rng.sample(others, k=min(2, len(others))) if others else ["moi"]
    months = sorted(rng.sample(range(12), 3))
    values = dict(nums, city=rng.choice(CITIES[code]),
                  month=_month(_add_months(start, months[0])), month2=_month(_add_months(start, months[2])),
                  month3=_month(_add_months(start, months[1])),
                  next_year=next_year, q=_quarter(rng),
                  lead="the %s (%s)" % inst[topic.lead], Lead="The %s (%s)" % inst[topic.lead],
                  topic=topic.phrase,
                  other=" and ".join("the " + inst[o][0] for o in other_keys),
                  third=inst[rng.choice([k for k in ("moi", "police", "prosecution", "justice", "intel")
                                         if k != topic.lead and k not in other_keys])][0],
                  lead_short=inst[topic.lead][0],
                  other_full=" and ".join("The %s (%s)" % inst[o] if i == 0 else "the %s (%s)" % inst[o]
                                          for i, o in enumerate(other_keys)))
    values.update({f"{k}_en": v[0] for k, v in inst.items()})
    opening = rng.choice(OPENINGS[status]).format(**values)
    opening = opening[0].upper() + opening[1:]
    paragraphs = []
    if priority_text:
        paragraphs.append(f"This priority action agreed with the Commission asks for the following: "
                          f"*{priority_text.rstrip('.')}*. {opening}")
    else:
        paragraphs.append(opening)
    middle = rng.sample(MIDDLES, k=3)
    paragraphs.append(" ".join(m.format(**values) for m in middle[:2]))
    measures_text = [m.format(**values) for m in topic.measures]
    achieving = status in (EntryStatus.achieved, EntryStatus.partially_achieved, EntryStatus.in_progress)
    if achieving:
        bullets = [b.format(**values) for b in topic.bullets] or measures_text[:3]
        if rng.random() < 0.55 or topic.bullets:
            lead_in = {True: "The work covered in particular:", False: "Main results in the period:"}[
                bool(topic.bullets)]
            paragraphs.append(lead_in + "\n\n" + "\n".join(f"- {b[0].lower() + b[1:]}" if topic.bullets
                                                           else f"- {b}" for b in bullets))
    paragraphs.append(rng.choice(CLOSINGS[status]))
    if len(" ".join(paragraphs).split()) < 90:
        paragraphs.insert(2, middle[2].format(**values))
    content = Content(status=status, narrative="\n\n".join(paragraphs))
    content.responsible_institutions = "; ".join(
        "%s (%s)" % inst[k] for k in [topic.lead, *other_keys])
    if achieving:
        count = min(len(measures_text), rng.choice([2, 3]))
        days = sorted(_day_in(rng, start, end) for _ in range(count))
        content.measures = list(zip(measures_text[:count], days))
    elif status == EntryStatus.planned:
        days = sorted(_day_in(rng, start, end) for _ in range(2))
        content.measures = [("Lead institution and focal points designated by the working group", days[0]),
                            (f"Terms of reference prepared by the {inst[topic.lead][0]}", days[1])]
    if topic.law and achieving and rng.random() < 0.8:
        english, native = LAWS[topic.law][code]
        adopted = _day_in(rng, start, end)
        content.legal_acts = [(f"{english} ({native})", adopted,
                               gazette(code, rng.randint(12, 140), adopted.year))]
    if status != EntryStatus.achieved or rng.random() < 0.4:
        content.challenges = rng.choice(CHALLENGES)
    if rng.random() < 0.6:
        content.eu_support_needed = rng.choice(EU_SUPPORT)
    step, when = rng.choice(NEXT_STEPS if achieving else PLANNING_STEPS)
    content.next_steps = step.format(**values)
    content.next_steps_timeline = when.format(**values)
    return content


def eu_content(code: str, key: str, rnd: Round) -> Content:
    rng = random.Random(f"demo:{code}:{key}")
    topic, responsible, measures = EU_TOPICS[key]
    partners = rng.sample(WB, k=3)
    nums = _numbers(rng)
    values = dict(nums, p1=partners[0], p2=partners[1], p3=partners[2], month=_month(
        _day_in(rng, rnd.period_start, rnd.period_end)))
    who = {"EC": "the Commission", "EUROPOL": "Europol", "EUROJUST": "Eurojust"}[code]
    status = rng.choice([EntryStatus.achieved, EntryStatus.in_progress, EntryStatus.in_progress,
                         EntryStatus.partially_achieved])
    measures_text = [m.format(**values) for m in measures]
    paragraphs = [
        f"In the reporting period {who} continued its work on {topic}, in line with the bilateral "
        f"arrangements with the Western Balkans partners.",
        " ".join(m.format(**values) for m in rng.sample(EU_MIDDLES, k=2)),
        "Main activities:\n\n" + "\n".join(f"- {m}" for m in measures_text),
        "The activities will continue in the next period, subject to available funding and the partners' needs.",
    ]
    days = sorted(_day_in(rng, rnd.period_start, rnd.period_end) for _ in measures_text)
    next_year = rnd.period_end.year + 1
    return Content(
        status=status, narrative="\n\n".join(paragraphs), responsible_institutions=responsible,
        measures=list(zip(measures_text, days)),
        challenges=rng.choice(["Uneven demand across the region.",
                               "Absorption capacity of partner institutions.",
                               "Short notice of requests for operational support."]),
        next_steps=f"Plan the activities of {next_year} with the partners' national coordinators.",
        next_steps_timeline=f"{_quarter(rng)} {next_year}")


def apply(entry: Entry, content: Content, user: Optional[User], when: Optional[dt.datetime]) -> None:
    entry.status = content.status
    for name in ("narrative", "na_justification", "challenges", "eu_support_needed", "next_steps",
                 "next_steps_timeline", "responsible_institutions"):
        setattr(entry, name, getattr(content, name))
    entry.measures = [Measure(position=i + 1, description=d, taken_on=day)
                      for i, (d, day) in enumerate(content.measures)]
    entry.legal_acts = [LegalAct(position=i + 1, title=t, adopted_on=day, gazette_reference=g)
                        for i, (t, day, g) in enumerate(content.legal_acts)]
    entry.updated_by_id = user.id if user is not None else None
    entry.updated_at = when


def content_for(report: Report, entry: Entry) -> Content:
    code = report.party.code
    if code in INSTITUTIONS:
        text = entry.priority_action.text if entry.priority_action is not None else ""
        return partner_content(code, entry.key if not text else f"priority:{entry.action.code}",
                               entry.action.code, report.round, priority_text=text)
    return eu_content(code, entry.action.code, report.round)


# --- documents ----------------------------------------------------------------------------------------

def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A minimal valid one-page PDF (Helvetica, ASCII text) with a correct cross-reference table."""
    def esc(text: str) -> str:
        text = text.encode("ascii", "replace").decode()
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 16 Tf", "72 760 Td", f"({esc(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        ops += [f"({esc(line)}) Tj", "0 -16 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def attach_document(report: Report, entry: Optional[Entry], user: User, name: str, title: str,
                    lines: list[str]) -> Document:
    data = demo_pdf(title, lines)
    stored, sha, size = storage.write_atomically("documents", [data], "pdf")
    doc = Document(report_id=report.id, entry_id=entry.id if entry is not None else None, original_name=name,
                   stored_name=stored, content_type="application/pdf", size=size, sha256=sha,
                   sensitivity=Sensitivity.limite, title=title, uploaded_by_id=user.id, uploaded_at=utcnow())
    db.session.add(doc)
    db.session.flush()
    audit.record("document.uploaded", doc, actor=user, party_id=report.party_id, report_id=report.id,
                 entry_id=doc.entry_id, name=name, sha256=sha, size=size)
    return doc


# --- priority actions ---------------------------------------------------------------------------------

PRIORITY_ACTIONS = {
    "AL": [("2.P3", "Extend the risk assessment of violent extremist prisoners to all high-security "
                    "facilities and start an exit programme in at least two of them.", (1, 3, 31))],
    "RS": [("4.P2", "Adopt the procedure for implementing UN Security Council designations without delay "
                    "and train the obliged entities on targeted financial sanctions.", (1, 6, 30)),
           ("2.P6", "Pilot the media literacy module in secondary schools of the three regions with the highest "
                    "number of referrals.", (2, 12, 31))],
}


def before_reports(rnd: Round) -> list[PriorityAction]:
    """The Commission's priority actions for Albania and Serbia, created before the reports are."""
    reviewer = _user(REVIEWER)
    made = []
    year = rnd.period_end.year
    for code, items in PRIORITY_ACTIONS.items():
        party = db.session.scalar(sa.select(Party).where(Party.code == code))
        for action_code, text, (years_ahead, month, day) in items:
            action = _action(rnd.plan_version_id, action_code)
            existing = db.session.scalar(sa.select(PriorityAction).where(
                PriorityAction.party_id == party.id, PriorityAction.action_id == action.id,
                PriorityAction.text == text))
            if existing is None:
                existing = PriorityAction(party_id=party.id, action_id=action.id, text=text,
                                          target_date=dt.date(year + years_ahead, month, day),
                                          created_by_id=reviewer.id)
                db.session.add(existing)
            made.append(existing)
    db.session.flush()
    return made


# --- the walk-through ---------------------------------------------------------------------------------

def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        raise LookupError(f"demo account {email} is missing: create the demo accounts first")
    return user


def _action(plan_version_id: int, code: str):
    from ctportal.models import Action
    return db.session.scalar(sa.select(Action).where(Action.plan_version_id == plan_version_id,
                                                     Action.code == code))


def _entry(report: Report, key: str) -> Entry:
    return next(e for e in report.entries if e.key == key)


def _preload(report: Report) -> None:
    """Load the entries' rows in three queries, not three per entry (seed-demo runs at every `make run`)."""
    from sqlalchemy import orm as so

    from ctportal.models import Action
    db.session.scalars(sa.select(Entry).where(Entry.report_id == report.id).options(
        so.selectinload(Entry.measures), so.selectinload(Entry.legal_acts),
        so.joinedload(Entry.action).joinedload(Action.objective), so.joinedload(Entry.priority_action))).unique().all()


def _write_all(report: Report, *, share: float = 1.0) -> list[Entry]:
    """Fill the report's entries (all, or a seeded share of them); returns the entries filled."""
    code = report.party.code
    editors = [_user(COORDINATOR[code])] + ([_user(CONTRIBUTOR[code])] if code in CONTRIBUTOR else [])
    now = utcnow()
    _preload(report)
    entries = list(report.entries)
    chosen = entries
    if share < 1.0:
        rng = random.Random(f"demo:share:{code}")
        # Drafts are filled mostly from the start of the plan, as people work: earlier objectives first.
        count = round(len(entries) * share)
        weights = sorted(entries, key=lambda e: (e.action.objective.number + rng.random() * 2.5))
        chosen = sorted(weights[:count], key=lambda e: e.position)
    with db.session.no_autoflush:
        for i, entry in enumerate(chosen):
            rng = random.Random(f"demo:edit:{code}:{entry.key}")
            apply(entry, content_for(report, entry), editors[i % len(editors)],
                  now - dt.timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600)))
    db.session.flush()
    return chosen


def _comment(report: Report, entry: Optional[Entry], author: User, body: str, visibility: Visibility,
             parent: Optional[Comment] = None) -> Comment:
    revision = latest_revision(report)
    comment = Comment(report_id=report.id, entry_id=entry.id if entry is not None else None,
                      parent_id=parent.id if parent is not None else None,
                      revision_id=revision.id if revision is not None else None, author_id=author.id,
                      visibility=visibility, body=body, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    return comment


def _review(report: Report, entry: Entry, reviewer: User, verdict: Verdict,
            assessment: Optional[Assessment] = None, note: str = "") -> EntryReview:
    revision = latest_revision(report)
    review = EntryReview(report_id=report.id, revision_id=revision.id, entry_id=entry.id, entry_key=entry.key,
                         verdict=verdict, assessment=assessment, note=note, reviewer_id=reviewer.id)
    db.session.add(review)
    return review


def _albania(report: Report) -> None:
    _write_all(report)
    contributor = _user(CONTRIBUTOR["AL"])
    attach_document(report, _entry(report, "1.P3"), contributor,
                    "AL_CVE_Strategy_Action_Plan_2025-2030_DEMO.pdf",
                    "CVE strategy 2025-2030: action plan (demo document)",
                    ["Demo document of the ctportal walk-through - not an official publication.",
                     "Action plan of the strategy: 4 pillars, 38 measures, 61 indicators.",
                     "Lead: Coordination Centre for Countering Violent Extremism."])
    report.assigned_reviewer_id = _user(REVIEWER2).id
    apply_transition(report, Step.submit, _user(COORDINATOR["AL"]))


def _serbia(report: Report) -> None:
    _write_all(report)
    coordinator, reviewer = _user(COORDINATOR["RS"]), _user(REVIEWER)
    _entry(report, "4.P2").legal_acts = []  # the first submission lacks the reference the reviewer asks for
    attach_document(report, None, _user(CONTRIBUTOR["RS"]), "RS_Statistical_Annex_CT_2025-2026_DEMO.pdf",
                    "Statistical annex: terrorism cases and AML/CFT figures (demo document)",
                    ["Demo document of the ctportal walk-through - not an official publication.",
                     "Table 1: criminal proceedings for terrorist offences, by stage.",
                     "Table 2: suspicious transaction reports related to terrorist financing."])
    report.assigned_reviewer_id = reviewer.id
    apply_transition(report, Step.submit, coordinator)
    # First revision: the reviewer asks for the missing gazette reference, and gets it.
    entry = _entry(report, "4.P2")
    asked = _comment(report, entry, reviewer,
                     "Please add the official gazette reference of the asset-freezing amendments and say "
                     "whether the by-law on the procedure for UN designations has been adopted.", Visibility.shared)
    apply_transition(report, Step.request_changes, reviewer,
                     reason="Action 4.P2: the gazette reference of the amendments is missing.")
    _comment(report, entry, coordinator,
             "The reference has been added. The by-law was adopted together with the amendments.",
             Visibility.shared, parent=asked)
    english, native = LAWS["freezing_law"]["RS"]
    adopted = report.round.period_start + dt.timedelta(days=200)
    entry.legal_acts = [LegalAct(position=1, title=f"{english} ({native})", adopted_on=adopted,
                                 gazette_reference=gazette("RS", 57, adopted.year))]
    entry.status = EntryStatus.achieved
    entry.updated_by_id, entry.updated_at = coordinator.id, utcnow()
    db.session.flush()
    apply_transition(report, Step.submit, coordinator)
    asked.resolved_at, asked.resolved_by_id = utcnow(), reviewer.id
    assessments = {"1.P1": Assessment.good_progress, "1.P3": Assessment.some_progress,
                   "2.P1": Assessment.some_progress, "3.P3": Assessment.good_progress,
                   "3.P4": Assessment.very_good_progress, "4.P1": Assessment.good_progress,
                   "4.P2": Assessment.good_progress, "5.P5": Assessment.limited_progress}
    for key, assessment in assessments.items():
        _review(report, _entry(report, key), reviewer, Verdict.accepted, assessment)
    db.session.flush()
    apply_transition(report, Step.approve, reviewer)


def _montenegro(report: Report) -> None:
    _write_all(report)
    coordinator, reviewer = _user(COORDINATOR["ME"]), _user(REVIEWER)
    _entry(report, "4.P1").legal_acts = []  # what the reviewer's comment asks for
    db.session.flush()
    report.assigned_reviewer_id = reviewer.id
    apply_transition(report, Step.submit, coordinator)
    first, second = _entry(report, "2.P1"), _entry(report, "4.P1")
    _review(report, first, reviewer, Verdict.needs_revision)
    _review(report, second, reviewer, Verdict.needs_revision)
    _comment(report, first, reviewer,
             "Please give the number of returnees (adults and children) covered by individual reintegration "
             "plans, and say which institution manages the cases at local level.", Visibility.shared)
    _comment(report, second, reviewer,
             "The measures say the new law was adopted, but the legal acts table does not list it. Please add "
             "its title, date of adoption and the Službeni list Crne Gore reference.", Visibility.shared)
    _comment(report, second, reviewer,
             "The MONEYVAL follow-up report also flags supervision of non-profit organisations; "
             "raise it at the next sub-committee meeting rather than in this review.", Visibility.internal)
    _comment(report, None, _user(REVIEWER2),
             "Overall a solid report; objective 2 is more detailed than last year. Approve once 2.P1 and "
             "4.P1 are fixed.", Visibility.internal)
    apply_transition(report, Step.request_changes, reviewer,
                     reason="Please complete actions 2.P1 and 4.P1 as set out in the comments.")


def _commission_side(report: Report, *, approve_by: Optional[str] = None) -> None:
    _write_all(report)
    apply_transition(report, Step.submit, _user(COORDINATOR[report.party.code]))
    if approve_by:
        reviewer = _user(approve_by)
        for entry in report.entries[:2]:
            _review(report, entry, reviewer, Verdict.accepted, Assessment.good_progress)
        db.session.flush()
        apply_transition(report, Step.approve, reviewer)


def _kosovo(report: Report) -> None:
    filled = _write_all(report, share=DRAFT_SHARE["XK"])
    # Some entries were carried over from the last round unchanged: nobody has edited them yet.
    for entry in filled[: max(3, len(filled) // 4)]:
        entry.copied_from_previous = True
        entry.updated_at, entry.updated_by_id = None, None
    db.session.flush()


def _draft(report: Report) -> None:
    code = report.party.code
    filled = _write_all(report, share=DRAFT_SHARE[code])
    if code == "MK":
        # Two entries started but not finished: a status chosen, no narrative yet.
        rest = [e for e in report.entries if e not in filled][:2]
        for entry in rest:
            entry.status = EntryStatus.in_progress
            entry.updated_by_id, entry.updated_at = _user(COORDINATOR[code]).id, utcnow()
        db.session.flush()


def fill(rnd: Round) -> None:
    """Write the demo entries of every report of the round and take each to its walk-through state."""
    reports = {r.party.code: r for r in db.session.scalars(sa.select(Report).where(Report.round_id == rnd.id))}
    steps = {
        "AL": _albania, "BA": _draft, "XK": _kosovo, "ME": _montenegro, "MK": _draft, "RS": _serbia,
        "EC": _commission_side, "EUROPOL": _draft,
        "EUROJUST": lambda r: _commission_side(r, approve_by=REVIEWER2),
    }
    for code, step in steps.items():
        if code in reports:
            step(reports[code])
    db.session.flush()


__all__ = ["fill", "before_reports", "partner_content", "eu_content", "demo_pdf"]
