"""What the database itself refuses: edits and deletions of the append-only history, deletion of published
predictions.

Triggers on SQLite and PostgreSQL (installed by migration 0003 and re-installed after every `migrate` and `flush`,
so a later migration that rebuilds a table on SQLite cannot silently drop them):

- predictions_resolution, predictions_ledgerentry, predictions_revision, predictions_auditlog: no UPDATE, no DELETE
  (and no TRUNCATE on PostgreSQL). The one UPDATE let through is Django's ON DELETE SET NULL emulation when a user
  is deleted: the user column (resolved_by_id, editor_id, actor_id) may go to NULL and nothing else may change.
- predictions_prediction: no DELETE of a row that is not a draft, and no UPDATE that turns a published, resolved or
  withdrawn prediction back into a draft (which would make it deletable).

Refusals raise django.db.IntegrityError. The triggers stop the application, the admin and anyone at an SQL prompt
who does not drop them; a database owner can drop them, which is what the hash-chained ledger
(predictions.services.ledger.ledger_verify) is for.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

#: Append-only tables and the user column that Django may set to NULL when that user is deleted.
APPEND_ONLY: dict[str, str | None] = {
    "predictions_resolution": "resolved_by_id",
    "predictions_ledgerentry": None,
    "predictions_revision": "editor_id",
    "predictions_auditlog": "actor_id",
}
PREDICTION_TABLE = "predictions_prediction"
_PREFIX = "reckoner_guard"

_PG_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION reckoner_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    IF TG_NARGS > 0 AND new_row -> TG_ARGV[0] = 'null'::jsonb THEN
        old_row := old_row - TG_ARGV[0];
        new_row := new_row - TG_ARGV[0];
    END IF;
    IF old_row IS DISTINCT FROM new_row THEN
        RAISE EXCEPTION '% is append-only: UPDATE refused', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;
"""

_PG_PREDICTION_FUNCTION = """
CREATE OR REPLACE FUNCTION reckoner_prediction_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.status <> 'draft' THEN
        RAISE EXCEPTION 'predictions_prediction: a % prediction cannot be deleted; withdraw it', OLD.status
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status <> 'draft' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION 'predictions_prediction: a % prediction cannot go back to draft', OLD.status
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
"""


def _tables(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _columns(connection: BaseDatabaseWrapper, table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _sqlite_statements(connection: BaseDatabaseWrapper, present: set[str]) -> list[str]:
    q = connection.ops.quote_name
    statements = []
    for table, user_column in APPEND_ONLY.items():
        if table not in present:
            continue
        changed = [f"OLD.{q(c)} IS NOT NEW.{q(c)}" for c in _columns(connection, table) if c != user_column]
        if user_column:
            changed.append(f"(NEW.{q(user_column)} IS NOT NULL AND NEW.{q(user_column)} IS NOT OLD.{q(user_column)})")
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {_PREFIX}_{table}_update BEFORE UPDATE ON {q(table)} FOR EACH ROW "
            f"WHEN {' OR '.join(changed)} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
            f"CREATE TRIGGER IF NOT EXISTS {_PREFIX}_{table}_delete BEFORE DELETE ON {q(table)} FOR EACH ROW "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
        ]
    if PREDICTION_TABLE in present:
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {_PREFIX}_{PREDICTION_TABLE}_delete BEFORE DELETE ON {PREDICTION_TABLE} "
            "FOR EACH ROW WHEN OLD.status <> 'draft' "
            "BEGIN SELECT RAISE(ABORT, 'predictions_prediction: a published prediction cannot be deleted; "
            "withdraw it'); END",
            f"CREATE TRIGGER IF NOT EXISTS {_PREFIX}_{PREDICTION_TABLE}_undraft BEFORE UPDATE OF status ON "
            f"{PREDICTION_TABLE} FOR EACH ROW WHEN OLD.status <> 'draft' AND NEW.status = 'draft' "
            "BEGIN SELECT RAISE(ABORT, 'predictions_prediction: a published prediction cannot go back to draft'); "
            "END",
        ]
    return statements


def _postgresql_statements(present: set[str]) -> list[str]:
    statements = [_PG_APPEND_ONLY_FUNCTION, _PG_PREDICTION_FUNCTION]
    for table, user_column in APPEND_ONLY.items():
        if table not in present:
            continue
        arg = f"'{user_column}'" if user_column else ""
        statements += [
            f"DROP TRIGGER IF EXISTS {_PREFIX}_rows ON {table}",
            f"CREATE TRIGGER {_PREFIX}_rows BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION reckoner_append_only({arg})",
            f"DROP TRIGGER IF EXISTS {_PREFIX}_truncate ON {table}",
            f"CREATE TRIGGER {_PREFIX}_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION reckoner_append_only()",
        ]
    if PREDICTION_TABLE in present:
        statements += [
            f"DROP TRIGGER IF EXISTS {_PREFIX}_rows ON {PREDICTION_TABLE}",
            f"CREATE TRIGGER {_PREFIX}_rows BEFORE UPDATE OR DELETE ON {PREDICTION_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION reckoner_prediction_guard()",
        ]
    return statements


def append_only_install(connection: BaseDatabaseWrapper) -> int:
    """Create the triggers (idempotent; tables that do not exist yet are skipped). Returns statements run."""
    present = _tables(connection)
    if connection.vendor == "sqlite":
        statements = _sqlite_statements(connection, present)
    elif connection.vendor == "postgresql":
        statements = _postgresql_statements(present)
    else:  # other databases: the ledger still detects tampering
        return 0
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return len(statements)


def append_only_drop(connection: BaseDatabaseWrapper) -> None:
    """Remove the triggers (for `flush`, which empties every table, and for tests that play the attacker)."""
    present = _tables(connection)
    tables = [t for t in [*APPEND_ONLY, PREDICTION_TABLE] if t in present]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{_PREFIX}_%"])
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(name)}")
        elif connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_PREFIX}_rows ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {_PREFIX}_truncate ON {table}")


def append_only_installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the guarded tables that have their triggers (for checks and tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{_PREFIX}_%"]
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE %s",
                [f"{_PREFIX}_%"],
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}
