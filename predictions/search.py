"""Full-text search on the database's own engine: PostgreSQL full-text search, SQLite FTS5 on the embedded default.

One search document per prediction: its statement, quote, resolution criteria, evidence titles, pundit name and
tags. Triggers (installed by migration 0008, see ``search_install``) keep the documents current on every write,
whoever writes (the services, the admin, the importer's bulk inserts, raw SQL):

* PostgreSQL: the table ``reckoner_prediction_search(prediction_id, document tsvector)`` with a GIN index, filled
  by statement-level triggers (one set-based refresh per INSERT/UPDATE/DELETE statement, so a bulk import refreshes
  each batch in one query). Weights: statement A; quote, pundit and tags B; criteria and evidence titles C.
  Stemmed with the ``english`` configuration; ranked with ``ts_rank_cd``. The table also keeps each prediction's
  made_at, so results are sorted there (``order_by_rank``). The same refresh keeps each prediction's line of the dump
  in ``reckoner_prediction_export`` (migration 0013; ``importing.export_line_sql``), so GET /api/v1/export/ streams
  stored lines.
* SQLite: the FTS5 table ``reckoner_prediction_fts`` (rowid = prediction id; tokenizer porter + unicode61), filled
  by row triggers; ranked with ``bm25`` (column weights as above).

Readers' input never reaches the engine's query syntax: it is cut into words (``query_words``) and every word must
match (PostgreSQL: ``plainto_tsquery``; SQLite: each word a quoted FTS5 string). So operators, quotes, parentheses
and SQL-looking text are just words; input longer than ``MAX_QUERY_CHARS`` is refused with a reason
(``SearchError``), and input with no words finds nothing.
"""

# The SQL below is built from this module's constant table and column names only; readers' words always travel as
# query parameters (%s), never in the SQL text.
# ruff: noqa: S608, S610

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
PG_TABLE = "reckoner_prediction_search"
SQLITE_TABLE = "reckoner_prediction_fts"
EXPORT_TABLE = "reckoner_prediction_export"  # PostgreSQL: each prediction's line of the dump, kept by the triggers
PG_CONFIG = "english"
RANK = "search_rank"
_WORD = re.compile(r"\w+", re.UNICODE)


class SearchError(ValueError):
    """Search input refused, with a message for the reader."""


def query_words(text: str) -> list[str]:
    """The words of a search, lower-cased, duplicates dropped (first MAX_QUERY_WORDS); raises SearchError when the
    input is too long. Anything that is not a letter or digit separates words."""
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(f"A search is at most {MAX_QUERY_CHARS} characters long; this one has {len(text)}.")
    words: list[str] = []
    for word in _WORD.findall(text.lower().replace("_", " ")):
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


# --- querying --------------------------------------------------------------------------------------------------------


def _fts5_match(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def filter_predictions(queryset: QuerySet, text: str) -> QuerySet:
    """The predictions of `queryset` whose search document has every word of `text`, annotated with RANK (higher
    is better). Raises SearchError for input that is refused."""
    words = query_words(text)
    if not words:
        return queryset.none()
    table = queryset.model._meta.db_table
    if connection.vendor == "postgresql":
        query = f"plainto_tsquery('{PG_CONFIG}', %s)"
        return queryset.extra(
            tables=[PG_TABLE],
            where=[f"{PG_TABLE}.prediction_id = {table}.id", f"{PG_TABLE}.document @@ {query}"],
            params=[" ".join(words)],
            select={RANK: f"ts_rank_cd({PG_TABLE}.document, {query})"},
            select_params=[" ".join(words)],
        )
    return queryset.extra(
        tables=[SQLITE_TABLE],
        where=[f"{SQLITE_TABLE}.rowid = {table}.id", f"{SQLITE_TABLE} MATCH %s"],
        params=[_fts5_match(words)],
        # bm25 is lower for better matches; negated so that RANK is higher-is-better on both engines.
        select={RANK: f"-bm25({SQLITE_TABLE}, 10.0, 4.0, 2.0, 1.0, 4.0, 4.0)"},
    )


def order_by_rank(queryset: QuerySet) -> QuerySet:
    """Best matches first, newest first among equals (after filter_predictions). On PostgreSQL every sort key comes
    from the search table (its copy of made_at, kept by the triggers), so the planner sorts the matches there and
    joins only the page's predictions, rather than joining every match before sorting (3x faster for a word that
    matches 1 prediction in 12 at 500,000)."""
    if RANK not in queryset.query.extra:  # no words: nothing was matched, nothing to rank
        return queryset.order_by("-made_at", "-id")
    if connection.vendor == "postgresql":
        return queryset.extra(
            select={"search_made_at": f"{PG_TABLE}.made_at", "search_id": f"{PG_TABLE}.prediction_id"}
        ).order_by(f"-{RANK}", "-search_made_at", "-search_id")
    return queryset.order_by(f"-{RANK}", "-made_at", "-id")


def search_predictions(queryset: QuerySet, text: str) -> QuerySet:
    return order_by_rank(filter_predictions(queryset, text))


# --- highlighting ----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("english")


def _stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def highlight(text: str, query: str) -> SafeString:
    """`text`, HTML-escaped, with the words that match the query (same stem) in <mark>."""
    try:
        words = query_words(query)
    except SearchError:
        words = []
    stems = {_stem(w) for w in words} | set(words)
    if not stems:
        return escape(text)
    out: list[str] = []
    last = 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word.lower() in stems or _stem(word) in stems:
            out.append(escape(text[last : m.start()]))
            out.append(f"<mark>{escape(word)}</mark>")
            last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece above is escaped)


