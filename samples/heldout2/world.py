"""The invented world of the second held-out family: the Landkreis Wiesenau,
its towns, its people, their vehicles, plots, clubs and bank accounts, and
the many ways a person or an office writes a date, a phone number or a file
number.  Every value is invented; the check digits (IBAN) are real."""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass

TODAY = dt.date(2026, 3, 16)  # the world's "today": fixed, so output is deterministic

COUNTY = "Wiesenau"
PLATE = "WSN"          # the county's plate code; the old district's is ROD
OLD_PLATE = "ROD"

# town → PLZ (the county's own towns and a few beyond it)
TOWNS = {
    "Wiesenau": "96231", "Kaltenbrunn": "96247", "Ober-Rodach": "96252", "Ebersgrün am Rodach": "96258",
    "Wendlingshof": "96264", "Kleinmoosach": "96269", "Hohenfurth": "96271", "Oberweidach": "96275",
    "Rabenstein b. Wiesenau": "96279", "St. Veit im Moos": "96282", "Schwarzach (Tal)": "96286",
    "Neukirch-Hainfeld": "07318", "Altenzell": "07349", "Dornhagen": "34620", "Lindholz a. d. Saar": "66805",
    "Bad Rottweil-Au": "04643",
}
OUT_OF_COUNTY = ("Neukirch-Hainfeld", "Altenzell", "Dornhagen", "Lindholz a. d. Saar", "Bad Rottweil-Au")

FIRST_F = ("Annegret", "Birgit", "Carolin", "Dilara", "Elfriede", "Franziska", "Gudrun", "Hanna", "Ilse", "Jasmin",
           "Katharina", "Lea-Sophie", "Monika", "Nadine", "Olga", "Petra", "Renate", "Sabine", "Tülay", "Ursula",
           "Vanessa", "Wiebke", "Yvonne", "Zofia", "Anna Maria", "Marie-Luise", "Leonie", "Mia", "Emilia")
FIRST_M = ("Achim", "Bernd", "Cem", "Dietmar", "Egon", "Florian", "Gerhard", "Hans-Peter", "Ingo", "Jürgen",
           "Karl-Heinz", "Lukas", "Mehmet", "Norbert", "Oliver", "Paweł", "Rüdiger", "Sven", "Thorsten", "Uwe",
           "Volker", "Wolfgang", "Xaver", "Jan Hendrik", "Maximilian", "Noah", "Elias", "Ben", "Finn")
CHILD_F = ("Mila", "Ella", "Lina", "Emma", "Clara", "Frieda", "Ida", "Nele", "Zoe", "Amira")
CHILD_M = ("Paul", "Emil", "Anton", "Theo", "Luis", "Jonas", "Matteo", "Karl", "Levi", "Yusuf")
SURNAMES = ("Achenbach", "Bäuerle", "Christmann", "Dörfler", "Eckstein", "Fleischhauer", "Gräßle", "Haberkorn",
            "Illner", "Jäckel", "Kowalczyk", "Lindemann", "Mößner", "Nowak", "Oberländer", "Pfannkuch", "Quandt",
            "Rößler", "Schmidt-Oberle", "Trautwein", "Uhlig", "Vogelsang", "Wegener", "Yılmaz", "Zöllner",
            "von der Heydt", "de Vries", "Al-Hassan", "Nguyen", "Kaiser-Lüdecke", "Ochs", "Lang", "Ruß", "Ibe")
STREET_BASE = ("Linden", "Kirch", "Mühl", "Schul", "Garten", "Brunnen", "Eichen", "Rosen", "Bahnhof", "Hirten",
               "Kapellen", "Weiher", "Ahorn", "Schmiede", "Sonnen", "Birken", "Föhren", "Hopfen", "Zehnt")
STREET_END = ("straße", "str.", "weg", "gasse", "ring", "steig", "allee", "feld", "äcker")
STREET_FULL = ("Am Anger", "An der Rodach", "Zum Sportplatz", "Hinterm Schloss", "Alte Poststraße",
               "Obere Bachgasse", "Untere Mühlwiese", "Auf der Höhe", "Im Winkel", "Bgm.-Fleischer-Str.",
               "Dr.-Konrad-Hofmann-Weg", "Hauptstraße", "Marktplatz", "St.-Georg-Straße")
