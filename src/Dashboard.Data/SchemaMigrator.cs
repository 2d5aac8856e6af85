using System.Data;
using System.Globalization;
using System.Reflection;
using Dapper;

namespace Dashboard.Data;

/// <summary>
/// Applies the provider's embedded scripts (<c>NNNN_name.sql</c>) in version order. Each script runs in its own
/// transaction together with its <c>schema_versions</c> row, so a failed script leaves no trace. On a SQLite file it then moves
/// the officer tracks into their own file (<see cref="Positions.TrackFile"/>).
/// </summary>
public sealed class SchemaMigrator(DbConnectionFactory db, TimeProvider? time = null)
{
    internal const string AppliedVersionsSql = "SELECT version FROM schema_versions";
    internal const string IsAppliedSql = "SELECT COUNT(*) FROM schema_versions WHERE version = @Version";
    internal const string RecordVersionSql = "INSERT INTO schema_versions (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)";

    internal sealed record Script(int Version, string Name, string Text);

    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        var dialect = db.Dialect;
        var scripts = LoadScripts(dialect);
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(dialect.CreateSchemaVersionsSql, cancellationToken: ct));
        var applied = (await connection.QueryAsync<int>(new CommandDefinition(AppliedVersionsSql, cancellationToken: ct))).ToHashSet();

        var appliedNow = new List<string>();
        foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.Serializable, ct);
            // Another process may have applied it since the list was read.
            if (await connection.ExecuteScalarAsync<int>(new CommandDefinition(IsAppliedSql, new { script.Version }, tx, cancellationToken: ct)) > 0)
            {
                continue;
            }

            foreach (var batch in dialect.SplitScript(script.Text))
            {
                await connection.ExecuteAsync(new CommandDefinition(batch, transaction: tx, cancellationToken: ct));
            }

            await connection.ExecuteAsync(new CommandDefinition(
                RecordVersionSql, new { script.Version, script.Name, AppliedAt = (time ?? TimeProvider.System).GetUtcNow() }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            appliedNow.Add(script.Name);
        }

        await Positions.TrackFile.MoveFromMainAsync(db, ct);
        return appliedNow;
    }

    internal static IReadOnlyList<Script> LoadScripts(SqlDialect dialect)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var prefix = dialect.ScriptFolder + "/";
        var scripts = new List<Script>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var name = resource[prefix.Length..];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (!name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || underscore <= 0
                || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration script '{resource}' must be named NNNN_description.sql.");
            }

            scripts.Add(new Script(version, name, ReadResource(assembly, resource)));
        }

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migration scripts share version {duplicate.Key}: {string.Join(", ", duplicate.Select(s => s.Name))}.");
        }

        return scripts.OrderBy(s => s.Version).ToList();
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