# --- the index and its triggers --------------------------------------------------------------------------------------

P, E, T, PT, U, Q = (
    "predictions_prediction",
    "predictions_evidence",
    "predictions_tag",
    "predictions_prediction_tags",
    "predictions_pundit",
    "predictions_question",
)


def _pg_refresh(export_lines: bool) -> str:
    """The function the triggers call with the ids of the predictions a statement touched: their search documents,
    and (export_lines) their lines of the dump, built again; rows of predictions that are gone are deleted."""
    lines = ""
    if export_lines:
        from predictions.services.importing import export_line_sql  # the dump's line, written once

        lines = f"""
    DELETE FROM {EXPORT_TABLE}
    WHERE prediction_id = ANY(ids) AND NOT EXISTS (SELECT 1 FROM {P} p WHERE p.id = prediction_id);
    INSERT INTO {EXPORT_TABLE} (prediction_id, line)
    SELECT p.id, {export_line_sql()}
    FROM {P} p JOIN {U} u ON u.id = p.pundit_id LEFT JOIN {Q} q ON q.id = p.question_id
    WHERE p.id = ANY(ids)
    ON CONFLICT (prediction_id) DO UPDATE SET line = EXCLUDED.line;"""
    return f"""
CREATE OR REPLACE FUNCTION reckoner_search_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {PG_TABLE}
    WHERE prediction_id = ANY(ids) AND NOT EXISTS (SELECT 1 FROM {P} p WHERE p.id = prediction_id);
    INSERT INTO {PG_TABLE} (prediction_id, made_at, document)
    SELECT p.id, p.made_at,
        setweight(to_tsvector('{PG_CONFIG}', p.statement), 'A')
        || setweight(to_tsvector('{PG_CONFIG}', concat_ws(' ', p.quote, u.name,
            (SELECT string_agg(t.name, ' ') FROM {PT} pt JOIN {T} t ON t.id = pt.tag_id WHERE pt.prediction_id = p.id)
        )), 'B')
        || setweight(to_tsvector('{PG_CONFIG}', concat_ws(' ', p.resolution_criteria,
            (SELECT string_agg(e.title, ' ') FROM {E} e WHERE e.prediction_id = p.id)
        )), 'C')
    FROM {P} p JOIN {U} u ON u.id = p.pundit_id
    WHERE p.id = ANY(ids)
    ON CONFLICT (prediction_id) DO UPDATE SET document = EXCLUDED.document, made_at = EXCLUDED.made_at;{lines}
END
$$;
"""