MAIL_DOMAINS = ("webpost.de", "mailbox-wsn.de", "t-netz.de", "freenet-post.de", "online-wiesenau.de", "posthaus.de")
CLUB_KIND = ("TSV", "SV", "FC", "SpVgg", "TuS", "DJK", "Schützengilde", "Reit- und Fahrverein", "Turnerbund",
             "Tennisclub", "Kanu-Club", "Skiclub")
CLUB_EXTRA = ("Blau-Weiß", "Grün-Gold", "Rot-Weiß", "Eintracht", "Germania", "", "", "")
BANKS = (("Sparkasse Wiesenau-Rodach", "77050000"), ("Raiffeisenbank Oberes Rodachtal eG", "77069461"),
         ("VR-Bank Kaltenbrunn eG", "77390628"), ("Postbank", "10010010"), ("Volksbank Hohenfurth", "77361600"))
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
MONTHS_ABBR = ("Jan.", "Feb.", "Mrz.", "Apr.", "Mai", "Jun.", "Jul.", "Aug.", "Sept.", "Okt.", "Nov.", "Dez.")
MONTHS_STAMP = ("JAN", "FEB", "MRZ", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ")
MONTHS_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
FIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
FIN_WMI = ("WVW", "WBA", "WDD", "VF3", "ZFA", "TMB", "YV1", "SAL", "W0L", "WF0", "VSS", "JTD", "KNA")
MAKES = {"WVW": "Volkswagen", "WBA": "BMW", "WDD": "Mercedes-Benz", "VF3": "Peugeot", "ZFA": "Fiat",
         "TMB": "Škoda", "YV1": "Volvo", "SAL": "Land Rover", "W0L": "Opel", "WF0": "Ford", "VSS": "Seat",
         "JTD": "Toyota", "KNA": "Kia"}


class Rng(random.Random):
    def pick(self, seq):
        return seq[self.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.random() < p

    def digits(self, n: int) -> str:
        return "".join(self.pick(string.digits) for _ in range(n))


def rng_for(seed: int, *key) -> Rng:
    """A generator of its own for one document: the same seed and key give the
    same document whatever else was generated before."""
    return Rng(f"heldout2|{seed}|" + "|".join(map(str, key)))


@dataclass
class Person:
    vorname: str
    nachname: str
    geboren: dt.date
    strasse: str        # "street number" as the truth writes it
    street: str         # the street alone
    number: str         # the house number alone
    plz: str
    ort: str
    telefon: str
    email: str
    female: bool
    birthplace: str

    @property
    def full(self) -> str:
        return f"{self.vorname} {self.nachname}"

    @property
    def title(self) -> str:
        return "Frau" if self.female else "Herr"


def street(r: Rng) -> tuple[str, str]:
    if r.chance(0.3):
        name = r.pick(STREET_FULL)
    else:
        name = r.pick(STREET_BASE) + r.pick(STREET_END)
        if name.endswith(("äcker", "feld")):
            name = "In den " + name.capitalize() + "n" if name.endswith("äcker") else "Im " + name.capitalize()
    n = str(r.randint(1, 148))
    style = r.random()
    if style < 0.15:
        n += r.pick("abc")
    elif style < 0.25:
        n += " " + r.pick("ab")
    elif style < 0.30:
        n += f"/{r.randint(1, 3)}"
    elif style < 0.34:
        n = f"{n}-{int(n) + 2}"
    return name, n


def phone(r: Rng, mobile: bool | None = None) -> str:
    if mobile if mobile is not None else r.chance(0.4):
        pre, num = r.pick(("0151", "0160", "0171", "0176", "0152")), r.digits(7)
        return r.pick((f"{pre} {num}", f"{pre}/{num[:3]} {num[3:5]} {num[5:]}", f"+49 {pre[1:]} {num}",
                       f"{pre}-{num}"))
    pre, num = "0" + r.pick(("9561", "9562", "9264", "9573", "9231")), r.digits(r.randint(4, 6))
    spaced = " ".join(pre[i:i + 2] for i in range(0, len(pre), 2))
    return r.pick((f"{pre} {num}", f"({pre}) {num}", f"{pre}/{num}", f"{pre}-{num[:-2]}-{num[-2:]}",
                   f"{spaced} / {num}", f"+49 {pre[1:]} {num}"))


def person(r: Rng, *, female: bool | None = None, age: tuple[int, int] = (19, 84), town: str | None = None,
           surname: str | None = None, child: bool = False) -> Person:
    female = r.chance(0.5) if female is None else female
    names = (CHILD_F if female else CHILD_M) if child else (FIRST_F if female else FIRST_M)
    vorname = r.pick(names)
    if not child and r.chance(0.12) and " " not in vorname and "-" not in vorname:
        vorname += " " + r.pick(FIRST_F if female else FIRST_M).split()[0].split("-")[0]
    nachname = surname or r.pick(SURNAMES)
    born = TODAY - dt.timedelta(days=r.randint(age[0] * 365 + 20, age[1] * 365))
    ort = town or (r.pick(OUT_OF_COUNTY) if r.chance(0.15) else r.pick(tuple(t for t in TOWNS if t not in OUT_OF_COUNTY)))
    st, no = street(r)
    local = (vorname.split()[0].split("-")[0] + "." + nachname.replace(" ", "").replace("-", "")).lower()
    local = local.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ł": "l", "ı": "i",
                                           "ş": "s", "'": ""}))
    if r.chance(0.4):
        local = local.split(".")[0][0] + local.split(".")[1] + r.digits(2)
    return Person(vorname, nachname, born, f"{st} {no}", st, no, TOWNS[ort], ort, phone(r),
                  f"{local}@{r.pick(MAIL_DOMAINS)}", female, r.pick(tuple(TOWNS)[:10] + ("Leipzig", "Izmir", "Gdańsk")))


