namespace Dashboard.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>Bound from the <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// SQLite: true when no other process writes the file. The position writer then checkpoints the log before it takes the
    /// file, outside every commit; with several processes on one file (nodes behind Redis) that checkpoint stalled the other
    /// node's reports for up to 1.3 s, so they checkpoint inside commits as SQLite does by default.
    /// </summary>
    public bool SingleWriterProcess { get; set; } = true;
}