#: trigger function name → the prediction ids a statement touched (from its transition tables).
_PG_FUNCTIONS = {
    "reckoner_search_prediction_new": "SELECT array_agg(id) FROM new_rows",
    # any column: the dump's line says nearly all of them (the search document only some)
    "reckoner_search_prediction_changed": (
        "SELECT array_agg(n.id) FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.*) IS DISTINCT FROM (o.*)"
    ),
    "reckoner_search_prediction_gone": "SELECT array_agg(id) FROM old_rows",
    "reckoner_search_link_new": "SELECT array_agg(prediction_id) FROM new_rows",
    "reckoner_search_link_old": "SELECT array_agg(prediction_id) FROM old_rows",
    "reckoner_search_link_both": (
        "SELECT array_agg(prediction_id) FROM (SELECT prediction_id FROM new_rows UNION SELECT prediction_id FROM "
        "old_rows) x"
    ),
    "reckoner_search_pundit_renamed": (
        f"SELECT array_agg(p.id) FROM {P} p JOIN new_rows n ON n.id = p.pundit_id JOIN old_rows o ON o.id = n.id "
        "WHERE n.name IS DISTINCT FROM o.name OR n.slug IS DISTINCT FROM o.slug"
    ),
    "reckoner_search_tag_renamed": (
        f"SELECT array_agg(pt.prediction_id) FROM {PT} pt JOIN new_rows n ON n.id = pt.tag_id "
        "JOIN old_rows o ON o.id = n.id WHERE n.name IS DISTINCT FROM o.name"
    ),
    "reckoner_export_question_rekeyed": (
        f"SELECT array_agg(p.id) FROM {P} p JOIN new_rows n ON n.id = p.question_id JOIN old_rows o ON o.id = n.id "
        "WHERE n.key IS DISTINCT FROM o.key"
    ),
}

