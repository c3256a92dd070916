"""Full-text search over responses and their attachments' extracted text, per database.

PostgreSQL: `workspace_searchdocument(response_id, document tsvector)` with a GIN index, built
with the `danish` text-search configuration (so »forslag« finds »forslagene«); queries use
`websearch_to_tsquery('danish', …)` (quotes, OR and -word work as people expect).
SQLite: an FTS5 table `workspace_response_fts` (rowid = response id; unicode61 tokenizer that
keeps æ, ø and å apart from a, o and aa); every word of a query is searched as a prefix.

On both, database triggers on consultations_response and consultations_attachment keep the
index current, so responses that arrive through any channel (web, mail, API, import, letters,
bulk inserts) are searchable at once, without going through our services.
`samskab reindex` rebuilds the index from scratch (after a restore, or to repair it).
"""

import re

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.db.models.lookups import Exact, Lookup

# The SQL is written out in full (no string building): table names are constants.
SQLITE_INSTALL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS workspace_response_fts USING fts5(
        body, attachments, tokenize = 'unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER IF NOT EXISTS workspace_fts_response_ai
        AFTER INSERT ON consultations_response BEGIN
        INSERT INTO workspace_response_fts(rowid, body, attachments)
        VALUES (new.id, new.text, '');
        END""",
    """CREATE TRIGGER IF NOT EXISTS workspace_fts_response_au
        AFTER UPDATE OF text ON consultations_response BEGIN
        UPDATE workspace_response_fts SET body = new.text WHERE rowid = new.id;
        END""",
    """CREATE TRIGGER IF NOT EXISTS workspace_fts_response_ad
        AFTER DELETE ON consultations_response BEGIN
        DELETE FROM workspace_response_fts WHERE rowid = old.id;
        END""",
    """CREATE TRIGGER IF NOT EXISTS workspace_fts_attachment_ai
        AFTER INSERT ON consultations_attachment BEGIN
        UPDATE workspace_response_fts SET attachments = (
            SELECT coalesce(group_concat(extracted_text, char(10)), '')
            FROM consultations_attachment WHERE response_id = new.response_id)
        WHERE rowid = new.response_id;
        END""",
    """CREATE TRIGGER IF NOT EXISTS workspace_fts_attachment_au
        AFTER UPDATE OF extracted_text ON consultations_attachment BEGIN
        UPDATE workspace_response_fts SET attachments = (
            SELECT coalesce(group_concat(extracted_text, char(10)), '')
            FROM consultations_attachment WHERE response_id = new.response_id)
        WHERE rowid = new.response_id;
        END""",
    """CREATE TRIGGER IF NOT EXISTS workspace_fts_attachment_ad
        AFTER DELETE ON consultations_attachment BEGIN
        UPDATE workspace_response_fts SET attachments = (
            SELECT coalesce(group_concat(extracted_text, char(10)), '')
            FROM consultations_attachment WHERE response_id = old.response_id)
        WHERE rowid = old.response_id;
        END""",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS workspace_fts_response_ai",
    "DROP TRIGGER IF EXISTS workspace_fts_response_au",
    "DROP TRIGGER IF EXISTS workspace_fts_response_ad",
    "DROP TRIGGER IF EXISTS workspace_fts_attachment_ai",
    "DROP TRIGGER IF EXISTS workspace_fts_attachment_au",
    "DROP TRIGGER IF EXISTS workspace_fts_attachment_ad",
    "DROP TABLE IF EXISTS workspace_response_fts",
]
SQLITE_REBUILD = [
    "DELETE FROM workspace_response_fts",
    """INSERT INTO workspace_response_fts(rowid, body, attachments)
        SELECT r.id, r.text, coalesce((
            SELECT group_concat(a.extracted_text, char(10)) FROM consultations_attachment a
            WHERE a.response_id = r.id), '')
        FROM consultations_response r""",
]

# The document of each response of ``source`` (aliased r): its text (weight A) and its
# attachments' text (weight B), inserted or replaced.
_INDEX_FROM = """INSERT INTO workspace_searchdocument (response_id, document)
    SELECT r.id,
        setweight(to_tsvector('danish'::regconfig, coalesce(r.text, '')), 'A')
        || setweight(to_tsvector('danish'::regconfig, coalesce((
            SELECT string_agg(a.extracted_text, E'\\n' ORDER BY a.id)
            FROM consultations_attachment a WHERE a.response_id = r.id), '')), 'B')
    FROM {source}
    ON CONFLICT (response_id) DO UPDATE SET document = EXCLUDED.document;"""

# TRUNCATE fires no row triggers (Django's test flush truncates): empty the index with it.
PG_TRUNCATE_INSTALL = [
    """CREATE OR REPLACE FUNCTION workspace_searchdocument_truncate_trg()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE workspace_searchdocument;
            RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS workspace_searchdocument_truncate ON consultations_response",
    """CREATE TRIGGER workspace_searchdocument_truncate
        AFTER TRUNCATE ON consultations_response
        FOR EACH STATEMENT EXECUTE FUNCTION workspace_searchdocument_truncate_trg()""",
]
# New responses are indexed once per INSERT or COPY statement, not once per row: a batch of
# hundreds spends its time in to_tsvector, not in calling a PL/pgSQL function per row (half of
# the database's work for an API batch). The per-row trigger keeps deletions and edits.
PG_INSERT_STATEMENT_INSTALL = [
    """CREATE OR REPLACE FUNCTION workspace_searchdocument_inserted_trg()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            """ + _INDEX_FROM.format(source="inserted_responses r") + """
            RETURN NULL;
        END $$""",
    "DROP TRIGGER IF EXISTS workspace_searchdocument_inserted ON consultations_response",
    """CREATE TRIGGER workspace_searchdocument_inserted
        AFTER INSERT ON consultations_response REFERENCING NEW TABLE AS inserted_responses
        FOR EACH STATEMENT EXECUTE FUNCTION workspace_searchdocument_inserted_trg()""",
    "DROP TRIGGER IF EXISTS workspace_searchdocument_response ON consultations_response",
    """CREATE TRIGGER workspace_searchdocument_response
        AFTER DELETE OR UPDATE OF text ON consultations_response
        FOR EACH ROW EXECUTE FUNCTION workspace_searchdocument_response_trg()""",
]
PG_INSTALL = [
    """CREATE TABLE IF NOT EXISTS workspace_searchdocument (
        response_id bigint PRIMARY KEY, document tsvector NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS workspace_searchdocument_gin
        ON workspace_searchdocument USING gin (document)""",
    # The document: the response's text (weight A) and its attachments' text (weight B).
    """CREATE OR REPLACE FUNCTION workspace_searchdocument_refresh(rid bigint)
        RETURNS void LANGUAGE sql AS $$
        """ + _INDEX_FROM.format(source="consultations_response r WHERE r.id = rid") + """
        $$""",
    """CREATE OR REPLACE FUNCTION workspace_searchdocument_response_trg()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM workspace_searchdocument WHERE response_id = OLD.id;
                RETURN OLD;
            END IF;
            PERFORM workspace_searchdocument_refresh(NEW.id);
            RETURN NEW;
        END $$""",
    """CREATE OR REPLACE FUNCTION workspace_searchdocument_attachment_trg()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM workspace_searchdocument_refresh(OLD.response_id);
                RETURN OLD;
            END IF;
            PERFORM workspace_searchdocument_refresh(NEW.response_id);
            RETURN NEW;
        END $$""",
    "DROP TRIGGER IF EXISTS workspace_searchdocument_response ON consultations_response",
    """CREATE TRIGGER workspace_searchdocument_response
        AFTER INSERT OR DELETE OR UPDATE OF text ON consultations_response
        FOR EACH ROW EXECUTE FUNCTION workspace_searchdocument_response_trg()""",
    "DROP TRIGGER IF EXISTS workspace_searchdocument_attachment ON consultations_attachment",
    """CREATE TRIGGER workspace_searchdocument_attachment
        AFTER INSERT OR DELETE OR UPDATE OF extracted_text ON consultations_attachment
        FOR EACH ROW EXECUTE FUNCTION workspace_searchdocument_attachment_trg()""",
    *PG_TRUNCATE_INSTALL,
    *PG_INSERT_STATEMENT_INSTALL,
]
PG_UNINSTALL = [
    "DROP TRIGGER IF EXISTS workspace_searchdocument_inserted ON consultations_response",
    "DROP FUNCTION IF EXISTS workspace_searchdocument_inserted_trg()",
    "DROP TRIGGER IF EXISTS workspace_searchdocument_truncate ON consultations_response",
    "DROP FUNCTION IF EXISTS workspace_searchdocument_truncate_trg()",
    "DROP TRIGGER IF EXISTS workspace_searchdocument_response ON consultations_response",
    "DROP TRIGGER IF EXISTS workspace_searchdocument_attachment ON consultations_attachment",
    "DROP FUNCTION IF EXISTS workspace_searchdocument_response_trg()",
    "DROP FUNCTION IF EXISTS workspace_searchdocument_attachment_trg()",
    "DROP FUNCTION IF EXISTS workspace_searchdocument_refresh(bigint)",
    "DROP TABLE IF EXISTS workspace_searchdocument",
]
PG_REBUILD = [
    "TRUNCATE workspace_searchdocument",
    """INSERT INTO workspace_searchdocument (response_id, document)
        SELECT r.id,
            setweight(to_tsvector('danish'::regconfig, coalesce(r.text, '')), 'A')
            || setweight(to_tsvector('danish'::regconfig, coalesce((
                SELECT string_agg(a.extracted_text, E'\\n' ORDER BY a.id)
                FROM consultations_attachment a WHERE a.response_id = r.id), '')), 'B')
        FROM consultations_response r""",
]

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


