using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;

namespace Dashboard.Data;

/// <summary>
/// The one place where SQLite and SQL Server differ. Repositories compose their SQL from these members;
/// everything else is written once in the common subset of both dialects.
/// </summary>
internal sealed partial class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(DatabaseProvider.Sqlite);
    public static readonly SqlDialect SqlServer = new(DatabaseProvider.SqlServer);

    private SqlDialect(DatabaseProvider provider) => Provider = provider;

    public static SqlDialect For(DatabaseProvider provider) => provider == DatabaseProvider.SqlServer ? SqlServer : Sqlite;

    public DatabaseProvider Provider { get; }

    /// <summary>Folder (and embedded resource prefix) of this provider's numbered migration scripts.</summary>
    public string ScriptFolder => IsSqlServer ? "SqlServer" : "Sqlite";

    public string CreateSchemaVersionsSql => IsSqlServer
        ? """
          IF OBJECT_ID(N'dbo.schema_versions', N'U') IS NULL
              CREATE TABLE dbo.schema_versions (
                  version int NOT NULL CONSTRAINT pk_schema_versions PRIMARY KEY,
                  name nvarchar(200) NOT NULL,
                  applied_at datetimeoffset NOT NULL);
          """
        : """
          CREATE TABLE IF NOT EXISTS schema_versions (
              version INTEGER NOT NULL PRIMARY KEY,
              name TEXT NOT NULL,
              applied_at TEXT NOT NULL);
          """;

    /// <summary>Placed between the column list and VALUES of an INSERT.</summary>
    public string OutputInsertedId => IsSqlServer ? "OUTPUT INSERTED.id" : "";

    /// <summary>Placed at the end of an INSERT.</summary>
    public string ReturningId => IsSqlServer ? "" : "RETURNING id";

    /// <summary>
    /// Placed at the end of an INSERT ... VALUES, before <see cref="ReturningId"/>: SQLite skips a row that would break
    /// the unique key on <paramref name="conflictColumns"/> and returns no id. SQL Server has no such clause; there the
    /// insert fails and callers recognise it with <see cref="IsUniqueViolation"/>.
    /// </summary>
    public string OnConflictDoNothing(string conflictColumns) => IsSqlServer ? "" : $"ON CONFLICT ({conflictColumns}) DO NOTHING";

    /// <summary>Counts rows as a 64-bit number (SQL Server's COUNT(*) is an int; SQLite's is already 64-bit).</summary>
    public string CountAllBig => IsSqlServer ? "COUNT_BIG(*)" : "COUNT(*)";

    /// <summary>Placed after ORDER BY: at most <paramref name="parameter"/> rows.</summary>
    public string Limit(string parameter) =>
        IsSqlServer ? $"OFFSET 0 ROWS FETCH NEXT {parameter} ROWS ONLY" : $"LIMIT {parameter}";

    /// <summary>
    /// Appends one incident_events row (@IncidentId, @TaskId, @Type, @Actor, @At, @Payload) and returns its seq. Must run inside
    /// the writing transaction. Clients resync with "events since seq N", so seq must grow in commit order:
    /// SQLite has a single writer, so AUTOINCREMENT is enough. A SQL Server IDENTITY is handed out at insert and can commit
    /// out of order; the value comes from the one-row event_sequence table instead, whose updated row stays locked
    /// until commit, so the next writer cannot take a seq before this one is committed (or rolled back).
    /// </summary>
    public string AppendIncidentEventSql => IsSqlServer
        ? """
          DECLARE @next TABLE (value bigint NOT NULL);
          UPDATE event_sequence SET value = value + 1 OUTPUT INSERTED.value INTO @next WHERE id = 1;
          INSERT INTO incident_events (seq, incident_id, task_id, type, actor, at, payload)
          OUTPUT INSERTED.seq
          SELECT value, @IncidentId, @TaskId, @Type, @Actor, @At, @Payload FROM @next;
          """
        : """
          INSERT INTO incident_events (incident_id, task_id, type, actor, at, payload)
          VALUES (@IncidentId, @TaskId, @Type, @Actor, @At, @Payload)
          RETURNING seq;
          """;

    /// <summary>
    /// Placed after a table (and its alias) in FROM: the row read is locked for update until commit, so a second writer of the
    /// same row waits there instead of reading a state that is about to change. SQLite needs nothing: Microsoft.Data.Sqlite
    /// begins transactions IMMEDIATE, which already takes the database's single write lock.
    /// </summary>
    public string UpdateLockHint => IsSqlServer ? "WITH (UPDLOCK, ROWLOCK)" : "";

    /// <summary>The text of one scalar member of a JSON column, e.g. <c>JsonText("e.payload", "$.clock")</c>; null when absent.</summary>
    public string JsonText(string column, string path) =>
        IsSqlServer ? $"JSON_VALUE({column}, '{path}')" : $"json_extract({column}, '{path}')";

    /// <summary>The value expression that stores a WKB parameter in a boundary column.</summary>
    public string GeometryValue(string parameter) =>
        IsSqlServer ? $"geography::STGeomFromWKB({parameter}, 4326)" : parameter;

    /// <summary>The select expression that reads a boundary column back as WKB.</summary>
    public string GeometryColumn(string column) => IsSqlServer ? $"{column}.STAsBinary()" : column;

    /// <summary>SQL Server geography rejects clockwise shells (it reads them as "the whole earth minus the polygon").</summary>
    public Geometry PrepareGeometry(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return IsSqlServer ? RingOrientation.ShellsCounterClockwise(geometry) : geometry;
    }

    // SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; SQL Server duplicate key in a unique index / constraint.
    public bool IsUniqueViolation(DbException exception) => IsSqlServer
        ? exception is SqlException { Number: 2601 or 2627 }
        : exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    /// <summary>SQLite runs a whole script in one command; SQL Server needs it cut into batches at GO lines.</summary>
    public IReadOnlyList<string> SplitScript(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var batches = IsSqlServer ? GoLine().Split(script) : [script];
        return batches.Where(b => !string.IsNullOrWhiteSpace(b)).ToList();
    }

    private bool IsSqlServer => Provider == DatabaseProvider.SqlServer;

    [GeneratedRegex(@"^[ \t]*GO[ \t]*;?[ \t]*\r?$", RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex GoLine();
}