#: (table, event, function, transition tables)
_PG_TRIGGERS = [
    (P, "INSERT", "reckoner_search_prediction_new", "NEW TABLE AS new_rows"),
    (P, "UPDATE", "reckoner_search_prediction_changed", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    (P, "DELETE", "reckoner_search_prediction_gone", "OLD TABLE AS old_rows"),
    (E, "INSERT", "reckoner_search_link_new", "NEW TABLE AS new_rows"),
    (E, "UPDATE", "reckoner_search_link_both", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    (E, "DELETE", "reckoner_search_link_old", "OLD TABLE AS old_rows"),
    (PT, "INSERT", "reckoner_search_link_new", "NEW TABLE AS new_rows"),
    (PT, "DELETE", "reckoner_search_link_old", "OLD TABLE AS old_rows"),
    (U, "UPDATE", "reckoner_search_pundit_renamed", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    (T, "UPDATE", "reckoner_search_tag_renamed", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
]
#: only with the dump's lines (the questions table is younger than the search index's first migration)
_PG_EXPORT_TRIGGERS = [(Q, "UPDATE", "reckoner_export_question_rekeyed", "OLD TABLE AS old_rows NEW TABLE AS new_rows")]


def _pg_statements(export_lines: bool) -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {PG_TABLE} (prediction_id bigint PRIMARY KEY, document tsvector NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_gin ON {PG_TABLE} USING gin (document)",
        # the prediction's made_at, so that the best matches are sorted from this table alone (see order_by_rank)
        f"ALTER TABLE {PG_TABLE} ADD COLUMN IF NOT EXISTS made_at timestamptz",
    ]
    if export_lines:
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {EXPORT_TABLE} (prediction_id bigint PRIMARY KEY, line text NOT NULL)"
        )
    statements.append(_pg_refresh(export_lines))
    for name, ids in _PG_FUNCTIONS.items():
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE ids bigint[]; "
            f"BEGIN {ids} INTO ids; IF ids IS NOT NULL THEN PERFORM reckoner_search_refresh(ids); END IF; "
            "RETURN NULL; END $$"
        )
    statements.append(
        "CREATE OR REPLACE FUNCTION reckoner_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN TRUNCATE {PG_TABLE}; {f'TRUNCATE {EXPORT_TABLE}; ' if export_lines else ''}RETURN NULL; END $$"
    )
    for table, event, function, transitions in _PG_TRIGGERS + (_PG_EXPORT_TRIGGERS if export_lines else []):
        name = f"{function}_{event.lower()}"
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transitions} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    statements += [
        f"DROP TRIGGER IF EXISTS reckoner_search_truncate ON {P}",
        f"CREATE TRIGGER reckoner_search_truncate AFTER TRUNCATE ON {P} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reckoner_search_truncate()",
        # Documents (and lines) for the rows already there.
        f"SELECT reckoner_search_refresh(ARRAY(SELECT id FROM {P}))",
    ]
    return statements


def _sqlite_refresh(where: str) -> str:
    """Statements (for a trigger body) that rebuild the documents of the predictions `p` matching `where`."""
    return (
        f"DELETE FROM {SQLITE_TABLE} WHERE rowid IN (SELECT p.id FROM {P} p WHERE {where}); "
        f"INSERT INTO {SQLITE_TABLE} (rowid, statement, quote, criteria, evidence, pundit, tags) "
        "SELECT p.id, p.statement, p.quote, p.resolution_criteria, "
        f"(SELECT group_concat(e.title, ' ') FROM {E} e WHERE e.prediction_id = p.id), "
        f"(SELECT u.name FROM {U} u WHERE u.id = p.pundit_id), "
        f"(SELECT group_concat(t.name, ' ') FROM {PT} pt JOIN {T} t ON t.id = pt.tag_id "
        "WHERE pt.prediction_id = p.id) "
        f"FROM {P} p WHERE {where};"
    )


def _sqlite_statements() -> list[str]:
    # (trigger name, event, body)
    triggers = [
        ("prediction_insert", f"AFTER INSERT ON {P}", _sqlite_refresh("p.id = NEW.id")),
        (
            "prediction_update",
            f"AFTER UPDATE OF statement, quote, resolution_criteria, pundit_id ON {P}",
            _sqlite_refresh("p.id = NEW.id"),
        ),
        ("prediction_delete", f"AFTER DELETE ON {P}", f"DELETE FROM {SQLITE_TABLE} WHERE rowid = OLD.id;"),
        ("evidence_insert", f"AFTER INSERT ON {E}", _sqlite_refresh("p.id = NEW.prediction_id")),
        (
            "evidence_update",
            f"AFTER UPDATE OF title, prediction_id ON {E}",
            _sqlite_refresh("p.id IN (OLD.prediction_id, NEW.prediction_id)"),
        ),
        ("evidence_delete", f"AFTER DELETE ON {E}", _sqlite_refresh("p.id = OLD.prediction_id")),
        ("tags_insert", f"AFTER INSERT ON {PT}", _sqlite_refresh("p.id = NEW.prediction_id")),
        ("tags_delete", f"AFTER DELETE ON {PT}", _sqlite_refresh("p.id = OLD.prediction_id")),
        ("pundit_rename", f"AFTER UPDATE OF name ON {U}", _sqlite_refresh("p.pundit_id = NEW.id")),
        (
            "tag_rename",
            f"AFTER UPDATE OF name ON {T}",
            _sqlite_refresh(f"p.id IN (SELECT prediction_id FROM {PT} WHERE tag_id = NEW.id)"),
        ),
    ]
    statements = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_TABLE} USING fts5("
        "statement, quote, criteria, evidence, pundit, tags, tokenize = 'porter unicode61 remove_diacritics 2')"
    ]
    for name, event, body in triggers:
        statements += [
            f"DROP TRIGGER IF EXISTS reckoner_search_{name}",
            f"CREATE TRIGGER reckoner_search_{name} {event} FOR EACH ROW BEGIN {body} END",
        ]
    statements.append(_sqlite_refresh("1 = 1").split(";")[1])  # documents for the rows already there
    return statements


def search_install(connection: BaseDatabaseWrapper, *, export_lines: bool = True) -> None:
    """Create the search index and its triggers, and index what is there (idempotent). On PostgreSQL the same
    triggers keep each prediction's line of the dump (``EXPORT_TABLE``) unless `export_lines` is False (the
    migrations older than that table's)."""
    if connection.vendor == "postgresql":
        statements = _pg_statements(export_lines)
    elif connection.vendor == "sqlite":
        statements = [f"DROP TABLE IF EXISTS {SQLITE_TABLE}", *_sqlite_statements()]
    else:
        return
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def search_uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table, event, function, _ in _PG_TRIGGERS + _PG_EXPORT_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {function}_{event.lower()} ON {table}")
            cursor.execute(f"DROP TRIGGER IF EXISTS reckoner_search_truncate ON {P}")
            cursor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {EXPORT_TABLE}")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'reckoner_search_%'")
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