def _statements(vendor: str, *, sqlite: list[str], postgresql: list[str]) -> list[str]:
    return {"sqlite": sqlite, "postgresql": postgresql}.get(vendor, [])


def install(schema_editor) -> None:
    """Create the index table and its triggers (migration; idempotent), then fill it."""
    vendor = schema_editor.connection.vendor
    for sql in _statements(vendor, sqlite=SQLITE_INSTALL, postgresql=PG_INSTALL):
        schema_editor.execute(sql)
    for sql in _statements(vendor, sqlite=SQLITE_REBUILD, postgresql=PG_REBUILD):
        schema_editor.execute(sql)


def install_truncate_trigger(schema_editor) -> None:
    """Migration 0004: PostgreSQL only (SQLite has no TRUNCATE; its DELETE fires the triggers)."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_TRUNCATE_INSTALL:
            schema_editor.execute(sql)


def install_insert_statement_trigger(schema_editor) -> None:
    """Migration workspace 0007: index new responses per statement (PostgreSQL only;
    SQLite's FTS5 trigger costs little per row)."""
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_INSERT_STATEMENT_INSTALL:
            schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in _statements(vendor, sqlite=SQLITE_UNINSTALL, postgresql=PG_UNINSTALL):
        schema_editor.execute(sql)


def rebuild() -> str:
    """Rebuild the whole index from the responses and attachments; returns the vendor name.

    Runs in the caller's transaction; readers see the old index until it commits."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for sql in _statements(vendor, sqlite=SQLITE_REBUILD, postgresql=PG_REBUILD):
            cursor.execute(sql)
    return vendor


def fts5_query(text: str) -> str:
    """A user's words as an FTS5 query: every word must occur, each as a prefix.

    Words are quoted, so FTS5 operators typed by the user (AND, NEAR, *, :) are plain text."""
    words = _WORD.findall(text)[:MAX_QUERY_WORDS]
    return " ".join(f'"{word}"*' for word in words)


_REFERENCE = re.compile(r"^(?=[^-]*[A-Za-zÆØÅæøå])[\wÆØÅæøå]+(?:-[\wÆØÅæøå]+)*-\d+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def identity_lookup(text: str) -> Q | None:
    """The responses a search names outright: a reference number (»OGP-2012-0127«, as the
    receipt tells people to quote it), a sender's e-mail address or an organisation's exact
    name; None when the text names none of these (then it is a full-text search). Each is one
    lookup, tried only when the text has that shape, and answered by an expression index on
    UPPER(column) (migration workspace 0006), so it costs one seek at a million responses."""
    from samskab.consultations.models import Respondent, Response

    if _REFERENCE.match(text):
        # As before with iexact: on SQLite ASCII letters fold, on PostgreSQL all letters.
        reference = Q(Exact(Upper("reference"), Upper(Value(text))))
        if Response.objects.filter(reference).exists():
            return reference
    if _EMAIL.match(text) and Respondent.objects.filter(_same("email", text)).exists():
        return Q(respondent__in=Respondent.objects.filter(_same("email", text)))
    # an organisation's name: tried when the text looks like a name (a capital letter or more
    # than one word), so a plain one-word search costs no extra query
    named = len(text) >= 3 and (" " in text or any(c.isupper() for c in text))
    if named and Respondent.objects.filter(_same("organisation", text)).exists():
        return Q(respondent__in=Respondent.objects.filter(_same("organisation", text)))
    return None


def _same(field: str, text: str) -> Q:
    """``field`` equal to ``text`` ignoring case, as UPPER(field) = UPPER(text) (what the
    indexes are on). SQLite's UPPER folds ASCII letters only (as its LIKE did): for text with
    æ, ø or å there a regular expression, Python's, does it (a scan; such names are rare)."""
    if text.isascii() or connection.vendor != "sqlite":
        return Q(Exact(Upper(field), Upper(Value(text))))
    return Q(**{f"{field}__iregex": "^" + re.escape(text) + "$"})


class ListedIn(Lookup):
    """``lhs IN (subquery)`` that SQLite evaluates as a list to test rows against (»+lhs«),
    not as the way into the table: the inbox index then gives the page's order and the query
    stops after a page (or the count's limit), instead of fetching every listed row by its id
    and sorting them all (a search matching 700,000 answers: one pass over the FTS index, no
    sort). Plain ``IN`` elsewhere (PostgreSQL plans a semi-join either way). The column is
    compiled by Django, so its alias is right also inside a subquery."""

    lookup_name = "listed_in"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        plus = "+" if connection.vendor == "sqlite" else ""
        return f"{plus}{lhs} IN {rhs}", (*lhs_params, *rhs_params)


def builds_match_list(text: str) -> bool:
    """Whether every statement with `matching(text)` first builds the search's whole match
    list: on SQLite a full-text search reads the FTS5 index to the end into a list (see
    ListedIn), so a page should find its count and its rows in one statement. PostgreSQL
    tests rows against the index as it goes, and an empty text matches everything."""
    return connection.vendor == "sqlite" and bool((text or "").strip())


def matching(text: str) -> Q:
    """A filter on Response for `text`, to combine with any other filter; empty text: all."""
    text = (text or "").strip()
    if not text:
        return Q()
    named = identity_lookup(text)
    if named is not None:
        return named
    vendor = connection.vendor
    if vendor == "postgresql":
        # The user's text is a query parameter, never part of the SQL.
        return Q(ListedIn(F("pk"), RawSQL(  # noqa: S611
            "SELECT response_id FROM workspace_searchdocument "
            "WHERE document @@ websearch_to_tsquery('danish'::regconfig, %s)",
            (text,),
        )))
    if vendor == "sqlite":
        query = fts5_query(text)
        if not query:
            return Q(pk__in=[])
        return Q(ListedIn(F("pk"), RawSQL(  # noqa: S611
            "SELECT rowid FROM workspace_response_fts WHERE workspace_response_fts MATCH %s",
            (query,),
        )))
    # Other databases: a plain case-insensitive substring search, unindexed.
    from samskab.consultations.models import Attachment

    return Q(text__icontains=text) | Q(pk__in=Attachment.objects.filter(
        extracted_text__icontains=text).values("response_id"))