def fmt_date(d: dt.date, style: str) -> str:
    """A date as people and offices write it.  Styles: num (03.02.2026),
    short (3.2.2026), yy (03.02.26), long (3. Februar 2026), abbr
    (03. Feb. 2026), iso (2026-02-03), roman (3. II. 2026), stamp (03. FEB. 2026)."""
    return {
        "num": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "short": f"{d.day}.{d.month}.{d.year}",
        "yy": f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
        "shortyy": f"{d.day}.{d.month}.{d.year % 100:02d}",
        "long": f"{d.day}. {MONTHS[d.month - 1]} {d.year}",
        "abbr": f"{d.day:02d}. {MONTHS_ABBR[d.month - 1]} {d.year}",
        "iso": d.isoformat(),
        "roman": f"{d.day}. {MONTHS_ROMAN[d.month - 1]}. {d.year}",
        "stamp": f"{d.day:02d}. {MONTHS_STAMP[d.month - 1]}. {d.year}",
        "spaced": f"{d.day:02d} . {d.month:02d} . {d.year}",
    }[style]


def truth_date(d: dt.date) -> str:
    return fmt_date(d, "num")


def date_style(r: Rng, styles=("num", "num", "num", "short", "yy", "shortyy", "long", "abbr")) -> str:
    return r.pick(styles)


def recent(r: Rng, back: int = 40) -> dt.date:
    return TODAY - dt.timedelta(days=r.randint(2, back))


def iban(r: Rng) -> tuple[str, str]:
    """(bank name, IBAN without spaces) with a correct ISO 7064 check."""
    bank, blz = r.pick(BANKS)
    bban = blz + r.digits(10)
    num = int(bban + "131400")  # D=13, E=14, then "00"
    return bank, f"DE{98 - num % 97:02d}{bban}"


def iban_shown(r: Rng, value: str) -> str:
    return r.pick((" ".join(value[i:i + 4] for i in range(0, len(value), 4)), value,
                   " ".join(value[i:i + 4] for i in range(0, len(value), 4))))


def fin(r: Rng) -> tuple[str, str]:
    wmi = r.pick(FIN_WMI)
    return MAKES[wmi], wmi + "".join(r.pick(FIN_CHARS) for _ in range(14))


