using System.Data.Common;
using Dapper;

namespace Dashboard.Data.Incidents;

/// <summary>An enforcement category as stored: the defaults are seeded by migration 0002, admins may rename or retire them.</summary>
public sealed record CategoryRow(string Code, string Name, string NameEn, bool Active, int SortOrder);

public sealed class CategoryRepository(DbConnectionFactory db)
{
    private const string Columns = "code AS Code, name AS Name, name_en AS NameEn, active AS Active, sort_order AS SortOrder";

    internal const string ListActiveSql = "SELECT " + Columns + " FROM categories WHERE active = 1 ORDER BY sort_order, code";
    internal const string ListAllSql = "SELECT " + Columns + " FROM categories ORDER BY sort_order, code";
    internal const string FindSql = "SELECT " + Columns + " FROM categories WHERE code = @Code";
    internal const string UpdateSql = "UPDATE categories SET name = @Name, name_en = @NameEn, active = @Active, sort_order = @SortOrder WHERE code = @Code";
    internal const string InsertSql = "INSERT INTO categories (code, name, name_en, active, sort_order) VALUES (@Code, @Name, @NameEn, @Active, @SortOrder)";

    public async Task<IReadOnlyList<CategoryRow>> ListAsync(bool includeInactive = false, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(includeInactive ? ListAllSql : ListActiveSql, cancellationToken: ct));
        return rows.Select(r => r.ToCategory()).ToList();
    }

    public async Task<CategoryRow?> FindAsync(string code, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(FindSql, new { Code = code }, cancellationToken: ct));
        return row?.ToCategory();
    }

    /// <summary>Updates the category with this code, or inserts it when there is none.</summary>
    public async Task UpsertAsync(CategoryRow category, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(category);
        await using var connection = await db.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(UpdateSql, category, cancellationToken: ct)) > 0)
        {
            return;
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, category, cancellationToken: ct));
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            // Another upsert inserted the same code between our UPDATE and INSERT; ours is the later write.
            await connection.ExecuteAsync(new CommandDefinition(UpdateSql, category, cancellationToken: ct));
        }
    }

    private sealed class Row
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string NameEn { get; set; } = "";
        public bool Active { get; set; }
        public int SortOrder { get; set; }

        public CategoryRow ToCategory() => new(Code, Name, NameEn, Active, SortOrder);
    }
}
