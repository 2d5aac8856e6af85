using Dapper;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Positions;

/// <summary>
/// On SQLite the officer tracks live in a file of their own next to the main one (<see cref="DbConnectionFactory.TracksFile"/>).
/// Appending 30,000 fixes a second to one file made every report wait for the commit in progress; in their own file the
/// appends never stand in a report's way. The file has no foreign key to <c>officers</c>: the position writer checks the
/// batch's officers in the main file before it appends.
/// </summary>
internal static class TrackFile
{
    // Run on the first open per process (IF NOT EXISTS: several nodes may open it at once). The main file's own copy of the
    // table (0003_positions.sql) is moved here and dropped by MoveFromMainAsync.
    internal const string SchemaSqliteSql = """
        CREATE TABLE IF NOT EXISTS officer_tracks (
            id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            officer_id  INTEGER NOT NULL,
            lat         REAL    NOT NULL,
            lon         REAL    NOT NULL,
            at          TEXT    NOT NULL,
            speed       REAL    NULL,
            heading     REAL    NULL,
            accuracy    REAL    NULL
        );
        CREATE INDEX IF NOT EXISTS ix_officer_tracks_officer_id_at ON officer_tracks (officer_id, at);
        """;

    internal const string MainHasTracksSqliteSql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'officer_tracks'";
    internal const string AttachMainSqliteSql = "ATTACH DATABASE @File AS main_file";
    internal const string DetachMainSqliteSql = "DETACH DATABASE main_file";

    // Ids are kept, so a copy cut short by a crash is simply run again.
    internal const string CopyFromMainSqliteSql = """
        INSERT OR IGNORE INTO officer_tracks (id, officer_id, lat, lon, at, speed, heading, accuracy)
        SELECT id, officer_id, lat, lon, at, speed, heading, accuracy FROM main_file.officer_tracks ORDER BY id
        """;

    internal const string DropFromMainSqliteSql = "DROP TABLE IF EXISTS officer_tracks";

    /// <summary>
    /// Moves the tracks a main file still holds (created by 0003_positions.sql, written by versions before the tracks file)
    /// into the tracks file, then drops the main file's table. Runs within the main file's write turn, so nodes starting
    /// together move them once.
    /// </summary>
    /// <returns>The rows copied.</returns>
    public static async Task<long> MoveFromMainAsync(DbConnectionFactory db, CancellationToken ct)
    {
        if (db.SqliteFile is not { } mainFile)
        {
            return 0;
        }

        await using var turn = await db.WriteTurnAsync(ct);
        await using var main = await db.OpenAsync(ct);
        if (await main.ExecuteScalarAsync<long>(new CommandDefinition(MainHasTracksSqliteSql, cancellationToken: ct)) == 0)
        {
            return 0;
        }

        long copied;
        await using (var tracksTurn = await db.TracksWriteTurnAsync(ct))
        await using (var tracks = (SqliteConnection)await db.OpenTracksAsync(ct))
        {
            await tracks.ExecuteAsync(new CommandDefinition(AttachMainSqliteSql, new { File = mainFile }, cancellationToken: ct));
            try
            {
                await using var tx = await tracks.BeginTransactionAsync(ct);
                copied = await tracks.ExecuteAsync(new CommandDefinition(CopyFromMainSqliteSql, transaction: tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
            }
            finally
            {
                // The connection goes back to the pool: it must not keep the main file attached.
                await tracks.ExecuteAsync(DetachMainSqliteSql);
            }
        }

        await main.ExecuteAsync(new CommandDefinition(DropFromMainSqliteSql, cancellationToken: ct));
        return copied;
    }
}