def plate(r: Rng) -> str:
    code = OLD_PLATE if r.chance(0.2) else PLATE
    letters = "".join(r.pick("ABCDEFGHJKLMNPRSTUVWXZ") for _ in range(r.randint(1, 2)))
    num = str(r.randint(1, 9999 if len(letters) == 1 else 999))
    suffix = r.pick(("", "", "", "", "", "E", "H"))
    sep = r.pick(("-", "-", " ", " - "))
    return f"{code}{sep}{letters} {num}{suffix}"


def evb(r: Rng) -> str:
    return "".join(r.pick("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(7))


def flurstueck(r: Rng) -> str:
    a = f"{r.randint(12, 1890)}" + (f"/{r.randint(1, 24)}" if r.chance(0.6) else "")
    if r.chance(0.25):
        return f"{a}, {r.randint(12, 1890)}"
    return a


def club(r: Rng, town: str) -> str:
    kind = r.pick(CLUB_KIND)
    year = f" {r.randint(1861, 1978)}" if r.chance(0.5) else ""
    extra = r.pick(CLUB_EXTRA)
    return f"{kind}{year} {extra + ' ' if extra else ''}{town.split(' ')[0]}" + r.pick((" e.V.", " e. V.", " e.V."))


def amount(r: Rng, lo: int, hi: int, step: int = 50) -> tuple[str, str]:
    """(truth "12.500,00", shown as a person writes it)."""
    v = r.randrange(lo, hi, step)
    grouped = f"{v:,}".replace(",", ".")
    shown = r.pick((f"{grouped},00 €", f"{grouped},- €", f"{grouped} EUR", f"EUR {grouped},00", f"{grouped},00"))
    return f"{grouped},00", shown


# the county's file numbers: office prefixes, as the offices write them
AZ_STYLES = {
    "kfz_zulassung": ("ZLS-36.1-{y}/{n5}", "36-ZUL {n4}/{yy}", "III/36.1-{n4}-{y}"),
    "bauantrag": ("40.2-BV-{n4}/{yy}", "B {n3}/{y}", "{y}/BG/{n4}", "63 - {n4} - {y}"),
    "ifsg_belehrung": ("53.2-IfSG-{y}-{n4}", "GA 43/{y}-{n3}", "GA-BEL {n4}/{yy}"),
    "masern_meldung": ("53.1-MS-{n4}/{yy}", "GA-MSG {y}/{n4}", "53 - 20 - {n3}/{y}"),
    "waffen_antrag": ("32.2-WBK-{n4}/{y}", "SG 32 - {n3}/{yy}", "32.20-Wa-{n4}"),
    "tierhaltung": ("39.1-TH-{y}-{n3}", "VetA {n4}/{yy}", "FB39-Tier-{n4}"),
    "sportstaetten_foerderung": ("52-SF-{y}/{n2}", "FB Sport {y}-{n3}", "52.1 SpoF {n3}/{yy}"),
    "eingliederungshilfe": ("50.3-EGH-{n4}/{y}", "SozA/EGH {yy}-{n4}", "50 EH {n5}"),
    "sonstiges": ("10.1-{n4}/{yy}", "KA-{y}-{n4}", "FB 20 - {n3}/{y}", "70.2-Abf-{n4}"),
}


def aktenzeichen(r: Rng, doctype: str) -> str:
    y = str(TODAY.year - (1 if r.chance(0.2) else 0))
    return r.pick(AZ_STYLES[doctype]).format(y=y, yy=y[2:], n2=r.digits(2), n3=r.digits(3), n4=r.digits(4),
                                              n5=r.digits(5))


def kassenzeichen(r: Rng) -> str:
    return r.pick((f"5.{r.digits(4)}.{r.digits(6)}.{r.digits(1)}", f"KZ {r.digits(3)} {r.digits(4)} {r.digits(3)}"))


def their_reference(r: Rng, initials: str) -> str:
    return r.pick((f"{initials}/{r.digits(3)}-{TODAY.year % 100}", f"{r.digits(4)}/{TODAY.year % 100} {initials}",
                   f"Akte {r.digits(5)}"))
