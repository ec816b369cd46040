"""The styrgrupp's meetings and the decisions that follow the work to the next meeting.

A meeting (styrgruppsmöte) has a date, the period it follows up, who attended (förvaltningar, each with a name or a
role; no other personal data) and an agenda (the slide titles). At a meeting an admin records decisions and action
points on a målområde or on one activity: text, owner förvaltning (optionally a role), due date, status Öppen, Klar
or Struken. Every change of a decision is a new version with who and when, like the analyses; nothing is overwritten.
Open decisions are shown where the work is and come back at the next meeting, overdue ones first.

Writes need the named action ``manage_meetings``; everyone who may read the dashboard reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from . import auth, store, synpunkter
from .config import Reference, as_of_date, load_reference, parse_period, period_label
from .errors import checked_text
from .ingest.values import to_date
from .matching import norm

DECISION_STATUSES = ("Öppen", "Klar", "Struken")
MAX_TEXT = 1000
MAX_NAME = 120
_KEEP = object()


class MeetingError(ValueError):
    """A meeting or decision the rules refuse; the message (Swedish) is for the person who wrote it."""


# --- Validation ---------------------------------------------------------------------


def _date(value: object, label: str) -> dt.date:
    if value is None or value == "":
        raise MeetingError(f"{label} saknas (t.ex. 2026-09-22).")
    try:
        return to_date(value)
    except ValueError:
        raise MeetingError(f"{label}: ogiltigt datum {str(value)!r} (t.ex. 2026-09-22).") from None


def _period(value: object) -> str:
    p = parse_period(value)
    if p is None:
        raise MeetingError(f"Okänd period: {str(value or '')!r} (t.ex. 2026-T2, Delår 2026).")
    return p


def _text(value: object, label: str = "Texten", limit: int = MAX_TEXT, required: bool = True) -> str | None:
    return checked_text(value, label, limit, required=required, error=MeetingError)


def _forvaltning(value: object, ref: Reference, label: str = "Förvaltning") -> str:
    code = ref.forvaltning_code(value)
    if code is None:
        raise MeetingError(f"{label}: okänd förvaltning {str(value or '')!r}; finns: {', '.join(ref.forvaltningar)}.")
    return code


def _malomrade(value: object, ref: Reference) -> int:
    nr = ref.malomrade_nr(value)
    if nr is None:
        raise MeetingError(f"Okänt målområde: {str(value or '')!r}.")
    return nr


def _status(value: object) -> str:
    for word in DECISION_STATUSES:
        if norm(value) == norm(word):
            return word
    raise MeetingError(f"Status måste vara {', '.join(DECISION_STATUSES)} (inte {str(value or '')!r}).")


def activity_malomrade(con, forvaltning: str, aktivitet_id: str) -> int | None:
    """The målområde of an activity (förvaltning, Aktivitets-ID) in its newest period; None if there is none."""
    row = store.first(con.execute(store.sql("meetings_activity"), {"forvaltning": forvaltning,
                                                                   "aktivitet_id": aktivitet_id}))
    return int(row[0]) if row else None


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now().replace(microsecond=0)


# --- Meetings -----------------------------------------------------------------------


def create_meeting(datum: object, period: object, attendance, user: auth.User | None, db=None, *,
                   agenda=(), ref: Reference | None = None, now: dt.datetime | None = None) -> int:
    """A new meeting → its id. ``attendance``: (förvaltning, name or role) pairs, at least one förvaltning."""
    auth.require(user, "manage_meetings")
    ref = ref or load_reference()
    day, p = _date(datum, "Mötesdatum"), _period(period)
    people: list[tuple[str, str | None]] = []
    for item in attendance or ():
        code, who = (item, None) if isinstance(item, str) else (item[0], item[1] if len(item) > 1 else None)
        code = _forvaltning(code, ref, "Närvaro")
        if code not in [c for c, _ in people]:
            people.append((code, _text(who, "Namn eller roll", MAX_NAME, required=False)))
    if not people:
        raise MeetingError("Ange vilka förvaltningar som deltar (minst en).")
    items = [t for t in (_text(a, "Dagordningspunkten", 200, required=False) for a in agenda or ()) if t]
    with store.connect(db) as con, store.transaction(con):
        meeting_id = int(store.first(con.execute("SELECT nextval('meeting_seq')"))[0])
        con.execute("INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?)",
                    [meeting_id, day, p, items, user.label, _now(now)])
        for code, who in people:
            con.execute("INSERT INTO meeting_attendance VALUES (?, ?, ?)", [meeting_id, code, who])
        store.bump_data_version(con)
    return meeting_id


def meetings(db=None) -> pd.DataFrame:
    """Every meeting, newest first: id, datum, period, agenda, deltagande, beslut."""
    with store.connect(db) as con:
        return con.execute(store.sql("meetings_list")).df()


def _meeting(con, meeting_id: int) -> dict | None:
    cur = con.execute("SELECT id, datum, period, agenda, created_by, created_at FROM meetings WHERE id = ?",
                      [int(meeting_id)])
    row = store.first(cur)
    if row is None:
        return None
    m = dict(zip(("id", "datum", "period", "agenda", "created_by", "created_at"), row))
    m["agenda"] = list(m["agenda"] or [])
    m["attendance"] = [tuple(r) for r in con.execute(
        "SELECT forvaltning, deltagare FROM meeting_attendance WHERE meeting_id = ? ORDER BY rowid",
        [int(meeting_id)]).fetchall()]
    return m


def get_meeting(meeting_id: int, db=None) -> dict | None:
    """One meeting: id, datum, period, agenda (list), attendance [(förvaltning, name or role)], or None."""
    with store.connect(db) as con:
        return _meeting(con, meeting_id)


def _previous(con, meeting_id: int) -> dict | None:
    row = store.first(con.execute(
        "SELECT p.id FROM meetings m JOIN meetings p ON p.datum < m.datum OR (p.datum = m.datum AND p.id < m.id) "
        "WHERE m.id = ? "
        "ORDER BY p.datum DESC, p.id DESC LIMIT 1", [int(meeting_id)]))
    return _meeting(con, row[0]) if row else None


def previous_meeting(meeting_id: int, db=None) -> dict | None:
    """The meeting held before this one (by date), or None for the first."""
    with store.connect(db) as con:
        return _previous(con, meeting_id)


def title(m: dict) -> str:
    """``Mötet 2026-09-22``: how the product names a meeting."""
    return f"Mötet {m['datum']:%Y-%m-%d}"


# --- Decisions ------------------------------------------------------------------------

_VERSION_COLS = ("decision_id", "version", "malomrade", "aktivitet_forvaltning", "aktivitet_id", "text", "agare",
                 "roll", "forfaller", "status", "kommentar", "user_name", "changed_at")


def _insert_version(con, row: dict) -> None:
    con.execute(f"INSERT INTO decision_versions ({', '.join(_VERSION_COLS)}) VALUES "
                f"({', '.join('?' for _ in _VERSION_COLS)})", [row[c] for c in _VERSION_COLS])


def _target(con, ref: Reference, malomrade, aktivitet) -> tuple[int, str | None, str | None]:
    """(målområde, förvaltning, Aktivitets-ID) of what a decision is about: one activity, else a målområde."""
    if aktivitet:
        fv, aid = aktivitet
        fv = _forvaltning(fv, ref, "Aktivitetens förvaltning")
        aid = str(aid or "").strip()
        nr = activity_malomrade(con, fv, aid) if aid else None
        if nr is None:
            raise MeetingError(f"Aktiviteten {fv} {aid!r} finns inte i uppföljningen.")
        return nr, fv, aid
    if malomrade is None or malomrade == "":
        raise MeetingError("Ange vilket målområde eller vilken aktivitet beslutet gäller.")
    return _malomrade(malomrade, ref), None, None


def add_decision(meeting_id: int, text: object, agare: object, forfaller: object, user: auth.User | None, db=None,
                 *, malomrade: object = None, aktivitet: tuple[str, str] | None = None, roll: object = None,
                 ref: Reference | None = None, now: dt.datetime | None = None) -> int:
    """Record a decision or action point at a meeting (status Öppen) → its id.

    It is about one activity (``aktivitet=(förvaltning, Aktivitets-ID)``; its målområde follows) or a målområde.
    """
    auth.require(user, "manage_meetings")
    ref = ref or load_reference()
    body, owner = _text(text, "Beslutets text"), _forvaltning(agare, ref, "Ägare")
    due, role = _date(forfaller, "Klart senast"), _text(roll, "Rollen", MAX_NAME, required=False)
    when = _now(now)
    with store.connect(db) as con, store.transaction(con):
        if _meeting(con, meeting_id) is None:
            raise MeetingError(f"Mötet {meeting_id} finns inte.")
        nr, fv, aid = _target(con, ref, malomrade, aktivitet)
        decision_id = int(store.first(con.execute("SELECT nextval('decision_seq')"))[0])
        con.execute("INSERT INTO decisions VALUES (?, ?, ?, ?)", [decision_id, int(meeting_id), user.label, when])
        _insert_version(con, {"decision_id": decision_id, "version": 1, "malomrade": nr, "aktivitet_forvaltning": fv,
                              "aktivitet_id": aid, "text": body, "agare": owner, "roll": role, "forfaller": due,
                              "status": "Öppen", "kommentar": None, "user_name": user.label, "changed_at": when})
        store.bump_data_version(con)
    return decision_id


def change_decision(decision_id: int, user: auth.User | None, db=None, *, status: object = _KEEP,
                    text: object = _KEEP, agare: object = _KEEP, roll: object = _KEEP, forfaller: object = _KEEP,
                    kommentar: object = _KEEP, ref: Reference | None = None,
                    now: dt.datetime | None = None) -> tuple[int, bool]:
    """A new version of a decision with the fields given changed → (version, unchanged: no new version)."""
    auth.require(user, "manage_meetings")
    ref = ref or load_reference()
    with store.connect(db) as con, store.transaction(con):
        cur = con.execute(f"SELECT {', '.join(_VERSION_COLS)} FROM decision_versions WHERE decision_id = ? "
                          "ORDER BY version DESC LIMIT 1", [int(decision_id)])
        row = store.first(cur)
        if row is None:
            raise MeetingError(f"Beslut {decision_id} finns inte.")
        old = dict(zip(_VERSION_COLS, row))
        new = dict(old)
        if status is not _KEEP:
            new["status"] = _status(status)
        if text is not _KEEP:
            new["text"] = _text(text, "Beslutets text")
        if agare is not _KEEP:
            new["agare"] = _forvaltning(agare, ref, "Ägare")
        if roll is not _KEEP:
            new["roll"] = _text(roll, "Rollen", MAX_NAME, required=False)
        if forfaller is not _KEEP:
            new["forfaller"] = _date(forfaller, "Klart senast")
        if kommentar is not _KEEP:
            new["kommentar"] = _text(kommentar, "Kommentaren", required=False)
        fields = ("status", "text", "agare", "roll", "forfaller", "kommentar")
        if all(new[f] == old[f] for f in fields):
            return int(old["version"]), True
        new.update(version=int(old["version"]) + 1, user_name=user.label, changed_at=_now(now))
        _insert_version(con, new)
        store.bump_data_version(con)
    return int(new["version"]), False


def decision_history(decision_id: int, db=None) -> pd.DataFrame:
    """Every version of one decision, newest first, with who changed it and when."""
    with store.connect(db) as con:
        return con.execute(store.sql("meetings_decision_history"), {"id": int(decision_id)}).df()


def _decisions(con, today: dt.date) -> pd.DataFrame:
    return con.execute(store.sql("meetings_decisions"), {"today": today}).df()


def decisions(db=None, *, meeting_id: int | None = None, status=None, malomrade: int | None = None,
              agare: str | None = None, aktivitet: tuple[str, str] | None = None, only_overdue: bool = False,
              today: dt.date | None = None) -> pd.DataFrame:
    """Decisions in their current version, overdue first, then open ones by due date; filters optional.

    ``status``: one status or a list of them. ``forsenad`` is true for an open decision past its due date.
    """
    with store.connect(db) as con:
        df = _decisions(con, today or dt.date.today())
    return _filter(df, meeting_id=meeting_id, status=status, malomrade=malomrade, agare=agare, aktivitet=aktivitet,
                   only_overdue=only_overdue)


def _filter(df: pd.DataFrame, *, meeting_id=None, status=None, malomrade=None, agare=None, aktivitet=None,
            only_overdue=False) -> pd.DataFrame:
    if meeting_id is not None:
        df = df[df["meeting_id"] == int(meeting_id)]
    if status:
        df = df[df["status"].isin([status] if isinstance(status, str) else list(status))]
    if malomrade is not None:
        df = df[df["malomrade"] == int(malomrade)]
    if agare:
        df = df[df["agare"] == agare]
    if aktivitet is not None:
        df = df[(df["aktivitet_forvaltning"] == aktivitet[0]) & (df["aktivitet_id"] == aktivitet[1])]
    if only_overdue:
        df = df[df["forsenad"]]
    return df.reset_index(drop=True)


def open_decisions(db=None, *, malomrade: int | None = None, aktivitet: tuple[str, str] | None = None,
                   today: dt.date | None = None) -> pd.DataFrame:
    """The open decisions (of a målområde, or of one activity), overdue first, then by due date."""
    return decisions(db, status="Öppen", malomrade=malomrade, aktivitet=aktivitet, today=today)


def _follow_up(con, meeting_id: int, today: dt.date) -> pd.DataFrame:
    m = _meeting(con, meeting_id)
    if m is None:
        raise MeetingError(f"Mötet {meeting_id} finns inte.")
    prev = _previous(con, meeting_id)
    df = _decisions(con, today)
    earlier = df[[(pd.Timestamp(d), i) < (pd.Timestamp(m["datum"]), m["id"])
                  for d, i in zip(df["mote_datum"], df["meeting_id"])]] \
        if not df.empty else df
    if earlier.empty:
        return earlier.reset_index(drop=True)
    since = pd.Timestamp(prev["datum"]) if prev else pd.Timestamp.min
    keep = (earlier["status"] == "Öppen") | (earlier["changed_at"] >= since)
    return earlier[keep].reset_index(drop=True)


def follow_up(meeting_id: int, db=None, today: dt.date | None = None) -> pd.DataFrame:
    """"Beslut att följa upp" at a meeting: decisions of earlier meetings that are still open (overdue first), and
    those closed since the meeting before this one (what came of them)."""
    with store.connect(db) as con:
        return _follow_up(con, meeting_id, today or dt.date.today())


def describe(row) -> str:
    """One decision as a line: text, owner (role), due date, and the activity it is about."""
    owner = f"{row['agare']}" + (f", {row['roll']}" if isinstance(row.get("roll"), str) and row["roll"] else "")
    due = f", klart senast {pd.Timestamp(row['forfaller']):%Y-%m-%d}" if pd.notna(row.get("forfaller")) else ""
    return f"{row['text']} ({owner}{due})"


def open_by_activity(db=None, today: dt.date | None = None) -> pd.DataFrame:
    """Per activity with open decisions: aktivitet_forvaltning, aktivitet_id, oppna_beslut (the decisions as text,
    overdue ones marked and first), antal."""
    df = open_decisions(db, today=today)
    df = df[df["aktivitet_id"].notna()]
    cols = ["aktivitet_forvaltning", "aktivitet_id", "oppna_beslut", "antal"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.assign(line=[("FÖRSENAT: " if late else "") + describe(r)
                         for late, (_, r) in zip(df["forsenad"], df.iterrows())])
    out = df.groupby(["aktivitet_forvaltning", "aktivitet_id"], sort=False).agg(
        oppna_beslut=("line", " · ".join), antal=("line", "size")).reset_index()
    return out[cols]


def with_open_decisions(activities: pd.DataFrame, open_: pd.DataFrame) -> pd.DataFrame:
    """The activities with a column ``oppna_beslut`` (empty when none) from ``open_by_activity``."""
    if activities.empty:
        return activities.assign(oppna_beslut=pd.Series(dtype=object))
    lookup = {(f, a): t for f, a, t in zip(open_["aktivitet_forvaltning"], open_["aktivitet_id"],
                                           open_["oppna_beslut"])}
    return activities.assign(oppna_beslut=[lookup.get((f, a), "") for f, a in
                                           zip(activities["forvaltning"], activities["aktivitet_id"])])


# --- The protocol -------------------------------------------------------------------


@dataclass
class ProtocolArea:
    nr: int
    name: str
    state: dict | None                 # antal, klara, andel_klara, forsenade, snitt_andel_klar (None: no activities)
    bedomning: str | None
    analys: str | None
    decisions: list[dict] = field(default_factory=list)   # taken at this meeting


@dataclass
class Protocol:
    meeting: dict
    previous: dict | None
    period_label: str
    as_of: dt.date
    attendance: list[tuple[str, str, str | None]]        # code, förvaltning's name, name or role
    agenda: list[str]
    areas: list[ProtocolArea]
    decisions: list[dict]                                  # taken at this meeting
    follow_up: list[dict]                                  # from earlier meetings, with their status
    synpunkter: str                                        # the year's summary sentence

    @property
    def title(self) -> str:
        return f"Protokoll från styrgruppens möte {self.meeting['datum']:%Y-%m-%d}"


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: (None if not isinstance(v, (list, tuple)) and pd.isna(v) else v) for k, v in r.items()}
            for r in df.to_dict("records")]


def protocol(con, meeting_id: int, today: dt.date | None = None, ref: Reference | None = None) -> Protocol:
    """What the protocol of a meeting holds: date, attendance, agenda, per målområde the state shown and the
    assessment, the decisions taken, and the decisions of earlier meetings with their status."""
    ref = ref or load_reference()
    today = today or dt.date.today()
    m = _meeting(con, meeting_id)
    if m is None:
        raise MeetingError(f"Mötet {meeting_id} finns inte.")
    period = m["period"]
    as_of = as_of_date(period, min(today, m["datum"]))
    progress = con.execute(store.sql("progress"), {"period": period, "as_of": as_of, "forvaltningar": [],
                                                   "malomraden": []}).df()
    analyses = con.execute(store.sql("analysis_current"), {"period": period}).df()
    taken = _filter(_decisions(con, today), meeting_id=meeting_id).sort_values("id")
    areas = []
    for nr, name in sorted(ref.malomraden.items()):
        p = progress[progress["malomrade"] == nr]
        a = analyses[analyses["malomrade"] == nr]
        areas.append(ProtocolArea(
            nr, name,
            {k: p.iloc[0][k] for k in ("antal", "klar", "andel_klara", "forsenade", "snitt_andel_klar")}
            if not p.empty else None,
            a.iloc[0]["bedomning"] if not a.empty else None, a.iloc[0]["text"] if not a.empty else None,
            _records(taken[taken["malomrade"] == nr])))
    year = int(m["datum"].year)
    return Protocol(m, _previous(con, meeting_id), period_label(period), as_of,
                    [(c, ref.forvaltning_name(c), who) for c, who in m["attendance"]], m["agenda"], areas,
                    _records(taken), _records(_follow_up(con, meeting_id, today)),
                    synpunkter.summary_text(_until(synpunkter.current(con), m["datum"]), year))


def _until(df: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The synpunkter that had come in by a day."""
    return df[pd.to_datetime(df["datum"]) <= pd.Timestamp(day)] if not df.empty else df


def report_section(period: str, db=None, today: dt.date | None = None) -> dict[int, dict]:
    """For the report to kommunstyrelsen: per målområde the decisions of the meetings that followed up ``period``
    and what came of them → {nr: {"decisions": [...], "text": "3 beslut, 2 klara, 1 öppet"}}."""
    p = _period(period)
    with store.connect(db) as con:
        df = _decisions(con, today or dt.date.today())
        ids = [r[0] for r in con.execute("SELECT id FROM meetings WHERE period = ?", [p]).fetchall()]
    df = df[df["meeting_id"].isin(ids)]
    out = {}
    for nr, part in df.groupby("malomrade"):
        counts = part["status"].value_counts()
        words = (("Klar", "klart", "klara"), ("Öppen", "öppet", "öppna"), ("Struken", "struket", "strukna"))
        bits = [f"{len(part)} beslut"] + [f"{counts[s]} {one if counts[s] == 1 else many}"
                                          for s, one, many in words if s in counts]
        out[int(nr)] = {"decisions": _records(part), "text": ", ".join(bits)}
    return out
